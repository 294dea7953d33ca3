"""One callback as the listener saw it: the request, the verdict on its signature, and the reply given."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sinchvoice.listener.events import key_fields, reply_summary

MAX_DEPTH = 64  # Sinch events nest 3 deep; anything deeper is no callback, and could exhaust the recursion limit


def decode(body: bytes):
    """The body as JSON when it is strict JSON (UTF-8, finite numbers, no lone surrogates, at most MAX_DEPTH
    deep), else as text with undecodable bytes shown as \\xNN; None when empty. Whatever it is, json.dumps
    writes it with allow_nan=False and it encodes as UTF-8, so the journal stays JSON."""
    if not body:
        return None
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_not_json, parse_float=_finite)
        if _plain(value, 0):
            return value
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        pass
    return body.decode("utf-8", "backslashreplace")


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):  # 1e999
        raise ValueError(f"{text} is not a finite number")
    return number


def _plain(value, depth: int) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return _encodable(value)
    if isinstance(value, list):
        return all(_plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(_encodable(key) and _plain(item, depth + 1) for key, item in value.items())
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")  # a lone surrogate (from a \\ud800 escape) is not
    except UnicodeEncodeError:
        return False
    return True


CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie")


def redact(header: str, value: str) -> str:
    """Credentials go whole; only an authorization's scheme and application key stay, to show who signed:
    `Application KEY:<redacted>`, `Basic <redacted>`, else `<redacted>`."""
    if header not in CREDENTIAL_HEADERS:
        return value
    scheme, _, credentials = value.strip().partition(" ")
    if header == "cookie" or not credentials.strip() or not scheme.isascii() or not scheme.isalpha():
        return "<redacted>"
    key, colon, _ = credentials.strip().partition(":")
    if scheme.lower() == "application" and colon:
        return f"{scheme} {key}:<redacted>"
    return f"{scheme} <redacted>"


def printable(text: str) -> str:
    """`text` with control characters escaped (\\x1b, \\n), so a callback cannot drive the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass
class Exchange:
    received_at: datetime
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    auth: str = "none"  # the scheme the request used: "application", "basic" or "none"
    verified: bool | None = None  # None: not checked (--no-verify, or refused before checking)
    reason: str = ""
    problem: str = ""  # why the answer is not a 200, when it is not
    status: int = 200
    reply: bytes = b""
    reply_type: str = ""
    forwarded: dict | None = None
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def event(self) -> dict:
        parsed = decode(self.body)
        return parsed if isinstance(parsed, dict) else {}

    @property
    def name(self) -> str:
        return str(self.event.get("event") or "?")

    @property
    def callid(self) -> str:
        """Sinch's events spell it `callid`; the contract and some tools `callId`."""
        value = self.event.get("callid") or self.event.get("callId")
        return value if isinstance(value, str) else ""

    @property
    def rejected(self) -> bool:
        return self.verified is False or self.status >= 400

    def record(self) -> dict:
        """The journal line (and the `-o json` line): everything but the signature itself."""
        from sinchvoice.signing import utc_timestamp

        headers = {name: redact(name, value) for name, value in sorted(self.headers.items())}
        record = {
            "time": utc_timestamp(self.received_at),
            "request": {"method": self.method, "path": self.path, "headers": headers, "body": decode(self.body)},
            "verification": {"scheme": self.auth, "verified": self.verified, "reason": self.reason},
            "reply": {"status": self.status, "body": decode(self.reply)},
        }
        if self.forwarded is not None:
            record["forwarded"] = self.forwarded
        return record

    def line(self) -> str:
        """One line for people: time, event, call id, key fields, verdict, reply (control characters escaped)."""
        when = self.received_at.astimezone().strftime("%H:%M:%S")
        if self.status in (404, 405, 413):
            return printable(f"{when}  {self.method} {self.path}  -> {self.status} ({self.problem})")
        parts = [when, f"{self.name:<6}", self.callid or "-", key_fields(self.event)]
        return printable("  ".join(part for part in parts if part) + f"  {self._verdict()} -> {self._answer()}")

    def _verdict(self) -> str:
        if self.verified is None:
            return "unverified" if self.reason else "not checked"
        if not self.verified:
            return f"REJECTED ({self.reason})"
        return "verified (basic)" if self.auth == "basic" else "verified"

    def _answer(self) -> str:
        if self.forwarded is not None:
            got = self.forwarded.get("status") or self.forwarded.get("error")
            answer = f"forwarded to {self.forwarded['url']}: {got}"
            return answer + (f" {reply_summary(decode(self.reply))}" if self.forwarded.get("status") else "")
        if self.status >= 400 and self.verified is not False and self.problem:
            return f"{self.status} ({self.problem})"
        if self.status >= 400:
            return str(self.status)
        return f"{self.status} {reply_summary(decode(self.reply))}"
