"""`api`: a raw authenticated request through the same core, for endpoints the CLI doesn't model."""

from typing import Annotated, Optional

from sinchvoice.client import METHODS
from sinchvoice.context import app_context
from sinchvoice.declare import Argument, Context, Option, examples, single_command
from sinchvoice.errors import UsageError


@single_command(epilog=examples(
    "sinchvoice api GET /v1/configuration/numbers",
    "sinchvoice api GET /calling/v1/calls/id/CALL_ID",
    "sinchvoice api PATCH /calling/v1/calls/id/CALL_ID --data @svaml.json",
))
def api(
    ctx: Context,
    method: Annotated[str, Argument(metavar="METHOD", help="GET, POST, PUT, PATCH or DELETE.")],
    path: Annotated[str, Argument(metavar="PATH", help="Path, e.g. /calling/v1/calls/id/CALL_ID; paths "
                                                         "under /v1/ go to the configuration host.")],
    data: Annotated[Optional[str], Option("--data", "-d", metavar="JSON|@FILE|-",
                                                               help="JSON body: inline, @FILE or -.")] = None,
) -> None:
    """Send a raw authenticated request; print the JSON.

    Signing, retries and error handling are those of every other command. Paths under /v1/ (numbers, callback
    URLs: /v1/configuration/...) go to the configuration host, all others to the regional API host. The
    response is printed as JSON whatever -o says (its shape is unknown to the CLI); -q prints nothing (the exit
    code tells). --data goes with POST, PUT, PATCH and DELETE (the platform unassigns a number with a body).
    """
    app_ctx = app_context(ctx)
    method = method.upper()
    if method not in METHODS:
        raise UsageError(f"unknown HTTP method {method!r}", hint="use one of: " + ", ".join(METHODS))
    check_path(path)
    if data is not None and method == "GET":
        raise UsageError("GET requests carry no body; --data is only for POST, PUT, PATCH and DELETE",
                         hint="put what you want to ask in the path (and its query)")
    body = None
    if data is not None:
        from sinchvoice.inputs import parse_json, read_value

        body = parse_json(read_value(data, what="--data", stdin=app_ctx.env.stdin), what="--data")
    result = app_ctx.client().request(method, path, body)
    if result is not None and not app_ctx.settings.quiet:
        app_ctx.out.json(result)


MAX_PATH = 8192
PATH_HINT = "e.g. /v1/configuration/numbers; encode reserved characters (%23 for #)"


def check_path(path: str) -> str:
    """The path goes out exactly as written, or not at all: httpx would fold `.`/`..` segments (a DELETE on
    `/conferences/id/CONF/..` is a kick-all) and drop a `#...` fragment, so those are refused, not sent."""
    from urllib.parse import unquote

    shown = repr(path[:100]) + ("…" if len(path) > 100 else "")
    if not path.startswith("/") or path.startswith("//"):  # "//host/x" would name another host
        raise UsageError(f"path {shown} must start with a single /", hint="e.g. /v1/configuration/numbers")
    if len(path) > MAX_PATH:
        raise UsageError(f"the path is {len(path)} characters long; at most {MAX_PATH} are sent", hint=PATH_HINT)
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in path):
        raise UsageError(f"path {shown} has control characters", hint=PATH_HINT)
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"path {shown} is not valid text (bytes that are not UTF-8)", hint=PATH_HINT) from None
    if "#" in path:
        raise UsageError(f"path {shown} has a '#': what follows it would not be sent", hint=PATH_HINT)
    if any(unquote(segment) in (".", "..") for segment in path.split("?", 1)[0].split("/")):
        raise UsageError(f"path {shown} has a '.' or '..' segment, which would be folded away and send the request "
                         "elsewhere", hint=PATH_HINT)
    return path
