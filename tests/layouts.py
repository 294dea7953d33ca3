"""What the two API layouts look like on the wire, for tests that run against both (client.py has the real table)."""

from __future__ import annotations

KEY = "11111111-2222-4333-8444-555555555555"
NUMBERS = {"live": "/v1/configuration/numbers", "spec": "/calling/v1/configuration/numbers"}
CALLBACKS = {"live": f"/v1/configuration/callbacks/applications/{KEY}",
             "spec": f"/calling/v1/configuration/callbacks/applications/{KEY}"}
KEY_FIELD = {"live": "applicationkey", "spec": "applicationKey"}
PARTICIPANT_ID = {"live": "id", "spec": "callId"}


def seeded(layout: str) -> list[dict]:
    """The sandbox's seeded numbers as its getNumbers answers them in LAYOUT."""
    key = KEY_FIELD[layout]
    return [{"number": "+46700000100", key: KEY, "capability": "voice"},
            {"number": "+46700000101", key: KEY, "capability": "voice"},
            {"number": "+46700000102", "capability": "voice"},
            {"number": "+46700000103", key: KEY, "capability": "sms"}]


def number_read(layout: str, number: str) -> tuple:
    """The request that reads one number's configuration: its own resource (spec) or the list (live)."""
    return ("GET", f"{NUMBERS[layout]}/{number}" if layout == "spec" else NUMBERS[layout], None)
