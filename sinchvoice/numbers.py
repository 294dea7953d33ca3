"""The logic behind `applications`: collecting numbers, running a batch, naming 404s, showing callback URLs."""

from __future__ import annotations

from typing import Callable

from sinchvoice.errors import NotFoundError, SinchVoiceError, UsageError, as_json, batch_error

# The table keeps human labels; csv uses the API's field names, like every other csv header.
NUMBER_COLUMNS = ["number", "application key", "capability"]
NUMBER_CSV_COLUMNS = ["number", "applicationKey", "capability"]
RESULT_COLUMNS = ["number", "outcome", "detail"]
CALLBACK_ROLES = ("primary", "fallback")

NUMBER_HINT = "see `sinchvoice applications numbers list`"
CALLBACK_URL_HINT = "e.g. https://example.com/sinch/callbacks; http:// only on 127.0.0.1, ::1 or localhost"
APP_HINT = "check --app, or the profile's key (sinchvoice auth status)"


def row(config: dict) -> list:
    return [config.get("number"), config.get("applicationKey"), config.get("capability")]


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


def run_batch(app_ctx, items: list[str], action: Callable[[str], tuple[str, str]]) -> None:
    """Try every number, print one result each, then fail with the exit code of the worst failure."""
    results, codes = [], []
    for number in items:
        try:
            outcome, detail = action(number)
            results.append({"number": number, "outcome": outcome, "detail": detail})
        except SinchVoiceError as error:
            codes.append(error.exit_code)
            results.append({"number": number, "outcome": "error", "detail": error.message,
                            "error": as_json(error.message, error.details)})
    if app_ctx.settings.dry_run:  # the planned requests were printed; there are no outcomes
        return
    done = [r["number"] for r in results if r["outcome"] != "error"]
    app_ctx.remember("numbers", *done)
    rows = [[r["number"], r["outcome"], r["detail"]] for r in results]
    app_ctx.out.render(results, columns=RESULT_COLUMNS, rows=rows, ids=done)
    if codes:
        raise batch_error(codes, len(results), "numbers")


def found(what: str, hint: str, request: Callable, *args):
    """Say which number or application a 404 was about; the exit code and API details stay."""
    try:
        return request(*args)
    except NotFoundError as error:
        raise NotFoundError(f"{what} not found", hint=hint, **error.details) from None


def assign_detail(current: dict, key: str, capability: str | None) -> str:
    old_key, old_capability = current.get("applicationKey"), current.get("capability")
    parts = []
    if not old_key:
        parts.append("was not assigned")
    elif old_key.lower() != key.lower():
        parts.append(f"moved from application {old_key}")
    if capability and old_capability and old_capability != capability:
        parts.append(f"capability {old_capability} to {capability}")
    return "; ".join(parts)


def urls(body: dict | None) -> dict:
    return (body or {}).get("url") or {}


def show_change(app_ctx, old: dict, sent: dict) -> None:
    """Before the question on a terminal: what each URL is now and what it will be (stderr, even with -q)."""
    from sinchvoice.output import escape  # the URLs come from the API

    before = urls(old)
    after = {**before, **sent}
    width = max(len(role) for role in CALLBACK_ROLES)
    console = app_ctx.out.console(stderr=True)
    for role in CALLBACK_ROLES:
        line = f"{role.ljust(width)}  {before.get(role) or '(none)'} → {after.get(role) or '(none)'}"
        console.print(escape(line), markup=False, highlight=False, emoji=False, soft_wrap=True)
