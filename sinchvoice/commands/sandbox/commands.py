"""`sandbox`: serve the local Voice API emulator in the foreground (heavy imports inside the command)."""

from typing import Annotated, Optional

from sinchvoice.config import ApiLayout
from sinchvoice.context import app_context
from sinchvoice.declare import Context, Option, examples, single_command
from sinchvoice.errors import Interrupted, UsageError
from sinchvoice.interrupts import stops_on_ctrl_c
from sinchvoice.sandbox.defaults import HOST, KEY, PORT, SECRET

MAX_SPEED = 10_000.0
MAX_NUMBERS = 100_000
MAX_RATE_LIMIT = 100_000


def _stopped(**_) -> None:
    """Like `listen`: say `stopped`, exit 130 (root ends the line the terminal echoed ^C on first)."""
    raise Interrupted("stopped")


@single_command(epilog=examples(
    "sinchvoice sandbox",
    "sinchvoice sandbox --speed 10",
    "sinchvoice sandbox --port 0 --seed 42",
    "sinchvoice sandbox --rate-limit 5 --api-layout spec",
))
@stops_on_ctrl_c(_stopped)  # at any moment: before binding, while starting, serving or shutting down
def sandbox(
    ctx: Context,
    host: Annotated[str, Option(metavar="HOST", help="Address to bind; loopback unless --allow-remote.")
                    ] = HOST,
    port: Annotated[int, Option(metavar="PORT", help="Port to bind, 0-65535 (0 picks a free one).", min=0,
                                max=65535)] = PORT,
    key: Annotated[str, Option(metavar="KEY", help="Application key the sandbox accepts.")] = KEY,
    secret: Annotated[str, Option(metavar="SECRET", help="Application secret (base64) the sandbox accepts.")
                      ] = SECRET,
    speed: Annotated[
        Optional[float], Option(metavar="FACTOR",
                                help="Clock speed: 10 makes a 30 s call last 3 s (default 1).")
    ] = None,
    manual_clock: Annotated[
        bool, Option("--manual-clock", help="Time moves only by POST /_sandbox/clock/advance.")
    ] = False,
    seed: Annotated[Optional[int], Option(metavar="N", help="Seed for call ids, for reproducible runs.")
                    ] = None,
    api_layout: Annotated[
        ApiLayout, Option(help="live: the real platform's paths and shapes; spec: the contract's.")
    ] = ApiLayout.live,
    numbers: Annotated[
        int, Option(metavar="N", help=f"Add N free voice numbers (+467000100000, ...) to the seeded ones, "
                                            f"0-{MAX_NUMBERS}.", min=0, max=MAX_NUMBERS)
    ] = 0,
    rate_limit: Annotated[
        Optional[int], Option("--rate-limit", metavar="N", min=1, max=MAX_RATE_LIMIT,
                              help=f"Answer 429 with Retry-After beyond N callouts per second, "
                                         f"1-{MAX_RATE_LIMIT}.")
    ] = None,
    allow_remote: Annotated[
        bool, Option("--allow-remote", help="Allow binding a non-loopback host.")
    ] = False,
) -> None:
    """Run a local Sinch Voice API, free and offline.

    A stateful emulator for trying commands and testing scripts: no account, no phone rings.
    Calls ring for 2 s, then answer; TTS calls end once the text is spoken (about 150 words a minute).
    Destination numbers ending in these digits force an outcome:

    \b
      0001  BUSY after 2 s of ringing
      0002  NOANSWER after 30 s of ringing (reason TIMEOUT)
      0003  FAILED after 2 s (reason GENERALERROR)
      0004  answered, then the callee hangs up 3 s later (reason CALLEEHANGUP)

    Seeded numbers: +46700000100 and +46700000101 (voice, assigned), +46700000102 (voice, free),
    +46700000103 (sms, assigned). Control routes for tests live under /_sandbox/ (loopback only).
    Both hosts of the live platform (traffic and /v1/ configuration) are served on the one port.
    Each API request is logged on stderr (time, method, path, status, ms); -q leaves the log out.
    Ctrl-C stops it (exit 130).
    """
    from sinchvoice.signing import is_valid_secret
    from sinchvoice.urls import check_bind_host

    if not key.strip() or any(c.isspace() or c == ":" for c in key):
        raise UsageError(f"--key {key!r} is not usable as an application key", hint="no spaces or colons, e.g. "
                         "11111111-2222-4333-8444-555555555555")
    if not is_valid_secret(secret):
        raise UsageError("--secret must be base64, as Sinch application secrets are")
    clock = _clock(speed, manual_clock)

    out = app_context(ctx).out
    if check_bind_host(host, allow_remote, "serve"):
        out.warn(f"serving on {host}: anyone who can reach it may use the sandbox")
    from sinchvoice.sandbox.server import serve_forever

    # A busy port fails here before the banner, as one error line (exit 1), the same as `listen`. The banner
    # comes once requests are answered; serving ends only by Ctrl-C, which `stops_on_ctrl_c` turns into 130.
    serve_forever(key=key, secret=secret, clock=clock, seed=seed, host=host, port=port,
                  allow_remote=allow_remote, on_ready=lambda running: _announce(out, running),
                  api_layout=api_layout.value, numbers=numbers, rate_limit=rate_limit,
                  on_request=None if out.quiet else lambda *request: _log_request(out, *request))


def _log_request(out, method: str, path: str, status: int, milliseconds: float) -> None:
    """One line per API request served, like a web server's access log (what the CLI under test sent)."""
    import time

    out.status(f"{time.strftime('%H:%M:%S')}  {method} {path}  {status}  {milliseconds:.0f} ms")  # escaped there


def _clock(speed: float | None, manual: bool):
    """A manual clock, or a real one at a speed that keeps every timestamp computable (nan/inf never do)."""
    import math
    from datetime import datetime, timezone

    from sinchvoice.sandbox.clock import ManualClock, RealClock

    if manual and speed is not None:
        raise UsageError("--speed and --manual-clock exclude each other",
                         hint="a manual clock moves only by POST /_sandbox/clock/advance; drop one of them")
    if manual:
        return ManualClock(epoch=datetime.now(timezone.utc))
    if speed is None:
        return RealClock()
    if not math.isfinite(speed) or not 0.001 <= speed <= MAX_SPEED:
        raise UsageError(f"--speed must be a number from 0.001 to {MAX_SPEED:g}, not {speed:g}",
                         hint="e.g. --speed 10 makes a 30 s call last 3 s; --manual-clock stops time")
    return RealClock(speed)


def _announce(out, running) -> None:
    lines = [f"sinchvoice sandbox listening on {running.base_url} (Ctrl-C stops it)",
             f"  application key:    {running.key}",
             f"  application secret: {running.secret}",
             "  reserved endings:   0001 BUSY, 0002 NOANSWER, 0003 FAILED, 0004 callee hangs up after 3 s",
             f"  api layout:         {running.app.api_layout}"]
    if running.app.rate_limit is not None:
        limit = running.app.rate_limit.per_second
        lines.append(f"  rate limit:         {limit} callout{'' if limit == 1 else 's'} per second, then 429 "
                     "with Retry-After")
    if running.clock.manual:
        lines.append("  clock:              manual: POST /_sandbox/clock/advance {\"seconds\": N} moves it")
    elif running.clock.speed == 1:
        lines.append("  clock:              real time (--speed 10 makes a 30 s call last 3 s)")
    else:
        speed = running.clock.speed
        lines.append(f"  clock:              {speed:g}x: a 30 s call lasts {30 / speed:g} s")
    lines.append("Point the CLI at it:")
    for line in lines:
        out.status(line)
    print(" ".join(["export"] + [f"{name}={value}" for name, value in running.env().items()]), file=out.env.stdout,
          flush=True)
