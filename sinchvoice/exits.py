"""The one place errors become exit codes: what a command's failure prints, once, on stderr, and the code it
means. Commands run by typer (root.RootGroup) and by the fast path (sinchvoice.fastpath) both end here."""

from __future__ import annotations

import os

from sinchvoice.errors import Interrupted, SinchVoiceError


def exit_code(ctx, error: BaseException) -> int:
    """Report what a command raised and return its exit code; a bug is re-raised under SINCHVOICE_DEBUG=1."""
    if isinstance(error, SinchVoiceError):
        return report(ctx, error)
    if isinstance(error, KeyboardInterrupt):  # click would say "Aborted!" and exit 1; the contract says 130
        return report(ctx, Interrupted())
    if isinstance(error, BrokenPipeError):  # stdout's reader has gone (`| head -1`): whatever was done stays done
        from sinchvoice.output import stdout_closed

        return stdout_closed()
    if os.environ.get("SINCHVOICE_DEBUG"):
        raise error
    # A bug, not user input: one line, and the way to get the details, never locals or secrets.
    report(ctx, SinchVoiceError(f"unexpected failure: {type(error).__name__}: {error}",
                                hint="run again with SINCHVOICE_DEBUG=1 for a traceback, and report it"))
    return 1


def report(ctx, error: SinchVoiceError) -> int:
    """Say what went wrong, once, on stderr; the exit code it means."""
    if type(error) is Interrupted:
        _report_interrupted(ctx, error)
    else:
        _output(ctx).error(error.message, error.hint, error.details)
    return int(error.exit_code)


def _report_interrupted(ctx, error: Interrupted) -> None:
    """Every Ctrl-C ends here: its word (`interrupted`, a server's `stopped`) on a line of its own. On a terminal
    the echoed ^C leaves the cursor mid-line, so that line is ended first unless the code that caught the
    interrupt did (a prompt ends its own line). An empty word: the command has said all there is to say."""
    from sinchvoice.environment import isatty
    from sinchvoice.interrupts import end_like

    stderr = _output(ctx).env.stderr
    if error.message:
        if not error.line_ended and isatty(stderr):
            print(file=stderr)
        print(error.message, file=stderr, flush=True)
    end_like(error)


def _output(ctx):
    from sinchvoice.context import AppContext
    from sinchvoice.environment import Environment
    from sinchvoice.output import Output

    obj = ctx.obj
    if isinstance(obj, AppContext):
        out = obj.out
    else:  # before the root callback finished: -o may still ask for the JSON error object
        mode = ctx.params.get("output")  # click's raw value, or typer's enum
        mode = getattr(mode, "value", mode) or "table"
        out = Output(obj if isinstance(obj, Environment) else Environment(), mode)
    return out

