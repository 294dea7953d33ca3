"""Rendering: tables and panels (rich, on a TTY), plain columns when piped, json, csv, quiet, errors.

The only module that imports rich, and only inside functions, when something is drawn on a terminal.
"""

from __future__ import annotations

import contextlib
import csv
import json
from typing import Any, Iterable, Sequence

from sinchvoice.environment import Environment

Row = Sequence[Any]


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
        self.mode = mode
        self.quiet = quiet

    @property
    def rich_enabled(self) -> bool:
        return self.env.stdout_isatty

    def console(self, stderr: bool = False):
        from rich.console import Console

        stream = self.env.stderr if stderr else self.env.stdout
        return Console(file=stream, force_terminal=self.rich_enabled if not stderr else None,
                       no_color=self.env.no_color, highlight=False)

    # data on stdout ---------------------------------------------------------------------------------

    def json(self, data: Any) -> None:
        print(json.dumps(data, indent=2, ensure_ascii=False), file=self.env.stdout, flush=True)

    def json_line(self, data: Any) -> None:
        print(json.dumps(data, ensure_ascii=False, separators=(",", ":")), file=self.env.stdout, flush=True)

    def ids(self, values: Iterable[Any]) -> None:
        for value in values:
            print(cell(value), file=self.env.stdout)
        self.env.stdout.flush()

    def csv(self, columns: Sequence[str], rows: Iterable[Row]) -> None:
        writer = csv.writer(self.env.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell(v) for v in row] for row in rows])
        self.env.stdout.flush()

    def table(self, columns: Sequence[str], rows: Sequence[Row], title: str | None = None,
              footer: str | None = None) -> None:
        if not self.rich_enabled:
            self._plain_table(columns, rows, title, footer)
            return
        self.console().print(_rich_table(columns, rows, title, footer))

    def panel(self, title: str, fields: Sequence[tuple[str, Any]]) -> None:
        if not self.rich_enabled:
            width = max(len(label) for label, _ in fields)
            lines = [title] + [f"{label.ljust(width)}  {cell(value)}".rstrip() for label, value in fields]
            print("\n".join(lines), file=self.env.stdout, flush=True)
            return
        self.console().print(_rich_panel(title, fields))

    @contextlib.contextmanager
    def live_panel(self, title: str):
        """A panel redrawn in place on a terminal (--watch); yields update(fields)."""
        from rich.live import Live

        with Live(console=self.console(), auto_refresh=False, transient=False) as live:
            yield lambda fields: live.update(_rich_panel(title, fields), refresh=True)

    @contextlib.contextmanager
    def live_table(self, columns: Sequence[str]):
        """A table redrawn in place on a terminal (--watch); yields update(rows, footer)."""
        from rich.live import Live

        with Live(console=self.console(), auto_refresh=False, transient=False) as live:
            yield lambda rows, footer=None: live.update(_rich_table(columns, rows, None, footer), refresh=True)

    def render(self, body: Any, *, columns: Sequence[str] = (), rows: Sequence[Row] = (), ids: Iterable[Any] = (),
               panel: Sequence[tuple[str, Any]] | None = None, title: str | None = None,
               footer: str | None = None) -> None:
        """One call per command: json is the body unchanged, quiet the ids, csv/table the rows (or a panel)."""
        if self.mode == "json":
            self.json(body)
        elif self.quiet:
            self.ids(ids)
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
            self.table(columns, rows, title, footer)

    def _plain_table(self, columns, rows, title, footer) -> None:
        text_rows = [list(columns)] + [[cell(v) for v in row] for row in rows]
        widths = [max(len(r[i]) for r in text_rows) for i in range(len(columns))]
        lines = [title] if title else []
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in text_rows]
        if footer:
            lines.append(footer)
        print("\n".join(lines), file=self.env.stdout, flush=True)

    # everything else on stderr ----------------------------------------------------------------------

    def note(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.env.stderr, flush=True)

    def warn(self, text: str) -> None:
        print(f"warning: {text}", file=self.env.stderr, flush=True)

    def error(self, message: str, hint: str | None = None, details: dict | None = None) -> None:
        print(f"error: {message}", file=self.env.stderr)
        if hint:
            print(f"hint: {hint}", file=self.env.stderr)
        if self.mode == "json":
            from sinchvoice.errors import as_json

            print(json.dumps({"error": as_json(message, details)}, ensure_ascii=False), file=self.env.stderr)
        self.env.stderr.flush()


def _csv_value(value: Any) -> Any:
    """true/false as JSON writes them, so a csv cell means the same as the json field."""
    return str(value).lower() if isinstance(value, bool) else value


def _rich_table(columns: Sequence[str], rows: Sequence[Row], title: str | None, footer: str | None):
    from rich.table import Table

    table = Table(title=title, caption=footer, header_style="bold", title_justify="left", caption_justify="left")
    for index, column in enumerate(columns):
        # Identifiers must survive a narrow terminal whole (people copy them into the next command);
        # only the last column, a free-text detail, may wrap.
        table.add_column(column, no_wrap=index < len(columns) - 1)
    for row in rows:
        table.add_row(*[cell(v) for v in row])
    return table


def _rich_panel(title: str, fields: Sequence[tuple[str, Any]]):
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in fields:
        grid.add_row(label, cell(value))
    return Panel(grid, title=title, title_align="left", expand=False)
