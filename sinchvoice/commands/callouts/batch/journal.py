"""The batch journal: JSON Lines, 0600, locked by the run using it; every record is on disk before the next step.

A row's records, in order: `intent` (before its request is built), `sending` (fsynced: from here on the request
may go out), `go` (written as the first byte is about to leave, not fsynced), then its outcome: `placed` (call
id), `failed` (the API refused it, with the error), `unknown` (it may have been placed), or `unsent` (a 429 or no
connection: nothing was processed, it may go again); with --wait, `result`. A `run` record opens every run with the
machine's boot id.

What a resume concludes from a row's last record (see `Ledger.apply`): no record, `intent` or `unsent`: never
sent. `sending` without `go`, written since this boot: the process died while the record was being made durable,
before any byte left (a file's written bytes survive a killed process, so the missing `go` proves it). `sending`
from an earlier boot (the machine crashed: only fsynced records count then), or `go`: it may have been placed.
"""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from array import array
from pathlib import Path

from sinchvoice.errors import SinchVoiceError, TemporaryError, UsageError

VERSION = 1
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
MAX_RECORD = 64 * 1024
NEW, NOT_SENT, MAYBE_SENT, PLACED, FAILED, UNKNOWN = range(6)
DAMAGED_HINT = "move the journal aside to start over (rows it recorded as placed would be called again), or repair it"


def boot_id() -> str | None:
    try:
        return BOOT_ID.read_text().strip() or None
    except OSError:  # not Linux: every `sending` without an outcome counts as maybe placed
        return None


def now() -> str:
    seconds = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 1000):03d}Z"


def default_path(source, state_dir: Path) -> Path:
    """Beside the input file; for stdin, in the state folder, named after the input's hash."""
    if source.spooled:
        return state_dir / "batches" / f"{source.digest[:24]}.journal.jsonl"
    return Path(str(source.path) + ".journal.jsonl")


class JournalError(SinchVoiceError):
    """The journal could not be written: sending stops (the rows it did record stay exact)."""


class Ledger:
    """Each row's state as the records say (one byte per row), and where its outcome and result records are."""

    def __init__(self, rows: int):
        self.rows = rows
        self.status = bytearray(rows)
        self.outcome_at = array("q", [-1]) * rows
        self.result_at = array("q", [-1]) * rows
        self.header: dict | None = None
        self.runs = 0
        self._same_boot = False

    def apply(self, record: dict, offset: int, boot: str | None) -> None:
        event = record.get("event")
        if event == "batch":
            self.header = record
            return
        if event == "run":
            self.runs += 1
            self._same_boot = boot is not None and record.get("boot") == boot
            return
        row = record.get("row")
        if not isinstance(row, int) or not 0 <= row < self.rows or event not in TRANSITIONS:
            raise ValueError("not a record of this batch")
        if event == "result":
            self.result_at[row] = offset
            return
        status = TRANSITIONS[event]
        if event == "sending" and not self._same_boot:
            status = MAYBE_SENT
        self.status[row] = status
        if status in (PLACED, FAILED, UNKNOWN) or event == "intent":  # a new attempt forgets the old outcome
            self.outcome_at[row] = offset if event != "intent" else -1


TRANSITIONS = {"intent": NOT_SENT, "sending": NOT_SENT, "go": MAYBE_SENT, "unsent": NOT_SENT, "placed": PLACED,
               "failed": FAILED, "unknown": UNKNOWN, "result": None}


class Journal:
    """Opened (created 0600 if need be) and locked for one run; appends are whole lines, fsynced in groups."""

    def __init__(self, path: Path):
        import fcntl

        self.path = path
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW
        try:
            self.fd = os.open(path, flags, 0o600)
        except OSError as exc:
            # A symlink planted where the journal goes (a shared folder) would get our records and mode.
            problem = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
            raise UsageError(f"cannot open the journal {path}: {problem}",
                             hint="pass --journal FILE in a folder you can write to") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise TemporaryError(f"another run is using the journal {path}; nothing was sent",
                                 hint="let that run finish (or stop it), then run this again: it goes on where "
                                      "that one stopped") from None
        try:
            os.fchmod(self.fd, 0o600)  # it holds phone numbers and texts
        except PermissionError:
            pass
        self.size = self.synced = os.fstat(self.fd).st_size
        self._write_lock, self._sync_lock = threading.Lock(), threading.Lock()
        self._reader = None
        self.left_open = False

    # ---- reading -----------------------------------------------------------------------------------------------

    def load(self, rows: int, repair: bool = True) -> Ledger:
        """The ledger of what the journal holds; a last line cut short by a killed run is dropped (`repair`: and
        cut off the file, before appending; not while abandoned requests may still be writing)."""
        ledger, offset, boot = Ledger(rows), 0, boot_id()
        with open(self.path, "rb") as handle:
            for number, raw in enumerate(iter(lambda: handle.readline(MAX_RECORD), b""), start=1):
                if not raw.endswith(b"\n"):
                    if handle.read(1):  # not the end: a line far longer than any record
                        raise UsageError(f"the journal {self.path} is damaged at line {number}", hint=DAMAGED_HINT)
                    break  # the last line, torn: its write never finished, so the step after it never began
                try:
                    ledger.apply(json.loads(raw), offset, boot)
                except (ValueError, AttributeError, RecursionError):
                    raise UsageError(f"the journal {self.path} is damaged at line {number}", hint=DAMAGED_HINT) \
                        from None
                offset += len(raw)
        if repair and offset < self.size:
            os.ftruncate(self.fd, offset)
            self.size = self.synced = offset
        if offset and ledger.header is None:
            raise UsageError(f"{self.path} is not a batch journal (it does not start with one)", hint=DAMAGED_HINT)
        return ledger

    def record_at(self, offset: int) -> dict:
        if self._reader is None:
            self._reader = open(self.path, "rb")  # kept open for the report; closed in close()
        self._reader.seek(offset)
        return json.loads(self._reader.readline(MAX_RECORD))

    # ---- writing -----------------------------------------------------------------------------------------------

    def begin(self, header: dict | None) -> None:
        """A new journal gets its header; every run then says which boot it runs in."""
        if header is not None:
            self.write(header)
        self.write({"event": "run", "boot": boot_id(), "pid": os.getpid(), "time": now()})

    def row(self, event: str, row: int, line: int, sync: bool = True, **fields) -> None:
        self.write({"event": event, "row": row, "line": line, **fields}, sync)

    def sending(self, row: int, line: int) -> None:
        """Called by the transport as the request's first byte is about to leave."""
        self.row("sending", row, line)
        self.row("go", row, line, sync=False)

    def write(self, record: dict, sync: bool = True) -> None:
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            with self._write_lock:  # one write call per record: lines never interleave
                view = memoryview(data)
                while view:
                    view = view[os.write(self.fd, view):]
                self.size += len(data)
                mine = self.size
            if sync:
                with self._sync_lock:  # one fsync covers every record written before it (group commit)
                    if self.synced < mine:
                        target = self.size
                        os.fsync(self.fd)
                        self.synced = target
        except OSError as exc:
            raise JournalError(f"cannot write the journal {self.path}: {exc.strerror or exc}; sending stopped",
                               hint="free some space or fix the folder, then run the same command again") from None

    def discard_if_empty(self) -> None:
        """Nothing was written (the question was declined): leave no journal behind."""
        if self.size == 0:
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if not self.left_open:
            os.close(self.fd)

    def leave_open(self) -> None:
        """Requests abandoned by a second Ctrl-C may still write their outcome: their file descriptor must not be
        closed under them (and given to another file); the process is about to end anyway."""
        self.left_open = True
