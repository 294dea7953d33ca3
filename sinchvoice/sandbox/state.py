"""The sandbox's world: calls, conferences, numbers, callback URLs, advanced from the clock on each read."""

from __future__ import annotations

import heapq
import itertools
import math
import random
import threading
import uuid

from sinchvoice.sandbox.calls import Call, Conference, Participant, plan
from sinchvoice.sandbox.defaults import CURRENCY, RATE_PER_MINUTE
from sinchvoice.sandbox.numbers import NumberBook
from sinchvoice.sandbox.problems import Problem, not_found
from sinchvoice.signing import utc_timestamp

ANSWER, END = 0, 1  # at the same instant a call is answered before it ends


class State:
    """All mutation happens under one lock; `tick()` applies due transitions in time order."""

    def __init__(self, *, key: str, clock, seed: int | None = None, emit=None, numbers: int = 0):
        self.key = key
        self.clock = clock
        self.seed = seed
        self.emit = emit or (lambda event: None)
        self.lock = threading.RLock()
        self.numbers = NumberBook(key, numbers)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.rng = random.Random(self.seed)
            self.calls: dict[str, Call] = {}
            self.conferences: dict[str, Conference] = {}
            # Planned transitions (at, ANSWER|END, creation order, call id): tick pops only what is due, so a
            # request costs the same with thousands of calls in flight; entries of calls ended early are skipped.
            self._due: list[tuple[float, int, int, str]] = []
            self._order = itertools.count()
            self.numbers.reset()
            self.callback_urls: dict[str, str] = {}

    def new_call_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def timestamp(self, seconds: float) -> str:
        return utc_timestamp(self.clock.wall(seconds))

    # ---- transitions -------------------------------------------------------------------------

    def tick(self) -> float:
        with self.lock:
            now = self.clock.now()
            while self._due and self._due[0][0] <= now:
                at, kind, _, call_id = heapq.heappop(self._due)
                call = self.calls[call_id]
                if call.ended_at is not None:
                    continue  # hung up or kicked before this was due
                if kind == ANSWER:
                    self._answer(call, at)
                else:
                    self._end(call, at, call.end_result, call.end_reason)
            return now

    def _schedule(self, call: Call) -> None:
        order = next(self._order)
        for at, kind in ((call.answer_at, ANSWER), (call.end_at, END)):
            if at is not None:
                heapq.heappush(self._due, (at, kind, order, call.call_id))

    def _answer(self, call: Call, at: float) -> None:
        call.answered_at = at
        call.result = "ANSWERED"
        if call.conference_id:
            conference = self.conferences.setdefault(call.conference_id, Conference(call.conference_id))
            conference.participants[call.call_id] = Participant(
                call.call_id, call.destination["endpoint"], at
            )
        if call.ace_targets:
            self.emit(self._event(call, "ace", at))

    def _end(self, call: Call, at: float, result: str, reason: str) -> None:
        call.ended_at, call.result, call.reason = at, result, reason
        conference = self.conferences.get(call.conference_id or "")
        if conference:
            conference.participants.pop(call.call_id, None)
            if not conference.participants:
                del self.conferences[conference.conference_id]
        if call.dice_targets:
            self.emit(self._event(call, "dice", at))

    def _event(self, call: Call, name: str, at: float) -> dict:
        payload = {
            "event": name,
            "callid": call.call_id,
            "timestamp": self.timestamp(at),
            "version": 1,
            "custom": call.custom,
            "applicationKey": self.key,
        }
        if name == "ace":
            payload["amd"] = {"status": "human", "reason": "", "duration": 0}
        else:
            info = self.call_info(call, at)
            payload.update({k: info[k] for k in ("reason", "result", "debit", "userRate", "duration")})
            payload.update({"to": dict(call.destination), "from": call.cli})
        targets = call.ace_targets if name == "ace" else call.dice_targets
        urls = (
            [(targets, "custom")]
            if targets != "app"
            else [
                (self.callback_urls[role], role)
                for role in ("primary", "fallback")
                if self.callback_urls.get(role)
            ]
        )
        return {"event": name, "callId": call.call_id, "payload": payload, "targets": urls}

    # ---- calls -------------------------------------------------------------------------------

    def create_call(self, method: str, order: dict) -> Call:
        """Place a checked callout; `order` comes from validation.check_callout or live_checks.check_callout."""
        with self.lock:
            now = self.tick()
            answer, end, result, reason = plan(method, order)
            call = Call(
                call_id=self.new_call_id(),
                method=method,
                cli=order["cli"],
                destination=dict(order["destination"]),
                created=now,
                answer_at=None if answer is None else now + answer,
                end_at=None if end is None else now + end,
                end_result=result,
                end_reason=reason,
                conference_id=order.get("conferenceId"),
                custom=order.get("custom", ""),
            )
            call.ace_targets, call.dice_targets = self._wanted_events(method, order)
            self.calls[call.call_id] = call
            self._schedule(call)
            return call

    def _wanted_events(self, method: str, order: dict) -> tuple[str, str]:
        """Which events the callout asked for; they only go out if a URL exists when they happen."""
        has_app_url = bool(self.callback_urls.get("primary"))
        if method == "customCallout":
            return order.get("ace", "").strip(), ("app" if has_app_url else "")
        return (
            "app" if order.get("enableAce") and has_app_url else "",
            "app" if order.get("enableDice") and has_app_url else "",
        )

    def get_call(self, call_id: str) -> Call:
        call = self.calls.get(call_id)
        if call is None:
            raise not_found("Call")
        return call

    def call_info(self, call: Call, now: float | None = None) -> dict:
        """The contract's shape (parties as strings); shapes.py turns it into the live one."""
        now = self.clock.now() if now is None else now
        end = call.ended_at if call.ended_at is not None else now
        duration = int(end - call.answered_at) if call.answered_at is not None else 0
        minutes = math.ceil(duration / 60)
        domain = {"username": "mxp", "sip": "sip"}.get(call.destination["type"], "pstn")
        return {
            "from": call.cli,
            "to": call.destination["endpoint"],
            "domain": domain,
            "callId": call.call_id,
            "duration": duration,
            "status": "ONGOING" if call.ongoing else "FINAL",
            "result": call.result,
            "reason": call.reason,
            "timestamp": self.timestamp(call.created),
            "userRate": {"currencyId": CURRENCY, "amount": RATE_PER_MINUTE},
            "debit": {"currencyId": CURRENCY, "amount": round(minutes * RATE_PER_MINUTE, 4)},
        }

    def hangup(self, call: Call) -> None:
        """A manager hangup: answered calls end ANSWERED, ringing ones NOANSWER; both with MANAGERHANGUP."""
        with self.lock:
            now = self.tick()
            self.require_live(call)
            self._end(call, now, "ANSWERED" if call.answered_at is not None else "NOANSWER", "MANAGERHANGUP")

    @staticmethod
    def require_live(call: Call) -> None:
        if not call.ongoing:
            raise Problem(404, 40400, f"Call {call.call_id} has ended ({call.result}/{call.reason})")

    # ---- conferences -------------------------------------------------------------------------

    def get_conference(self, conference_id: str) -> Conference:
        conference = self.conferences.get(conference_id)
        if conference is None:
            raise not_found("Conference")
        return conference

    def conference_info(self, conference: Conference, now: float) -> dict:
        return {
            "conferenceId": conference.conference_id,
            "participants": [
                {
                    "cli": p.cli,
                    "callId": p.call_id,
                    "duration": int(now - p.joined),
                    "muted": p.muted,
                    "onhold": p.onhold,
                }
                for p in conference.participants.values()
            ],
        }

    def participant(self, conference_id: str, call_id: str) -> Participant:
        participant = self.get_conference(conference_id).participants.get(call_id)
        if participant is None:
            raise not_found("Participant")
        return participant

    def kick(self, conference_id: str, call_id: str | None = None) -> None:
        with self.lock:
            now = self.tick()
            conference = self.get_conference(conference_id)
            ids = [call_id] if call_id else list(conference.participants)
            if call_id:
                self.participant(conference_id, call_id)
            for cid in ids:
                self._end(self.calls[cid], now, "ANSWERED", "MANAGERHANGUP")
