"""The batch journal's rules, on files written record by record: what a resume concludes from them, torn and
damaged files, the lock, the file mode."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from sinchvoice.commands.callouts.batch.journal import (
    FAILED,
    MAX_RECORD,
    MAYBE_SENT,
    NEW,
    NOT_SENT,
    PLACED,
    UNKNOWN,
    Journal,
)
from sinchvoice.commands.callouts.batch.runner import wanted
from sinchvoice.errors import TemporaryError, UsageError

HEADER = {"event": "batch", "version": 1, "input": {"name": "x.csv", "sha256": "0" * 64, "rows": 1}, "request": {}}
THIS_BOOT, OTHER_BOOT = "boot-now", "boot-before"


def write_records(path, *records, tail: str = "") -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + tail)


def row(event: str, **fields) -> dict:
    return {"event": event, "row": 0, "line": 2, **fields}


def run(boot) -> dict:
    return {"event": "run", "boot": boot, "pid": 1}


@pytest.fixture
def this_boot(monkeypatch):
    monkeypatch.setattr("sinchvoice.commands.callouts.batch.journal.boot_id", lambda: THIS_BOOT)


@pytest.mark.parametrize("records, status", [
    ([], NEW),
    ([row("intent")], NOT_SENT),
    # killed while the `sending` record was being made durable: no `go`, same boot -> no byte left
    ([row("intent"), row("sending")], NOT_SENT),
    ([row("intent"), row("sending"), row("go")], MAYBE_SENT),
    ([row("intent"), row("sending"), row("go"), row("placed", callId="c1")], PLACED),
    ([row("intent"), row("sending"), row("go"), row("failed", exitCode=1)], FAILED),
    ([row("intent"), row("sending"), row("go"), row("unknown", exitCode=7)], UNKNOWN),
    ([row("intent"), row("sending"), row("go"), row("unsent", reason="HTTP 429")], NOT_SENT),  # refused unread
    ([row("intent"), row("unsent", reason="could not connect")], NOT_SENT),
    ([row("intent"), row("sending"), row("go"), row("failed"), row("intent")], NOT_SENT),  # --retry-failed began
    ([row("intent"), row("sending"), row("go"), row("placed", callId="c1"), row("result", result="BUSY")], PLACED),
])
def test_what_a_resume_concludes_from_a_rows_records(tmp_path, this_boot, records, status):
    path = tmp_path / "jsonl"
    write_records(path, HEADER, run(THIS_BOOT), *records)
    journal = Journal(path)
    try:
        ledger = journal.load(1)
    finally:
        journal.close()
    assert ledger.status[0] == status
    placed = status == PLACED
    assert (ledger.outcome_at[0] >= 0) is (status in (PLACED, FAILED, UNKNOWN))
    assert (ledger.result_at[0] >= 0) is (placed and records[-1]["event"] == "result")


@pytest.mark.parametrize("boot", [OTHER_BOOT, None])
def test_after_a_machine_crash_only_fsynced_records_count_so_sending_means_maybe_placed(tmp_path, monkeypatch, boot):
    """The `go` record is not fsynced: after a reboot (or where no boot id exists) its absence proves nothing."""
    monkeypatch.setattr("sinchvoice.commands.callouts.batch.journal.boot_id", lambda: boot)
    path = tmp_path / "jsonl"
    write_records(path, HEADER, run(OTHER_BOOT if boot is None else THIS_BOOT), row("intent"), row("sending"))
    if boot == OTHER_BOOT:  # the records were written in an earlier boot than this one
        write_records(path, HEADER, run("boot-earlier"), row("intent"), row("sending"))
    journal = Journal(path)
    assert journal.load(1).status[0] == MAYBE_SENT
    journal.close()


@pytest.mark.parametrize("status, retry_failed, retry_unknown, sent", [
    (NEW, False, False, True), (NOT_SENT, False, False, True),
    (PLACED, True, True, False),
    (FAILED, False, False, False), (FAILED, True, False, True),
    (UNKNOWN, False, False, False), (UNKNOWN, True, False, False), (UNKNOWN, False, True, True),
    (MAYBE_SENT, False, False, False), (MAYBE_SENT, False, True, True),
])
def test_which_rows_a_run_sends(status, retry_failed, retry_unknown, sent):
    assert wanted(status, retry_failed, retry_unknown) is sent


def test_a_torn_last_line_is_dropped_and_cut_off_before_anything_is_appended(tmp_path, this_boot):
    path = tmp_path / "jsonl"
    write_records(path, HEADER, run(THIS_BOOT), row("intent"), row("sending"), row("go"),
                  tail='{"event":"placed","row":0,"li')
    journal = Journal(path)
    assert journal.load(1).status[0] == MAYBE_SENT  # the outcome never made it: may have been placed
    journal.row("unknown", 0, 2)
    journal.close()
    assert [json.loads(line)["event"] for line in path.read_text().splitlines()] == [
        "batch", "run", "intent", "sending", "go", "unknown"]


@pytest.mark.parametrize("content, line", [
    (json.dumps(HEADER) + "\nnot json\n" + json.dumps(row("intent")) + "\n", 2),
    (json.dumps(HEADER) + "\n" + json.dumps(row("intent", row=5)) + "\n", 2),  # a row this batch does not have
    (json.dumps(HEADER) + "\n" + json.dumps(row("dialled")) + "\n", 2),
    (json.dumps(HEADER) + "\n" + "x" * (MAX_RECORD + 10) + "\n" + json.dumps(row("intent")) + "\n", 2),
])
def test_a_damaged_journal_is_refused_never_guessed(tmp_path, content, line):
    path = tmp_path / "jsonl"
    path.write_text(content)
    journal = Journal(path)
    with pytest.raises(UsageError) as refused:
        journal.load(1)
    journal.close()
    assert refused.value.message == f"the journal {path} is damaged at line {line}"
    assert "rows it recorded as placed would be called again" in refused.value.hint
    assert path.read_text() == content  # left as it was


def test_a_file_that_is_not_a_journal_is_refused(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text(json.dumps(row("intent")) + "\n")
    journal = Journal(path)
    with pytest.raises(UsageError, match="is not a batch journal"):
        journal.load(1)
    journal.close()


def test_one_run_at_a_time_per_journal(tmp_path):
    path = tmp_path / "jsonl"
    first = Journal(path)
    with pytest.raises(TemporaryError) as refused:
        Journal(path)
    assert (refused.value.exit_code, refused.value.message) == (
        75, f"another run is using the journal {path}; nothing was sent")
    first.close()
    Journal(path).close()  # free again once the first run is over


def test_created_0600_whatever_the_umask_and_an_open_one_is_tightened(tmp_path):
    old = os.umask(0)
    try:
        created = Journal(tmp_path / "new.jsonl")
        created.close()
        loose = tmp_path / "loose.jsonl"
        loose.write_text("")
        loose.chmod(0o644)
        Journal(loose).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o600
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600


def test_an_unused_journal_leaves_no_file_behind(tmp_path):
    journal = Journal(tmp_path / "jsonl")
    journal.discard_if_empty()
    journal.close()
    assert not (tmp_path / "jsonl").exists()


def test_records_written_from_many_threads_stay_whole_lines(tmp_path):
    journal = Journal(tmp_path / "jsonl")
    journal.begin(HEADER | {"input": {"rows": 400}})

    def worker(start: int) -> None:
        for n in range(start, start + 50):
            journal.row("intent", n, n + 2, to="+46701234567" * 20)
            journal.sending(n, n + 2)

    threads = [threading.Thread(target=worker, args=(k * 50,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ledger = journal.load(400)
    journal.close()
    assert set(ledger.status) == {MAYBE_SENT}
    assert journal.synced <= journal.size == (tmp_path / "jsonl").stat().st_size


def test_a_symbolic_link_where_the_journal_goes_is_refused_and_its_target_left_alone(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("")
    target.chmod(0o644)
    (tmp_path / "jsonl").symlink_to(target)
    with pytest.raises(UsageError) as refused:
        Journal(tmp_path / "jsonl")
    assert refused.value.message == f"cannot open the journal {tmp_path / 'jsonl'}: it is a symbolic link"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and target.read_text() == ""
