"""What `callouts batch` does, step by step: check every row, open the journal, ask, send, follow, report."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from sinchvoice.commands.callouts.batch import report
from sinchvoice.commands.callouts.batch.display import Display, duration
from sinchvoice.commands.callouts.batch.journal import PLACED, VERSION, Journal, default_path, now
from sinchvoice.commands.callouts.batch.plan import DUPLICATE, INVALID, count, some
from sinchvoice.commands.callouts.batch.verdict import verdict
from sinchvoice.errors import UsageError

# Sinch publishes no calls-per-second figure for callouts; platforms that do start accounts at 1 to 5 calls per
# second, and carriers flag bursts from one caller ID. Slow enough to be safe, fast enough for a team (README).
DEFAULT_RATE = 5.0
DEFAULT_CONCURRENCY = 8
MAX_RATE, MAX_CONCURRENCY = 1000.0, 256
DRY_RUN_REQUESTS = 3


@dataclass(frozen=True)
class Options:
    source: str
    text: str | None = None
    kind: str = "tts"
    conference_id: str | None = None
    caller_id: str | None = None
    locale: str | None = None
    journal: str | None = None
    rate: float = DEFAULT_RATE
    concurrency: int = DEFAULT_CONCURRENCY
    wait: bool = False
    wait_timeout: float | None = None
    skip_invalid: bool = False
    allow_duplicates: bool = False
    retry_failed: bool = False
    retry_unknown: bool = False


def run(app_ctx, options: Options) -> None:
    from sinchvoice.commands.callouts.batch.source import open_source

    options = _checked(options)
    text = _text(app_ctx, options)
    source = open_source(options.source, app_ctx.env.stdin)
    try:
        _run(app_ctx, options, source, text)
    finally:
        source.close()


def _checked(options: Options) -> Options:
    from sinchvoice.callstatus import DEFAULT_WAIT_TIMEOUT, check_wait_timeout
    from sinchvoice.inputs import check_range

    check_range(options.rate, "--rate", low=0.01, high=MAX_RATE, unit="callouts per second",
                hint=f"e.g. --rate {DEFAULT_RATE:g} (the default)")
    if not 1 <= options.concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency {options.concurrency} is out of range; use 1 to {MAX_CONCURRENCY}",
                         hint=f"e.g. --concurrency {DEFAULT_CONCURRENCY} (the default)")
    if options.wait_timeout is not None and not options.wait:
        raise UsageError("--wait-timeout only applies with --wait", hint="add --wait to follow the calls")
    timeout = check_wait_timeout(DEFAULT_WAIT_TIMEOUT if options.wait_timeout is None else options.wait_timeout)
    return Options(**{**{f.name: getattr(options, f.name) for f in fields(options)}, "wait_timeout": timeout})


def _text(app_ctx, options: Options) -> str | None:
    from sinchvoice.inputs import read_value

    if options.text is None:
        return None
    if options.text == "-" and options.source == "-":
        raise UsageError("the rows and --text cannot both come from standard input",
                         hint="give --text inline or as @FILE")
    return read_value(options.text, what="--text", stdin=app_ctx.env.stdin)


def _run(app_ctx, options: Options, source, text: str | None) -> None:
    from sinchvoice.commands.callouts.batch.plan import check_rows
    from sinchvoice.commands.callouts.batch.shape import Shape
    from sinchvoice.commands.callouts.batch.source import Reader

    # A default caller ID is checked under its own name (SINCHVOICE_FROM or the profile), not as --from.
    caller_id = options.caller_id or (app_ctx.caller_id(None) if app_ctx.settings.caller_id else None)
    shape = Shape(options.kind, text, options.conference_id, caller_id, options.locale, options.allow_duplicates)
    reader = Reader(source)
    shape.check_columns(reader.header)
    plan = check_rows(reader, shape, options.skip_invalid)
    _warn_skipped(app_ctx.out, plan)
    path = Path(options.journal).expanduser() if options.journal else default_path(source, app_ctx.env.state_dir)
    if app_ctx.settings.dry_run:
        return _dry_run(app_ctx, reader, shape, plan, options, path)
    if not options.journal and source.spooled:
        from sinchvoice.files import private_dir

        private_dir(path.parent)
    journal = Journal(path)
    try:
        _with_journal(app_ctx, options, source, reader, shape, plan, journal)
    except BaseException:
        journal.discard_if_empty()  # declined, interrupted or refused before the first record: leave nothing
        raise
    finally:
        journal.close()


def _warn_skipped(out, plan) -> None:
    invalid, duplicates = plan.lines(INVALID), plan.lines(DUPLICATE)
    if invalid:
        out.warn(f"skipping {count(len(invalid), 'invalid row')} ({some(invalid)}); see the results")
    if duplicates:
        out.warn(f"not calling {count(len(duplicates), 'row')} whose destination an earlier row has "
                 f"({some(duplicates)}); --allow-duplicates calls them")


def _question(shape, plan, todo: int, rate: float, placed_before: int) -> str:
    callers = sorted(plan.caller_ids)
    text = f"place {count(todo, 'call')} from {callers[0] if len(callers) == 1 else 'several caller IDs'}"
    if plan.conferences:
        text += f" into {'conference ' + next(iter(plan.conferences)) if len(plan.conferences) == 1 else 'conferences'}"
    text += f" at {rate:g}/s, about {duration(todo / rate)}"
    if placed_before:
        text += f" ({placed_before:,} of {plan.rows:,} rows were placed before)"
    return text


def _dry_run(app_ctx, reader, shape, plan, options, path) -> None:
    out = app_ctx.env.stdout
    print(f"Would {_question(shape, plan, plan.sendable, options.rate, 0)} (nothing is sent).", file=out)
    resumes = " exists: a real run resumes it, skipping the rows it shows placed" if path.exists() else ""
    print(f"Journal: {path}{resumes} (not written in a dry run)", file=out)
    shown = 0
    client = app_ctx.client()
    for row in reader:
        if shown == DRY_RUN_REQUESTS:
            break
        if row.index not in plan.skipped:
            print(f"\nline {row.line}:", file=out, flush=True)
            client.create_callout(shape.build(row.values)[1])  # the transport prints it: --dry-run
            shown += 1


def _header(source, plan, shape) -> dict:
    return {"event": "batch", "version": VERSION, "input": {"name": source.name, "sha256": source.digest,
                                                              "rows": plan.rows},
            "request": shape.fingerprint(), "created": now()}


OPTION_NAMES = {"kind": "--kind", "text": "--text", "conference_id": "--conference-id",
                "caller_id": "--from (or SINCHVOICE_FROM, or the profile's caller ID)", "locale": "--locale",
                "allow_duplicates": "--allow-duplicates"}


def _check_header(header: dict, source, plan, shape, path: Path) -> None:
    """A journal resumes only the batch it was written for: the same rows, the same options."""
    hint = "give the input and options it was written for, or --journal FILE for a new batch"
    if header.get("version") != VERSION:
        raise UsageError(f"the journal {path} was written by another version of sinchvoice", hint=hint)
    written = header.get("input") or {}
    if written.get("sha256") != source.digest or written.get("rows") != plan.rows:
        raise UsageError(f"the journal {path} belongs to other rows: {source.name} is not the input it was "
                         "written for", hint=hint)
    before, current = header.get("request") or {}, shape.fingerprint()
    for key, value in current.items():
        if before.get(key) != value:
            raise UsageError(f"the journal {path} was written with other options: {OPTION_NAMES[key]} was "
                             f"{before.get(key)!r} then, {value!r} now", hint=hint)


def _with_journal(app_ctx, options, source, reader, shape, plan, journal) -> None:
    from sinchvoice.commands.callouts.batch.runner import wanted

    ledger = journal.load(plan.rows)
    if ledger.header is not None:
        _check_header(ledger.header, source, plan, shape, journal.path)
    todo = sum(1 for row, status in enumerate(ledger.status) if row not in plan.skipped
               and wanted(status, options.retry_failed, options.retry_unknown))
    pool = None
    if todo or options.wait:
        from sinchvoice.clients import paced_client_pool

        pool = paced_client_pool(app_ctx)  # no credentials, a bad --base-url: said before asking
    if todo:
        placed_before = ledger.status.count(PLACED)
        app_ctx.confirm(_question(shape, plan, todo, options.rate, placed_before))
    if not source.unchanged():
        raise UsageError(f"{source.name} changed while it was being checked; nothing was sent",
                         hint="run the command again once the file is complete")
    journal.begin(None if ledger.header else _header(source, plan, shape))
    _send_and_report(app_ctx, options, reader, shape, plan, journal, ledger, todo, pool)


def _send_and_report(app_ctx, options, reader, shape, plan, journal, ledger, todo: int, pool) -> None:
    from sinchvoice.commands.callouts.batch.follow import Follower, placed_without_result
    from sinchvoice.commands.callouts.batch.runner import Sender

    display = Display(app_ctx)
    sender, follower = Sender(journal, pool, shape, plan, ledger, options), None
    try:
        with display.sending(sender, todo) as tick:
            sender.run(reader, tick)
        stopped = sender.pacer.interrupted or sender.stopped_by or sender.pacer.gave_up
        if options.wait and not stopped:
            calls = placed_without_result(journal, journal.load(plan.rows))
            follower = Follower(journal, pool, options, app_ctx.env.sleep)
            with display.following(follower, len(calls)) as tick:
                follower.run(calls, tick)
    finally:
        abandoned = sender.pacer.in_flight > 0  # a second Ctrl-C: those requests may still be writing
        if abandoned:
            journal.leave_open()
        elif pool is not None:
            pool.close()
    ledger = journal.load(plan.rows, repair=not abandoned)
    tally = report.Tally()
    for _ in report.results(reader, plan, ledger, journal, options.wait, tally):
        pass
    report.show(app_ctx.out, lambda: report.results(reader, plan, ledger, journal, options.wait), options.wait)
    from sinchvoice.text import escape  # result words come from the API

    print(escape(report.summary(tally, sender.counts.placed, options.wait)), file=app_ctx.env.stderr, flush=True)
    app_ctx.remember("calls", *sender.counts.call_ids)
    app_ctx.remember("conferences", *sorted(plan.conferences))
    error = verdict(app_ctx, options, tally, sender, follower, journal.path)
    if error is not None:
        raise error
