"""API clients for requests that run at the same time: one per request in flight, never shared between threads.

A transport is not thread-safe (its --timeout timer shuts down the sockets of its own client, whichever request
they carry), so concurrent requests each borrow a client of their own. Clients are made only when none is free, so
their number follows how many requests are actually in flight, not --concurrency.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Callable


class ClientPool:
    def __init__(self, make: Callable[[], object]):
        self._make = make
        self._free: list = []
        self._all: list = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def client(self):
        with self._lock:
            client = self._free.pop() if self._free else None
        if client is None:
            client = self._make()
            with self._lock:
                self._all.append(client)
        try:
            yield client
        finally:
            with self._lock:
                self._free.append(client)

    def close(self) -> None:
        with self._lock:
            clients, self._all, self._free = self._all, [], []
        for client in clients:
            client.close()


class Discard:
    """A stream that keeps nothing."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def paced_client_pool(app_ctx) -> ClientPool:
    """Clients like the command's own (same settings and credentials), that hand 429s back to the Pacer."""
    credentials = app_ctx.client().transport.credentials  # checks the base URL and credentials once

    def make():
        client = app_ctx.client_for(credentials)
        client.transport.hand_back_429 = True
        if not app_ctx.settings.verbose:  # piped, a batch prints its summary only, not every worker's retries
            client.transport.trace = Discard()
        return client

    return ClientPool(make)
