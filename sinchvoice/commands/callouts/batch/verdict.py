"""How a batch ends: the closing error (its exit code by the batch rule), its hint, and the command to go on."""

from __future__ import annotations

import shlex
from dataclasses import fields
from pathlib import Path

from sinchvoice.callstatus import DEFAULT_WAIT_TIMEOUT
from sinchvoice.commands.callouts.batch import report
from sinchvoice.commands.callouts.batch.plan import count
from sinchvoice.errors import ExitCode, SinchVoiceError, TemporaryError, worst_exit_code


def verdict(app_ctx, options, tally, sender, follower, path) -> SinchVoiceError | None:
    """The closing error, if the batch did not fully succeed: its exit code follows the batch rule."""
    resume = resume_command(app_ctx, options, path)
    pending, codes = tally.outcomes["pending"], list(tally.codes)
    if sender.pacer.interrupted or (follower is not None and follower.interrupted):
        what = (f"{count(pending, 'row')} not sent" if sender.pacer.interrupted
                else f"stopped following {count(tally.in_progress, 'call')} still in progress")
        error = SinchVoiceError(f"interrupted: {what}", hint=f"to go on, run: {resume}")
        error.exit_code = ExitCode.INTERRUPTED
        return error
    if sender.stopped_by is not None or sender.pacer.gave_up:
        cause = sender.stopped_by or TemporaryError(
            f"the API asked to wait {sender.pacer.gave_up:.0f} s before more callouts; not waiting that long")
        error = SinchVoiceError(f"{cause.message}; {count(pending, 'row')} not sent",
                                hint=f"{cause.hint + '; then ' if cause.hint else ''}to go on, run: {resume}")
        error.exit_code = worst_exit_code(codes + [cause.exit_code])
        return error
    if not codes:
        return None
    worst = worst_exit_code(codes)
    error = SinchVoiceError(f"{len(codes):,} of {count(tally.rows, 'row')} did not succeed: "
                            f"{report.failures(tally)}", hint=_hint(tally, worst))
    error.exit_code = worst
    return error


def _hint(tally, worst: int) -> str:
    if worst == ExitCode.OUTCOME_UNKNOWN:
        return (f"{report.lines_of(tally, 'unknown')} may have been placed: check (calls logs, the phones) before "
                "sending them again with --retry-unknown; see the results")
    if tally.outcomes["failed"]:
        return (f"see the error of each failed row ({report.lines_of(tally, 'failed')}); fix the cause and run the "
                "same command with --retry-failed (placed rows are skipped)")
    if worst == ExitCode.WAIT_TIMEOUT:
        return "some calls were still going when the waiting stopped: see them with `sinchvoice calls get CALL_ID`"
    return "see the result of each row (BUSY, NOANSWER, FAILED: the call ended without being answered)"


def resume_command(app_ctx, options, path: Path) -> str:
    """The command that goes on with this batch: the same input and options, the journal named."""
    settings = app_ctx.settings.options
    given = settings.on_command_line
    words = ["sinchvoice"]
    for name, flag in (("profile", "-p"), ("region", "--region"), ("base_url", "--base-url"),
                       ("config_base_url", "--config-base-url"), ("api_layout", "--api-layout"), ("auth", "--auth"),
                       ("timeout", "--timeout"), ("output", "-o")):
        if name in given and getattr(settings, name) is not None:
            words += [flag, f"{getattr(settings, name):g}" if name == "timeout" else str(getattr(settings, name))]
    words += [flag for name, flag in (("quiet", "-q"), ("yes", "--yes")) if name in given and getattr(settings, name)]
    words += ["callouts", "batch", options.source]
    defaults = type(options)(options.source)
    for field in fields(options):
        value = getattr(options, field.name)
        if field.name in ("source", "journal") or value == getattr(defaults, field.name):
            continue
        if field.name == "wait_timeout" and value == DEFAULT_WAIT_TIMEOUT:
            continue
        flag = "--from" if field.name == "caller_id" else "--" + field.name.replace("_", "-")
        words += [flag] if value is True else [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    command = shlex.join(words + ["--journal", str(path)])
    return f"… | {command}" if options.source == "-" else command
