"""The root command: version, help shape, global options anywhere, dry-run, loopback rule, startup imports."""

import json
import os
import re
import sys
from pathlib import Path

import pytest

from sinchvoice import __version__, signing
from tests.conftest import ROOT, SENTINEL_SECRET, run_subprocess

KEY = "669E367E-6BBA-48AB-AF15-266871C28135"
SECRET = "BeIukql3pTKJ8RGL5zo0DA=="


def test_version(cli):
    assert run_subprocess("--version").stdout == f"sinchvoice {__version__}\n"
    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"sinchvoice {__version__}\n")


def test_help_shows_groups(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for group in ("auth", "callouts", "calls", "conferences", "applications", "api", "sandbox", "demo",
                  "listen", "signature", "completion"):
        assert f"\n  {group} " in result.stdout


def test_dry_run_prints_signed_request_without_secret(cli, monkeypatch):
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli("--dry-run", "api", "POST", "/calling/v1/callouts", "--data", '{"method": "ttsCallout"}')
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "POST https://calling.api.sinch.com/calling/v1/callouts"
    assert f"authorization: Application {KEY}:<redacted>" in lines
    assert "content-type: application/json" in lines
    stamp = next(line.split(": ", 1)[1] for line in lines if line.startswith("x-timestamp: "))
    body = '{"method": "ttsCallout"}'.encode()
    signed = signing.sign_request(KEY, SECRET, "POST", "/calling/v1/callouts", body, "application/json", stamp)
    assert f"string-to-sign: {json.dumps(signed.string_to_sign)}" in lines
    assert lines[-3:] == ["{", '  "method": "ttsCallout"', "}"]
    assert SECRET not in result.stdout + result.stderr
    assert signed.authorization.split(":")[1] not in result.stdout  # the signature itself is redacted too


def test_global_options_after_the_subcommand(cli, monkeypatch):
    """`... -q`, `... -o json`, `... --dry-run` work after the subcommand as well as before it."""
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli("api", "GET", "/calling/v1/calls/id/x", "--dry-run", "--region", "euc1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "GET https://calling-euc1.api.sinch.com/calling/v1/calls/id/x"
    # a value that looks like a flag stays with its own option (here: inline text "-q", which is not JSON)
    result = cli("api", "POST", "/x", "--data", "-q", "--dry-run")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: --data: invalid JSON at line 1, column 1: Expecting value"


@pytest.mark.parametrize("region, host", [
    ("global", "calling.api.sinch.com"), ("euc1", "calling-euc1.api.sinch.com"),
    ("use1", "calling-use1.api.sinch.com"), ("apse2", "calling-apse2.api.sinch.com"),
])
def test_regions(cli, monkeypatch, region, host):
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    monkeypatch.setenv("SINCHVOICE_REGION", region)
    result = cli("--dry-run", "api", "GET", "/p")
    assert result.stdout.splitlines()[0] == f"GET https://{host}/p"


def test_http_base_url_only_on_loopback(cli, monkeypatch):
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli("--base-url", "http://example.com", "api", "GET", "/p")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --base-url 'http://example.com' uses http:// on a non-loopback host",
        "hint: use https://, or http:// only with 127.0.0.1, ::1 or localhost (e.g. the sandbox)",
    ]
    assert cli("--base-url", "http://127.0.0.1:1", "--dry-run", "api", "GET", "/p").exit_code == 0


@pytest.mark.parametrize("args, message", [
    (["api", "FETCH", "/p"], "error: unknown HTTP method 'FETCH'"),
    (["api", "GET", "p"], "error: path 'p' must start with a single /"),
    (["api", "GET", "//evil.example.com/x"], "error: path '//evil.example.com/x' must start with a single /"),
    (["api", "GET", "/p", "--data", "{}"],
     "error: GET requests carry no body; --data is only for POST, PUT, PATCH and DELETE"),
    (["api", "POST", "/p", "--data", "{oops"],
     "error: --data: invalid JSON at line 1, column 2: Expecting property name enclosed in double quotes"),
    (["api", "POST", "/p", "--data", "[" * 5000 + "]" * 5000],
     "error: --data: the JSON is nested too deeply to read"),
    (["--timeout", "0", "api", "GET", "/p"], "error: --timeout must be from 0.1 to 3600 seconds, not 0"),
])
def test_usage_errors_exit_2_with_one_line(cli, monkeypatch, args, message):
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == message
    assert result.stdout == ""


def test_json_errors_carry_an_error_object(cli):
    result = cli("-o", "json", "api", "GET", "/p")
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert lines[0] == "error: no credentials for profile 'default'"
    assert json.loads(lines[-1]) == {"error": {"message": "no credentials for profile 'default'",
                                               "httpStatus": None, "errorCode": None, "reference": None}}


def test_non_base64_secret_is_a_usage_error(cli, monkeypatch):
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", "not base64!")
    result = cli("--dry-run", "api", "GET", "/p")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the application secret is not base64")
    assert "not base64!" not in result.stdout + result.stderr


def test_startup_imports_nothing_heavy():
    code = ("import sys, sinchvoice.cli, sinchvoice.tree; sinchvoice.tree.build_app(); "
            "heavy = ('httpx','rich','keyring','starlette','uvicorn','jsonschema'); "
            "print(sorted(m for m in heavy if m in sys.modules))")
    result = run_subprocess_python(code)
    assert result.stdout.strip() == "[]", result.stderr


def run_subprocess_python(code):
    import subprocess

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_spec_copy_matches_shared_spec():
    shared = ROOT.parent / "shared" / "spec" / "openapi.yaml"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    yaml = pytest.importorskip("yaml")
    from sinchvoice import spec

    assert spec.load() == yaml.safe_load(shared.read_text("utf-8"))


def test_sentinel_secret_never_printed(cli, monkeypatch):
    """Across commands, with --verbose and --dry-run, the secret never reaches stdout or stderr."""
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SENTINEL_SECRET)
    outputs = []
    for args in (["-v", "--dry-run", "api", "POST", "/calling/v1/callouts", "--data", '{"secret": "x"}'],
                 ["-v", "--base-url", "http://127.0.0.1:1", "--timeout", "0.2", "api", "GET", "/p"],
                 ["-v", "--auth", "basic", "--dry-run", "api", "GET", "/p"],
                 ["-v", "auth", "status"], ["-o", "json", "auth", "status"]):
        result = cli(*args)
        outputs.append(result.stdout + result.stderr)
    text = "\n".join(outputs)
    assert SENTINEL_SECRET not in text
    assert "SentinelSecret42" not in text
    assert "Basic <redacted>" in text and "Application 669E367E" in text


def test_no_click_import_in_package():
    for path in (ROOT / "sinchvoice").rglob("*.py"):
        text = path.read_text("utf-8")
        assert "import click" not in text and "from click" not in text, path
    assert Path(ROOT / "sinchvoice" / "openapi.json").exists()


def test_ctrl_c_exits_130(cli, monkeypatch):
    """Ctrl-C anywhere (here: while resolving credentials) exits 130 with one line, no traceback."""
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sinchvoice.context.AppContext.credentials", interrupted)
    result = cli("api", "GET", "/p")
    assert (result.exit_code, result.stderr) == (130, "interrupted\n")


def test_an_invalid_output_variable_is_named_as_such(cli):
    result = cli("auth", "status", env={"SINCHVOICE_OUTPUT": "xml"})
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2, "error: invalid value for '-o' / '--output' (env var: 'SINCHVOICE_OUTPUT'): 'xml' is not one of "
           "'table', 'json', 'csv'")


@pytest.mark.parametrize("args, lines", [
    (["callouts", "tts", "--text", "hi"],
     ["error: missing option '--to'", "hint: see `sinchvoice callouts tts --help`"]),
    (["calls", "get"], ["error: missing argument 'CALL_ID'", "hint: see `sinchvoice calls get --help`"]),
    (["callouts", "tts", "--txt", "hi"], ["error: no such option: --txt (Possible options: --text, --to)",
                                          "hint: see `sinchvoice callouts tts --help`"]),
    (["-o", "xml", "auth", "status"], [  # typed on the command line: the variable is not to blame
        "error: invalid value for '-o' / '--output': 'xml' is not one of 'table', 'json', 'csv'",
        "hint: see `sinchvoice --help`"]),
])
def test_click_usage_errors_are_one_error_line_and_a_hint(cli, args, lines):
    result = cli(*args)
    assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (2, lines, "")


def test_usage_errors_carry_the_json_error_object(cli):
    result = cli("-o", "json", "applications", "numbers", "list", "--capability", "fax")
    assert result.exit_code == 2
    assert json.loads(result.stderr.splitlines()[-1])["error"]["message"] == (
        "invalid value for '--capability': 'fax' is not one of 'voice', 'sms'")


def test_bare_command_and_group_print_help_and_exit_0(cli):
    for args in ([], ["calls"], ["applications", "numbers"]):
        result = cli(*args)
        assert result.exit_code == 0, args
        assert result.stdout.startswith(f"Usage: sinchvoice {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND")


def test_leaf_help_mentions_the_global_options(cli):
    result = cli("conferences", "kick", "--help")
    assert result.exit_code == 0
    assert ("Global options work here too: -p/--profile, --region, --base-url, --config-base-url, --api-layout, "
            "--auth, -o/--output, -q/--quiet, -v/--verbose, --dry-run, --timeout, -y/--yes (see `sinchvoice --help`)."
            in re.sub(r"(?<=\w-) ", "", " ".join(result.stdout.split())))  # click may wrap at a hyphen
    root = cli("--help").stdout
    assert "-p, --profile NAME" in root and "--base-url URL" in root and "--timeout SECONDS" in root


def test_a_multi_line_click_message_becomes_one_line(cli):
    result = cli("completion", "show")
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "error: missing argument 'SHELL'. Choose from: bash, zsh, fish",
        "hint: see `sinchvoice completion show --help`"])


def test_ctrl_c_while_the_command_line_is_parsed_is_130_not_aborted(monkeypatch, capsys):
    from sinchvoice import cli as entry
    from sinchvoice import root

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(root, "hoist_global_options", interrupted)
    assert entry.main(["calls", "get", "--", "x"]) == 130  # `--`: typer's to parse, not the fast path's
    assert capsys.readouterr().err == "interrupted\n"


def test_ctrl_c_while_the_fast_path_reads_the_command_line_is_130(monkeypatch, capsys):
    from sinchvoice import cli as entry
    from sinchvoice import fastpath

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(fastpath, "parse", interrupted)
    assert entry.main(["calls", "get", "x"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_ctrl_c_while_the_command_tree_is_built_is_130(monkeypatch, capsys):
    from sinchvoice import cli as entry
    from sinchvoice import tree

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(tree, "build_app", interrupted)
    assert entry.main(["calls", "get", "--", "x"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


@pytest.mark.parametrize("output", ["json", "csv"])
def test_quiet_wins_over_json_and_csv_and_prints_ids_only(cli, sandbox, output):
    """The one -q rule (README "Output"): identifiers only, whatever -o says; errors keep their JSON object."""
    numbers = cli("applications", "numbers", "list", "-q", "-o", output, env=sandbox.env())
    assert (numbers.exit_code, numbers.stdout) == (0, "+46700000100\n+46700000101\n+46700000102\n+46700000103\n")
    missing = cli("calls", "get", "nope", "-q", "-o", output, env=sandbox.env())
    assert (missing.exit_code, missing.stdout) == (3, "")
    assert ('{"error"' in missing.stderr) == (output == "json")


@pytest.mark.parametrize("command", [["callouts", "tts", "--to", "+46701234567", "--text", "hi"],
                                     ["callouts", "batch", "-", "--text", "hi", "--yes"]])
def test_an_invalid_caller_id_variable_is_named_not_from(cli, sandbox, command):
    result = cli(*command, input="to\n+46701234567\n", env={**sandbox.env(), "SINCHVOICE_FROM": "12345"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[0] == "error: SINCHVOICE_FROM '12345' is not an E.164 number"
    assert sandbox.requests() == []
