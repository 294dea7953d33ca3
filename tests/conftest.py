"""Shared fixtures: every test is isolated (config dir, environment, keyring) and runs the real CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring
from tests.sandbox_fixture import (  # noqa: F401  (the sandboxes, and an HTTP client to one)
    any_sandbox,
    client,
    sandbox,
    sandbox_live,
    sandbox_spec,
)

ROOT = Path(__file__).resolve().parent.parent

# A shell without job control starts a background job (`python -m pytest &`) with SIGINT ignored, and every
# process the tests start inherits that: the Ctrl-C tests would then fail for a reason that is not theirs.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
SENTINEL_SECRET = "U2VudGluZWxTZWNyZXQ0Mg=="  # base64 of "SentinelSecret42": must never be printed


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No real config, environment variables or keyring leak into a test."""
    for name in list(os.environ):
        if name.startswith(("SINCH_", "SINCHVOICE_", "XDG_")) or name in ("NO_COLOR", "PYTHON_KEYRING_BACKEND"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SINCHVOICE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SINCHVOICE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "UTC")  # local times on panels are deterministic; see the `time_zone` fixture
    time.tzset()
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def time_zone(monkeypatch):
    """Call with a POSIX TZ value (e.g. "CET-1") to run the test in that local time zone."""
    def use(value: str) -> None:
        monkeypatch.setenv("TZ", value)
        time.tzset()

    yield use
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    sleeps: list = field(default_factory=list)


@dataclass
class CliRunner:
    """Runs `sinchvoice ARGS` in-process through the real command tree, with a controllable environment."""

    sleeps: list = field(default_factory=list)
    # Called with each delay the CLI sleeps (polling, backoff); e.g. `cli.on_sleep = sandbox.advance`
    # lets --wait/--watch run instantly against the sandbox's manual clock.
    on_sleep: Callable[[float], object] | None = None

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.on_sleep is not None:
            self.on_sleep(seconds)

    def __call__(self, *args: str, input: str | None = None, tty: bool = False, env: dict | None = None) -> Result:
        """As cli.py runs a command line: the fast path when it takes it (sinchvoice.fastpath), else typer."""
        from typer.testing import CliRunner as TyperRunner

        from sinchvoice import fastpath
        from sinchvoice.environment import Environment
        from sinchvoice.tree import build_app

        environment = Environment(
            stdin_isatty_override=tty,
            stdout_isatty_override=tty,
            sleep=self._sleep,
        )
        runner = TyperRunner()
        with runner.isolation(input=input, env=env) as (stdout, stderr, _):
            code = fastpath.run(list(args), env=environment)
            sys.stdout.flush()
            sys.stderr.flush()
            if code is not None:
                return Result(code, _text(runner, stdout), _text(runner, stderr), self.sleeps)
        result = runner.invoke(build_app(), list(args), obj=environment, env=env, input=input,
                               prog_name="sinchvoice", catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr, self.sleeps)


def _text(runner, stream) -> str:
    """What typer's Result.stdout/stderr make of a captured stream."""
    return stream.getvalue().decode(runner.charset, "replace").replace("\r\n", "\n")


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def run_subprocess(*args: str, env: dict | None = None, input: str | None = None, timeout: float = 60):
    """The installed entry point's behaviour: a fresh interpreter running `python -m sinchvoice`."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "sinchvoice", *args], capture_output=True, text=True,
                          env=full_env, input=input, timeout=timeout)
