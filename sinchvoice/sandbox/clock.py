"""Simulated time: a real clock sped up by a factor, or a manual clock tests advance explicitly."""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime, timedelta, timezone


class RealClock:
    """Seconds since start, times `speed`; `wall()` maps simulated seconds onto the real start time."""

    manual = False

    def __init__(self, speed: float = 1.0):
        if not math.isfinite(speed) or speed <= 0:  # nan or inf would make every timestamp fail later
            raise ValueError("speed must be a positive finite number")
        self.speed = speed
        self.reset()

    def reset(self) -> None:
        self._origin = time.monotonic()
        self.epoch = datetime.now(timezone.utc)

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.speed

    def wall(self, seconds: float) -> datetime:
        """The real time at which simulated `seconds` happen: timestamps stay honest at any --speed."""
        return self.epoch + timedelta(seconds=seconds / self.speed)


class ManualClock:
    """Time moves only through `advance`; the epoch is fixed so timestamps are reproducible."""

    manual = True
    speed = 0.0

    def __init__(self, epoch: datetime | None = None):
        self.epoch = epoch or datetime(2026, 1, 1, tzinfo=timezone.utc)
        self._lock = threading.Lock()
        self._now = 0.0

    def reset(self) -> None:
        with self._lock:
            self._now = 0.0

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError("cannot go back in time")
        with self._lock:
            self._now += seconds
            return self._now

    def wall(self, seconds: float) -> datetime:
        return self.epoch + timedelta(seconds=seconds)
