"""Serving the sandbox with uvicorn: in a thread for tests and demos, or in the foreground for the CLI."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from sinchvoice.errors import SinchVoiceError
from sinchvoice.sandbox import defaults as d
from sinchvoice.sandbox.app import Sandbox
from sinchvoice.urls import is_loopback


@dataclass
class Running:
    """What a started sandbox offers its caller."""

    base_url: str
    host: str
    port: int
    key: str
    secret: str
    app: Sandbox
    server: uvicorn.Server

    @property
    def state(self):
        return self.app.state

    @property
    def clock(self):
        return self.app.clock

    def env(self) -> dict:
        return {
            "SINCHVOICE_BASE_URL": self.base_url,
            "SINCH_APPLICATION_KEY": self.key,
            "SINCH_APPLICATION_SECRET": self.secret,
        }


def bind(host: str, port: int, allow_remote: bool = False) -> socket.socket:
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
    sock.set_inheritable(True)
    return sock


# Why a bind fails, said the way a user can act on it; both servers (sandbox, listen) bind through here.
_BIND_HINTS = {
    errno.EADDRINUSE: ("address already in use", "pick another --port (0 picks a free one)"),
    errno.EACCES: ("permission denied", "ports below 1024 need privileges: pick another --port (0 picks a free one)"),
    errno.EADDRNOTAVAIL: ("not an address of this machine", "pick another --host, e.g. 127.0.0.1"),
}


def bind_error(exc: OSError, host: str, port: int) -> SinchVoiceError:
    """One `error:` line and a hint (exit 1) instead of a raw OSError."""
    reason, hint = _BIND_HINTS.get(exc.errno, (str(exc.strerror or exc).lower(), "check --host and --port"))
    where = f"[{host}]:{port}" if _is_ipv6(host) else f"{host}:{port}"
    return SinchVoiceError(f"cannot serve on {where}: {reason}", hint=hint)


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def _base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if _is_ipv6(host) else f"http://{host}:{port}"


def _prepare(key, secret, clock, seed, host, port, allow_remote, callback_timeout, **options):
    app = Sandbox(key=key, secret=secret, clock=clock, seed=seed, callback_timeout=callback_timeout, **options)
    sock = bind(host, port, allow_remote)
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=3, http="h11"
    )
    server = uvicorn.Server(config)
    bound_port = sock.getsockname()[1]
    return Running(_base_url(host, bound_port), host, bound_port, key, secret, app, server), sock


@contextlib.contextmanager
def run_in_thread(
    *,
    key: str = d.KEY,
    secret: str = d.SECRET,
    clock=None,
    seed: int | None = None,
    host: str = d.HOST,
    port: int = 0,
    allow_remote: bool = False,
    callback_timeout: float = d.CALLBACK_TIMEOUT,
    startup_timeout: float = 10.0,
    **options,
):
    """Serve on a pre-bound socket (port 0 = ephemeral) in a daemon thread; yields a `Running`.
    Other keyword arguments (api_layout, numbers, ...) go to `Sandbox`."""
    running, sock = _prepare(key, secret, clock, seed, host, port, allow_remote, callback_timeout, **options)
    running.app.start()
    thread = threading.Thread(
        target=running.server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not running.server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        yield running
    finally:
        running.server.should_exit = True
        thread.join(10)
        running.app.close()
        sock.close()


def serve_forever(
    *,
    key: str = d.KEY,
    secret: str = d.SECRET,
    clock=None,
    seed: int | None = None,
    host: str = d.HOST,
    port: int = d.PORT,
    allow_remote: bool = False,
    on_ready=None,
    **options,
) -> None:
    """Serve in the foreground until Ctrl-C (uvicorn handles SIGINT/SIGTERM and shuts down gracefully).
    Other keyword arguments (api_layout, numbers, ...) go to `Sandbox`."""
    running, sock = _prepare(key, secret, clock, seed, host, port, allow_remote, d.CALLBACK_TIMEOUT, **options)
    if on_ready:
        on_ready(running)
    running.app.start()
    try:
        running.server.run(sockets=[sock])
    finally:
        running.app.close()
        sock.close()
