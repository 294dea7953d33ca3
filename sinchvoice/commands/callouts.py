"""`callouts`: place TTS, conference and custom calls (createCallout)."""

import typer

app = typer.Typer(help="Place calls: text-to-speech, conference and custom SVAML callouts.", no_args_is_help=True)
