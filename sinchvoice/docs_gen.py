"""docs/commands.md, the per-command reference, generated from the command tree as the completions are.

`python -m sinchvoice.docs_gen --write docs/commands.md` regenerates it; `--check docs/commands.md` exits 1 if
it is stale (tests/test_docs_gen.py does the same). Every group and command gets its usage, what it does, its
arguments and options (name, value word, help, default) and its examples, from the same definitions --help reads.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from pathlib import Path

from sinchvoice import helptext
from sinchvoice.generated import settle

HEADER = """\
# Command reference

Generated from the command tree by `python -m sinchvoice.docs_gen --write docs/commands.md`: do not edit by
hand. `sinchvoice COMMAND --help` prints the same (`-h` for short), and the global options of `sinchvoice`
below work after any command too.
"""
_EXTRAS = re.compile(r"  \[([^\[\]]*)\]$")


def md(text: str) -> str:
    """Plain help text as Markdown: table bars, HTML-like tags and emphasis marks are shown, not interpreted."""
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("*", "\\*"))


def code(text: str) -> str:
    """A code span that may sit in a table cell (where `|` must still be escaped)."""
    return "`" + text.replace("|", "\\|") + "`"


def anchor(path: tuple[str, ...]) -> str:
    return "#" + "-".join(("sinchvoice",) + path)


def _split_help(help_: str) -> tuple[str, dict[str, str]]:
    """(sentence, extras) of an option's help as --help shows it: `[default: X; required]` taken apart."""
    match = _EXTRAS.search(help_)
    if not match:
        return help_, {}
    extras = {}
    for part in match.group(1).split("; "):
        name, _, value = part.partition(": ")
        extras[name] = value
    return help_[: match.start()], extras


def _param_rows(command, ctx, kind: str) -> list[str]:
    rows = []
    for param in command.get_params(ctx):
        record = helptext.help_record(param, ctx)
        if record is None or param.param_type_name != kind or param.name == "help":  # --help: said at the top
            continue
        sentence, extras = _split_help(record[1])
        notes = [word for word in ("required",) if word in extras]
        if "env var" in extras:
            notes.append(f"env var `{extras['env var']}`")
        described = md(sentence) + (f" ({', '.join(notes)})" if notes else "")
        if kind == "argument":
            rows.append(f"| {code(record[0])} | {described} |")
            continue
        names = ", ".join(code(name) for name in (*param.opts, *param.secondary_opts))
        word = "" if param.is_flag or param.count else code(param.make_metavar(ctx))
        default = code(extras["default"]) if extras.get("default") else ""
        rows.append(f"| {names} | {word} | {described} | {default} |")
    return rows


def _description(command) -> list[str]:
    """The help text after its first sentence's paragraph, as Markdown paragraphs (`\\b` blocks verbatim)."""
    text = inspect.cleandoc(command.help or "").partition("\f")[0]
    out = []
    for paragraph in text.split("\n\n")[1:]:
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            out += ["```text", *lines[1:], "```", ""]
        else:
            out += [md(" ".join(paragraph.split())), ""]
    return out


def section(path: tuple[str, ...], command, ctx) -> list[str]:
    title = " ".join(("sinchvoice",) + path)
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = [f"{'#' * min(2 + len(path) - (1 if path else 0), 4)} {title}", ""]
    lines += [md(command.get_short_help_str(limit=10_000)), "", "```text", usage, "```", ""]
    lines += _description(command)
    arguments, options = _param_rows(command, ctx, "argument"), _param_rows(command, ctx, "option")
    if arguments:
        lines += ["| Argument | Description |", "|---|---|", *arguments, ""]
    if options:
        lines += ["| Option | Value | Description | Default |", "|---|---|---|---|", *options, ""]
    if hasattr(command, "commands"):
        lines += ["| Command | What it does |", "|---|---|"]
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            lines.append(f"| [`{name}`]({anchor(path + (name,))}) | {md(sub.get_short_help_str(limit=10_000))} |")
        lines.append("")
    examples = helptext.examples_of(command)
    if examples:
        lines += ["Examples:", "", "```console", *(f"$ {line}" for line in examples), "```", ""]
    return lines


def generate() -> str:
    """The whole of docs/commands.md, as text."""
    from sinchvoice import tree

    lines = [HEADER]
    for path, command, ctx in helptext.walk(tree.full_command()):
        lines += section(path, command, ctx)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sinchvoice.docs_gen", description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="FILE", type=Path, help="write the reference to FILE")
    action.add_argument("--check", metavar="FILE", type=Path, help="exit 1 if FILE is not what would be written")
    args = parser.parse_args(argv)
    if not settle(args.write or args.check, generate(), write=args.write is not None):
        print(f"stale (run with --write): {args.check}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
