"""`callouts`: place TTS, conference and custom calls (createCallout)."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from sinchvoice import svaml
from sinchvoice.commands import group
from sinchvoice.commands.callouts.batch import Kind
from sinchvoice.context import app_context
from sinchvoice.errors import CalloutInterrupted, OutcomeUnknown, UsageError
from sinchvoice.helptext import examples
from sinchvoice.limits import MAX_CONFERENCE_ID, MAX_DURATION, MAX_TTS

app = group(help="Place calls: text-to-speech, conference, custom.", epilog=examples(
    'sinchvoice callouts tts --to +46701234567 --text "Your table is ready"',
    "sinchvoice callouts conference --to +46701234567 --conference-id standup",
    "sinchvoice callouts custom --to user:alice --ice @ice.json",
    'sinchvoice callouts batch people.csv --text "Hi {name}" --yes',
))

TO_HELP = "Who to call: +E164, sip:user@host or user:NAME."
To = Annotated[str, typer.Option("--to", metavar="DEST", help=TO_HELP)]
From = Annotated[Optional[str], typer.Option("--from", "--cli", metavar="NUMBER",
                                             help="Caller ID (default: SINCHVOICE_FROM or the profile's).")]
Locale = Annotated[Optional[str], typer.Option("--locale", metavar="LOCALE",
                                               help="Text-to-speech language or voice, e.g. en-US.")]
Text = Annotated[Optional[str], typer.Option("--text", metavar="TEXT",
                                             help=f"Words to speak: inline, @FILE or - (stdin); max {MAX_TTS} chars.")]
Prompts = Annotated[Optional[str], typer.Option(
    "--prompts", metavar="PROMPTS", help="Instead of --text: TTS/SSML prompts, e.g. '#ssml[<speak>Hi</speak>]' "
                                         "(live layout): inline, @FILE or -.")]
Greeting = Annotated[Optional[str], typer.Option(metavar="TEXT", help="Text spoken on joining: inline, @FILE or -.")]
Moh = Annotated[Optional[svaml.MohClass], typer.Option(metavar="MUSIC",
                                                      help="Music on hold: ring, music1, music2 or music3.")]
Dtmf = Annotated[Optional[str], typer.Option(metavar="DIGITS", help="Digits to send when answered (0-9, #, *, w).")]
MaxDuration = Annotated[Optional[int], typer.Option(metavar="SECONDS",
                                                    help=f"End the call after SECONDS, 1-{MAX_DURATION}.")]
Ace = Annotated[bool, typer.Option("--ace", help="Send the answered-call event (ace) to the callback URL.")]
Pie = Annotated[bool, typer.Option("--pie", help="Send prompt-input events (pie) to the callback URL.")]
Dice = Annotated[bool, typer.Option("--dice", help="Send the disconnected-call event (dice) to the callback URL.")]
Wait = Annotated[bool, typer.Option("--wait", help="Follow the call until it ends; exit 5 if not answered.")]
ICE_HELP = ("Reply to the call's start: SVAML inline, @FILE or -, or an https URL. Inline SVAML says whom to "
            "call (live): no --to/--from then. Required in the spec layout.")
WaitTimeout = Annotated[Optional[float], typer.Option("--wait-timeout", metavar="SECONDS",
                                                      help="With --wait: give up after SECONDS (exit 6).")]


@app.command(epilog=examples(
    'sinchvoice callouts tts --to +46701234567 --text "Your table is ready"',
    "sinchvoice callouts tts --to +46701234567 --text @message.txt -q",
    'sinchvoice callouts tts --to +46701234567 --text "Hello" --wait',
    "sinchvoice callouts tts --to user:alice --prompts '#ssml[<speak>Hi</speak>]'",
))
def tts(
    ctx: typer.Context,
    to: Annotated[list[str], typer.Option("--to", metavar="DEST", show_default=False,
                                          help=TO_HELP + " Several, with --until-answered.")],
    text: Text = None,
    prompts: Prompts = None,
    caller_id: From = None,
    locale: Locale = None,
    dtmf: Dtmf = None,
    ace: Ace = False,
    dice: Dice = False,
    pie: Pie = False,
    wait: Wait = False,
    wait_timeout: WaitTimeout = None,
    until_answered: Annotated[bool, typer.Option("--until-answered", help="Call each --to in turn, following each "
                                                 "call to its end, until one answers; exit 5 if nobody does.")]
    = False,
) -> None:
    """Call someone and speak a text; prints the call id.

    A ttsCallout: give exactly one of --text (words) and --prompts (TTS/SSML prompts). With --until-answered
    and several --to (an on-call rota), one call at a time, each followed to its end (--wait-timeout per call):
    stdout shows the call that was answered as --wait does, or when nobody answered (exit 5) or the walk
    stopped, every attempt's result. No one else is called while a call's outcome is unknown (exit 7) or it is
    still going (exit 6, 130).
    """
    from sinchvoice.destinations import parse_destination

    app_ctx = app_context(ctx)
    if len(to) > 1 and not until_answered:  # click kept only the last --to: someone would silently not be called
        raise UsageError(f"--to is given {len(to)} times; a tts callout calls one destination",
                         hint="add --until-answered to call them one at a time until one answers, or use "
                              "`sinchvoice callouts batch FILE` to call everyone")
    destinations = [parse_destination(value) for value in to]
    body = {"cli": app_ctx.caller_id(caller_id), "destination": destinations[0]}
    body.update(_spoken(app_ctx, text, prompts))
    _set(body, locale=_checked(svaml.check_locale, locale), dtmf=_checked(svaml.check_dtmf, dtmf), enableAce=ace,
         enableDice=dice, enablePie=pie)
    if until_answered:
        from sinchvoice.escalation import walk

        return walk(app_ctx, destinations, body, _wait_timeout(True, wait_timeout))
    _place(app_ctx, "ttsCallout", body, "tts", wait, wait_timeout)


def _spoken(app_ctx, text: str | None, prompts: str | None) -> dict:
    from sinchvoice.inputs import read_value

    if (text is None) == (prompts is None):
        raise UsageError("give either --text or --prompts" if text is None else "give --text or --prompts, not both",
                         hint="--text 'Hello' speaks words; --prompts '#ssml[<speak>Hello</speak>]' plays SSML/TTS "
                              "prompts")
    if text is not None:
        return {"text": svaml.check_text(read_value(text, what="--text", stdin=app_ctx.env.stdin))}
    return {"prompts": svaml.check_prompts(read_value(prompts, what="--prompts", stdin=app_ctx.env.stdin))}


@app.command(epilog=examples(
    "sinchvoice callouts conference --to +46701234567 --conference-id standup",
    "sinchvoice callouts conference --to user:alice --conference-id standup -q",
    "sinchvoice callouts conference --to sip:bob@example.com --conference-id ops",
))
def conference(
    ctx: typer.Context,
    to: To,
    conference_id: Annotated[str, typer.Option("--conference-id", metavar="CONFERENCE_ID",
                                               help=f"Conference to join (max {MAX_CONFERENCE_ID}).")],
    caller_id: From = None,
    greeting: Greeting = None,
    locale: Locale = None,
    moh: Moh = None,
    dtmf: Dtmf = None,
    max_duration: MaxDuration = None,
    ace: Ace = False,
    dice: Dice = False,
    pie: Pie = False,
    wait: Annotated[bool, typer.Option("--wait", help="Follow the call until it joins the conference (answered) "
                                                      "or ends; exit 5 if not answered.")] = False,
    wait_timeout: WaitTimeout = None,
) -> None:
    """Call someone into a conference; prints the call id.

    A conferenceCallout: everyone called with the same --conference-id talks together.
    """
    from sinchvoice.inputs import read_value

    app_ctx = app_context(ctx)
    body = _parties(app_ctx, to, caller_id)
    body["conferenceId"] = _conference_id(conference_id)
    if greeting is not None:
        greeting = svaml.check_text(read_value(greeting, what="--greeting", stdin=app_ctx.env.stdin), "--greeting")
    _set(body, greeting=greeting, locale=_checked(svaml.check_locale, locale), mohClass=moh and moh.value,
         dtmf=_checked(svaml.check_dtmf, dtmf), maxDuration=_max_duration(max_duration),
         enableAce=ace, enableDice=dice, enablePie=pie)
    _place(app_ctx, "conferenceCallout", body, f"conference {conference_id}", wait, wait_timeout)


@app.command(epilog=examples(
    "sinchvoice callouts custom --ice @ice.json",
    "sinchvoice callouts custom --to user:alice --ice @ice.json --ace @ace.json",
    "sinchvoice callouts custom --to +46701234567 --ice https://example.com/ice",
))
def custom(
    ctx: typer.Context,
    to: Annotated[Optional[str], typer.Option("--to", metavar="DEST", help=TO_HELP + " Not with inline ICE.")]
    = None,
    ice: Annotated[Optional[str], typer.Option(metavar="SVAML", help=ICE_HELP)] = None,
    ace: Annotated[Optional[str], typer.Option(metavar="SVAML", help="Reply when answered: SVAML inline, @FILE or "
                                                                     "-, or an https URL.")] = None,
    pie: Annotated[Optional[str], typer.Option(metavar="SVAML", help="Reply to prompt input: SVAML inline, @FILE "
                                                                     "or -, or an https URL.")] = None,
    caller_id: From = None,
    dtmf: Dtmf = None,
    custom_data: Annotated[Optional[str], typer.Option("--custom", metavar="TEXT",
                                                       help="Data for your callbacks (live layout).")] = None,
    max_duration: MaxDuration = None,
    wait: Wait = False,
    wait_timeout: WaitTimeout = None,
) -> None:
    """Call someone and steer the call with your own SVAML.

    A customCallout; prints the call id.

    Inline ICE SVAML (live layout) says whom to call, in its connectPstn, connectSip, connectMxp... action:
    only ice/ace/pie (and --dtmf, --custom, --max-duration) are sent, and --to/--from are refused.
    With --ice as a URL, or no --ice, --to and a caller ID are required. The spec layout always needs
    --to, a caller ID and --ice.
    """
    app_ctx = app_context(ctx)
    if [ice, ace, pie].count("-") > 1:
        raise UsageError("only one of --ice, --ace and --pie can read standard input (-)",
                         hint="give the others inline or as @FILE")
    body = _custom_parties(app_ctx, to, caller_id, ice)
    for name, value in (("ice", ice), ("ace", ace), ("pie", pie)):
        if value is not None:
            body[name] = svaml.callout_svaml(value, what=f"--{name}", stdin=app_ctx.env.stdin, warn=app_ctx.out.warn)
    _set(body, dtmf=_checked(svaml.check_dtmf, dtmf), custom=_custom_data(custom_data),
         maxDuration=_max_duration(max_duration))
    _place(app_ctx, "customCallout", body, "custom", wait, wait_timeout)


INLINE_ICE_HINT = ('leave out --to and --from: the ICE\'s action names the callee and caller ID, e.g. {"action": '
                   '{"name": "connectPstn", "number": "+46700000000", "cli": "+46700000100"}}; or give --ice as a URL')


def _custom_parties(app_ctx, to: str | None, caller_id: str | None, ice: str | None) -> dict:
    """Inline ICE on the platform calls whom its SVAML says; otherwise the callout names the callee and caller ID."""
    inline = ice is not None and not svaml.is_url(ice)
    if inline and app_ctx.layout.inline_ice_calls_alone:
        typed = [flag for flag, value in (("--to", to), ("--from", caller_id)) if value is not None]
        if typed:
            raise UsageError(f"{' and '.join(typed)} cannot go with inline ICE SVAML: the SVAML says whom to call",
                             hint=INLINE_ICE_HINT)
        return {}
    if to is None:
        unless = " (or inline ICE SVAML that says whom to call)" if app_ctx.layout.inline_ice_calls_alone else ""
        raise UsageError(f"a custom callout needs --to{unless}",
                         hint=f"e.g. --to +46700000000 --ice '{svaml.SKELETON}'")
    body = _parties(app_ctx, to, caller_id)
    if ice is None and not app_ctx.layout.inline_ice_calls_alone:  # the contract requires it
        raise UsageError("a custom callout needs --ice", hint=f"e.g. --ice '{svaml.SKELETON}', or --ice @ice.json")
    return body


def _custom_data(value: str | None) -> str | None:
    from sinchvoice.inputs import is_text

    if value is not None and not is_text(value):
        raise UsageError("--custom is not valid UTF-8 text", hint="check the terminal's encoding")
    return value


def _parties(app_ctx, to: str, caller_id: str | None) -> dict:
    from sinchvoice.destinations import parse_destination

    destination = parse_destination(to)
    return {"cli": app_ctx.caller_id(caller_id), "destination": destination}


def _set(body: dict, **values) -> None:
    """Add the optional fields that were given; a flag that is off is left out rather than sent as false."""
    body.update({key: value for key, value in values.items() if value is not None and value is not False})


def _checked(check, value: str | None) -> str | None:
    # `value and check(value)` skipped the check for "" and dropped the option silently.
    return None if value is None else check(value)


def _conference_id(value: str) -> str:
    if not value.strip():
        raise UsageError("--conference-id is empty", hint="name the conference, e.g. --conference-id standup")
    if len(value) > MAX_CONFERENCE_ID:
        raise UsageError(f"--conference-id is {len(value)} characters long; at most {MAX_CONFERENCE_ID} are allowed",
                         hint="use a shorter conference id")
    return value


def _max_duration(seconds: int | None) -> int | None:
    if seconds is not None and not 1 <= seconds <= MAX_DURATION:
        raise UsageError(f"--max-duration {seconds} is out of range; use 1 to {MAX_DURATION} seconds (4 hours)")
    return seconds


def _wait_timeout(wait: bool, seconds: float | None) -> float:
    from sinchvoice import callstatus

    if seconds is not None and not wait:  # ignoring it would let a script believe it waited
        raise UsageError("--wait-timeout only applies with --wait",
                         hint=f"add --wait to follow the call: --wait --wait-timeout {seconds:g}")
    return callstatus.check_wait_timeout(callstatus.DEFAULT_WAIT_TIMEOUT if seconds is None else seconds)


def _place(app_ctx, method: str, body: dict, label: str, wait: bool, wait_timeout: float | None) -> None:
    """Send the callout once (the transport never replays it), then print its id or follow it.

    Once the API has accepted it the call exists and costs money, so whatever happens next (Ctrl-C, a --wait
    that cannot follow it, a closed stdout) its id is printed, or named in the error when stdout is gone.
    """
    from sinchvoice.client import call_id_of

    wait_timeout = _wait_timeout(wait, wait_timeout)
    result = app_ctx.client().create_callout({"method": method, method: body})
    if result is None:  # --dry-run: the request was printed, nothing was sent
        return
    call_id, printed = call_id_of(result), []

    def print_call_id() -> None:
        if not printed:
            printed.append(call_id)
            app_ctx.out.one_id(result, "callId", call_id)

    try:
        try:
            _accepted(app_ctx, body, label, call_id, print_call_id, wait, wait_timeout)
        except KeyboardInterrupt:
            from sinchvoice.callstatus import next_steps

            print_call_id()
            # The API accepted the callout: the call goes on, so name it.
            raise CalloutInterrupted(f"interrupted; call {call_id} was placed", hint=next_steps(call_id)) from None
    except (BrokenPipeError, StdoutClosed):
        raise OutcomeUnknown(f"call {call_id} was placed, but its id could not be written to stdout (it is closed)",
                             hint=f"see it with `sinchvoice calls get {call_id}`; do not place it again") from None


class StdoutClosed(Exception):
    """Started with no stdout at all (`>&-`): Python's sys.stdout is None and every print would vanish."""


def _accepted(app_ctx, body: dict, label: str, call_id: str, print_call_id, wait: bool, wait_timeout: float) -> None:
    from sinchvoice import callstatus
    from sinchvoice.destinations import describe_destination

    app_ctx.remember("calls", call_id)
    if "conferenceId" in body:
        app_ctx.remember("conferences", body["conferenceId"])
    if app_ctx.env.stdout_closed:  # say so now, with the id, rather than follow a call whose result nobody sees
        raise StdoutClosed
    if app_ctx.env.stdout_isatty or app_ctx.env.stderr_isatty:
        whom = (f"{describe_destination(body['destination'])} from {body['cli']}" if "destination" in body
                else "whom the ICE SVAML says")
        app_ctx.out.note(f"Calling {whom} ({label})")
    if wait:
        # A conference call stays up as long as the bridge: answered is as far as there is to wait.
        callstatus.wait(app_ctx, call_id, wait_timeout, until_joined="conferenceId" in body)  # prints what it knows
    else:
        print_call_id()


@app.command(epilog=examples(
    'sinchvoice callouts batch people.csv --text "Hi {name}, your table is ready"',
    "sinchvoice callouts batch people.csv --text @alert.txt --rate 10 --yes",
    "sinchvoice callouts batch team.csv --kind conference --conference-id ops",
    'sinchvoice callouts batch people.csv --text "Hi {name}" --dry-run',
))
def batch(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(metavar="FILE|-", allow_dash=True, show_default=False,
                                           help="Rows: a CSV file with a header row, or JSON Lines; - reads stdin.")],
    text: Annotated[Optional[str], typer.Option("--text", metavar="TEXT", help="Words to speak (conference: the "
                                                "greeting); {column} puts in the row's value; inline or @FILE.")]
    = None,
    kind: Annotated[Kind, typer.Option("--kind", help="tts: speak the text; conference: join a conference.")]
    = Kind.tts,
    conference_id: Annotated[Optional[str], typer.Option("--conference-id", metavar="CONFERENCE_ID", help="With --kind "
                                                         "conference: the conference everyone joins.")] = None,
    caller_id: From = None,
    locale: Locale = None,
    journal: Annotated[Optional[str], typer.Option("--journal", metavar="FILE", help="Where the batch is recorded "
                                                   "(default: beside the input, FILE.journal.jsonl).")] = None,
    rate: Annotated[float, typer.Option("--rate", metavar="N", help="Callouts per second.")] = 5.0,
    concurrency: Annotated[int, typer.Option("--concurrency", metavar="N", help="Requests in flight at most.")] = 8,
    wait: Annotated[bool, typer.Option("--wait", help="Follow every placed call to its end.")] = False,
    wait_timeout: WaitTimeout = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Skip bad rows instead of exiting 2.")]
    = False,
    allow_duplicates: Annotated[bool, typer.Option("--allow-duplicates", help="Call a destination once per row "
                                                   "that has it.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Send the rows the API refused again.")]
    = False,
    retry_unknown: Annotated[bool, typer.Option("--retry-unknown", help="Send again the rows that may have been "
                                                "placed (check first!).")] = False,
) -> None:
    """Place one callout per row of a CSV or JSON Lines file.

    Every row is checked first, calls are paced, and a journal makes running it again resume.
    Columns (or JSON keys): to (required), text, from, locale, conference_id; any other column is a value for
    --text, e.g. --text "Hi {name}". Every row is checked before the first call (a bad row: exit 2, nothing
    sent). The journal records each row before and after its request: running the same command again places
    only what is left, and never a row whose outcome is unknown (exit 7) unless --retry-unknown.
    Asks first on a terminal; elsewhere it needs --yes.
    """
    from sinchvoice.commands.callouts.batch.command import Options, run

    run(app_context(ctx), Options(str(source), text, kind.value, conference_id, caller_id, locale, journal, rate,
                                  concurrency, wait, wait_timeout, skip_invalid, allow_duplicates, retry_failed,
                                  retry_unknown))
