"""The first pass: every row checked before anything is sent; what will be skipped, and what the rest looks like."""

from __future__ import annotations

from dataclasses import dataclass, field

from sinchvoice.commands.callouts.batch.shape import Shape
from sinchvoice.commands.callouts.batch.source import Reader
from sinchvoice.errors import SinchVoiceError, UsageError

SHOWN_LINES = 5  # line numbers named in a message before "…"
INVALID, DUPLICATE = "invalid", "duplicate"


@dataclass
class Plan:
    rows: int = 0
    skipped: dict = field(default_factory=dict)  # row index -> (INVALID|DUPLICATE, line, message)
    caller_ids: set = field(default_factory=set)  # at most a few, for the question
    conferences: set = field(default_factory=set)

    @property
    def sendable(self) -> int:
        return self.rows - len(self.skipped)

    def lines(self, kind: str) -> list[int]:
        return [line for what, line, _ in self.skipped.values() if what == kind]


def check_rows(reader: Reader, shape: Shape, skip_invalid: bool) -> Plan:
    """Read every row once. A bad row is exit 2 naming its line (nothing is sent), unless `skip_invalid`."""
    plan, seen, first_error = Plan(), {}, None
    for row in reader:
        plan.rows += 1
        try:
            if row.problem is not None:
                raise UsageError(row.problem, hint="fix the row, or leave it out")
            key, body = shape.build(row.values)
        except SinchVoiceError as error:
            plan.skipped[row.index] = (INVALID, row.line, error.message)
            first_error = first_error or (row.line, error)
            continue
        if key in seen and not shape.allow_duplicates:
            plan.skipped[row.index] = (DUPLICATE, row.line, f"same destination as line {seen[key]}")
            continue
        seen.setdefault(key, row.line)
        fields = body[shape.method]
        if len(plan.caller_ids) < 3:
            plan.caller_ids.add(fields["cli"])
        if "conferenceId" in fields and len(plan.conferences) < 3:
            plan.conferences.add(fields["conferenceId"])
    if first_error and not skip_invalid:
        line, error = first_error
        others = [n for n in plan.lines(INVALID) if n != line]
        more = f"; {count(len(others), 'more bad row')} ({some(others)})" if others else ""
        raise UsageError(f"line {line}: {error.message}", hint=f"{error.hint or 'fix the row'}{more}; nothing was "
                                                                "sent (--skip-invalid places the good rows)")
    return plan


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def some(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:SHOWN_LINES])
    return f"lines {shown}{', …' if len(lines) > SHOWN_LINES else ''}" if len(lines) > 1 else f"line {shown}"
