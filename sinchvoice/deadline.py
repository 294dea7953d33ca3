"""A deadline for a whole HTTP exchange (connect, send, headers, body), which httpcore (like httpx) does not have.

httpcore's timeouts bound each network operation, not the exchange: a server sending one byte a second never lets
a 2 s read timeout expire (encode/httpx#1450; there is no total timeout for sync clients). Streaming the body and
checking a clock between chunks would not help either, since the headers can trickle too. So a timer thread shuts
the exchange's sockets down when the deadline passes: unlike close(), shutdown() wakes a thread blocked in
recv/send at once, and httpcore then raises a ReadError or the like that the caller reports as a timeout.

The sockets are found through public interfaces only: httpcore's `trace` request extension reports the network
stream of each new connection (`connect_tcp`, and `start_tls` for its TLS stream), and
`stream.get_extra_info("socket")` gives its socket. A keep-alive connection reused later was reported when it
was opened by the same pools, so it is known too. One gap: the TLS handshake itself, between those two events,
is only bounded by httpcore's own per-read timeout.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class Deadline:
    """One per transport: `trace` goes into each request's extensions, `bound(seconds)` wraps each send."""

    def __init__(self):
        self._lock = threading.Lock()
        self._streams: list = []

    def trace(self, event: str, info: dict) -> None:
        if event.endswith(("connect_tcp.complete", "start_tls.complete")) and info.get("return_value") is not None:
            with self._lock:  # forget connections that have been closed since
                self._streams = [s for s in self._streams if _socket(s) is not None]
                self._streams.append(info["return_value"])

    @contextlib.contextmanager
    def bound(self, seconds: float):
        """Yields an Event that is set if the deadline passed (and the sockets were shut down) inside the block."""
        expired = threading.Event()
        if not 0 < seconds <= threading.TIMEOUT_MAX:  # nan/inf/0 (refused by the settings): no timer at all
            yield expired
            return
        timer = threading.Timer(seconds, self._expire, (expired,))
        timer.daemon = True
        timer.start()
        try:
            yield expired
        finally:
            timer.cancel()
            # If it is firing right now, let it finish, so it cannot hit the next exchange on this connection.
            timer.join()

    def _expire(self, expired: threading.Event) -> None:
        expired.set()
        with self._lock:
            streams = list(self._streams)
        # One exchange at a time per transport: the busy connection is among these, and an idle one shut down too is
        # simply not reused (httpcore sees it as closed and opens another).
        for stream in streams:
            sock = _socket(stream)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _socket(stream):
    """The stream's socket while it is open; None once closed (or detached into a TLS socket)."""
    try:
        sock = stream.get_extra_info("socket")
    except Exception:  # a stream type without the extra info: nothing to shut down
        return None
    return sock if sock is not None and sock.fileno() != -1 else None
