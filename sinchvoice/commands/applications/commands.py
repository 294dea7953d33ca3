"""`applications`: numbers and callback URLs of Voice applications."""

from enum import Enum
from typing import Annotated, Optional

from sinchvoice.commands.applications import numbers
from sinchvoice.context import app_context
from sinchvoice.declare import Argument, Context, Option, examples, group
from sinchvoice.fanout import DEFAULT_CONCURRENCY
from sinchvoice.fanout import HELP as CONCURRENCY_HELP

app = group(help="Numbers and callback URLs of your Voice applications.", epilog=examples(
    "sinchvoice applications numbers list",
    "sinchvoice applications numbers assign +46700000102 --capability voice",
    "sinchvoice applications callbacks get",
    "sinchvoice applications callbacks set --primary https://example.com/sinch",
))
numbers_group = group(help="List, inspect, assign and unassign numbers.", epilog=examples(
    "sinchvoice applications numbers list --capability voice -q",
    "sinchvoice applications numbers get +46700000102",
    "sinchvoice applications numbers assign +46700000102 +46700000103",
    "sinchvoice applications numbers unassign --from-file old.txt --yes",
))
callbacks_group = group(help="Show and set the application's callback URLs.", epilog=examples(
    "sinchvoice applications callbacks get",
    "sinchvoice applications callbacks set --primary https://example.com/sinch",
))
app.add_typer(numbers_group, name="numbers")
app.add_typer(callbacks_group, name="callbacks")


class Capability(str, Enum):
    voice = "voice"
    sms = "sms"


Numbers = Annotated[Optional[list[str]], Argument(metavar="NUMBER...", help="Numbers (E.164).",
                                                  show_default=False)]
FromFile = Annotated[Optional[str], Option("--from-file", metavar="FILE|-", help="Read numbers from FILE "
                                           "(- for stdin), one per line; # starts a comment.")]
Concurrency = Annotated[int, Option("--concurrency", metavar="N", help=CONCURRENCY_HELP)]
AppKey = Annotated[Optional[str], Option("--app", metavar="KEY", help="Application key (default: the "
                                         "profile's key, else the credentials' key).")]


@numbers_group.command("list", epilog=examples(
    "sinchvoice applications numbers list",
    "sinchvoice applications numbers list --capability voice -q",
    "sinchvoice applications numbers list --app KEY -o json",
))
def numbers_list(
    ctx: Context,
    app_key: Annotated[Optional[str], Option("--app", metavar="KEY", help="Only numbers assigned to this "
                                             "application key (filtered locally).")] = None,
    capability: Annotated[Optional[Capability], Option(help="Only voice or only sms numbers "
                                                                   "(filtered locally).")] = None,
) -> None:
    """List your numbers and the application of each.

    The getNumbers operation. Filters are applied locally; with -o json the body keeps its shape, {"numbers":
    [...matching...]}.
    """
    from sinchvoice.client import application_key_of

    app_ctx = app_context(ctx)
    app_key = numbers.check_app(app_key)
    body = numbers.get_list(app_ctx.client())
    if body is None:
        return
    everything = numbers.listed(body)
    app_ctx.remember("numbers", *[x["number"] for x in everything])
    items = [x for x in everything
             if (not app_key or str(application_key_of(x) or "").lower() == app_key.lower())
             and (not capability or x.get("capability") == capability.value)]
    if app_key or capability:
        body = {**body, "numbers": items}
    app_ctx.out.render(body, columns=numbers.number_columns(app_ctx),
                       rows=[numbers.table_row(app_ctx, x) for x in items], ids=[x["number"] for x in items],
                       footer=numbers.plural(len(items)), fit=numbers.fit())


@numbers_group.command("get", epilog=examples(
    "sinchvoice applications numbers get +46700000102",
    "sinchvoice applications numbers get +46700000102 -o json",
))
def numbers_get(ctx: Context,
                number: Annotated[str, Argument(metavar="NUMBER", help="The number, E.164.")]) -> None:
    """Show one number's application and capability.

    The getNumberConfiguration operation. On the live platform this is the number list, filtered here (there is no
    resource per number).
    """
    from sinchvoice.destinations import check_e164

    app_ctx = app_context(ctx)
    number = check_e164(number, "number")
    client = app_ctx.client()
    body = numbers.found(f"number {number}", numbers.NUMBER_HINT, client.get_number, number)
    if body is None:
        return
    app_ctx.remember("numbers", number)
    row = numbers.row(body)
    panel = [("number", row[0] or number), ("application key", row[1] or numbers.UNASSIGNED), ("capability", row[2])]
    app_ctx.out.render(body, columns=numbers.number_columns(app_ctx), rows=[row], ids=[row[0] or number], panel=panel,
                       title=f"Number {number}")


@numbers_group.command("assign", epilog=examples(
    "sinchvoice applications numbers assign +46700000102 +46700000103",
    "sinchvoice applications numbers assign +46700000102 --capability voice",
    "sinchvoice applications numbers assign --from-file numbers.txt --app KEY",
))
def numbers_assign(
    ctx: Context,
    number: Numbers = None,
    from_file: FromFile = None,
    app_key: AppKey = None,
    capability: Annotated[Optional[Capability], Option(help="voice or sms (default: leave as is).")] = None,
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
) -> None:
    """Assign numbers to an application.

    The updateNumberConfiguration operation. The numbers are read first: one already assigned as asked is reported
    "unchanged" and not written. Live: one request per 100 numbers that need the change, then the list is read again
    and each number's outcome is what the platform holds. Spec: one request per number. Up to --concurrency
    requests at once; every number is tried; the exit code is 0 only if all succeeded.
    """
    from sinchvoice.fanout import check_concurrency

    app_ctx = app_context(ctx)
    check_concurrency(concurrency)
    items = numbers.collect(app_ctx, number, from_file)
    key = numbers.app_key(app_ctx, app_key)
    numbers.assign(app_ctx, app_ctx.client(), items, key, capability.value if capability else None, concurrency)


@numbers_group.command("unassign", epilog=examples(
    "sinchvoice applications numbers unassign +46700000102",
    "sinchvoice applications numbers unassign --from-file old.txt --yes",
))
def numbers_unassign(
    ctx: Context,
    number: Numbers = None,
    from_file: FromFile = None,
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
) -> None:
    """Unassign numbers from their application.

    One unassignNumber request each, up to --concurrency at once. The numbers are read first: one assigned to no
    application is reported "unchanged" and not written. Asks for confirmation on a terminal; otherwise needs
    --yes. Every number is tried.
    """
    from sinchvoice.fanout import check_concurrency

    app_ctx = app_context(ctx)
    check_concurrency(concurrency)
    items = numbers.collect(app_ctx, number, from_file)
    shown = ", ".join(items) if len(items) <= 3 else f"{', '.join(items[:3])}, ..."
    app_ctx.confirm(f"unassign {numbers.plural(len(items))} ({shown})")
    numbers.unassign(app_ctx, app_ctx.client(), items, concurrency)


@callbacks_group.command("get", epilog=examples(
    "sinchvoice applications callbacks get",
    "sinchvoice applications callbacks get --app KEY -o json",
))
def callbacks_get(ctx: Context, app_key: AppKey = None) -> None:
    """Show the application's callback URLs.

    The primary and fallback URLs (getApplicationCallbacks).
    """
    app_ctx = app_context(ctx)
    key = numbers.app_key(app_ctx, app_key)
    client = app_ctx.client()
    body = numbers.found(f"application {key}", numbers.APP_HINT, client.get_application_callbacks, key)
    if body is None:
        return
    values = [numbers.urls(body).get("primary"), numbers.urls(body).get("fallback")]
    app_ctx.out.render(body, columns=["primary", "fallback"], rows=[values], ids=[u for u in values[:1] if u],
                       panel=[("primary", values[0] or "(none)"), ("fallback", values[1] or "(none)")],
                       title=f"Callbacks of application {key}")


@callbacks_group.command("set", epilog=examples(
    "sinchvoice applications callbacks set --primary https://example.com/sinch",
    "sinchvoice applications callbacks set --primary http://127.0.0.1:8800/ --yes",
))
def callbacks_set(
    ctx: Context,
    primary: Annotated[str, Option("--primary", metavar="URL", help="Primary callback URL.")],
    fallback: Annotated[Optional[str], Option("--fallback", metavar="URL", help="Fallback callback URL "
                                              "(omit to leave it as is; '' clears it).")] = None,
    app_key: AppKey = None,
) -> None:
    """Set the application's callback URLs.

    Shows the old and new values (updateApplicationCallbacks). URLs must be absolute https:// (http:// only on a
    loopback host). On a terminal it shows the change and asks for confirmation; otherwise it needs --yes. The new
    values are read back from the API.
    """
    from sinchvoice.urls import check_url

    app_ctx = app_context(ctx)
    sent = {"primary": check_url(primary, "--primary", hint=numbers.CALLBACK_URL_HINT)}
    if fallback is not None:
        sent["fallback"] = check_url(fallback, "--fallback", hint=numbers.CALLBACK_URL_HINT) if fallback.strip() else ""
    key = numbers.app_key(app_ctx, app_key)
    question, terminal = f"change the callback URLs of application {key}", app_ctx.env.stdin_isatty
    if not terminal:
        app_ctx.confirm(question)  # no terminal: --yes, or exit 2 before even the reading GET
    client, settings = app_ctx.client(), app_ctx.settings

    def read():
        return numbers.found(f"application {key}", numbers.APP_HINT, client.get_application_callbacks, key)

    old = None if settings.dry_run else read()
    if terminal:
        if not (settings.yes or settings.dry_run):
            numbers.show_change(app_ctx, old, sent)  # so the user confirms knowing the change
        app_ctx.confirm(question)
    numbers.found(f"application {key}", numbers.APP_HINT, client.update_application_callbacks, key, {"url": sent})
    if settings.dry_run:
        return
    new = read()  # what the API now holds, not what we think it should
    unset = "(none)" if app_ctx.out.mode == "table" else ""  # csv cells are raw values: an unset URL is empty
    rows = [[role, numbers.urls(old).get(role) or unset, numbers.urls(new).get(role) or unset]
            for role in numbers.CALLBACK_ROLES]
    app_ctx.out.render({"old": old, "new": new}, columns=["callback", "old", "new"], rows=rows,
                       ids=[u for u in [numbers.urls(new).get("primary")] if u])
