"""The listener's logic, free of any server: check a callback, pick or fetch its reply, journal and report it."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from typing import Callable, TextIO

from sinchvoice.listener.events import SVAML_EVENTS
from sinchvoice.listener.exchange import Exchange, decode
from sinchvoice.listener.forward import Forwarder
from sinchvoice.listener.replay import Replays
from sinchvoice.signing import check_basic, parse_timestamp, verify


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Listener:
    """Answers each callback; `report` sees every exchange once, in order, under a lock (output and journal)."""

    def __init__(self, *, path: str = "/", key: str | None = None, secret: str | None = None, verify: bool = True,
                 replies: dict[str, dict] | None = None, journal: TextIO | None = None,
                 forward_to: str | None = None, timeout: float = 10.0, allow_replay: bool = False,
                 report: Callable[[Exchange], None] | None = None, now: Callable[[], datetime] = _now):
        if verify and not (key and secret):
            raise ValueError("verifying needs the application key and secret")
        if forward_to and not verify:
            raise ValueError("forwarding signs events as genuine: it needs them verified")
        self.path, self.key, self.secret, self.verify = path, key, secret, verify
        self.replays = None if allow_replay else Replays()
        self.replies = dict(replies or {})
        self.journal, self.forward_to = journal, forward_to
        self.forwarder = Forwarder(forward_to, key, secret, timeout) if forward_to else None
        self.report, self.now = report, now
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes, raw_path: str = "", *,
               oversize: bool = False) -> Exchange:
        """Decide, journal and report one request; `oversize`: its body was over the limit and not read."""
        exchange = Exchange(self.now(), method.upper(), path, {k.lower(): v for k, v in headers.items()}, body)
        if oversize:
            self._refuse(exchange, 413, "the body is over 1 MiB; callbacks are small")
        else:
            self._process(exchange, raw_path or path)
        with self._lock:
            if self.journal is not None:
                self.journal.write(json.dumps(exchange.record(), ensure_ascii=False, separators=(",", ":")) + "\n")
                self.journal.flush()
            if self.report is not None:
                self.report(exchange)
        return exchange

    def close(self) -> None:
        if self.forwarder is not None:
            self.forwarder.close()

    def _process(self, exchange: Exchange, raw_path: str) -> None:
        if not self._serves(exchange.path):
            return self._refuse(exchange, 404, f"not under --path {self.path}")
        if exchange.method != "POST":
            return self._refuse(exchange, 405, "callbacks are POSTed")
        exchange.auth = exchange.headers.get("authorization", "").strip().partition(" ")[0].lower() or "none"
        if self.verify and not self._verified(exchange, raw_path):
            return self._refuse(exchange, 401, f"Invalid signature: {exchange.reason}")
        if self.verify and exchange.auth == "application" and (first := self._replayed(exchange)):
            return self._refuse(exchange, 409, "replayed: this signature and x-timestamp were already received "
                                               f"at {first.astimezone():%H:%M:%S}")
        if not self.verify:
            exchange.reason = "not verified (--no-verify)"
        if not exchange.event.get("event"):
            return self._refuse(exchange, 400, "the body is not a JSON callback event")
        if self.forwarder is not None:
            self.forwarder.forward(exchange, self.now())
            return self._check_forwarded_reply(exchange)
        reply = self.replies.get(exchange.name) if exchange.name in SVAML_EVENTS else None
        if reply is not None:
            exchange.reply, exchange.reply_type = json.dumps(reply).encode(), "application/json"

    def _serves(self, path: str) -> bool:
        # The path and everything under it: custom callouts may use one URL per event (/cb/ice, /cb/ace).
        base = self.path.rstrip("/")
        return path == self.path or path == base or path.startswith(base + "/")

    @staticmethod
    def _refuse(exchange: Exchange, status: int, problem: str) -> None:
        exchange.status, exchange.problem = status, problem
        exchange.reply, exchange.reply_type = json.dumps({"message": problem}).encode(), "application/json"

    def _verified(self, exchange: Exchange, raw_path: str) -> bool:
        headers = exchange.headers
        if exchange.auth == "basic":
            result = check_basic(headers.get("authorization"), key=self.key, secret=self.secret)
        else:
            common = dict(key=self.key, secret=self.secret, method=exchange.method, body=exchange.body,
                          content_type=headers.get("content-type", ""), timestamp=headers.get("x-timestamp"),
                          now=self.now())
            result = verify(headers.get("authorization"), path=exchange.path, **common)
            if not result.ok and result.reason == "signature does not match" and raw_path != exchange.path:
                result = verify(headers.get("authorization"), path=raw_path, **common)  # signed percent-encoded
        exchange.verified, exchange.reason = result.ok, result.reason
        return result.ok

    def _replayed(self, exchange: Exchange) -> datetime | None:
        """When this signed callback was first received, if it was (a verified one: its x-timestamp parses)."""
        if self.replays is None:
            return None
        stamp = exchange.headers["x-timestamp"]
        key = exchange.headers["authorization"].strip() + " " + stamp
        return self.replays.first_seen(key, parse_timestamp(stamp), exchange.received_at)

    @staticmethod
    def _check_forwarded_reply(exchange: Exchange) -> None:
        """Your handler's SVAML gets the same check as --reply, so a typo shows here, not as a dropped call."""
        from sinchvoice import svaml
        from sinchvoice.errors import UsageError

        if exchange.name not in SVAML_EVENTS or not exchange.reply or exchange.status >= 300:
            return
        try:
            svaml.check(decode(exchange.reply), what=f"the {exchange.name} reply", warn=exchange.warnings.append)
        except UsageError as problem:
            exchange.warnings.append(problem.message)
