"""One module per command group; a command parses input, calls the client, and hands results to output."""

import typer


def group(help: str, epilog: str | None = None) -> typer.Typer:
    """Every group alike: plain help (rich markup would import rich on every --help), help on no args; the
    epilog holds its examples (sinchvoice.helptext.examples)."""
    return typer.Typer(help=help, epilog=epilog, no_args_is_help=True, rich_markup_mode=None, add_completion=False,
                       pretty_exceptions_enable=False)
