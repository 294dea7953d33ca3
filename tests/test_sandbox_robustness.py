"""The sandbox stays answerable whatever it is sent, stays cheap with many numbers and calls, and the suite
notices when it answers 500 because of a bug of its own."""

from __future__ import annotations

import httpx
import pytest

from sinchvoice.sandbox.app import Sandbox
from sinchvoice.sandbox.clock import ManualClock, RealClock
from sinchvoice.sandbox.journal import MAX_BODY_CHARS, Journal
from sinchvoice.sandbox.numbers import extra_number
from sinchvoice.sandbox.server import run_in_thread
from tests.sandbox_fixture import SandboxHandle
from tests.sandbox_support import conference, tts

CALLOUTS = "/calling/v1/callouts"


# ---- the journal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"1e999", b'{"x": -1e400}', b'["\\ud800"]', b'{"a": NaN}', b"\xff\xfe",
                                  b'"\\udfff\\ud800"'])
def test_what_a_client_sends_never_makes_the_journal_unreadable(sandbox, body):
    httpx.post(sandbox.base_url + CALLOUTS, content=body, trust_env=False)  # unauthenticated: 401
    with sandbox.client("signed") as client:
        assert client.post(CALLOUTS, content=body, headers={"content-type": "application/json"}).status_code == 400
    entries = sandbox.requests()
    assert [e["status"] for e in entries] == [401, 400]
    assert all(e["body"] == body.decode("utf-8", "replace") for e in entries)  # kept as text, not as JSON
    assert sandbox.state()["calls"] == []


def test_a_json_body_is_journaled_as_json_and_a_long_one_is_cut_and_marked(sandbox):
    with sandbox.client("basic") as client:
        client.post(CALLOUTS, json=tts())
        long_text = "word " * 5000  # 25,000 characters: refused (over 600), journaled cut
        client.post(CALLOUTS, json=tts(text=long_text))
    first, second = sandbox.requests()
    assert (first["body"], first["bodyTruncated"], first["response"]["callId"] != "") == (tts(), False, True)
    assert (second["status"], second["bodyTruncated"], second["bodySize"]) == (400, True, len(
        httpx.Request("POST", "/", json=tts(text=long_text)).content))
    assert isinstance(second["body"], str) and len(second["body"]) == MAX_BODY_CHARS


def test_the_journal_keeps_the_newest_entries_and_says_how_many_went():
    journal = Journal(max_entries=3)
    for index in range(5):
        journal.add({"index": index}, b"{}", None)
    report = journal.report()
    assert [e["index"] for e in report["requests"]] == [2, 3, 4]
    assert (report["journal"]["kept"], report["journal"]["dropped"], report["journal"]["maxEntries"]) == (3, 2, 3)
    assert "the last 3 requests" in report["journal"]["note"]


def test_the_journal_also_bounds_the_characters_it_holds():
    journal = Journal(max_entries=100, max_total_chars=10_000)
    for _ in range(10):
        journal.add({}, b"x" * 4000, None)
    assert (len(journal.entries()), journal.dropped) == (2, 8)


def test_the_default_journal_cap_is_reported_over_http(sandbox):
    report = httpx.get(sandbox.base_url + "/_sandbox/requests", trust_env=False).json()
    assert report["journal"] == {"kept": 0, "dropped": 0, "maxEntries": 10_000, "maxBodyBytes": 16384,
                                 "note": "the last 10000 requests; bodies and responses over 16384 bytes are cut "
                                         "(bodyTruncated/responseTruncated)"}
    assert report["internalErrors"] == 0


# ---- the 500 check of the test suite ----------------------------------------------------------------------


def test_the_fixture_check_reports_a_500_the_sandbox_answered_itself():
    with run_in_thread(clock=ManualClock(), api_layout="spec") as running:
        def broken(params, body):
            raise RuntimeError("boom")

        running.app.api.routes[1][1]["GET"] = broken  # GET /calling/v1/calls/id/{call_id}
        handle = SandboxHandle(running)
        with handle.client("basic") as client:
            assert client.get("/calling/v1/calls/id/x").status_code == 500
            handle.fault(path="/calling/v1/callouts", status=500)
            assert client.post(CALLOUTS, json=tts()).status_code == 500  # injected: not a bug
        assert handle.internal_errors() == ["GET /calling/v1/calls/id/x -> 500"]
        handle.close()


# ---- numbers=N and many calls ---------------------------------------------------------------------------


def test_ten_thousand_numbers_are_listed_and_500_assigned_in_one_request():
    with run_in_thread(clock=ManualClock(), numbers=10_000) as running:
        handle = SandboxHandle(running)
        with handle.client("signed") as client:
            listed = client.get("/v1/configuration/numbers").json()["numbers"]
            assert len(listed) == 10_004
            assert listed[3] == {"number": "+46700000103", "applicationkey": running.key, "capability": "sms"}
            assert listed[4] == {"number": "+467000100000", "capability": "voice"}
            assert listed[-1] == {"number": "+467000109999", "capability": "voice"}
            batch = [extra_number(i) for i in range(1000, 1500)]
            body = {"numbers": batch, "applicationkey": running.key, "capability": "voice"}
            assert client.post("/v1/configuration/numbers", json=body).status_code == 204
            assigned = {n["number"] for n in client.get("/v1/configuration/numbers").json()["numbers"]
                        if "applicationkey" in n}
        assert assigned == set(batch) | {"+46700000100", "+46700000101", "+46700000103"}
        assert len(handle.requests()[1]["body"]["numbers"]) == 500  # whole in the journal
        handle.close()


@pytest.mark.parametrize("count", [-1, 100_001])
def test_numbers_out_of_range_are_refused(count):
    with pytest.raises(ValueError, match="numbers must be between 0 and 100000"):
        Sandbox(clock=ManualClock(), numbers=count)


class NoWalking(dict):
    """A calls table that fails the test if anything walks every call."""

    def values(self):
        raise AssertionError("walked every call")

    def __iter__(self):
        raise AssertionError("walked every call")


def test_tick_does_not_walk_every_call():
    sandbox = Sandbox(clock=ManualClock(), api_layout="spec")
    state = sandbox.state
    with state.lock:
        state.calls = NoWalking()
    from sinchvoice.sandbox.validation import check_callout

    ids = [state.create_call("ttsCallout", check_callout(tts(to=f"+4670{i:07d}5"))).call_id for i in range(3000)]
    state.create_call("conferenceCallout", check_callout(conference("big")))
    sandbox.clock.advance(2)
    state.tick()  # 3001 answers are due
    assert all(state.calls[i].answered_at == 2 for i in ids[:5])
    sandbox.clock.advance(100)
    state.tick()
    assert {state.calls[i].reason for i in ids} == {"CALLERHANGUP"}
    assert len(state._due) == 0 and len(state.conferences["big"].participants) == 1


def test_a_call_hung_up_early_does_not_end_twice():
    sandbox = Sandbox(clock=ManualClock(), api_layout="spec")
    from sinchvoice.sandbox.validation import check_callout

    call = sandbox.state.create_call("ttsCallout", check_callout(tts()))
    sandbox.clock.advance(3)
    sandbox.state.hangup(call)
    sandbox.clock.advance(100)
    sandbox.state.tick()
    assert (call.ended_at, call.reason) == (3, "MANAGERHANGUP")


# ---- clocks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("speed", [float("nan"), float("inf"), 0.0, -1.0])
def test_a_real_clock_refuses_a_speed_that_breaks_time(speed):
    with pytest.raises(ValueError, match="positive finite"):
        RealClock(speed)


@pytest.mark.parametrize("layout", ["live", "spec", "both"])
def test_an_unknown_layout_is_refused(layout):
    if layout == "both":
        with pytest.raises(ValueError, match="api_layout must be one of live, spec"):
            Sandbox(clock=ManualClock(), api_layout=layout)
    else:
        assert Sandbox(clock=ManualClock(), api_layout=layout).api_layout == layout
