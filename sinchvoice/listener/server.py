"""Serving a Listener: the ASGI adapter, and `serving` in the foreground or in a thread for tests."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from sinchvoice import serving
from sinchvoice.listener.handler import Listener

if TYPE_CHECKING:
    import socket

MAX_BODY = 1024 * 1024  # callbacks are a few hundred bytes; a bigger body is refused without being read whole


def asgi_app(listener: Listener):
    """A thin adapter: read the request (at most MAX_BODY), let the Listener decide in a worker thread (it may
    forward, which may take a while, and others are answered meanwhile), answer."""
    from starlette.concurrency import run_in_threadpool

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        body = await _read_body(receive, headers)
        raw_path = (scope.get("raw_path") or b"").decode("latin-1").split("?")[0]
        exchange = await run_in_threadpool(listener.handle, scope["method"], scope["path"], headers, body or b"",
                                           raw_path, oversize=body is None)
        answer = [(b"content-length", str(len(exchange.reply)).encode())]
        if exchange.reply_type:
            answer.append((b"content-type", exchange.reply_type.encode("latin-1", "replace")))
        if body is None:  # the rest of that body is not worth reading: end the connection
            answer.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": exchange.status, "headers": answer})
        await send({"type": "http.response.body", "body": exchange.reply})

    return app


async def _read_body(receive, headers: dict) -> bytes | None:
    """The body, or None once it is known to be over MAX_BODY (announced, or read that far)."""
    announced = headers.get("content-length", "").strip()
    if announced.isascii() and announced.isdigit() and int(announced) > MAX_BODY:
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: nothing more will come
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


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
