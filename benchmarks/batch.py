"""Batch benchmark (issue 15, item 10): pacing, a rate-limited API, memory, kill -9 and concurrent participant
commands, measured end to end.

Every figure runs the real CLI (`python -m sinchvoice callouts batch ...`, `conferences mute`) in a child process
against an in-process
sandbox that delays every request by 100 ms (fault `{"delay": 0.1, "count": -1}`), as a distant API would. What the
sandbox received (its request journal) is the judge, not what the CLI says about itself.

Run: python benchmarks/batch.py [--quick] [--seed N]. Prints each figure, then PASS or FAIL for each target.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sinchvoice.sandbox.server import run_in_thread  # noqa: E402

CALLOUTS = "/calling/v1/callouts"
FROM = "+46700000100"
DELAY = 0.1


@contextlib.contextmanager
def sandbox(rate_limit: int | None = None, before=None, **options):
    """A sandbox with 100 ms on every request (after `before(running)` has set it up); yields (running, env for the
    CLI, a temporary folder)."""
    with run_in_thread(api_layout="spec", rate_limit=rate_limit, **options) as running, \
            tempfile.TemporaryDirectory(prefix="sinchvoice-bench-") as home:
        if before is not None:
            before(running)
        running.app.faults.add({"delay": DELAY, "count": -1})
        env = {**os.environ, **running.env(), "PYTHONPATH": str(ROOT), "SINCHVOICE_FROM": FROM,
               "SINCHVOICE_CONFIG_DIR": f"{home}/config", "SINCHVOICE_STATE_DIR": f"{home}/state",
               "SINCHVOICE_NO_HISTORY": "1"}
        yield running, env, Path(home)


def rows_file(folder: Path, count: int) -> Path:
    path = folder / f"rows-{count}.csv"
    with path.open("w") as handle:
        handle.write("to,name\n")
        for n in range(count):
            handle.write(f"+4670{n:06d}9,P{n}\n")  # no number ends like the sandbox's reserved 0001-0004
    return path


def batch(env: dict, source: Path, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "sinchvoice", "callouts", "batch", str(source), "--text", "Hi {name}",
               "--yes", "-q", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen) -> tuple[int, float, str]:
    """(exit code, peak resident memory in MiB of that one child, its stderr)."""
    peak = 0.0
    if proc.returncode is None:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode, peak = os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    return proc.returncode, peak, err


def accepted(running) -> list[dict]:
    return [e for e in running.app.journal.entries() if e["path"] == CALLOUTS and e["method"] == "POST"]


def per_destination(entries: list[dict]) -> Counter:
    return Counter(e["body"]["ttsCallout"]["destination"]["endpoint"] for e in entries if e["status"] == 200)


def steady_rate(stamps: list[str], skip: int) -> float:
    """Callouts per second between the `skip`-th and the `skip`-th from last: the first and last arrivals carry
    start-up and the last stragglers, and a rate limit's first and last windows are partial. `stamps` are the
    journal's ISO 8601 times."""
    times = sorted(seconds(stamp) for stamp in stamps)
    first, last = skip, len(times) - skip  # with a limit of `skip` per window: the first of two windows
    return (last - first) / (times[last] - times[first])


def paced(quick: bool) -> list[tuple[str, bool]]:
    rows, rate = (300, 100) if quick else (1000, 100)
    with sandbox() as (running, env, home):
        source = rows_file(home, rows)
        started = time.monotonic()
        code, _, err = finish(batch(env, source, "--rate", str(rate), "--concurrency", "32"))
        wall = time.monotonic() - started
        entries = accepted(running)
    ideal = rows / rate
    placed = per_destination(entries)
    server_rate = steady_rate([e["time"] for e in entries], rows // 100)
    print(f"{rows:,} rows at --rate {rate} (concurrency 32, 100 ms per request): exit {code}, {wall:.2f} s "
          f"(ideal {ideal:g} s, start-up included); achieved {server_rate:.2f}/s at the sandbox; "
          f"{len(placed):,} destinations placed, max {max(placed.values())} each")
    return [(f"{rows:,} rows at --rate {rate} finish within 10% of {ideal:g} s", code == 0 and abs(wall - ideal)
             <= 0.1 * ideal),
            (f"achieved rate within 2% of {rate}/s", abs(server_rate - rate) <= 0.02 * rate),
            ("every row placed exactly once", len(placed) == rows and set(placed.values()) == {1})]


def rate_limited(quick: bool) -> list[tuple[str, bool]]:
    rows, limit, rate, concurrency = (200, 50, 100, 32) if quick else (500, 50, 100, 32)
    with sandbox(rate_limit=limit) as (running, env, home):
        source = rows_file(home, rows)
        started = time.monotonic()
        code, _, err = finish(batch(env, source, "--rate", str(rate), "--concurrency", str(concurrency)))
        wall = time.monotonic() - started
        entries = accepted(running)
    placed = per_destination(entries)
    refused = sum(1 for e in entries if e["status"] == 429)
    settled = steady_rate([e["time"] for e in entries if e["status"] == 200], limit)
    print(f"{rows:,} rows at --rate {rate} against --rate-limit {limit}: exit {code}, {wall:.2f} s; "
          f"{len(placed):,} placed, max {max(placed.values())} each; {refused} answered 429 "
          f"({refused / wall:.1f}/s); settled at {settled:.2f}/s")
    return [(f"above the limit no row is lost ({rows:,} placed exactly once)",
             code == 0 and len(placed) == rows and set(placed.values()) == {1}),
            (f"the rate settles at the limit (within 5% of {limit}/s)", abs(settled - limit) <= 0.05 * limit),
            (f"no retry storm (429s at most --concurrency {concurrency} per second)", refused <= concurrency * wall)]


def memory(quick: bool) -> list[tuple[str, bool]]:
    rows = 20_000 if quick else 100_000
    with sandbox() as (running, env, home):
        source = rows_file(home, rows)
        size = source.stat().st_size / 2**20
        started = time.monotonic()
        code, peak, err = finish(batch(env, source, "--rate", "1000", "--concurrency", "64"))
        wall = time.monotonic() - started
        calls = len(running.app.state.calls)
    print(f"{rows:,} rows ({size:.1f} MiB file): exit {code}, {wall:.0f} s "
          f"({rows / wall:.0f} rows/s), peak memory {peak:.1f} MiB; {calls:,} calls at the sandbox")
    return [(f"a {rows:,}-row file streams with peak memory under 80 MiB", code == 0 and peak < 80 and calls == rows)]


def kills(quick: bool, rng: random.Random) -> list[tuple[str, bool]]:
    rows, times = (200, 5) if quick else (500, 10)
    with sandbox() as (running, env, home):
        source = rows_file(home, rows)
        moments, early = [], []
        for _ in range(times):
            # At 20/s a run cannot finish within a moment, so every run is killed: in its start-up (about 0.3 s)
            # or while sending, with requests in flight most of the time.
            proc = batch(env, source, "--rate", "20", "--concurrency", "8")
            moment = rng.uniform(0.2, 2.5)
            try:
                proc.wait(moment)  # a run that ends by itself first (nothing left to send) is not killed
                early.append(proc.returncode)
            except subprocess.TimeoutExpired:
                proc.kill()
                moments.append(moment)
            finish(proc)
        time.sleep(DELAY * 3)  # requests a killed run had sent are still held at the sandbox for 100 ms
        code, _, err = finish(batch(env, source, "--rate", "100", "--concurrency", "16"))
        placed = per_destination(accepted(running))
        records = Path(str(source) + ".journal.jsonl").read_text().count("\n")
    summary = err.splitlines()[0] if err else ""
    never = rows - len(placed)
    print(f"{rows} rows, kill -9 after {', '.join(f'{m:.2f}' for m in moments)} s"
          f"{f' ({len(early)} runs ended by themselves first)' if early else ''}, each followed by a resume: "
          f"final exit {code} ({summary}); the sandbox placed {len(placed)} destinations, "
          f"max {max(placed.values())} each, {never} never; journal {records:,} records")
    if "unknown" in summary:
        print("  rows reported unknown were sent when a run was killed: never sent again, and the sandbox "
              "placed each of them once")
    return [(f"{len(moments)} kill -9 and resumes leave every row placed exactly once",
             len(placed) == rows and set(placed.values()) == {1} and code in (0, 7))]


def join(running, conference: str, count: int) -> None:
    """COUNT participants in CONFERENCE: conference callouts, then the (manual) clock past their answering."""
    import httpx

    with httpx.Client(base_url=running.base_url, auth=(running.key, running.secret)) as client:
        for n in range(count):
            body = {"cli": FROM, "destination": {"type": "number", "endpoint": f"+4670{n:06d}9"},
                    "conferenceId": conference}
            client.post(CALLOUTS, json={"method": "conferenceCallout", "conferenceCallout": body}).raise_for_status()
        client.post("/_sandbox/clock/advance", json={"seconds": 3}).raise_for_status()


def seconds(stamp: str) -> float:
    """A journal time (ISO 8601 UTC) as seconds since the epoch."""
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def overlap(entries: list[dict]) -> int:
    """The most requests the sandbox held at one moment (from when each arrived to when it was answered)."""
    events = sorted([(seconds(e["received"]), 1) for e in entries] + [(seconds(e["time"]), -1) for e in entries])
    held = most = 0
    for _, change in events:
        held += change
        most = max(most, held)
    return most


def mute_all(quick: bool) -> list[tuple[str, bool]]:
    """The whole command, interpreter start-up included, at the default --concurrency 8 and at 32.

    At 8, 50 PATCHes take 7 rounds of 100 ms after the list's GET: 0.8 s of requests before start-up (about
    0.3 s), so under 1 s needs more requests in flight; the target is judged at 32, and the default's figures are
    printed with it (with how close its requests come to that 0.8 s floor).
    """
    from sinchvoice.sandbox.clock import ManualClock

    count, conference, runs = 50, "incident", 3 if quick else 5
    figures, results = {}, []
    with sandbox(before=lambda running: join(running, conference, count), clock=ManualClock()) as (running, env, _):
        for concurrency in (8, 32):
            walls, windows, most, codes = [], [], 0, set()
            for command in ["mute", "unmute"] * runs:
                mark = len(running.app.journal.entries())
                started = time.monotonic()
                done = subprocess.run([sys.executable, "-m", "sinchvoice", "conferences", command, conference,
                                       "--all", "-q", "--concurrency", str(concurrency)],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                walls.append(time.monotonic() - started)
                codes.add(done.returncode)
                entries = running.app.journal.entries()[mark:]
                windows.append(max(seconds(e["time"]) for e in entries) - min(seconds(e["received"]) for e in entries))
                most = max(most, overlap([e for e in entries if e["method"] == "PATCH"]))
            participants = running.app.api.snapshot()["conferences"][0]["participants"]
            ok = codes == {0} and len(participants) == count and all(not p["muted"] for p in participants)
            figures[concurrency] = (sorted(walls)[len(walls) // 2], sorted(windows)[len(windows) // 2], most, ok)
    for concurrency, (wall, window, most, ok) in figures.items():
        floor = DELAY * (1 + -(-count // concurrency))
        print(f"conferences mute|unmute --all of {count} participants, --concurrency {concurrency}, {2 * runs} runs: "
              f"median {wall:.2f} s whole command (start-up included), {window:.2f} s from its first request to "
              f"the last answer (floor {floor:.1f} s: the GET, then {-(-count // concurrency)} rounds of 100 ms); "
              f"at most {most} at once at the sandbox; {'every run exit 0' if ok else 'FAILED runs'}")
    wall, window, most, ok = figures[32]
    results.append((f"mute --all of {count} participants under 1 s (--concurrency 32, median, start-up included)",
                    ok and wall < 1.0 and most <= 32))
    wall, window, most, ok = figures[8]
    results.append((f"the default --concurrency 8 holds at most 8 at once and its requests end within 25% of their "
                    f"{DELAY * 8:.1f} s floor", ok and most <= 8 and window <= 1.25 * DELAY * 8))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller batches, for a smoke run")
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill moments (default: random)")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else random.randrange(10**6)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}; kill seed {seed}")
    results = []
    results += paced(options.quick)
    results += rate_limited(options.quick)
    results += memory(options.quick)
    results += kills(options.quick, random.Random(seed))
    results += mute_all(options.quick)
    print()
    for target, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {target}")
    sys.exit(0 if all(ok for _, ok in results) else 1)


if __name__ == "__main__":
    main()
