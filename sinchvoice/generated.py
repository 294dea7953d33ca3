"""The files generated from the command tree (completion scripts, docs/commands.md, help_pages.py,
fastpath_table.py): each generator writes its file, or checks that the file holds what it would write (a test
runs every check)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable


def settle(path: Path, text: str, *, write: bool) -> bool:
    """Write TEXT to PATH (and say so), or tell whether PATH already holds it; True when PATH is now current."""
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return True
    return path.exists() and path.read_text(encoding="utf-8") == text


def write_or_check(argv: list[str] | None, *, module: str, description: str, path: Path,
                   generate: Callable[[], str]) -> int:
    """The command line of a generator with one file of its own (`python -m MODULE --write|--check`)."""
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write {path.name}")
    action.add_argument("--check", action="store_true", help=f"exit 1 if {path.name} is stale")
    args = parser.parse_args(argv)
    if not settle(path, generate(), write=args.write):
        print(f"stale (run `python -m {module} --write`): {path}", file=sys.stderr)
        return 1
    return 0
