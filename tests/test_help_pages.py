"""The --help fast path (cli.py + help_pages.py): byte for byte what typer prints, on every terminal width, and
never stale. (tests/test_imports.py checks that it imports no typer.)"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest

from sinchvoice import help_gen
from tests.conftest import ROOT

TYPER = "import sys; from sinchvoice.tree import build_app; build_app()(args=sys.argv[1:], prog_name='sinchvoice')"


def run(args: list[str], columns: str | None, typer_only: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = columns
    command = [sys.executable, "-c", TYPER] if typer_only else [sys.executable, "-m", "sinchvoice"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=60)


def test_the_pages_are_those_of_todays_command_tree():
    assert help_gen.main(["--check"]) == 0, "run: python -m sinchvoice.help_gen --write"


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["calls", "--help"], ["applications", "numbers", "-h"]])
@pytest.mark.parametrize("columns", ["60", "79", "80", "200", "junk", None])
def test_the_fast_path_prints_what_typer_prints_at_any_width(args, columns):
    fast, slow = run(args, columns), run(args, columns, typer_only=True)
    assert (fast.returncode, fast.stderr) == (slow.returncode, slow.stderr) == (0, "")
    assert fast.stdout == slow.stdout
    assert fast.stdout.startswith("Usage: sinchvoice " + " ".join(a for a in args if not a.startswith("-")))


def test_the_pages_answer_only_what_they_hold():
    """Anything else (a leaf command, an option before --help, an unknown group) is typer's to answer."""
    from sinchvoice.help_pages import PAGES

    assert {"", "calls", "applications numbers"} <= set(PAGES)
    for args in (["calls", "get", "--help"], ["-v", "calls", "--help"], ["nope", "--help"]):
        fast, slow = run(args, "100"), run(args, "100", typer_only=True)
        assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert run(["nope", "--help"], "100").returncode == 2


@pytest.mark.parametrize("columns", [70, 120])
def test_on_a_real_terminal_the_width_is_the_terminals(columns):
    """No COLUMNS: both paths ask the terminal (a pty of COLUMNS columns)."""

    def on_terminal(command: list[str]) -> bytes:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("COLUMNS", None)
        primary, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        process = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, env=env)
        os.close(secondary)
        output = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        os.close(primary)
        assert process.wait(timeout=60) == 0
        return output

    fast = on_terminal([sys.executable, "-m", "sinchvoice", "--help"])
    assert fast == on_terminal([sys.executable, "-c", TYPER, "--help"])
    assert fast.startswith(b"Usage: sinchvoice")
