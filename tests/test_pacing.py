"""pacing.Pacer: starts spaced by the rate, at most `concurrency` in flight, one shared pause on a 429.

The schedule is checked exactly on a fake clock (one worker, so one thread touches it). The tests with several
workers use real threads and assert only what cannot depend on the machine's speed: bounds that hold however
late a thread runs, and a barrier that proves how many actions are in flight at once.
"""

from __future__ import annotations

import threading
import time

import pytest

from sinchvoice.errors import RateLimited
from sinchvoice.pacing import BACKOFF_MAX, NOT_RUN, Pacer, Schedule


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def paced(rate, fake: FakeTime, **kwargs) -> Pacer:
    return Pacer(rate, 1, clock=fake.clock, sleep=fake.sleep, **kwargs)


def recorder(fake: FakeTime, limited: dict | None = None):
    """An action that records (item, time) and raises RateLimited(retry_after) as `limited` says: {item: [ra, ...]}."""
    calls = []
    limited = {k: list(v) for k, v in (limited or {}).items()}

    def action(item):
        calls.append((item, round(fake.now, 6)))
        if limited.get(item):
            raise RateLimited("HTTP 429", retry_after=limited[item].pop(0))
        return f"done {item}"

    return action, calls


def test_starts_are_spaced_by_the_rate_with_no_burst_and_results_keep_input_order():
    fake = FakeTime()
    action, calls = recorder(fake)
    results = paced(4, fake).run("abcde", action)
    assert calls == [("a", 0.0), ("b", 0.25), ("c", 0.5), ("d", 0.75), ("e", 1.0)]
    assert results == ["done a", "done b", "done c", "done d", "done e"]


def test_without_a_rate_only_the_concurrency_bounds_it():
    fake = FakeTime()
    action, calls = recorder(fake)
    assert paced(None, fake).run(range(3), action) == ["done 0", "done 1", "done 2"]
    assert calls == [(0, 0.0), (1, 0.0), (2, 0.0)] and fake.sleeps == []


def test_a_429_pauses_for_its_retry_after_then_the_item_runs_again_and_the_rate_resumes():
    fake = FakeTime()
    action, calls = recorder(fake, {"c": [2.0]})
    pacer = paced(4, fake)
    results = pacer.run("abcde", action)
    assert calls == [("a", 0.0), ("b", 0.25), ("c", 0.5), ("c", 2.5), ("d", 2.75), ("e", 3.0)]
    assert results == ["done a", "done b", "done c", "done d", "done e"]  # nothing lost, order kept
    assert (pacer.throttles, pacer.starts, pacer.gave_up) == (1, 6, None)


def test_without_retry_after_the_shared_pause_doubles_up_to_a_cap_and_a_success_resets_it():
    fake = FakeTime()
    action, calls = recorder(fake, {"a": [None] * 6, "b": [None]})
    paced(None, fake).run("ab", action)
    times = [t for _, t in calls]
    pauses = [round(b - a, 6) for a, b in zip(times, times[1:], strict=False)]
    # a: 0.5, 1, 2, 4, 8, 8 (capped), then succeeds; b's first 429 starts again at 0.5
    assert pauses == [0.5, 1.0, 2.0, 4.0, 8.0, BACKOFF_MAX, 0.0, 0.5]
    assert [item for item, _ in calls] == ["a"] * 7 + ["b", "b"]


def test_a_retry_after_beyond_the_cap_stops_the_run_and_leaves_the_rest_not_run():
    fake = FakeTime()
    action, calls = recorder(fake, {"b": [3600.0]})
    pacer = paced(10, fake, max_pause=60)
    assert pacer.run("abcd", action) == ["done a", NOT_RUN]
    assert pacer.gave_up == 3600.0
    assert [item for item, _ in calls] == ["a", "b"]


def test_schedule_pure_bookkeeping():
    schedule = Schedule(rate=2)
    assert [schedule.reserve(0.0) for _ in range(3)] == [0.0, 0.5, 1.0]
    assert schedule.reserve(5.0) == 5.0  # an idle gap gives no credit for a burst later
    assert schedule.reserve(5.0) == 5.5
    # a request started at 5.0 gets a 429 at 5.2 asking for 1 s: every start waits until 6.2
    assert schedule.throttled(5.2, started=5.0, retry_after=1.0) == 6.2
    assert schedule.reserve(5.3) == 6.2
    # requests already in flight when the pause began extend it, without counting as a repeat
    assert schedule.throttled(5.4, started=5.5, retry_after=None) == 6.2
    assert schedule.repeats == 1
    # one sent after the pause that is refused again doubles the backoff
    assert schedule.throttled(6.3, started=6.2, retry_after=None) == 7.3
    assert schedule.repeats == 2


def test_an_action_that_fails_stops_the_run_and_the_error_is_raised_once_the_rest_have_finished():
    fake = FakeTime()
    calls = []

    def action(item):
        calls.append(item)
        if item == 1:
            raise ValueError("bug")
        return item

    with pytest.raises(ValueError, match="bug"):
        paced(None, fake).run(range(5), action)
    assert calls == [0, 1]


def test_reading_the_items_failing_stops_the_run_and_raises_it():
    def items():
        yield 1
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="went away"):
        Pacer(None, 2).run(items(), lambda item: item)


def test_stop_starts_nothing_more():
    pacer = Pacer(None, 1)
    seen = []

    def action(item):
        seen.append(item)
        if item == 2:
            pacer.stop()
        return item

    assert pacer.run(range(10), action) == [0, 1, 2]
    assert seen == [0, 1, 2] and pacer.stopping


# ---- several workers: real threads ---------------------------------------------------------------------------

def test_at_most_concurrency_actions_are_in_flight_and_that_many_are_reached():
    lock, state = threading.Lock(), {"now": 0, "peak": 0}
    # Each group of 4 waits for all 4 to be inside the action at once: a pacer allowing fewer would never fill
    # the barrier (BrokenBarrierError after the timeout), one allowing more would show a peak over 4.
    barrier = threading.Barrier(4, timeout=30)

    def action(item):
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        barrier.wait()
        with lock:
            state["now"] -= 1
        return item * 10

    results = Pacer(None, 4).run(range(20), action)
    assert results == [n * 10 for n in range(20)]
    assert state["peak"] == 4


def test_one_429_pauses_every_worker_and_they_come_back_one_by_one_at_the_rate():
    """4 requests in flight all get 429 (Retry-After 0.3 s): no start happens before the pause ends, the 4
    turned away come back spaced by the rate, nothing is lost and the backoff counts that as one pause."""
    rate, pause = 20.0, 0.3
    lock, entries, first_429 = threading.Lock(), [], []
    barrier = threading.Barrier(4, timeout=30)
    refused = set()

    def action(item):
        now = time.monotonic()
        with lock:
            entries.append((item, now))
        if item < 4 and item not in refused:
            barrier.wait()  # all four are on their way when the first answer comes back
            with lock:
                refused.add(item)
                first_429.append(time.monotonic())
            raise RateLimited("HTTP 429", retry_after=pause)
        return item

    pacer = Pacer(rate, 4)
    assert pacer.run(range(8), action) == list(range(8))
    assert pacer.throttles == 4 and pacer.starts == 12
    later = sorted(t for item, t in entries[4:])
    assert len(later) == 8
    resume = min(first_429) + pause
    for k, started in enumerate(later):  # holds however late threads run: slots are handed out in order
        assert started >= resume + k / rate - 1e-6
    assert pacer.schedule.repeats == 0  # the four 429s were one pause, and success reset it
