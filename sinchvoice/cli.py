"""Entry point: `sinchvoice` and `python -m sinchvoice`; answers --version and the root's and groups' --help
before importing anything heavy."""

from __future__ import annotations

import os
import sys

from sinchvoice import __version__


def main(argv: list[str] | None = None) -> int:
    """Run the command line; a closed stdout (`| head -1`) ends quietly with exit 141 wherever it is noticed:
    in a command (exits.py), in click's help output, in --version, or at the last flush."""
    args = sys.argv[1:] if argv is None else list(argv)
    if sys.stdout is None or sys.stderr is None:  # `>&-`: output goes nowhere, as into a closed pipe
        from sinchvoice.environment import replace_closed_streams

        replace_closed_streams()
    try:
        code = _run(args)
        sys.stdout.flush()  # now, while a closed pipe can still be answered quietly
        if sys.__stdout__ is not None and sys.__stdout__ is not sys.stdout:  # click swapped in a wrapper
            sys.__stdout__.flush()
    except BrokenPipeError:
        code = None
    # click answers EPIPE in its own help output with exit 1 and this wrapper on sys.stdout.
    if code is None or type(sys.stdout).__name__ == "PacifyFlushWrapper":
        from sinchvoice.output import stdout_closed

        return stdout_closed()
    return code


def _run(args: list[str]) -> int:
    if args == ["--version"]:  # the cheapest possible start: no typer, no command tree
        print(f"sinchvoice {__version__}", flush=True)
        return 0
    if args and args[-1] in ("--help", "-h") and _printed_help_page(args[:-1]):
        return 0
    try:
        from sinchvoice.fastpath import run

        code = run(args)  # a well-formed command line, without typer; None: typer's to run
        if code is not None:
            return code
        from sinchvoice.tree import build_app

        app = build_app()
    except KeyboardInterrupt:  # Ctrl-C while starting up: as anywhere else, 130 and one word
        print("interrupted", file=sys.stderr, flush=True)
        return 130
    try:
        app(args=args, prog_name="sinchvoice", standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def _printed_help_page(path: list[str]) -> bool:
    """`sinchvoice [GROUP...] --help` from help_pages.py (rendered from the real tree at development time and
    checked by tests/test_help_pages.py), without importing typer. Only where typer would print the same bytes:
    click wraps help at min(terminal width, 80), so a narrower terminal takes the long way."""
    if any(word.startswith("-") for word in path) or _terminal_columns() < 80:
        return False
    from sinchvoice.help_pages import PAGES

    page = PAGES.get(" ".join(path))
    if page is None:
        return False
    sys.stdout.write(page)
    sys.stdout.flush()
    return True


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns (what click asks) without importing shutil: COLUMNS, else stdout's size."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 80  # shutil's fallback
    return columns
