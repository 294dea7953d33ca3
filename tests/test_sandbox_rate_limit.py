"""`sandbox --rate-limit N` / `Sandbox(rate_limit=N)`: beyond N callouts in a second, 429 with Retry-After."""

from __future__ import annotations

import contextlib

import httpx
import pytest

from sinchvoice.sandbox.clock import ManualClock
from sinchvoice.sandbox.problems import Problem
from sinchvoice.sandbox.ratelimit import RateLimit
from sinchvoice.sandbox.server import run_in_thread
from tests.sandbox_support import tts
from tests.test_sandbox_command import _serve, _stop

CALLOUTS = "/calling/v1/callouts"


class FakeClock:
    def __init__(self, now: float = 100.25):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_fixed_one_second_windows_count_only_what_they_admit():
    clock = FakeClock(100.25)
    limit = RateLimit(3, clock=clock)
    for _ in range(3):
        limit.admit()
    for now, retry_after in ((100.25, "0.75"), (100.9991, "0.001"), (100.5, "0.5")):
        clock.now = now
        with pytest.raises(Problem) as refused:
            limit.admit()
        assert (refused.value.status, refused.value.headers) == (429, {"Retry-After": retry_after})
    assert refused.value.body().keys() == {"message", "reference"}  # no errorCode on a 429, as on the platform
    assert refused.value.message == "Too many requests: at most 3 callouts per second"
    clock.now = 101.0  # the next window: three more, however many were refused before
    for _ in range(3):
        limit.admit()
    with pytest.raises(Problem):
        limit.admit()


@contextlib.contextmanager
def limited_sandbox(per_second: int):
    with run_in_thread(clock=ManualClock(), api_layout="spec", rate_limit=per_second) as running:
        clock = FakeClock(7.5)
        running.app.rate_limit.clock = clock
        with httpx.Client(base_url=running.base_url, auth=(running.key, running.secret), trust_env=False) as client:
            yield running, client, clock


def test_the_sandbox_answers_429_with_retry_after_beyond_the_limit_and_journals_it():
    with limited_sandbox(2) as (running, client, clock):
        answers = [client.post(CALLOUTS, json=tts(to=f"+4670123456{n}")) for n in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[2].headers["retry-after"] == "0.5"
        assert set(answers[2].json()) == {"message", "reference"}
        assert client.get("/calling/v1/configuration/numbers").status_code == 200  # only callouts count
        clock.now = 8.0
        assert client.post(CALLOUTS, json=tts(to="+46701234569")).status_code == 200
        journal = client.get("/_sandbox/requests").json()["requests"]
        assert [(r["method"], r["status"]) for r in journal] == [("POST", 200), ("POST", 200), ("POST", 429),
                                                                 ("GET", 200), ("POST", 200)]
        assert len(running.state.calls) == 3  # the refused one placed nothing
        client.post("/_sandbox/reset")  # a reset opens a fresh window
        assert client.post(CALLOUTS, json=tts()).status_code == 200


def test_unauthenticated_and_invalid_callouts_are_answered_as_before():
    with limited_sandbox(1) as (_, client, _clock):
        assert client.post(CALLOUTS, json=tts(), auth=("nobody", "bm9ib2R5")).status_code == 401
        assert client.post(CALLOUTS, json=tts()).status_code == 200
        assert client.post(CALLOUTS, json={"method": "nonsense"}).status_code == 429  # counted before the body


def test_the_rate_limit_from_the_command_line():
    proc, base, auth = _serve("--rate-limit", "1", "--api-layout", "spec")
    try:
        with httpx.Client(base_url=base, auth=auth, trust_env=False) as client:
            # Two in a row may straddle a window's edge; five would need more than 4 s to all be admitted.
            statuses = [client.post(CALLOUTS, json=tts(to=f"+4670123456{n}")).status_code for n in range(5)]
    finally:
        err = _stop(proc)
    assert statuses[0] == 200 and 429 in statuses
    assert "  rate limit:         1 callout per second, then 429 with Retry-After\n" in err


@pytest.mark.parametrize("value", ["0", "-3", "100001", "x"])
def test_a_rate_limit_out_of_range_exits_2(cli, value):
    result = cli("sandbox", "--port", "0", "--rate-limit", value)
    assert result.exit_code == 2 and result.stderr.startswith("error: invalid value for '--rate-limit'")
