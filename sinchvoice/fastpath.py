"""Runs a well-formed command line without typer (issue 16: a command that talks to the API starts in <= 10x
`python -c pass`, and importing typer alone is a third of that).

The parameters come from fastpath_table.py, generated from the tree typer builds. The fast path only takes a
command line it reads exactly as typer would (tests/test_fastpath.py compares the two on generated command
lines) and gives back None for anything else: --help, --version, `--`, an unknown or repeated option, a value
that does not convert, a missing argument, an empty value, completion... typer then runs it, and every error
message stays typer's. A command it runs gets the same values, the same context object (`find_root().obj`) and
the same exit codes (sinchvoice.exits).
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import NamedTuple


class Parsed(NamedTuple):
    path: str  # "calls get"
    root: dict  # the root's option values, converted as typer converts them
    given: frozenset  # the root options typed on the command line (not from the environment)
    values: dict  # the command's parameter values, converted


class Declined(Exception):
    """typer is to run this command line."""


def run(args: list[str], env=None) -> int | None:
    """The command's exit code, or None when typer is to run this command line. `env`: the Environment the
    command runs in (tests pass theirs, as they pass it to typer as `obj`)."""
    from sinchvoice.fastpath_table import COMMANDS, ROOT

    parsed = parse(args, os.environ, ROOT, COMMANDS)
    if parsed is None:
        return None
    entry = COMMANDS[parsed.path]
    function = _function(entry, parsed.path)
    context = FastContext(parsed.root)
    return context.run(function, {entry["context"]: context} if entry["context"] else {}, parsed, env)


def parse(args: list[str], environ, root_params: list[dict], commands: dict) -> Parsed | None:
    try:
        return _parse(args, environ, root_params, commands)
    except Declined:
        return None


def _parse(args: list[str], environ, root_params: list[dict], commands: dict) -> Parsed:
    if any(name.startswith("_SINCHVOICE_COMPLETE") for name in environ):  # completion: typer's job
        raise Declined
    for arg in args:
        _check_text(arg)
    root_by_opt = _by_opt(root_params)
    root_raw: dict[str, list[str]] = {}
    path, i = [], 0
    while not (path and " ".join(path) in commands):  # the root and any group: only global options, then names
        if i == len(args):
            raise Declined  # a group alone asks for its help
        if _is_option(args[i]):
            i = _take_option(args, i, (root_by_opt, root_raw))
        else:
            path.append(args[i])
            if not any(f"{name} ".startswith(" ".join(path) + " ") for name in commands):
                raise Declined  # not a command (typer says so), or a command left to typer
            i += 1
    key = " ".join(path)
    params = commands[key]["params"]
    own_by_opt = _by_opt(params)
    own_raw: dict[str, list[str]] = {}
    positionals = []
    while i < len(args):
        if _is_option(args[i]):  # the command's own option, else a global one (gh's way: anywhere)
            i = _take_option(args, i, (own_by_opt, own_raw), (root_by_opt, root_raw))
        else:
            positionals.append(args[i])
            i += 1
    _assign_arguments(params, positionals, own_raw)
    root_values = {param["name"]: _value(param, root_raw, environ) for param in root_params}
    values = {param["name"]: _value(param, own_raw, environ) for param in params}
    given = frozenset(param["name"] for param in root_params if param["name"] in root_raw)
    return Parsed(key, root_values, given, values)


def _check_text(arg: str) -> None:
    """Bytes that are not UTF-8 (surrogate escapes) or an empty value: typer says what is wrong with them."""
    from sinchvoice.inputs import is_text

    if arg == "" or not is_text(arg):
        raise Declined


def _is_option(token: str) -> bool:
    if token == "--":
        raise Declined
    return token.startswith("-") and token != "-"


def _by_opt(params: list[dict]) -> dict[str, dict]:
    return {opt: param for param in params if param["kind"] == "option" for opt in param["opts"]}


def _take_option(args: list[str], i: int, *scopes: tuple[dict, dict]) -> int:
    """Read the option at args[i] (and its value) into the `raw` of the first (by_opt, raw) scope that knows its
    name; the index after it."""
    token = args[i]
    name, has_value, value = token.partition("=") if token.startswith("--") else (token, "", "")
    param, raw = next(((by_opt[name], raw) for by_opt, raw in scopes if name in by_opt), (None, None))
    if param is None:  # unknown, help, version, `-qv`, `-ojson`: typer's
        raise Declined
    if param["type"] == "flag":
        if has_value:
            raise Declined
        value, i = "", i + 1
    elif has_value and value:  # `--opt=value` (every argument was checked as a whole: not empty, UTF-8)
        i += 1
    elif not has_value and i + 1 < len(args):
        value, i = args[i + 1], i + 2
    else:
        raise Declined
    if param["name"] in raw and not param.get("multiple"):
        raise Declined  # given twice: typer decides which wins
    raw.setdefault(param["name"], []).append(value)
    return i


def _assign_arguments(params: list[dict], positionals: list[str], raw: dict) -> None:
    for param in (p for p in params if p["kind"] == "argument"):
        if param.get("multiple"):
            taken, positionals = positionals, []
        else:
            taken, positionals = positionals[:1], positionals[1:]
        if taken:
            raw[param["name"]] = taken
    if positionals:
        raise Declined  # more arguments than the command takes


def _value(param: dict, raw: dict, environ):
    """The value typer would pass: converted, from the command line, else the environment, else the default."""
    given = raw.get(param["name"])
    if given is None and param.get("envvar") and environ.get(param["envvar"]):
        given = [environ[param["envvar"]]]
    if given is None:
        if param.get("required"):
            raise Declined
        default = param.get("default")
        if param["type"] == "flag":
            return False
        if param.get("multiple"):
            if default is not None:
                raise Declined
            return None
        return None if default is None else _convert(param, default)
    if param["type"] == "flag":
        return True
    converted = [_convert(param, value) for value in given]
    return converted if param.get("multiple") else converted[0]


def _convert(param: dict, value):
    kind = param["type"]
    if kind == "str":
        return value
    if kind == "choice":
        if str(value) not in param["choices"]:
            raise Declined
        return _enum_member(param["enum"], str(value)) if "enum" in param else value
    try:
        number = int(value) if kind == "int" else float(value)
    except (TypeError, ValueError):
        raise Declined from None
    if not _in_range(param, number):
        raise Declined
    return number


def _in_range(param: dict, number) -> bool:
    """click's range check (NaN passes it, as in click)."""
    if param.get("clamp"):
        raise Declined
    low, high = param.get("min"), param.get("max")
    if low is not None and (number <= low if param.get("min_open") else number < low):
        return False
    return not (high is not None and (number >= high if param.get("max_open") else number > high))


def _enum_member(enum_path: str, value: str):
    module, name = enum_path.split(":")
    enum = getattr(import_module(module), name)
    return next(member for member in enum if str(member.value) == value)


def _function(entry: dict, path: str):
    declared = getattr(import_module(entry["module"]), entry["attribute"])
    return declared.function(path.split()[1:]) if hasattr(declared, "function") else declared


class FastContext:
    """What commands use of click's context: `find_root().obj` (sinchvoice.context.app_context), `params` for
    an error before the AppContext exists (exits._output), and closing callbacks."""

    def __init__(self, params: dict):
        self.params, self.obj, self._on_close = params, None, []

    def find_root(self) -> FastContext:
        return self

    def call_on_close(self, callback) -> None:
        self._on_close.append(callback)

    def run(self, function, context_arg: dict, parsed: Parsed, env=None) -> int:
        from sinchvoice.context import AppContext
        from sinchvoice.environment import Environment
        from sinchvoice.exits import exit_code

        try:
            try:
                self.obj = AppContext.from_options(env or Environment(), parsed.root, parsed.given)
                self.call_on_close(self.obj.close)
                function(**context_arg, **parsed.values)
            except (Exception, KeyboardInterrupt) as error:
                return exit_code(self, error)
            return 0
        finally:
            for callback in reversed(self._on_close):
                callback()
