"""Calls, participants and conferences as data, and the plan of a call's life from its callout."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sinchvoice.sandbox.defaults import (
    CALLEE_HANGUP_AFTER,
    MIN_SPEAK_SECONDS,
    NOANSWER_RING_SECONDS,
    RESERVED_SUFFIXES,
    RING_SECONDS,
    WORDS_PER_MINUTE,
)


@dataclass
class Call:
    call_id: str
    method: str
    cli: str
    destination: dict
    created: float
    answer_at: float | None  # planned; None when the call is never answered
    end_at: float | None  # planned; None when it lasts until hung up or kicked
    end_result: str
    end_reason: str
    conference_id: str | None = None
    custom: str = ""
    ace_targets: str = ""  # "app", a URL (custom callout), or "" for no ace
    dice_targets: str = ""  # "app" or ""
    answered_at: float | None = None
    ended_at: float | None = None
    result: str = "N/A"
    reason: str = "N/A"

    @property
    def ongoing(self) -> bool:
        return self.ended_at is None


@dataclass
class Participant:
    call_id: str
    cli: str
    joined: float
    muted: bool = False
    onhold: bool = False
    moh: str | None = None


@dataclass
class Conference:
    conference_id: str
    participants: dict = field(default_factory=dict)


def plan(method: str, order: dict) -> tuple[float | None, float | None, str, str]:
    """(answer_at, end_at, final result, final reason) relative to creation."""
    endpoint = order["destination"]["endpoint"]
    forced = next((v for k, v in RESERVED_SUFFIXES.items() if endpoint.endswith(k)), None)
    ring = RING_SECONDS
    if forced and forced[0] == "NOANSWER":
        return None, NOANSWER_RING_SECONDS, *forced
    if forced and forced[0] != "ANSWERED":
        return None, ring, *forced
    if forced:
        return ring, ring + CALLEE_HANGUP_AFTER, *forced
    if method == "ttsCallout":
        return ring, ring + speaking_time(order["text"]), "ANSWERED", "CALLERHANGUP"
    if order.get("limit"):
        return ring, ring + order["limit"], "ANSWERED", "TIMEOUT"
    return ring, None, "ANSWERED", "N/A"


def speaking_time(text: str) -> float:
    """About 150 words a minute, at least 2 s, rounded up to whole seconds so durations are exact."""
    return float(max(MIN_SPEAK_SECONDS, math.ceil(len(text.split()) * 60 / WORDS_PER_MINUTE)))
