"""`calls`: inspect and steer a call (getCall, updateCall)."""

from sinchvoice.commands import group

app = group(help="Inspect and steer calls: status, SVAML updates, hang up, say, play.")
