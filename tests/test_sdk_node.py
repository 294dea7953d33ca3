"""Sinch's own Node SDK (@sinch/voice), unchanged, runs every live operation against the sandbox.

Needs `node` and an installed @sinch/voice: SINCHVOICE_NODE_SDK_DIR names the folder holding its node_modules
(.ci/run installs one into a temporary folder); otherwise a node_modules in the repository or in tests/sdk/ is
used. Skipped, with the reason, when neither is there: no test reaches the internet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from sinchvoice.sandbox.clock import ManualClock
from sinchvoice.sandbox.server import run_in_thread
from tests.conftest import ROOT

SCRIPT = ROOT / "tests" / "sdk" / "voice_node_sdk.mjs"
# Read at import: the autouse `isolated` fixture clears every SINCHVOICE_* variable before a test runs.
NAMED_SDK_DIR = os.environ.get("SINCHVOICE_NODE_SDK_DIR")
KEY = "11111111-2222-4333-8444-555555555555"


def sdk_dir() -> Path:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    named = NAMED_SDK_DIR
    candidates = [Path(named)] if named else [ROOT, ROOT / "tests" / "sdk"]
    found = next((c for c in candidates if (c / "node_modules" / "@sinch" / "voice").is_dir()), None)
    if found is None:
        where = named or f"{ROOT} or {ROOT / 'tests' / 'sdk'}"
        pytest.skip(f"@sinch/voice is not installed in {where} (set SINCHVOICE_NODE_SDK_DIR; .ci/run does)")
    probe = subprocess.run([node, "-e", "require('@sinch/voice')"], cwd=found, capture_output=True, text=True,
                           timeout=60)
    if probe.returncode != 0:
        reason = next((line for line in probe.stderr.splitlines() if line.startswith("Error")), probe.stderr[-200:])
        pytest.skip(f"@sinch/voice in {found} does not load: {reason}")
    return found


def participant(call_id: str, cli: str, onhold: bool = False) -> dict:
    return {"cli": cli, "id": call_id, "duration": 1, "muted": False, "onhold": onhold}


def call(call_id: str, to: str, custom: str, status: str, reason: str) -> dict:
    price = {"currencyId": "EUR", "amount": 0.025}
    return {"from": {"type": "number", "endpoint": "+46700000100"}, "to": {"type": "number", "endpoint": to},
            "domain": "pstn", "callId": call_id, "duration": 1, "status": status, "result": "ANSWERED",
            "reason": reason, "timestamp": "2026-01-01T00:00:00.000Z", "userRate": price, "debit": price,
            "custom": custom}


def test_the_node_sdk_runs_every_live_operation_against_the_sandbox():
    folder = sdk_dir()
    with run_in_thread(clock=ManualClock(), seed=5, numbers=2) as running:
        env = {**os.environ, "SANDBOX_URL": running.base_url, "SINCH_APPLICATION_KEY": running.key,
               "SINCH_APPLICATION_SECRET": running.secret, "SINCHVOICE_NODE_SDK_DIR": str(folder)}
        run = subprocess.run(["node", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
        journal = httpx.get(running.base_url + "/_sandbox/requests", trust_env=False).json()
    assert run.returncode == 0, run.stderr
    # The SDK logs failed responses (the last conference read is a 404) on stdout: the summary is the last line.
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    results = summary["results"]
    ids = {name: results[name]["callId"] for name in
           ("ttsCallout", "conferenceCallout1", "conferenceCallout2", "customCallout")}
    assert all(len(call_id) == 36 for call_id in ids.values())

    assert [n["number"] for n in results["listNumbers"]["numbers"]] == [
        "+46700000100", "+46700000101", "+46700000102", "+46700000103", "+467000100000", "+467000100001"]
    assert results["listNumbersAfter"]["numbers"][1:5] == [
        {"number": "+46700000101", "capability": "voice"},
        {"number": "+46700000102", "applicationkey": KEY, "capability": "voice"},
        {"number": "+46700000103", "applicationkey": KEY, "capability": "sms"},
        {"number": "+467000100000", "applicationkey": KEY, "capability": "voice"},
    ]
    assert results["queryNumber"]["number"]["countryId"] == "SE"
    assert results["getTtsCall"] == call(ids["ttsCallout"], "+46701234567", "sdk", "ONGOING", "N/A")
    assert results["getCustomCall"] == call(ids["customCallout"], "+46709876543", "inline", "FINAL",
                                            "MANAGERHANGUP")
    first, second = ids["conferenceCallout1"], ids["conferenceCallout2"]
    assert results["getConference"] == {"participants": [participant(first, "+46701230011"),
                                                         participant(second, "+46701230012")]}
    assert results["getConferenceOnHold"]["participants"][0] == participant(first, "+46701230011", onhold=True)
    assert results["getConferenceAfterKickAll"] == {"error": "RequestFailedError", "status": 404}
    assert results["getCallbackURLsAfter"] == {"url": {"primary": "https://example.com/sinch",
                                                       "fallback": "https://example.com/fb"}}
    for empty in ("assignNumbers", "unassignNumber", "manageWithCallLeg", "updateCall", "manageParticipant",
                  "kickParticipant", "kickAll", "updateCallbackURLs"):
        assert results[empty] == {}, empty

    # What the sandbox received: the SDK's own signed requests, on the live paths, all accepted.
    received = [(r["method"], r["path"].replace(ids["customCallout"], "{custom}"), r["status"], r["auth"])
                for r in journal["requests"]]
    assert set(auth for *_, auth in received) == {"signed"}
    assert [(m, p, s) for m, p, s, _ in received if not p.startswith("/calling/v1/c")] == [
        ("GET", "/v1/configuration/numbers", 200),
        ("POST", "/v1/configuration/numbers", 204),
        ("DELETE", "/v1/configuration/numbers", 204),
        ("GET", "/v1/configuration/numbers", 200),
        ("GET", "/v1/calling/query/number/+46701234567", 200),
        ("GET", f"/v1/configuration/callbacks/applications/{KEY}", 200),
        ("POST", f"/v1/configuration/callbacks/applications/{KEY}", 200),
        ("GET", f"/v1/configuration/callbacks/applications/{KEY}", 200),
    ]
    assert ("PATCH", "/calling/v1/calls/id/{custom}/leg/callee", 200, "signed") in received
    assert [r["status"] for r in journal["requests"]].count(404) == 1 and journal["internalErrors"] == 0
    custom_body = next(r["body"] for r in journal["requests"] if r["body"] and r["body"].get("method") ==
                       "customCallout")["customCallout"]
    assert set(custom_body) == {"ice", "custom", "maxDuration"}  # no cli, no destination: the ICE says
