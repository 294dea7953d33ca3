"""Recently seen identifiers (call ids, conference ids, numbers, profiles) for static shell completion.

Plain text, one value per line, newest last, capped, written atomically into the XDG state dir so completion
scripts can read them without starting Python. Never holds secrets; SINCHVOICE_NO_HISTORY=1 turns it off.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

from sinchvoice.errors import TemporaryError
from sinchvoice.files import locked, write_private

KINDS = ("calls", "conferences", "numbers", "profiles")
CAP = 50
# Identifiers only: anything with spaces, quotes or control characters is not worth completing.
SAFE = re.compile(r"[A-Za-z0-9+_.:@-]{1,128}")


def enabled() -> bool:
    return os.environ.get("SINCHVOICE_NO_HISTORY", "") not in ("1", "true", "yes")


def path(state_dir: Path, kind: str) -> Path:
    return state_dir / "history" / kind


def read(state_dir: Path, kind: str) -> list[str]:
    """Oldest first; lines that are not identifiers (a hand-edited or foreign file) are ignored."""
    try:
        lines = path(state_dir, kind).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in lines if SAFE.fullmatch(line)]


def remember(state_dir: Path, kind: str, values: Iterable[str]) -> None:
    """Move `values` to the end (most recent), keep the last CAP; best effort, a failure never stops a command."""
    if kind not in KINDS:
        raise ValueError(f"unknown history kind {kind!r}")
    fresh = [v for v in values if isinstance(v, str) and SAFE.fullmatch(v)]
    if fresh and enabled():
        _rewrite(state_dir, kind, lambda current: ([v for v in current if v not in fresh]
                                                   + list(dict.fromkeys(fresh)))[-CAP:])


def forget(state_dir: Path, kind: str, values: Iterable[str]) -> None:
    """Drop `values` (e.g. a logged-out profile); works even with history off, and writes only on a change."""
    gone = set(values)
    if set(read(state_dir, kind)) & gone:
        _rewrite(state_dir, kind, lambda current: [v for v in current if v not in gone])


def _rewrite(state_dir: Path, kind: str, change) -> None:
    """Read-modify-write under the state folder's lock, so parallel runs (ten logins at once) lose no entry."""
    try:
        with locked(state_dir, wait=2):
            current = read(state_dir, kind)
            kept = change(current)
            if kept != current:
                write_private(path(state_dir, kind), "".join(f"{v}\n" for v in kept))
    except (OSError, TemporaryError):  # best effort: completion hints are not worth failing a command for
        pass
