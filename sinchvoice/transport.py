"""The HTTP core: one httpx.Client per invocation, the retry policy, error mapping, trace and dry-run."""

from __future__ import annotations

import contextlib
import json
import random
import re
import time
from typing import Any, Callable, TextIO

from sinchvoice import __version__
from sinchvoice.errors import ApiError, AuthError, NotFoundError, TemporaryError

MAX_ATTEMPTS = 4
BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0
RETRY_AFTER_CAP = 60.0
RETRYABLE_STATUS = (429, 502, 503, 504)
# The request never reached the server (refused, DNS, connect timeout): always safe to try again.
NOT_SENT = "not-sent"
# It may have reached the server (read timeout, reset, dropped mid-response): only idempotent calls retry.
MAYBE_SENT = "maybe-sent"
SECRET_KEYS = re.compile(r"secret|password|token|signature", re.IGNORECASE)


def is_callout(method: str, path: str) -> bool:
    return method.upper() == "POST" and path.rstrip("/").endswith("/callouts")


def is_idempotent(method: str, path: str) -> bool:
    """GET/DELETE, participant commands, and configuration POSTs (they set a value, repeating sets it again)."""
    method = method.upper()
    if method in ("GET", "HEAD", "DELETE"):
        return True
    if method == "PATCH":
        return "/conferences/" in path
    return method == "POST" and "/configuration/" in path


def should_retry(method: str, path: str, failure: int | str) -> bool:
    """The whole retry policy. A callout rings a phone and costs money: never replayed once it may have arrived."""
    if failure == NOT_SENT or failure == 429:  # not sent, or rejected unprocessed
        return True
    if is_callout(method, path):
        return False
    return is_idempotent(method, path) and (failure == MAYBE_SENT or failure in RETRYABLE_STATUS)


def backoff_delay(attempt: int, retry_after: float | None, rng: Callable[[], float] = random.random) -> float:
    """Server's Retry-After when given, else full-jitter exponential backoff."""
    if retry_after is not None:
        return retry_after
    return min(BACKOFF_MAX, BACKOFF_BASE * 2**attempt) * (0.5 + rng() / 2)


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def check_base_url(url: str) -> str:
    """https anywhere; http only on loopback so nothing secret or costly crosses a network in clear text."""
    from sinchvoice.urls import LOOPBACK_HINT, check_url

    return check_url(url, "--base-url", hint=LOOPBACK_HINT + " (e.g. the sandbox)").rstrip("/")


# --- error mapping: the only place an HTTP status becomes an exit code --------------------------------

HINTS = {
    401: "check the key and secret (sinchvoice auth status); signed requests also need a clock within 15 minutes",
    402: "the account is out of credit; top it up in the Sinch dashboard",
    403: "this application may not do that (destination or feature not enabled)",
    404: "check the identifier; calls and conferences are only found while they exist",
    429: "the API is rate limiting; wait and try again",
}


def error_for(status: int, body: Any, reason: str = "") -> Exception:
    """Map status + Sinch error body to a typed error with exit code, message and hint."""
    body = body if isinstance(body, dict) else {}
    message = body.get("message") or reason or "request failed"
    details = {"httpStatus": status, "errorCode": body.get("errorCode"), "reference": body.get("reference")}
    code = f" (errorCode {details['errorCode']})" if details["errorCode"] is not None else ""
    text = f"{message}: HTTP {status}{code}"
    if status in (401, 403):
        return AuthError(text, hint=HINTS[status], **details)
    if status == 404:
        return NotFoundError(text, hint=HINTS[404], **details)
    if status == 429 or status >= 500:
        return TemporaryError(text, hint=HINTS.get(status, "the service had a problem; try again later"), **details)
    return ApiError(text, hint=HINTS.get(status), **details)


def callout_maybe_placed(cause: str) -> TemporaryError:
    return TemporaryError(
        f"the callout may have been placed ({cause}); it was not retried to avoid calling twice",
        hint="check the phone or the call logs in the Sinch dashboard before sending it again",
    )


def maybe_applied(method: str, path: str, cause: str) -> TemporaryError:
    """A request that is not safe to repeat got no answer: say so rather than suggest trying again."""
    return TemporaryError(
        f"{method} {path} may have been applied ({cause}); it was not retried because repeating it could act twice",
        hint="check the current state (e.g. sinchvoice calls get CALL_ID) before sending it again",
    )


# --- redaction and display ---------------------------------------------------------------------------


def redact_authorization(value: str) -> str:
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "application" and ":" in rest:
        return f"{scheme} {rest.split(':', 1)[0]}:<redacted>"
    return f"{scheme} <redacted>"


def redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<redacted>" if SECRET_KEYS.search(k) else redact_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


def describe_headers(headers) -> list[str]:
    lines = []
    for name, value in sorted(headers.items()):
        if name.lower() == "authorization":
            value = redact_authorization(value)
        lines.append(f"{name.lower()}: {value}")
    return lines


class Transport:
    """Sends a request with the policies above; commands and VoiceClient never see httpx."""

    def __init__(self, *, base_url: str, credentials, auth_scheme: str, timeout: float, verbose: bool = False,
                 dry_run: bool = False, trace: TextIO | None = None, out: TextIO | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.base_url = check_base_url(base_url)
        self.credentials = credentials
        self.auth_scheme = auth_scheme
        self.timeout = timeout
        self.verbose = verbose
        self.dry_run = dry_run
        self.trace = trace
        self.out = out
        self.sleep = sleep
        self._client = None
        self._reads_in_dry_run = False

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
        if self._client is None:
            import httpx

            from sinchvoice.signing import make_auth

            self._client = httpx.Client(
                base_url=self.base_url,
                timeout=httpx.Timeout(self.timeout),
                auth=make_auth(self.auth_scheme, self.credentials.key, self.credentials.secret),
                headers={"user-agent": f"sinchvoice/{__version__}", "accept": "application/json"},
                follow_redirects=False,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Returns the decoded JSON body ({} when empty), or None in dry-run mode."""
        method = method.upper()
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"content-type": "application/json"} if content is not None else {}
        if self.dry_run and not (self._reads_in_dry_run and method == "GET"):
            self._show_dry_run(method, path, content, headers, body)
            return None
        for attempt in range(MAX_ATTEMPTS):
            failure, retry_after, response = self._attempt(method, path, content, headers)
            if failure is None:
                return _decode(response)
            last = attempt == MAX_ATTEMPTS - 1
            if not should_retry(method, path, failure) or last:
                raise self._final_error(method, path, failure, response, attempts=attempt + 1)
            delay = backoff_delay(attempt, retry_after)
            if delay > RETRY_AFTER_CAP:
                raise TemporaryError(
                    f"the API asked to wait {delay:.0f} s before retrying (HTTP {failure}); not waiting that long",
                    hint=f"try again in {delay:.0f} s", httpStatus=failure if isinstance(failure, int) else None,
                )
            self._note(f"retrying in {delay:.1f} s ({_describe_failure(failure)})")
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _attempt(self, method, path, content, headers):
        import httpx

        started = time.perf_counter()
        self._trace(f"> {method} {self.base_url}{path}")
        try:
            response = self._http().request(method, path, content=content, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            self._trace(f"< connection failed: {type(exc).__name__}")
            return NOT_SENT, None, None
        except httpx.TransportError as exc:
            self._trace(f"< no response: {type(exc).__name__}")
            return MAYBE_SENT, None, None
        elapsed = (time.perf_counter() - started) * 1000
        if self.verbose:
            for line in describe_headers(response.request.headers):
                self._note(f">   {line}")
            self._note(f"< {response.status_code} {response.reason_phrase} in {elapsed:.0f} ms")
        if response.status_code < 400:
            return None, None, response
        return response.status_code, parse_retry_after(response.headers.get("retry-after")), response

    def _final_error(self, method, path, failure, response, attempts: int) -> Exception:
        if is_callout(method, path) and (failure == MAYBE_SENT or (isinstance(failure, int) and failure >= 500)):
            cause = "no response" if failure == MAYBE_SENT else f"HTTP {failure}"
            return callout_maybe_placed(cause)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if failure == NOT_SENT:
            return TemporaryError(f"could not connect to {self.base_url}{tries}",
                                  hint="check the network, --base-url/--region, or start `sinchvoice sandbox`")
        if failure == MAYBE_SENT and not is_idempotent(method, path):
            return maybe_applied(method, path, "no response")
        if failure == MAYBE_SENT:
            return TemporaryError(f"no response from {self.base_url}{tries} (timeout or dropped connection)",
                                  hint="try again later, or raise --timeout")
        error = error_for(failure, _decode(response, strict=False), response.reason_phrase)
        if tries and isinstance(error, TemporaryError):
            error.message += tries
        return error

    def _show_dry_run(self, method, path, content, headers, body) -> None:
        from sinchvoice.signing import string_to_sign

        request = self._http().build_request(method, path, content=content, headers=headers)
        request = next(self._http().auth.sync_auth_flow(request))
        lines = [f"{method} {request.url}", *describe_headers(request.headers)]
        if self.auth_scheme == "signed":
            signed = string_to_sign(method, request.url.path, request.content,
                                    request.headers.get("content-type", ""), request.headers["x-timestamp"])
            lines.append("string-to-sign: " + json.dumps(signed))
        if body is not None:
            lines += ["", json.dumps(redact_json(body), indent=2, ensure_ascii=False)]
        print("\n".join(lines), file=self.out, flush=True)

    def _note(self, text: str) -> None:
        print(text, file=self.trace, flush=True)

    def _trace(self, text: str) -> None:
        if self.verbose:
            self._note(text)


def _describe_failure(failure) -> str:
    return {NOT_SENT: "connection failed", MAYBE_SENT: "no response"}.get(failure, f"HTTP {failure}")


def _decode(response, strict: bool = True) -> Any:
    if response is None or not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        if strict:
            raise ApiError(f"the API answered HTTP {response.status_code} with a body that is not JSON",
                           hint="run with --verbose to see the exchange") from None
        return {}
