"""The logic behind `applications`: collecting numbers, running a batch, naming 404s, showing callback URLs."""

from __future__ import annotations

from typing import Callable

from sinchvoice.client import application_key_of, no_such_operation, objects
from sinchvoice.errors import ApiError, BatchError, NotFoundError, SinchVoiceError, UsageError, as_json, reworded

# The table keeps human labels; csv uses the API's field names, like every other csv header (the contract's
# spelling in both layouts, so a script's header does not change with --api-layout).
NUMBER_COLUMNS = ["number", "application key", "capability"]
NUMBER_CSV_COLUMNS = ["number", "applicationKey", "capability"]
RESULT_COLUMNS = ["number", "outcome", "detail"]
CALLBACK_ROLES = ("primary", "fallback")
UNASSIGNED = "(not assigned)"  # the same words in `numbers list` and `numbers get`

NUMBER_HINT = "see `sinchvoice applications numbers list`"
CALLBACK_URL_HINT = "e.g. https://example.com/sinch/callbacks; http:// only on 127.0.0.1, ::1 or localhost"
APP_HINT = "check --app, or the profile's key (sinchvoice auth status)"


def row(config: dict) -> list:
    return [config.get("number"), application_key_of(config), config.get("capability")]


def table_row(app_ctx, config: dict) -> list:
    """For people an unassigned number says so, as `numbers get` does; csv keeps the empty value."""
    number, key, capability = row(config)
    return [number, key or (UNASSIGNED if app_ctx.out.mode == "table" else None), capability]


def fit():
    """Numbers and application keys are copied whole; on a narrow terminal the capability goes."""
    from sinchvoice.drawing import Fit

    return Fit(whole=("number", "application key"), drop=("capability",))


def listed(body: dict | None) -> list[dict]:
    """The numbers of a getNumbers body that are usable entries (an object with a number)."""
    return [item for item in objects(body, "numbers") if isinstance(item.get("number"), str)]


def number_columns(app_ctx) -> list[str]:
    return NUMBER_CSV_COLUMNS if app_ctx.out.mode == "csv" else NUMBER_COLUMNS


def plural(count: int, word: str = "number") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def check_app(explicit: str | None) -> str | None:
    """An empty --app (e.g. an unset $APP) must not quietly mean "the default application"."""
    if explicit is None:
        return None
    from sinchvoice.inputs import check_identifier

    return check_identifier(explicit, "--app", hint="give an application key, or omit --app for the profile's key "
                                                    "(sinchvoice auth status)")


def app_key(app_ctx, explicit: str | None) -> str:
    return app_ctx.application_key(check_app(explicit))


def collect(app_ctx, args: list[str] | None, from_file: str | None) -> list[str]:
    """Every number checked as E.164 before anything is sent; duplicates are tried once."""
    from sinchvoice.destinations import check_e164

    found = [check_e164(value, "number") for value in args or []]
    if from_file is not None:
        from sinchvoice.inputs import read_lines

        lines = read_lines(from_file, stdin=app_ctx.env.stdin)
        found += [check_e164(text, f"number on line {line}") for line, text in lines]
    if not found:
        raise UsageError("no numbers given", hint="pass numbers as arguments, or --from-file FILE (- reads stdin)")
    return list(dict.fromkeys(found))


def success(number: str, outcome: str, detail: str) -> dict:
    return {"number": number, "outcome": outcome, "detail": detail}


def failure(number: str, error: SinchVoiceError) -> dict:
    return {"number": number, "outcome": "error", "detail": error.message,
            "error": as_json(error.message, error.details)}


def run_batch(app_ctx, items: list[str], action: Callable[[object, str], tuple[str, str]], concurrency: int) -> None:
    """Try every number (`action(client, number)`, `concurrency` at a time), print one result each in input order,
    then fail with the exit code of the worst failure."""
    from sinchvoice.fanout import Fanout

    results, codes = [], []
    for number, outcome in zip(items, Fanout(app_ctx, concurrency).run(items, action), strict=True):
        if isinstance(outcome, SinchVoiceError):
            codes.append(outcome.exit_code)
            results.append(failure(number, outcome))
        else:
            results.append(success(number, *outcome))
    report(app_ctx, results, codes)


def report(app_ctx, results: list[dict], codes: list[int]) -> None:
    if app_ctx.settings.dry_run:  # the planned requests were printed; there are no outcomes
        return
    done = [r["number"] for r in results if r["outcome"] != "error"]
    app_ctx.remember("numbers", *done)
    rows = [[r["number"], r["outcome"], r["detail"]] for r in results]
    app_ctx.out.render(results, columns=RESULT_COLUMNS, rows=rows, ids=done)
    if codes:
        raise BatchError(codes, len(results), "numbers")


def found(what: str, hint: str, request: Callable, *args):
    """Say which number or application a 404 was about; the exit code and API details stay."""
    try:
        return request(*args)
    except NotFoundError as error:
        raise reworded(error, f"{what} not found", hint=hint) from None


def get_list(client) -> dict | None:
    """getNumbers; a 404 here is no unknown number but a server without this operation (layout or host)."""
    try:
        return client.get_numbers()
    except NotFoundError as error:
        raise no_such_operation(client, error, "list the numbers") from None


def not_found(number: str) -> NotFoundError:
    return NotFoundError(f"number {number} not found", hint=NUMBER_HINT)


def lookup_for(app_ctx, client) -> Callable[[object, str], dict | None]:
    """(client, number) -> the number's configuration as the API holds it, for planning a batch.

    Where the layout has a resource per number (the contract) each number is read as it comes, and not at all in
    --dry-run (None: unknown). Where it has only the list (the platform) the list is read once, in --dry-run too:
    a GET changes nothing, and the plan then holds only the writes that are needed.
    """
    if client.layout.number is not None:
        if app_ctx.settings.dry_run:
            return lambda client, number: None
        return lambda client, number: found(f"number {number}", NUMBER_HINT, client.get_number, number)
    with client.transport.reads_in_dry_run():
        held = {item["number"]: item for item in listed(get_list(client))}
    if app_ctx.settings.dry_run:
        app_ctx.out.note("dry run: read the numbers (a GET) to plan these requests")

    def lookup(client, number: str) -> dict:
        if number not in held:
            raise not_found(number)
        return held[number]

    return lookup


def is_assigned(current: dict | None, key: str, capability: str | None) -> bool:
    if not current or str(application_key_of(current) or "").lower() != key.lower():
        return False
    return not capability or current.get("capability") == capability


def assign_detail(current: dict, key: str, capability: str | None) -> str:
    old_key, old_capability = application_key_of(current), current.get("capability")
    parts = []
    if not old_key:
        parts.append("was not assigned")
    elif old_key.lower() != key.lower():
        parts.append(f"moved from application {old_key}")
    if capability and old_capability and old_capability != capability:
        parts.append(f"capability {old_capability} to {capability}")
    return "; ".join(parts)


def assign(app_ctx, client, items: list[str], key: str, capability: str | None, concurrency: int) -> None:
    """One request per number where the layout assigns one at a time; else read, write in chunks, read back."""
    lookup = lookup_for(app_ctx, client)
    if client.layout.numbers_per_request == 1:
        def one(client, number: str) -> tuple[str, str]:
            current = lookup(client, number)
            if is_assigned(current, key, capability):
                return "unchanged", f"already assigned to {key}"
            client.assign_numbers([number], key, capability)
            return "assigned", assign_detail(current or {}, key, capability)

        return run_batch(app_ctx, items, one, concurrency)
    _assign_in_chunks(app_ctx, client, lookup, items, key, capability, concurrency)


def _assign_in_chunks(app_ctx, client, lookup, items: list[str], key: str, capability: str | None,
                      concurrency: int) -> None:
    """Numbers needing a change go out `numbers_per_request` at a time (`concurrency` requests at once); each
    outcome is what the list then holds."""
    from sinchvoice.fanout import Fanout

    before, outcomes = {}, {}  # number -> (result, the failure's exit code or None)
    for number in items:
        try:
            before[number] = lookup(client, number)
        except SinchVoiceError as error:
            outcomes[number] = failure(number, error), error.exit_code
            continue
        if is_assigned(before[number], key, capability):
            outcomes[number] = success(number, "unchanged", f"already assigned to {key}"), None
    pending = [number for number in items if number not in outcomes]
    refused = {}  # number -> the error of the request that carried it
    size = client.layout.numbers_per_request
    chunks = [pending[start:start + size] for start in range(0, len(pending), size)]
    sent = Fanout(app_ctx, concurrency).run(chunks, lambda worker, chunk: worker.assign_numbers(chunk, key, capability))
    for chunk, outcome in zip(chunks, sent, strict=True):
        if isinstance(outcome, SinchVoiceError):
            refused.update(dict.fromkeys(chunk, outcome))
    if pending and not app_ctx.settings.dry_run:
        outcomes.update(_read_back(app_ctx, client, pending, before, refused, key, capability))
    ordered = [outcomes[number] for number in items if number in outcomes]
    report(app_ctx, [result for result, _ in ordered], [code for _, code in ordered if code is not None])


def _read_back(app_ctx, client, pending, before, refused, key, capability) -> dict:
    """Each sent number's outcome from the list as the platform now holds it; if that cannot be read, what its
    request was answered (a 2xx counts as assigned, said to be unconfirmed)."""
    try:
        after = {item["number"]: item for item in listed(get_list(client))}
    except SinchVoiceError as error:
        app_ctx.out.warn(f"could not read the numbers back to confirm the assignment: {error.message}")
        after = None
    outcomes = {}
    for number in pending:
        detail = assign_detail(before[number], key, capability)
        if after is not None and is_assigned(after.get(number), key, capability):
            outcomes[number] = success(number, "assigned", detail), None
        elif number in refused or after is not None:
            error = refused.get(number) or _did_not_take(number, after.get(number))
            outcomes[number] = failure(number, error), error.exit_code
        else:
            outcomes[number] = success(number, "assigned", "; ".join(filter(None, [detail, "not read back"]))), None
    return outcomes


def _did_not_take(number: str, now: dict | None) -> SinchVoiceError:
    if now is None:
        return ApiError(f"number {number} is no longer listed after the assignment", hint=NUMBER_HINT)
    holder = application_key_of(now)
    held = f"assigned to {holder}" if holder else "not assigned"
    return ApiError(f"the assignment did not take: the platform still lists it {held}, capability "
                    f"{now.get('capability')}", hint="run the command again; if it persists, ask Sinch support")


def unassign(app_ctx, client, items: list[str], concurrency: int) -> None:
    """One request per number; the platform's request names the application the number is assigned to."""
    lookup = lookup_for(app_ctx, client)

    def one(client, number: str) -> tuple[str, str]:
        current = lookup(client, number)
        if current is not None and not application_key_of(current):
            return "unchanged", "not assigned"
        current = current or {}
        found(f"number {number}", NUMBER_HINT, client.unassign_number, number, application_key_of(current),
              current.get("capability"))
        return "unassigned", ""

    run_batch(app_ctx, items, one, concurrency)


def urls(body: dict | None) -> dict:
    value = (body or {}).get("url") if isinstance(body, dict) else None
    return value if isinstance(value, dict) else {}


def show_change(app_ctx, old: dict, sent: dict) -> None:
    """Before the question on a terminal: what each URL is now and what it will be (stderr, even with -q)."""
    from sinchvoice.text import escape  # the URLs come from the API

    before = urls(old)
    after = {**before, **sent}
    width = max(len(role) for role in CALLBACK_ROLES)
    for role in CALLBACK_ROLES:
        line = f"{role.ljust(width)}  {before.get(role) or '(none)'} → {after.get(role) or '(none)'}"
        app_ctx.out.line(escape(line))
