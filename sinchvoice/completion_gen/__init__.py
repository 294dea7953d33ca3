"""Static shell completion scripts (bash, zsh, fish) generated from the Typer command tree.

The scripts hold the whole tree as data and read recent identifiers from the history files, so TAB never
starts Python. `generate(shell)` walks whatever `sinchvoice.tree` builds: new commands and options appear on the
next regeneration (`python -m sinchvoice.completion_gen --write completions/`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

import typer
import typer.main

SHELLS = ("bash", "zsh", "fish")
FILES = {"bash": "sinchvoice.bash", "zsh": "_sinchvoice", "fish": "sinchvoice.fish"}

# Positional arguments whose values are ids the CLI has seen (history kinds), by command path; a `*` kind
# repeats for every further argument. Commands not (yet) in the tree are simply skipped.
_CONF_AND_CALLS = ("conferences", "calls*")
POSITIONAL_HISTORY: dict[tuple[str, ...], tuple[str, ...]] = {
    **{("calls", name): ("calls",) for name in ("get", "update", "hangup", "say", "play")},
    ("conferences", "get"): ("conferences",),
    ("conferences", "kick-all"): ("conferences",),
    **{("conferences", name): _CONF_AND_CALLS for name in ("mute", "unmute", "hold", "resume", "kick")},
    ("applications", "numbers", "get"): ("numbers",),
    ("applications", "numbers", "unassign"): ("numbers*",),
    ("auth", "switch"): ("profiles",),
}
# Options whose values are ids from the history, wherever they appear.
OPTION_HISTORY = {"--profile": "profiles", "--except": "calls*", "--call-id": "calls", "--conference-id": "conferences"}
# Options that name files or folders although their type is a plain string. Besides these: click Path and
# File types, names ending in -file/-path (files) or -dir (folders), and options whose help or metavar names a
# FILE (but not `@FILE`, which is a value form, not a file name).
FILE_OPTIONS = {"--journal": "f", "--from-file": "f", "--reply-dir": "d"}
_FILE_IN_HELP = re.compile(r"(?<![@\w])FILE\b")
_WORD = re.compile(r"^[\w.+@:/-]+$")


@dataclass
class Option:
    names: list[str]
    kind: str | None  # None: a flag; else a value kind (see `value_kind`)
    help: str


@dataclass
class Node:
    """A command or group at `path`: its subcommands, options and positional argument kinds."""

    path: tuple[str, ...]
    help: str = ""
    subs: list[tuple[str, str]] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)  # its own and help; the global ones are offered too
    values: dict[str, str] = field(default_factory=dict)  # value kinds of its own options (they beat globals)
    args: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return " ".join(self.path)


def short(text: str | None, limit: int = 60) -> str:
    """First sentence of a help text, on one line, ASCII-safe for every shell's quoting."""
    first = re.split(r"(?<=\.)\s|\n\s*\n", (text or "").strip(), maxsplit=1)[0]
    first = " ".join(first.split()).rstrip(".")
    return first if len(first) <= limit else first[: limit - 3].rstrip() + "..."


def value_kind(param, history: str | None = None) -> str:
    """How a value completes: `c:a,b` choices, `f` files, `d` folders, `h:kind` history, `v` anything."""
    # Duck-typed: typer vendors a trimmed click whose Choice and Path classes moved between releases.
    kind_type = param.type
    choices = getattr(kind_type, "choices", None)
    if choices is not None:
        words = [str(c.value if isinstance(c, Enum) else c) for c in choices]
        return "c:" + ",".join(w for w in words if _WORD.match(w))
    if hasattr(kind_type, "file_okay") and hasattr(kind_type, "dir_okay"):
        return "d" if not kind_type.file_okay else "f"
    if getattr(kind_type, "name", "") == "filename":  # click.File (typer.FileText and friends)
        return "f"
    names = list(getattr(param, "opts", []))
    for name in names:
        if name in FILE_OPTIONS:
            return FILE_OPTIONS[name]
        if name in OPTION_HISTORY:
            return "h:" + OPTION_HISTORY[name]
    if history:
        return "h:" + history
    if param.param_type_name != "option":
        return "v"
    if any(name.endswith("-dir") for name in names):
        return "d"
    said = f"{param.help or ''} {param.metavar or ''}"
    if any(name.endswith(("-file", "-path")) for name in names) or _FILE_IN_HELP.search(said):
        return "f"
    return "v"


def _option(param) -> Option:
    flag = bool(getattr(param, "is_flag", False) or getattr(param, "count", False))
    names = list(param.opts) + list(param.secondary_opts)
    return Option(names, None if flag else value_kind(param), short(param.help))


def _args(path: tuple[str, ...], command) -> list[str]:
    table = POSITIONAL_HISTORY.get(path, ())
    kinds = []
    for index, param in enumerate(p for p in command.params if p.param_type_name == "argument"):
        history = table[index] if index < len(table) else (table[-1] if table and table[-1].endswith("*") else None)
        kind = value_kind(param, history.rstrip("*") if history else None)
        kinds.append(kind + ("*" if param.nargs == -1 else ""))
    return kinds


def walk(app: typer.Typer | None = None) -> tuple[list[Node], list[Option]]:
    """Every node of the tree (root first, depth first) and the global options.

    The root's global options are valid after any subcommand too (root.hoist_global_options moves them), so
    the scripts offer them everywhere; a command's own option of the same name takes precedence.
    """
    from sinchvoice import root, tree

    command = tree.full_command(app)
    help_names = list(command.context_settings.get("help_option_names", ["--help"]))
    help_option = Option(help_names, None, "Show help and exit")
    hoisted = root.GLOBAL_FLAGS | root.GLOBAL_VALUED
    globals_ = [_option(p) for p in command.params if p.param_type_name == "option" and set(p.opts) & hoisted]
    nodes: list[Node] = []

    def visit(path: tuple[str, ...], cmd) -> None:
        node = Node(path, short(cmd.get_short_help_str(200) if path else cmd.help))
        visible = {name: sub for name, sub in getattr(cmd, "commands", {}).items() if not sub.hidden}
        node.subs = [(name, short(sub.get_short_help_str(200))) for name, sub in visible.items()]
        own = [_option(p) for p in cmd.params if p.param_type_name == "option" and not p.hidden
               and not (not path and set(p.opts) & hoisted)]
        node.options = own + [help_option]
        node.values = {name: option.kind for option in own if option.kind for name in option.names}
        node.args = _args(path, cmd)
        nodes.append(node)
        for name, sub in visible.items():
            visit(path + (name,), sub)

    visit((), command)
    return nodes, globals_


def generate(shell: str, app: typer.Typer | None = None) -> str:
    """The complete completion script for `shell`, as text."""
    if shell not in SHELLS:
        raise ValueError(f"unknown shell {shell!r}")
    from importlib import import_module

    nodes, globals_ = walk(app)
    return import_module(f"sinchvoice.completion_gen.{shell}").render(nodes, globals_)
