"""`callouts`: place TTS, conference and custom calls (createCallout)."""

from sinchvoice.commands import group

app = group(help="Place calls: text-to-speech, conference and custom SVAML callouts.")
