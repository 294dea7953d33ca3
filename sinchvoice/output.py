"""Rendering: tables and panels (rich, on a TTY), plain columns when piped, json, csv, quiet, errors.

The only module that imports rich, and only inside functions, when something is drawn on a terminal. Also the
one place where text from the API or a user is made safe to show: see escape().
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from sinchvoice.environment import Environment

Row = Sequence[Any]

# What would steer a terminal or forge the layout if printed as is: C0 and C1 controls and DEL (cursor moves,
# colours, titles, fake lines), bidi overrides and isolates (text that reads backwards), line and paragraph
# separators; and lone surrogates, which no UTF-8 stream can carry at all.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# In JSON text these can only stand inside strings, where \uXXXX means the same character: JSON output stays
# exact, and a C1 CSI (\x9b), a bidi override or U+2028 in a server's data cannot act on a terminal or split a line.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def escape(text: str) -> str:
    """Text for people: `\\x1b`, `\\n`, `\\u202e` shown as such, so an id or a server's message cannot move the
    cursor, recolour the terminal or fake a line. Everything printable (accents, emoji) stays as it is."""
    return _UNSAFE.sub(_shown, text)


def _encodable(text: str) -> str:
    """Data kept exact (csv, piped ids): only a lone surrogate, unprintable as UTF-8, becomes its escape."""
    return _SURROGATE.sub(_shown, text)


def _json_text(data: Any, **options) -> str:
    """json.dumps escapes the C0 controls itself; the rest of what could act on a terminal is escaped alike."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# 128 + SIGPIPE: what a shell reports for git, gh or cat when the reader of their output has gone (`| head -1`).
CLOSED_PIPE = 141


def stdout_closed() -> int:
    """After a write hit a closed stdout: send fd 1 to /dev/null, so that nothing later (the interpreter's final
    flush included) fails again or prints "Exception ignored ... BrokenPipeError"; return the exit code."""
    import sys

    _to_devnull(sys.stdout)
    return CLOSED_PIPE


def _to_devnull(stream) -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file: a test's captured stream
        pass


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def minutes(seconds: Any) -> str:
    """m:ss, the way people read call durations; anything but a number of seconds is shown as the API gave it
    (a server's "abc", -5 or 1e999 must not crash the panel)."""
    if seconds is None or seconds == "":
        return ""
    if isinstance(seconds, str) and seconds.isascii() and seconds.isdigit() and len(seconds) < 19:
        seconds = int(seconds)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds < float("inf"):
        return cell(seconds)
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class Output:
    def __init__(self, env: Environment, mode: str = "table", quiet: bool = False):
        self.env = env
        # The one -q rule (README "Output"): -q wins over -o json|csv and prints identifiers only; an error
        # still carries its JSON object when -o json asked for it.
        self.mode = "table" if quiet else mode
        self.quiet = quiet
        self.json_errors = mode == "json"

    @property
    def rich_enabled(self) -> bool:
        return self.env.stdout_isatty

    def line(self, text: str, style: str | None = None) -> None:
        """One line on stderr as it is (even with -q): rich wraps it to the terminal and styles it."""
        self._console(stderr=True).print(text, style=style, markup=False, highlight=False, emoji=False,
                                         soft_wrap=True)

    def _console(self, stderr: bool = False):
        from rich.console import Console

        stream = self.env.stderr if stderr else self.env.stdout
        return Console(file=stream, force_terminal=self.rich_enabled if not stderr else None,
                       no_color=self.env.no_color, highlight=False)

    # data on stdout ---------------------------------------------------------------------------------

    def json(self, data: Any) -> None:
        print(_json_text(data, indent=2), file=self.env.stdout, flush=True)

    def json_line(self, data: Any) -> None:
        print(_json_text(data, separators=(",", ":")), file=self.env.stdout, flush=True)

    def ids(self, values: Iterable[Any]) -> None:
        shown = escape if self.rich_enabled else _encodable  # piped, an id is data: exact
        for value in values:
            print(shown(cell(value)), file=self.env.stdout)
        self.env.stdout.flush()

    def csv(self, columns: Sequence[str], rows: Iterable[Row], header: bool = True) -> None:
        """header=False: more rows under a header already written (a --watch stream)."""
        writer = csv.writer(self.env.stdout, lineterminator="\n")
        if header:
            writer.writerow([_encodable(c) for c in columns])
        writer.writerows([_encodable(cell(v)) for v in row] for row in rows)  # streamed: rows may be many
        self.env.stdout.flush()

    def json_array(self, items: Iterable[Any]) -> None:
        """The same text as json(list(items)), written item by item: a batch's results may be many."""
        out, first = self.env.stdout, True
        for item in items:
            out.write(("[\n  " if first else ",\n  ") + _json_text(item, indent=2).replace("\n", "\n  "))
            first = False
        print("[]" if first else "\n]", file=out, flush=True)

    def long_table(self, columns: Sequence[str], rows: Callable[[], Iterable[Row]], short: int = 1000,
                   fit: Fit | None = None) -> None:
        """A table of any length from `rows()`, which can be called twice: plain text is streamed (one pass for
        the widths, one to print); on a terminal up to `short` rows are drawn by rich."""
        if self.rich_enabled:
            first = list(itertools.islice(rows(), short + 1))
            if len(first) <= short:
                return self.table(columns, first, fit=fit)
        widths = [len(c) for c in columns]
        for row in rows():
            widths = [max(w, len(escape(cell(v)))) for w, v in zip(widths, row, strict=True)]
        out = self.env.stdout
        for row in itertools.chain([columns], rows()):
            out.write("  ".join(escape(cell(v)).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
        out.flush()

    def table(self, columns: Sequence[str], rows: Sequence[Row], title: str | None = None,
              footer: str | None = None, fit: Fit | None = None) -> None:
        if not self.rich_enabled:
            self._plain_table(columns, rows, title, footer)
            return
        console = self._console()
        console.print(_rich_table(columns, rows, title, footer, fit, console.width))

    def panel(self, title: str, fields: Sequence[tuple[str, Any]]) -> None:
        if not self.rich_enabled:
            width = max(len(label) for label, _ in fields)
            lines = [escape(title)] + [f"{label.ljust(width)}  {escape(cell(value))}".rstrip()
                                       for label, value in fields]
            print("\n".join(lines), file=self.env.stdout, flush=True)
            return
        console = self._console()
        console.print(_rich_panel(title, fields, console.width))

    @contextlib.contextmanager
    def live_panel(self, title: str):
        """A panel redrawn in place on a terminal (--watch); yields update(fields)."""
        from rich.live import Live

        console = self._console()
        with Live(console=console, auto_refresh=False, transient=False) as live:
            yield lambda fields: live.update(_rich_panel(title, fields, console.width), refresh=True)

    @contextlib.contextmanager
    def live_table(self, columns: Sequence[str], fit: Fit | None = None):
        """A table redrawn in place on a terminal (--watch); yields update(rows, footer)."""
        from rich.live import Live

        console = self._console()
        with Live(console=console, auto_refresh=False, transient=False) as live:
            yield lambda rows, footer=None: live.update(_rich_table(columns, rows, None, footer, fit, console.width),
                                                        refresh=True)

    @contextlib.contextmanager
    def progress(self, total: int, label: str):
        """A progress bar on stderr (for terminals: callers decide); yields update(done, text, note=None), where a
        note is a line printed above the bar."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                   TimeRemainingColumn())
        with Progress(*columns, console=self._console(stderr=True), transient=False) as bar:
            task = bar.add_task("", total=total)

            def update(done: int, text: str = "", note: str | None = None) -> None:
                if note:
                    bar.console.print(note, markup=False, highlight=False)
                bar.update(task, completed=done, description=text)

            yield update

    def render(self, body: Any, *, columns: Sequence[str] = (), rows: Sequence[Row] = (), ids: Iterable[Any] = (),
               panel: Sequence[tuple[str, Any]] | None = None, title: str | None = None,
               footer: str | None = None, fit: Fit | None = None, csv_columns: Sequence[str] | None = None,
               csv_rows: Iterable[Row] = (), table: bool = True) -> None:
        """One call per command: json is the body unchanged, quiet the ids, csv/table the rows (or a panel).

        csv_columns/csv_rows: what scripts get where people get something else (raw values, the API's names).
        table=False: people get the ids too. fit: how a table gives way on a narrow terminal."""
        if self.mode == "json":
            self.json(body)
        elif self.quiet or (not table and self.mode == "table"):
            self.ids(ids)
        elif self.mode == "csv" and csv_columns is not None:
            self.csv(csv_columns, csv_rows)
        elif self.mode == "csv":
            if panel is not None and not columns:
                # A panel is for people; scripts get the body's own field names and raw values.
                record = body if isinstance(body, dict) else dict(panel)
                self.csv(list(record), [[_csv_value(v) for v in record.values()]])
            else:
                self.csv(columns, rows)
        elif panel is not None:
            self.panel(title or "", panel)
        else:
            self.table(columns, rows, title, footer, fit)

    def one_id(self, body: Any, column: str, value: Any) -> None:
        """What names one thing (a placed call): the body (json), a one-column csv, or the id itself."""
        self.render(body, ids=[value], csv_columns=[column], csv_rows=[[value]], table=False)

    def _plain_table(self, columns, rows, title, footer) -> None:
        text_rows = [list(columns)] + [[escape(cell(v)) for v in row] for row in rows]
        widths = [max(len(r[i]) for r in text_rows) for i in range(len(columns))]
        lines = [escape(title)] if title else []
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in text_rows]
        if footer:
            lines.append(escape(footer))
        print("\n".join(lines), file=self.env.stdout, flush=True)

    # everything else on stderr ----------------------------------------------------------------------

    def note(self, text: str) -> None:
        if not self.quiet:  # a note's own line breaks are layout; every other control character is shown
            print("\n".join(escape(line) for line in text.split("\n")), file=self.env.stderr, flush=True)

    def status(self, text: str) -> None:
        """A line on stderr that -q leaves in: what a server says about itself (its banner, its request log)."""
        print(escape(text), file=self.env.stderr, flush=True)

    def warn(self, text: str) -> None:
        print(f"warning: {escape(text)}", file=self.env.stderr, flush=True)

    def error(self, message: str, hint: str | None = None, details: dict | None = None) -> None:
        # Exactly one `error:` line (and one `hint:`), whatever a server or an argument put in the message.
        lines = [f"error: {escape(message)}"] + ([f"hint: {escape(hint)}"] if hint else [])
        if self.json_errors:
            from sinchvoice.errors import as_json

            lines.append(_json_text({"error": as_json(message, details)}))
        try:
            print("\n".join(lines), file=self.env.stderr, flush=True)
        except BrokenPipeError:  # stderr's reader has gone: the exit code still says what happened
            _to_devnull(self.env.stderr)


def _csv_value(value: Any) -> Any:
    """true/false as JSON writes them, so a csv cell means the same as the json field."""
    return str(value).lower() if isinstance(value, bool) else value


def _text(value: Any):
    """A rich Text, never a str: rich would read `[/]` or `[link=...]` in data as markup (and raise on some)."""
    from rich.text import Text

    return Text(escape(cell(value)))


@dataclass(frozen=True)
class Fit:
    """How a table meets a narrow terminal. `whole` columns (ids, which people copy into the next command) are
    never cut; `drop` columns, least useful first, are left out while the table is too wide; the others fold."""

    whole: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


def _fitted(columns: Sequence[str], rows: Sequence[Row], fit: Fit | None, width: int):
    """(kept column indexes, widths or None per kept column, whether whole columns must fold) for `width`."""
    fit = fit or Fit(whole=tuple(columns[:1]))
    natural = [max([len(escape(cell(row[i]))) for row in rows] + [len(column)]) for i, column in enumerate(columns)]
    kept = list(range(len(columns)))

    def needed(indexes) -> int:  # rich's heavy box: a border and a space either side of every cell
        return sum(natural[i] for i in indexes) + 3 * len(indexes) + 1

    for name in fit.drop:
        if needed(kept) <= width:
            break
        kept = [i for i in kept if columns[i] != name]
    whole = [i for i in kept if columns[i] in fit.whole]
    others = [i for i in kept if i not in whole]
    room = width - needed(whole) - 3 * len(others)
    if needed(kept) <= width or room < 3 * len(others):
        return kept, {}, needed(kept) > width
    widths = {}
    for count, i in enumerate(sorted(others, key=lambda i: natural[i])):  # narrow ones whole, the rest share
        widths[i] = min(natural[i], room // (len(others) - count))
        room -= widths[i]
    return kept, widths, False


def _rich_table(columns: Sequence[str], rows: Sequence[Row], title: str | None, footer: str | None,
                fit: Fit | None = None, width: int = 80):
    from rich.table import Table

    kept, widths, squeezed = _fitted(columns, rows, fit, width)
    whole = (fit or Fit(whole=tuple(columns[:1]))).whole
    table = Table(title=title and _text(title), caption=footer and _text(footer), header_style="bold",
                  title_justify="left", caption_justify="left")
    for i in kept:
        # A whole column is never cut with an ellipsis; if even the ids alone are wider than the terminal they
        # fold onto a second line, still whole. Everything else folds rather than being cut.
        no_wrap = columns[i] in whole and not squeezed
        table.add_column(_text(columns[i]), no_wrap=no_wrap, overflow="fold", width=widths.get(i))
    for row in rows:
        table.add_row(*[_text(row[i]) for i in kept])
    return table


def _rich_panel(title: str, fields: Sequence[tuple[str, Any]], width: int = 80):
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in fields:
        grid.add_row(_text(label), _text(value))
    heading = _text(title)
    if len(heading) + 6 > width:  # a title rich would cut (it holds an id): a line of its own above the panel
        return Group(heading, Panel(grid, expand=False))
    content = max((len(escape(label)) for label, _ in fields), default=0) + 2 + max(
        (len(escape(cell(value))) for _, value in fields), default=0)
    return Panel(grid, title=heading, title_align="left", expand=False,
                 width=min(width, max(content + 4, len(heading) + 6)))
