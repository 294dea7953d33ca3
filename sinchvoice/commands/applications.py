"""`applications`: numbers and callback URLs of Voice applications."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Callable, Optional

import typer

from sinchvoice.commands import group
from sinchvoice.context import app_context
from sinchvoice.errors import NotFoundError, SinchVoiceError, UsageError, as_json, worst_exit_code

app = group(help="Numbers and callback URLs of your Voice applications.")
numbers = group(help="List, inspect, assign and unassign numbers.")
callbacks = group(help="Show and set the application's callback URLs.")
app.add_typer(numbers, name="numbers")
app.add_typer(callbacks, name="callbacks")


class Capability(str, Enum):
    voice = "voice"
    sms = "sms"


NUMBER_COLUMNS = ["number", "application key", "capability"]
RESULT_COLUMNS = ["number", "outcome", "detail"]
Numbers = Annotated[Optional[list[str]], typer.Argument(metavar="NUMBER...", help="Numbers (E.164).",
                                                        show_default=False)]
FromFile = Annotated[Optional[str], typer.Option("--from-file", metavar="FILE|-", help="Read numbers from FILE "
                                                 "(- for stdin), one per line; # starts a comment.")]
AppKey = Annotated[Optional[str], typer.Option("--app", metavar="KEY", help="Application key (default: the "
                                               "profile's key, else the credentials' key).")]


def _row(config: dict) -> list:
    return [config.get("number"), config.get("applicationKey"), config.get("capability")]


def _plural(count: int, word: str = "number") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _collect(app_ctx, args: list[str] | None, from_file: str | None) -> list[str]:
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


def _run_batch(app_ctx, items: list[str], action: Callable[[str], tuple[str, str]]) -> None:
    """Try every number, print one result each, then fail with the exit code of the worst failure."""
    results, errors = [], []
    for number in items:
        try:
            outcome, detail = action(number)
            results.append({"number": number, "outcome": outcome, "detail": detail})
        except SinchVoiceError as error:
            errors.append(error)
            results.append({"number": number, "outcome": "error", "detail": error.message,
                            "error": as_json(error.message, error.details)})
    if app_ctx.settings.dry_run:  # the planned requests were printed; there are no outcomes
        return
    done = [r["number"] for r in results if r["outcome"] != "error"]
    app_ctx.remember("numbers", *done)
    rows = [[r["number"], r["outcome"], r["detail"]] for r in results]
    app_ctx.out.render(results, columns=RESULT_COLUMNS, rows=rows, ids=done)
    if errors:
        rest = "; the others were done" if len(errors) < len(results) else ""
        failure = SinchVoiceError(f"{len(errors)} of {_plural(len(results))} failed{rest}",
                                  hint="fix the failed numbers and run the command again (finished ones stay done)")
        failure.exit_code = worst_exit_code(e.exit_code for e in errors)
        raise failure


NUMBER_HINT = "see `sinchvoice applications numbers list`"
CALLBACK_URL_HINT = "e.g. https://example.com/sinch/callbacks; http:// only on 127.0.0.1, ::1 or localhost"
APP_HINT = "check --app, or the profile's key (sinchvoice auth status)"


def _found(what: str, hint: str, request: Callable, *args):
    """Say which number or application a 404 was about; the exit code and API details stay."""
    try:
        return request(*args)
    except NotFoundError as error:
        raise NotFoundError(f"{what} not found", hint=hint, **error.details) from None


@numbers.command("list")
def numbers_list(
    ctx: typer.Context,
    app_key: Annotated[Optional[str], typer.Option("--app", metavar="KEY", help="Only numbers assigned to this "
                                                   "application key (filtered locally).")] = None,
    capability: Annotated[Optional[Capability], typer.Option(help="Only voice or only sms numbers "
                                                                   "(filtered locally).")] = None,
) -> None:
    """List the numbers and the application each is assigned to (getNumbers).

    Filters are applied locally; with -o json the body keeps its shape, {"numbers": [...matching...]}.
    """
    app_ctx = app_context(ctx)
    body = app_ctx.client().get_numbers()
    if body is None:
        return
    everything = body.get("numbers") or []
    app_ctx.remember("numbers", *[n.get("number") for n in everything])
    items = [n for n in everything
             if (not app_key or str(n.get("applicationKey", "")).lower() == app_key.lower())
             and (not capability or n.get("capability") == capability.value)]
    if app_key or capability:
        body = {**body, "numbers": items}
    app_ctx.out.render(body, columns=NUMBER_COLUMNS, rows=[_row(n) for n in items],
                       ids=[n.get("number") for n in items], footer=_plural(len(items)))


@numbers.command("get")
def numbers_get(ctx: typer.Context,
                number: Annotated[str, typer.Argument(metavar="NUMBER", help="The number, E.164.")]) -> None:
    """Show one number's configuration: application key and capability (getNumberConfiguration)."""
    from sinchvoice.destinations import check_e164

    app_ctx = app_context(ctx)
    number = check_e164(number, "number")
    client = app_ctx.client()
    body = _found(f"number {number}", NUMBER_HINT, client.get_number_configuration, number)
    if body is None:
        return
    app_ctx.remember("numbers", number)
    row = _row(body)
    panel = [("number", row[0] or number), ("application key", row[1] or "(not assigned)"), ("capability", row[2])]
    app_ctx.out.render(body, columns=NUMBER_COLUMNS, rows=[row], ids=[row[0] or number], panel=panel,
                       title=f"Number {number}")


def _assign_detail(current: dict, key: str, capability: str | None) -> str:
    old_key, old_capability = current.get("applicationKey"), current.get("capability")
    parts = []
    if not old_key:
        parts.append("was not assigned")
    elif old_key.lower() != key.lower():
        parts.append(f"moved from application {old_key}")
    if capability and old_capability and old_capability != capability:
        parts.append(f"capability {old_capability} to {capability}")
    return "; ".join(parts)


@numbers.command("assign")
def numbers_assign(
    ctx: typer.Context,
    number: Numbers = None,
    from_file: FromFile = None,
    app_key: AppKey = None,
    capability: Annotated[Optional[Capability], typer.Option(help="voice or sms (default: leave as is).")] = None,
) -> None:
    """Assign numbers to an application, one request each (updateNumberConfiguration).

    Each number is read first: one already assigned as asked is reported "unchanged" and not written.
    Every number is tried; the exit code is 0 only if all succeeded.
    """
    app_ctx = app_context(ctx)
    items = _collect(app_ctx, number, from_file)
    key = app_ctx.application_key(app_key)
    wanted = capability.value if capability else None
    client, dry_run = app_ctx.client(), app_ctx.settings.dry_run
    body = {"applicationKey": key, **({"capability": wanted} if wanted else {})}

    def assign(one: str) -> tuple[str, str]:
        current = {} if dry_run else _found(f"number {one}", NUMBER_HINT, client.get_number_configuration, one)
        same_key = str(current.get("applicationKey", "")).lower() == key.lower()
        if not dry_run and same_key and (not wanted or current.get("capability") == wanted):
            return "unchanged", f"already assigned to {key}"
        client.update_number_configuration(one, body)
        return "assigned", _assign_detail(current, key, wanted)

    _run_batch(app_ctx, items, assign)


@numbers.command("unassign")
def numbers_unassign(
    ctx: typer.Context,
    number: Numbers = None,
    from_file: FromFile = None,
) -> None:
    """Unassign numbers from their application, one request each (unassignNumber).

    Asks for confirmation on a terminal; otherwise needs --yes. Every number is tried.
    """
    app_ctx = app_context(ctx)
    items = _collect(app_ctx, number, from_file)
    shown = ", ".join(items) if len(items) <= 3 else f"{', '.join(items[:3])}, ..."
    app_ctx.confirm(f"unassign {_plural(len(items))} ({shown})")
    client = app_ctx.client()

    def unassign(one: str) -> tuple[str, str]:
        _found(f"number {one}", NUMBER_HINT, client.unassign_number, one)
        return "unassigned", ""

    _run_batch(app_ctx, items, unassign)


@callbacks.command("get")
def callbacks_get(ctx: typer.Context, app_key: AppKey = None) -> None:
    """Show the application's primary and fallback callback URLs (getApplicationCallbacks)."""
    app_ctx = app_context(ctx)
    key = app_ctx.application_key(app_key)
    client = app_ctx.client()
    body = _found(f"application {key}", APP_HINT, client.get_application_callbacks, key)
    if body is None:
        return
    urls = body.get("url") or {}
    values = [urls.get("primary"), urls.get("fallback")]
    app_ctx.out.render(body, columns=["primary", "fallback"], rows=[values], ids=[u for u in values[:1] if u],
                       panel=[("primary", values[0] or "(none)"), ("fallback", values[1] or "(none)")],
                       title=f"Callbacks of application {key}")


@callbacks.command("set")
def callbacks_set(
    ctx: typer.Context,
    primary: Annotated[str, typer.Option("--primary", metavar="URL", help="Primary callback URL.")],
    fallback: Annotated[Optional[str], typer.Option("--fallback", metavar="URL", help="Fallback callback URL "
                                                    "(omit to leave it as is; '' clears it).")] = None,
    app_key: AppKey = None,
) -> None:
    """Set the application's callback URLs and show the old and new values (updateApplicationCallbacks).

    URLs must be absolute https:// (http:// only on a loopback host). Asks for confirmation on a terminal.
    """
    from sinchvoice.urls import check_url

    app_ctx = app_context(ctx)
    sent = {"primary": check_url(primary, "--primary", hint=CALLBACK_URL_HINT)}
    if fallback is not None:
        sent["fallback"] = check_url(fallback, "--fallback", hint=CALLBACK_URL_HINT) if fallback.strip() else ""
    key = app_ctx.application_key(app_key)
    app_ctx.confirm(f"change the callback URLs of application {key}")
    client = app_ctx.client()
    old = None if app_ctx.settings.dry_run else _found(f"application {key}", APP_HINT,
                                                          client.get_application_callbacks, key)
    _found(f"application {key}", APP_HINT, client.update_application_callbacks, key, {"url": sent})
    if old is None:
        return
    before = old.get("url") or {}
    after = {k: v for k, v in {**before, **sent}.items() if v}
    rows = [[role, before.get(role), after.get(role)] for role in ("primary", "fallback")]
    app_ctx.out.render({"old": old, "new": {"url": after}}, columns=["callback", "old", "new"], rows=rows,
                       ids=[after["primary"]])
