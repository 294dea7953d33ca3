"""Helpers for the `callouts batch` tests: input files, the journal's records, what the sandbox received."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

FROM = "+46700000100"
CALLOUTS = "/calling/v1/callouts"
FAST = ("--rate", "1000")  # the tests check pacing on their own; elsewhere the default 5/s would only slow them


def batch(cli, sandbox, *args, env=None, **kwargs):
    return cli("callouts", "batch", *args, env={**sandbox.env(), "SINCHVOICE_FROM": FROM, **(env or {})}, **kwargs)


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def numbers(count: int, start: int = 0) -> list[str]:
    """Destinations that answer: none ends like the sandbox's reserved 0001-0004 (busy, no answer, ...)."""
    return [f"+4670{n:06d}9" for n in range(start, start + count)]


def people(folder: Path, count: int, name: str = "people.csv", start: int = 0) -> str:
    rows = "".join(f"{to},P{n}\n" for n, to in enumerate(numbers(count, start), start=start))
    return write(folder, name, "to,name\n" + rows)


def journal(path) -> list[dict]:
    path = Path(path)
    return [json.loads(line) for line in path.read_text().splitlines()]


def events(path) -> list[tuple]:
    """(event, row) of every record, the batch header and run records as (event,)."""
    return [(r["event"], r["row"]) if "row" in r else (r["event"],) for r in journal(path)]


def posted(sandbox, status: int | None = None) -> list[dict]:
    """The callout bodies the sandbox received (answered with `status`, if given), in arrival order."""
    return [r["body"] for r in sandbox.requests()
            if r["method"] == "POST" and r["path"] == CALLOUTS and (status is None or r["status"] == status)]


def call_ids(sandbox) -> dict:
    """destination -> call id, from the sandbox's state (the live layout keeps `to` as {type, endpoint})."""
    return {(call["to"]["endpoint"] if isinstance(call["to"], dict) else call["to"]): call["callId"]
            for call in sandbox.state()["calls"]}


def per_destination(sandbox, status: int = 200) -> Counter:
    found = Counter()
    for body in posted(sandbox, status):
        method = body["method"]
        found[body[method]["destination"]["endpoint"]] += 1
    return found


def wait_for(condition, what: str, timeout: float = 60.0):
    """Poll a condition (a journal line, a request at the sandbox) until it holds; never a guess of time."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def count_events(path, event: str) -> int:
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return 0
    return sum(1 for line in text.splitlines() if line.endswith("}") and f'"event":"{event}"' in line)
