"""Replay protection: signatures already received, each remembered only while it could still verify."""

from __future__ import annotations

import heapq
import threading
from datetime import datetime, timedelta

from sinchvoice.signing import MAX_SKEW_SECONDS


class Replays:
    """Signed callbacks seen, keyed by signature and x-timestamp. A signature verifies only while its
    x-timestamp is within MAX_SKEW_SECONDS of now, so it is forgotten after that: memory stays bounded by the
    callbacks of one validity window."""

    def __init__(self, window: float = MAX_SKEW_SECONDS):
        self._window = timedelta(seconds=window)
        self._received: dict[str, datetime] = {}
        self._expiries: list[tuple[datetime, str]] = []  # a heap: the next to forget first
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._received)

    def first_seen(self, key: str, timestamp: datetime, now: datetime) -> datetime | None:
        """When `key` was first received, if it was; otherwise remember it (received now) and return None."""
        with self._lock:
            while self._expiries and self._expiries[0][0] < now:
                del self._received[heapq.heappop(self._expiries)[1]]
            if key in self._received:
                return self._received[key]
            self._received[key] = now
            heapq.heappush(self._expiries, (timestamp + self._window, key))
            return None
