"""The files generated from the command tree (completion scripts, docs/commands.md, help_pages.py,
fastpath_table.py): each generator writes its file, or checks that the file holds what it would write (a test
runs every check)."""

from __future__ import annotations

from pathlib import Path


def settle(path: Path, text: str, *, write: bool) -> bool:
    """Write TEXT to PATH (and say so), or tell whether PATH already holds it; True when PATH is now current."""
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return True
    return path.exists() and path.read_text(encoding="utf-8") == text
