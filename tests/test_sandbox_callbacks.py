"""Signed ace/dice deliveries to a real receiving server: order, payloads, signatures and fallback."""

from __future__ import annotations

import json

import pytest

from sinchvoice.signing import verify
from tests.sandbox_support import callout, closed_port_url, conference, custom, receiving, tts, validate

CLIENT_AUTH = "basic"  # the `client` fixture (sandbox_fixture.py) authenticates this way


def configure(client, sandbox, primary, fallback=None):
    url = {"primary": primary, **({"fallback": fallback} if fallback else {})}
    path = f"/calling/v1/configuration/callbacks/applications/{sandbox.key}"
    assert client.post(path, json={"url": url}).status_code == 200


def events(receiver) -> list[tuple[str, str]]:
    return [(json.loads(r["body"])["event"], json.loads(r["body"])["callid"]) for r in receiver.received]


def test_ace_then_dice_are_signed_and_complete(sandbox, client):
    with receiving() as (receiver, url):
        configure(client, sandbox, url + "/sinch/events?app=1")
        call_id = callout(client, tts(text="Hello there", enableAce=True, enableDice=True))
        sandbox.advance(2)
        assert events(receiver) == [("ace", call_id)]
        sandbox.advance(2)
        assert events(receiver) == [("ace", call_id), ("dice", call_id)]
    for request in receiver.received:
        headers = request["headers"]
        assert request["path"] == "/sinch/events"
        assert headers["authorization"].startswith(f"application {sandbox.key}:")
        assert headers["content-type"] == "application/json"
        result = verify(
            headers["authorization"],
            key=sandbox.key,
            secret=sandbox.secret,
            method="POST",
            path="/sinch/events",
            body=request["body"],
            content_type=headers["content-type"],
            timestamp=headers["x-timestamp"],
        )
        assert result.ok, result.reason
    ace, dice = (json.loads(r["body"]) for r in receiver.received)
    assert ace == {
        "event": "ace",
        "callid": call_id,
        "timestamp": "2026-01-01T00:00:02.000Z",
        "version": 1,
        "custom": "",
        "applicationKey": sandbox.key,
        "amd": {"status": "human", "reason": "", "duration": 0},
    }
    assert dice == {
        "event": "dice",
        "callid": call_id,
        "timestamp": "2026-01-01T00:00:04.000Z",
        "version": 1,
        "custom": "",
        "applicationKey": sandbox.key,
        "reason": "CALLERHANGUP",
        "result": "ANSWERED",
        "duration": 2,
        "debit": {"currencyId": "EUR", "amount": 0.025},
        "userRate": {"currencyId": "EUR", "amount": 0.025},
        "to": {"type": "number", "endpoint": "+46701234567"},
        "from": "+46700000100",
    }
    validate("Price", dice["debit"])


def test_journal_records_each_delivery(sandbox, client):
    with receiving() as (_, url):
        configure(client, sandbox, url + "/cb")
        call_id = callout(client, conference("cb", enableAce=True, enableDice=True))
        sandbox.advance(2)
        client.delete(f"/calling/v1/conferences/id/cb/{call_id}")
        journal = sandbox.callbacks()
    assert [
        (j["event"], j["callId"], j["url"], j["role"], j["status"], j["ok"], j["error"]) for j in journal
    ] == [
        ("ace", call_id, url + "/cb", "primary", 200, True, None),
        ("dice", call_id, url + "/cb", "primary", 200, True, None),
    ]
    # A real HTTP round trip: measured (more than nothing) and well inside the 2 s delivery timeout.
    assert all(isinstance(j["latencyMs"], float) and 0 < j["latencyMs"] < 2000 for j in journal)
    assert journal[1]["payload"]["reason"] == "MANAGERHANGUP"


@pytest.mark.parametrize("broken", ["500", "refused"])
def test_fallback_is_used_when_primary_fails(sandbox, client, broken):
    with receiving(status=500) as (failing, failing_url), receiving() as (fallback, fallback_url):
        primary = failing_url + "/primary" if broken == "500" else closed_port_url()
        configure(client, sandbox, primary, fallback_url + "/fallback")
        call_id = callout(client, tts(to="+46700000001", enableAce=True, enableDice=True))
        sandbox.advance(2)
        journal = sandbox.callbacks()
    assert events(fallback) == [("dice", call_id)]  # busy: never answered, so no ace
    assert [(j["role"], j["ok"]) for j in journal] == [("primary", False), ("fallback", True)]
    expected_error = "HTTP 500" if broken == "500" else "ConnectError"
    assert journal[0]["error"].startswith(expected_error)
    assert fallback.received[0]["path"] == "/fallback"


def test_nothing_is_sent_unless_asked(sandbox, client):
    with receiving() as (receiver, url):
        configure(client, sandbox, url)
        callout(client, tts(text="quiet"))
        sandbox.advance(10)
    assert receiver.received == []
    assert sandbox.callbacks() == []


def test_events_without_a_callback_url_are_not_sent(sandbox, client):
    callout(client, tts(enableAce=True, enableDice=True))
    sandbox.advance(10)
    assert sandbox.callbacks() == []


def test_custom_callout_ace_url_and_app_dice(sandbox, client):
    with receiving() as (app_receiver, app_url), receiving() as (ace_receiver, ace_url):
        configure(client, sandbox, app_url + "/app")
        call_id = callout(client, custom(to="+46700000004", ace=ace_url + "/ace"))
        sandbox.advance(5)
    assert events(ace_receiver) == [("ace", call_id)]
    assert events(app_receiver) == [("dice", call_id)]
    assert json.loads(app_receiver.received[0]["body"])["reason"] == "CALLEEHANGUP"


def test_deliveries_keep_order_across_calls(sandbox, client):
    with receiving() as (receiver, url):
        configure(client, sandbox, url)
        first = callout(client, tts(text="one two", enableAce=True, enableDice=True))
        sandbox.advance(1)
        second = callout(client, tts(text="three four", enableAce=True, enableDice=True))
        sandbox.advance(30)
    assert events(receiver) == [("ace", first), ("ace", second), ("dice", first), ("dice", second)]


def test_a_dead_receiver_never_breaks_the_sandbox(sandbox, client):
    configure(client, sandbox, closed_port_url(), closed_port_url())
    call_id = callout(client, tts(enableAce=True, enableDice=True))
    sandbox.advance(60)
    assert [(j["event"], j["role"], j["ok"]) for j in sandbox.callbacks()] == [
        ("ace", "primary", False),
        ("ace", "fallback", False),
        ("dice", "primary", False),
        ("dice", "fallback", False),
    ]
    assert client.get(f"/calling/v1/calls/id/{call_id}").json()["status"] == "FINAL"
