"""Serving a Listener: the ASGI adapter, and `serving` in the foreground or in a thread for tests."""

from __future__ import annotations

import contextlib
import socket

from sinchvoice import serving
from sinchvoice.listener.handler import Listener


def asgi_app(listener: Listener):
    """A thin adapter: read the request, let the Listener decide (in a worker thread: it may forward), answer."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = await request.body()
        raw_path = (scope.get("raw_path") or b"").decode("latin-1").split("?")[0]
        headers = {name.lower(): value for name, value in request.headers.items()}
        exchange = await run_in_threadpool(listener.handle, request.method, scope["path"], headers, body, raw_path)
        response = Response(exchange.reply, exchange.status, media_type=exchange.reply_type or None)
        await response(scope, receive, send)

    return app


def serve_forever(listener: Listener, sock: socket.socket, ready=None) -> None:
    """Until Ctrl-C (see `serving.serve_forever`): requests in flight finish, then KeyboardInterrupt comes through."""
    try:
        serving.serve_forever(asgi_app(listener), sock, ready=ready, name="listener")
    finally:
        listener.close()


@contextlib.contextmanager
def run_in_thread(listener: Listener, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 30.0):
    """Serve on an ephemeral loopback port in a daemon thread; yields the callback URL."""
    sock = serving.bind(host, port)
    try:
        with serving.running(asgi_app(listener), sock, name="listener", startup_timeout=startup_timeout):
            yield serving.url_of(sock, host, listener.path)
    finally:
        listener.close()
