"""`signature`: sign a request or verify a callback's signature by hand."""

import typer

app = typer.Typer(help="Sign a request or check a callback's signature by hand.", no_args_is_help=True)
