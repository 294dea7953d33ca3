"""The world a command runs in (streams, TTY flags, directories, sleep); tests override it, httpie-style."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Callable, TextIO

# Standard streams the process started without (`sinchvoice ... >&-`), replaced by /dev/null so that output
# goes nowhere, as into a closed pipe; a command whose output must not vanish (a callout's id) asks.
CLOSED_AT_START: set[str] = set()


def replace_closed_streams() -> None:
    """Python leaves sys.stdout None for a closed fd 1, and print(file=None) would even put errors on stdout."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            CLOSED_AT_START.add(name)
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # open for the whole run, as sys.stdout is


def _xdg(var: str, fallback: str) -> Path:
    base = os.environ.get(var) or os.path.join(os.path.expanduser("~"), fallback)
    return Path(base) / "sinchvoice"


class Environment:
    """Streams default to the process's current ones at the moment of use (CliRunner swaps them). (A plain class,
    not a dataclass: dataclasses imports inspect, several ms for a command that sends nothing; one that sends a
    request loads both anyway, through httpcore's anyio.)"""

    def __init__(self, stdin_override: TextIO | None = None, stdout_override: TextIO | None = None,
                 stderr_override: TextIO | None = None, stdin_isatty_override: bool | None = None,
                 stdout_isatty_override: bool | None = None, sleep: Callable[[float], None] = time.sleep,
                 keyring_timeout: float = 5.0):
        self.stdin_override, self.stdout_override, self.stderr_override = stdin_override, stdout_override, \
            stderr_override
        self.stdin_isatty_override, self.stdout_isatty_override = stdin_isatty_override, stdout_isatty_override
        self.sleep, self.keyring_timeout = sleep, keyring_timeout

    @property
    def stdin(self) -> TextIO:
        return self.stdin_override or sys.stdin

    @property
    def stdout(self) -> TextIO:
        return self.stdout_override or sys.stdout

    @property
    def stderr(self) -> TextIO:
        return self.stderr_override or sys.stderr

    @property
    def stdout_closed(self) -> bool:
        """The process started with no stdout at all: what is printed there is lost."""
        return self.stdout_override is None and "stdout" in CLOSED_AT_START

    @property
    def stdin_isatty(self) -> bool:
        if self.stdin_isatty_override is not None:
            return self.stdin_isatty_override
        return isatty(self.stdin)

    @property
    def stdout_isatty(self) -> bool:
        if self.stdout_isatty_override is not None:
            return self.stdout_isatty_override
        return isatty(self.stdout)

    @property
    def stderr_isatty(self) -> bool:
        """Where notes, prompts and live status lines go; a terminal there gets the live views."""
        return isatty(self.stderr)

    @property
    def no_color(self) -> bool:
        return bool(os.environ.get("NO_COLOR"))

    @property
    def config_dir(self) -> Path:
        override = os.environ.get("SINCHVOICE_CONFIG_DIR")
        return Path(override) if override else _xdg("XDG_CONFIG_HOME", ".config")

    @property
    def state_dir(self) -> Path:
        """Where the completion history lives; SINCHVOICE_STATE_DIR overrides the XDG state dir."""
        override = os.environ.get("SINCHVOICE_STATE_DIR")
        return Path(override) if override else _xdg("XDG_STATE_HOME", os.path.join(".local", "state"))


def isatty(stream) -> bool:
    """The one test for a terminal: a closed, missing or odd stream is none."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
