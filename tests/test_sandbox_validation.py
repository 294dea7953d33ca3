"""Bad requests get the right Sinch error, never a 500: a table per operation, sent over real HTTP."""

from __future__ import annotations

import json

import pytest

from sinchvoice.sandbox import defaults
from tests.sandbox_support import conference, custom, tts

CALLOUTS = "/calling/v1/callouts"
NUMBER = "/calling/v1/configuration/numbers/+46700000102"
CALLBACKS = f"/calling/v1/configuration/callbacks/applications/{defaults.KEY}"


def dest(endpoint, kind="number"):
    return {"type": kind, "endpoint": endpoint}


def tts_with(**fields):
    body = tts()
    body["ttsCallout"].update(fields)
    return body


def conf_with(**fields):
    body = conference()
    body["conferenceCallout"].update(fields)
    return body


CASES = [
    # (id, method, path, body: dict/list/str/bytes, status, errorCode)
    ("malformed-json", "POST", CALLOUTS, b'{"method": ', 400, 40001),
    ("nested-too-deeply", "POST", CALLOUTS, b"[" * 5000 + b"]" * 5000, 400, 40001),
    ("nan-is-not-json", "POST", CALLOUTS, b'{"method": "ttsCallout", "ttsCallout": {"x": NaN}}', 400, 40001),
    ("empty-body", "POST", CALLOUTS, b"", 400, 40002),
    ("whitespace-body", "POST", CALLOUTS, b"  \n", 400, 40002),
    ("not-utf8", "POST", CALLOUTS, b'{"method": "\xff"}', 400, 40001),
    ("json-array", "POST", CALLOUTS, [1, 2], 400, 40001),
    ("json-string", "POST", CALLOUTS, "ttsCallout", 400, 40001),
    ("no-method", "POST", CALLOUTS, {"ttsCallout": tts()["ttsCallout"]}, 400, 40002),
    ("unknown-method", "POST", CALLOUTS, {"method": "smsCallout"}, 400, 40001),
    ("method-wrong-type", "POST", CALLOUTS, {"method": 7}, 400, 40001),
    ("tts-info-missing", "POST", CALLOUTS, {"method": "ttsCallout"}, 400, 40002),
    ("tts-for-conference", "POST", CALLOUTS, {**tts(), "method": "conferenceCallout"}, 400, 40002),
    ("no-plus", "POST", CALLOUTS, tts_with(destination=dest("46701234567")), 400, 40005),
    ("leading-zero", "POST", CALLOUTS, tts_with(destination=dest("+0701234567")), 400, 40001),
    ("too-long-number", "POST", CALLOUTS, tts_with(destination=dest("+1234567890123456")), 400, 40001),
    ("letters-in-number", "POST", CALLOUTS, tts_with(destination=dest("+4670abc")), 400, 40001),
    ("bad-destination-type", "POST", CALLOUTS, tts_with(destination=dest("+46701234567", "fax")), 400, 40001),
    ("destination-missing-endpoint", "POST", CALLOUTS, tts_with(destination={"type": "number"}), 400, 40002),
    ("empty-text", "POST", CALLOUTS, tts_with(text="   "), 400, 40002),
    ("text-601", "POST", CALLOUTS, tts_with(text="a" * 601), 400, 40001),
    ("text-wrong-type", "POST", CALLOUTS, tts_with(text=["hello"]), 400, 40001),
    ("enableAce-string", "POST", CALLOUTS, tts_with(enableAce="yes"), 400, 40001),
    ("conference-id-65", "POST", CALLOUTS, conf_with(conferenceId="c" * 65), 400, 40001),
    ("conference-id-empty", "POST", CALLOUTS, conf_with(conferenceId=""), 400, 40002),
    ("bad-dtmf", "POST", CALLOUTS, conf_with(dtmf="12a"), 400, 40001),
    ("max-duration-14401", "POST", CALLOUTS, conf_with(maxDuration=14401), 400, 40001),
    ("max-duration-zero", "POST", CALLOUTS, conf_with(maxDuration=0), 400, 40001),
    ("max-duration-float", "POST", CALLOUTS, conf_with(maxDuration=1.5), 400, 40001),
    ("max-duration-bool", "POST", CALLOUTS, conf_with(maxDuration=True), 400, 40001),
    ("bad-moh", "POST", CALLOUTS, conf_with(mohClass="jazz"), 400, 40001),
    ("custom-ice-garbage", "POST", CALLOUTS, custom(ice="not svaml"), 400, 40001),
    (
        "custom-no-ice",
        "POST",
        CALLOUTS,
        {
            "method": "customCallout",
            "customCallout": {"cli": "+46700000100", "destination": dest("+46701234567")},
        },
        400,
        40002,
    ),
    ("huge-body", "POST", CALLOUTS, b'{"x": "' + b"a" * (70 * 1024) + b'"}', 413, 40001),
    ("unknown-call", "GET", "/calling/v1/calls/id/nope", None, 404, 40400),
    ("patch-unknown-call", "PATCH", "/calling/v1/calls/id/nope", {"action": {"name": "hangup"}}, 404, 40400),
    ("unknown-conference", "GET", "/calling/v1/conferences/id/none", None, 404, 40400),
    ("kick-unknown-conference", "DELETE", "/calling/v1/conferences/id/none", None, 404, 40400),
    ("kick-unknown-participant", "DELETE", "/calling/v1/conferences/id/none/x", None, 404, 40400),
    (
        "manage-unknown-conference",
        "PATCH",
        "/calling/v1/conferences/id/none/x",
        {"command": "mute"},
        404,
        40400,
    ),
    ("manage-bad-command", "PATCH", "/calling/v1/conferences/id/none/x", {"command": "shout"}, 400, 40001),
    ("manage-no-command", "PATCH", "/calling/v1/conferences/id/none/x", {}, 400, 40002),
    ("unknown-number", "GET", "/calling/v1/configuration/numbers/+46999", None, 404, 40400),
    ("assign-unknown-number", "POST", "/calling/v1/configuration/numbers/+46999", {}, 404, 40400),
    ("unassign-unknown-number", "DELETE", "/calling/v1/configuration/numbers/+46999", None, 404, 40400),
    ("number-bad-capability", "POST", NUMBER, {"capability": "fax"}, 400, 40001),
    ("number-key-wrong-type", "POST", NUMBER, {"applicationKey": 5}, 400, 40001),
    ("number-mismatch", "POST", NUMBER, {"number": "+46700000100"}, 400, 40001),
    ("number-empty-body", "POST", NUMBER, b"", 400, 40002),
    ("callbacks-not-url", "POST", CALLBACKS, {"url": {"primary": "ftp://x"}}, 400, 40001),
    ("callbacks-url-wrong-type", "POST", CALLBACKS, {"url": "https://x.test/"}, 400, 40001),
    ("callbacks-malformed", "POST", CALLBACKS, b"{{", 400, 40001),
    ("unknown-route", "GET", "/calling/v1/unknown", None, 404, 40400),
    ("unknown-route-root", "GET", "/", None, 404, 40400),
    ("wrong-method-callouts", "GET", CALLOUTS, None, 405, 40001),
    ("wrong-method-numbers", "PUT", "/calling/v1/configuration/numbers", {}, 405, 40001),
    # A method the path does not take is 405 only for something that exists; an unknown call is 404.
    ("wrong-method-unknown-call", "DELETE", "/calling/v1/calls/id/x", None, 404, 40400),
]


@pytest.fixture
def sandbox(sandbox_spec):
    """These tests check the contract's shapes and rules: the spec layout (test_sandbox_live.py has the live one)."""
    return sandbox_spec


def send(client, method, path, body):
    if body is None:
        return client.request(method, path)
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.request(method, path, content=content, headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_requests_get_sinch_errors(sandbox, client, method, path, body, status, code):
    response = send(client, method, path, body)
    assert (response.status_code, response.json()["errorCode"]) == (status, code), response.text
    assert set(response.json()) == {"errorCode", "message", "reference"}
    assert sandbox.state()["calls"] == []


SVAML_CASES = [
    ("no-action", {"instructions": []}, 40002),
    ("action-without-name", {"action": {}}, 40002),
    ("connectPstn-not-allowed", {"action": {"name": "connectPstn", "number": "+461"}}, 40001),
    ("runMenu-not-allowed", {"action": {"name": "runMenu"}}, 40001),
    ("two-actions-as-list", {"action": [{"name": "hangup"}, {"name": "continue"}]}, 40001),
    ("unknown-instruction", {"instructions": [{"name": "dance"}], "action": {"name": "continue"}}, 40001),
    ("instructions-not-list", {"instructions": {"name": "say"}, "action": {"name": "continue"}}, 40001),
]


@pytest.mark.parametrize(("body", "code"), [c[1:] for c in SVAML_CASES], ids=[c[0] for c in SVAML_CASES])
def test_patch_call_svaml_rules(sandbox, client, body, code):
    call_id = client.post(CALLOUTS, json=custom()).json()["callId"]
    response = client.patch(f"/calling/v1/calls/id/{call_id}", json=body)
    assert (response.status_code, response.json()["errorCode"]) == (400, code)
    assert client.get(f"/calling/v1/calls/id/{call_id}").json()["status"] == "ONGOING"


def test_patch_on_a_final_call_is_404(sandbox, client):
    call_id = client.post(CALLOUTS, json=tts(to="+46700000001")).json()["callId"]
    sandbox.advance(2)
    response = client.patch(f"/calling/v1/calls/id/{call_id}", json={"action": {"name": "hangup"}})
    assert (response.status_code, response.json()["errorCode"]) == (404, 40400)
    assert "has ended (BUSY/N/A)" in response.json()["message"]


@pytest.mark.parametrize(
    "text", ["Hej då, världen! Здравствуй 👋 こんにちは", "x" * 600, "\u202e\u0000\ufffd"]
)
def test_unicode_and_limit_texts_are_accepted(sandbox, client, text):
    response = client.post(CALLOUTS, json=tts(text=text))
    assert response.status_code == 200
    assert sandbox.requests()[0]["body"]["ttsCallout"]["text"] == text


def test_limits_at_the_edge_are_accepted(client):
    body = conf_with(conferenceId="c" * 64, dtmf="0123456789#*w", maxDuration=14400, mohClass="music2")
    assert client.post(CALLOUTS, json=body).status_code == 200
    assert client.post(CALLOUTS, json=tts_with(destination=dest("+123456789012345"))).status_code == 200


def test_unicode_in_paths_and_garbage_bytes_never_500(sandbox, client):
    assert client.get("/calling/v1/calls/id/%F0%9F%91%8B").status_code == 404
    assert client.get("/calling/v1/conferences/id/%FF%FE").status_code == 404
    assert client.get("/calling/v1/configuration/numbers/%00").status_code == 404
    statuses = [r["status"] for r in sandbox.requests()]
    assert statuses == [404, 404, 404]


def test_nothing_in_the_journal_ever_answered_500(sandbox, client):
    for _, method, path, body, _, _ in CASES:
        send(client, method, path, body)
    assert sandbox.requests() and all(r["status"] < 500 for r in sandbox.requests())
