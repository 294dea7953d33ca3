"""`completion`: static shell completion scripts (no Python on TAB)."""

from sinchvoice.commands import group

app = group(help="Shell completions that answer without starting Python.")
