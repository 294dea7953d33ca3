"""What an HTTP answer means: its body read without surprises, and the typed error (exit code, message, hint)
for each way an exchange can fail."""

from __future__ import annotations

from typing import Any

from sinchvoice.errors import ApiError, AuthError, NotFoundError, OutcomeUnknown, TemporaryError

HINTS = {
    401: "check the key and secret (sinchvoice auth status); signed requests also need a clock within 15 minutes",
    402: "the account is out of credit; top it up in the Sinch dashboard",
    403: "this application may not do that (destination or feature not enabled)",
    404: "check the identifier; calls and conferences are only found while they exist",
    429: "the API is rate limiting; wait and try again",
}
CHECK_EXCHANGE = "run with --verbose to see the exchange; check that --base-url (or --region) is the Sinch API"


def error_for(status: int, body: Any, reason: str = "") -> Exception:
    """Map status + Sinch error body to a typed error with exit code, message and hint."""
    body = body if isinstance(body, dict) else {}
    message = body.get("message") or reason or "request failed"
    details = {"httpStatus": status, "errorCode": body.get("errorCode"), "reference": body.get("reference")}
    code = f" (errorCode {details['errorCode']})" if details["errorCode"] is not None else ""
    said = f"HTTP {status}" in str(message)  # e.g. "Injected fault (HTTP 503)": the status once is enough
    text = f"{printable(message)}{'' if said else f': HTTP {status}'}{code}"
    if status in (401, 403):
        return AuthError(text, hint=HINTS[status], **details)
    if status == 404:
        return NotFoundError(text, hint=HINTS[404], **details)
    if status == 429 or status >= 500:
        return TemporaryError(text, hint=HINTS.get(status, "the service had a problem; try again later"), **details)
    return ApiError(text, hint=HINTS.get(status), **details)


def redirect_error(status: int, location: str | None) -> ApiError:
    """A 3xx: redirects are not followed (a signed request is only valid for its own host and path)."""
    to = f" (a redirect to {printable(location)})" if location else " (a redirect)"
    return ApiError(f"the API answered HTTP {status}{to}, which the CLI does not follow",
                    hint="check --base-url or --region: the Sinch API answers directly, without redirects",
                    httpStatus=status)


def unexpected_body(status: int, problem: str) -> ApiError:
    return ApiError(f"the API answered HTTP {status} with {problem}", hint=CHECK_EXCHANGE, httpStatus=status)


def too_long_to_wait(delay: float, cause: str, failure) -> TemporaryError:
    return TemporaryError(f"the API asked to wait {delay:.0f} s before retrying ({cause}); not waiting that long",
                          hint=f"try again in {delay:.0f} s", httpStatus=failure if isinstance(failure, int) else None)


PLACED_HINT = "check the phone or the call logs in the Sinch dashboard before sending it again"
APPLIED_HINT = "check the current state (e.g. sinchvoice calls get CALL_ID) before sending it again"


def callout_maybe_placed(cause: str) -> OutcomeUnknown:
    return OutcomeUnknown(f"the callout may have been placed ({cause}); it was not retried to avoid calling twice",
                          hint=PLACED_HINT)


def maybe_applied(method: str, path: str, cause: str) -> OutcomeUnknown:
    """A request that is not safe to repeat got no clear answer: say so rather than suggest trying again."""
    return OutcomeUnknown(f"{method} {path} may have been applied ({cause}); it was not retried because repeating "
                          "it could act twice", hint=APPLIED_HINT)


def interrupted_in_flight(method: str, path: str, callout: bool) -> OutcomeUnknown:
    """Ctrl-C after the request left: the server may act on it all the same."""
    if callout:
        return OutcomeUnknown("interrupted after the callout was sent: the call may have been placed",
                              hint=PLACED_HINT)
    return OutcomeUnknown(f"interrupted after {method} {path} was sent: it may have been applied", hint=APPLIED_HINT)


def printable(text: Any, limit: int = 200) -> str:
    """Server-controlled text on one line: control characters escaped, length capped."""
    text = str(text)
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


JSON_KINDS = {list: "array", str: "string", bool: "boolean", int: "number", float: "number", type(None): "null"}


def read_body(response, expect_object: bool) -> tuple[Any, str | None]:
    """(the decoded JSON, None), or (None, what is wrong with it); an empty body is {} unless an object is due."""
    if not response.content:
        return (None, "an empty body") if expect_object else ({}, None)
    try:
        data = response.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested beyond reason
        return None, "a body that is not JSON"
    if expect_object and not isinstance(data, dict):
        return None, f"a JSON {JSON_KINDS.get(type(data), 'value')} where an object was expected"
    return data, None
