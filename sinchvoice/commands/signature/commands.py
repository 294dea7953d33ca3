"""`signature`: sign a request or verify a callback's signature by hand."""

import json
from typing import Annotated, Optional

from sinchvoice.context import app_context
from sinchvoice.declare import Context, Option, examples, group
from sinchvoice.errors import SinchVoiceError, UsageError

app = group(help="Sign a request or check a callback's signature by hand.", epilog=examples(
    "sinchvoice signature sign --path /sinch/callback --body @ace.json",
    'sinchvoice signature verify --path /cb --body @ace.json -H "$AUTH"',
))

PathOption = Annotated[str, Option("--path", metavar="PATH",
                                   help="Request path, e.g. /sinch/callback (no host, no query).")]
MethodOption = Annotated[str, Option("--method", metavar="METHOD", help="HTTP method.")]
BodyOption = Annotated[Optional[str], Option("--body", metavar="BODY",
                                             help="The exact body: inline, @FILE or -.")]
TimestampOption = Annotated[Optional[str], Option("--timestamp", metavar="TIME",
                                                  help="x-timestamp, ISO 8601 UTC.")]


@app.command("sign", epilog=examples(
    "sinchvoice signature sign --path /sinch/callback --body @ace.json",
    "sinchvoice signature sign --path /sinch/callback --body @ace.json -o json",
    "sinchvoice signature sign --path /sinch/callback --method GET -q",
))
def sign(
    ctx: Context,
    path: PathOption,
    method: MethodOption = "POST",
    body: BodyOption = None,
    content_type: Annotated[Optional[str], Option(
        "--content-type", metavar="TYPE", help="Content-Type (default application/json when there is a body).")
    ] = None,
    timestamp: TimestampOption = None,
) -> None:
    """Print the headers of a correctly signed request.

    Use them to test your callback handler with curl. Signed with the active credentials, the way Sinch signs
    callbacks (`authorization: application KEY:SIGNATURE`). The signature is printed; the secret never is. Send
    the body byte for byte (curl --data-binary), or the signature will not match. -v also shows the string that
    was signed.
    """
    from sinchvoice.signing import sign_request, utc_timestamp

    app_ctx = app_context(ctx)
    method, path = _method(method), _path(path)
    content = _body(app_ctx, body)
    if content_type is None:
        content_type = "application/json" if content else ""
    timestamp = _timestamp(timestamp) if timestamp else utc_timestamp()
    credentials = app_ctx.signing_credentials()
    key, secret = credentials.key, credentials.secret
    signed = sign_request(key, secret, method, path, content, content_type, timestamp, scheme="application")
    headers = {"x-timestamp": signed.timestamp}
    if content_type:
        headers["content-type"] = content_type
    headers["authorization"] = signed.authorization
    if app_ctx.settings.verbose:
        app_ctx.out.note(f"string-to-sign: {json.dumps(signed.string_to_sign)}")
    out = app_ctx.out
    if out.mode == "table" and not out.quiet:  # people get the headers as they are sent
        out.ids([f"{name}: {value}" for name, value in headers.items()])
    else:
        out.render(headers, ids=[signed.authorization], csv_columns=list(headers), csv_rows=[list(headers.values())])


@app.command("verify", epilog=examples(
    'sinchvoice signature verify --path /cb --body @ace.json -H "$AUTH"',
    'sinchvoice signature verify --path /cb --body @ace.json -H "$AUTH" -H "$TS"',
    'sinchvoice signature verify --path /cb --body @ace.json -H "$AUTH" -o json',
))
def verify(
    ctx: Context,
    path: PathOption,
    body: BodyOption = None,
    header: Annotated[Optional[list[str]], Option(
        "--header", "-H", metavar="'NAME: VALUE'",
        help="A captured header: authorization (required), x-timestamp, content-type; repeatable.")] = None,
    timestamp: TimestampOption = None,
    method: MethodOption = "POST",
    content_type: Annotated[Optional[str], Option(
        "--content-type", metavar="TYPE",
        help="Content-Type as sent (default: the header, else application/json with a body).")
    ] = None,
    max_skew: Annotated[Optional[float], Option(
        "--max-skew", metavar="SECONDS", min=0,
        help="Also reject x-timestamps more than SECONDS (0 or more) from now; off by default.")
    ] = None,
) -> None:
    """Say whether a captured callback's signature is valid.

    Checked with the active credentials; shows the string-to-sign it checked. The x-timestamp is not compared
    with the clock unless --max-skew is given (a captured request may be old; a live server would allow 900 s).
    Exit 0 when valid, 1 when not. In the examples, $AUTH and $TS hold the captured authorization and
    x-timestamp header lines.
    """
    from sinchvoice.inputs import check_finite
    from sinchvoice.signing import check_basic, content_md5
    from sinchvoice.signing import verify as check_signature

    app_ctx = app_context(ctx)
    if max_skew is not None:  # nan would never reject anything, inf is leaving it out
        check_finite(max_skew, "--max-skew", hint="give seconds, e.g. --max-skew 900, or leave it out to check only "
                                                  "the signature")
    method, path = _method(method), _path(path)
    headers = _headers(header or [])
    if "authorization" not in headers:
        raise UsageError("no authorization header to verify", hint="pass --header 'authorization: application KEY:SIG'")
    content = _body(app_ctx, body)
    content_type = content_type if content_type is not None else headers.get(
        "content-type", "application/json" if content else "")
    stamp = _timestamp(timestamp) if timestamp else headers.get("x-timestamp")
    credentials = app_ctx.signing_credentials()
    key, secret = credentials.key, credentials.secret
    authorization = headers["authorization"]
    scheme = authorization.strip().partition(" ")[0].lower()
    if scheme == "basic":
        result = check_basic(authorization, key=key, secret=secret)
    else:
        result = check_signature(authorization, key=key, secret=secret, method=method, path=path, body=content,
                                 content_type=content_type, timestamp=stamp, max_skew=max_skew)
    _show_verdict(app_ctx, result, scheme, authorization, content_md5(content))


def _show_verdict(app_ctx, result, scheme: str, authorization: str, md5: str) -> None:
    given_key = authorization.strip().partition(" ")[2].partition(":")[0] if scheme != "basic" else None
    body = {"valid": result.ok, "reason": result.reason, "scheme": scheme, "applicationKey": given_key}
    fields = [("result", "valid" if result.ok else f"INVALID: {result.reason}"), ("scheme", scheme)]
    if scheme != "basic":
        body.update(contentMd5=md5, stringToSign=result.string_to_sign or None)
        fields += [("application key", given_key), ("content-md5", md5 or "(no body)"),
                   ("string-to-sign", json.dumps(result.string_to_sign) if result.string_to_sign else "(not built)")]
    app_ctx.out.render(body, panel=fields, title="signature verify", ids=["valid" if result.ok else "invalid"])
    if not result.ok:
        raise SinchVoiceError(f"the signature is not valid: {result.reason}", hint=_hint(result.reason))


_HINTS = {
    "signature does not match": "check the exact body bytes, content-type, path and x-timestamp, and that the "
                                "active credentials are this application's",
    "unknown application key": "verify with that application's credentials (-p PROFILE, or "
                               "SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET)",
}


def _hint(reason: str) -> str:
    if reason.startswith("x-timestamp is") and "away from now" in reason:
        return "the request was signed longer ago than --max-skew; leave it out to check only the signature"
    return _HINTS.get(reason, "check the exact body bytes, content-type, path, x-timestamp and the credentials used")


def _method(method: str) -> str:
    if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        raise UsageError(f"--method {method!r} is not an HTTP method", hint="use GET, POST, PUT, PATCH or DELETE")
    return method.upper()


def _path(path: str) -> str:
    if not path.startswith("/") or "?" in path:
        raise UsageError(f"--path {path!r} must be a path starting with / and without a query",
                         hint="only the path is signed, e.g. --path /sinch/callback")
    return path


def _body(app_ctx, body: str | None) -> bytes:
    from sinchvoice.inputs import read_bytes

    return b"" if body is None else read_bytes(body, what="--body", stdin=app_ctx.env.stdin)


def _timestamp(value: str) -> str:
    from sinchvoice.signing import parse_timestamp

    if parse_timestamp(value) is None:
        raise UsageError(f"--timestamp {value!r} is not an ISO 8601 UTC time", hint="e.g. 2024-05-01T12:00:00.123Z")
    return value


def _headers(values: list[str]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header {value!r} is not 'NAME: VALUE'", hint="e.g. --header 'x-timestamp: ...'")
        headers[name.strip().lower()] = content.strip()
    return headers
