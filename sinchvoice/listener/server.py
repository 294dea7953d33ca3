"""Serving a Listener with starlette + uvicorn on a pre-bound socket: in the foreground, or in a thread for tests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

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


def listening_socket(host: str, port: int, allow_remote: bool = False) -> socket.socket:
    """Bind before serving, so port 0 can be reported and a busy port is an error before any banner."""
    from sinchvoice.sandbox.server import bind

    return bind(host, port, allow_remote)


def url_of(sock: socket.socket, host: str, path: str) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}{path}" if ":" in host else f"http://{host}:{port}{path}"


def local_url(sock: socket.socket, host: str, path: str) -> str | None:
    """The URL this machine reaches the listener on: a wildcard bind (0.0.0.0, ::) answers on loopback too;
    None for a single non-loopback address, which `callbacks set` would refuse over http:// anyway."""
    import ipaddress

    from sinchvoice.urls import is_loopback

    if is_loopback(host):
        return url_of(sock, host, path)
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if not address.is_unspecified:
        return None
    return url_of(sock, "127.0.0.1" if address.version == 4 else "::1", path)


def _server(listener: Listener):
    import uvicorn

    config = uvicorn.Config(asgi_app(listener), log_level="warning", access_log=False, lifespan="off", http="h11",
                            timeout_graceful_shutdown=3, server_header=False)
    return uvicorn.Server(config)


def serve_forever(listener: Listener, sock: socket.socket) -> None:
    """Until Ctrl-C: uvicorn finishes the requests in flight, then lets the KeyboardInterrupt through."""
    try:
        _server(listener).run(sockets=[sock])
    finally:
        listener.close()
        sock.close()


@contextlib.contextmanager
def run_in_thread(listener: Listener, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 10.0):
    """Serve on an ephemeral loopback port in a daemon thread; yields the callback URL."""
    sock = listening_socket(host, port)
    server = _server(listener)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="listener", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the listener did not start")
            time.sleep(0.005)
        yield url_of(sock, host, listener.path)
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
        sock.close()
