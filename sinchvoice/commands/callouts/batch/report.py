"""The batch's results: one per row in file order (the input read again, each row's outcome from the journal),
the summary line, and the exit code by the batch rule (worst failure wins; 7 when any outcome is unknown)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sinchvoice.commands.callouts.batch.journal import FAILED, MAYBE_SENT, PLACED, UNKNOWN
from sinchvoice.commands.callouts.batch.plan import count, some
from sinchvoice.errors import as_json

COLUMNS = ["line", "to", "call id", "outcome"]
WAIT_COLUMNS = ["result", "reason", "duration", "debit"]
CSV_COLUMNS = ["line", "to", "callId", "outcome"]
CSV_WAIT_COLUMNS = ["result", "reason", "duration", "debit", "currency"]
RESULT_WORDS = {"ANSWERED": "answered", "BUSY": "busy", "NOANSWER": "no answer", "FAILED": "failed to connect"}
MAYBE_PLACED = "the run stopped after this request was sent: the call may have been placed"
OUTCOMES = ("placed", "failed", "unknown", "pending", "invalid", "duplicate")


@dataclass
class Tally:
    rows: int = 0
    outcomes: Counter = field(default_factory=Counter)
    results: Counter = field(default_factory=Counter)
    in_progress: int = 0
    unfollowed: int = 0  # placed, but following the call failed
    debit: dict = field(default_factory=dict)  # currency -> amount
    codes: list = field(default_factory=list)  # the exit code of each row that did not succeed
    lines: dict = field(default_factory=dict)  # outcome -> its first few lines, for hints

    def add(self, item: dict, code: int) -> None:
        self.rows += 1
        self.outcomes[item["outcome"]] += 1
        if code == 7 and item["outcome"] == "placed":
            self.unfollowed += 1
        if code:
            self.codes.append(code)
            shown = self.lines.setdefault(item["outcome"], [])
            if len(shown) <= 5:
                shown.append(item["line"])
        if "result" in item:
            if item["result"]:
                self.results[item["result"]] += 1
            elif item["outcome"] == "placed" and not item["error"]:
                self.in_progress += 1
            debit = item.get("debit") or {}
            if isinstance(debit.get("amount"), (int, float)) and debit.get("currencyId"):
                self.debit[debit["currencyId"]] = self.debit.get(debit["currencyId"], 0.0) + debit["amount"]


def results(reader, plan, ledger, journal, wait: bool, tally: Tally | None = None):
    """Each row's result as a dict (the JSON output), in file order; `tally` counts them as they go by."""
    for row in reader:
        item, code = _result(row, plan, ledger, journal, wait)
        if tally is not None:
            tally.add(item, code)
        yield item


def _result(row, plan, ledger, journal, wait: bool) -> tuple[dict, int]:
    item = {"line": row.line, "to": _shown_to(row.values), "callId": None, "outcome": "pending"}
    if wait:
        item.update(result=None, reason=None, duration=None, debit=None)
    item["error"], code = None, 0
    status = ledger.status[row.index]
    if row.index in plan.skipped:
        kind, _, message = plan.skipped[row.index]
        item["outcome"], item["error"] = kind, as_json(message)
    elif status in (PLACED, FAILED, UNKNOWN):
        record = journal.record_at(ledger.outcome_at[row.index])
        item["outcome"] = record["event"]
        item["callId"] = record.get("callId")
        item["error"] = record.get("error")
        code = record.get("exitCode", 0) if status == FAILED else 7 if status == UNKNOWN else 0
        if wait and status == PLACED:
            code = _with_result(item, journal, ledger.result_at[row.index])
    elif status == MAYBE_SENT:
        item["outcome"], item["error"], code = "unknown", as_json(MAYBE_PLACED), 7
    return item, code


def _with_result(item: dict, journal, offset: int) -> int:
    if offset < 0:
        return 6  # still going when the waiting stopped
    record = journal.record_at(offset)
    if record.get("error"):
        item["error"] = record["error"]
        return int(record.get("exitCode", 7))
    item.update({key: record.get(key) for key in ("result", "reason", "duration", "debit")})
    return 0 if record.get("result") == "ANSWERED" else 5


def _shown_to(values: dict | None) -> str:
    from sinchvoice.destinations import describe_destination, parse_destination
    from sinchvoice.errors import UsageError

    raw = (values or {}).get("to", "")
    try:
        return describe_destination(parse_destination(raw, "to"))
    except UsageError:
        return raw


def show(out, items, wait: bool) -> None:
    """Every row's result: table, JSON array, csv, or (-q) the call ids of the placed rows; streamed."""
    if out.mode == "json":
        out.json_array(items())
    elif out.quiet:
        out.ids(item["callId"] for item in items() if item["outcome"] == "placed")
    elif out.mode == "csv":
        out.csv(CSV_COLUMNS + (CSV_WAIT_COLUMNS if wait else []) + ["error"], (_csv(i, wait) for i in items()))
    else:
        from sinchvoice.drawing import Fit

        out.long_table(COLUMNS + (WAIT_COLUMNS if wait else []) + ["error"], lambda: (_row(i, wait) for i in items()),
                       fit=Fit(whole=("call id",), drop=("debit", "duration", "reason", "line")))


def _message(item: dict) -> str | None:
    return item["error"]["message"] if item["error"] else None


def _row(item: dict, wait: bool) -> list:
    from sinchvoice.text import minutes

    row = [item["line"], item["to"], item["callId"], item["outcome"]]
    if wait:
        row += [item["result"], item["reason"], minutes(item["duration"]), _money(item["debit"])]
    return row + [_message(item)]


def _money(debit) -> str:
    """`EUR 0.0250`, as `calls get` shows a debit."""
    if not isinstance(debit, dict) or not isinstance(debit.get("amount"), (int, float)):
        return ""
    return f"{debit.get('currencyId') or ''} {debit['amount']:.4f}".strip()


def _csv(item: dict, wait: bool) -> list:
    row = [item["line"], item["to"], item["callId"], item["outcome"]]
    if wait:
        debit = item["debit"] or {}
        row += [item["result"], item["reason"], item["duration"], debit.get("amount"), debit.get("currencyId")]
    return row + [_message(item)]


def summary(tally: Tally, placed_now: int, wait: bool) -> str:
    """`1,000 rows: 998 placed, 2 failed; 950 answered, 20 busy, 28 no answer; EUR 12.40`."""
    outcomes = tally.outcomes
    parts = [f"{outcomes['placed']:,} placed" + (f" ({placed_now:,} in this run)"
                                                 if placed_now < outcomes["placed"] else "")]
    parts += [f"{outcomes[name]:,} {name}" for name in ("failed", "unknown") if outcomes[name]]
    if outcomes["pending"]:
        parts.append(f"{outcomes['pending']:,} not sent")
    skipped = outcomes["invalid"] + outcomes["duplicate"]
    if skipped:
        kinds = [f"{outcomes[k]:,} {k}" for k in ("invalid", "duplicate") if outcomes[k]]
        parts.append(f"{skipped:,} skipped ({', '.join(kinds)})")
    text = f"{count(tally.rows, 'row')}: {', '.join(parts)}"
    if wait and (tally.results or tally.in_progress):
        ends = [f"{n:,} {RESULT_WORDS.get(result, result.lower())}" for result, n in tally.results.most_common()]
        ends += [f"{tally.in_progress:,} still in progress"] if tally.in_progress else []
        text += "; " + ", ".join(ends)
    if tally.debit:
        text += "; " + ", ".join(f"{currency} {amount:.2f}" for currency, amount in sorted(tally.debit.items()))
    return text


def failures(tally: Tally) -> str:
    """What did not succeed, by kind: `2 failed, 1 unknown, 1 busy, 3 still in progress`."""
    parts = [f"{tally.outcomes[name]:,} {name}" for name in ("failed", "unknown") if tally.outcomes[name]]
    parts += [f"{n:,} {RESULT_WORDS.get(result, result.lower())}" for result, n in tally.results.most_common()
              if result != "ANSWERED"]
    parts += [f"{tally.in_progress:,} still in progress"] if tally.in_progress else []
    parts += [f"{tally.unfollowed:,} could not be followed"] if tally.unfollowed else []
    return ", ".join(parts)


def lines_of(tally: Tally, outcome: str) -> str:
    return some(tally.lines.get(outcome, []))
