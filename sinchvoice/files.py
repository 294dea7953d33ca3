"""Private files: 0700 folders, atomic 0600 writes, one lock per folder, and JSON files read with one clear error."""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from sinchvoice.errors import TemporaryError, UsageError

LOCK_FILE = "lock"
LOCK_WAIT = 10.0  # seconds; a read-modify-write holds the lock for milliseconds


def make_dirs(directory: Path, mode: int) -> None:
    """Create DIRECTORY and the parents it lacks with exactly MODE: mkdir's mode goes through the umask."""
    missing = []
    for folder in (directory, *directory.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, mode)
        except FileExistsError:  # another run made it meanwhile
            continue
        os.chmod(folder, mode)


def private_dir(directory: Path) -> None:
    """DIRECTORY as 0700, with any parents it creates (the XDG rule), whatever the umask."""
    make_dirs(directory, 0o700)
    try:
        os.chmod(directory, 0o700)  # tighten one made earlier by something else
    except PermissionError:  # a folder we do not own (SINCHVOICE_CONFIG_DIR=/tmp): our files are 0600 anyway
        pass


def write_atomic(path: Path, text: str, mode: int) -> None:
    """Replace PATH with TEXT in one step (never half written), with exactly MODE whatever the umask."""
    import tempfile  # only writers need it (1.6 ms at start for every command otherwise)

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_private(path: Path, text: str) -> None:
    """Write atomically with mode 0600 inside a 0700 directory, so secrets never sit world-readable."""
    private_dir(path.parent)
    write_atomic(path, text, 0o600)


@contextmanager
def locked(directory: Path, wait: float = LOCK_WAIT):
    """Hold DIRECTORY's lock (flock on DIRECTORY/lock): one read-modify-write of its files at a time.

    Two runs at once (parallel logins, a login waiting at its prompt) each re-read the file inside the lock,
    so neither overwrites what the other saved. The lock goes with the process, even on a crash.
    """
    import fcntl

    private_dir(directory)
    lock_path = directory / LOCK_FILE
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TemporaryError(f"another sinchvoice run has held {lock_path} for {wait:g} s; "
                                         "nothing was changed", hint="try again when it has finished") from None
                time.sleep(0.005)
        yield
    finally:
        os.close(fd)  # releases the lock


def read_json(path: Path, problem: Callable[[object], str | None], hint: str):
    """The parsed file, or None when it does not exist; a file we cannot use is one error naming it."""

    def bad(what: str) -> UsageError:
        return UsageError(f"{path}: {what}", hint=hint)

    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise bad("not valid UTF-8 text") from None
    except OSError as exc:
        raise bad(f"cannot read it: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise bad(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise bad("not valid JSON: nested too deeply") from None
    found = problem(data)
    if found:
        raise bad(found)
    return data


def json_kind(value) -> str:
    """How JSON names a value's type, for messages: 'an array', 'a string', 'null', 'true'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"
