"""On-call escalation (`callouts tts --to A --to B ... --until-answered`): one callout at a time, each followed to its
end, stopping at the first that answers.

stdout: the answered call as `--wait` prints it; when nobody answered or the walk stopped, every attempt's result
(table, json array, csv; -q the call ids), so each placed call's id reaches stdout. stderr: one line per attempt.
A callout is never retried, and the next person is never rung while the previous call's outcome is unknown (7), the
previous call is still going (6, 130), or an error would refuse everyone alike (credentials, credit, connection).
"""

from __future__ import annotations

from dataclasses import dataclass

from sinchvoice.errors import (
    ExitCode,
    OutcomeUnknown,
    SinchVoiceError,
    StoppedFollowing,
    TemporaryError,
    UsageError,
    WaitTimeout,
    as_json,
    worst_exit_code,
)

COLUMNS = ("to", "call id", "result", "reason", "duration", "error")
CSV_COLUMNS = ("to", "callId", "status", "result", "reason", "duration", "error")
EVERYONE_ALIKE = (401, 402)  # bad credentials, no credit: the next callout would be refused the same way


@dataclass
class Attempt:
    to: str
    call_id: str | None = None
    info: dict | None = None  # the call's last known status
    error: SinchVoiceError | None = None

    @property
    def answered(self) -> bool:
        return self.error is None and (self.info or {}).get("result") == "ANSWERED"

    def code(self) -> int:
        return int(self.error.exit_code) if self.error is not None else int(ExitCode.NOT_ANSWERED)

    def record(self) -> dict:
        info = self.info or {}
        return {"to": self.to, "callId": self.call_id, "status": info.get("status"), "result": info.get("result"),
                "reason": info.get("reason"), "duration": info.get("duration"),
                "error": None if self.error is None else as_json(self.error.message, self.error.details)}

    def outcome(self) -> str:
        """For the attempt's line on stderr: BUSY, ANSWERED, still ringing, refused: ..., outcome unknown: ..."""
        from sinchvoice import callstatus
        from sinchvoice.text import minutes

        if self.error is not None and self.call_id is None:
            kind = "outcome unknown" if isinstance(self.error, OutcomeUnknown) else "refused"
            return f"{kind}: {self.error.message}"
        info = self.info or {}
        if info.get("status") == callstatus.FINAL:
            reason = info.get("reason")
            why = f" ({reason})" if reason not in (None, "", "N/A") else ""
            after = f" after {minutes(info.get('duration') or 0)}" if self.answered else ""
            return f"{info.get('result')}{why}{after}"
        return f"still going ({callstatus.state(info)})" if info else "placed; its status is unknown"


class Stop(Exception):
    """The walk ends before its last destination; `error` is why (its exit code is the command's)."""

    def __init__(self, error: SinchVoiceError):
        super().__init__(error.message)
        self.error = error


def walk(app_ctx, destinations: list[dict], body: dict, wait_timeout: float) -> None:
    """Call each destination in turn with the ttsCallout BODY (its other fields) until one answers."""
    from sinchvoice.destinations import describe_destination

    client = app_ctx.client()  # missing credentials or a bad --base-url: said before anyone is called
    if app_ctx.settings.dry_run:
        return _dry_run(app_ctx, client, destinations, body)
    if app_ctx.env.stdout_closed:
        raise UsageError("standard output is closed: who answered could not be told",
                         hint="run it with stdout open (redirect it to a file to keep the result)")
    attempts: list[Attempt] = []
    try:
        for destination in destinations:
            attempts.append(Attempt(describe_destination(destination)))
            _call(app_ctx, client, attempts, len(destinations), {**body, "destination": destination}, wait_timeout)
            if attempts[-1].answered:
                from sinchvoice.callstatus import show

                show(app_ctx.out, attempts[-1].info)
                return
    except KeyboardInterrupt:  # before a callout left (the transport says 7 once it has), or between attempts
        if attempts and attempts[-1].call_id is None and attempts[-1].error is None:
            attempts.pop()  # that callout was never sent
        _end(app_ctx, attempts, destinations, _interrupted())
    except Stop as stop:
        _end(app_ctx, attempts, destinations, stop.error)
    _end(app_ctx, attempts, destinations, None)


def _call(app_ctx, client, attempts: list[Attempt], total: int, body: dict, wait_timeout: float) -> None:
    """One attempt: place the callout (never retried), then follow it to its end. Raises Stop to end the walk."""
    from sinchvoice.client import call_id_of

    attempt, number = attempts[-1], f"{len(attempts)} of {total}"
    try:
        attempt.call_id = call_id_of(client.create_callout({"method": "ttsCallout", "ttsCallout": body}))
    except UsageError:  # checked before sending (the layout has no such field): the same for every callout
        raise
    except SinchVoiceError as error:
        attempt.error = error
        _line(app_ctx, number, attempt)
        if _stops_everyone(error):
            raise Stop(error) from None
        return
    app_ctx.remember("calls", attempt.call_id)
    try:
        _follow(app_ctx, client, attempt, wait_timeout)
    finally:
        _line(app_ctx, number, attempt)


def _stops_everyone(error: SinchVoiceError) -> bool:
    """Whether the walk ends here: the outcome is unknown, or every other callout would fail the same way."""
    return isinstance(error, (OutcomeUnknown, TemporaryError)) or \
        error.details.get("httpStatus") in EVERYONE_ALIKE


def _follow(app_ctx, client, attempt: Attempt, wait_timeout: float) -> None:
    """callouts --wait's following (poll to FINAL, live status line on a terminal); Stop if it cannot finish."""
    from sinchvoice import callstatus
    from sinchvoice.environment import isatty

    stderr, call_id = app_ctx.env.stderr, attempt.call_id
    line = callstatus.StatusLine(stderr, isatty(stderr) and not app_ctx.settings.quiet)
    try:
        attempt.info = callstatus.follow(client, call_id, app_ctx.env.sleep, timeout=wait_timeout,
                                         on_update=lambda info: line.update(
                                             f"Call {call_id} ({attempt.to}): {callstatus.progress(info)}"))
    except (WaitTimeout, StoppedFollowing) as stop:
        attempt.info, attempt.error = stop.last, stop
        raise Stop(stop) from None
    except SinchVoiceError as error:  # placed, but following it failed: whether it was answered is unknown
        attempt.info = getattr(error, "last", None)
        attempt.error = OutcomeUnknown(f"call {call_id} was placed, but following it failed: {error.message}",
                                       hint=f"see how it went with `sinchvoice calls get {call_id}`",
                                       **error.details)
        raise Stop(attempt.error) from None
    finally:
        line.close()


def _line(app_ctx, number: str, attempt: Attempt) -> None:
    call = f" (call {attempt.call_id})" if attempt.call_id else ""
    app_ctx.out.note(f"attempt {number}: {attempt.to}: {attempt.outcome()}{call}")


def _interrupted() -> SinchVoiceError:
    return StoppedFollowing("interrupted", hint="every attempt's result is on stdout")


def _end(app_ctx, attempts: list[Attempt], destinations: list[dict], stopped: SinchVoiceError | None) -> None:
    """Nobody answered, or the walk stopped: every attempt's result on stdout, then the closing error."""
    _show(app_ctx.out, attempts)
    left = len(destinations) - len(attempts)
    not_called = f"; {left} not called" if left else ""
    if stopped is not None:  # its own class and exit code; the message says who was not called
        stopped.message += not_called
        raise stopped
    raise NobodyAnswered(attempts)


class NobodyAnswered(SinchVoiceError):
    """The walk's end when no attempt was answered: exit 5, or the worst refusal among them (the batch rule)."""

    def __init__(self, attempts: list[Attempt]):
        self.codes = [a.code() for a in attempts]
        outcomes = ", ".join(f"{a.to} {a.info.get('result') if a.error is None and a.info else 'refused'}"
                             for a in attempts)
        super().__init__(f"nobody answered: {outcomes}", hint="every attempt's result is on stdout")

    @property
    def exit_code(self) -> int:
        return worst_exit_code(self.codes)


def _show(out, attempts: list[Attempt]) -> None:
    from sinchvoice.text import minutes

    records = [a.record() for a in attempts]
    rows = [[r["to"], r["callId"], r["result"], r["reason"], minutes(r["duration"]), (r["error"] or {}).get("message")]
            for r in records]
    csv_rows = [[*[r[c] for c in CSV_COLUMNS[:-1]], (r["error"] or {}).get("message")] for r in records]
    out.render(records, columns=COLUMNS, rows=rows, ids=[r["callId"] for r in records if r["callId"]],
               csv_columns=CSV_COLUMNS, csv_rows=csv_rows)


def _dry_run(app_ctx, client, destinations: list[dict], body: dict) -> None:
    for destination in destinations:
        client.create_callout({"method": "ttsCallout", "ttsCallout": {**body, "destination": destination}})
    app_ctx.out.note(f"dry run: {len(destinations)} callouts shown, none sent; a real run places them one at a "
                     "time, follows each to its end and stops at the first that answers")

