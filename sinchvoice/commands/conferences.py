"""`conferences`: see who is in a conference and control participants."""

import typer

app = group(help="See who is in a conference; mute, hold, kick participants.")
