"""`calls`: inspect and steer a call (getCall, updateCall, and the platform's call-leg operation)."""

from enum import Enum
from typing import Annotated, Callable, List, Optional

from sinchvoice import svaml
from sinchvoice.context import app_context
from sinchvoice.declare import Argument, Context, Option, examples, group
from sinchvoice.errors import NotFoundError, StoppedFollowing, UsageError, reworded
from sinchvoice.limits import CALL_LEGS, MAX_TTS

app = group(help="See and steer a call: status, say, play, hang up.", epilog=examples(
    "sinchvoice calls get CALL_ID",
    "sinchvoice calls get CALL_ID --watch",
    'sinchvoice calls say CALL_ID --text "Please hold"',
    "sinchvoice calls hangup CALL_ID",
))
LegName = Enum("LegName", {name: name for name in CALL_LEGS}, type=str)

CallId = Annotated[str, Argument(metavar="CALL_ID", help="The call id a callout printed.")]
Text = Annotated[str, Option("--text", metavar="TEXT",
                             help=f"Words to speak: inline, @FILE or - (stdin); max {MAX_TTS} chars.")]
Locale = Annotated[Optional[str], Option("--locale", metavar="LOCALE", help="Language or voice, e.g. en-US.")]
Then = Annotated[svaml.ThenAction, Option("--then", help="What the call does afterwards.")]


@app.command("get", epilog=examples(
    "sinchvoice calls get CALL_ID",
    "sinchvoice calls get CALL_ID --watch",
    "sinchvoice calls get CALL_ID -o json",
    "sinchvoice calls get CALL_ID -o csv",
))
def get(
    ctx: Context,
    call_id: CallId,
    watch: Annotated[bool, Option("--watch", help="Refresh until the call ends (JSON lines when piped).")]
    = False,
) -> None:
    """Show a call's status, or follow it until it ends.

    --watch follows it. The panel shows from, to, status, result, reason, duration (m:ss), started, rate and debit.
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

    out = app_ctx.out
    try:
        info = _follow_shown(app_ctx, call_id)
    except StoppedFollowing:
        if out.quiet:
            out.ids([call_id])
        raise
    if info is not None and out.quiet:
        out.ids([call_id])
    return info


def _follow_shown(app_ctx, call_id: str) -> dict | None:
    from sinchvoice import callstatus

    out, client = app_ctx.out, app_ctx.client()
    slept = [0.0]  # seconds followed so far, counted as slept (a test's manual clock makes it exact)

    def sleep(seconds: float) -> None:
        app_ctx.env.sleep(seconds)
        slept[0] += seconds

    if out.mode == "table" and not out.quiet and app_ctx.env.stdout_isatty:
        out.note(f"Watching call {call_id}: Ctrl-C to stop")
        with out.live_panel(f"Call {call_id}") as update:
            return callstatus.follow(client, call_id, sleep,
                                     on_update=lambda info: update(callstatus.watched_fields(info, slept[0])))
    last: list[tuple] = []

    def emit(info: dict) -> None:
        # The event field matches the {"event": ...} lines of `conferences get --watch`; the body stays whole.
        if out.quiet or (last and last[-1] == callstatus.change_key(info)):
            return
        if out.mode == "csv":  # the rows of `calls get -o csv`, the header once
            out.csv(callstatus.CSV_COLUMNS, [callstatus.csv_row(info)], header=not last)
        else:
            out.json_line({"event": "status", **info})
        last.append(callstatus.change_key(info))

    return callstatus.follow(client, call_id, sleep, on_update=emit)


@app.command("update", epilog=examples(
    """sinchvoice calls update CALL_ID --svaml '{"action": {"name": "park"}}'""",
    "sinchvoice calls update CALL_ID --svaml @svaml.json",
))
def update(
    ctx: Context,
    call_id: CallId,
    svaml_value: Annotated[str, Option("--svaml", metavar="JSON|@FILE|-",
                                       help="SVAML document; the action must be hangup, continue or park.")],
) -> None:
    """Send a SVAML document to a live call (updateCall)."""

    app_ctx = app_context(ctx)
    document = svaml.load(svaml_value, what="--svaml", actions=svaml.PATCH_ACTIONS, stdin=app_ctx.env.stdin,
                          warn=app_ctx.out.warn)
    _update(app_ctx, call_id, document, "Updated call {}")


@app.command("hangup", epilog=examples(
    "sinchvoice calls hangup CALL_ID",
    "sinchvoice calls hangup CALL_ID --dry-run",
))
def hangup(ctx: Context, call_id: CallId) -> None:
    """End a call (updateCall with the hangup action)."""

    _update(app_context(ctx), call_id, svaml.hangup(), "Hung up call {}")


@app.command("say", epilog=examples(
    'sinchvoice calls say CALL_ID --text "Please hold" --locale en-US',
    "sinchvoice calls say CALL_ID --text @goodbye.txt --then hangup",
))
def say(
    ctx: Context,
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


@app.command("play", epilog=examples(
    "sinchvoice calls play CALL_ID --file https://example.com/a.wav",
    "sinchvoice calls play CALL_ID --file https://example.com/a.wav --then hangup",
))
def play(
    ctx: Context,
    call_id: CallId,
    files: Annotated[List[str], Option("--file", metavar="URL", help="Audio file URL; repeat for several.")],
    then: Then = svaml.ThenAction("continue"),
) -> None:
    """Play audio into a live call, then continue or hang up.

    Give --file once per file; they play in that order.
    """

    document = svaml.play(files, then=then.value, what="--file")
    _update(app_context(ctx), call_id, document, f"Updated call {{}}: played {len(files)} file(s), then {then.value}")


@app.command("leg", epilog=examples(
    'sinchvoice calls leg CALL_ID --leg caller --say "Please hold"',
    "sinchvoice calls leg CALL_ID --leg both --play https://example.com/a.wav",
))
def leg(
    ctx: Context,
    call_id: CallId,
    side: Annotated[LegName, Option("--leg", help="Which side hears it: caller, callee or both.")],
    text: Annotated[Optional[str], Option("--say", metavar="TEXT", help="Words to speak: inline, @FILE or - "
                                          f"(stdin); max {MAX_TTS} chars.")] = None,
    files: Annotated[Optional[List[str]], Option("--play", metavar="URL", help="Audio file URL; repeat for "
                                                 "several.")] = None,
    locale: Locale = None,
) -> None:
    """Speak or play to one side of a call, or to both.

    Live layout only. Give --say or --play. The call goes on afterwards. Not repeated if its answer is lost:
    that is exit 7.
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
        raise reworded(error, f"call {call_id} has ended or does not exist",
                       hint=f"see `sinchvoice calls get {call_id}`") from None
    if body is None:  # --dry-run
        return
    out = app_ctx.out
    if out.mode == "json":
        out.json(body)
    elif out.quiet:
        out.ids([call_id])
    app_ctx.remember("calls", call_id)
    out.note(note.format(call_id))
