"""Tests for inline / @FILE / - (stdin) values and line lists."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from sinchvoice.errors import UsageError
from sinchvoice.inputs import read_lines, read_value

PIPE_HINT = "pipe something into the command, or pass the value inline or as @FILE"


class TtyStdin(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Hello there", "Hello there"),
        ("", ""),
        ("  spaced  ", "  spaced  "),
        ('{"action": {"name": "hangup"}}', '{"action": {"name": "hangup"}}'),
        ("a@b", "a@b"),
        ("--", "--"),
    ],
)
def test_inline_values_are_returned_as_given(value, expected):
    assert read_value(value, what="--text", stdin=io.StringIO("unused")) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("hello\n", "hello\n"),
        ("räksmörgås ☎", "räksmörgås ☎"),
        ("\ufeff{}", "{}"),  # BOM dropped
        ("", ""),
    ],
)
def test_at_file_is_read_as_utf8(tmp_path, content, expected):
    (tmp_path / "in.txt").write_text(content, encoding="utf-8")
    assert read_value(f"@{tmp_path / 'in.txt'}", what="--text") == expected


def test_at_file_expands_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "msg.txt").write_text("hi", encoding="utf-8")
    assert read_value("@~/msg.txt", what="--text") == "hi"


@pytest.mark.parametrize(
    ("make", "message", "hint"),
    [
        (lambda d: "@", "--svaml '@' names no file", "write the path right after @, e.g. @message.txt"),
        (lambda d: f"@{d}/missing.json", "--svaml: no such file: {d}/missing.json", "check the path"),
        (lambda d: f"@{d}", "--svaml: {d} is a directory, not a file", "name a file"),
        (lambda d: f"@{d}/latin1.txt", "--svaml: {d}/latin1.txt is not UTF-8 text", "save it as UTF-8"),
    ],
)
def test_at_file_errors(tmp_path, make, message, hint):
    (tmp_path / "latin1.txt").write_bytes("smörgås".encode("latin-1"))
    with pytest.raises(UsageError) as info:
        read_value(make(tmp_path), what="--svaml")
    assert info.value.message == message.format(d=tmp_path)
    assert info.value.hint == hint


@pytest.mark.parametrize(
    ("error", "message", "hint"),
    [
        (
            PermissionError(13, "Permission denied"),
            "--data: cannot read x.json: permission denied",
            "check its permissions",
        ),
        (
            OSError(5, "Input/output error"),
            "--data: cannot read x.json: Input/output error",
            "check the path",
        ),
    ],
)
def test_unreadable_file(monkeypatch, error, message, hint):
    # Simulated: the suite may run as root, which can read a chmod 0 file.
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(Path, "read_text", fail)
    with pytest.raises(UsageError) as info:
        read_value("@x.json", what="--data")
    assert (info.value.message, info.value.hint) == (message, hint)


@pytest.mark.parametrize("content", ["piped text\n", "", '{"a": 1}'])
def test_dash_reads_stdin(content):
    assert read_value("-", what="--body", stdin=io.StringIO(content)) == content


def test_dash_defaults_to_sys_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("from sys.stdin"))
    assert read_value("-", what="--text") == "from sys.stdin"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (TtyStdin("never read"), "--text - reads standard input, but it is a terminal"),
        (None, "--text - reads standard input, but there is none"),
    ],
)
def test_dash_refuses_terminal_or_missing_stdin(monkeypatch, stdin, message):
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(UsageError) as info:
        read_value("-", what="--text")
    assert (info.value.message, info.value.hint) == (message, PIPE_HINT)


def test_stdin_that_is_not_utf8():
    stream = io.TextIOWrapper(io.BytesIO("smörgås".encode("latin-1")), encoding="utf-8")
    with pytest.raises(UsageError) as info:
        read_value("-", what="--text", stdin=stream)
    assert info.value.message == "--text: standard input is not UTF-8 text"
    assert info.value.hint == "convert it to UTF-8"


LINES_TEXT = """\
# numbers to assign
+46700000001

  +46700000002   # office
\t+46700000003\t
#+46700000004
   # indented comment
+46700000005"""

LINES_EXPECTED = [(2, "+46700000001"), (4, "+46700000002"), (5, "+46700000003"), (8, "+46700000005")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LINES_TEXT, LINES_EXPECTED),
        (LINES_TEXT.replace("\n", "\r\n"), LINES_EXPECTED),
        ("", []),
        ("# only comments\n\n   \n", []),
        ("+1\n+2\n", [(1, "+1"), (2, "+2")]),
        ("not a number\n", [(1, "not a number")]),  # checking the values is the caller's job
    ],
)
def test_read_lines_from_stdin_and_file(tmp_path, text, expected):
    assert read_lines("-", stdin=io.StringIO(text)) == expected
    path = tmp_path / "numbers.txt"
    path.write_bytes(text.encode("utf-8"))
    assert read_lines(str(path)) == expected
    assert read_lines(f"@{path}") == expected


@pytest.mark.parametrize(
    ("value", "stdin", "message", "hint"),
    [
        ("missing.txt", None, "--from-file: no such file: missing.txt", "check the path"),
        ("-", TtyStdin(""), "--from-file - reads standard input, but it is a terminal", PIPE_HINT),
    ],
)
def test_read_lines_errors(tmp_path, monkeypatch, value, stdin, message, hint):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as info:
        read_lines(value, stdin=stdin)
    assert (info.value.message, info.value.hint) == (message, hint)


def test_parse_json_reports_absurd_nesting_as_a_usage_error():
    from sinchvoice import svaml
    from sinchvoice.inputs import parse_json

    deep = "[" * 5000 + "]" * 5000
    for parse in (lambda: parse_json(deep, what="--data"), lambda: svaml.parse(deep, what="--svaml")):
        with pytest.raises(UsageError) as caught:
            parse()
        assert caught.value.message.endswith(": the JSON is nested too deeply to read")
