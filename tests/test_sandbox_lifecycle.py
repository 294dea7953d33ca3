"""Call and conference lifecycles driven by the manual clock: no sleeping, exact durations and debits."""

from __future__ import annotations

import pytest

from tests.sandbox_support import callout, conference, custom, tts


@pytest.fixture
def sandbox(sandbox_spec):
    """These tests check the contract's shapes and rules: the spec layout (test_sandbox_live.py has the live one)."""
    return sandbox_spec


CLIENT_AUTH = "basic"  # the `client` fixture (sandbox_fixture.py) authenticates this way


def info(client, call_id) -> dict:
    return client.get(f"/calling/v1/calls/id/{call_id}").json()


def summary(client, call_id) -> tuple:
    call = info(client, call_id)
    return call["status"], call["result"], call["reason"], call["duration"], call["debit"]["amount"]


def test_tts_call_rings_answers_speaks_and_ends(sandbox, client):
    words = " ".join(["hi"] * 100)  # 100 words at 150 a minute: 40 s of speech
    call_id = callout(client, tts(text=words))
    assert summary(client, call_id) == ("ONGOING", "N/A", "N/A", 0, 0.0)
    sandbox.advance(1.9)
    assert summary(client, call_id) == ("ONGOING", "N/A", "N/A", 0, 0.0)
    sandbox.advance(0.1)
    assert summary(client, call_id) == ("ONGOING", "ANSWERED", "N/A", 0, 0.0)
    sandbox.advance(30)
    assert summary(client, call_id) == ("ONGOING", "ANSWERED", "N/A", 30, 0.025)
    sandbox.advance(1000)
    assert summary(client, call_id) == ("FINAL", "ANSWERED", "CALLERHANGUP", 40, 0.025)


def test_short_tts_lasts_at_least_two_seconds(sandbox, client):
    call_id = callout(client, tts(text="Hi"))
    sandbox.advance(3.99)
    assert summary(client, call_id)[0] == "ONGOING"
    sandbox.advance(0.01)
    assert summary(client, call_id) == ("FINAL", "ANSWERED", "CALLERHANGUP", 2, 0.025)


@pytest.mark.parametrize(
    ("to", "ends_at", "final"),
    [
        ("+46700000001", 2, ("FINAL", "BUSY", "N/A", 0, 0.0)),
        ("+46700000002", 30, ("FINAL", "NOANSWER", "TIMEOUT", 0, 0.0)),
        ("+46700000003", 2, ("FINAL", "FAILED", "GENERALERROR", 0, 0.0)),
        ("+46700000004", 5, ("FINAL", "ANSWERED", "CALLEEHANGUP", 3, 0.025)),
    ],
    ids=["busy", "noanswer", "failed", "callee-hangup"],
)
@pytest.mark.parametrize("make", [tts, conference, custom], ids=["tts", "conference", "custom"])
def test_reserved_numbers_force_outcomes(sandbox, client, make, to, ends_at, final):
    call_id = callout(client, make(to=to))
    sandbox.advance(ends_at - 0.5)
    assert summary(client, call_id)[0] == "ONGOING"
    sandbox.advance(0.5)
    assert summary(client, call_id) == final


def test_hangup_while_ringing_is_noanswer_managerhangup(sandbox, client):
    call_id = callout(client, tts())
    sandbox.advance(1)
    assert (
        client.patch(f"/calling/v1/calls/id/{call_id}", json={"action": {"name": "hangup"}}).status_code
        == 200
    )
    assert summary(client, call_id) == ("FINAL", "NOANSWER", "MANAGERHANGUP", 0, 0.0)
    sandbox.advance(100)
    assert summary(client, call_id) == ("FINAL", "NOANSWER", "MANAGERHANGUP", 0, 0.0)


def test_custom_call_stays_up_until_hung_up_and_bills_started_minutes(sandbox, client):
    call_id = callout(client, custom())
    sandbox.advance(2 + 125)
    assert summary(client, call_id) == ("ONGOING", "ANSWERED", "N/A", 125, 0.075)
    client.patch(f"/calling/v1/calls/id/{call_id}", json={"action": {"name": "hangup"}})
    sandbox.advance(50)
    assert summary(client, call_id) == ("FINAL", "ANSWERED", "MANAGERHANGUP", 125, 0.075)


def participants(client, conference_id):
    response = client.get(f"/calling/v1/conferences/id/{conference_id}")
    return response.json()["participants"] if response.status_code == 200 else response.status_code


def test_conference_appears_on_answer_and_tracks_participants(sandbox, client):
    first = callout(client, conference("daily", to="+46701111111"))
    assert participants(client, "daily") == 404  # still ringing: no conference yet
    sandbox.advance(2)
    second = callout(client, conference("daily", to="+46702222222"))
    sandbox.advance(2)
    sandbox.advance(10)
    assert participants(client, "daily") == [
        {"cli": "+46701111111", "callId": first, "duration": 12, "muted": False, "onhold": False},
        {"cli": "+46702222222", "callId": second, "duration": 10, "muted": False, "onhold": False},
    ]


@pytest.mark.parametrize(
    ("commands", "muted", "onhold"),
    [
        (["mute"], True, False),
        (["mute", "unmute"], False, False),
        (["onhold"], False, True),
        (["onhold", "resume", "mute"], True, False),
    ],
)
def test_participant_commands(sandbox, client, commands, muted, onhold):
    call_id = callout(client, conference("ops"))
    sandbox.advance(2)
    for command in commands:
        assert (
            client.patch(f"/calling/v1/conferences/id/ops/{call_id}", json={"command": command}).status_code
            == 200
        )
    (participant,) = participants(client, "ops")
    assert (participant["muted"], participant["onhold"]) == (muted, onhold)


def test_kick_one_then_the_last_makes_the_conference_disappear(sandbox, client):
    a = callout(client, conference("kick"))
    b = callout(client, conference("kick"))
    sandbox.advance(7)
    assert client.delete(f"/calling/v1/conferences/id/kick/{a}").status_code == 200
    assert [p["callId"] for p in participants(client, "kick")] == [b]
    assert summary(client, a) == ("FINAL", "ANSWERED", "MANAGERHANGUP", 5, 0.025)
    assert client.delete(f"/calling/v1/conferences/id/kick/{a}").status_code == 404
    client.delete(f"/calling/v1/conferences/id/kick/{b}")
    assert participants(client, "kick") == 404
    assert sandbox.state()["conferences"] == []


def test_kick_all_ends_every_participant(sandbox, client):
    ids = [callout(client, conference("all")) for _ in range(3)]
    sandbox.advance(2)
    assert client.delete("/calling/v1/conferences/id/all").status_code == 200
    assert [summary(client, i)[:3] for i in ids] == [("FINAL", "ANSWERED", "MANAGERHANGUP")] * 3
    assert participants(client, "all") == 404


def test_max_duration_ends_a_participant(sandbox, client):
    short = callout(client, conference("timed", maxDuration=60))  # counted from answer, like connected time
    stays = callout(client, conference("timed"))
    sandbox.advance(61)
    assert summary(client, short) == ("ONGOING", "ANSWERED", "N/A", 59, 0.025)
    sandbox.advance(1)
    assert summary(client, short) == ("FINAL", "ANSWERED", "TIMEOUT", 60, 0.025)
    assert [p["callId"] for p in participants(client, "timed")] == [stays]


def test_state_lists_calls_conferences_numbers(sandbox, client):
    call_id = callout(client, conference("snap"))
    sandbox.advance(2)
    state = sandbox.state()
    assert state["clock"] == {"now": 2.0, "manual": True, "speed": 0.0, "time": "2026-01-01T00:00:02.000Z"}
    assert [(c["callId"], c["method"], c["conferenceId"]) for c in state["calls"]] == [
        (call_id, "conferenceCallout", "snap")
    ]
    assert state["conferences"][0]["conferenceId"] == "snap"
    assert len(state["numbers"]) == 4
    assert state["callbacks"] == {"url": {}}


def test_a_sped_up_clock_still_reports_real_times():
    """--speed 10 makes calls ten times shorter, not their timestamps ten minutes early or late."""
    from datetime import timedelta

    from sinchvoice.sandbox.clock import RealClock

    clock = RealClock(speed=10)
    assert clock.wall(600) - clock.epoch == timedelta(seconds=60)
