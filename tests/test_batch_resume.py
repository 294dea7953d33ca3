"""`callouts batch`: never twice, never lost. Resuming, unknown outcomes, refusals, 429 pacing, --wait, two runs
at once, and real processes killed (-9) or interrupted (Ctrl-C) at known moments.

Moments are made known by the sandbox: a delay fault holds requests at the server, so a test waits for the
journal to show them on their way (a condition, never a guess of time), then acts.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
from pathlib import Path

import pytest

from sinchvoice.commands.callouts.batch.journal import Journal, JournalError
from sinchvoice.sandbox.clock import ManualClock
from sinchvoice.sandbox.server import run_in_thread
from tests.batch_support import (
    CALLOUTS,
    FAST,
    FROM,
    batch,
    call_ids,
    count_events,
    events,
    journal,
    numbers,
    people,
    per_destination,
    posted,
    wait_for,
    write,
)
from tests.sandbox_fixture import SandboxHandle
from tests.spawned import Spawned
from tests.terminal import Terminal

TEXT = ("--text", "Hi {name}")


def spawn(sandbox, source, *args) -> Spawned:
    return Spawned("callouts", "batch", source, *TEXT, "--yes", *args, env={**sandbox.env(), "SINCHVOICE_FROM": FROM})


# ---- outcomes and resuming (in process) ----------------------------------------------------------------------

def test_a_dropped_answer_is_unknown_never_sent_again_unless_asked(cli, sandbox, tmp_path):
    source = people(tmp_path, 3)
    sandbox.fault(method="POST", path=CALLOUTS, drop=True, count=1)  # processed, then the connection dropped
    first = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--concurrency", "1", "-o", "csv")
    assert first.exit_code == 7
    assert first.stdout.splitlines()[1] == (
        "2,+46700000009,,unknown,the callout may have been placed (no response); it was not retried to avoid "
        "calling twice")
    assert first.stderr.splitlines() == [
        "3 rows: 2 placed, 1 unknown",
        "error: 1 of 3 rows did not succeed: 1 unknown",
        "hint: line 2 may have been placed: check (calls logs, the phones) before sending them again with "
        "--retry-unknown; see the results"]
    assert per_destination(sandbox) == {n: 1 for n in numbers(3)}
    again = batch(cli, sandbox, source, *TEXT, "--yes", *FAST)
    assert again.exit_code == 7 and len(posted(sandbox)) == 3  # not sent again
    assert again.stderr.splitlines()[0] == "3 rows: 2 placed (0 in this run), 1 unknown"
    retried = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--retry-unknown")
    assert retried.exit_code == 0, retried.stderr
    assert per_destination(sandbox)["+46700000009"] == 2  # asked for: it is sent again
    assert retried.stderr == "3 rows: 3 placed (1 in this run)\n"


def test_refused_rows_are_sent_again_only_with_retry_failed(cli, sandbox, tmp_path):
    source = people(tmp_path, 3)
    sandbox.fault(method="POST", path=CALLOUTS, status=400, count=1)
    first = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--concurrency", "1", "-o", "json")
    assert first.exit_code == 1
    assert first.stderr.splitlines()[1:3] == [
        "error: 1 of 3 rows did not succeed: 1 failed",
        "hint: see the error of each failed row (line 2); fix the cause and run the same command with "
        "--retry-failed (placed rows are skipped)"]
    failed = [r for r in journal(source + ".journal.jsonl") if r["event"] == "failed"]
    assert [(r["row"], r["exitCode"], r["error"]["httpStatus"], r["error"]["errorCode"]) for r in failed] == [
        (0, 1, 400, 40000)]
    assert batch(cli, sandbox, source, *TEXT, "--yes", *FAST).exit_code == 1 and len(posted(sandbox)) == 3
    retried = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--retry-failed")
    assert retried.exit_code == 0, retried.stderr
    assert per_destination(sandbox) == {n: 1 for n in numbers(3)} and len(posted(sandbox)) == 4


def test_bad_credentials_stop_the_batch_instead_of_refusing_every_row(cli, sandbox, tmp_path):
    source = people(tmp_path, 5)
    sandbox.fault(method="POST", path=CALLOUTS, status=401, count=-1)
    result = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--concurrency", "1")
    assert result.exit_code == 4
    assert len(posted(sandbox)) == 1
    assert result.stderr.splitlines()[0] == "5 rows: 0 placed, 1 failed, 4 not sent"
    assert result.stderr.splitlines()[1] == ("error: Injected fault (HTTP 401) (errorCode 40108); "
                                             "4 rows not sent")


def test_no_connection_stops_the_batch_and_the_row_is_simply_sent_next_time(cli, sandbox, tmp_path):
    from tests.sandbox_support import closed_port_url

    source = people(tmp_path, 3)
    dead = closed_port_url().rsplit("/", 1)[0]
    result = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--concurrency", "1",
                   env={"SINCHVOICE_BASE_URL": dead})
    assert result.exit_code == 75
    assert events(source + ".journal.jsonl")[2:] == [("intent", 0), ("unsent", 0)]  # nothing left: no `sending`
    assert result.stderr.splitlines()[1].startswith(f"error: could not connect to {dead}: connection refused "
                                                    "(nothing listens there); 3 rows not sent")
    resumed = batch(cli, sandbox, source, *TEXT, "--yes", *FAST)
    assert resumed.exit_code == 0 and per_destination(sandbox) == {n: 1 for n in numbers(3)}


def test_a_429_pauses_the_batch_and_the_row_is_placed_afterwards_once(cli, sandbox, tmp_path):
    source = people(tmp_path, 4)
    sandbox.fault(method="POST", path=CALLOUTS, status=429, retryAfter=0.2, count=1)
    result = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--concurrency", "1")
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in sandbox.requests()] == [429, 200, 200, 200, 200]
    assert per_destination(sandbox) == {n: 1 for n in numbers(4)}
    assert events(source + ".journal.jsonl")[2:8] == [("intent", 0), ("sending", 0), ("go", 0), ("unsent", 0),
                                                      ("intent", 0), ("sending", 0)]


def test_a_journal_resumes_only_the_batch_it_was_written_for(cli, sandbox, tmp_path):
    source = people(tmp_path, 2)
    assert batch(cli, sandbox, source, *TEXT, "--yes", *FAST).exit_code == 0
    other = people(tmp_path, 3, name="other.csv")
    path = source + ".journal.jsonl"
    result = batch(cli, sandbox, other, *TEXT, "--yes", "--journal", path)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        f"error: the journal {path} belongs to other rows: {other} is not the input it was written for",
        "hint: give the input and options it was written for, or --journal FILE for a new batch"])
    result = batch(cli, sandbox, source, "--text", "Hello {name}", "--yes")
    assert result.stderr.splitlines()[0] == (f"error: the journal {path} was written with other options: --text was "
                                             "'Hi {name}' then, 'Hello {name}' now")
    result = batch(cli, sandbox, source, *TEXT, "--yes", env={"SINCHVOICE_FROM": "+46700000101"})
    assert "--from (or SINCHVOICE_FROM, or the profile's caller ID) was '+46700000100' then" in result.stderr
    assert len(posted(sandbox)) == 2


def test_a_second_run_on_the_same_journal_is_refused_with_75(cli, sandbox, tmp_path):
    source = people(tmp_path, 2)
    path = source + ".journal.jsonl"
    holder = Journal(Path(path))  # another run, in the middle of its batch
    try:
        result = batch(cli, sandbox, source, *TEXT, "--yes")
    finally:
        holder.close()
    assert (result.exit_code, result.stderr.splitlines()) == (75, [
        f"error: another run is using the journal {path}; nothing was sent",
        "hint: let that run finish (or stop it), then run this again: it goes on where that one stopped"])
    assert sandbox.requests() == []


# ---- --wait ---------------------------------------------------------------------------------------------------

def test_wait_follows_every_call_and_records_its_result_reason_duration_and_debit(cli, sandbox, tmp_path):
    source = write(tmp_path, "people.csv", "to,name\n+46701234567,Ann\n+46701230001,Bob\n+46701230002,Cy\n")
    cli.on_sleep = sandbox.advance  # the sandbox's clock moves as the CLI waits between rounds
    result = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--wait", "-o", "csv")
    assert result.exit_code == 5  # not all answered
    ids = call_ids(sandbox)
    assert result.stdout.splitlines() == [
        "line,to,callId,outcome,result,reason,duration,debit,currency,error",
        f"2,+46701234567,{ids['+46701234567']},placed,ANSWERED,CALLERHANGUP,2,0.025,EUR,",
        f"3,+46701230001,{ids['+46701230001']},placed,BUSY,N/A,0,0.0,EUR,",
        f"4,+46701230002,{ids['+46701230002']},placed,NOANSWER,TIMEOUT,0,0.0,EUR,"]
    assert result.stderr.splitlines() == [
        "3 rows: 3 placed; 1 answered, 1 busy, 1 no answer; EUR 0.03",
        "error: 2 of 3 rows did not succeed: 1 busy, 1 no answer",
        "hint: see the result of each row (BUSY, NOANSWER, FAILED: the call ended without being answered)"]
    results = [r for r in journal(source + ".journal.jsonl") if r["event"] == "result"]
    assert sorted((r["line"], r["result"], r["reason"], r["duration"], r["debit"]["amount"]) for r in results) == [
        (2, "ANSWERED", "CALLERHANGUP", 2, 0.025), (3, "BUSY", "N/A", 0, 0.0), (4, "NOANSWER", "TIMEOUT", 0, 0.0)]
    assert [r["method"] for r in sandbox.requests()].count("POST") == 3


def test_wait_gives_up_after_the_timeout_and_a_resume_with_wait_follows_what_is_left(cli, sandbox, tmp_path):
    source = people(tmp_path, 2)
    cli.on_sleep = sandbox.advance
    result = batch(cli, sandbox, source, "--text", "A long message " * 20, "--yes", *FAST, "--wait",
                   "--wait-timeout", "1")
    assert result.exit_code == 6
    assert result.stderr.splitlines()[0] == "2 rows: 2 placed; 2 still in progress"
    assert result.stderr.splitlines()[1] == "error: 2 of 2 rows did not succeed: 2 still in progress"
    assert count_events(source + ".journal.jsonl", "result") == 0
    resumed = batch(cli, sandbox, source, "--text", "A long message " * 20, "--yes", *FAST, "--wait")
    assert resumed.exit_code == 0, resumed.stderr
    assert resumed.stderr.startswith("2 rows: 2 placed (0 in this run); 2 answered; EUR ")
    assert len(posted(sandbox)) == 2  # following never places a call


def test_a_call_that_cannot_be_followed_is_placed_but_exits_7_as_callouts_wait_does(cli, sandbox, tmp_path):
    source = people(tmp_path, 1)
    sandbox.fault(method="GET", path="/calling/v1/calls/id/*", status=404, count=-1)
    cli.on_sleep = sandbox.advance
    result = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--wait", "-o", "json")
    assert result.exit_code == 7
    assert result.stderr.splitlines()[1] == "error: 1 of 1 row did not succeed: 1 could not be followed"
    assert len(posted(sandbox)) == 1


# ---- 429s from a rate-limited sandbox: one shared pause, no storm, nothing lost -------------------------------

@contextlib.contextmanager
def limited_sandbox(per_second: int):
    with run_in_thread(clock=ManualClock(), api_layout="spec", rate_limit=per_second) as running:
        handle = SandboxHandle(running)
        try:
            yield handle
        finally:
            handle.close()


def test_above_the_rate_limit_every_row_is_placed_once_with_a_bounded_number_of_429s(cli, tmp_path):
    rows, limit, concurrency = 20, 5, 4
    source = people(tmp_path, rows)
    with limited_sandbox(limit) as limited:
        result = batch(cli, limited, source, *TEXT, "--yes", "--rate", "50", "--concurrency", str(concurrency))
        statuses = [r["status"] for r in limited.requests()]
        placed = per_destination(limited)
    assert result.exit_code == 0, result.stderr
    assert placed == {n: 1 for n in numbers(rows)}  # no row lost, none twice
    refused = statuses.count(429)
    # Each one-second window admits `limit`; after the first 429 nothing new starts until the window ends, so
    # only the requests already in flight can be refused too. A storm (each worker retrying on its own) would be
    # hundreds.
    assert 1 <= refused <= concurrency * (rows // limit + 1), statuses
    assert set(statuses) == {200, 429}


# ---- real processes: kill -9 and Ctrl-C at known moments ------------------------------------------------------

def test_kill_9_with_requests_in_flight_then_a_resume_leaves_every_row_placed_exactly_once(cli, sandbox, tmp_path):
    source = people(tmp_path, 6)
    path = source + ".journal.jsonl"
    sandbox.fault(method="POST", path=CALLOUTS, delay=3, count=3)  # the first three are held at the server
    proc = spawn(sandbox, source, *FAST, "--concurrency", "3")
    wait_for(lambda: count_events(path, "go") == 3, "three requests on their way")
    proc.kill()
    assert count_events(path, "placed") == 0
    wait_for(lambda: len(posted(sandbox, 200)) == 3, "the server to carry out the three it received")
    resumed = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "-o", "csv")
    assert resumed.exit_code == 7  # three may have been placed: never sent again, reported
    assert per_destination(sandbox) == {n: 1 for n in numbers(6)}
    outcomes = [line.split(",")[3] for line in resumed.stdout.splitlines()[1:]]
    assert sorted(outcomes) == ["placed"] * 3 + ["unknown"] * 3
    assert "the run stopped after this request was sent: the call may have been placed" in resumed.stdout


def test_kill_9_after_some_rows_were_placed_and_others_in_flight(cli, sandbox, tmp_path):
    source = people(tmp_path, 5)
    path = source + ".journal.jsonl"
    sandbox.fault(method="POST", path=CALLOUTS, delay=0, count=2)  # the first two go straight through
    sandbox.fault(method="POST", path=CALLOUTS, delay=3, count=-1)  # the rest are held
    proc = spawn(sandbox, source, *FAST, "--concurrency", "2")
    wait_for(lambda: count_events(path, "placed") == 2 and count_events(path, "go") == 4,
             "two placed and two more on their way")
    proc.kill()
    sandbox.clear_faults()
    wait_for(lambda: len(posted(sandbox, 200)) == 4, "the two held requests to be carried out")
    resumed = batch(cli, sandbox, source, *TEXT, "--yes", *FAST)
    assert resumed.exit_code == 7
    assert per_destination(sandbox) == {n: 1 for n in numbers(5)}
    assert resumed.stderr.splitlines()[0] == "5 rows: 3 placed (1 in this run), 2 unknown"


def test_kill_9_while_following_then_a_resume_with_wait_follows_without_placing_again(cli, sandbox, tmp_path):
    source = people(tmp_path, 3)
    path = source + ".journal.jsonl"
    sandbox.fault(method="GET", path="/calling/v1/calls/id/*", delay=3, count=-1)
    proc = spawn(sandbox, source, *FAST, "--wait")
    wait_for(lambda: count_events(path, "placed") == 3, "all three placed")
    wait_for(lambda: any(r["method"] == "GET" for r in sandbox.requests()) or sandbox_has_get(sandbox),
             "following to begin")
    proc.kill()
    sandbox.clear_faults()
    cli.on_sleep = sandbox.advance
    resumed = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--wait")
    assert resumed.exit_code == 0, resumed.stderr
    assert len(posted(sandbox)) == 3
    assert count_events(path, "result") == 3


def sandbox_has_get(sandbox) -> bool:
    """A status request held by the delay is not journaled until answered: look at the fault's counter."""
    return any(rule["method"] == "GET" and rule["fired"] for rule in sandbox._call("GET", "faults")["faults"])


def test_ctrl_c_lets_the_requests_in_flight_finish_prints_the_summary_and_how_to_go_on(cli, sandbox, tmp_path):
    source = people(tmp_path, 6)
    path = source + ".journal.jsonl"
    sandbox.fault(method="POST", path=CALLOUTS, delay=2, count=-1)
    proc = spawn(sandbox, source, *FAST, "--concurrency", "2", "-o", "csv")
    wait_for(lambda: count_events(path, "go") == 2, "two requests on their way")
    proc.signal(signal.SIGINT)
    code, out, err = proc.finish()
    assert code == 130
    resume = f"sinchvoice -o csv --yes callouts batch {source} --text 'Hi {{name}}' --rate 1000 --concurrency 2 " \
             f"--journal {path}"
    assert err == ["6 rows: 2 placed, 4 not sent", "error: interrupted: 4 rows not sent",
                   f"hint: to go on, run: {resume}"]
    assert [line.split(",")[3] for line in out[1:]] == ["placed"] * 2 + ["pending"] * 4
    assert len(posted(sandbox, 200)) == 2  # what was in flight finished and was journaled
    assert count_events(path, "placed") == 2
    sandbox.clear_faults()
    words = shlex.split(resume)
    assert words[:6] == ["sinchvoice", "-o", "csv", "--yes", "callouts", "batch"]
    rest = cli(*words[1:], env={**sandbox.env(), "SINCHVOICE_FROM": FROM})
    assert rest.exit_code == 0, rest.stderr
    assert per_destination(sandbox) == {n: 1 for n in numbers(6)}


def test_on_a_terminal_a_progress_display_then_the_summary(sandbox, tmp_path):
    source = people(tmp_path, 3)
    term = Terminal("callouts", "batch", source, *TEXT, "--yes", *FAST,
                    env={**sandbox.env(), "SINCHVOICE_FROM": FROM})
    term.expect("3 rows: 3 placed")
    assert term.finish() == 0
    screen = term.screen
    assert "Calling" in screen and "3/3" in screen and "3 placed, 0 failed, 0 unknown" in screen
    assert screen.index("3/3") < screen.index("3 rows: 3 placed")
    assert len(posted(sandbox)) == 3


@pytest.mark.parametrize("args", [(), ("--wait",)])
def test_nothing_left_to_do_asks_nothing_and_sends_nothing(cli, sandbox, tmp_path, args):
    source = people(tmp_path, 2)
    cli.on_sleep = sandbox.advance
    assert batch(cli, sandbox, source, *TEXT, "--yes", *FAST, *args).exit_code == 0
    again = batch(cli, sandbox, source, *TEXT, *FAST, *args)  # no --yes, not a terminal: fine, nothing to ask
    assert again.exit_code == 0, again.stderr
    assert len(posted(sandbox)) == 2


def test_ctrl_c_while_following_says_how_many_calls_are_still_going_and_how_to_go_on(cli, sandbox, tmp_path):
    from tests.following import interrupt_on_sleep

    source = people(tmp_path, 2)
    cli.on_sleep = interrupt_on_sleep(sandbox, 2)  # the second wait between rounds is interrupted
    result = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--wait")
    assert result.exit_code == 130
    assert result.stderr.splitlines() == [
        "2 rows: 2 placed; 2 still in progress",
        "error: interrupted: stopped following 2 calls still in progress",
        f"hint: to go on, run: sinchvoice --yes callouts batch {source} --text 'Hi {{name}}' --rate 1000 --wait "
        f"--journal {source}.journal.jsonl"]
    assert len(posted(sandbox)) == 2


def test_the_command_to_go_on_keeps_the_layout_and_hosts_given(cli, sandbox_spec, tmp_path):
    """Resumed against the other layout or host, the rest of the batch would go somewhere else."""
    source = people(tmp_path, 2)
    sandbox_spec.fault(method="POST", path=CALLOUTS, status=429, retryAfter=3600, count=1)
    url = sandbox_spec.base_url
    result = batch(cli, sandbox_spec, source, *TEXT, "--yes", *FAST, "--concurrency", "1", "--api-layout", "spec",
                   "--base-url", url, "--config-base-url", url)
    assert result.exit_code == 75
    assert result.stderr.splitlines()[-1] == (
        f"hint: to go on, run: sinchvoice --base-url {url} --config-base-url {url} --api-layout spec --yes "
        f"callouts batch {source} --text 'Hi {{name}}' --rate 1000 --concurrency 1 --journal {source}.journal.jsonl")


def test_a_journal_that_cannot_be_written_stops_the_batch_before_that_request_leaves(cli, sandbox, tmp_path,
                                                                                     monkeypatch):
    """A full disk cannot be made over a socket: the journal's write fails (a stand-in) as row 2 is about to go."""
    source = people(tmp_path, 3)
    real = Journal.sending

    def full_disk(self, row, line):
        if row == 1:
            raise JournalError(f"cannot write the journal {self.path}: No space left on device; sending stopped",
                                 hint="free some space or fix the folder, then run the same command again")
        real(self, row, line)

    monkeypatch.setattr(Journal, "sending", full_disk)
    result = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--concurrency", "1")
    assert result.exit_code == 1
    assert len(posted(sandbox)) == 1  # the second request never left: no record, no request
    assert result.stderr.splitlines()[0] == "3 rows: 1 placed, 2 not sent"
    assert result.stderr.splitlines()[1] == (f"error: cannot write the journal {source}.journal.jsonl: No space left "
                                             "on device; sending stopped; 2 rows not sent")
    assert events(source + ".journal.jsonl")[-1] == ("intent", 1)  # not recorded as refused: it simply did not go
    monkeypatch.setattr(Journal, "sending", real)
    assert batch(cli, sandbox, source, *TEXT, "--yes", *FAST).exit_code == 0
    assert per_destination(sandbox) == {n: 1 for n in numbers(3)}


def test_a_retry_after_too_long_to_wait_for_stops_the_sending_with_75(cli, sandbox, tmp_path):
    source = people(tmp_path, 3)
    sandbox.fault(method="POST", path=CALLOUTS, status=429, retryAfter=3600, count=1)
    result = batch(cli, sandbox, source, *TEXT, "--yes", *FAST, "--concurrency", "1")
    assert result.exit_code == 75
    assert result.stderr.splitlines() == [
        "3 rows: 0 placed, 3 not sent",
        "error: the API asked to wait 3600 s before more callouts; not waiting that long; 3 rows not sent",
        f"hint: to go on, run: sinchvoice --yes callouts batch {source} --text 'Hi {{name}}' --rate 1000 "
        f"--concurrency 1 --journal {source}.journal.jsonl"]
    assert len(posted(sandbox)) == 1
    dry = batch(cli, sandbox, source, *TEXT, "--dry-run")
    assert f"Journal: {source}.journal.jsonl exists: a real run resumes it" in dry.stdout
