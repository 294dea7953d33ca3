"""Values users pass inline, as @FILE or as - (stdin): --text, --svaml, --data, --body, --from-file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from .errors import UsageError


def read_value(value: str, *, what: str, stdin: TextIO | None = None) -> str:
    """Return the text itself, the contents of @path, or all of stdin for `-`."""
    if value == "-":
        return _read_stdin(what, stdin)
    if value.startswith("@"):
        if not value[1:].strip():
            hint = "write the path right after @, e.g. @message.txt"
            raise UsageError(f"{what} '@' names no file", hint=hint)
        return _read_file(value[1:], what)
    return value


def read_bytes(value: str, *, what: str, stdin: TextIO | None = None) -> bytes:
    """Like read_value, but the exact bytes of @FILE or stdin: a signature covers bytes, not text, so CRLF
    line ends and a BOM must stay as `curl --data-binary @FILE` would send them."""
    if value == "-":
        stream = stdin if stdin is not None else sys.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is None or stream.isatty():  # no byte stream (tests), or a terminal: the text path decides
            return _read_stdin(what, stdin).encode("utf-8")
        return buffer.read()
    if value.startswith("@") and value[1:].strip():
        name = value[1:]
        try:
            return Path(name).expanduser().read_bytes()
        except OSError as exc:
            problem, hint = _file_problem(exc, name)
            raise UsageError(f"{what}: {problem}", hint=hint) from None
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


def _read_stdin(what: str, stdin: TextIO | None) -> str:
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:
        raise UsageError(f"{what} - reads standard input, but there is none", hint=_PIPE_HINT)
    # A terminal would block on read() with no prompt; refuse instead of hanging.
    if stream.isatty():
        raise UsageError(f"{what} - reads standard input, but it is a terminal", hint=_PIPE_HINT)
    try:
        return stream.read()
    except UnicodeDecodeError:
        raise UsageError(f"{what}: standard input is not UTF-8 text", hint="convert it to UTF-8") from None


_PIPE_HINT = "pipe something into the command, or pass the value inline or as @FILE"


def _read_file(name: str, what: str) -> str:
    path = Path(name).expanduser()  # the shell does not expand ~ after @
    try:
        # utf-8-sig drops the BOM some Windows editors write, which json.loads would reject.
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problem, hint = _file_problem(exc, name)
        raise UsageError(f"{what}: {problem}", hint=hint) from None


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
    """JSON a user typed or pointed at: syntax errors by line and column, absurd nesting as a usage error."""
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         hint="fix the JSON syntax there") from None
    except RecursionError:
        raise UsageError(f"{what}: the JSON is nested too deeply to read", hint="flatten the document") from None
