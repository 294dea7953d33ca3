"""A batch's input: a CSV file with a header row, or JSON Lines; from a file or stdin (spooled to a private
temporary file so it can be read twice); streamed as rows that keep the line number they start on."""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterator, NamedTuple

from sinchvoice.errors import UsageError

MAX_LINE_BYTES = 64 * 1024  # a callout row is a few hundred bytes; longer lines mean the wrong file
MAX_ROWS = 1_000_000
MAX_STDIN_BYTES = 512 * 1024 * 1024
CHUNK = 1024 * 1024
BOM = b"\xef\xbb\xbf"
PIPE_HINT = "pipe the rows in (e.g. `cat people.csv | sinchvoice callouts batch - ...`), or name the file"


class Source:
    """The bytes to read (a path), what the user called them, and their SHA-256 (the journal's fingerprint)."""

    def __init__(self, path: Path, name: str, digest: str, spooled: bool = False):
        self.path, self.name, self.digest, self.spooled = path, name, digest, spooled
        self.stat = _identity(path)

    def unchanged(self) -> bool:
        """Still the same file (size and modification time) as when it was checked."""
        return _identity(self.path) == self.stat

    def close(self) -> None:
        if self.spooled:
            self.path.unlink(missing_ok=True)


def _identity(path: Path) -> tuple:
    info = path.stat()
    return info.st_size, info.st_mtime_ns, info.st_ino


def open_source(value: str, stdin) -> Source:
    if value == "-":
        return _spool(stdin)
    path = Path(value).expanduser()
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except IsADirectoryError:
        raise UsageError(f"{value} is a directory, not a file", hint="name a CSV or JSON Lines file") from None
    except FileNotFoundError:
        raise UsageError(f"no such file: {value}", hint="check the path; - reads the rows from stdin") from None
    except OSError as exc:
        raise UsageError(f"cannot read {value}: {exc.strerror or exc}", hint="check its permissions") from None
    if not path.is_file():  # a FIFO or a device would not read the same twice
        raise UsageError(f"{value} is not a regular file", hint=f"feed it through stdin instead: {PIPE_HINT}")
    return Source(path, value, digest.hexdigest())


def _spool(stdin) -> Source:
    if stdin is None or stdin.isatty():
        raise UsageError("the rows are read from standard input (-), but it is a terminal" if stdin is not None
                         else "the rows are read from standard input (-), but there is none", hint=PIPE_HINT)
    stream = getattr(stdin, "buffer", None)
    fd, name = tempfile.mkstemp(prefix="sinchvoice-batch-", suffix=".rows")  # 0600
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as spool:
            while True:
                chunk = stream.read(CHUNK) if stream is not None else stdin.read(CHUNK).encode("utf-8")
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_STDIN_BYTES:
                    raise UsageError(f"standard input is over {MAX_STDIN_BYTES // 2**20} MiB; nothing was sent",
                                     hint="split the rows into several batches")
                digest.update(chunk)
                spool.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Source(Path(name), "-", digest.hexdigest(), spooled=True)


class Row(NamedTuple):
    index: int  # 0-based among the data rows: the journal's key
    line: int  # the line of the file the row starts on
    values: dict | None  # column -> text; None when the row could not be read
    problem: str | None = None


class Reader:
    """Opens the file once to learn its format (and header); every iteration streams it again from the top."""

    def __init__(self, source: Source):
        self.source = source
        self.format, self.header = "jsonl", None
        with open(source.path, "rb") as handle:
            for number, text in _lines(handle):
                if text.strip():
                    if not text.lstrip().startswith("{"):
                        self.format, self.header = "csv", _header(text, number)
                    return
        raise UsageError(f"{source.name} has no rows", hint="give a CSV file with a header row (to,...) or JSON Lines")

    def __iter__(self) -> Iterator[Row]:
        with open(self.source.path, "rb") as handle:
            rows = _csv_rows(handle, self.header) if self.format == "csv" else _json_rows(handle)
            for row in rows:
                if row.index >= MAX_ROWS:
                    raise UsageError(f"line {row.line}: more than {MAX_ROWS:,} rows", hint="split them into batches")
                yield row


def _lines(handle) -> Iterator[tuple[int, str]]:
    """(line number, text) with line ends kept; bytes that are not UTF-8 become lone surrogates, found later."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise UsageError(f"line {number} is over {MAX_LINE_BYTES // 1024} KiB long; this does not look like "
                             "a batch of callouts", hint="give a CSV file with a header row, or JSON Lines")
        if number == 1:
            raw = raw.removeprefix(BOM)
        yield number, raw.decode("utf-8", "surrogateescape")


def _not_utf8(text: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in text)


def _header(text: str, number: int) -> list[str]:
    if _not_utf8(text):
        raise UsageError(f"line {number}: the header is not UTF-8 text", hint="save the file as UTF-8")
    names = [name.strip() for name in next(csv.reader([text]))]
    if "to" not in names:
        raise UsageError(f"line {number}: the header has no 'to' column (it has: {', '.join(names)})",
                         hint="the first row names the columns; call the destination column 'to'")
    for name in names:
        if not name:
            raise UsageError(f"line {number}: the header has an empty column name", hint="name every column")
        if names.count(name) > 1:
            raise UsageError(f"line {number}: the header names '{name}' twice", hint="give each column its own name")
    return names


def _csv_rows(handle, header: list[str]) -> Iterator[Row]:
    lines = _lines(handle)
    reader = csv.reader(text for _, text in lines)
    try:
        for fields in reader:  # the header (checked by Reader), after any blank lines
            if any(field.strip() for field in fields):
                break
        index, previous = 0, reader.line_num
        for fields in reader:
            start, previous = previous + 1, reader.line_num
            if not any(field.strip() for field in fields):
                continue
            yield Row(index, start, *_csv_values(header, fields))
            index += 1
    except csv.Error as exc:
        raise UsageError(f"line {reader.line_num}: not valid CSV: {exc}", hint="check the quoting there") from None


def _csv_values(header: list[str], fields: list[str]) -> tuple[dict | None, str | None]:
    if len(fields) > len(header):
        return None, f"{len(fields)} values, but the header has {len(header)} columns"
    values = {name: field.strip() for name, field in zip(header, fields, strict=False)}
    if any(_not_utf8(value) for value in values.values()):
        return None, "not UTF-8 text"
    return values, None


def _json_rows(handle) -> Iterator[Row]:
    index = 0
    for number, text in _lines(handle):
        if not text.strip():
            continue
        values, problem = _json_values(text)
        yield Row(index, number, values, problem)
        index += 1


def _json_values(text: str) -> tuple[dict | None, str | None]:
    from sinchvoice.inputs import parse_json

    if _not_utf8(text):
        return None, "not UTF-8 text"
    try:  # strict: no NaN, no 1e999, no 5000-digit numbers, no lone surrogate escapes
        doc = parse_json(text, what="the row", object_pairs_hook=_no_duplicates)
    except UsageError as error:  # "the row: invalid JSON at line 1, column 9: ..." -> "... at column 9: ..."
        return None, error.message.replace("invalid JSON at line 1, column", "invalid JSON at column")
    if not isinstance(doc, dict):
        return None, "a JSON Lines row is an object, e.g. {\"to\": \"+46701234567\", \"name\": \"Ann\"}"
    values = {}
    for key, value in doc.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float, type(None))):
            return None, f"'{key}' must be text or a number"
        if value is not None:
            values[key.strip()] = value.strip() if isinstance(value, str) else str(value)
    return values, None


def _no_duplicates(pairs):
    found = dict(pairs)
    if len(found) < len(pairs):
        twice = next(key for key, _ in pairs if [k for k, _ in pairs].count(key) > 1)
        raise UsageError(f"the row: key '{twice}' appears twice", hint="keep one of them")
    return found
