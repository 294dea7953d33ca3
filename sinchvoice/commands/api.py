"""`api`: a raw authenticated request through the same core, for endpoints the CLI doesn't model."""

from typing import Annotated, Optional

import typer

from sinchvoice.context import app_context
from sinchvoice.errors import UsageError

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def api(
    ctx: typer.Context,
    method: Annotated[str, typer.Argument(metavar="METHOD", help="GET, POST, PUT, PATCH or DELETE.")],
    path: Annotated[str, typer.Argument(metavar="PATH", help="Path on the API host, e.g. /calling/v1/calls/id/ID.")],
    data: Annotated[Optional[str], typer.Option("--data", "-d", help="JSON body: inline, @FILE or -.")] = None,
) -> None:
    """Send a raw authenticated request; print the JSON.

    Signing, retries and error handling are those of every other command. The response is printed as JSON
    whatever -o says (its shape is unknown to the CLI); -q prints nothing (the exit code tells).
    """
    app_ctx = app_context(ctx)
    method = method.upper()
    if method not in METHODS:
        raise UsageError(f"unknown HTTP method {method!r}", hint="use one of: " + ", ".join(METHODS))
    if not path.startswith("/") or path.startswith("//"):  # "//host/x" would name another host
        raise UsageError(f"path {path!r} must start with a single /", hint="e.g. /calling/v1/configuration/numbers")
    if data is not None and method in ("GET", "DELETE"):
        raise UsageError(f"{method} requests carry no body; --data is only for POST, PUT and PATCH")
    body = None
    if data is not None:
        from sinchvoice.inputs import parse_json, read_value

        body = parse_json(read_value(data, what="--data", stdin=app_ctx.env.stdin), what="--data")
    result = app_ctx.client().request(method, path, body)
    if result is not None and not app_ctx.settings.quiet:
        app_ctx.out.json(result)
