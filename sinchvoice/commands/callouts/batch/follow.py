"""--wait for a batch: follow every placed call to its end, a round of status requests at a time, and journal
each call's result (result, reason, duration, debit) as it ends."""

from __future__ import annotations

import threading
import time

from sinchvoice.callstatus import FINAL, POLL_FIRST, POLL_MAX, fetch
from sinchvoice.commands.callouts.batch.journal import PLACED, now
from sinchvoice.errors import RateLimited, SinchVoiceError, TemporaryError, as_json
from sinchvoice.pacing import NOT_RUN, Pacer

RESULT_FIELDS = ("status", "result", "reason", "duration", "debit")


def placed_without_result(journal, ledger) -> list[tuple[int, int, str]]:
    """(row, line, call id) of every placed call whose end is not journaled yet, this run's or earlier ones'."""
    found = []
    for row, status in enumerate(ledger.status):
        if status == PLACED and ledger.result_at[row] < 0:
            record = journal.record_at(ledger.outcome_at[row])
            found.append((row, record["line"], record["callId"]))
    return found


class Follower:
    def __init__(self, journal, pool, options, sleep):
        self.journal, self.pool, self.options, self.sleep = journal, pool, options, sleep
        self.total = self.ended = self.answered = 0
        self.interrupted = False
        self._lock = threading.Lock()

    def run(self, calls: list[tuple[int, int, str]], tick=None) -> list[tuple[int, int, str]]:
        """Poll until every call has ended or --wait-timeout passed (Ctrl-C: `interrupted`); returns those left."""
        self.total, pending = len(calls), calls
        waited, delay, timeout = 0.0, POLL_FIRST, self.options.wait_timeout
        try:
            while pending:
                started = time.monotonic()
                # Status requests are reads: paced by the concurrency only, with the same shared pause on a 429.
                results = Pacer(None, self.options.concurrency).run(pending, self._poll, tick=tick)
                pending = [call for call, done in zip(pending, results + [NOT_RUN] * len(pending), strict=False)
                           if done is not True]
                waited += time.monotonic() - started
                if not pending or waited >= timeout:
                    break
                step = min(delay, timeout - waited)
                self.sleep(step)
                waited += step
                delay = min(delay * 2, POLL_MAX)
        except KeyboardInterrupt:  # what ended meanwhile is journaled already
            self.interrupted = True
        return pending

    def _poll(self, call) -> bool:
        """Whether the call is done with: ended (its result journaled), or it cannot be followed."""
        with self.pool.client() as client:
            try:
                info = fetch(client, call[2])
            except RateLimited:
                raise  # the pacer pauses every poller and asks again
            except TemporaryError:
                return False  # next round
            except SinchVoiceError as error:  # the call was placed; only following it failed (as callouts --wait)
                self._record(call, False, error=as_json(error.message, error.details), exitCode=7)
                return True
        if info.get("status") != FINAL:
            return False
        self._record(call, info.get("result") == "ANSWERED", **{key: info.get(key) for key in RESULT_FIELDS})
        return True

    def _record(self, call, answered: bool, **fields) -> None:
        row, line, call_id = call
        self.journal.row("result", row, line, callId=call_id, time=now(), **fields)
        with self._lock:
            self.ended += 1
            self.answered += answered
