"""Shared fixtures: every test is isolated (config dir, environment, keyring) and runs the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring
from tests.sandbox_fixture import any_sandbox, sandbox, sandbox_live, sandbox_spec  # noqa: F401  (the sandboxes)

ROOT = Path(__file__).resolve().parent.parent
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
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


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
        from typer.testing import CliRunner as TyperRunner

        from sinchvoice.environment import Environment
        from sinchvoice.tree import build_app

        environment = Environment(
            stdin_isatty_override=tty,
            stdout_isatty_override=tty,
            sleep=self._sleep,
        )
        result = TyperRunner().invoke(build_app(), list(args), obj=environment, env=env, input=input,
                                      prog_name="sinchvoice", catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr, self.sleeps)


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def run_subprocess(*args: str, env: dict | None = None, input: str | None = None, timeout: float = 60):
    """The installed entry point's behaviour: a fresh interpreter running `python -m sinchvoice`."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "sinchvoice", *args], capture_output=True, text=True,
                          env=full_env, input=input, timeout=timeout)
