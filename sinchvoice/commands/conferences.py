"""`conferences`: see who is in a conference and control participants."""

import typer

app = typer.Typer(help="See who is in a conference; mute, hold, kick participants.", no_args_is_help=True)
