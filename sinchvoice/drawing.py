"""What rich draws on a terminal: tables that fit its width without cutting ids, and panels.

Imported only when something is drawn (output.py), so `-o json`, csv, `-q` and piped output never load rich.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

from sinchvoice.text import cell, escape

Row = Sequence[Any]


def text(value: Any):
    """A rich Text, never a str: rich would read `[/]` or `[link=...]` in data as markup (and raise on some)."""
    from rich.text import Text

    return Text(escape(cell(value)))


class Fit(NamedTuple):
    """How a table meets a narrow terminal. `whole` columns (ids, which people copy into the next command) are
    never cut; `drop` columns, least useful first, are left out while the table is too wide; the others fold."""

    whole: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


def fitted(columns: Sequence[str], rows: Sequence[Row], fit: Fit | None, width: int):
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


def table(columns: Sequence[str], rows: Sequence[Row], title: str | None, footer: str | None,
                fit: Fit | None = None, width: int = 80):
    from rich.table import Table

    kept, widths, squeezed = fitted(columns, rows, fit, width)
    whole = (fit or Fit(whole=tuple(columns[:1]))).whole
    table = Table(title=title and text(title), caption=footer and text(footer), header_style="bold",
                  title_justify="left", caption_justify="left")
    for i in kept:
        # A whole column is never cut with an ellipsis; if even the ids alone are wider than the terminal they
        # fold onto a second line, still whole. Everything else folds rather than being cut.
        no_wrap = columns[i] in whole and not squeezed
        table.add_column(text(columns[i]), no_wrap=no_wrap, overflow="fold", width=widths.get(i))
    for row in rows:
        table.add_row(*[text(row[i]) for i in kept])
    return table


def panel(title: str, fields: Sequence[tuple[str, Any]], width: int = 80):
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in fields:
        grid.add_row(text(label), text(value))
    heading = text(title)
    if len(heading) + 6 > width:  # a title rich would cut (it holds an id): a line of its own above the panel
        return Group(heading, Panel(grid, expand=False))
    content = max((len(escape(label)) for label, _ in fields), default=0) + 2 + max(
        (len(escape(cell(value))) for _, value in fields), default=0)
    return Panel(grid, title=heading, title_align="left", expand=False,
                 width=min(width, max(content + 4, len(heading) + 6)))
