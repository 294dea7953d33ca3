"""`python -m sinchvoice.completion_gen --write completions/` regenerates the checked-in scripts (--check: compare)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sinchvoice.completion_gen import FILES, SHELLS, generate
from sinchvoice.generated import settle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sinchvoice.completion_gen", description=__doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="DIR", type=Path, help="write the scripts into DIR")
    action.add_argument("--check", metavar="DIR", type=Path, help="exit 1 if a script in DIR is stale")
    args = parser.parse_args(argv)
    folder = args.write or args.check
    stale = []
    for shell in SHELLS:
        target = folder / FILES[shell]
        if not settle(target, generate(shell), write=args.write is not None):
            stale.append(str(target))
    if stale:
        print("stale (run with --write): " + ", ".join(stale), file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
