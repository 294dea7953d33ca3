"""The `sandbox` command function, mounted on a throwaway Typer app (the real CLI mounts it the same way)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import pytest
import typer
from typer.testing import CliRunner

from sinchvoice.commands.sandbox.commands import sandbox
from tests.conftest import ROOT


def app() -> typer.Typer:
    application = typer.Typer()
    application.command("sandbox")(sandbox)
    application.command("other")(lambda: None)  # two commands, so "sandbox" stays a subcommand
    return application


def test_help_lists_reserved_and_seeded_numbers():
    result = CliRunner().invoke(app(), ["sandbox", "--help"])
    assert result.exit_code == 0
    for text in (
        "0001",
        "BUSY",
        "0002",
        "NOANSWER",
        "0003",
        "FAILED",
        "0004",
        "CALLEEHANGUP",
        "+46700000102",
        "--allow-remote",
        "--speed",
        "--seed",
    ):
        assert text in result.output


def test_help_prints_the_reserved_endings_table_as_written(cli):
    """click rewraps paragraphs; the table is marked \\b so its rows stay one per line (real CLI: plain help)."""
    lines = cli("sandbox", "--help").stdout.splitlines()
    first = lines.index("    0001  BUSY after 2 s of ringing")
    assert lines[first - 2].endswith("force an outcome:")
    assert lines[first - 1:first + 5] == [
        "",
        "    0001  BUSY after 2 s of ringing",
        "    0002  NOANSWER after 30 s of ringing (reason TIMEOUT)",
        "    0003  FAILED after 2 s (reason GENERALERROR)",
        "    0004  answered, then the callee hangs up 3 s later (reason CALLEEHANGUP)",
        "",
    ]


@pytest.mark.parametrize("args, lines", [
    (["--host", "0.0.0.0"], ["error: refusing to serve on 0.0.0.0: not a loopback address",
                             "hint: add --allow-remote"]),
    (["--secret", "not base64!"], ["error: --secret must be base64, as Sinch application secrets are"]),
    (["--key", " "], ["error: --key ' ' is not usable as an application key",
                      "hint: no spaces or colons, e.g. 11111111-2222-4333-8444-555555555555"]),
    (["--port", "70000"], ["error: invalid value for '--port': 70000 is not in the range 0<=x<=65535",
                           "hint: see `sinchvoice sandbox --help`"]),
])
def test_bad_options_exit_2_before_serving(cli, args, lines):
    result = cli("sandbox", *args)
    assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (2, lines, "")


def test_allow_remote_warns_then_serves():
    proc = subprocess.Popen([sys.executable, "-m", "sinchvoice", "sandbox", "--host", "0.0.0.0", "--allow-remote",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        first = proc.stderr.readline()
        exports = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    assert first == "warning: serving on 0.0.0.0: anyone who can reach it may use the sandbox\n"
    assert exports.startswith("export SINCHVOICE_BASE_URL=http://0.0.0.0:")
    assert proc.returncode == 130


def test_serves_in_the_foreground_and_stops_on_ctrl_c():
    script = (
        "import typer; from sinchvoice.commands.sandbox.commands import sandbox; a = typer.Typer(); "
        "a.command('sandbox')(sandbox); a.command('other')(lambda: None); a()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "sandbox", "--port", "0", "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        exports = dict(item.split("=", 1) for item in proc.stdout.readline().split()[1:])
        assert set(exports) == {"SINCHVOICE_BASE_URL", "SINCHVOICE_API_LAYOUT", "SINCH_APPLICATION_KEY",
                                "SINCH_APPLICATION_SECRET"}
        auth = (exports["SINCH_APPLICATION_KEY"], exports["SINCH_APPLICATION_SECRET"])
        response = httpx.get(
            exports["SINCHVOICE_BASE_URL"] + "/calling/v1/configuration/numbers", auth=auth, trust_env=False
        )
        assert response.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert "listening on http://127.0.0.1:" in err and "Traceback" not in err
    # Handled by the command itself (not click's "Aborted!"), the same as `listen`; no blank line when piped.
    assert proc.returncode == 130
    assert err.endswith("Point the CLI at it:\nstopped\n")


@pytest.mark.parametrize("speed", ["nan", "inf", "-inf", "0", "-1", "1e308", "10001"])
def test_a_speed_that_breaks_the_clock_exits_2_before_serving(cli, speed):
    result = cli("sandbox", "--port", "0", "--speed", speed)
    shown = f"{float(speed):g}"
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [
        f"error: --speed must be a number from 0.001 to 10000, not {shown}",
        "hint: e.g. --speed 10 makes a 30 s call last 3 s; --manual-clock stops time",
    ])


@pytest.mark.parametrize("args, lines", [
    (["--manual-clock", "--speed", "2"], ["error: --speed and --manual-clock exclude each other",
                                          "hint: a manual clock moves only by POST /_sandbox/clock/advance; "
                                          "drop one of them"]),
    (["--numbers", "-1"], ["error: invalid value for '--numbers': -1 is not in the range 0<=x<=100000",
                           "hint: see `sinchvoice sandbox --help`"]),
    (["--api-layout", "both"], ["error: invalid value for '--api-layout': 'both' is not one of 'live', 'spec'",
                                "hint: see `sinchvoice sandbox --help`"]),
])
def test_bad_clock_layout_and_numbers_options_exit_2(cli, args, lines):
    result = cli("sandbox", "--port", "0", *args)
    assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (2, lines, "")


def _serve(*args):
    """Start `sinchvoice sandbox --port 0 ARGS`; returns (process, base URL, auth) once it serves."""
    proc = subprocess.Popen([sys.executable, "-m", "sinchvoice", "sandbox", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    exports = dict(item.split("=", 1) for item in proc.stdout.readline().split()[1:])
    return proc, exports["SINCHVOICE_BASE_URL"], (exports["SINCH_APPLICATION_KEY"],
                                                   exports["SINCH_APPLICATION_SECRET"])


def _stop(proc) -> str:
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=10)[1]


def test_manual_clock_numbers_and_the_live_layout_from_the_command_line():
    proc, base, auth = _serve("--manual-clock", "--numbers", "5", "--seed", "3")
    try:
        with httpx.Client(base_url=base, auth=auth, trust_env=False) as client:
            listed = client.get("/v1/configuration/numbers").json()["numbers"]
            body = {"method": "ttsCallout", "ttsCallout": {"cli": "+46700000100", "text": "Hi there",
                                                           "destination": {"type": "number", "endpoint": "+4670123"}}}
            call_id = client.post("/calling/v1/callouts", json=body).json()["callId"]
            assert client.post("/_sandbox/clock/advance", json={"seconds": 2.5}).json() == {"now": 2.5}
            info = client.get(f"/calling/v1/calls/id/{call_id}").json()
    finally:
        err = _stop(proc)
    assert [n["number"] for n in listed[4:]] == [f"+46700010000{i}" for i in range(5)]
    assert (info["status"], info["result"], info["duration"], info["to"]) == (
        "ONGOING", "ANSWERED", 0, {"type": "number", "endpoint": "+4670123"})
    assert "  api layout:         live\n" in err
    assert '  clock:              manual: POST /_sandbox/clock/advance {"seconds": N} moves it\n' in err
    assert proc.returncode == 130


def test_the_spec_layout_from_the_command_line_and_a_real_clock_refuses_advance():
    proc, base, auth = _serve("--api-layout", "spec")
    try:
        with httpx.Client(base_url=base, auth=auth, trust_env=False) as client:
            live_only = client.get("/v1/configuration/numbers").status_code
            contract = client.get("/calling/v1/configuration/numbers").json()["numbers"][0]
            advance = client.post("/_sandbox/clock/advance", json={"seconds": 1}).status_code
    finally:
        err = _stop(proc)
    assert (live_only, contract["applicationKey"], advance) == (404, auth[0], 409)
    assert "  api layout:         spec\n" in err and "clock:" not in err
