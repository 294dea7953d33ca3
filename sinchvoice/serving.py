"""Serving an ASGI app on a local socket for `sandbox`, `listen`, the demo and tests: bind, run, stop on Ctrl-C.

Light at import time: socket and uvicorn are imported when a server is built, and nothing of the emulator
ever is, so `listen` pays only for what it serves.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import signal
import threading
import time
from typing import TYPE_CHECKING, Callable, Iterator

from sinchvoice.errors import SinchVoiceError
from sinchvoice.interrupts import CtrlC
from sinchvoice.urls import is_loopback

if TYPE_CHECKING:
    import socket

GRACEFUL_SECONDS = 3  # requests in flight get this long to finish when the server stops

# Why a bind fails, said the way a user can act on it.
_BIND_HINTS = {
    errno.EADDRINUSE: ("address already in use", "pick another --port (0 picks a free one)"),
    errno.EACCES: ("permission denied", "ports below 1024 need privileges: pick another --port (0 picks a free one)"),
    errno.EADDRNOTAVAIL: ("not an address of this machine", "pick another --host, e.g. 127.0.0.1"),
}


def bind(host: str, port: int, allow_remote: bool = False) -> socket.socket:
    """Bind before serving, so port 0 can be reported and a busy port is an error before any banner."""
    import socket

    if not allow_remote and not is_loopback(host):
        raise ValueError(f"refusing to bind {host}: not a loopback address (use allow_remote)")
    family = socket.AF_INET6 if _is_ipv6(host) else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted sockets only when it is explicit,
    # and without it every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise bind_error(exc, host, port) from None
    sock.listen(128)
    return sock


def bind_error(exc: OSError, host: str, port: int) -> SinchVoiceError:
    """One `error:` line and a hint (exit 1) instead of a raw OSError."""
    reason, hint = _BIND_HINTS.get(exc.errno, (str(exc.strerror or exc).lower(), "check --host and --port"))
    return SinchVoiceError(f"cannot serve on {_authority(host, port)}: {reason}", hint=hint)


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if _is_ipv6(host) else f"{host}:{port}"


def url_of(sock: socket.socket, host: str, path: str = "") -> str:
    """`http://host:port/path` for a bound socket (IPv6 hosts in brackets)."""
    return f"http://{_authority(host, sock.getsockname()[1])}{path}"


def local_url(sock: socket.socket, host: str, path: str = "") -> str | None:
    """The URL this machine reaches the server on: a wildcard bind (0.0.0.0, ::) answers on loopback too;
    None for a single non-loopback address."""
    if is_loopback(host):
        return url_of(sock, host, path)
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if not address.is_unspecified:
        return None
    return url_of(sock, "127.0.0.1" if address.version == 4 else "::1", path)


class Server:
    """uvicorn serving `app` on a pre-bound socket in a daemon thread; signals stay with the main thread."""

    def __init__(self, app, sock: socket.socket, name: str = "server"):
        import uvicorn

        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", http="h11",
                                timeout_graceful_shutdown=GRACEFUL_SECONDS, server_header=False)
        self.uvicorn = uvicorn.Server(config)
        logging.getLogger("uvicorn.error").addFilter(_quiet_stop)  # idempotent: the same function each time
        self.sock = sock
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        # Waited on instead of Thread.join(): a join interrupted by Ctrl-C marks the thread as finished on
        # Python 3.11 (bpo-45274's fix releases the running thread's lock), and the next join returns at once.
        self._done = threading.Event()

    def _run(self) -> None:
        try:
            self.uvicorn.run(sockets=[self.sock])
        except BaseException as exc:  # handed to the main thread, which reports it, never a thread traceback
            self.error = exc
        finally:
            self._done.set()

    def start(self, timeout: float) -> None:
        """Returns once requests are answered; raises if the server failed or took longer than `timeout`."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.uvicorn.started:
            if self._done.is_set():
                raise self.failure("did not start")
            if time.monotonic() > deadline:
                raise SinchVoiceError(f"the server did not start within {timeout:g} s",
                                      hint="the machine may be overloaded; try again")
            time.sleep(0.005)

    def wait(self) -> None:
        """Until the server thread ends (interruptible by Ctrl-C in the main thread)."""
        self._done.wait()

    def hurry(self) -> None:
        """Stop now, without waiting for the requests in flight (a second Ctrl-C)."""
        self.uvicorn.should_exit = self.uvicorn.force_exit = True

    def stop(self) -> None:
        """Finish the requests in flight (bounded by GRACEFUL_SECONDS), then close the socket."""
        self.uvicorn.should_exit = True
        if self._thread.ident is not None and not self._done.wait(GRACEFUL_SECONDS + 5):
            self.hurry()
            self._done.wait(5)
        self.sock.close()

    def failure(self, what: str) -> BaseException:
        if isinstance(self.error, Exception):
            return self.error
        return SinchVoiceError(f"the server {what}", hint="run again with SINCHVOICE_DEBUG=1, and report it")


def _quiet_stop(record: logging.LogRecord) -> bool:
    """Requests cut short by a stop (uvicorn cancels them after GRACEFUL_SECONDS) are no news: the server
    says `stopped`, and a traceback per cancelled request would bury that."""
    import asyncio

    if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
        return False
    return not str(record.msg).startswith("Cancel %s running task(s)")


@contextlib.contextmanager
def running(app, sock: socket.socket, *, name: str = "server", startup_timeout: float = 30.0) -> Iterator[Server]:
    """Serve `app` on `sock` in a daemon thread (tests, the demo); yields once it answers, stops it on exit."""
    try:
        server = Server(app, sock, name)
    except BaseException:
        sock.close()
        raise
    try:
        server.start(startup_timeout)
        yield server
    finally:
        server.stop()


def serve_forever(app, sock: socket.socket, *, ready: Callable[[Server], None] | None = None,
                  name: str = "server", startup_timeout: float = 30.0) -> None:
    """Serve in the foreground until Ctrl-C, which it lets through once the server has stopped gracefully.

    `ready` (the banner) runs once requests are answered, with Ctrl-C held until it is done. Under
    `ctrl_c_stops()`, a second Ctrl-C while stopping cuts the wait for requests in flight short.
    """
    handler = signal.getsignal(signal.SIGINT)
    ctrl_c = handler if isinstance(handler, CtrlC) else None
    with running(app, sock, name=name, startup_timeout=startup_timeout) as server:
        if ctrl_c is not None:
            ctrl_c.hurry = server.hurry
        if ready is not None:
            with ctrl_c.held() if ctrl_c is not None else contextlib.nullcontext():
                ready(server)
        server.wait()
    raise server.failure("stopped unexpectedly")
