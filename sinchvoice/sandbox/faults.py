"""Injected faults: for the next N requests matching a rule, answer any status (with a raw body and headers),
delay, or drop the connection."""

from __future__ import annotations

import itertools
import re
import threading
from fnmatch import fnmatchcase

from sinchvoice.sandbox.problems import invalid

FIELDS = {"method", "path", "status", "body", "headers", "retryAfter", "count", "delay", "drop"}
MAX_BODY = 16384  # well under the sandbox's own request limit, so the rule itself fits
MAX_HEADERS = 20
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 field-name
# The sandbox frames the response itself; a rule that set these would produce a broken HTTP message.
FRAMING = {"content-length", "transfer-encoding", "connection"}
RETRY_AFTER = "retryAfter must be a number of seconds between 0 and 86400, or an HTTP date"


class RawBody(str):
    """A faulted response body sent byte for byte (UTF-8) instead of as JSON; a str so the journal shows it."""


def validate(rule) -> dict:
    if not isinstance(rule, dict):
        raise invalid("a fault rule is a JSON object")
    unknown = set(rule) - FIELDS
    if unknown:
        raise invalid(f"unknown fault fields: {', '.join(sorted(unknown))}")
    status, delay, drop = rule.get("status"), rule.get("delay"), rule.get("drop", False)
    if status is None and ("body" in rule or "headers" in rule):
        raise invalid("body and headers need a status")
    if status is None and delay is None and not drop:
        raise invalid("a fault needs status, delay or drop")
    if status is not None and (type(status) is not int or not 200 <= status <= 599):
        raise invalid("status must be an integer between 200 and 599")
    if status is not None and drop:
        raise invalid("status and drop exclude each other")
    if delay is not None and (
        not isinstance(delay, (int, float)) or isinstance(delay, bool) or not 0 <= delay <= 60
    ):
        raise invalid("delay must be a number of seconds between 0 and 60")
    count = rule.get("count", 1)
    if type(count) is not int or count == 0 or count < -1:
        raise invalid("count must be a positive integer, or -1 for every matching request")
    for name in ("method", "path"):
        if not isinstance(rule.get(name, ""), str):
            raise invalid(f"{name} must be a string")
    return {
        "method": rule.get("method", "*").upper(),
        "path": rule.get("path", "*"),
        "status": status,
        "body": _body(rule.get("body"), status),
        "headers": _headers(rule.get("headers", {})),
        "retryAfter": _retry_after(rule.get("retryAfter")),
        "count": count,
        "delay": delay,
        "drop": bool(drop),
    }


def _body(body, status):
    if body is None:
        return None
    if not isinstance(body, str):
        raise invalid("body must be a string (the raw response body)")
    if len(body) > MAX_BODY:
        raise invalid(f"body must be at most {MAX_BODY} characters")
    if body and status in (204, 304):  # HTTP forbids it; h11 would fail the response half-way
        raise invalid("a 204 or 304 answer has no body")
    return body


def _headers(headers) -> dict:
    if not isinstance(headers, dict) or len(headers) > MAX_HEADERS or not all(
            isinstance(v, str) for v in headers.values()):
        raise invalid("headers must be an object of header names to string values")
    for name, value in headers.items():
        if not TOKEN.fullmatch(name):
            raise invalid(f"header name {name[:40]!r} is not a valid HTTP token")
        if name.lower() in FRAMING:
            raise invalid(f"header {name} is set by the sandbox")
        if any(ord(c) < 32 and c != "\t" or ord(c) == 127 for c in value):  # CR/LF would split the header
            raise invalid(f"header {name}: the value has control characters")
        if any(ord(c) > 255 for c in value):
            raise invalid(f"header {name}: the value must be Latin-1 text")
        if len(value) > 1024:
            raise invalid(f"header {name}: the value must be at most 1024 characters")
    return dict(headers)


def _retry_after(value):
    """Seconds (0-86400), or an HTTP date in printable ASCII: the value becomes a header line as is."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise invalid(RETRY_AFTER)
    if isinstance(value, (int, float)):
        if not 0 <= value <= 86400:
            raise invalid(RETRY_AFTER)
        return value
    if not isinstance(value, str) or not value.isascii() or not value.isprintable() or value != value.strip():
        raise invalid(RETRY_AFTER)
    from email.utils import parsedate_to_datetime

    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise invalid(RETRY_AFTER) from None
    return value


class Faults:
    def __init__(self):
        self._rules: list[dict] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def add(self, rule) -> dict:
        rule = {"id": next(self._ids), **validate(rule), "fired": 0}
        with self._lock:
            self._rules.append(rule)
        return dict(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def list(self) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._rules]

    def take(self, method: str, path: str) -> dict | None:
        """The first rule matching the request (glob on the path), consumed once; spent rules go."""
        with self._lock:
            for rule in self._rules:
                if fnmatchcase(method, rule["method"]) and fnmatchcase(path, rule["path"]):
                    rule["fired"] += 1
                    if rule["count"] != -1:
                        rule["count"] -= 1
                        if rule["count"] == 0:
                            self._rules.remove(rule)
                    return dict(rule)
        return None
