"""Many independent requests at once (participants, numbers): at most N in flight, results in input order, and the
batches' shared pause on a 429 (pacing.Pacer), each worker with a client of its own (clients.ClientPool).

Only for requests that are safe to repeat: an item answered 429 is sent again after the pause, up to the transport's
number of attempts. Each item's result is what its action returned, or the SinchVoiceError it raised: one failure
never stops the others (the command then applies the batch rule, errors.BatchError).
"""

from __future__ import annotations

from typing import Callable, Sequence

from sinchvoice.errors import RateLimited, SinchVoiceError, UsageError

DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64
HELP = f"Requests in flight at most, 1-{MAX_CONCURRENCY}."


def check_concurrency(value: int) -> int:
    if not 1 <= value <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency {value} is out of range; use 1 to {MAX_CONCURRENCY}",
                         hint=f"e.g. --concurrency {DEFAULT_CONCURRENCY} (the default); 1 sends one at a time")
    return value


class Fanout:
    """`run(items, action)` calls `action(client, item)` for every item and returns the outcomes in input order.

    One request at a time (the command's own client, the transport's own retries) when there is only one, with
    --concurrency 1, and in --dry-run (the requests are printed in order, and only the command's client knows it
    is a dry run). `stop()` (from an action) starts nothing more: the items not started are NOT_RUN.
    """

    def __init__(self, app_ctx, concurrency: int = DEFAULT_CONCURRENCY):
        self.app_ctx = app_ctx
        self.concurrency = check_concurrency(concurrency)
        self._pacer = None
        self._stopped = False

    def stop(self) -> None:
        self._stopped = True
        if self._pacer is not None:
            self._pacer.stop()

    def run(self, items: Sequence, action: Callable) -> list:
        if self.concurrency == 1 or len(items) <= 1 or self.app_ctx.settings.dry_run:
            return self._one_by_one(items, action)
        return self._at_once(items, action)

    def _one_by_one(self, items: Sequence, action: Callable) -> list:
        from sinchvoice.pacing import NOT_RUN

        client, outcomes = self.app_ctx.client(), []
        for item in items:
            outcomes.append(NOT_RUN if self._stopped else _outcome(action, client, item))
        return outcomes

    def _at_once(self, items: Sequence, action: Callable) -> list:
        from sinchvoice.clients import paced_client_pool
        from sinchvoice.pacing import NOT_RUN, Pacer
        from sinchvoice.retries import MAX_ATTEMPTS

        pool = paced_client_pool(self.app_ctx)
        self._pacer = pacer = Pacer(None, min(self.concurrency, len(items)))
        limited = [0] * len(items)  # 429s per item: the transport's own bound on attempts

        def attempt(indexed):
            index, item = indexed
            with pool.client() as client:
                try:
                    return _outcome(action, client, item, reraise=RateLimited)
                except RateLimited as error:
                    limited[index] += 1
                    if limited[index] < MAX_ATTEMPTS:
                        raise  # the pacer pauses every worker, then sends this item again
                    error.message += f" after {MAX_ATTEMPTS} attempts"
                    return error

        try:
            outcomes = pacer.run(list(enumerate(items)), attempt)
        finally:
            pool.close()
        if pacer.gave_up is not None:  # a Retry-After too long to wait for: what did not run is a temporary failure
            from sinchvoice.answers import too_long_to_wait

            wait = too_long_to_wait(pacer.gave_up, "HTTP 429", 429)
            outcomes = [wait if outcome is NOT_RUN else outcome for outcome in outcomes]
        return outcomes + [NOT_RUN] * (len(items) - len(outcomes))


def _outcome(action: Callable, client, item, reraise: type | None = None):
    try:
        return action(client, item)
    except SinchVoiceError as error:
        if reraise is not None and isinstance(error, reraise):
            raise
        return error
