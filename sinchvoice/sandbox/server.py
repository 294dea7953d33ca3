"""Serving the sandbox: in a thread for tests and demos, or in the foreground for the CLI (both via `serving`)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import uvicorn

from sinchvoice import serving
from sinchvoice.sandbox.app import Sandbox
from sinchvoice.sandbox.defaults import HOST, PORT
from sinchvoice.serving import bind


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
        """What points the CLI at this sandbox; the layout too, so a profile's layout cannot disagree with it."""
        return {
            "SINCHVOICE_BASE_URL": self.base_url,
            "SINCHVOICE_API_LAYOUT": self.app.api_layout,
            "SINCH_APPLICATION_KEY": self.key,
            "SINCH_APPLICATION_SECRET": self.secret,
        }


def _running(app: Sandbox, host: str, server: serving.Server) -> Running:
    base_url = serving.url_of(server.sock, host)
    return Running(base_url, host, server.sock.getsockname()[1], app.key, app.secret, app, server.uvicorn)


@contextlib.contextmanager
def run_in_thread(*, host: str = HOST, port: int = 0, allow_remote: bool = False, startup_timeout: float = 30.0,
                  **options):
    """Serve on a pre-bound socket (port 0 = ephemeral) in a daemon thread; yields a `Running`.

    Every other keyword argument goes to `Sandbox(...)`: key, secret, clock, seed, callback_timeout, ...
    """
    app = Sandbox(**options)
    sock = bind(host, port, allow_remote)
    app.start()
    try:
        with serving.running(app, sock, name="sandbox-server", startup_timeout=startup_timeout) as server:
            yield _running(app, host, server)
    finally:
        app.close()


def serve_forever(*, host: str = HOST, port: int = PORT, allow_remote: bool = False, on_ready=None,
                  **options) -> None:
    """Serve in the foreground until Ctrl-C (see `serving.serve_forever`); `on_ready(Running)` prints the
    banner once requests are answered. Every other keyword argument goes to `Sandbox(...)`."""
    app = Sandbox(**options)
    sock = bind(host, port, allow_remote)  # a busy port fails here, before any banner
    app.start()
    try:
        serving.serve_forever(app, sock, name="sandbox-server",
                              ready=on_ready and (lambda server: on_ready(_running(app, host, server))))
    finally:
        app.close()
