"""Recently seen identifiers (call ids, conference ids, numbers, profiles) for static shell completion.

Plain text, one value per line, newest last, capped, written atomically into the XDG state dir so completion
scripts can read them without starting Python. Never holds secrets; SINCHVOICE_NO_HISTORY=1 turns it off.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

from sinchvoice.files import write_private

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
    if not fresh or not enabled():
        return
    kept = [v for v in read(state_dir, kind) if v not in fresh] + list(dict.fromkeys(fresh))
    try:
        write_private(path(state_dir, kind), "".join(f"{v}\n" for v in kept[-CAP:]))
    except OSError:
        pass


def forget(state_dir: Path, kind: str, values: Iterable[str]) -> None:
    """Drop `values` (e.g. a logged-out profile); works even with history off, and writes only on a change."""
    gone = set(values)
    current = read(state_dir, kind)
    kept = [v for v in current if v not in gone]
    if kept == current:
        return
    try:
        write_private(path(state_dir, kind), "".join(f"{v}\n" for v in kept))
    except OSError:
        pass
