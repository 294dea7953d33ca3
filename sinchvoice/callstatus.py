"""A call's status: fetch it, render it (panel, csv, ids, JSON lines), and follow it until it ends."""

from __future__ import annotations

from typing import Any, Callable, TextIO

from sinchvoice.errors import (
    CallNotAnswered,
    NotFoundError,
    OutcomeUnknown,
    SinchVoiceError,
    StoppedFollowing,
    UsageError,
    WaitTimeout,
    reworded,
)
from sinchvoice.text import cell, escape, minutes

FINAL = "FINAL"
POLL_FIRST = 0.5
POLL_MAX = 2.0
DEFAULT_WAIT_TIMEOUT = 120.0
CSV_COLUMNS = ("callId", "from", "to", "status", "result", "reason", "duration", "started", "rate", "debit",
               "currency")
# result -> (what happened, as a sentence; what to do)
NOT_ANSWERED = {
    "BUSY": ("the line was busy", "try again later, or call someone else"),
    "NOANSWER": ("nobody picked up", "try again later"),
    "FAILED": ("the call could not be connected", "check the number and the caller ID"),
}


def check_call_id(call_id: str) -> str:
    from sinchvoice.inputs import check_identifier

    hint = "callouts print it; e.g. CALL=$(sinchvoice callouts tts ... -q)"
    # Only the blanks a shell or a file leaves around an id: str.strip() would also eat \x85 and \x1c-\x1f.
    return check_identifier(call_id.strip(" \t\r\n"), "the call id", hint=hint)


def fetch(client, call_id: str) -> dict | None:
    """getCall, with a 404 that names the call; None in --dry-run."""
    try:
        return client.get_call(call_id)
    except NotFoundError as error:  # the status and error code stay in the details (-o json's error object)
        raise reworded(error, f"call {call_id} not found") from None


def _price(price: Any, suffix: str = "") -> str:
    if not isinstance(price, dict) or price.get("amount") is None:
        return ""
    try:
        amount = f"{float(price['amount']):.4f}"
    except (TypeError, ValueError):
        amount = cell(price["amount"])
    return f"{cell(price.get('currencyId'))} {amount}{suffix}".strip()


def party(value: Any) -> Any:
    """A call's from/to as the user would type it: the platform sends {"type", "endpoint"}, the contract a string."""
    if isinstance(value, dict):
        from sinchvoice.destinations import describe_destination

        return describe_destination(value) if value.get("endpoint") not in (None, "") else None
    return value


def fields(info: dict) -> list[tuple[str, Any]]:
    """The status panel of cli.md "Output"."""
    return [("from", party(info.get("from"))), ("to", party(info.get("to"))), ("status", info.get("status")),
            ("result", info.get("result")), ("reason", info.get("reason")),
            ("duration", minutes(info.get("duration"))), ("started", local_time(info.get("timestamp"))),
            ("rate", _price(info.get("userRate"), "/min")), ("debit", _price(info.get("debit")))]


def watched_fields(info: dict, followed: float) -> list[tuple[str, Any]]:
    """The live panel: the status panel, and while the call rings, for how long it has been followed."""
    shown = fields(info)
    if progress(info) == "ringing":
        shown.insert(3, ("ringing", f"{minutes(followed)} so far"))
    return shown


def local_time(value: Any) -> Any:
    """An API time (ISO 8601, UTC) as people read it: the local wall clock with its zone; anything else as given."""
    from datetime import datetime

    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))  # 3.10 reads no Z
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def csv_row(info: dict) -> list[Any]:
    # Raw values for scripts: seconds, ISO time, bare amounts, one currency column.
    rate, debit = (value if isinstance(value, dict) else {} for value in (info.get("userRate"), info.get("debit")))
    return [info.get("callId"), party(info.get("from")), party(info.get("to")), info.get("status"), info.get("result"),
            info.get("reason"), info.get("duration"), info.get("timestamp"), rate.get("amount"),
            debit.get("amount"), debit.get("currencyId") or rate.get("currencyId")]


def show(out, info: dict) -> None:
    """The one rendering of a call: panel (table), csv row, JSON body, or the call id (-q)."""
    out.render(info, panel=fields(info), title=f"Call {cell(info.get('callId'))}", columns=CSV_COLUMNS,
               rows=[csv_row(info)], ids=[info.get("callId")])


def progress(info: dict) -> str:
    """One phrase for a status line: ringing, answered 0:04, ended ANSWERED/CALLERHANGUP after 0:12."""
    result, duration = info.get("result"), minutes(info.get("duration") or 0)
    if info.get("status") == FINAL:
        return f"ended {result}/{info.get('reason')} after {duration}"
    return "ringing" if result in (None, "", "N/A") else f"answered {duration}"


def state(info: dict) -> str:
    """What a call that is still going does, for messages: `ringing` or `answered, 1:58`."""
    result = info.get("result")
    return "ringing" if result in (None, "", "N/A") else f"answered, {minutes(info.get('duration') or 0)}"


def next_steps(call_id: str) -> str:
    return (f"follow it with `sinchvoice calls get {call_id} --watch`, "
            f"or end it with `sinchvoice calls hangup {call_id}`")


def change_key(info: dict) -> tuple:
    """What counts as a change for --watch lines: not the ticking duration or debit."""
    return info.get("status"), info.get("result"), info.get("reason")


def follow(client, call_id: str, sleep: Callable[[float], None], *, timeout: float | None = None,
           on_update: Callable[[dict], None] | None = None, until_joined: bool = False) -> dict | None:
    """Poll getCall with backoff (0.5 s doubling to 2 s) until FINAL (until_joined: or answered, for a
    conference call, which stays up for as long as the conference does).

    The timeout counts the seconds slept, not wall time, so a test's manual clock makes it exact.
    Giving up (WaitTimeout) and Ctrl-C (StoppedFollowing) both carry the last known state as `.last`.
    """
    waited, delay, info = 0.0, POLL_FIRST, None
    try:
        while True:
            info = fetch(client, call_id)
            if info is None:  # --dry-run: the GET was printed, there is nothing to follow
                return None
            if on_update is not None:
                on_update(info)
            if info.get("status") == FINAL or until_joined and info.get("result") == "ANSWERED":
                return info
            if timeout is not None and waited >= timeout:
                raise _stopped(WaitTimeout(f"gave up waiting after {timeout:g} s: call {call_id} is still in "
                                           f"progress ({state(info)})", hint=next_steps(call_id)), info)
            step = delay if timeout is None else min(delay, timeout - waited)
            sleep(step)
            waited += step
            delay = min(delay * 2, POLL_MAX)
    except KeyboardInterrupt:
        where = f"it is still in progress ({state(info)})" if info else "it may still be in progress"
        raise _stopped(StoppedFollowing(f"stopped following call {call_id}; {where}", hint=next_steps(call_id)),
                       info) from None
    except SinchVoiceError as error:  # a poll failed: what was known before still counts
        if not hasattr(error, "last"):
            _stopped(error, info)
        raise


def _stopped(error: SinchVoiceError, info: dict | None) -> SinchVoiceError:
    error.last = info
    return error


def require_answered(info: dict) -> None:
    """--wait's verdict on a final call: exit 0 if answered, 5 otherwise."""
    result = info.get("result")
    if result != "ANSWERED":
        said, hint = NOT_ANSWERED.get(result, (f"the call ended with reason {info.get('reason')}", None))
        raise CallNotAnswered(f"the call was not answered: {said} ({result})", hint=hint)


def check_wait_timeout(seconds: float) -> float:
    from sinchvoice.inputs import check_finite

    check_finite(seconds, "--wait-timeout", hint="e.g. --wait-timeout 60")  # nan would never be reached
    if not seconds > 0:
        raise UsageError(f"--wait-timeout {seconds:g} must be more than 0 seconds", hint="e.g. --wait-timeout 60")
    return seconds


class StatusLine:
    """A line on stderr rewritten in place while waiting; silent unless stderr is a terminal."""

    def __init__(self, stream: TextIO, enabled: bool):
        self.stream, self.enabled, self.shown = stream, enabled, False

    def update(self, text: str) -> None:
        if self.enabled:  # our own control sequence first; what the server said is only shown
            self.stream.write(f"\r\x1b[K{escape(text)}")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


def wait_line(call_id: str, info: dict, followed: float) -> str:
    """--wait's status line: the id, how it goes (with the time rung so far), and how to stop following."""
    now = progress(info)
    if now == "ringing":
        now = f"ringing {minutes(followed)}"
    return f"Call {call_id}: {now} (Ctrl-C to stop)"


def wait(app_ctx, call_id: str, timeout: float, *, until_joined: bool = False) -> None:
    """callouts --wait: follow the call with a live status line on stderr, then show it and give the verdict.

    Whatever stops the wait, what is known about the call is printed (and its id named), so a script
    still has the call id to hang up or look at.
    """
    stderr = app_ctx.env.stderr
    line = StatusLine(stderr, app_ctx.env.stderr_isatty and not app_ctx.settings.quiet)

    slept = [0.0]

    def sleep(seconds: float) -> None:
        app_ctx.env.sleep(seconds)
        slept[0] += seconds

    def update(info: dict) -> None:
        line.update(wait_line(call_id, info, slept[0]))

    try:
        info = follow(app_ctx.client(), call_id, sleep, timeout=timeout, on_update=update, until_joined=until_joined)
    except (WaitTimeout, StoppedFollowing) as stop:
        line.close()
        show_last(app_ctx.out, call_id, stop.last)
        raise
    except SinchVoiceError as error:
        # The call was placed; only following it failed. Exit 75 ("try again") would place it twice.
        line.close()
        show_last(app_ctx.out, call_id, getattr(error, "last", None))
        raise OutcomeUnknown(f"call {call_id} was placed, but following it failed: {error.message}",
                             hint=f"see how it is going with `sinchvoice calls get {call_id}`; do not place it again",
                             **error.details) from None
    finally:
        line.close()
    show(app_ctx.out, info)
    require_answered(info)


def show_last(out, call_id: str, info: dict | None) -> None:
    """When --wait stops early: the last known state, or (Ctrl-C before the first answer) what a callout prints."""
    if info is not None:
        show(out, info)
    else:
        out.one_id({"callId": call_id}, "callId", call_id)
