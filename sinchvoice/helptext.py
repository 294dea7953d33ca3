"""How every --help page reads: plain usage words, whole sentences in command lists, and examples as written.

The text itself lives in the command definitions (docstrings, option help, `epilog=examples(...)` from
sinchvoice.declare), where typer reads it; the classes here only decide how click lays it out. `adopt` gives
an area's typer app these classes before the tree builds it (sinchvoice.tree.load_area).
"""

from __future__ import annotations

import re

import typer
from typer.core import TyperCommand, TyperGroup

from sinchvoice.declare import EXAMPLES

_BRACED = re.compile(r"\{(.+)\}")  # typer's usage form of a required argument, `{CALL_ID}`
# click's machine form of a number range (`0<=x<=65535`, `x>=1`): each option says its range in its help.
_RANGE = re.compile(r"^(?:-?[\d.]+<=?)?x(?:<=?-?[\d.]+|>=?-?[\d.]+)?$")


def examples_of(command) -> list[str]:
    """The command lines of a command's Examples section, without the `$ `."""
    epilog = command.epilog or ""
    if EXAMPLES not in epilog:
        return []
    body = epilog.split(EXAMPLES, 1)[1]
    return [line[2:] for line in body.splitlines() if line.startswith("$ ")]


def _text_before_examples(command) -> str:
    return (command.epilog or "").split(EXAMPLES, 1)[0].strip()


def plain_usage(piece: str) -> str:
    """`CALL_ID`, not typer's `{CALL_ID}`: braces read as a literal or a template."""
    match = _BRACED.fullmatch(piece)
    return match.group(1) if match else piece


def plain_extras(help_: str) -> str:
    """A help sentence with click's `[...; 0<=x<=65535]` range notation dropped (the sentence says the range)."""
    match = re.search(r"  \[([^\[\]]*)\]$", help_)
    if not match:
        return help_
    kept = [part for part in match.group(1).split("; ") if not _RANGE.match(part)]
    return help_[: match.start()] + (f"  [{'; '.join(kept)}]" if kept else "")


def help_record(param, ctx) -> tuple[str, str] | None:
    """(names and value word, help with its plain extras) as an options list shows them."""
    record = param.get_help_record(ctx)
    return None if record is None else (record[0], plain_extras(record[1]))


def _choices_as_metavar(params) -> None:
    """A choice option without a value word shows its choices as `live|spec`, not click's `<live|spec>`."""
    from enum import Enum

    for param in params:
        choices = getattr(param.type, "choices", None)
        if choices and param.metavar is None and param.param_type_name == "option":
            param.metavar = "|".join(str(c.value if isinstance(c, Enum) else c) for c in choices)


class PlainHelp:
    """What commands and groups share: plain usage, plain option records, the examples at the end."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choices_as_metavar(self.params)

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [plain_usage(piece) for piece in super().collect_usage_pieces(ctx)]

    def format_options(self, ctx, formatter) -> None:
        records = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = help_record(param, ctx)
            if record is not None and param.param_type_name in records:
                records[param.param_type_name].append(record)
        for title, rows in (("Arguments", records["argument"]), ("Options", records["option"])):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        if hasattr(self, "format_commands"):
            self.format_commands(ctx, formatter)

    def format_epilog(self, ctx, formatter) -> None:
        """Any note (the global options, on leaf commands) as a wrapped paragraph, then the examples verbatim."""
        note = _text_before_examples(self)
        if note:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(note)
        lines = examples_of(self)
        if lines:
            with formatter.section(EXAMPLES.rstrip(":")):
                for line in lines:  # as written: never rewrapped, whatever the width
                    formatter.write(f"{'':>{formatter.current_indent}}$ {line}\n")


class HelpCommand(PlainHelp, TyperCommand):
    pass


class HelpGroup(PlainHelp, TyperGroup):
    def format_commands(self, ctx, formatter) -> None:
        """Each subcommand with its whole first sentence, wrapped if need be, never cut with `...`."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        write_commands(formatter, rows)


def write_commands(formatter, rows: list[tuple[str, str]]) -> None:
    if rows:
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def adopt(app: typer.Typer) -> typer.Typer:
    """Give an area's typer app (and its sub-apps) these classes, before typer builds click commands of it."""
    if not isinstance(app.info.cls, type):  # typer's default placeholder: nobody chose a class
        app.info.cls = HelpGroup
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):  # typer's default: nobody chose a class
            info.cls = HelpCommand
    for group in app.registered_groups:
        adopt(group.typer_instance)
    return app


def walk(root, width: int = 80):
    """(path, command, context) of every group and command under `root`, root first, depth first: the
    contexts are those `sinchvoice PATH --help` builds (help option names, width)."""
    from typer._click import Context

    def visit(path, command, ctx):
        yield path, command, ctx
        for name in command.list_commands(ctx) if hasattr(command, "commands") else ():
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from visit(path + (name,), sub, Context(sub, info_name=name, parent=ctx,
                                                              **sub.context_settings))

    root_ctx = Context(root, info_name="sinchvoice", terminal_width=width, max_content_width=width,
                       **root.context_settings)
    yield from visit((), root, root_ctx)
