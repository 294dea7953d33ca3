"""Run the CLI on a pseudo-terminal, as a person at a keyboard does: prompts, hidden input, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import ROOT

# The child is a session leader (start_new_session); opening its terminal by name makes it the controlling
# terminal, so ^C typed on it is SIGINT from the line discipline and getpass can open /dev/tty, as in a shell.
BOOT = ("import os, sys; os.close(os.open(os.ttyname(0), os.O_RDWR)); "
        "from sinchvoice.cli import main; sys.exit(main(sys.argv[1:]))")
CTRL_C, CTRL_D = "\x03", "\x04"
READ_SYSCALL = {"x86_64": 0, "aarch64": 63, "arm64": 63, "riscv64": 63}.get(platform.machine())


class Terminal:
    def __init__(self, *args: str, env: dict | None = None, umask: int = -1):
        primary, secondary = os.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", BOOT, *args], stdin=secondary, stdout=secondary, stderr=secondary,
            start_new_session=True, umask=umask,
            env={**os.environ, "PYTHONPATH": str(ROOT), "TERM": "dumb", "NO_COLOR": "1", **(env or {})})
        os.close(secondary)
        self.primary = primary
        self._screen = bytearray()
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.primary, 4096)
            except OSError:  # EIO: the child closed its side
                data = b""
            with self._changed:
                self._screen.extend(data)
                self._changed.notify_all()
            if not data:
                return

    @property
    def screen(self) -> str:
        with self._changed:
            return self._screen.decode("utf-8", "replace")

    def expect(self, text: str, timeout: float = 30) -> None:
        """Wait until TEXT is on the screen (a prompt, a message); fail with the screen after TIMEOUT."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while text not in self._screen.decode("utf-8", "replace"):
                left = deadline - time.monotonic()
                if left <= 0 or (not self._reader.is_alive() and text not in self.screen):
                    raise AssertionError(f"{text!r} never appeared; screen: {self._screen.decode(errors='replace')!r}")
                self._changed.wait(min(left, 1))

    def expect_prompt(self, text: str, timeout: float = 30) -> None:
        """TEXT is shown and the program is blocked reading the terminal: a key typed now reaches the prompt.

        Showing the prompt is not enough for Ctrl-C: a SIGINT that lands after the prompt is written but before
        the read begins is only noticed by the interpreter at the next input (a person would press ^C again).
        """
        self.expect(text, timeout)
        if READ_SYSCALL is None:
            pytest.skip(f"cannot tell when a process waits for input on {platform.machine()}")
        deadline = time.monotonic() + timeout
        while not self._reading():
            if time.monotonic() > deadline:
                raise AssertionError(f"never waited for input after {text!r}; screen: {self.screen!r}")
            time.sleep(0.005)

    def _reading(self) -> bool:
        try:  # "NR arg0 ...": the system call the process sleeps in (Linux)
            with open(f"/proc/{self.proc.pid}/syscall") as handle:
                call = handle.read().split()
        except OSError:
            return False
        return bool(call) and call[0] == str(READ_SYSCALL)

    def type(self, keys: str) -> None:
        os.write(self.primary, keys.encode())

    def finish(self, timeout: float = 30) -> int:
        """Wait for the exit code, and for everything it printed."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError(f"still running after {timeout} s; screen: {self.screen!r}") from None
        self._reader.join(timeout)
        os.close(self.primary)
        return code
