"""`--rate-limit N`: at most N callouts per second, in fixed one-second windows of real time; beyond that a 429
with a Retry-After that says exactly when the next window opens, so clients' pacing can be tested and measured."""

from __future__ import annotations

import math
import threading
import time

from sinchvoice.sandbox.problems import Problem


class RateLimit:
    """Counts the callouts admitted in the current window (refused ones do not count, as with a token bucket).

    Real time, not the sandbox's call clock: a rate is about requests arriving, whatever `--speed` or a manual
    clock make of call durations. `clock` is a seam for tests.
    """

    def __init__(self, per_second: int, clock=time.monotonic):
        if per_second < 1:
            raise ValueError("the rate limit must be at least 1 callout per second")
        self.per_second = per_second
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._window, self._admitted = None, 0

    def admit(self) -> None:
        """Returns if one more callout fits in this second; raises the 429 otherwise."""
        with self._lock:
            now = self.clock()
            window = math.floor(now)
            if window != self._window:
                self._window, self._admitted = window, 0
            if self._admitted < self.per_second:
                self._admitted += 1
                return
        # Seconds to the next window, rounded up to the millisecond: whole seconds would make every client
        # overshoot by up to a second and never reach the limit (the sandbox's fault rules allow fractions too).
        wait = max(0.001, math.ceil((window + 1 - now) * 1000) / 1000)
        raise Problem(429, None, f"Too many requests: at most {self.per_second} callouts per second",
                      {"Retry-After": f"{wait:g}"})
