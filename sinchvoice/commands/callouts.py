"""`callouts`: place TTS, conference and custom calls (createCallout)."""

import typer

app = group(help="Place calls: text-to-speech, conference and custom SVAML callouts.")
