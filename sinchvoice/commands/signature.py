"""`signature`: sign a request or verify a callback's signature by hand."""

import typer

app = group(help="Sign a request or check a callback's signature by hand.")
