"""`signature`: sign a request or verify a callback's signature by hand."""

from sinchvoice.commands import group

app = group(help="Sign a request or check a callback's signature by hand.")
