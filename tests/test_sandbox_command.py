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

from sinchvoice.commands.sandbox import sandbox
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
        proc.communicate(timeout=10)
    assert first == "warning: serving on 0.0.0.0: anyone who can reach it may use the sandbox\n"
    assert exports.startswith("export SINCHVOICE_BASE_URL=http://0.0.0.0:")
    assert proc.returncode == 130


def test_serves_in_the_foreground_and_stops_on_ctrl_c():
    script = (
        "import typer; from sinchvoice.commands.sandbox import sandbox; a = typer.Typer(); "
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
        assert set(exports) == {"SINCHVOICE_BASE_URL", "SINCH_APPLICATION_KEY", "SINCH_APPLICATION_SECRET"}
        auth = (exports["SINCH_APPLICATION_KEY"], exports["SINCH_APPLICATION_SECRET"])
        response = httpx.get(
            exports["SINCHVOICE_BASE_URL"] + "/calling/v1/configuration/numbers", auth=auth, trust_env=False
        )
        assert response.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert "listening on http://127.0.0.1:" in err and "Traceback" not in err
    # Handled by the command itself (not click's "Aborted!"), the same as `listen`; no blank line when piped.
    assert proc.returncode == 130
    assert err.endswith("Point the CLI at it:\nstopped\n")
