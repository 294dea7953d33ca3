"""Injected faults: answer a status, delay, or drop the connection for the next N requests matching a rule."""

from __future__ import annotations

import itertools
import threading
from fnmatch import fnmatchcase

from sinchvoice.sandbox.problems import invalid

FIELDS = {"method", "path", "status", "retryAfter", "count", "delay", "drop"}


def validate(rule) -> dict:
    if not isinstance(rule, dict):
        raise invalid("a fault rule is a JSON object")
    unknown = set(rule) - FIELDS
    if unknown:
        raise invalid(f"unknown fault fields: {', '.join(sorted(unknown))}")
    status, delay, drop = rule.get("status"), rule.get("delay"), rule.get("drop", False)
    if status is None and delay is None and not drop:
        raise invalid("a fault needs status, delay or drop")
    if status is not None and (type(status) is not int or not 400 <= status <= 599):
        raise invalid("status must be an integer between 400 and 599")
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
    retry_after = rule.get("retryAfter")
    if retry_after is not None and (isinstance(retry_after, bool) or not isinstance(retry_after, (int, float, str))
                                    or isinstance(retry_after, (int, float)) and not 0 <= retry_after <= 86400):
        raise invalid("retryAfter must be a number of seconds between 0 and 86400 (or an HTTP date)")
    return {
        "method": rule.get("method", "*").upper(),
        "path": rule.get("path", "*"),
        "status": status,
        "retryAfter": rule.get("retryAfter"),
        "count": count,
        "delay": delay,
        "drop": bool(drop),
    }


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
