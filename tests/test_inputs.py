"""Tests for inline / @FILE / - (stdin) values and line lists."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from sinchvoice.errors import UsageError
from sinchvoice.inputs import read_bytes, read_lines, read_value

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

    monkeypatch.setattr(Path, "open", fail)
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


# ---- caps: nothing reads without bound (`@/dev/zero`, `yes | ...`) ---------------------------------------

MIB = 1024 * 1024


def test_at_dev_zero_is_refused_after_reading_at_most_1_mib():
    with pytest.raises(UsageError) as info:
        read_value("@/dev/zero", what="--text")
    assert info.value.message == "--text: /dev/zero is larger than 1 MiB"
    assert info.value.hint == "sinchvoice reads at most 1 MiB from @FILE, --from-file or standard input"


@pytest.mark.parametrize("size", [MIB, MIB + 1])
def test_a_file_of_exactly_1_mib_is_read_and_one_byte_more_is_refused(tmp_path, size):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * size)
    for read in (lambda: read_value(f"@{path}", what="--data"), lambda: read_lines(str(path)),
                 lambda: read_bytes(f"@{path}", what="--body")):
        if size == MIB:
            assert len(read()) in (MIB, 1)  # read_lines: one line of MIB characters
        else:
            with pytest.raises(UsageError) as info:
                read()
            assert info.value.message.endswith(f"{path} is larger than 1 MiB")


class ByteStdin(io.TextIOWrapper):
    """A pipe: text on top, bytes underneath (what sys.stdin is when something is piped in)."""

    def __init__(self, data: bytes):
        super().__init__(io.BytesIO(data), encoding="utf-8")


@pytest.mark.parametrize("make", [lambda data: ByteStdin(data), lambda data: io.StringIO(data.decode())])
def test_stdin_over_1_mib_is_refused(make):
    for read in (lambda s: read_value("-", what="--svaml", stdin=s), lambda s: read_lines("-", stdin=s),
                 lambda s: read_bytes("-", what="--body", stdin=s)):
        with pytest.raises(UsageError) as info:
            read(make(b"x" * (MIB + 1)))
        assert info.value.message.endswith(": standard input is larger than 1 MiB")
        assert read(make(b"x" * 10)) in ("x" * 10, b"x" * 10, [(1, "x" * 10)])


def test_piped_stdin_keeps_what_text_mode_did_crlf_becomes_lf_and_a_bom_is_dropped():
    assert read_value("-", what="--text", stdin=ByteStdin(b"\xef\xbb\xbfline 1\r\nline 2\rend")) == \
        "line 1\nline 2\nend"
    assert read_bytes("-", what="--body", stdin=ByteStdin(b"\xef\xbb\xbfa\r\n")) == b"\xef\xbb\xbfa\r\n"


# ---- text that is not UTF-8: lone surrogates from surrogateescape or JSON escapes ------------------------

def test_stdin_with_invalid_utf8_bytes_decoded_by_surrogateescape_is_refused():
    # What sys.stdin hands over in Python's UTF-8 mode (the C/POSIX locale): bytes as lone surrogates.
    stream = io.StringIO(b"caf\xe9".decode("utf-8", "surrogateescape"))
    with pytest.raises(UsageError) as info:
        read_value("-", what="--text", stdin=stream)
    assert (info.value.message, info.value.hint) == ("--text: standard input is not UTF-8 text", "convert it to UTF-8")


def test_piped_invalid_utf8_is_refused():
    with pytest.raises(UsageError) as info:
        read_value("-", what="--text", stdin=ByteStdin(b"caf\xe9"))
    assert info.value.message == "--text: standard input is not UTF-8 text"


@pytest.mark.parametrize("value", ["caf\udce9", "\ud800", "a\udfffb"])
def test_an_inline_value_with_lone_surrogates_is_refused(value):
    with pytest.raises(UsageError) as info:
        read_value(value, what="--text")
    assert info.value.message == "--text is not valid UTF-8 text"
    with pytest.raises(UsageError):
        read_bytes(value, what="--body")


# ---- JSON a user gives: strict JSON only, so what is sent is what the API can read ---------------------

@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ('{"a": NaN}', "--data: NaN is not JSON", "use a number or null: JSON has no NaN or Infinity"),
        ('[Infinity]', "--data: Infinity is not JSON", "use a number or null: JSON has no NaN or Infinity"),
        ('{"a": {"b": -Infinity}}', "--data: -Infinity is not JSON",
         "use a number or null: JSON has no NaN or Infinity"),
        ('{"a": 1e999}', "--data: the number 1e999 is too large", "use a number within the range of a double"),
        ('[-1E400]', "--data: the number -1E400 is too large", "use a number within the range of a double"),
        ("9" * 4301, "--data: a number has 4301 digits; at most 4300 are accepted", "check the number"),
        ('{"n": -' + "1" * 5000 + "}", "--data: a number has 5000 digits; at most 4300 are accepted",
         "check the number"),
        ('"\\ud800"', "--data: the JSON has a lone surrogate escape ('\\ud800'), which is not text",
         "escape a character outside the BMP as a surrogate pair, e.g. \\ud83d\\ude00"),
        ('{"\\udcff": 1}', "--data: the JSON has a lone surrogate escape ('\\udcff'), which is not text",
         "escape a character outside the BMP as a surrogate pair, e.g. \\ud83d\\ude00"),
        ('[["x", "a\\udc80"]]', "--data: the JSON has a lone surrogate escape ('a\\udc80'), which is not text",
         "escape a character outside the BMP as a surrogate pair, e.g. \\ud83d\\ude00"),
    ],
)
def test_parse_json_refuses_what_json_loads_accepts_but_is_not_json(text, message, hint):
    from sinchvoice.inputs import parse_json

    with pytest.raises(UsageError) as info:
        parse_json(text, what="--data")
    assert (info.value.message, info.value.hint) == (message, hint)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1.5e300, "b": -0.0, "c": 1e-400}', {"a": 1.5e300, "b": -0.0, "c": 0.0}),
        ("9" * 4300, int("9" * 4300)),
        ('"\\ud83d\\ude00 ok"', "\U0001f600 ok"),  # a surrogate pair is one character
        ('{"nan": "NaN"}', {"nan": "NaN"}),
    ],
)
def test_parse_json_keeps_every_real_json_value(text, expected):
    from sinchvoice.inputs import parse_json

    assert parse_json(text, what="--data") == expected


# ---- identifiers and numbers typed on the command line ---------------------------------------------------

@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "the call id is empty"),
        ("   ", "the call id is empty"),
        ("x" * 257, "the call id is 257 characters long; at most 256 are accepted"),
        ("x" * 100_000, "the call id is 100000 characters long; at most 256 are accepted"),
        ("a\x1b[2Jb", "the call id 'a\\x1b[2Jb' has a control character"),
        ("a\nb", "the call id 'a\\nb' has a control character"),
        ("a\x00", "the call id 'a\\x00' has a control character"),
        ("\x85", "the call id '\\x85' has a control character"),
        ("caf\udce9", "the call id is not valid UTF-8 text"),
    ],
)
def test_check_identifier_refuses(value, message):
    from sinchvoice.inputs import check_identifier

    with pytest.raises(UsageError) as info:
        check_identifier(value, "the call id", hint="see `sinchvoice calls get`")
    assert (info.value.message, info.value.hint) == (message, "see `sinchvoice calls get`")


@pytest.mark.parametrize("value", ["a", "x" * 256, "4a1d9bc6-06a9-4c9d-9ff4-5e3c0b1e0b9e", "räksmörgås ☎", "a b"])
def test_check_identifier_accepts(value):
    from sinchvoice.inputs import check_identifier

    assert check_identifier(value, "the call id", hint="") == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "--interval nan is not a number"),
        (float("inf"), "--interval inf is not a number"),
        (float("-inf"), "--interval -inf is not a number"),
        (0.0, "--interval 0 is out of range: use 0.5 to 3600 seconds"),
        (0.49, "--interval 0.49 is out of range: use 0.5 to 3600 seconds"),
        (1e-300, "--interval 1e-300 is out of range: use 0.5 to 3600 seconds"),
        (3600.5, "--interval 3600.5 is out of range: use 0.5 to 3600 seconds"),
        (1e308, "--interval 1e+308 is out of range: use 0.5 to 3600 seconds"),
    ],
)
def test_check_range_refuses_non_finite_and_out_of_range_numbers(value, message):
    from sinchvoice.inputs import check_range

    with pytest.raises(UsageError) as info:
        check_range(value, "--interval", low=0.5, high=3600, hint="e.g. --interval 2")
    assert (info.value.message, info.value.hint) == (message, "e.g. --interval 2")


@pytest.mark.parametrize("value", [0.5, 2, 3600])
def test_check_range_accepts_the_bounds(value):
    from sinchvoice.inputs import check_range

    assert check_range(value, "--interval", low=0.5, high=3600, hint="") == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("@~nosuchuser0/x.json", "--data: no such file: ~nosuchuser0/x.json"),  # Path.expanduser raised RuntimeError
        ("@a\x00b", "--data: a file name cannot contain a NUL character"),  # open() raised ValueError
        ("@\ud800.json", "--data: the file name is not UTF-8 text"),  # open() raised UnicodeEncodeError
        ("@~\x00", "--data: a file name cannot contain a NUL character"),  # the ~user lookup raised ValueError
    ],
)
def test_file_names_that_cannot_be_opened_are_usage_errors(value, message):
    with pytest.raises(UsageError) as info:
        read_value(value, what="--data")
    assert (info.value.message, info.value.hint) == (message, "check the path")
