"""What a person sees while a batch runs: a progress bar on a terminal's stderr, nothing when stderr is piped."""

from __future__ import annotations

import contextlib
import math

from sinchvoice.callstatus import is_terminal


def duration(seconds: float) -> str:
    """About how long: `45 s`, `3 min 20 s`, `2 h 5 min`."""
    seconds = math.ceil(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min" + (f" {rest} s" if rest else "")
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h" + (f" {rest // 60} min" if rest // 60 else "")


class Display:
    def __init__(self, app_ctx):
        self.out = app_ctx.out
        self.enabled = is_terminal(app_ctx.env.stderr) and not app_ctx.settings.quiet

    @contextlib.contextmanager
    def sending(self, sender, total: int):
        """Yields the pacer's tick: rows done of total, placed / failed / unknown, the achieved rate, ETA."""
        if not self.enabled or not total:
            yield None
            return
        told = []
        with self.out.progress(total, "Calling") as update:
            def tick() -> None:
                pacer, counts = sender.pacer, sender.counts
                rate = pacer.achieved_rate()
                text = f"{counts.placed:,} placed, {counts.failed:,} failed, {counts.unknown:,} unknown"
                text += f", {rate:.1f}/s" if rate else ""
                note = None
                if pacer.interrupted and not told:
                    told.append(True)
                    note = (f"stopping: {pacer.in_flight} request(s) in flight will finish; Ctrl-C again to stop "
                            "waiting for them")
                update(counts.placed + counts.failed + counts.unknown, text, note)

            yield tick

    @contextlib.contextmanager
    def following(self, follower, total: int):
        if not self.enabled or not total:
            yield None
            return
        with self.out.progress(total, "Following") as update:
            yield lambda: update(follower.ended, f"{follower.ended:,} ended, {follower.answered:,} answered")
