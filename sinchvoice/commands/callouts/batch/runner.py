"""The second pass: send every row that still needs it, journaled around its request, paced, until done or stopped.

A row's request is sent once. A 429 (nothing processed) puts it back for after the shared pause; an answer that may
mean "placed" is journaled `unknown` and never sent again by this run. An error every row would hit the same way
(no connection, bad credentials, no credit) stops the sending instead of repeating it a thousand times.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from sinchvoice.commands.callouts.batch.journal import FAILED, MAYBE_SENT, NEW, NOT_SENT, UNKNOWN, JournalError, now
from sinchvoice.errors import (
    OutcomeUnknown,
    RateLimited,
    SinchVoiceError,
    TemporaryError,
    UsageError,
    as_json,
)
from sinchvoice.pacing import Pacer

STOP_STATUSES = (401, 402)  # bad credentials, no credit: every other row would be refused the same way
REMEMBERED = 50  # call ids kept for shell completion (history keeps 50)


@dataclass
class RunCounts:
    """This run's counts, updated by the workers (under `lock`), read by the progress display and the summary."""

    sent: int = 0
    placed: int = 0
    failed: int = 0
    unknown: int = 0
    call_ids: deque = field(default_factory=lambda: deque(maxlen=REMEMBERED))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str, call_id: str | None = None) -> None:
        with self.lock:
            setattr(self, outcome, getattr(self, outcome) + 1)
            if call_id:
                self.call_ids.append(call_id)


def wanted(status: int, retry_failed: bool, retry_unknown: bool) -> bool:
    """Whether a row in this state is sent by this run."""
    if status in (NEW, NOT_SENT):
        return True
    if status == FAILED:
        return retry_failed
    return status in (UNKNOWN, MAYBE_SENT) and retry_unknown


class Sender:
    def __init__(self, journal, pool, shape, plan, ledger, options):
        self.journal, self.pool, self.shape, self.plan, self.ledger = journal, pool, shape, plan, ledger
        self.options = options
        self.pacer = Pacer(options.rate, options.concurrency)
        self.counts = RunCounts()
        self.stopped_by: SinchVoiceError | None = None

    def run(self, reader, tick=None) -> None:
        """Send; returns when every row is done or the sending was stopped (see `stopped_by`, `pacer`)."""
        try:
            self.pacer.run(self._items(reader), self._send, collect=False, tick=tick)
        except KeyboardInterrupt:  # the pacer let the requests in flight finish (unless Ctrl-C came twice)
            pass
        except (JournalError, UsageError) as error:
            self.stopped_by = error

    def _items(self, reader):
        from sinchvoice.destinations import describe_destination

        skipped, status, options = self.plan.skipped, self.ledger.status, self.options
        for row in reader:
            if row.index in skipped or not wanted(status[row.index], options.retry_failed, options.retry_unknown):
                continue
            try:
                _, body = self.shape.build(row.values)
            except SinchVoiceError:  # it was fine in the first pass
                raise UsageError(f"{reader.source.name} changed while the batch was running (line {row.line})",
                                 hint="leave the file alone during a batch; run the same command again to go on"
                                 ) from None
            yield row.index, row.line, describe_destination(body[self.shape.method]["destination"]), body

    def _send(self, item) -> None:
        index, line, to, body = item
        with self.pool.client() as client:
            self.journal.row("intent", index, line, to=to)
            with self.counts.lock:
                self.counts.sent += 1
            client.transport.on_send = lambda: self.journal.sending(index, line)
            try:
                answer = client.create_callout(body)
            except JournalError:
                raise  # the journal cannot say what happened: stop (its last record says what is known)
            except RateLimited as limited:
                self.journal.row("unsent", index, line, reason=limited.message)
                raise  # the pacer pauses every worker, then sends this row again
            except OutcomeUnknown as error:
                self._outcome("unknown", index, line, error)
            except TemporaryError as error:  # could not connect: nothing left, and nothing else will
                self.journal.row("unsent", index, line, reason=error.message)
                self._stop(error)
            except SinchVoiceError as error:  # refused: nothing was placed
                self._outcome("failed", index, line, error)
                if error.details.get("httpStatus") in STOP_STATUSES or isinstance(error, UsageError):
                    self._stop(error)
            else:
                from sinchvoice.client import call_id_of

                call_id = call_id_of(answer)
                self.journal.row("placed", index, line, callId=call_id, time=now())
                self.counts.add("placed", call_id)
            finally:
                client.transport.on_send = None

    def _outcome(self, event: str, index: int, line: int, error: SinchVoiceError) -> None:
        fields = {"error": as_json(error.message, error.details), "exitCode": int(error.exit_code)}
        self.journal.row(event, index, line, time=now(), **fields)
        self.counts.add(event)

    def _stop(self, error: SinchVoiceError) -> None:
        if self.stopped_by is None:
            self.stopped_by = error
        self.pacer.stop()
