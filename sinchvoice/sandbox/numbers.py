"""The account's numbers: the seeded few plus `numbers=N` generated free voice numbers, and their assignment."""

from __future__ import annotations

from dataclasses import dataclass

from sinchvoice.sandbox.defaults import SEEDED_NUMBERS
from sinchvoice.sandbox.problems import Problem, not_found

EXTRA_PREFIX = "+4670001"  # then 5 digits: +467000100000, +467000100001, ...
MAX_EXTRA = 100_000


def extra_number(index: int) -> str:
    return f"{EXTRA_PREFIX}{index:05d}"


@dataclass
class Number:
    number: str
    capability: str
    app: str | None = None  # the application key it is assigned to, None when free

    def spec(self) -> dict:
        """The contract's shape: `applicationKey`, absent when unassigned."""
        app = {} if self.app is None else {"applicationKey": self.app}
        return {"number": self.number, **app, "capability": self.capability}

    def live(self) -> dict:
        """The platform's shape: `applicationkey` in lower case, absent when unassigned."""
        app = {} if self.app is None else {"applicationkey": self.app}
        return {"number": self.number, **app, "capability": self.capability}


class NumberBook:
    """Callers hold the state's lock; every operation is a dict lookup, so 10,000 numbers stay cheap."""

    def __init__(self, key: str, extra: int = 0):
        if not 0 <= extra <= MAX_EXTRA:
            raise ValueError(f"numbers must be between 0 and {MAX_EXTRA}")
        self.key, self.extra = key, extra
        self.reset()

    def reset(self) -> None:
        seeded = [Number(n["number"], n["capability"], self.key if "applicationKey" in n else None)
                  for n in SEEDED_NUMBERS]
        generated = [Number(extra_number(i), "voice") for i in range(self.extra)]
        self.by_number = {n.number: n for n in seeded + generated}

    def get(self, number: str) -> Number:
        found = self.by_number.get(number)
        if found is None:
            raise not_found("Number")
        return found

    def all(self):
        return self.by_number.values()

    def assign(self, numbers: list[str], app: str, capability: str | None) -> None:
        """All or nothing: one unknown number refuses the whole request before anything changes."""
        unknown = next((n for n in numbers if n not in self.by_number), None)
        if unknown is not None:
            raise Problem(404, 40400, f"Number {unknown} not found (not one of this account's numbers)")
        for number in numbers:
            entry = self.by_number[number]
            entry.app = app
            entry.capability = capability or entry.capability

    def unassign(self, number: str, app: str) -> None:
        """Unassigning a free number changes nothing; a number of another application is refused."""
        entry = self.get(number)
        if entry.app is not None and entry.app.lower() != app.lower():
            raise Problem(400, 40003, f"Number {number} is assigned to another application")
        entry.app = None
