"""The real CLI in a subprocess, its output read line by line in the background, for tests that send signals.

Signal tests wait for a line (the banner, a narrated step), never for a guess of time: CI is a busy 2-core
machine. Deadlines are generous because they only bound a failure.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

from tests.conftest import ROOT

DEADLINE = 60.0


class Spawned:
    """`python -m sinchvoice ARGS` (or `python -c CODE ARGS`); `-X importtime` lines are kept apart in `imports`."""

    def __init__(self, *args: str, env: dict | None = None, code: str | None = None, importtime: bool = False):
        command = [sys.executable, *(["-X", "importtime"] if importtime else [])]
        command += ["-c", code] if code else ["-m", "sinchvoice"]
        self.proc = subprocess.Popen([*command, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, errors="replace",
                                     env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
        self.imports: list[str] = []
        self._lines = {"stdout": queue.Queue(), "stderr": queue.Queue()}
        self.seen: dict[str, list[str]] = {"stdout": [], "stderr": []}
        self._pumps = [threading.Thread(target=self._pump, args=(name,), daemon=True) for name in self._lines]
        for pump in self._pumps:
            pump.start()

    def _pump(self, name: str) -> None:
        for line in getattr(self.proc, name):
            line = line.rstrip("\n")
            if line.startswith("import time:"):
                self.imports.append(line.rsplit("|", 1)[1].strip())
            else:
                self._lines[name].put(line)
        self._lines[name].put(None)  # end of stream

    def next(self, stream: str = "stderr", timeout: float = DEADLINE) -> str:
        line = self._lines[stream].get(timeout=timeout)
        if line is None:
            raise AssertionError(f"{stream} ended; so far: {self.seen[stream]}")
        self.seen[stream].append(line)
        return line

    def until(self, pattern: str, stream: str = "stderr", timeout: float = DEADLINE) -> list[str]:
        """The lines read up to and including the first one matching `pattern` (re.search)."""
        deadline, lines = time.monotonic() + timeout, []
        while not lines or not re.search(pattern, lines[-1]):
            lines.append(self.next(stream, max(0.1, deadline - time.monotonic())))
        return lines

    def signal(self, signum: int = signal.SIGINT) -> None:
        self.proc.send_signal(signum)

    def finish(self, timeout: float = DEADLINE) -> tuple[int, list[str], list[str]]:
        """Wait for the exit; returns (exit code, the rest of stdout, the rest of stderr)."""
        try:
            code = self.proc.wait(timeout)
        finally:
            self.proc.kill()
        for pump in self._pumps:
            pump.join(timeout)
        rest = {}
        for name, lines in self._lines.items():
            rest[name] = [line for line in iter(lines.get_nowait, None)]
            self.seen[name] += rest[name]
        return code, rest["stdout"], rest["stderr"]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(DEADLINE)
