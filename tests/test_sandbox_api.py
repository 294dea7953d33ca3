"""Every operation's happy path over loopback HTTP, with responses checked against the spec's schemas."""

from __future__ import annotations

import pytest

from sinchvoice.sandbox import defaults
from tests.sandbox_support import CLI, TO, callout, conference, custom, tts, validate

NUMBERS = "/calling/v1/configuration/numbers"


@pytest.fixture
def sandbox(sandbox_spec):
    """These tests check the contract's shapes and rules: the spec layout (test_sandbox_live.py has the live one)."""
    return sandbox_spec


@pytest.mark.parametrize("body", [tts(), conference(), custom()], ids=["tts", "conference", "custom"])
def test_create_callout_returns_a_call_id(sandbox, client, body):
    response = client.post("/calling/v1/callouts", json=body)
    assert response.status_code == 200
    validate("CalloutResponse", response.json())
    assert [c["callId"] for c in sandbox.state()["calls"]] == [response.json()["callId"]]


def test_get_call_while_ringing(client):
    call_id = callout(client, tts())
    response = client.get(f"/calling/v1/calls/id/{call_id}")
    assert response.status_code == 200
    validate("CallInformation", response.json())
    assert response.json() == {
        "from": CLI,
        "to": TO,
        "domain": "pstn",
        "callId": call_id,
        "duration": 0,
        "status": "ONGOING",
        "result": "N/A",
        "reason": "N/A",
        "timestamp": "2026-01-01T00:00:00.000Z",
        "userRate": {"currencyId": "EUR", "amount": 0.025},
        "debit": {"currencyId": "EUR", "amount": 0.0},
    }


def test_call_ids_are_reproducible_with_a_seed(sandbox, client):
    first = callout(client, tts())
    sandbox.reset()
    assert callout(client, tts()) == first


def test_update_call_hangup(sandbox, client):
    call_id = callout(client, custom())
    sandbox.advance(5)
    response = client.patch(f"/calling/v1/calls/id/{call_id}", json={"action": {"name": "hangup"}})
    assert (response.status_code, response.content) == (200, b"")
    info = client.get(f"/calling/v1/calls/id/{call_id}").json()
    assert (info["status"], info["result"], info["reason"], info["duration"]) == (
        "FINAL",
        "ANSWERED",
        "MANAGERHANGUP",
        3,
    )


def test_update_call_continue_keeps_it_going(sandbox, client):
    call_id = callout(client, custom())
    body = {
        "instructions": [{"name": "say", "text": "hi", "locale": "en-US"}],
        "action": {"name": "continue"},
    }
    assert client.patch(f"/calling/v1/calls/id/{call_id}", json=body).status_code == 200
    assert client.get(f"/calling/v1/calls/id/{call_id}").json()["status"] == "ONGOING"


def test_get_conference_manage_and_kick(sandbox, client):
    call_id = callout(client, conference("room-1"))
    sandbox.advance(2)
    response = client.get("/calling/v1/conferences/id/room-1")
    assert response.status_code == 200
    validate("ConferenceInfo", response.json())
    assert response.json() == {
        "conferenceId": "room-1",
        "participants": [{"cli": TO, "callId": call_id, "duration": 0, "muted": False, "onhold": False}],
    }
    patch = client.patch(f"/calling/v1/conferences/id/room-1/{call_id}", json={"command": "mute"})
    assert (patch.status_code, patch.content) == (200, b"")
    assert client.delete(f"/calling/v1/conferences/id/room-1/{call_id}").status_code == 200
    assert client.get("/calling/v1/conferences/id/room-1").status_code == 404


def test_kick_all(sandbox, client):
    callout(client, conference("room-2"))
    sandbox.advance(2)
    assert client.delete("/calling/v1/conferences/id/room-2").status_code == 200
    assert client.get("/calling/v1/conferences/id/room-2").json()["errorCode"] == 40400


def test_get_numbers(client):
    response = client.get(NUMBERS)
    assert response.status_code == 200
    validate("NumberList", response.json())
    assert response.json() == {
        "numbers": [
            {"number": "+46700000100", "applicationKey": defaults.KEY, "capability": "voice"},
            {"number": "+46700000101", "applicationKey": defaults.KEY, "capability": "voice"},
            {"number": "+46700000102", "capability": "voice"},
            {"number": "+46700000103", "applicationKey": defaults.KEY, "capability": "sms"},
        ]
    }


def test_number_configuration_get_post_delete(client):
    response = client.get(f"{NUMBERS}/+46700000102")
    validate("NumberConfiguration", response.json())
    assert response.json() == {"number": "+46700000102", "capability": "voice"}
    assert client.post(f"{NUMBERS}/+46700000102", json={"applicationKey": defaults.KEY}).status_code == 200
    assert client.get(f"{NUMBERS}/%2B46700000102").json() == {
        "number": "+46700000102",
        "applicationKey": defaults.KEY,
        "capability": "voice",
    }
    assert client.delete(f"{NUMBERS}/+46700000102").status_code == 200
    assert client.get(f"{NUMBERS}/+46700000102").json() == {"number": "+46700000102", "capability": "voice"}


def test_number_can_be_assigned_to_another_key_and_capability(client):
    body = {"applicationKey": "another-app", "capability": "sms"}
    assert client.post(f"{NUMBERS}/+46700000101", json=body).status_code == 200
    assert client.get(f"{NUMBERS}/+46700000101").json() == {"number": "+46700000101", **body}


def test_application_callbacks_get_and_update(client):
    path = f"/calling/v1/configuration/callbacks/applications/{defaults.KEY}"
    assert client.get(path).json() == {"url": {}}
    body = {"url": {"primary": "https://example.test/cb", "fallback": "https://fallback.test/cb"}}
    assert client.post(path, json=body).status_code == 200
    response = client.get(path)
    validate("ApplicationCallbacks", response.json())
    assert response.json() == body
    assert client.post(path, json={"url": {"fallback": ""}}).status_code == 200
    assert client.get(path).json() == {"url": {"primary": "https://example.test/cb"}}


def test_other_application_keys_are_not_found(client):
    path = "/calling/v1/configuration/callbacks/applications/00000000-0000-4000-8000-000000000000"
    assert client.get(path).status_code == 404
    assert client.post(path, json={"url": {"primary": "https://x.test/"}}).json()["errorCode"] == 40400


def test_requests_are_journaled_with_redacted_authorization(sandbox, client):
    client.get(NUMBERS, params={"page": "1"})
    sandbox.state()
    (entry,) = sandbox.requests()
    assert (entry["method"], entry["path"], entry["query"], entry["status"], entry["auth"]) == (
        "GET",
        NUMBERS,
        "page=1",
        200,
        "signed",
    )
    assert entry["headers"]["authorization"] == f"Application {defaults.KEY}:***"
    assert entry["fault"] is None
