"""One callback as the listener saw it: the request, the verdict on its signature, and the reply given."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sinchvoice.listener.events import key_fields, reply_summary


def decode(body: bytes):
    """The body as JSON when it is JSON, else as text (None when empty), for journals and displays."""
    if not body:
        return None
    text = body.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


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

    @property
    def event(self) -> dict:
        parsed = decode(self.body)
        return parsed if isinstance(parsed, dict) else {}

    @property
    def name(self) -> str:
        return str(self.event.get("event") or "?")

    @property
    def callid(self) -> str:
        return str(self.event.get("callid") or "")

    @property
    def rejected(self) -> bool:
        return self.verified is False or self.status >= 400

    def record(self) -> dict:
        """The journal line (and the `-o json` line): everything but the signature itself."""
        from sinchvoice.signing import utc_timestamp
        from sinchvoice.transport import redact_authorization

        headers = {name: redact_authorization(value) if name == "authorization" else value
                   for name, value in sorted(self.headers.items())}
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
        """One line for people: time, event, call id, key fields, verdict, reply."""
        when = self.received_at.astimezone().strftime("%H:%M:%S")
        if self.status in (404, 405):
            return f"{when}  {self.method} {self.path}  -> {self.status} ({self.problem})"
        parts = [when, f"{self.name:<6}", self.callid or "-", key_fields(self.event)]
        return "  ".join(part for part in parts if part) + f"  {self._verdict()} -> {self._answer()}"

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
