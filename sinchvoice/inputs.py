"""What users type or point at: inline / @FILE / - (stdin) values, JSON, identifiers and numbers; all bounded."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from pathlib import Path
from typing import TextIO

from .environment import isatty
from .errors import UsageError

# No value a command takes comes near this (SVAML, a JSON body, a list of numbers); `@/dev/zero` or an
# endless pipe must end in an error, not in memory exhaustion.
MAX_INPUT_BYTES = 1024 * 1024
CAP_HINT = "sinchvoice reads at most 1 MiB from @FILE, --from-file or standard input"
# Python's own int-from-string limit (3.11+), applied on every version so the same input gets the same answer.
MAX_INT_DIGITS = 4300
MAX_IDENTIFIER = 256  # no real call id, conference id or application key comes near it
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
NOT_JSON_HINT = "use a number or null: JSON has no NaN or Infinity"
SURROGATE_HINT = r"escape a character outside the BMP as a surrogate pair, e.g. \ud83d\ude00"


def read_value(value: str, *, what: str, stdin: TextIO | None = None) -> str:
    """Return the text itself, the contents of @path, or all of stdin for `-`."""
    if value == "-":
        return _read_stdin(what, stdin)
    if value.startswith("@"):
        if not value[1:].strip():
            hint = "write the path right after @, e.g. @message.txt"
            raise UsageError(f"{what} '@' names no file", hint=hint)
        return _read_file(value[1:], what)
    if not is_text(value):
        raise UsageError(f"{what} is not valid UTF-8 text", hint="check the terminal's encoding, or give it as @FILE")
    return value


def read_bytes(value: str, *, what: str, stdin: TextIO | None = None) -> bytes:
    """Like read_value, but the exact bytes of @FILE or stdin: a signature covers bytes, not text, so CRLF
    line ends and a BOM must stay as `curl --data-binary @FILE` would send them."""
    if value == "-":
        stream = _stdin(what, stdin)
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # no byte stream underneath (tests): the text path decides
            return _read_stdin(what, stream).encode("utf-8")
        return _capped(buffer.read, what, "standard input")
    if value.startswith("@") and value[1:].strip():
        return _file_bytes(value[1:], what)
    return read_value(value, what=what, stdin=stdin).encode("utf-8")


def read_lines(
    value: str, *, stdin: TextIO | None = None, what: str = "--from-file"
) -> list[tuple[int, str]]:
    """Read FILE or `-` and return (line number, text) for each line that says something."""
    text = _read_stdin(what, stdin) if value == "-" else _read_file(value.removeprefix("@"), what)
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        # A `#` never occurs in the values read this way (numbers), so it may start a trailing comment.
        content = line.split("#", 1)[0].strip()
        if content:
            entries.append((number, content))
    return entries


def is_text(value: str) -> bool:
    """False for lone surrogates: how Python carries bytes that are not UTF-8 (argv, stdin) or JSON's "\\ud800"."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


ARGUMENT_HINT = ("fix the encoding of the terminal or script (e.g. LANG=C.UTF-8); a file whose name is not UTF-8 "
                 "can be piped in: - < FILE")


def check_arguments(args: list[str]) -> None:
    """Every argument is text: bytes that are not UTF-8 reach Python as lone surrogates, which no request,
    file name in a message or terminal can carry. Checked once, for the whole command line."""
    for position, arg in enumerate(args, start=1):
        if not is_text(arg):
            raise UsageError(f"argument {position} '{_as_bytes(arg[:40])}' is not UTF-8 text", hint=ARGUMENT_HINT)


def _as_bytes(value: str) -> str:
    """An argument as the bytes it was: \\xe9 for an undecodable byte, \\ud800 for a surrogate itself."""
    def show(c: str) -> str:
        if "\udc80" <= c <= "\udcff":
            return f"\\x{ord(c) - 0xdc00:02x}"
        return f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c

    return "".join(show(c) for c in value)


def _stdin(what: str, stdin: TextIO | None) -> TextIO:
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:
        raise UsageError(f"{what} - reads standard input, but there is none", hint=_PIPE_HINT)
    # A terminal would block on read() with no prompt; refuse instead of hanging.
    if isatty(stream):
        raise UsageError(f"{what} - reads standard input, but it is a terminal", hint=_PIPE_HINT)
    return stream


def _read_stdin(what: str, stdin: TextIO | None) -> str:
    stream = _stdin(what, stdin)
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:  # a text stream only (tests): its characters are capped instead of bytes
            text = _capped(stream.read, what, "standard input")
        else:
            text = _text(_capped(buffer.read, what, "standard input"))
    except UnicodeDecodeError:
        text = None
    if text is None or not is_text(text):
        raise UsageError(f"{what}: standard input is not UTF-8 text", hint="convert it to UTF-8")
    return text


_PIPE_HINT = "pipe something into the command, or pass the value inline or as @FILE"


def _read_file(name: str, what: str) -> str:
    try:
        return _text(_file_bytes(name, what))
    except UnicodeDecodeError as exc:
        problem, hint = _file_problem(exc, name)
        raise UsageError(f"{what}: {problem}", hint=hint) from None


def _file_bytes(name: str, what: str) -> bytes:
    if "\0" in name:  # open() and the ~user lookup would raise ValueError; no file name holds one
        raise UsageError(f"{what}: a file name cannot contain a NUL character", hint="check the path")
    # The shell does not expand ~ after @. os.path's expanduser leaves `~nobody` as it is; Path's would raise.
    path = Path(os.path.expanduser(name))
    try:
        with path.open("rb") as file:
            return _capped(file.read, what, name)
    except UnicodeEncodeError:  # a lone surrogate that no file system name can hold
        raise UsageError(f"{what}: the file name is not UTF-8 text", hint="check the path") from None
    except OSError as exc:
        problem, hint = _file_problem(exc, name)
        raise UsageError(f"{what}: {problem}", hint=hint) from None


def _capped(read, what: str, source: str):
    data = read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(f"{what}: {source} is larger than 1 MiB", hint=CAP_HINT)
    return data


def _text(data: bytes) -> str:
    # As text mode would read it: utf-8-sig drops the BOM some Windows editors write (json.loads rejects
    # it), and CRLF or CR line ends become LF.
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def _file_problem(exc: Exception, name: str) -> tuple[str, str]:
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {name}", "check the path"
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a directory, not a file", "name a file"
    if isinstance(exc, PermissionError):
        return f"cannot read {name}: permission denied", "check its permissions"
    if isinstance(exc, UnicodeDecodeError):
        return f"{name} is not UTF-8 text", "save it as UTF-8"
    return f"cannot read {name}: {getattr(exc, 'strerror', None) or exc}", "check the path"


def parse_json(text: str, *, what: str, object_pairs_hook=None):
    """Strict JSON a user typed or pointed at, so what is sent is JSON the API can read.

    json.loads also takes NaN, Infinity, 1e999 (as inf), 5000-digit integers (a ValueError) and lone
    surrogate escapes; json.dumps would then send non-JSON or fail to encode it. Each is a usage error here.
    """
    try:
        doc = json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=_constant(what),
                         parse_float=_float(what), parse_int=_int(what))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         hint="fix the JSON syntax there") from None
    except RecursionError:
        raise UsageError(f"{what}: the JSON is nested too deeply to read", hint="flatten the document") from None
    bad = _first_non_text(doc)
    if bad is not None:
        raise UsageError(f"{what}: the JSON has a lone surrogate escape ({ascii(bad[:40])}), which is not text",
                         hint=SURROGATE_HINT)
    return doc


def _constant(what: str):
    def refuse(name: str):
        raise UsageError(f"{what}: {name} is not JSON", hint=NOT_JSON_HINT)

    return refuse


def _float(what: str):
    def parse(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            raise UsageError(f"{what}: the number {literal[:40]} is too large",
                             hint="use a number within the range of a double")
        return value

    return parse


def _int(what: str):
    def parse(literal: str) -> int:
        digits = len(literal.lstrip("-"))
        if digits > MAX_INT_DIGITS:
            raise UsageError(f"{what}: a number has {digits} digits; at most {MAX_INT_DIGITS} are accepted",
                             hint="check the number")
        return int(literal)

    return parse


def _first_non_text(doc) -> str | None:
    """The first string (key or value) that cannot be encoded as UTF-8; iterative, as the document may be deep."""
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not is_text(item):
                return item
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def check_identifier(value: str, what: str, *, hint: str) -> str:
    """An id a command puts in a URL or a request (call, conference, application key): one line of text.

    Control characters (httpx refuses some in a URL; on a terminal they move the cursor) and text that is not
    UTF-8 cannot be part of a real id, and no real id is 100,000 characters long.
    """
    if len(value) > MAX_IDENTIFIER:
        raise UsageError(f"{what} is {len(value)} characters long; at most {MAX_IDENTIFIER} are accepted", hint=hint)
    if CONTROL.search(value):  # before the blank test: str.strip() also eats \x85 and \x1c-\x1f
        raise UsageError(f"{what} {value!r} has a control character", hint=hint)
    if not is_text(value):
        raise UsageError(f"{what} is not valid UTF-8 text", hint=hint)
    if not value.strip():
        raise UsageError(f"{what} is empty", hint=hint)
    if value in (".", ".."):  # httpx folds them into the parent path: `kick CONF .` became kick-all
        raise UsageError(f"{what} {value!r} cannot be placed in a URL: '.' and '..' would change which resource "
                         "the request acts on", hint=hint)
    return value


def check_range(value: float, what: str, *, low: float, high: float, hint: str, unit: str = "seconds") -> float:
    """A number from the command line: finite (click's float() takes nan and inf) and within [low, high]."""
    check_finite(value, what, hint=hint)
    if not low <= value <= high:
        raise UsageError(f"{what} {value:g} is out of range: use {low:g} to {high:g} {unit}", hint=hint)
    return value


def check_finite(value: float, what: str, *, hint: str) -> float:
    if not math.isfinite(value):
        raise UsageError(f"{what} {value:g} is not a number", hint=hint)
    return value
