"""`demo`: the main job end to end, narrated, through the real commands against an in-process sandbox."""

import os
import shlex
import time
from contextlib import contextmanager
from typing import Annotated

from sinchvoice.context import app_context
from sinchvoice.declare import Context, Option, examples, single_command

CALLER = "+46700000999"
BRIDGE = "ops-bridge"
MAX_SPEED = 1000


@single_command(epilog=examples(
    "sinchvoice demo",
    "sinchvoice demo --speed 100",
    "sinchvoice demo --speed 1",
))
def demo(
    ctx: Context,
    speed: Annotated[float, Option(metavar="FACTOR", min=1,
                                   help="Sandbox clock speed, 1-1000 (20 = a 20 s call lasts 1 s).")] = 20.0,
) -> None:
    """Tour the main jobs on a built-in sandbox.

    No account, no network, no keyring, nothing rings.
    A text-to-speech alert followed to its final status, a busy number (exit code 5), then a conference
    bridge with three participants: list, mute one, kick one, kick everyone.
    """
    from sinchvoice.errors import SinchVoiceError
    from sinchvoice.inputs import check_range
    from sinchvoice.interrupts import ctrl_c_stops
    from sinchvoice.sandbox.clock import RealClock
    from sinchvoice.sandbox.server import run_in_thread

    out = app_context(ctx).out
    check_range(speed, "--speed", low=1, high=MAX_SPEED, unit="times real time", hint="e.g. --speed 20")
    # The first Ctrl-C reaches whatever runs (a step's command ends on it, `_invoke` then stops the demo);
    # later ones never raise, so the sandbox is shut down whole.
    with (ctrl_c_stops(), run_in_thread(clock=RealClock(speed), seed=2026, api_layout="live") as sandbox,
          _pointed_at(sandbox)):
        out.note(f"A sandbox is serving on {sandbox.base_url} (clock x{speed:g}); every command below is the real CLI.")
        # The line as a shell reads it, so it can be pasted as is (the secret is the sandbox's public default).
        exports = {"SINCHVOICE_BASE_URL": sandbox.base_url, "SINCH_APPLICATION_KEY": sandbox.key,
                   "SINCH_APPLICATION_SECRET": sandbox.secret, "SINCHVOICE_FROM": CALLER}
        out.note("$ export " + " ".join(f"{name}={shlex.quote(value)}" for name, value in exports.items()))
        failures = [step for step in _scenario(out, speed) if not step]
    if failures:
        raise SinchVoiceError(f"the demo did not go as scripted ({len(failures)} step(s) differed)")
    out.note("\nDone. Try it yourself: run `sinchvoice sandbox` in one terminal and paste the export line it prints\n"
             "into another; then any command above works against it.")


def _scenario(out, speed: float):
    say = out.note
    say("\n1. Call the on-call engineer and read an alert, waiting for the outcome:")
    yield _run(out, ["callouts", "tts", "--to", "+46700000123", "--text", "Disk almost full on db-1.", "--wait"], 0)
    say("\n2. A busy line: --wait exits 5 so scripts can fall back to the next engineer:")
    yield _run(out, ["callouts", "tts", "--to", "+46700000001", "--text", "Are you there?", "--wait"], 5)
    say("\n3. Three people dial into a conference bridge:")
    ids = []
    for index, number in enumerate(("+46700000201", "+46700000202", "+46700000203"), start=1):
        args = ["callouts", "conference", "--to", number, "--conference-id", BRIDGE, "-q"]
        code, call_id = _capture(out, f"P{index}", args)
        ids.append(call_id)
        yield code == 0
    time.sleep(3 / speed + 0.2)  # they ring for 2 s of sandbox time before joining
    yield _run(out, ["conferences", "get", BRIDGE], 0)
    say("\n4. Mute the noisy line, drop one participant, then end the bridge:")
    yield _run(out, ["conferences", "mute", BRIDGE, ids[0]], 0)
    yield _run(out, ["conferences", "kick", BRIDGE, ids[1], "--yes"], 0)
    yield _run(out, ["conferences", "get", BRIDGE], 0)
    yield _run(out, ["conferences", "kick-all", BRIDGE, "--yes"], 0)
    yield _run(out, ["conferences", "get", BRIDGE], 3)


def _run(out, args: list[str], expected: int) -> bool:
    code = _invoke(out, args)
    out.note(f"  (exit code {code})" if code == expected else f"  (exit code {code}, expected {expected})")
    return code == expected


def _capture(out, variable: str, args: list[str]) -> tuple[int, str]:
    """Run a command whose stdout the demo needs (a call id), the way `P1=$(...)` would."""
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = _invoke(out, args, echo=False)
    call_id = buffer.getvalue().strip()
    out.note(f"$ {variable}=$(sinchvoice {shlex.join(args)})   # {call_id}")
    return code, call_id


def _invoke(out, args: list[str], echo: bool = True) -> int:
    from sinchvoice.tree import build_app

    if echo:
        out.note(f"$ sinchvoice {shlex.join(args)}")
    try:
        build_app()(args=args, prog_name="sinchvoice", standalone_mode=True)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    # Piped (`demo 2>&1 | less`), a step's output must land before the next narration line, not after it.
    for stream in (out.env.stdout, out.env.stderr):
        stream.flush()
    _stop_if_interrupted(out, code)
    return code


def _stop_if_interrupted(out, code: int) -> None:
    """A Ctrl-C inside a step ends that step's command with its own exit code; it must end the demo too."""
    import signal

    from sinchvoice.errors import Interrupted
    from sinchvoice.interrupts import CtrlC

    handler = signal.getsignal(signal.SIGINT)
    if isinstance(handler, CtrlC) and handler.signum is not None:
        # A step that ended 130 has said `interrupted`; one that reported something else (e.g. what the Ctrl-C
        # left unknown) has not said that the demo stops.
        raise Interrupted("" if code == 130 else "interrupted")


@contextmanager
def _pointed_at(sandbox):
    """Point the real commands at the sandbox for the demo only; no user config, keyring or history used."""
    import shutil
    import tempfile

    no_config = tempfile.mkdtemp(prefix="sinchvoice-demo-")  # an empty config folder: the user's may be broken
    # The sandbox serves both hosts on its one port: a SINCHVOICE_CONFIG_BASE_URL of the user's must not win.
    overrides = {**sandbox.env(), "SINCHVOICE_CONFIG_BASE_URL": sandbox.base_url, "SINCHVOICE_FROM": CALLER,
                 "SINCHVOICE_NO_HISTORY": "1",
                 "SINCHVOICE_AUTH": "signed", "SINCHVOICE_OUTPUT": "table", "SINCHVOICE_PROFILE": "sinchvoice-demo",
                 "SINCHVOICE_CONFIG_DIR": no_config}
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        shutil.rmtree(no_config, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
