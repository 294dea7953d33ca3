"""`conferences`: see who is in a conference and control participants."""

from typing import Annotated, Callable, Optional

import typer

from sinchvoice.commands import group
from sinchvoice.commands.conferences import participants
from sinchvoice.context import app_context
from sinchvoice.errors import BatchError, NotFoundError, SinchVoiceError, UsageError, reworded
from sinchvoice.fanout import DEFAULT_CONCURRENCY
from sinchvoice.fanout import HELP as CONCURRENCY_HELP
from sinchvoice.helptext import examples
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

ConferenceId = Annotated[str, typer.Argument(metavar="CONFERENCE_ID",
                                                     help="The --conference-id of the callouts.")]
CallIds = Annotated[Optional[list[str]], typer.Argument(metavar="[CALL_ID]...", show_default=False,
                                                        help="Participants' call ids (see `conferences get`).")]
All = Annotated[bool, typer.Option("--all", help="Every current participant (the list is read first).")]
Except = Annotated[Optional[list[str]], typer.Option(
    "--except", metavar="CALL_ID", show_default=False,
    help="With --all: leave these out (repeat it, or separate ids with commas).")]
Concurrency = Annotated[int, typer.Option("--concurrency", metavar="N", help=CONCURRENCY_HELP)]


@app.command("get", epilog=examples(
    "sinchvoice conferences get standup",
    "sinchvoice conferences get standup -o csv",
    "sinchvoice conferences get standup -q",
    "sinchvoice conferences get standup --watch --interval 5",
))
def get(
    ctx: typer.Context,
    conference_id: ConferenceId,
    watch: Annotated[bool, typer.Option("--watch", help="Follow changes until the conference empties.")] = False,
    interval: Annotated[Optional[float], typer.Option("--interval", metavar="SECONDS",
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
    body = _fetch(app_ctx, conference_id)
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


def _fetch(app_ctx, conference_id: str) -> dict | None:
    try:
        return app_ctx.client().get_conference(conference_id)
    except NotFoundError as error:
        raise _conference_not_found(conference_id, error) from None


def _poll(app_ctx, conference_id: str) -> dict | None:
    """One watch poll; a 404 means the conference emptied (Sinch ends it when the last participant leaves)."""
    try:
        return app_ctx.client().get_conference(conference_id)
    except NotFoundError:
        return None


# Right after conference callouts the participants are still ringing, so the conference does not exist yet.
NOT_FOUND_HINT = ("participants join when they answer (a few seconds after the callout); a conference ends "
                  "when the last one leaves")


def _conference_not_found(conference_id: str, error: SinchVoiceError) -> NotFoundError:
    return reworded(error, f"conference {conference_id} not found (it ends when the last participant leaves)",
                    hint=NOT_FOUND_HINT)


def _remember(app_ctx, conference_id: str, body: dict) -> None:
    app_ctx.remember("conferences", conference_id)
    app_ctx.remember("calls", *participants.ids(body))


# ---- participant commands: one request per participant, every one tried, per-item results ---------------

Action = Callable[[object, str, str], object]


def _command(command: str, moh: str | None = None) -> Action:
    return lambda client, conference_id, call_id: client.manage_conference_participant(
        conference_id, call_id, command, moh)


def _kick(client, conference_id: str, call_id: str):
    return client.kick_participant_from_conference(conference_id, call_id)


@app.command("mute", epilog=examples(
    "sinchvoice conferences mute standup CALL_ID",
    "sinchvoice conferences mute standup --all --except CALL_ID",
))
def mute(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None, concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Mute participants of a conference.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    """
    _act(ctx, conference_id, call_ids, all_, except_, _command("mute"), "muted", concurrency)


@app.command("unmute", epilog=examples(
    "sinchvoice conferences unmute standup CALL_ID",
    "sinchvoice conferences unmute standup --all",
))
def unmute(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
           except_: Except = None, concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Unmute participants of a conference.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    """
    _act(ctx, conference_id, call_ids, all_, except_, _command("unmute"), "unmuted", concurrency)


@app.command("hold", epilog=examples(
    "sinchvoice conferences hold standup CALL_ID --moh music1",
    "sinchvoice conferences hold standup --all --except CALL_ID",
))
def hold(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None,
         moh: Annotated[Optional[MohClass], typer.Option(
             "--moh", metavar="MUSIC", help=f"Music on hold while held: {MOH_CHOICES} (live layout; the "
                                            "contract's command has no field for it).")] = None,
         concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Put participants of a conference on hold.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    """
    moh_class = moh and moh.value
    _act(ctx, conference_id, call_ids, all_, except_, _command("onhold", moh_class), "on hold", concurrency,
         moh=moh_class)


@app.command("resume", epilog=examples(
    "sinchvoice conferences resume standup CALL_ID",
    "sinchvoice conferences resume standup --all",
))
def resume(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
           except_: Except = None, concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Take participants of a conference off hold.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    """
    _act(ctx, conference_id, call_ids, all_, except_, _command("resume"), "resumed", concurrency)


@app.command("kick", epilog=examples(
    "sinchvoice conferences kick standup CALL_ID",
    "sinchvoice conferences kick standup --all --except CALL_ID --yes",
))
def kick(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None, concurrency: Concurrency = DEFAULT_CONCURRENCY) -> None:
    """Remove participants from a conference; their calls end.

    Name them by call id (see `conferences get`), or give --all, with --except for any to leave out.
    Asks for confirmation on a terminal; needs --yes otherwise.
    """
    _act(ctx, conference_id, call_ids, all_, except_, _kick, "kicked", concurrency, destructive=True)


@app.command("kick-all", epilog=examples(
    "sinchvoice conferences kick-all standup",
    "sinchvoice conferences kick-all standup --yes",
))
def kick_all(ctx: typer.Context, conference_id: ConferenceId) -> None:
    """Remove everyone, which ends the conference.

    Asks for confirmation on a terminal; needs --yes otherwise.
    """
    app_ctx = app_context(ctx)
    participants.check_conference_id(conference_id)
    app_ctx.confirm(f"kick everyone from conference {conference_id}")
    try:
        body = app_ctx.client().kick_all_from_conference(conference_id)
    except NotFoundError as error:
        raise _conference_not_found(conference_id, error) from None
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


def _act(ctx, conference_id: str, call_ids, all_: bool, except_, action: Action, done: str, concurrency: int, *,
         destructive: bool = False, moh: str | None = None) -> None:
    from sinchvoice.client import check_segment
    from sinchvoice.fanout import check_concurrency

    app_ctx = app_context(ctx)
    participants.check_conference_id(conference_id)
    check_concurrency(concurrency)
    explicit, excluded = participants.check_targets(list(call_ids or ()), all_, participants.split_ids(except_))
    # Every id that goes into a URL is checked before the first request: a bad one among good ones sends nothing.
    for value, name in [(conference_id, "conference_id"), *((call_id, "call_id") for call_id in explicit)]:
        check_segment(value, name)
    # With --all on a terminal the question waits for the participant list, so that it can say how many.
    ask_after_reading = destructive and all_ and app_ctx.env.stdin_isatty
    if destructive and not ask_after_reading:
        app_ctx.confirm(participants.kick_question(conference_id, explicit, all_, excluded))
    if moh is not None and not app_ctx.layout.moh:
        app_ctx.out.warn(f"--moh {moh} is not sent: the contract's participant command carries only \"command\"; "
                         "the music a held participant hears is the callout's mohClass")
    app_ctx.client()  # credential problems stop here, not once per participant
    targets = _all_but(app_ctx, conference_id, excluded) if all_ else explicit
    if ask_after_reading and targets:
        app_ctx.confirm(participants.kick_question(conference_id, targets, all_, excluded))
    results, codes = _run(app_ctx, conference_id, targets, action, done, concurrency)
    if app_ctx.settings.dry_run:
        app_ctx.out.note(f"dry run: {len(targets)} request{'' if len(targets) == 1 else 's'} shown, none sent")
        return
    _report(app_ctx, conference_id, results)
    if codes:
        raise BatchError(codes, len(results), "participants")


def _run(app_ctx, conference_id: str, targets: list[str], action: Action, done: str, concurrency: int):
    """(per-participant results, exit codes of the failures), in input order; stops if the conference itself is gone."""
    import threading

    from sinchvoice.fanout import Fanout
    from sinchvoice.pacing import NOT_RUN

    fanout, checked, gone = Fanout(app_ctx, concurrency), threading.Lock(), []

    def one(client, call_id: str):
        try:
            return action(client, conference_id, call_id)
        except NotFoundError:
            if checked.acquire(blocking=False):  # the first 404: the participant, or the whole conference?
                gone.extend(filter(None, [_gone(client, conference_id)]))
                if gone:
                    fanout.stop()
            raise

    results, codes = [], []
    for call_id, outcome in zip(targets, fanout.run(targets, one), strict=True):
        if outcome is NOT_RUN or gone and isinstance(outcome, NotFoundError):
            continue
        if isinstance(outcome, SinchVoiceError):
            results.append(participants.failure(call_id, outcome))
            codes.append(int(outcome.exit_code))
        elif outcome is not None:  # None: --dry-run printed the request
            results.append(participants.success(call_id, done))
    if gone:  # say so as `get` does instead of failing every participant alike; show what was done before it ended.
        # With -o json the results are an array even when empty, so a script reads `[]`, not nothing.
        if results or app_ctx.out.mode == "json":
            _report(app_ctx, conference_id, results)
        raise _conference_not_found(conference_id, gone[0])
    return results, codes


def _gone(client, conference_id: str) -> NotFoundError | None:
    """One GET: the conference's 404 if it has ended; None if it is there (or the check itself failed)."""
    try:
        client.get_conference(conference_id)
    except NotFoundError as error:
        return error
    except SinchVoiceError:  # the check itself failed: keep reporting the participant's own 404
        pass
    return None


def _all_but(app_ctx, conference_id: str, excluded: list[str]) -> list[str]:
    """Read the participant list, even in --dry-run: a GET changes nothing, and the plan then names real calls."""
    dry_run = app_ctx.settings.dry_run
    with app_ctx.client().transport.reads_in_dry_run():
        try:
            body = _fetch(app_ctx, conference_id)
        except NotFoundError:
            if app_ctx.out.mode == "json" and not dry_run:  # no participant acted on: the empty results array
                app_ctx.out.json([])
            raise
    targets, absent = participants.select(body, excluded)
    for call_id in absent:
        app_ctx.out.warn(f"--except {call_id}: not in conference {conference_id}")
    if dry_run:
        app_ctx.out.note(f"dry run: read the participants of {conference_id} (a GET) to plan these requests")
    if not targets:
        app_ctx.out.note("nothing to do: every participant is excluded")
    return targets


def _report(app_ctx, conference_id: str, results: list[dict]) -> None:
    done = participants.succeeded(results)
    if done:
        app_ctx.remember("conferences", conference_id)
        app_ctx.remember("calls", *done)
    participants.show_results(app_ctx.out, results)
