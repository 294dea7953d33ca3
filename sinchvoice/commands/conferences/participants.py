"""Conference participants without I/O: input checks, target selection, table rows, watch events, results."""

from __future__ import annotations

from sinchvoice.client import objects, participant_id
from sinchvoice.errors import SinchVoiceError, UsageError, as_json
from sinchvoice.inputs import check_identifier
from sinchvoice.limits import MAX_CONFERENCE_ID

COLUMNS = ("call id", "caller id", "in conference", "muted", "on hold")
# The contract's name for the call id (the platform's is "id"), whichever layout answered.
CSV_COLUMNS = ("callId", "cli", "duration", "muted", "onhold")
RESULT_COLUMNS = ("call id", "outcome", "detail")
RESULT_CSV_COLUMNS = ("callId", "outcome", "detail")
# (field, value) -> watch event name; "joined" and "left" come from presence, not from a field.
FLAG_EVENTS = {("muted", True): "muted", ("muted", False): "unmuted", ("onhold", True): "held",
               ("onhold", False): "resumed"}


def check_conference_id(value: str) -> str:
    if len(value) > MAX_CONFERENCE_ID:
        raise UsageError(f"the conference id is {len(value)} characters long; Sinch allows at most "
                         f"{MAX_CONFERENCE_ID}", hint="check the id; conference ids are at most 64 characters")
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
    from sinchvoice.output import minutes

    return [[participant_id(p), p.get("cli"), minutes(p.get("duration")), bool(p.get("muted")),
             bool(p.get("onhold"))] for p in participants(body)]


def csv_rows(body: dict) -> list[list]:
    # Scripts get the API's field names and raw seconds; booleans in JSON spelling.
    return [[participant_id(p), p.get("cli"), p.get("duration"), _json_bool(p.get("muted")),
             _json_bool(p.get("onhold"))] for p in participants(body)]


def _json_bool(value) -> str:
    return "true" if value else "false"


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


def kick_question(conference_id: str, explicit: list[str], all_: bool, excluded: list[str]) -> str:
    if not all_:
        return f"kick {count(len(explicit))} ({', '.join(explicit)}) from conference {conference_id}"
    but = f" except {', '.join(excluded)}" if excluded else ""
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
    if out.mode == "csv" and not out.quiet:
        out.csv(RESULT_CSV_COLUMNS, rows)
    else:
        out.render(results, columns=RESULT_COLUMNS, rows=rows, ids=succeeded(results))


# ---- --watch: the only part that draws; polls through `fetch` and sleeps through env.sleep -----------------

def watch(app_ctx, conference_id: str, body: dict, interval: float, fetch) -> None:
    """Redraw on a terminal, JSON lines otherwise, until `fetch()` returns None (the conference emptied)."""
    out = app_ctx.out
    live = out.rich_enabled and out.mode == "table" and not out.quiet
    (_watch_live if live else _watch_lines)(app_ctx, conference_id, body, interval, fetch)
    out.note(f"conference {conference_id} has ended: the last participant left")


def _watch_lines(app_ctx, conference_id: str, body: dict | None, interval: float, fetch) -> None:
    previous = None
    while True:
        changes = events(conference_id, previous, body)
        for change in changes:
            app_ctx.out.json_line(change)
        app_ctx.remember("calls", *[c["callId"] for c in changes if c["event"] == "joined"])
        if body is None:
            return
        previous = body
        app_ctx.env.sleep(interval)
        body = fetch()


def _watch_live(app_ctx, conference_id: str, body: dict | None, interval: float, fetch) -> None:
    with app_ctx.out.live_table(COLUMNS) as update:
        while body is not None:
            found = rows(body)
            update(found, count(len(found)))
            app_ctx.env.sleep(interval)
            body = fetch()
        update([], count(0))
