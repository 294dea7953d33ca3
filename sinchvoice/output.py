"""Rendering: tables and panels (rich, on a TTY), plain columns when piped, json, csv, quiet, errors.

Every write of a command goes through Output. What rich draws is in drawing.py and how values become safe text
in text.py (escape); rich itself is imported only inside functions, when something is drawn on a terminal.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
from typing import Any, Callable, Iterable, Sequence

from sinchvoice import drawing
from sinchvoice.drawing import Fit
from sinchvoice.environment import Environment
from sinchvoice.text import cell, encodable, escape, json_text

Row = Sequence[Any]

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
        print(json_text(data, indent=2), file=self.env.stdout, flush=True)

    def json_line(self, data: Any) -> None:
        print(json_text(data, separators=(",", ":")), file=self.env.stdout, flush=True)

    def ids(self, values: Iterable[Any]) -> None:
        shown = escape if self.rich_enabled else encodable  # piped, an id is data: exact
        for value in values:
            print(shown(cell(value)), file=self.env.stdout)
        self.env.stdout.flush()

    def csv(self, columns: Sequence[str], rows: Iterable[Row], header: bool = True) -> None:
        """header=False: more rows under a header already written (a --watch stream)."""
        writer = csv.writer(self.env.stdout, lineterminator="\n")
        if header:
            writer.writerow([encodable(c) for c in columns])
        writer.writerows([encodable(cell(v)) for v in row] for row in rows)  # streamed: rows may be many
        self.env.stdout.flush()

    def json_array(self, items: Iterable[Any]) -> None:
        """The same text as json(list(items)), written item by item: a batch's results may be many."""
        out, first = self.env.stdout, True
        for item in items:
            out.write(("[\n  " if first else ",\n  ") + json_text(item, indent=2).replace("\n", "\n  "))
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
        console.print(drawing.table(columns, rows, title, footer, fit, console.width))

    def panel(self, title: str, fields: Sequence[tuple[str, Any]]) -> None:
        if not self.rich_enabled:
            width = max(len(label) for label, _ in fields)
            lines = [escape(title)] + [f"{label.ljust(width)}  {escape(cell(value))}".rstrip()
                                       for label, value in fields]
            print("\n".join(lines), file=self.env.stdout, flush=True)
            return
        console = self._console()
        console.print(drawing.panel(title, fields, console.width))

    @contextlib.contextmanager
    def live_panel(self, title: str):
        """A panel redrawn in place on a terminal (--watch); yields update(fields)."""
        from rich.live import Live

        console = self._console()
        with Live(console=console, auto_refresh=False, transient=False) as live:
            yield lambda fields: live.update(drawing.panel(title, fields, console.width), refresh=True)

    @contextlib.contextmanager
    def live_table(self, columns: Sequence[str], fit: Fit | None = None):
        """A table redrawn in place on a terminal (--watch); yields update(rows, footer)."""
        from rich.live import Live

        console = self._console()
        with Live(console=console, auto_refresh=False, transient=False) as live:
            yield lambda rows, footer=None: live.update(drawing.table(columns, rows, None, footer, fit, console.width),
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

            lines.append(json_text({"error": as_json(message, details)}))
        try:
            print("\n".join(lines), file=self.env.stderr, flush=True)
        except BrokenPipeError:  # stderr's reader has gone: the exit code still says what happened
            _to_devnull(self.env.stderr)


def _csv_value(value: Any) -> Any:
    """true/false as JSON writes them, so a csv cell means the same as the json field."""
    return str(value).lower() if isinstance(value, bool) else value
