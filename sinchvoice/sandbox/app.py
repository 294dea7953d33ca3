"""The sandbox as an ASGI app: body limits, faults, auth, API or control dispatch, journaling."""

from __future__ import annotations

import asyncio
import logging
import threading

import anyio
from starlette.responses import Response

from sinchvoice.sandbox.api import Api
from sinchvoice.sandbox.auth import authenticate
from sinchvoice.sandbox.callbacks import Deliverer
from sinchvoice.sandbox.clock import ManualClock, RealClock
from sinchvoice.sandbox.control import Control
from sinchvoice.sandbox.defaults import CALLBACK_TIMEOUT, KEY, MAX_BODY_BYTES, SECRET
from sinchvoice.sandbox.faults import Faults, RawBody
from sinchvoice.sandbox.journal import Journal, render
from sinchvoice.sandbox.problems import Problem, error_body
from sinchvoice.sandbox.ratelimit import RateLimit
from sinchvoice.sandbox.state import State
from sinchvoice.urls import is_loopback

log = logging.getLogger("sinchvoice.sandbox")
CONTROL_PREFIX = "/_sandbox/"


class BodyTooLarge(Exception):
    pass


class Sandbox:
    """One sandbox instance: its state, journals and fault rules, served by `__call__` (ASGI)."""

    def __init__(
        self,
        *,
        key: str = KEY,
        secret: str = SECRET,
        clock: RealClock | ManualClock | None = None,
        seed: int | None = None,
        callback_timeout: float = CALLBACK_TIMEOUT,
        allow_remote_control: bool = False,
        api_layout: str = "live",
        numbers: int = 0,
        rate_limit: int | None = None,
    ):
        """`api_layout`: "live" serves the running platform's paths and shapes (and the contract's seed paths),
        "spec" the contract's only. `numbers`: how many free voice numbers to add to the seeded ones.
        `rate_limit`: callouts per second beyond which the answer is 429 with Retry-After (None: no limit)."""
        self.key, self.secret = key, secret
        self.clock = clock or RealClock()
        self.deliverer = Deliverer(key, secret, callback_timeout)
        self.state = State(key=key, clock=self.clock, seed=seed, emit=self.deliverer.submit, numbers=numbers)
        self.faults = Faults()
        self.journal = Journal()
        self.internal_errors = 0  # 500s the sandbox answered itself (a bug), wherever they happened
        self.api = Api(self.state, key, api_layout)
        self.api_layout = api_layout
        self.control = Control(self)
        self.rate_limit = RateLimit(rate_limit) if rate_limit else None
        self.allow_remote_control = allow_remote_control
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self.generation = (
            0  # bumped by reset, so a request delayed across a reset cannot leak into the next test
        )

    # ---- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """A real clock needs a ticker so callbacks go out on time even when nobody asks."""
        if not self.clock.manual and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick_forever, name="sandbox-ticker", daemon=True)
            self._ticker.start()

    def _tick_forever(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self.state.tick()
            except Exception:
                log.exception("sandbox tick failed")

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(2)
        self.deliverer.close()

    def reset(self) -> None:
        self.deliverer.clear()
        with self.state.lock:
            self.clock.reset()
            self.state.reset()
            self.faults.clear()
            self.journal.clear()
            if self.rate_limit is not None:
                self.rate_limit.reset()
            self.internal_errors = 0
            self.generation += 1

    # ---- ASGI --------------------------------------------------------------------------------

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            return
        try:
            await self._http(scope, receive, send)
        except Exception:  # last line of defence: a bug answers 500 50000, never a traceback page
            log.exception("sandbox bug")
            self.internal_errors += 1
            await json_response(error_body(50000, "Internal sandbox error"), 500)(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope, receive, send):
        request = {
            "method": scope["method"],
            "path": scope["path"],
            "raw_path": (scope.get("raw_path") or scope["path"].encode()).decode("latin-1").split("?")[0],
            "query": scope.get("query_string", b"").decode("latin-1"),
            "headers": {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
        }
        try:
            request["body"] = await read_body(receive, MAX_BODY_BYTES)
        except BodyTooLarge:
            request["body"] = b""
            problem = Problem(413, 40001, f"Request body over {MAX_BODY_BYTES} bytes")
            status, payload, headers = problem.status, problem.body(), problem.headers
            return await self._reply(scope, receive, send, request, (status, payload, headers, None), None)
        if request["path"].startswith(CONTROL_PREFIX):
            return await self._control(scope, receive, send, request)
        fault = self.faults.take(request["method"], request["path"])
        if fault and fault["delay"]:
            generation = self.generation
            await asyncio.sleep(fault["delay"])
            if generation != self.generation:
                return await drop_connection(send)
        if fault and fault["status"]:
            return await self._reply(scope, receive, send, request, faulted(fault), fault)
        outcome = await anyio.to_thread.run_sync(self._process, request)
        if fault and fault["drop"]:
            self._journal(request, outcome, fault)
            return await drop_connection(send)
        await self._reply(scope, receive, send, request, outcome, fault)

    async def _control(self, scope, receive, send, request):
        client = scope.get("client")
        if not self.allow_remote_control and client and not is_loopback(client[0]):
            body = error_body(40300, "The sandbox control routes answer loopback clients only")
            return await json_response(body, 403)(scope, receive, send)
        try:
            status, payload = await anyio.to_thread.run_sync(
                self.control.handle, request["method"], request["path"], request["body"]
            )
            headers = {}
        except Problem as problem:
            status, payload, headers = problem.status, problem.body(), problem.headers
        await json_response(payload, status, headers)(scope, receive, send)

    def _process(self, request: dict) -> tuple:
        """(status, payload, headers, auth scheme); every failure becomes a Sinch error, bugs a 500."""
        scheme = None
        try:
            # Routes match the path as sent, segment by segment: `a%2Fb` is one id, never two segments.
            methods, params = self.api.resolve(request["raw_path"])
            scheme = authenticate(
                request["headers"],
                key=self.key,
                secret=self.secret,
                method=request["method"],
                path=request["path"],
                raw_path=request["raw_path"],
                body=request["body"],
            )
            if self.rate_limit is not None and methods.get(request["method"]) == self.api.create_callout:
                self.rate_limit.admit()  # before the body is checked: a front door that only counts
            self.state.tick()
            handler = self.api.handler(methods, params, request["method"])
            status, payload = handler(params, request["body"])
            return status, payload, {}, scheme
        except Problem as problem:
            return problem.status, problem.body(), problem.headers, scheme
        except Exception:
            log.exception("sandbox bug on %s %s", request["method"], request["path"])
            self.internal_errors += 1
            return 500, error_body(50000, "Internal sandbox error"), {}, scheme

    async def _reply(self, scope, receive, send, request, outcome, fault):
        status, payload, headers, _ = outcome
        if isinstance(payload, RawBody):  # a fault's body, sent as given (it may not be JSON at all)
            content, media_type = payload.encode("utf-8"), None
        else:
            content, media_type = (None if payload is None else render(payload)), "application/json"
        self._journal(request, outcome, fault, content)
        response = (
            Response(b"", status, headers)
            if content is None
            else Response(content, status, headers, media_type=media_type)
        )
        await response(scope, receive, send)

    def _journal(self, request: dict, outcome: tuple, fault: dict | None, content: bytes | None = None) -> None:
        status, payload, _, scheme = outcome
        if content is None and payload is not None:
            content = render(payload)
        self.journal.record(request, status, scheme, None if fault is None else fault_kind(fault), content)


def faulted(fault: dict) -> tuple:
    """The response of a status fault: the rule's raw body and headers, else (4xx/5xx) a Sinch error body."""
    status, headers = fault["status"], dict(fault["headers"])
    if fault["retryAfter"] is not None:
        headers["Retry-After"] = str(fault["retryAfter"])
    if fault["body"] is not None or status < 400:
        body = fault["body"] or ""
        if body and not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json"
        return status, RawBody(body) if body else None, headers, None
    # Sinch-style codes (status * 100, 401 is 40108); a 429 carries no errorCode, as on the platform.
    code = {429: None, 401: 40108}.get(status, status * 100)
    body = error_body(code, f"Injected fault (HTTP {status})")
    if code is None:
        body.pop("errorCode")
    return status, body, headers, None


def fault_kind(fault: dict) -> str:
    return "drop" if fault["drop"] else "status" if fault["status"] else "delay"


def json_response(payload, status: int, headers: dict | None = None) -> Response:
    return Response(render(payload), status, headers, media_type="application/json")


async def read_body(receive, limit: int) -> bytes:
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        more = message.get("more_body", False)
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise BodyTooLarge()
    return b"".join(chunks)


async def drop_connection(send) -> None:
    """Close the socket without a response. uvicorn hides its transport behind the bound `send`; once the
    connection is lost it marks the cycle disconnected and does not substitute a 500 of its own."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:  # not uvicorn: the best we can do is a truncated response
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"10")]})
        raise ConnectionAbortedError("sandbox dropped the connection")
    transport.close()
    for _ in range(100):
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0)
