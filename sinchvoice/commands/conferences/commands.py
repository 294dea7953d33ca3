"""`conferences`: see who is in a conference and control participants."""

from typing import Annotated, Callable, Optional

import typer

from sinchvoice.commands import group
from sinchvoice.commands.conferences import participants
from sinchvoice.context import app_context
from sinchvoice.errors import ExitCode, NotFoundError, SinchVoiceError, UsageError, batch_error
from sinchvoice.inputs import check_range
from sinchvoice.svaml import MohClass

app = group(help="See who is in a conference; mute, hold, kick participants.")

DEFAULT_INTERVAL, MIN_INTERVAL, MAX_INTERVAL = 2.0, 0.5, 3600.0

ConferenceId = Annotated[str, typer.Argument(metavar="CONF_ID", help="The conferenceId of the callouts.")]
CallIds = Annotated[Optional[list[str]], typer.Argument(metavar="[CALL_ID]...", show_default=False,
                                                        help="Participants' call ids (see `conferences get`).")]
All = Annotated[bool, typer.Option("--all", help="Every current participant (the list is read first).")]
Except = Annotated[Optional[list[str]], typer.Option(
    "--except", metavar="CALL_ID", show_default=False,
    help="With --all: leave these out (repeat it, or separate ids with commas).")]


@app.command("get")
def get(
    ctx: typer.Context,
    conference_id: ConferenceId,
    watch: Annotated[bool, typer.Option("--watch", help="Follow changes until the conference empties.")] = False,
    interval: Annotated[Optional[float], typer.Option("--interval", metavar="S", show_default="2",
                                                      help="Seconds between polls (0.5-3600).")] = None,
) -> None:
    """Who is in a conference: call id, caller id, time in conference, muted, on hold.

    With --watch the table redraws on a terminal; piped, it prints one JSON line per change
    (joined, left, muted, unmuted, held, resumed). It ends with exit 0 when the conference empties.
    """
    app_ctx = app_context(ctx)
    participants.check_conference_id(conference_id)
    interval = _check_interval(interval, watch)
    body = _fetch(app_ctx, conference_id)
    if body is None:  # --dry-run: the request was printed
        return
    _remember(app_ctx, conference_id, body)
    if watch:
        try:
            participants.watch(app_ctx, conference_id, body, interval, lambda: _poll(app_ctx, conference_id))
        except KeyboardInterrupt:  # Ctrl-C is how a watch is meant to end: no traceback, cli.md's 130
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        return
    out = app_ctx.out
    if out.mode == "csv" and not out.quiet:
        out.csv(participants.CSV_COLUMNS, participants.csv_rows(body))
        return
    out.render(body, columns=participants.COLUMNS, rows=participants.rows(body), ids=participants.ids(body),
               footer=participants.count(len(participants.participants(body))))


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
    return NotFoundError(f"conference {conference_id} not found (it ends when the last participant leaves)",
                         hint=NOT_FOUND_HINT, **error.details)


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


@app.command("mute")
def mute(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None) -> None:
    """Mute participants: CALL_ID... or --all [--except CALL_ID...]."""
    _act(ctx, conference_id, call_ids, all_, except_, _command("mute"), "muted")


@app.command("unmute")
def unmute(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
           except_: Except = None) -> None:
    """Unmute participants: CALL_ID... or --all [--except CALL_ID...]."""
    _act(ctx, conference_id, call_ids, all_, except_, _command("unmute"), "unmuted")


@app.command("hold")
def hold(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None,
         moh: Annotated[Optional[MohClass], typer.Option("--moh", help="Music on hold while held: ring, music1, "
                                                         "music2 or music3 (live layout; the contract's command "
                                                         "has no field for it).")] = None) -> None:
    """Put participants on hold: CALL_ID... or --all [--except CALL_ID...]."""
    moh_class = moh and moh.value
    _act(ctx, conference_id, call_ids, all_, except_, _command("onhold", moh_class), "on hold", moh=moh_class)


@app.command("resume")
def resume(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
           except_: Except = None) -> None:
    """Take participants off hold: CALL_ID... or --all [--except CALL_ID...]."""
    _act(ctx, conference_id, call_ids, all_, except_, _command("resume"), "resumed")


@app.command("kick")
def kick(ctx: typer.Context, conference_id: ConferenceId, call_ids: CallIds = None, all_: All = False,
         except_: Except = None) -> None:
    """Remove participants (hangs up their calls): CALL_ID... or --all [--except CALL_ID...].

    Asks for confirmation on a terminal; needs --yes otherwise.
    """
    _act(ctx, conference_id, call_ids, all_, except_, _kick, "kicked", destructive=True)


@app.command("kick-all")
def kick_all(ctx: typer.Context, conference_id: ConferenceId) -> None:
    """Remove everyone, which ends the conference. Asks on a terminal; needs --yes otherwise."""
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


def _act(ctx, conference_id: str, call_ids, all_: bool, except_, action: Action, done: str, *,
         destructive: bool = False, moh: str | None = None) -> None:
    from sinchvoice.client import check_segment

    app_ctx = app_context(ctx)
    participants.check_conference_id(conference_id)
    explicit, excluded = participants.check_targets(list(call_ids or ()), all_, participants.split_ids(except_))
    # Every id that goes into a URL is checked before the first request: a bad one among good ones sends nothing.
    for value, name in [(conference_id, "conference_id"), *((call_id, "call_id") for call_id in explicit)]:
        check_segment(value, name)
    if destructive:
        app_ctx.confirm(participants.kick_question(conference_id, explicit, all_, excluded))
    if moh is not None and not app_ctx.layout.moh:
        app_ctx.out.warn(f"--moh {moh} is not sent: the contract's participant command carries only \"command\"; "
                         "the music a held participant hears is the callout's mohClass")
    client = app_ctx.client()  # credential problems stop here, not once per participant
    targets = _all_but(app_ctx, conference_id, excluded) if all_ else explicit
    results, codes = _run(app_ctx, client, conference_id, targets, action, done)
    if app_ctx.settings.dry_run:
        app_ctx.out.note(f"dry run: {len(targets)} request{'' if len(targets) == 1 else 's'} shown, none sent")
        return
    _report(app_ctx, conference_id, results)
    if codes:
        raise batch_error(codes, len(results), "participants")


def _run(app_ctx, client, conference_id: str, targets: list[str], action: Action, done: str):
    """(per-participant results, exit codes of the failures); stops if the conference itself is gone."""
    results, codes, checked = [], [], False
    for call_id in targets:
        try:
            answer = action(client, conference_id, call_id)
        except SinchVoiceError as error:
            if isinstance(error, NotFoundError) and not checked:  # the participant, or the whole conference?
                checked = True
                _stop_if_gone(app_ctx, client, conference_id, results)
            results.append(participants.failure(call_id, error))
            codes.append(int(error.exit_code))
        else:
            if answer is not None:  # None: --dry-run printed the request
                results.append(participants.success(call_id, done))
    return results, codes


def _stop_if_gone(app_ctx, client, conference_id: str, results: list[dict]) -> None:
    """One GET: if the conference is gone, say so as `get` does instead of failing every participant alike."""
    try:
        client.get_conference(conference_id)
    except NotFoundError as error:
        if results:  # some were done before it ended (e.g. the last one kicked): show what happened
            _report(app_ctx, conference_id, results)
        raise _conference_not_found(conference_id, error) from None
    except SinchVoiceError:  # the check itself failed: keep reporting the participant's own 404
        pass


def _all_but(app_ctx, conference_id: str, excluded: list[str]) -> list[str]:
    """Read the participant list, even in --dry-run: a GET changes nothing, and the plan then names real calls."""
    dry_run = app_ctx.settings.dry_run
    with app_ctx.client().transport.reads_in_dry_run():
        body = _fetch(app_ctx, conference_id)
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
