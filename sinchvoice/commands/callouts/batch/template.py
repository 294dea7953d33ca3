"""`--text "Hi {name}"`: a text with a row's values put in; a value the row lacks (or leaves empty) is its error."""

from __future__ import annotations

import string

from sinchvoice.errors import UsageError

HINT = "write {column} for a row's value, and {{ or }} for a brace itself"


class Template:
    def __init__(self, text: str, what: str = "--text"):
        self.what = what
        self.parts: list[tuple[str, str | None]] = []  # (literal text, column name or None)
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:  # a lone { or }
            raise UsageError(f"{what}: {exc}", hint=HINT) from None
        for literal, name, spec, conversion in parsed:
            if name is not None:
                self._check(name, spec, conversion)
                name = name.strip()
            self.parts.append((literal, name))

    def _check(self, name: str, spec: str, conversion: str | None) -> None:
        if not name.strip():
            raise UsageError(f"{self.what}: {{}} needs a column name, e.g. {{name}}", hint=HINT)
        if spec or conversion:  # values are put in as they are, never formatted
            raise UsageError(f"{self.what}: {{{name}{'!' + conversion if conversion else ''}"
                             f"{':' + spec if spec else ''}}} formats a value; only {{{name}}} is supported",
                             hint=HINT)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(name for _, name in self.parts if name is not None))

    def render(self, values: dict) -> str:
        """The text for one row; a UsageError (the row's problem) names a missing or empty value."""
        pieces = []
        for literal, name in self.parts:
            pieces.append(literal)
            if name is None:
                continue
            value = values.get(name)
            if value is None:
                raise UsageError(f"no value for {{{name}}} (used in {self.what})",
                                 hint=f"give the row a {name}, or change {self.what}")
            if not value:
                raise UsageError(f"{name} is empty ({self.what} uses {{{name}}})",
                                 hint=f"fill in {name}, or change {self.what}")
            pieces.append(value)
        return "".join(pieces)
