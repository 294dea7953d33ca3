"""Manual check: Sinch's Python SDK (sinch==1.1.4) against a running sandbox with a manual clock.

Run it with the SDK's interpreter, never the project's (the SDK pins its own dependencies):

    python3 -m venv /tmp/sinch-sdk && /tmp/sinch-sdk/bin/pip install sinch==1.1.4
    sinchvoice sandbox --manual-clock --port 8700 &
    /tmp/sinch-sdk/bin/python tests/sdk/python_sdk_check.py http://127.0.0.1:8700 KEY SECRET

Prints OK/FAIL per SDK call, then what the sandbox received. Results are noted in the README (sandbox section).
"""

from __future__ import annotations

import json
import sys
import urllib.request
from urllib.parse import urlsplit

from sinch import SinchClient  # the SDK under test, from its own virtual environment

CLI = "+46700000100"


def main(base: str, key: str, secret: str) -> None:
    client = SinchClient(application_key=key, application_secret=secret)
    client.configuration.disable_https = True
    client.configuration.voice_origin = client.configuration.voice_applications_origin = urlsplit(base).netloc
    voice = client.voice
    ice = json.dumps({"action": {"name": "connectPstn", "number": "+46709876543", "cli": CLI},
                      "instructions": [{"name": "say", "text": "hi"}]})
    tts = step("callouts.text_to_speech", lambda: voice.callouts.text_to_speech(
        destination={"type": "number", "endpoint": "+46701234567"}, cli=CLI, text="Hello from the SDK"))
    first = step("callouts.conference", lambda: voice.callouts.conference(
        destination={"type": "number", "endpoint": "+46701230011"}, conference_id="py-bridge", cli=CLI))
    second = step("conferences.call", lambda: voice.conferences.call(
        destination={"type": "number", "endpoint": "+46701230012"}, conference_id="py-bridge", cli=CLI,
        moh_class="music1"))
    custom = step("callouts.custom (inline ice)", lambda: voice.callouts.custom(ice=ice))
    control(base, "clock/advance", {"seconds": 3})
    step("calls.get", lambda: voice.calls.get(tts.call_id))
    step("calls.manage_with_call_leg", lambda: voice.calls.manage_with_call_leg(
        call_id=custom.call_id, call_leg="callee", instructions=[{"name": "say", "text": "hello"}],
        action={"name": "continue"}))
    step("calls.update", lambda: voice.calls.update(call_id=custom.call_id, instructions=[],
                                                    action={"name": "hangup"}))
    step("conferences.get", lambda: voice.conferences.get("py-bridge"))
    step("conferences.manage_participant", lambda: voice.conferences.manage_participant(
        conference_id="py-bridge", call_id=first.call_id, command="onhold", moh="ring"))
    step("conferences.kick_participant", lambda: voice.conferences.kick_participant(
        conference_id="py-bridge", call_id=second.call_id))
    step("conferences.kick_all", lambda: voice.conferences.kick_all(conference_id="py-bridge"))
    step("applications.get_numbers", lambda: voice.applications.get_numbers())
    step("applications.assign_numbers", lambda: voice.applications.assign_numbers(
        numbers=["+46700000102"], application_key=key, capability="voice"))
    step("applications.get_callback_urls", lambda: voice.applications.get_callback_urls(application_key=key))
    step("applications.query_number", lambda: voice.applications.query_number("+46701234567"))
    for entry in control(base, "requests")["requests"]:
        print(entry["method"], entry["path"], entry["status"], entry["auth"])


def step(name: str, call):
    try:
        result = call()
    except Exception as exc:  # report and go on: the point is the list of what works
        print(f"FAIL {name}: {type(exc).__name__}: {str(exc)[:200]}")
        return None
    print(f"OK   {name}: {repr(result)[:200]}")
    return result


def control(base: str, route: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}/_sandbox/{route}", data=data,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request) as response:  # loopback only
        return json.load(response)


if __name__ == "__main__":
    main(*sys.argv[1:4])
