"""Ctrl-C for commands that run until stopped (the servers, the demo): it interrupts once, and whatever
runs after it (a graceful stop, the goodbye) is not cut in half by another one."""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
from typing import Callable, Iterator

from sinchvoice.errors import Interrupted


class CtrlC:
    """The signal handler of a foreground server: the first Ctrl-C (or SIGTERM) raises KeyboardInterrupt;
    later ones never raise again (the graceful stop and the goodbye must not be cut in half), they only
    `hurry` the stop along."""

    def __init__(self):
        self.signum: int | None = None
        self.hurry: Callable[[], None] | None = None
        self._holding = 0
        self._pending = False

    def __call__(self, signum, frame) -> None:
        if self.signum is not None:
            if self.hurry is not None:
                self.hurry()
            return
        self.signum = signum
        if self._holding:
            self._pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def held(self):
        """A Ctrl-C arriving inside is raised at the end, so what is printed inside is printed whole."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
        if self._pending and not self._holding:
            self._pending = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def ctrl_c_stops(ctrl_c: CtrlC | None = None) -> Iterator[CtrlC]:
    """Within: the first Ctrl-C (or SIGTERM) raises KeyboardInterrupt, later ones never do (see CtrlC).

    Without an interrupt the previous handlers come back; after one they stay: the process is on its way
    out, and a second Ctrl-C must not cut its goodbye in half.
    """
    ctrl_c = ctrl_c or CtrlC()
    if threading.current_thread() is not threading.main_thread():  # signals belong to the main thread
        yield ctrl_c
        return
    previous = {signum: signal.signal(signum, ctrl_c) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield ctrl_c
    finally:
        if ctrl_c.signum is None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def stops_on_ctrl_c(goodbye: Callable[..., None]):
    """Decorates a server command: Ctrl-C at any moment of it (before binding, while starting, serving or
    stopping) ends in `goodbye(**the command's arguments)`, which says `stopped` and exits 130. After
    SIGTERM the process then ends by that signal, as supervisors expect."""

    def decorate(command):
        @functools.wraps(command)
        def run(**kwargs):
            ctrl_c = CtrlC()
            try:
                try:  # outside the `with`: a Ctrl-C right after the handler is in place is ours too
                    with ctrl_c_stops(ctrl_c):
                        return command(**kwargs)
                except KeyboardInterrupt:
                    goodbye(**kwargs)
                    raise  # a goodbye that forgot to raise still ends as an interrupt
                except Exception:
                    # Python turns a KeyboardInterrupt inside a class statement into RuntimeError("Error calling
                    # __set_name__"): after Ctrl-C, whatever ends the command ends it as an interrupt.
                    if ctrl_c.signum is None:
                        raise
                    goodbye(**kwargs)
                    raise
            except Interrupted as stop:
                stop.signum = ctrl_c.signum  # root ends the process by SIGTERM once it has reported
                raise

        return run

    return decorate


def end_like(error) -> None:
    """After SIGTERM the process ends by that signal (once the stop is reported), as supervisors expect."""
    if getattr(error, "signum", None) == signal.SIGTERM:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)
