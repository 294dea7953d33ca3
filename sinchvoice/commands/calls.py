"""`calls`: inspect and steer a call (getCall, updateCall)."""

import typer

app = group(help="Inspect and steer calls: status, SVAML updates, hang up, say, play.")
