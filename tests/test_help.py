"""Every --help page, walked over the whole tree: examples that parse, plain placeholders, whole sentences."""

from __future__ import annotations

import re
import shlex

import pytest

from sinchvoice import helptext, tree

ROOT_COMMAND = tree.full_command()
PAGES = [(path, command) for path, command, _ in helptext.walk(ROOT_COMMAND)]
IDS = [" ".join(path) or "sinchvoice" for path, _ in PAGES]
GROUPS = [pytest.param(path, command, id=" ".join(path) or "sinchvoice") for path, command in PAGES
          if hasattr(command, "commands")]

# click's and typer's machine notation, which a reader must not have to decode.
FORBIDDEN = {
    "a click type name": re.compile(r"<(?:str|text|int|integer|float|bool|boolean|uuid|path|filename|file|datetime)"
                                    r"(?: range)?>", re.I),
    "a range type": re.compile(r"\bRANGE\b|\bINTEGER\b|\bFLOAT\b"),
    "a range in click's notation": re.compile(r"\d<=?x\b|\bx[<>]=?\d"),
    "a default in parentheses": re.compile(r"\[default: \("),
    "a braced placeholder": re.compile(r"\{[A-Z][A-Z0-9_|.-]*\}"),
}
# In the usage line and the option/argument column, no angle brackets or braces at all.
NAME_COLUMN_FORBIDDEN = re.compile(r"[<>{}]")
# Any token that looks like a placeholder: capitals, digits, `_`, `|`, `.`, `-`, `@`, `'`, `:` (e.g. CALL_ID,
# FILE|-, JSON|@FILE|-, 'NAME: VALUE') or the choices of a choice option (`live|spec`).
MAX_SHORT_HELP = 60


def help_page(cli, path, columns: int) -> str:
    result = cli(*path, "--help", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def parse(argv: list[str]):
    """The command an example reaches and its context: click parses every level, converts and checks every
    value (choices, numbers, required options), and invokes nothing."""
    command = ROOT_COMMAND
    ctx = command.make_context("sinchvoice", list(argv))
    path = []
    while hasattr(command, "commands"):
        args = [*ctx._protected_args, *ctx.args]
        if not args:
            break
        name, command, rest = command.resolve_command(ctx, args)
        path.append(name)
        ctx = command.make_context(name, rest, parent=ctx)
    return tuple(path), ctx


def test_the_walk_covers_every_group_and_command():
    assert len(PAGES) == 46
    assert ("calls", "get") in dict(PAGES) and ("applications", "numbers", "unassign") in dict(PAGES)
    assert {path for path, command in PAGES if hasattr(command, "commands")} == {
        (), ("auth",), ("callouts",), ("calls",), ("conferences",), ("applications",), ("applications", "numbers"),
        ("applications", "callbacks"), ("signature",), ("completion",)}


@pytest.mark.parametrize("path, command", PAGES, ids=IDS)
def test_every_page_ends_with_two_to_four_examples_of_itself(path, command):
    lines = helptext.examples_of(command)
    assert 2 <= len(lines) <= 4, lines
    for line in lines:
        words = shlex.split(line)
        assert words[0] == "sinchvoice", line
        reached, ctx = parse(words[1:])
        if hasattr(command, "commands"):  # a group's examples use its commands
            assert reached[: len(path)] == path and len(reached) > len(path), line
        else:
            assert reached == path, line
        assert ctx.command is not None


def test_examples_fit_80_columns():
    long = [line for _, command in PAGES for line in helptext.examples_of(command) if len(f"  $ {line}") > 80]
    assert long == []


@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("path, command", PAGES, ids=IDS)
def test_examples_are_printed_as_written_at_the_end(cli, path, command, columns):
    page = help_page(cli, path, columns).rstrip("\n").splitlines()
    lines = helptext.examples_of(command)
    assert page[-len(lines) - 1:] == ["Examples:"] + [f"  $ {line}" for line in lines]


@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("path, command", PAGES, ids=IDS)
def test_no_machine_notation_in_any_help_page(cli, path, command, columns):
    page = help_page(cli, path, columns)
    for what, pattern in FORBIDDEN.items():
        assert not pattern.search(page), f"{what}: {pattern.search(page).group(0)!r} in\n{page}"
    usage = page.split("\n\n", 1)[0]
    assert usage.startswith("Usage: sinchvoice") and not NAME_COLUMN_FORBIDDEN.search(usage), usage
    for line in page.splitlines():
        if re.match(r"  -|  [A-Z\[]", line):  # an option's or argument's row: the names and the value word
            assert not NAME_COLUMN_FORBIDDEN.search(line.split("  ")[1]), line


def test_value_words_are_the_same_for_the_same_thing():
    """One word per kind of value, whichever command asks for it."""
    expected = {"--conference-id": "CONFERENCE_ID", "--except": "CALL_ID", "--from": "NUMBER",
                "--wait-timeout": "SECONDS", "--max-duration": "SECONDS", "--interval": "SECONDS", "--to": "DEST",
                "--text": "TEXT", "--greeting": "TEXT", "--locale": "LOCALE", "--dtmf": "DIGITS", "--app": "KEY",
                "--path": "PATH", "--method": "METHOD", "--rate": "N", "--concurrency": "N", "--port": "PORT",
                "--host": "HOST", "--journal": "FILE", "--primary": "URL", "--fallback": "URL",
                "--forward-to": "URL", "--base-url": "URL", "--timeout": "SECONDS", "--max-skew": "SECONDS"}
    seen = {}
    for path, command in PAGES:
        for param in command.params:
            for name in param.opts:
                if name in expected and param.param_type_name == "option":
                    seen.setdefault(name, set()).add(param.metavar)
        for param in command.params:
            if param.param_type_name == "argument" and param.name in ("conference_id", "call_id"):
                assert param.metavar == param.name.upper(), (path, param.metavar)
    assert seen == {name: {word} for name, word in expected.items()}


@pytest.mark.parametrize("path, command", PAGES[1:], ids=IDS[1:])
def test_short_help_is_one_whole_sentence(path, command):
    """The rule: a command's first paragraph is one sentence that says what it does: it ends with a period, has
    no argument syntax (`CALL_ID...`, `--all`), and is at most 60 characters, so a command list shows it whole
    on one line at 80 columns."""
    first = " ".join(command.help.split("\n\n", 1)[0].split())
    assert command.get_short_help_str(limit=10_000) == first
    assert first.endswith(".") and first[0].isupper(), first
    assert len(first) <= MAX_SHORT_HELP, first
    assert not re.search(r"\b[A-Z]+_[A-Z]+\b|\.\.\.|\s--?[a-z]", first), first


@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("path, command", GROUPS)
def test_command_lists_show_whole_sentences(cli, path, command, columns):
    page = help_page(cli, path, columns)
    listing = page.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^  (\S+) +(.*(?:\n {4,}.*)*)", listing, re.M)
    shown = {name: " ".join(text.split()) for name, text in rows}
    assert shown == {name: sub.get_short_help_str(limit=10_000) for name, sub in command.commands.items()}
    assert "..." not in listing
    if columns == 80:
        assert all("\n" not in text for _, text in rows), listing


@pytest.mark.parametrize("path, command", PAGES, ids=IDS)
def test_number_ranges_are_said_in_words(path, command):
    """click's `[0<=x<=65535]` is not shown, so the help sentence names the bounds."""
    for param in command.params:
        low, high = getattr(param.type, "min", None), getattr(param.type, "max", None)
        for bound in (low, high):
            if bound is not None:
                assert f"{bound:g}" in (param.help or ""), (param.opts, param.help)


def test_an_example_that_no_longer_parses_is_caught():
    from typer._click.exceptions import BadParameter, MissingParameter

    with pytest.raises(BadParameter, match="'later' is not one of"):
        parse(["calls", "say", "CALL_ID", "--then", "later", "--text", "hi"])
    with pytest.raises(BadParameter, match="70000"):
        parse(["sandbox", "--port", "70000"])
    with pytest.raises(MissingParameter, match="text"):
        parse(["calls", "say", "CALL_ID"])
