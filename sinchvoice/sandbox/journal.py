"""The journal of received API requests: bounded, and always writable back as strict JSON."""

from __future__ import annotations

import json
import threading
from collections import deque

from sinchvoice.sandbox.auth import redact
from sinchvoice.sandbox.validation import loads_strict

MAX_ENTRIES = 10_000
MAX_BODY_CHARS = 16 * 1024  # keeps a 500-number assignment whole; longer bodies are cut
MAX_TOTAL_CHARS = 64 * 1024 * 1024  # bodies and responses of all entries together: the oldest go first


def iso_now() -> str:
    """The wall clock as ISO 8601 UTC, to the microsecond (benchmarks measure rates from it)."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def render(payload) -> bytes:
    """JSON as starlette writes it, but never a 500: a string no UTF-8 encoder takes is escaped instead."""
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, allow_nan=False, separators=(",", ":")).encode("ascii")


def _kept(data: bytes | None) -> tuple[str | None, int, bool]:
    """(the first MAX_BODY_CHARS of it as text, its size in bytes, whether it is whole and strict JSON)."""
    if not data:
        return None, 0, False
    is_json = False
    if len(data) <= MAX_BODY_CHARS:
        try:
            loads_strict(data)
            is_json = True
        except ValueError:
            pass
    return data[:MAX_BODY_CHARS].decode("utf-8", "replace"), len(data), is_json


def _decode(text: str | None, is_json: bool):
    return json.loads(text) if is_json else text


class Journal:
    """Entries hold bodies as (cut) text and become JSON only when read: what a client sent (`1e999`,
    lone surrogates, garbage) can never make the journal unreadable, and memory stays bounded."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_total_chars: int = MAX_TOTAL_CHARS):
        self._entries: deque = deque()
        self._lock = threading.Lock()
        self.max_entries, self.max_total_chars = max_entries, max_total_chars
        self._chars = 0
        self.dropped = 0

    def record(self, request: dict, status: int, scheme: str | None, fault: str | None, response: bytes | None):
        """One answered request; the Authorization header keeps only its scheme and key."""
        headers = dict(request["headers"])
        if "authorization" in headers:
            headers["authorization"] = redact(headers["authorization"])
        entry = {"received": request.get("received") or iso_now(), "time": iso_now(), "method": request["method"],
                 "path": request["path"], "query": request["query"], "headers": headers, "status": status,
                 "auth": scheme, "fault": fault}
        self.add(entry, request["body"], response)

    def add(self, entry: dict, body: bytes, response: bytes | None) -> None:
        entry["body"], entry["bodySize"], entry["bodyJson"] = _kept(body)
        entry["response"], entry["responseSize"], entry["responseJson"] = _kept(response)
        size = len(entry["body"] or "") + len(entry["response"] or "")
        with self._lock:
            self._entries.append((entry, size))
            self._chars += size
            while len(self._entries) > self.max_entries or self._chars > self.max_total_chars:
                _, gone = self._entries.popleft()
                self._chars -= gone
                self.dropped += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._chars = self.dropped = 0

    def entries(self) -> list[dict]:
        with self._lock:
            kept = [entry for entry, _ in self._entries]
        return [_readable(entry) for entry in kept]

    def report(self) -> dict:
        requests = self.entries()
        return {
            "requests": requests,
            "journal": {
                "kept": len(requests),
                "dropped": self.dropped,
                "maxEntries": self.max_entries,
                "maxBodyBytes": MAX_BODY_CHARS,
                "note": f"the last {self.max_entries} requests; bodies and responses over {MAX_BODY_CHARS} bytes "
                        "are cut (bodyTruncated/responseTruncated)",
            },
        }


def _readable(entry: dict) -> dict:
    out = {k: v for k, v in entry.items() if k not in ("bodyJson", "responseJson")}
    out["body"] = _decode(entry["body"], entry["bodyJson"])
    out["response"] = _decode(entry["response"], entry["responseJson"])
    out["bodyTruncated"] = entry["bodySize"] > MAX_BODY_CHARS
    out["responseTruncated"] = entry["responseSize"] > MAX_BODY_CHARS
    return out
