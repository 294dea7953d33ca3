"""`completion`: static shell completion scripts (no Python on TAB)."""

import typer

app = typer.Typer(help="Shell completions that answer without starting Python.", no_args_is_help=True)
