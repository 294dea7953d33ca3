"""`calls`: inspect and steer a call (getCall, updateCall)."""

import typer

app = typer.Typer(help="Inspect and steer calls: status, SVAML updates, hang up, say, play.", no_args_is_help=True)
