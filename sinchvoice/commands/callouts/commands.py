"""`callouts`: place TTS, conference and custom calls (createCallout)."""

from pathlib import Path
from typing import Annotated, Optional

from sinchvoice import svaml
from sinchvoice.commands.callouts import bodies, placing
from sinchvoice.commands.callouts.batch import Kind
from sinchvoice.context import app_context
from sinchvoice.declare import Argument, Context, Option, examples, group
from sinchvoice.errors import UsageError
from sinchvoice.limits import MAX_CONFERENCE_ID, MAX_DURATION, MAX_TTS

app = group(help="Place calls: text-to-speech, conference, custom.", epilog=examples(
    'sinchvoice callouts tts --to +46701234567 --text "Your table is ready"',
    "sinchvoice callouts conference --to +46701234567 --conference-id standup",
    "sinchvoice callouts custom --to user:alice --ice @ice.json",
    'sinchvoice callouts batch people.csv --text "Hi {name}" --yes',
))

TO_HELP = "Who to call: +E164, sip:user@host or user:NAME."
To = Annotated[str, Option("--to", metavar="DEST", help=TO_HELP)]
From = Annotated[Optional[str], Option("--from", "--cli", metavar="NUMBER",
                                       help="Caller ID (default: SINCHVOICE_FROM or the profile's).")]
Locale = Annotated[Optional[str], Option("--locale", metavar="LOCALE",
                                         help="Text-to-speech language or voice, e.g. en-US.")]
Text = Annotated[Optional[str], Option("--text", metavar="TEXT",
                                       help=f"Words to speak: inline, @FILE or - (stdin); max {MAX_TTS} chars.")]
Prompts = Annotated[Optional[str], Option(
    "--prompts", metavar="PROMPTS", help="Instead of --text: TTS/SSML prompts, e.g. '#ssml[<speak>Hi</speak>]' "
                                         "(live layout): inline, @FILE or -.")]
Greeting = Annotated[Optional[str], Option(metavar="TEXT", help="Text spoken on joining: inline, @FILE or -.")]
Moh = Annotated[Optional[svaml.MohClass], Option(metavar="MUSIC",
                                                      help="Music on hold: ring, music1, music2 or music3.")]
Dtmf = Annotated[Optional[str], Option(metavar="DIGITS", help="Digits to send when answered (0-9, #, *, w).")]
MaxDuration = Annotated[Optional[int], Option(metavar="SECONDS",
                                              help=f"End the call after SECONDS, 1-{MAX_DURATION}.")]
Ace = Annotated[bool, Option("--ace", help="Send the answered-call event (ace) to the callback URL.")]
Pie = Annotated[bool, Option("--pie", help="Send prompt-input events (pie) to the callback URL.")]
Dice = Annotated[bool, Option("--dice", help="Send the disconnected-call event (dice) to the callback URL.")]
Wait = Annotated[bool, Option("--wait", help="Follow the call until it ends; exit 5 if not answered.")]
ICE_HELP = ("Reply to the call's start: SVAML inline, @FILE or -, or an https URL. Inline SVAML says whom to "
            "call (live): no --to/--from then. Required in the spec layout.")
WaitTimeout = Annotated[Optional[float], Option("--wait-timeout", metavar="SECONDS",
                                                help="With --wait: give up after SECONDS (exit 6).")]


@app.command(epilog=examples(
    'sinchvoice callouts tts --to +46701234567 --text "Your table is ready"',
    "sinchvoice callouts tts --to +46701234567 --text @message.txt -q",
    'sinchvoice callouts tts --to +46701234567 --text "Hello" --wait',
    "sinchvoice callouts tts --to user:alice --prompts '#ssml[<speak>Hi</speak>]'",
))
def tts(
    ctx: Context,
    to: Annotated[list[str], Option("--to", metavar="DEST", show_default=False,
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
    until_answered: Annotated[bool, Option("--until-answered", help="Call each --to in turn, following each "
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
    bodies.add_given(body, locale=bodies.checked(svaml.check_locale, locale),
                     dtmf=bodies.checked(svaml.check_dtmf, dtmf), enableAce=ace, enableDice=dice, enablePie=pie)
    if until_answered:
        from sinchvoice.escalation import walk

        return walk(app_ctx, destinations, body, placing.check_wait(True, wait_timeout))
    placing.place(app_ctx, "ttsCallout", body, "tts", wait, wait_timeout)


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
    ctx: Context,
    to: To,
    conference_id: Annotated[str, Option("--conference-id", metavar="CONFERENCE_ID",
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
    wait: Annotated[bool, Option("--wait", help="Follow the call until it joins the conference (answered) "
                                                      "or ends; exit 5 if not answered.")] = False,
    wait_timeout: WaitTimeout = None,
) -> None:
    """Call someone into a conference; prints the call id.

    A conferenceCallout: everyone called with the same --conference-id talks together.
    """
    from sinchvoice.inputs import read_value

    app_ctx = app_context(ctx)
    body = bodies.parties(app_ctx, to, caller_id)
    body["conferenceId"] = bodies.conference_id(conference_id)
    if greeting is not None:
        greeting = svaml.check_text(read_value(greeting, what="--greeting", stdin=app_ctx.env.stdin), "--greeting")
    bodies.add_given(body, greeting=greeting, locale=bodies.checked(svaml.check_locale, locale),
                     mohClass=moh and moh.value, dtmf=bodies.checked(svaml.check_dtmf, dtmf),
                     maxDuration=bodies.max_duration(max_duration), enableAce=ace, enableDice=dice, enablePie=pie)
    placing.place(app_ctx, "conferenceCallout", body, f"conference {conference_id}", wait, wait_timeout)


@app.command(epilog=examples(
    "sinchvoice callouts custom --ice @ice.json",
    "sinchvoice callouts custom --to user:alice --ice @ice.json --ace @ace.json",
    "sinchvoice callouts custom --to +46701234567 --ice https://example.com/ice",
))
def custom(
    ctx: Context,
    to: Annotated[Optional[str], Option("--to", metavar="DEST", help=TO_HELP + " Not with inline ICE.")]
    = None,
    ice: Annotated[Optional[str], Option(metavar="SVAML", help=ICE_HELP)] = None,
    ace: Annotated[Optional[str], Option(metavar="SVAML", help="Reply when answered: SVAML inline, @FILE or "
                                                                     "-, or an https URL.")] = None,
    pie: Annotated[Optional[str], Option(metavar="SVAML", help="Reply to prompt input: SVAML inline, @FILE "
                                                                     "or -, or an https URL.")] = None,
    caller_id: From = None,
    dtmf: Dtmf = None,
    custom_data: Annotated[Optional[str], Option("--custom", metavar="TEXT",
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
    body = bodies.custom_parties(app_ctx, to, caller_id, ice)
    for name, value in (("ice", ice), ("ace", ace), ("pie", pie)):
        if value is not None:
            body[name] = svaml.callout_svaml(value, what=f"--{name}", stdin=app_ctx.env.stdin, warn=app_ctx.out.warn)
    bodies.add_given(body, dtmf=bodies.checked(svaml.check_dtmf, dtmf), custom=bodies.custom_data(custom_data),
                     maxDuration=bodies.max_duration(max_duration))
    placing.place(app_ctx, "customCallout", body, "custom", wait, wait_timeout)


@app.command(epilog=examples(
    'sinchvoice callouts batch people.csv --text "Hi {name}, your table is ready"',
    "sinchvoice callouts batch people.csv --text @alert.txt --rate 10 --yes",
    "sinchvoice callouts batch team.csv --kind conference --conference-id ops",
    'sinchvoice callouts batch people.csv --text "Hi {name}" --dry-run',
))
def batch(
    ctx: Context,
    source: Annotated[Path, Argument(metavar="FILE|-", allow_dash=True, show_default=False,
                                     help="Rows: a CSV file with a header row, or JSON Lines; - reads stdin.")],
    text: Annotated[Optional[str], Option("--text", metavar="TEXT", help="Words to speak (conference: the "
                                          "greeting); {column} puts in the row's value; inline or @FILE.")]
    = None,
    kind: Annotated[Kind, Option("--kind", help="tts: speak the text; conference: join a conference.")]
    = Kind.tts,
    conference_id: Annotated[Optional[str], Option("--conference-id", metavar="CONFERENCE_ID", help="With --kind "
                                                   "conference: the conference everyone joins.")] = None,
    caller_id: From = None,
    locale: Locale = None,
    journal: Annotated[Optional[str], Option("--journal", metavar="FILE", help="Where the batch is recorded "
                                             "(default: beside the input, FILE.journal.jsonl).")] = None,
    rate: Annotated[float, Option("--rate", metavar="N", help="Callouts per second.")] = 5.0,
    concurrency: Annotated[int, Option("--concurrency", metavar="N", help="Requests in flight at most.")] = 8,
    wait: Annotated[bool, Option("--wait", help="Follow every placed call to its end.")] = False,
    wait_timeout: WaitTimeout = None,
    skip_invalid: Annotated[bool, Option("--skip-invalid", help="Skip bad rows instead of exiting 2.")]
    = False,
    allow_duplicates: Annotated[bool, Option("--allow-duplicates", help="Call a destination once per row "
                                             "that has it.")] = False,
    retry_failed: Annotated[bool, Option("--retry-failed", help="Send the rows the API refused again.")]
    = False,
    retry_unknown: Annotated[bool, Option("--retry-unknown", help="Send again the rows that may have been "
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
