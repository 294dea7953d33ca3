"""docs/commands.md: generated from the command tree, complete, valid Markdown tables, and never stale."""

from __future__ import annotations

import re

import pytest

from sinchvoice import docs_gen, helptext, tree
from tests.conftest import ROOT

PAGES = list(helptext.walk(tree.full_command()))
TEXT = docs_gen.generate()
HEADING = re.compile(r"^#{2,4} (sinchvoice.*)$", re.M)


def sections() -> dict[str, str]:
    """Heading text -> the section's body."""
    parts = HEADING.split(TEXT)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_checked_in_reference_is_fresh():
    assert (ROOT / "docs" / "commands.md").read_text(encoding="utf-8") == TEXT, (
        "docs/commands.md is stale: run `python -m sinchvoice.docs_gen --write docs/commands.md`")


def test_check_fails_on_a_stale_or_missing_file_and_write_makes_it_fresh(tmp_path, capsys):
    target = tmp_path / "docs" / "commands.md"
    assert docs_gen.main(["--check", str(target)]) == 1
    assert docs_gen.main(["--write", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == TEXT
    assert docs_gen.main(["--check", str(target)]) == 0
    target.write_text(TEXT.replace("Place calls", "Place some calls"), encoding="utf-8")
    assert docs_gen.main(["--check", str(target)]) == 1
    assert f"stale (run with --write): {target}" in capsys.readouterr().err


@pytest.mark.parametrize("path, command, ctx", PAGES, ids=[" ".join(p[0]) or "sinchvoice" for p in PAGES])
def test_every_command_has_its_usage_options_and_examples(path, command, ctx):
    body = sections()[" ".join(("sinchvoice",) + path)]
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    assert f"```text\n{usage}\n```" in body
    assert body.lstrip("\n").startswith(docs_gen.md(command.get_short_help_str(limit=10_000)) + "\n")
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            row = next(line for line in body.splitlines() if line.startswith(f"| `{param.opts[0]}`"))
            if not (param.is_flag or param.count):
                assert docs_gen.code(param.make_metavar(ctx)) in row, row
            if param.default not in (None, False, ()) and param.show_default is not False:
                assert re.search(r"\| `[^`]+` \|$", row), row  # the default, in the last column
    examples = helptext.examples_of(command)
    assert "```console\n" + "".join(f"$ {line}\n" for line in examples) + "```" in body
    for name in getattr(command, "commands", {}):
        assert f"[`{name}`]({docs_gen.anchor(path + (name,))})" in body


def test_table_rows_keep_their_columns_whatever_the_help_says():
    """A `|` in a value word (`FILE|-`) or help, or `<speak>` in a help text, must not break a table."""
    for line in TEXT.splitlines():
        if line.startswith("| "):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) in (2, 4), line
    assert "| `--from-file` | `FILE\\|-` |" in TEXT
    assert "'#ssml[&lt;speak&gt;Hi&lt;/speak&gt;]'" in TEXT
    prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", TEXT, flags=re.S))
    assert not re.search(r"[<>]", prose)  # would be read as HTML


def test_defaults_and_required_are_said():
    body = sections()["sinchvoice sandbox"]
    assert "| `--port` | `PORT` | Port to bind, 0-65535 (0 picks a free one). | `8700` |" in body
    assert ("| `--to` | `DEST` | Who to call: +E164, sip:user@host or user:NAME. Several, with --until-answered. "
            "(required) |  |") in sections()["sinchvoice callouts tts"]
