"""`completion`: static shell completion scripts (no Python on TAB)."""

import typer

app = group(help="Shell completions that answer without starting Python.")
