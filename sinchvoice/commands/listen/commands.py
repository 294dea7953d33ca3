"""`listen`: receive, verify and answer Sinch callback events locally."""

import json
from typing import Annotated, Optional

from sinchvoice.context import app_context
from sinchvoice.declare import Context, Option, examples, single_command
from sinchvoice.errors import Interrupted, UsageError
from sinchvoice.interrupts import stops_on_ctrl_c


def _stopped(ctx: Context, **_) -> None:
    """Serving ends only by Ctrl-C (at any moment: `stops_on_ctrl_c`), once requests in flight are done: say so
    and exit 130 (root ends the line the terminal echoed ^C on first)."""
    raise Interrupted("stopped")


@single_command(epilog=examples(
    "sinchvoice listen",
    "sinchvoice listen --reply ice=@ice.json --reply-dir replies",
    "sinchvoice listen --port 0 --journal events.jsonl -o json",
    "sinchvoice listen --forward-to http://127.0.0.1:3000/sinch/callback",
))
@stops_on_ctrl_c(_stopped)
def listen(
    ctx: Context,
    host: Annotated[str, Option(metavar="HOST", help="Address to bind; loopback unless --allow-remote.")
                    ] = "127.0.0.1",
    port: Annotated[int, Option(metavar="PORT", help="Port to bind, 0-65535 (0 picks a free one).", min=0,
                                max=65535)] = 8800,
    path: Annotated[str, Option(metavar="PATH", help="Callback path; requests under it are served too.")
                    ] = "/",
    reply: Annotated[Optional[list[str]], Option(
        "--reply", metavar="EVENT=SVAML", help="Reply to ice, ace or pie: inline SVAML, @FILE or -.")] = None,
    reply_dir: Annotated[Optional[str], Option(
        "--reply-dir", metavar="DIR", help="Folder holding ice.json, ace.json, pie.json replies.")] = None,
    journal: Annotated[Optional[str], Option(
        metavar="FILE", help="Append every request and reply to FILE as a JSON line (signatures redacted).")] = None,
    no_verify: Annotated[bool, Option("--no-verify", help="Accept callbacks without checking them.")] = False,
    forward_to: Annotated[Optional[str], Option(
        "--forward-to", metavar="URL", help="Relay each event, re-signed, to your own handler.")] = None,
    allow_remote: Annotated[bool, Option("--allow-remote", help="Allow binding a non-loopback host.")] = False,
    allow_replay: Annotated[bool, Option(
        "--allow-replay", help="Accept a signed callback received before (same signature and x-timestamp).")] = False,
) -> None:
    """Receive, verify and answer callbacks on a local URL.

    The callbacks are Sinch's ice, ace, pie, dice and notify events. Each event is shown on stderr as one line
    (with -v also its JSON; -o json prints one JSON line per event on stdout). Signatures are checked with the
    active credentials; bad ones are answered 401, replayed ones 409. Default replies: ice says that no reply is
    configured and hangs up, ace and pie continue, dice and notify get an empty 200. Ctrl-C stops it (exit 130).
    """
    from sinchvoice.listener.events import load_replies
    from sinchvoice.urls import check_bind_host, check_url

    app_ctx = app_context(ctx)
    if check_bind_host(host, allow_remote, "listen"):
        app_ctx.out.warn(f"listening on {host}: anyone who can reach it can send events to it")
    if not path.startswith("/"):
        raise UsageError(f"--path {path!r} must start with /", hint="e.g. --path /sinch/callback")
    replies = load_replies(reply or [], reply_dir, stdin=app_ctx.env.stdin, warn=app_ctx.out.warn)
    if forward_to:
        check_url(forward_to, "--forward-to")
        if no_verify:  # re-signing an unchecked event would vouch for it to the handler
            raise UsageError("--forward-to signs what it relays, so it cannot relay events that were not verified "
                             "(--no-verify)", hint="drop --no-verify (Sinch and the sandbox sign their callbacks), "
                             "or send unsigned test events to your handler directly")
    key, secret = _credentials(app_ctx) if not no_verify else (None, None)
    _serve(app_ctx, host, port, allow_remote, path=path, key=key, secret=secret, verify=not no_verify,
           replies=replies, journal=journal, forward_to=forward_to, allow_replay=allow_replay)


def _credentials(app_ctx) -> tuple[str, str]:
    from sinchvoice.errors import AuthError

    try:
        credentials = app_ctx.signing_credentials()
    except AuthError as error:
        raise AuthError(error.message, hint=f"{error.hint}; or pass --no-verify to accept unsigned events",
                        **error.details) from None
    return credentials.key, credentials.secret


def _serve(app_ctx, host: str, port: int, allow_remote: bool, *, journal: str | None, replies: dict, **options):
    from sinchvoice.listener.handler import Listener
    from sinchvoice.listener.server import serve_forever
    from sinchvoice.serving import bind

    journal_file = _open_journal(journal) if journal else None
    try:
        sock = bind(host, port, allow_remote)  # a busy port: one error line, exit 1
        listener = Listener(replies={event: doc for event, (doc, _) in replies.items()}, journal=journal_file,
                            timeout=app_ctx.settings.timeout, report=_reporter(app_ctx), **options)
        serve_forever(listener, sock, ready=lambda _: _announce(app_ctx, sock, host, replies, listener, journal))
    finally:
        if journal_file is not None:
            journal_file.close()




def _open_journal(name: str):
    """Appended to; created 0600 whatever the umask: it holds the callbacks' bodies (numbers, call ids)."""
    import os

    try:
        fd = os.open(os.path.expanduser(name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "a", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--journal {name}: cannot open it: {exc.strerror or exc}", hint="check the path") from None


def _announce(app_ctx, sock, host: str, replies: dict, listener, journal: str | None) -> None:
    from sinchvoice.credentials import mask
    from sinchvoice.listener.events import reply_summary
    from sinchvoice.serving import local_url, url_of

    note, url = app_ctx.out.note, url_of(sock, host, listener.path)
    note(f"sinchvoice listen: receiving callbacks on {url} (Ctrl-C stops it)")
    if listener.verify:
        note(f"  signatures:  checked against application {mask(listener.key)} (x-timestamp within 15 min)")
    else:
        note("  signatures:  NOT checked (--no-verify)")
    if listener.forward_to:
        note(f"  replies:     from {listener.forward_to} (each event re-signed and forwarded)")
    else:
        shown = ", ".join(f"{event} {reply_summary(doc)} ({source})" for event, (doc, source) in replies.items())
        note(f"  replies:     {shown}; dice, notify: empty 200")
    if journal:
        note(f"  journal:     {journal}")
    # Only a loopback http:// URL passes `callbacks set` (the sandbox); Sinch itself needs https.
    local, port = local_url(sock, host, listener.path), sock.getsockname()[1]
    if local:
        note("Point your application's callbacks at it:")
        note(f"  sinchvoice applications callbacks set --primary {local}")
    tunnel = port if local else url_of(sock, host, "").removeprefix("http://")
    note(f"A real Sinch application needs a public https:// URL instead, e.g. a tunnel: ngrok http {tunnel}")


def _reporter(app_ctx):
    out, verbose = app_ctx.out, app_ctx.settings.verbose

    def report(exchange) -> None:
        from sinchvoice.listener.exchange import decode, printable

        if out.mode == "json":
            out.json_line(exchange.record())
        elif out.quiet and exchange.callid and not exchange.rejected:  # a forged event's id is no call of ours
            out.ids([printable(exchange.callid)])
        if out.quiet and not exchange.rejected:
            return
        out.line(exchange.line(), style="red" if exchange.rejected else None)
        for warning in exchange.warnings:
            out.warn(printable(warning))
        if verbose:
            for label, body in (("request", decode(exchange.body)), ("reply", decode(exchange.reply))):
                text = json.dumps(body, indent=2, ensure_ascii=False) if body is not None else "(empty)"
                text = "\n    ".join(printable(line) for line in text.split("\n"))  # json leaves C1 controls raw
                out.line(f"    {label}: {text}")

    return report
