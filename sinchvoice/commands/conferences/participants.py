"""Conference participants without I/O: input checks, target selection, table rows, watch events, results."""

from __future__ import annotations

from sinchvoice.client import objects, participant_id
from sinchvoice.errors import SinchVoiceError, StoppedWatching, UsageError, as_json
from sinchvoice.inputs import check_identifier
from sinchvoice.limits import MAX_CONFERENCE_ID

# Short labels so that a participant fits 80 columns; the number is the participant's (the API's `cli`).
COLUMNS = ("call id", "number", "time", "muted", "held")
# The contract's name for the call id (the platform's is "id"), whichever layout answered.
CSV_COLUMNS = ("callId", "cli", "duration", "muted", "onhold")
RESULT_COLUMNS = ("call id", "outcome", "detail")


def fit():
    """Ids whole; on a narrow terminal "held" goes first, then "muted" (`mute`, `hold` and --watch say them)."""
    from sinchvoice.drawing import Fit

    return Fit(whole=("call id",), drop=("held", "muted", "time"))
RESULT_CSV_COLUMNS = ("callId", "outcome", "detail")
# (field, value) -> watch event name; "joined" and "left" come from presence, not from a field.
FLAG_EVENTS = {("muted", True): "muted", ("muted", False): "unmuted", ("onhold", True): "held",
               ("onhold", False): "resumed"}


def check_conference_id(value: str) -> str:
    if len(value) > MAX_CONFERENCE_ID:
        raise UsageError(f"the conference id is {len(value)} characters long; Sinch allows at most "
                         f"{MAX_CONFERENCE_ID}",
                         hint=f"check the id; conference ids are at most {MAX_CONFERENCE_ID} characters")
    return check_identifier(value, "the conference id", hint="give the conferenceId used in the callouts")


def split_ids(values: list[str] | None) -> list[str]:
    """Repeated options and comma-separated lists alike: `--except a,b --except c`."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def check_targets(call_ids: list[str], all_: bool, except_: list[str]) -> tuple[list[str], list[str]]:
    """(explicit call ids, excluded ids); with --all, ids after `--except A` are more exclusions (`--except A B`)."""
    if any(not call_id.strip() for call_id in call_ids):
        raise UsageError("a CALL_ID is empty", hint="give the participants' call ids (see `conferences get`)")
    for call_id in call_ids:
        check_identifier(call_id, "the call id", hint="give the participants' call ids (see `conferences get`)")
    if except_ and not all_:
        raise UsageError("--except only works with --all", hint="list the CALL_IDs to act on instead")
    if all_:
        if call_ids and not except_:
            raise UsageError("give CALL_IDs or --all, not both",
                             hint="--all acts on every participant; add --except CALL_ID to leave some out")
        return [], list(dict.fromkeys(except_ + call_ids))
    if not call_ids:
        raise UsageError("no participant given", hint="give one or more CALL_IDs, or --all (with --except ...)")
    return list(dict.fromkeys(call_ids)), []


def select(body: dict, excluded: list[str]) -> tuple[list[str], list[str]]:
    """(call ids to act on, excluded ids that are not in the conference) from a getConference body."""
    present = ids(body)
    return [c for c in present if c not in excluded], [c for c in excluded if c not in present]


def participants(body: dict | None) -> list[dict]:
    """The participants that have a call id (`id` live, `callId` in the contract); nonsense items are skipped."""
    return [p for p in objects(body, "participants") if participant_id(p) is not None]


def ids(body: dict | None) -> list[str]:
    return list(dict.fromkeys(participant_id(p) for p in participants(body)))


def rows(body: dict) -> list[list]:
    from sinchvoice.text import minutes

    return [[participant_id(p), p.get("cli"), minutes(p.get("duration")), bool(p.get("muted")),
             bool(p.get("onhold"))] for p in participants(body)]


def csv_rows(body: dict) -> list[list]:
    # Scripts get the API's field names and raw seconds; booleans in JSON spelling.
    return [[participant_id(p), p.get("cli"), p.get("duration"), _json_bool(p.get("muted")),
             _json_bool(p.get("onhold"))] for p in participants(body)]


def _json_bool(value) -> str:
    return "true" if value else "false"


def _csv_cell(value):
    return _json_bool(value) if isinstance(value, bool) else value


def count(n: int) -> str:
    return f"{n} participant{'' if n == 1 else 's'}"


def events(conference_id: str, before: dict | None, after: dict | None) -> list[dict]:
    """What changed between two getConference bodies (None = no conference), in a stable order."""
    old = {participant_id(p): p for p in participants(before)}
    new = {participant_id(p): p for p in participants(after)}
    found = []
    for call_id, p in new.items():
        if call_id not in old:
            found.append(_event("joined", conference_id, p))
            continue
        for field in ("muted", "onhold"):
            if bool(p.get(field)) != bool(old[call_id].get(field)):
                found.append(_event(FLAG_EVENTS[(field, bool(p.get(field)))], conference_id, p))
    found += [_event("left", conference_id, p) for call_id, p in old.items() if call_id not in new]
    return found


def _event(name: str, conference_id: str, participant: dict) -> dict:
    return {"event": name, "conferenceId": conference_id, "callId": participant_id(participant),
            "cli": participant.get("cli"), "duration": participant.get("duration"),
            "muted": bool(participant.get("muted")), "onhold": bool(participant.get("onhold"))}


def kick_question(conference_id: str, targets: list[str], all_: bool, excluded: list[str]) -> str:
    """The question before a kick; with --all, `targets` are the participants read (empty: not read yet)."""
    but = f" except {', '.join(excluded)}" if excluded else ""
    if all_ and targets:
        return f"kick {count(len(targets))} from conference {conference_id} (everyone{but})"
    if not all_:
        return f"kick {count(len(targets))} ({', '.join(targets)}) from conference {conference_id}"
    return f"kick every participant{but} from conference {conference_id}"


def success(call_id: str, done: str) -> dict:
    """One participant's result, shaped like the numbers batch's: `outcome` is the done word, `detail` empty."""
    return {"callId": call_id, "outcome": done, "detail": ""}


def failure(call_id: str, error: SinchVoiceError) -> dict:
    return {"callId": call_id, "outcome": "error", "detail": error.message,
            "error": as_json(error.message, error.details)}


def succeeded(results: list[dict]) -> list[str]:
    return [r["callId"] for r in results if r["outcome"] != "error"]


def show_results(out, results: list[dict]) -> None:
    """Per-participant outcomes: a table, the JSON array, csv, or (-q) the call ids that succeeded."""
    rows = [[r["callId"], r["outcome"], r["detail"]] for r in results]
    out.render(results, columns=RESULT_COLUMNS, rows=rows, ids=succeeded(results), csv_columns=RESULT_CSV_COLUMNS,
               csv_rows=rows)


# ---- --watch: the only part that draws; polls through `fetch` and sleeps through env.sleep -----------------

EVENT_COLUMNS = ("event", "conferenceId", "callId", "cli", "duration", "muted", "onhold")


def watch(app_ctx, conference_id: str, body: dict, interval: float, fetch) -> None:
    """Redraw on a terminal, JSON lines (or csv rows) otherwise, until `fetch()` returns None (it emptied)."""
    out = app_ctx.out
    live = out.rich_enabled and out.mode == "table" and not out.quiet
    if live:
        out.note(f"Watching conference {conference_id} every {interval:g} s: Ctrl-C to stop")
    try:
        (_watch_live if live else _watch_lines)(app_ctx, conference_id, body, interval, fetch)
    except KeyboardInterrupt:
        raise StoppedWatching(f"stopped watching conference {conference_id}; it goes on",
                              hint=f"end it with `sinchvoice conferences kick-all {conference_id}`") from None
    out.note(f"conference {conference_id} has ended: the last participant left")


def _watch_lines(app_ctx, conference_id: str, body: dict | None, interval: float, fetch) -> None:
    previous, out = None, app_ctx.out
    csv_mode = out.mode == "csv" and not out.quiet
    if csv_mode:
        out.csv(EVENT_COLUMNS, [])  # the header once, whatever comes
    while True:
        changes = events(conference_id, previous, body)
        if csv_mode:
            out.csv(EVENT_COLUMNS, [[_csv_cell(c[k]) for k in EVENT_COLUMNS] for c in changes], header=False)
        for change in changes if not csv_mode else ():
            out.json_line(change)
        app_ctx.remember("calls", *[c["callId"] for c in changes if c["event"] == "joined"])
        if body is None:
            return
        previous = body
        app_ctx.env.sleep(interval)
        body = fetch()


def _watch_live(app_ctx, conference_id: str, body: dict | None, interval: float, fetch) -> None:
    with app_ctx.out.live_table(COLUMNS, fit()) as update:
        while body is not None:
            found = rows(body)
            update(found, count(len(found)))
            app_ctx.env.sleep(interval)
            body = fetch()
        update([], count(0))
