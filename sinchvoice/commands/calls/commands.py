"""`calls`: inspect and steer a call (getCall, updateCall, and the platform's call-leg operation)."""

from enum import Enum
from typing import Annotated, Callable, List, Optional

import typer

from sinchvoice import svaml
from sinchvoice.commands import group
from sinchvoice.context import app_context
from sinchvoice.errors import NotFoundError, UsageError
from sinchvoice.limits import CALL_LEGS

app = group(help="See and steer a call: status, say, play, hang up.")
LegName = Enum("LegName", {name: name for name in CALL_LEGS}, type=str)

CallId = Annotated[str, typer.Argument(metavar="CALL_ID", help="The call id a callout printed.")]
Text = Annotated[str, typer.Option("--text", metavar="TEXT",
                                   help="Words to speak: inline, @FILE or - (stdin); max 600 chars.")]
Locale = Annotated[Optional[str], typer.Option("--locale", metavar="LOCALE", help="Language or voice, e.g. en-US.")]
Then = Annotated[svaml.ThenAction, typer.Option("--then", help="What the call does afterwards.")]


@app.command("get")
def get(
    ctx: typer.Context,
    call_id: CallId,
    watch: Annotated[bool, typer.Option("--watch", help="Refresh until the call ends (JSON lines when piped).")]
    = False,
) -> None:
    """Show a call's status; --watch follows it until it ends.

    The panel shows from, to, status, result, reason, duration (m:ss), started, rate and debit.
    Piped, --watch prints one JSON line per change: {"event": "status", ...the call's fields}.
    """
    from sinchvoice import callstatus

    app_ctx = app_context(ctx)
    call_id = callstatus.check_call_id(call_id)
    if watch:
        info = _watch(app_ctx, call_id)
    else:
        info = callstatus.fetch(app_ctx.client(), call_id)
        if info is not None:
            callstatus.show(app_ctx.out, info)
    if info is not None:
        app_ctx.remember("calls", call_id)


def _watch(app_ctx, call_id: str) -> dict | None:
    """A live panel on a terminal, else JSON lines; -q prints the id at the end, and also on Ctrl-C.

    On Ctrl-C the panel or lines already shown stay as they are: only -q has something left to print.
    """
    from sinchvoice import callstatus

    out = app_ctx.out
    try:
        info = _follow_shown(app_ctx, call_id)
    except callstatus.StoppedFollowing:
        if out.quiet:
            out.ids([call_id])
        raise
    if info is not None and out.quiet:
        out.ids([call_id])
    return info


def _follow_shown(app_ctx, call_id: str) -> dict | None:
    from sinchvoice import callstatus

    out, client, sleep = app_ctx.out, app_ctx.client(), app_ctx.env.sleep
    if out.mode == "table" and not out.quiet and app_ctx.env.stdout_isatty:
        with out.live_panel(f"Call {call_id}") as update:
            return callstatus.follow(client, call_id, sleep, on_update=lambda info: update(callstatus.fields(info)))
    last: list[tuple] = []

    def emit(info: dict) -> None:
        # The event field matches the {"event": ...} lines of `conferences get --watch`; the body stays whole.
        if not out.quiet and (not last or last[-1] != callstatus.change_key(info)):
            last.append(callstatus.change_key(info))
            out.json_line({"event": "status", **info})

    return callstatus.follow(client, call_id, sleep, on_update=emit)


@app.command("update")
def update(
    ctx: typer.Context,
    call_id: CallId,
    svaml_value: Annotated[str, typer.Option("--svaml", metavar="JSON|@FILE|-",
                                             help="SVAML document; the action must be hangup, continue or park.")],
) -> None:
    """Send a SVAML document to a live call (updateCall)."""

    app_ctx = app_context(ctx)
    document = svaml.load(svaml_value, what="--svaml", actions=svaml.PATCH_ACTIONS, stdin=app_ctx.env.stdin,
                          warn=app_ctx.out.warn)
    _update(app_ctx, call_id, document, "Updated call {}")


@app.command("hangup")
def hangup(ctx: typer.Context, call_id: CallId) -> None:
    """End a call (updateCall with the hangup action)."""

    _update(app_context(ctx), call_id, svaml.hangup(), "Hung up call {}")


@app.command("say")
def say(
    ctx: typer.Context,
    call_id: CallId,
    text: Text,
    locale: Locale = None,
    then: Then = svaml.ThenAction("continue"),
) -> None:
    """Speak a text into a live call, then continue or hang up."""
    from sinchvoice.inputs import read_value

    app_ctx = app_context(ctx)
    document = svaml.say(read_value(text, what="--text", stdin=app_ctx.env.stdin), locale=locale, then=then.value)
    _update(app_ctx, call_id, document, f"Updated call {{}}: said the text, then {then.value}")


@app.command("play")
def play(
    ctx: typer.Context,
    call_id: CallId,
    files: Annotated[List[str], typer.Option("--file", metavar="URL", help="Audio file URL; repeat for several.")],
    then: Then = svaml.ThenAction("continue"),
) -> None:
    """Play audio files into a live call, then continue or hang up."""

    document = svaml.play(files, then=then.value, what="--file")
    _update(app_context(ctx), call_id, document, f"Updated call {{}}: played {len(files)} file(s), then {then.value}")


@app.command("leg")
def leg(
    ctx: typer.Context,
    call_id: CallId,
    side: Annotated[LegName, typer.Option("--leg", help="Which side hears it: caller, callee or both.")],
    text: Annotated[Optional[str], typer.Option("--say", metavar="TEXT", help="Words to speak: inline, @FILE or - "
                                                "(stdin); max 600 chars.")] = None,
    files: Annotated[Optional[List[str]], typer.Option("--play", metavar="URL", help="Audio file URL; repeat for "
                                                       "several.")] = None,
    locale: Locale = None,
) -> None:
    """Speak a text or play audio files to one side of a call, or both (live layout only).

    Give --say or --play. The call goes on afterwards. Not repeated if its answer is lost: that is exit 7.
    """
    from sinchvoice.inputs import read_value

    app_ctx = app_context(ctx)
    app_ctx.layout.require_call_legs()
    if (text is None) == (not files):
        raise UsageError("give either --say or --play" if text is None else "give --say or --play, not both",
                         hint="--say 'Please hold' speaks; --play URL plays a file (repeat --play for several)")
    if text is not None:
        instruction = svaml.say_instruction(read_value(text, what="--say", stdin=app_ctx.env.stdin), locale,
                                            what="--say")
        done = "said the text"
    else:
        instruction = svaml.play_instruction(files, locale, what="--play")
        done = f"played {len(files)} file(s)"
    whom = {"caller": "the caller", "callee": "the callee", "both": "both sides"}[side.value]
    _send(app_ctx, call_id, f"Updated call {{}}: {done} to {whom}",
          lambda client, checked: client.manage_call_leg(checked, side.value, {"instructions": [instruction]}))


def _update(app_ctx, call_id: str, document: dict, note: str) -> None:
    """Every shortcut ends here: one checked SVAML document, one PATCH, one note."""
    from sinchvoice import callstatus, svaml

    call_id = callstatus.check_call_id(call_id)
    svaml.check(document, what="SVAML", actions=svaml.PATCH_ACTIONS)
    _send(app_ctx, call_id, note, lambda client, checked: client.update_call(checked, document))


def _send(app_ctx, call_id: str, note: str, request: Callable) -> None:
    """One PATCH to a call; a 404 names the call."""
    from sinchvoice import callstatus

    call_id = callstatus.check_call_id(call_id)
    try:
        body = request(app_ctx.client(), call_id)
    except NotFoundError as error:  # the API answers 404 alike for an ended call and an unknown one
        raise NotFoundError(f"call {call_id} has ended or does not exist",
                            hint=f"see `sinchvoice calls get {call_id}`", **error.details) from None
    if body is None:  # --dry-run
        return
    out = app_ctx.out
    if out.mode == "json":
        out.json(body)
    elif out.quiet:
        out.ids([call_id])
    app_ctx.remember("calls", call_id)
    out.note(note.format(call_id))
