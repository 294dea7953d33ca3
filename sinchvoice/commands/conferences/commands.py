"""`conferences`: see who is in a conference and control participants."""

from typing import Annotated, Optional

from sinchvoice.commands.conferences import acting, participants
from sinchvoice.context import app_context
from sinchvoice.declare import Argument, Context, Option, examples, group
from sinchvoice.errors import NotFoundError, UsageError
from sinchvoice.fanout import DEFAULT_CONCURRENCY
from sinchvoice.fanout import HELP as CONCURRENCY_HELP
from sinchvoice.inputs import check_range
from sinchvoice.limits import MOH_CLASSES
from sinchvoice.svaml import MohClass

MOH_CHOICES = f"{', '.join(MOH_CLASSES[:-1])} or {MOH_CLASSES[-1]}"

app = group(help="See who is in a conference; mute, hold, kick participants.", epilog=examples(
    "sinchvoice conferences get standup",
    "sinchvoice conferences get standup --watch",
    "sinchvoice conferences mute standup --all --except CALL_ID",
    "sinchvoice conferences kick-all standup --yes",
))

DEFAULT_INTERVAL, MIN_INTERVAL, MAX_INTERVAL = 2.0, 0.5, 3600.0

ConferenceId = Annotated[str, Argument(metavar="CONFERENCE_ID",
                                                     help="The --conference-id of the callouts.")]
CallIds = Annotated[Optional[list[str]], Argument(metavar="[CALL_ID]...", show_default=False,
                                                  help="Participants' call ids (see `conferences get`).")]
All = Annotated[bool, Option("--all", help="Every current participant (the list is read first).")]
Except = Annotated[Optional[list[str]], Option(
    "--except", metavar="CALL_ID", show_default=False,
    help="With --all: leave these out (repeat it, or separate ids with commas).")]
Concurrency = Annotated[int, Option("--concurrency", metavar="N", help=CONCURRENCY_HELP)]


@app.command("get", epilog=examples(
    "sinchvoice conferences get standup",
    "sinchvoice conferences get standup -o csv",
    "sinchvoice conferences get standup -q",
    "sinchvoice conferences get standup --watch --interval 5",
))
def get(
    ctx: Context,
    conference_id: ConferenceId,
    watch: Annotated[bool, Option("--watch", help="Follow changes until the conference empties.")] = False,
    interval: Annotated[Optional[float], Option("--interval", metavar="SECONDS",
                                                help="With --watch: seconds between polls, 0.5-3600 "
                                                           "(default 2).")] = None,
) -> None:
    """List a conference's participants and their state.

    For each: call id, number, time in the conference, muted, on hold. With --watch the table redraws on a
    terminal; piped, it prints one JSON line per change (joined, left, muted, unmuted, held, resumed). It ends
    with exit 0 when the conference empties.
    """
    app_ctx = app_context(ctx)
    participants.check_conference_id(conference_id)
    interval = _check_interval(interval, watch)
    body = acting.fetch(app_ctx, conference_id)
    if body is None:  # --dry-run: the request was printed
        return
    _remember(app_ctx, conference_id, body)
    if watch:
        # Ctrl-C is how a watch is meant to end: a closing line, then root reports it as any other (130).
        participants.watch(app_ctx, conference_id, body, interval, lambda: _poll(app_ctx, conference_id))
        return
    app_ctx.out.render(body, columns=participants.COLUMNS, rows=participants.rows(body), ids=participants.ids(body),
                       footer=participants.count(len(participants.participants(body))), fit=participants.fit(),
                       csv_columns=participants.CSV_COLUMNS, csv_rows=participants.csv_rows(body))


def _check_interval(interval: float | None, watch: bool) -> float:
    # Without --watch nothing polls: a silently ignored --interval would hide a typo'd or missing --watch.
    if interval is not None and not watch:
        raise UsageError("--interval only works with --watch",
                         hint=f"add --watch to follow the conference every {interval:g} s, or drop --interval")
    if interval is None:
        return DEFAULT_INTERVAL
    # Polling faster than twice a second only burns the rate limit; time.sleep() refuses nan and huge values.
    return check_range(interval, "--interval", low=MIN_INTERVAL, high=MAX_INTERVAL, hint="e.g. --interval 2")


def _poll(app_ctx, conference_id: str) -> dict | None:
    """One watch poll; a 404 means the conference emptied (Sinch ends it when the last participant leaves)."""
    try:
        return app_ctx.client().get_conference(conference_id)
    except NotFoundError:
        return None


def _remember(app_ctx, conference_id: str, body: dict) -> None:
    app_ctx.remember("conferences", conference_id)
    app_ctx.remember("calls", *participants.ids(body))


# ---- participant commands: one request per participant, every one tried, per-item results ---------------

def _command(command: str, moh: str | None = None) -> acting.Action:
    return lambda client, conference_id, call_id: client.manage_conference_participant(
        conference_id, call_id, command, moh)


def _kick(client, conference_id: str, call_id: str):
    return client.kick_participant_from_conference(conference_id, call_id)


@app.command("mute", epilog=examples(
    "sinchvoice conferences mute standup CALL_ID",
    "sinchvoice conferences mute standup --all --except CALL_ID",
))
def mute(ctx: Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None, concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Mute participants of a conference.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    """
    acting.act(ctx, conference_id, call_ids, all_, except_, _command("mute"), "muted", concurrency)


@app.command("unmute", epilog=examples(
    "sinchvoice conferences unmute standup CALL_ID",
    "sinchvoice conferences unmute standup --all",
))
def unmute(ctx: Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
           except_: Except = None, concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Unmute participants of a conference.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    """
    acting.act(ctx, conference_id, call_ids, all_, except_, _command("unmute"), "unmuted", concurrency)


@app.command("hold", epilog=examples(
    "sinchvoice conferences hold standup CALL_ID --moh music1",
    "sinchvoice conferences hold standup --all --except CALL_ID",
))
def hold(ctx: Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None,
         moh: Annotated[Optional[MohClass], Option(
             "--moh", metavar="MUSIC", help=f"Music on hold while held: {MOH_CHOICES} (live layout; the "
                                            "contract's command has no field for it).")] = None,
         concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Put participants of a conference on hold.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    """
    moh_class = moh and moh.value
    acting.act(ctx, conference_id, call_ids, all_, except_, _command("onhold", moh_class), "on hold", concurrency,
         moh=moh_class)


@app.command("resume", epilog=examples(
    "sinchvoice conferences resume standup CALL_ID",
    "sinchvoice conferences resume standup --all",
))
def resume(ctx: Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
           except_: Except = None, concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Take participants of a conference off hold.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    """
    acting.act(ctx, conference_id, call_ids, all_, except_, _command("resume"), "resumed", concurrency)


@app.command("kick", epilog=examples(
    "sinchvoice conferences kick standup CALL_ID",
    "sinchvoice conferences kick standup --all --except CALL_ID --yes",
))
def kick(ctx: Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None, concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Remove participants from a conference; their calls end.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    Asks for confirmation on a terminal; needs --yes otherwise.
    """
    acting.act(ctx, conference_id, call_ids, all_, except_, _kick, "kicked", concurrency, destructive=True)


@app.command("kick-all", epilog=examples(
    "sinchvoice conferences kick-all standup",
    "sinchvoice conferences kick-all standup --yes",
))
def kick_all(ctx: Context, conference_id: ConferenceId) -> None:
    """Remove everyone, which ends the conference.

    Asks for confirmation on a terminal; needs --yes otherwise.
    """
    app_ctx = app_context(ctx)
    participants.check_conference_id(conference_id)
    app_ctx.confirm(f"kick everyone from conference {conference_id}")
    try:
        body = app_ctx.client().kick_all_from_conference(conference_id)
    except NotFoundError as error:
        raise acting.conference_not_found(conference_id, error) from None
    if body is None:
        return
    app_ctx.remember("conferences", conference_id)
    out = app_ctx.out
    if out.mode == "json":
        out.json(body)
    elif out.quiet:
        out.ids([conference_id])
    else:
        out.note(f"Kicked everyone from conference {conference_id}; it has ended")


