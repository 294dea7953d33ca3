"""A closed stdout (`sinchvoice ... | head -1`) stops the command quietly with exit 141, never a traceback.

Each run gets, as its stdout, a pipe whose reading end is already closed: what `| head -1` leaves behind once
head has its line, made deterministic (a live reader might still have taken everything into the pipe buffer).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_conferences import CONF, join

KEY = "11111111-2222-4333-8444-555555555555"  # the sandbox's seeded application
CLOSED_PIPE = 141  # 128 + SIGPIPE: what git, gh and coreutils report


def into_closed_pipe(*args: str, env: dict | None = None, stream: str = "stdout") -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: write_end}
    try:
        return subprocess.run([sys.executable, "-m", "sinchvoice", *args], **streams, stdin=subprocess.DEVNULL,
                              text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [["completion", "show", "bash"], ["--version"], ["--help"], ["calls", "--help"]])
def test_output_without_a_request(args):
    result = into_closed_pipe(*args)
    assert (result.returncode, result.stderr) == (CLOSED_PIPE, "")


@pytest.mark.parametrize("flags", [[], ["-o", "json"], ["-o", "csv"], ["-q"]])
def test_a_listing_stops_quietly_after_its_request(sandbox, flags):
    result = into_closed_pipe("applications", "numbers", "list", *flags, env=sandbox.env())
    assert (result.returncode, result.stderr) == (CLOSED_PIPE, "")
    assert [(r["method"], r["path"]) for r in sandbox.requests()] == [("GET", "/v1/configuration/numbers")]


def test_a_batch_is_done_whole_before_its_results_hit_the_closed_pipe(sandbox):
    numbers = ["+46700000102", "+46700000100"]
    result = into_closed_pipe("applications", "numbers", "assign", *numbers, "--app", KEY, env=sandbox.env())
    assert (result.returncode, result.stderr) == (CLOSED_PIPE, "")
    assert [(r["method"], r["path"], r["body"]) for r in sandbox.requests() if r["method"] == "POST"] == [
        ("POST", "/v1/configuration/numbers", {"numbers": ["+46700000102"], "applicationkey": KEY})
    ]  # +46700000100 was already assigned
    assert {n["number"]: n.get("applicationkey") for n in sandbox.state()["numbers"]}["+46700000102"] == KEY


def test_conference_ids_and_a_watch_stop_at_the_first_write(sandbox):
    join(sandbox, "+46701000011", "+46701000012")
    result = into_closed_pipe("conferences", "get", CONF, "-q", env=sandbox.env())
    assert (result.returncode, result.stderr) == (CLOSED_PIPE, "")
    # --watch would poll until the conference empties (never, on the test's stopped clock): it must stop now
    result = into_closed_pipe("conferences", "get", CONF, "--watch", env=sandbox.env())
    assert (result.returncode, result.stderr) == (CLOSED_PIPE, "")


def test_an_error_still_reaches_stderr_with_its_own_exit_code(sandbox):
    result = into_closed_pipe("conferences", "get", "nobody", env=sandbox.env())
    assert result.returncode == 3
    assert result.stderr.startswith("error: conference nobody not found")


@pytest.mark.parametrize(("args", "code"), [(["conferences", "get", "nobody"], 3), (["calls", "get", "a\x1b"], 2)])
def test_a_closed_stderr_keeps_the_exit_code_of_the_error(sandbox, args, code):
    result = into_closed_pipe(*args, env=sandbox.env(), stream="stderr")
    assert (result.returncode, result.stdout) == (code, "")
