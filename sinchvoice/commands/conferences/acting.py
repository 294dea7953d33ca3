"""Acting on a conference's participants: read them (--all), confirm, send up to --concurrency requests at once,
report each participant's outcome; and the one way a missing conference is reported."""

from __future__ import annotations

from typing import Callable

from sinchvoice.commands.conferences import participants
from sinchvoice.context import app_context
from sinchvoice.errors import BatchError, NotFoundError, SinchVoiceError, reworded

Action = Callable[[object, str, str], object]


def fetch(app_ctx, conference_id: str) -> dict | None:
    try:
        return app_ctx.client().get_conference(conference_id)
    except NotFoundError as error:
        raise conference_not_found(conference_id, error) from None


# Right after conference callouts the participants are still ringing, so the conference does not exist yet.
NOT_FOUND_HINT = ("participants join when they answer (a few seconds after the callout); a conference ends "
                  "when the last one leaves")


def conference_not_found(conference_id: str, error: SinchVoiceError) -> NotFoundError:
    return reworded(error, f"conference {conference_id} not found (it ends when the last participant leaves)",
                    hint=NOT_FOUND_HINT)


def act(ctx, conference_id: str, call_ids, all_: bool, except_, action: Action, done: str, concurrency: int, *,
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
    report(app_ctx, conference_id, results)
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
            report(app_ctx, conference_id, results)
        raise conference_not_found(conference_id, gone[0])
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
            body = fetch(app_ctx, conference_id)
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


def report(app_ctx, conference_id: str, results: list[dict]) -> None:
    done = participants.succeeded(results)
    if done:
        app_ctx.remember("conferences", conference_id)
        app_ctx.remember("calls", *done)
    participants.show_results(app_ctx.out, results)
