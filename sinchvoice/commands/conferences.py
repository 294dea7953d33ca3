"""`conferences`: see who is in a conference and control participants."""

from sinchvoice.commands import group

app = group(help="See who is in a conference; mute, hold, kick participants.")
