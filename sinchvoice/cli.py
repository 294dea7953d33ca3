"""Entry point: `sinchvoice` and `python -m sinchvoice`; answers --version before importing anything heavy."""

from __future__ import annotations

import sys

from sinchvoice import __version__


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:  # the cheapest possible start: no typer, no command tree
        print(f"sinchvoice {__version__}")
        return 0
    from sinchvoice.root import build_app

    try:
        build_app()(args=args, prog_name="sinchvoice", standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
