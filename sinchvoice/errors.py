"""Error hierarchy: every error a user can cause carries its exit code and an optional hint."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    API_ERROR = 1
    USAGE = 2
    NOT_FOUND = 3
    AUTH = 4
    NOT_ANSWERED = 5
    WAIT_TIMEOUT = 6
    OUTCOME_UNKNOWN = 7
    TEMPORARY = 75
    INTERRUPTED = 130


class SinchVoiceError(Exception):
    """Base class: `message` is the one-line `error:`; `hint` the optional `hint:` line."""

    exit_code: int = ExitCode.API_ERROR

    def __init__(self, message: str, hint: str | None = None, **details):
        super().__init__(message)
        self.message = message
        self.hint = hint
        # httpStatus, errorCode, reference when the API said something
        self.details = {k: v for k, v in details.items() if v is not None}


class UsageError(SinchVoiceError):
    """Invalid input caught before anything was sent."""

    exit_code = ExitCode.USAGE


class ApiError(SinchVoiceError):
    """The API rejected the request (4xx other than 401/403/404), or something unexpected failed."""

    exit_code = ExitCode.API_ERROR


class NotFoundError(ApiError):
    exit_code = ExitCode.NOT_FOUND


def reworded(error: SinchVoiceError, message: str, hint: str | None = None) -> NotFoundError:
    """A 404 that names what was not found (the API only says "not found"); status, error code and reference stay
    in the details (-o json's error object), and so does the hint unless a better one is given."""
    return NotFoundError(message, hint=error.hint if hint is None else hint, **error.details)


class AuthError(SinchVoiceError):
    """No credentials configured, or the API answered 401/403."""

    exit_code = ExitCode.AUTH


class TemporaryError(SinchVoiceError):
    """429, 5xx, timeouts and connection failures that outlived the retry policy."""

    exit_code = ExitCode.TEMPORARY


class RateLimited(TemporaryError):
    """HTTP 429 handed back to a caller that paces its own requests (transport.hand_back_429): nothing was
    processed, so the request may be sent again once `retry_after` seconds (None: not said) have passed."""

    def __init__(self, message: str, hint: str | None = None, retry_after: float | None = None, **details):
        super().__init__(message, hint, **details)
        self.retry_after = retry_after


class OutcomeUnknown(SinchVoiceError):
    """A request that is not safe to repeat may have been carried out (a callout may have rung a phone):
    no answer, a 5xx or 3xx, Ctrl-C in flight, an unusable 2xx. Unlike 75, trying again could act twice."""

    exit_code = ExitCode.OUTCOME_UNKNOWN


class CallNotAnswered(SinchVoiceError):
    exit_code = ExitCode.NOT_ANSWERED


class WaitTimeout(SinchVoiceError):
    exit_code = ExitCode.WAIT_TIMEOUT


# A batch (numbers, participants) tries every item, then exits with its worst failure: permanent failures
# rank before temporary ones, because running an idempotent batch again can only fix the temporary ones.
# An unknown outcome (7) ranks first of all: it is the one code that says "do not simply run it again"
# (that item may be done twice), and a script seeing 4 or 75 instead would do exactly that.
BATCH_SEVERITY = (ExitCode.OUTCOME_UNKNOWN, ExitCode.AUTH, ExitCode.API_ERROR, ExitCode.NOT_FOUND,
                  ExitCode.TEMPORARY)


def worst_exit_code(codes) -> int:
    codes = list(codes)
    ranked = [c for c in BATCH_SEVERITY if c in codes]
    return int(ranked[0] if ranked else max(codes))


def as_json(message: str, details: dict | None = None) -> dict:
    """The error object of `-o json` output, for the whole command and for each item of a batch."""
    return {"message": message, "httpStatus": None, "errorCode": None, "reference": None, **(details or {})}


class BatchError(SinchVoiceError):
    """The closing error of a batch in which some items failed (every item was tried, results printed); its exit
    code is the worst of the items' (BATCH_SEVERITY)."""

    def __init__(self, failed_codes, total: int, noun: str):
        self.codes = list(failed_codes)
        others = total - len(self.codes)
        rest = "" if not others else "; the other one was done" if others == 1 else f"; the other {others} were done"
        noun = noun[:-1] if total == 1 and noun.endswith("s") else noun  # "1 of 1 number", "1 of 3 numbers"
        then = ("check the state of those whose outcome is unknown before running the command again"
                if self.exit_code == ExitCode.OUTCOME_UNKNOWN else
                "fix the failed ones and run the command again (what succeeded stays done)")
        super().__init__(f"{len(self.codes)} of {total} {noun} failed{rest}",
                         hint=f"see the per-item results on stdout; {then}")

    @property
    def exit_code(self) -> int:
        return worst_exit_code(self.codes)


class Interrupted(SinchVoiceError):
    """Ctrl-C (or Ctrl-D at a prompt): exit 130. Plain, root reports it as one word on a line of its own
    (`interrupted`, or `stopped` for a server, whose Ctrl-C is the normal end); `line_ended` says the code that
    caught it has already ended the line the terminal echoed ^C on. Subclasses carry a message and a hint."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self, message: str = "interrupted", hint: str | None = None, *, line_ended: bool = False,
                 **details):
        super().__init__(message, hint, **details)
        self.line_ended = line_ended


class CalloutInterrupted(Interrupted):
    """Ctrl-C after the API accepted a callout: the call goes on (and costs money), so name it."""


class StoppedFollowing(Interrupted):
    """Ctrl-C while following a call: the call itself goes on (and costs money), so name it."""


class StoppedWatching(Interrupted):
    """Ctrl-C on a conference watch: the conference goes on, so the closing line says so and how to end it."""
