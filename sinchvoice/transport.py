"""The HTTP core: one set of httpcore connection pools per invocation (wire.py sends exactly what httpx.Client sent),
applying the retry policy (retries.py), error mapping, trace and dry-run."""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any, Callable, NamedTuple, TextIO

from sinchvoice import __version__
from sinchvoice.answers import (
    callout_maybe_placed,
    error_for,
    interrupted_in_flight,
    maybe_applied,
    printable,
    read_body,
    redirect_error,
    too_long_to_wait,
    unexpected_body,
)
from sinchvoice.errors import RateLimited, TemporaryError, UsageError
from sinchvoice.redaction import (  # noqa: F401  (redact_authorization: the listener imports it from here)
    describe_headers,
    redact_authorization,
    redact_json,
    wire_url,
)
from sinchvoice.retries import (
    MAX_ATTEMPTS,
    MAYBE_SENT,
    NOT_SENT,
    REFUSED_HERE,
    RETRY_AFTER_CAP,
    backoff_delay,
    is_callout,
    is_idempotent,
    may_have_acted,
    parse_retry_after,
    route,
    should_retry,
)

# What httpx.Client was given as its own headers (it put them after its Accept-Encoding and Connection).
DEFAULT_HEADERS = [("user-agent", f"sinchvoice/{__version__}"), ("accept", "application/json")]


def check_base_url(url: str, what: str = "--base-url") -> str:
    """https anywhere; http only on loopback so nothing secret or costly crosses a network in clear text."""
    from sinchvoice.urls import LOOPBACK_HINT, check_url

    return check_url(url, what, hint=LOOPBACK_HINT + " (e.g. the sandbox)").rstrip("/")


def is_configuration(path: str) -> bool:
    """Paths under /v1/ are the configuration host's (numbers, callback URLs); everything else is traffic."""
    return (route(path) + "/").startswith("/v1/")


class Attempt(NamedTuple):
    failure: int | str | None  # None: a 2xx; else NOT_SENT, MAYBE_SENT or the HTTP status
    retry_after: float | None = None
    response: Any = None
    cause: str = ""  # for messages: "no response", "timed out after 2 s", "HTTP 503"


class Transport:
    """Sends a request with the policies above; commands and VoiceClient never see HTTP details.

    Two hooks for callers that pace many requests themselves (pacing.Pacer, callouts batch): `on_send()` is called
    as each attempt's first byte is about to leave (httpcore's `send_request_headers.started`), so a journal can
    record "may have been sent" before it is true; with `hand_back_429` a 429 is raised at once as RateLimited
    (with its Retry-After) instead of being slept on here, so one shared pause serves every request in flight.
    Such callers run one transport per request in flight; they share the process's one TLS context (pools.tls_for).
    """

    def __init__(self, *, base_url: str, credentials, auth_scheme: str, timeout: float, verbose: bool = False,
                 dry_run: bool = False, trace: TextIO | None = None, out: TextIO | None = None,
                 sleep: Callable[[float], None] = time.sleep, config_base_url: str | None = None):
        from sinchvoice.urls import redact_userinfo

        self.base_url = check_base_url(base_url)
        self.config_url = check_base_url(config_base_url, "--config-base-url") if config_base_url else self.base_url
        # For messages: a password in a URL is a secret.
        self.shown_url, self.shown_config_url = redact_userinfo(self.base_url), redact_userinfo(self.config_url)
        self.credentials = credentials
        self.auth_scheme = auth_scheme
        self.timeout = timeout
        self.verbose = verbose
        self.dry_run = dry_run
        self.trace = trace
        self.out = out
        self.sleep = sleep
        self._announced = False
        self._pools = None
        self._deadline = None
        self._sent = False  # whether the current attempt's request has started to leave (httpcore's trace)
        self._reads_in_dry_run = False
        self.on_send: Callable[[], None] | None = None
        self.hand_back_429 = False

    @contextlib.contextmanager
    def reads_in_dry_run(self):
        """Let GETs through during --dry-run, for commands that read state to plan their writes; writes stay
        printed-only, even inside this block."""
        self._reads_in_dry_run = True
        try:
            yield
        finally:
            self._reads_in_dry_run = False

    def _http(self):
        """The connection pools, made on the first request that goes out (a dry run needs none)."""
        if self._pools is None:
            from sinchvoice.deadline import Deadline
            from sinchvoice.pools import Pools, tls_for

            self._announce()
            self._deadline = Deadline()
            self._pools = Pools(tls_for(self.base_url, self.config_url))
        return self._pools

    def _announce(self) -> None:
        if not self._announced:
            self._trace(f"* traffic host {self.shown_url}, configuration host {self.shown_config_url}")
            self._announced = True

    def close(self) -> None:
        self._announced = False  # a transport used again after close() says where it goes again
        if self._pools is not None:
            self._pools.close()
            self._pools = None

    def request(self, method: str, path: str, body: Any = None, *, expect_object: bool = False) -> Any:
        """Returns the decoded JSON body ({} when empty), or None in dry-run mode.

        expect_object: the operation answers with a JSON object, so an empty body or another JSON type is the
        server misbehaving (an error, never a crash further on).
        """
        method = method.upper()
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = [("content-type", "application/json")] if content is not None else []
        if self.dry_run and not (self._reads_in_dry_run and method == "GET"):
            self._show_dry_run(method, path, content, headers, body)
            return None
        acted = False  # an earlier attempt may have been carried out, its answer lost
        for attempt in range(MAX_ATTEMPTS):
            try:
                result = self._attempt(method, path, content, headers)
                if result.failure is None:
                    return self._answer(method, path, result.response, expect_object)
            except KeyboardInterrupt:
                if self._sent and not is_idempotent(method, path):  # it left: the server may act on it regardless
                    raise interrupted_in_flight(method, path, is_callout(method, path)) from None
                raise
            if result.failure == 404 and method == "DELETE" and acted:
                # What was to be deleted is gone: the attempt whose answer was lost deleted it.
                self._trace("< 404 on a retry after a lost answer: the earlier attempt did it")
                return {}
            if result.failure == 429 and self.hand_back_429:
                raise self._rate_limited(result)
            acted = acted or may_have_acted(result.failure)
            if not should_retry(method, path, result.failure) or attempt == MAX_ATTEMPTS - 1:
                raise self._final_error(method, path, result, attempts=attempt + 1)
            delay = backoff_delay(attempt, result.retry_after)
            if delay > RETRY_AFTER_CAP:
                raise too_long_to_wait(delay, result.cause, result.failure)
            self._note(f"retrying in {delay:.1f} s ({result.cause})")
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _attempt(self, method: str, path: str, content, headers) -> Attempt:
        import httpcore

        from sinchvoice.wire import DecodingError, exchange

        pools, self._sent = self._http(), False

        def trace(event: str, info: dict) -> None:
            self._deadline.trace(event, info)
            if event.endswith("send_request_headers.started"):
                self._sent = True
                if self.on_send is not None:
                    self.on_send()

        request = self._build(method, path, content, headers)
        self._trace(f"> {method} {wire_url(request.url)}")
        pool = pools.for_url(request.url)
        started = time.perf_counter()
        with self._deadline.bound(self.timeout) as expired:
            try:
                response = exchange(pool, request, self.timeout, trace)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                return self._not_connected(exc, request.url.host)
            except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError,
                    httpcore.UnsupportedProtocol, DecodingError) as exc:
                return self._no_answer(exc, expired.is_set())
        if self.verbose:
            for line in describe_headers(request.shown_headers()):
                self._note(f">   {line}")
            elapsed = (time.perf_counter() - started) * 1000
            self._note(f"< {response.status_code} {printable(response.reason_phrase)} in {elapsed:.0f} ms")
        status = response.status_code
        if status < 300:
            return Attempt(None, response=response)
        cause = f"HTTP {status} redirect, not followed" if status < 400 else f"HTTP {status}"
        return Attempt(status, parse_retry_after(response.headers.get("retry-after")), response, cause)

    def _build(self, method: str, path: str, content, headers):
        """The request as it goes out: the traffic host's URL joined with PATH, or the configuration host's URL and
        PATH as one (httpx's rules), the default headers, and the auth headers (each attempt signs anew)."""
        from sinchvoice.signing import auth_headers
        from sinchvoice.wire import build_request
        from sinchvoice.wireurl import InvalidURL, join, parse

        self._announce()
        try:
            url = parse(self.config_url + path) if is_configuration(path) else join(parse(self.base_url), path)
        except InvalidURL as exc:  # commands check what they put in a path; this is the last line
            raise UsageError(f"cannot send {method} {printable(path, 100)}: {exc}",
                             hint="check the path and --base-url") from None
        request = build_request(method, url, content, DEFAULT_HEADERS, headers)
        return request.with_headers(auth_headers(
            self.auth_scheme, self.credentials.key, self.credentials.secret, method, url.decoded_path,
            request.content, request.header("content-type")))

    def shown_host(self, path: str) -> str:
        """The base URL a request to PATH goes to, fit for messages."""
        return self.shown_config_url if is_configuration(path) else self.shown_url

    def _not_connected(self, exc: Exception, host: str) -> Attempt:
        from sinchvoice.urls import is_loopback
        from sinchvoice.wire import refused

        self._trace(f"< connection failed: {type(exc).__name__}")
        if refused(exc) and is_loopback(host):
            return Attempt(REFUSED_HERE, cause="connection refused")
        return Attempt(NOT_SENT, cause="connection failed")

    def _no_answer(self, exc: Exception, expired: bool) -> Attempt:
        import httpcore

        timed_out = expired or isinstance(exc, httpcore.TimeoutException)
        cause = f"timed out after {self.timeout:g} s" if timed_out else "no response"
        self._trace(f"< {cause}: {type(exc).__name__}")
        return Attempt(MAYBE_SENT, cause=cause)

    def _answer(self, method: str, path: str, response, expect_object: bool) -> Any:
        data, problem = read_body(response, expect_object)
        if problem is None:
            return data
        if not is_idempotent(method, path):  # a 2xx said "done" in a way nobody can read: it may be done
            cause = f"HTTP {response.status_code} with {problem}"
            raise callout_maybe_placed(cause) if is_callout(method, path) else maybe_applied(method, path, cause)
        raise unexpected_body(response.status_code, problem)

    def _rate_limited(self, result: Attempt) -> RateLimited:
        error = error_for(429, read_body(result.response, False)[0], result.response.reason_phrase)
        return RateLimited(error.message, error.hint, retry_after=result.retry_after, **error.details)

    def _final_error(self, method: str, path: str, result: Attempt, attempts: int) -> Exception:
        failure, response = result.failure, result.response
        if not is_idempotent(method, path) and may_have_acted(failure):
            return callout_maybe_placed(result.cause) if is_callout(method, path) else maybe_applied(
                method, path, result.cause)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        host = self.shown_host(path)
        if failure == REFUSED_HERE:
            option = "--config-base-url" if is_configuration(path) else "--base-url"
            return TemporaryError(f"could not connect to {host}: connection refused (nothing listens there)",
                                  hint=f"start the sandbox with `sinchvoice sandbox`, or check {option}")
        if failure == NOT_SENT:
            options = "--config-base-url" if is_configuration(path) else "--base-url/--region"
            return TemporaryError(f"could not connect to {host}{tries}",
                                  hint=f"check the network, {options}, or start `sinchvoice sandbox`")
        if failure == MAYBE_SENT:
            why = "timeout or dropped connection" if result.cause == "no response" else result.cause
            return TemporaryError(f"no response from {host}{tries} ({why})",
                                  hint="try again later, or raise --timeout")
        if 300 <= failure < 400:
            return redirect_error(failure, response.headers.get("location"))
        error = error_for(failure, read_body(response, False)[0], response.reason_phrase)
        if tries and isinstance(error, TemporaryError):
            error.message += tries
        return error

    def _show_dry_run(self, method, path, content, headers, body) -> None:
        from sinchvoice.signing import string_to_sign

        request = self._build(method, path, content, headers)
        lines = [f"{method} {wire_url(request.url)}", *describe_headers(request.shown_headers())]
        if self.auth_scheme == "signed":
            signed = string_to_sign(method, request.url.decoded_path, request.content,
                                    request.header("content-type"), request.header("x-timestamp"))
            lines.append("string-to-sign: " + json.dumps(signed))
        if body is not None:
            lines += ["", json.dumps(redact_json(body), indent=2, ensure_ascii=False)]
        print("\n".join(lines), file=self.out, flush=True)

    def _note(self, text: str) -> None:
        print(text, file=self.trace, flush=True)

    def _trace(self, text: str) -> None:
        if self.verbose:
            self._note(text)

