"""The retry policy as pure functions: which requests are callouts or safe to repeat, which failures are retried,
and how long to wait. transport.py applies it; tests/test_transport_policy.py holds it in one table."""

from __future__ import annotations

import random
import re
import time
from typing import Callable

MAX_ATTEMPTS = 4
BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0
RETRY_AFTER_CAP = 60.0
RETRYABLE_STATUS = (429, 502, 503, 504)
# The request never reached the server (refused, DNS, connect timeout): always safe to try again.
NOT_SENT = "not-sent"
# Refused by this very machine (a loopback base URL, nothing listening): no network fault that passes, so no retry.
REFUSED_HERE = "refused-here"
# It may have reached the server (read timeout, reset, dropped mid-response): only idempotent calls retry.
MAYBE_SENT = "maybe-sent"
# The only PATCHes and POSTs that are safe to repeat: participant commands and configuration writes.
PARTICIPANT_ROUTE = re.compile(r"/calling/v1/conferences/id/[^/]+/[^/]+")
CONFIGURATION_ROUTE = re.compile(r"(/calling)?/v1/configuration/.+")


def route(path: str) -> str:
    """The resource a server acts on, as far as the policy is concerned: the path without query or fragment,
    percent-decoded, dot segments resolved (httpx folds them, and servers may), no empty segments or trailing
    slash, lower case. Decoding errs towards "callout": an encoded `%2F` or `..` can only make more requests
    look like callouts, never fewer."""
    from urllib.parse import unquote, urlsplit

    segments: list[str] = []
    for segment in unquote(urlsplit(path).path).lower().split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment not in ("", "."):
            segments.append(segment)
    return "/" + "/".join(segments)


def is_callout(method: str, path: str) -> bool:
    return method.upper() == "POST" and route(path).endswith("/callouts")


def is_idempotent(method: str, path: str) -> bool:
    """GET/DELETE, participant commands, and configuration POSTs (they set a value, repeating sets it again).
    Anything else (a callout, SVAML sent to a call, PUT, paths the CLI does not know) is not repeated."""
    method = method.upper()
    if method in ("GET", "HEAD", "DELETE"):
        return True
    if method == "PATCH":
        return PARTICIPANT_ROUTE.fullmatch(route(path)) is not None
    return method == "POST" and not is_callout(method, path) and CONFIGURATION_ROUTE.fullmatch(route(path)) is not None


def should_retry(method: str, path: str, failure: int | str) -> bool:
    """The whole retry policy. A callout rings a phone and costs money: never replayed once it may have arrived."""
    if failure == REFUSED_HERE:  # nothing listens on this machine's port: waiting 3 s will not start it
        return False
    if failure == NOT_SENT or failure == 429:  # not sent, or rejected unprocessed
        return True
    if is_callout(method, path):
        return False
    return is_idempotent(method, path) and (failure == MAYBE_SENT or failure in RETRYABLE_STATUS)


def may_have_acted(failure: int | str) -> bool:
    """The server may have carried the request out although it did not answer success: no answer, a 5xx (a
    gateway's 502/504 in front of a server that did the work), or a 3xx (e.g. 303 after doing it)."""
    return failure == MAYBE_SENT or isinstance(failure, int) and (300 <= failure < 400 or failure >= 500)


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
        except (TypeError, ValueError, OverflowError):
            return None
