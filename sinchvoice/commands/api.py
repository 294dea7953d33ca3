"""`api`: a raw authenticated request through the same core, for endpoints the CLI doesn't model."""

from __future__ import annotations

import json
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
    """Send an authenticated request and print the JSON response (signing, retries and errors as usual)."""
    app_ctx = app_context(ctx)
    method = method.upper()
    if method not in METHODS:
        raise UsageError(f"unknown HTTP method {method!r}", hint="use one of: " + ", ".join(METHODS))
    if not path.startswith("/"):
        raise UsageError(f"path {path!r} must start with /", hint="e.g. /calling/v1/configuration/numbers")
    body = None
    if data is not None:
        from sinchvoice.inputs import read_value

        text = read_value(data, what="--data", stdin=app_ctx.env.stdin)
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"--data is not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    result = app_ctx.client().request(method, path, body)
    if result is not None:
        app_ctx.out.json(result)
