"""Pacing many requests: starts spaced to a rate, a bound on requests in flight, and one shared backoff that every
worker honours as soon as any request is rate limited (HTTP 429). Stdlib only; results come back in input order.

Used by `callouts batch`; written so any command that sends many requests (conference participants, numbers) can
run them through `Pacer(rate, concurrency).run(items, action)`.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from typing import Callable, Iterable

from sinchvoice.errors import RateLimited

BACKOFF_BASE = 0.5  # seconds: the first shared pause after a 429 without Retry-After, doubling per repeat
BACKOFF_MAX = 8.0
MAX_PAUSE = 60.0  # a server asking for a longer pause stops the run (`gave_up`) rather than keep it waiting
NOT_RUN = type("NotRun", (), {"__repr__": lambda self: "NOT_RUN"})()  # the result of an item that never ran


class Schedule:
    """When the next request may start. Pure bookkeeping on times the caller passes in (the Pacer holds the lock).

    Starts are spaced `1/rate` apart with no burst, so a server limiting N per second sees at most N in any
    second. A 429 pauses every start until the pause ends; afterwards starts resume at the rate, one by one,
    so the requests that were turned away never come back all at once.
    """

    def __init__(self, rate: float | None):
        self.interval = 1.0 / rate if rate else 0.0
        self.next_slot = -math.inf
        self.paused_until = -math.inf
        self.repeats = 0  # pauses in a row (for the doubling backoff when there is no Retry-After)

    def reserve(self, now: float) -> float:
        """The start time of one more request: now, or later if the rate or a pause says so."""
        start = max(now, self.next_slot, self.paused_until)
        self.next_slot = start + self.interval
        return start

    def throttled(self, now: float, started: float, retry_after: float | None) -> float:
        """A request started at `started` got a 429 at `now`: pause everyone; returns when the pause ends.

        Requests that were already on their way when a pause began come back with 429s of their own; they extend
        the pause to their Retry-After but do not double the backoff: only a request sent after a pause counts
        as a repeat.
        """
        if started >= self.paused_until:
            self.repeats += 1
        pause = retry_after if retry_after is not None else min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (self.repeats - 1))
        self.paused_until = max(self.paused_until, now + pause)
        return self.paused_until

    def succeeded(self, started: float) -> None:
        if started >= self.paused_until:
            self.repeats = 0


def check_rate(rate: float | None) -> float | None:
    if rate is not None and not (0 < rate < math.inf):
        raise ValueError(f"rate must be a positive number of requests per second, not {rate!r}")
    return rate


class Pacer:
    """Runs `action(item)` for many items: at most `concurrency` at a time, their starts spaced by `rate` per second
    (None: as fast as the concurrency allows), one shared pause on a 429.

    `clock` and `sleep` are seams for tests (a fake clock makes the schedule exact); by default a sleeping worker
    wakes as soon as the run is stopped.
    """

    def __init__(self, rate: float | None = None, concurrency: int = 8, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] | None = None, max_pause: float = MAX_PAUSE):
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self.schedule = Schedule(check_rate(rate))
        self.clock = clock
        self.max_pause = max_pause
        self._stop = threading.Event()
        self._sleep = sleep or self._stop.wait
        self._lock = threading.Lock()
        self._retry: collections.deque = collections.deque()
        self.gave_up: float | None = None  # the Retry-After (seconds) that was too long to wait for
        self.interrupted = False  # Ctrl-C arrived during run()
        self.starts = self.throttles = 0
        self.first_start = self.last_start = None
        self.in_flight = 0

    # ---- control (safe from another thread or a signal handler) ----------------------------------------------

    def stop(self) -> None:
        """Start nothing more; the actions in flight finish and run() returns."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def achieved_rate(self) -> float | None:
        """Starts per second so far, between the first start and the last one."""
        if self.starts < 2 or self.last_start <= self.first_start:
            return None
        return (self.starts - 1) / (self.last_start - self.first_start)

    # ---- running -----------------------------------------------------------------------------------------------

    def run(self, items: Iterable, action: Callable, *, collect: bool = True,
            tick: Callable[[], object] | None = None, every: float = 0.25) -> list:
        """The results of `action(item)` in input order (`collect=False`: an empty list, for huge inputs).

        `items` is read lazily, one item each time a worker is free. An action raising RateLimited pauses everyone
        and its item runs again after the pause; any other exception stops the run and is raised here once the
        actions in flight have finished. After stop(), Ctrl-C (re-raised once the actions in flight have finished;
        a second Ctrl-C stops waiting for them) or a Retry-After over `max_pause` (`gave_up`), items that did not
        run are NOT_RUN. `tick` is called every `every` seconds from this thread (progress displays).
        """
        run = _Run(iter(enumerate(items)), action, collect, workers=self.concurrency)
        workers = [threading.Thread(target=self._work, args=(run,), name=f"pacer-{n}", daemon=True)
                   for n in range(self.concurrency)]
        for worker in workers:
            worker.start()
        try:
            self._wait(run, tick, every)
        except KeyboardInterrupt:
            self.interrupted = True
            self.stop()
            try:
                self._wait(run, tick, every)
            except KeyboardInterrupt:  # a second Ctrl-C: stop waiting for the requests in flight
                pass
            raise
        finally:
            if tick is not None:
                tick()
        if run.error is not None:
            raise run.error
        return [run.results.get(index, NOT_RUN) for index in range(run.taken)] if collect else []

    def _wait(self, run: _Run, tick, every: float) -> None:
        while not run.finished.wait(every):
            if tick is not None:
                tick()

    def _work(self, run: _Run) -> None:
        try:
            while True:
                taken = self._take(run)
                if taken is None:
                    return
                self._attempt(run, *taken)
        except BaseException as error:  # noqa: BLE001 (a bug in an action: stop the run, raise it in run())
            with self._lock:
                run.error = run.error or error
            self.stop()
        finally:
            with self._lock:
                run.workers_left -= 1
                if run.workers_left == 0:
                    run.finished.set()

    def _take(self, run: _Run):
        """(index, item, start time) of the next item to run, or None when there is nothing (more) to do."""
        while True:
            with self._lock:
                if self._stop.is_set():
                    return None
                if self._retry:
                    index, item = self._retry.popleft()
                else:
                    try:
                        index, item = next(run.items)
                    except StopIteration:
                        return None
                    except BaseException as error:  # reading the input failed: stop, raise it in run()
                        run.error = run.error or error
                        self._stop.set()
                        return None
                    run.taken = index + 1
                start = self.schedule.reserve(self.clock())
            delay = start - self.clock()
            if delay > 0:
                self._sleep(delay)
            with self._lock:
                if self._stop.is_set():
                    self._retry.appendleft((index, item))  # never started: NOT_RUN
                    return None
                if self.schedule.paused_until > start:  # a 429 arrived meanwhile: take a slot after the pause
                    self._retry.appendleft((index, item))
                    continue
                self._started(start)
                return index, item, start

    def _started(self, start: float) -> None:
        now = self.clock()
        self.starts += 1
        self.in_flight += 1
        self.first_start = now if self.first_start is None else self.first_start
        self.last_start = now

    def _attempt(self, run: _Run, index: int, item, started: float) -> None:
        try:
            result = run.action(item)
        except RateLimited as limited:
            with self._lock:
                self.in_flight -= 1
                self.throttles += 1
                now = self.clock()
                if self.schedule.throttled(now, started, limited.retry_after) - now > self.max_pause:
                    self.gave_up = max(self.gave_up or 0.0, limited.retry_after or 0.0)
                    self._stop.set()
                self._retry.appendleft((index, item))
            return
        except BaseException:
            with self._lock:
                self.in_flight -= 1
            raise
        with self._lock:
            self.in_flight -= 1
            self.schedule.succeeded(started)
            if run.collect:
                run.results[index] = result


class _Run:
    """One run's shared state (guarded by the Pacer's lock)."""

    def __init__(self, items, action, collect: bool, workers: int):
        self.items, self.action, self.collect = items, action, collect
        self.results: dict = {}
        self.taken = 0
        self.error: BaseException | None = None
        self.finished = threading.Event()
        self.workers_left = workers
