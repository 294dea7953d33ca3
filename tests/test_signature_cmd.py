"""signature sign/verify: the published Sinch vector, round trips, verdict output per mode, and usage errors."""

import json

import pytest

from sinchvoice import signing
from tests.conftest import SENTINEL_SECRET

KEY = "669E367E-6BBA-48AB-AF15-266871C28135"
SECRET = "BeIukql3pTKJ8RGL5zo0DA=="
PATH = "/sinch/callback/ace"
STAMP = "2014-09-24T10:59:41Z"
BODY = ('{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257",'
        '"timestamp":"2014-09-24T10:59:41Z","version":1}')
MD5 = "REWF+X220L4/Gw1spXOU7g=="
SIGNATURE = "Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4="
AUTHORIZATION = f"application {KEY}:{SIGNATURE}"
STRING_TO_SIGN = f"POST\n{MD5}\napplication/json\nx-timestamp:{STAMP}\n{PATH}"


@pytest.fixture(autouse=True)
def vector_credentials(monkeypatch):
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)


def verify(cli, *extra, body=BODY, authorization=AUTHORIZATION, input=None):
    return cli("signature", "verify", "--path", PATH, "--body", body, "--header", f"authorization: {authorization}",
               "--timestamp", STAMP, *extra, input=input)


def test_published_vector_is_valid_and_shows_what_was_checked(cli):
    result = verify(cli)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "signature verify",
        "result           valid",
        "scheme           application",
        f"application key  {KEY}",
        f"content-md5      {MD5}",
        f"string-to-sign   {json.dumps(STRING_TO_SIGN)}",
    ]


def test_published_vector_as_json_and_quiet(cli):
    result = verify(cli, "-o", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"valid": True, "reason": "valid signature", "scheme": "application",
                                         "applicationKey": KEY, "contentMd5": MD5, "stringToSign": STRING_TO_SIGN}
    assert verify(cli, "-q").stdout == "valid\n"


def test_published_vector_as_csv_has_the_json_fields_and_raw_values(cli):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(verify(cli, "-o", "csv").stdout)))
    assert rows == [["valid", "reason", "scheme", "applicationKey", "contentMd5", "stringToSign"],
                    ["true", "valid signature", "application", KEY, MD5, STRING_TO_SIGN]]


def test_captured_headers_alone_are_enough(cli, tmp_path):
    """Paste what the handler logged: x-timestamp and content-type from --header, the body from a file."""
    (tmp_path / "body.json").write_text(BODY)
    result = cli("signature", "verify", "--path", PATH, "--body", f"@{tmp_path / 'body.json'}", "-o", "json",
                 "-H", f"x-timestamp: {STAMP}", "-H", "Content-Type: application/json",
                 "-H", f"Authorization: {AUTHORIZATION}")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["stringToSign"] == STRING_TO_SIGN


@pytest.mark.parametrize("change, reason", [
    ({"body": BODY.replace("ace", "dice", 1)}, "signature does not match"),
    ({"authorization": AUTHORIZATION.replace("Tg6f", "Xg6f")}, "signature does not match"),
    ({"authorization": AUTHORIZATION.replace(KEY, "00000000-6BBA-48AB-AF15-266871C28135")}, "unknown application key"),
    ({"extra": ("--path", "/sinch/callback/dice")}, "signature does not match"),
    ({"extra": ("--content-type", "application/json; charset=utf-8")}, "signature does not match"),
    ({"extra": ("--method", "PUT")}, "signature does not match"),
])
def test_tampered_requests_are_invalid_exit_1(cli, change, reason):
    result = verify(cli, "-o", "json", *change.get("extra", ()),
                    **{k: v for k, v in change.items() if k != "extra"})
    assert result.exit_code == 1
    assert json.loads(result.stdout)["valid"] is False
    assert json.loads(result.stdout)["reason"] == reason
    assert result.stderr.splitlines()[0] == f"error: the signature is not valid: {reason}"


def test_clock_skew_is_checked_only_with_max_skew(cli):
    result = verify(cli, "--max-skew", "900")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1].startswith("result           INVALID: x-timestamp is ")
    assert result.stdout.splitlines()[1].endswith(" s away from now (limit 900 s)")
    assert result.stderr.splitlines()[1] == (
        "hint: the request was signed longer ago than --max-skew; leave it out to check only the signature")
    assert verify(cli, "--max-skew", "999999999999").exit_code == 0


def test_basic_credentials_are_recognised(cli):
    good = verify(cli, "-o", "json", authorization=signing.basic_authorization(KEY, SECRET))
    assert (good.exit_code, json.loads(good.stdout)) == (0, {
        "valid": True, "reason": "valid basic credentials", "scheme": "basic", "applicationKey": None})
    bad = verify(cli, authorization=signing.basic_authorization(KEY, "d3Jvbmc="))
    assert bad.exit_code == 1
    assert bad.stdout.splitlines()[:3] == [
        "signature verify", "result  INVALID: wrong application key or secret", "scheme  basic"]
    assert SECRET not in bad.stdout + bad.stderr


def test_sign_reproduces_the_published_vector(cli):
    result = cli("signature", "sign", "--path", PATH, "--body", BODY, "--timestamp", STAMP)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (f"x-timestamp: {STAMP}\ncontent-type: application/json\n"
                             f"authorization: {AUTHORIZATION}\n")
    as_json = cli("signature", "sign", "--path", PATH, "--body", "-", "--timestamp", STAMP, "-o", "json", input=BODY)
    assert json.loads(as_json.stdout) == {"x-timestamp": STAMP, "content-type": "application/json",
                                          "authorization": AUTHORIZATION}
    assert cli("signature", "sign", "--path", PATH, "--body", BODY, "--timestamp", STAMP, "-q").stdout == (
        AUTHORIZATION + "\n")
    csv = cli("signature", "sign", "--path", PATH, "--body", BODY, "--timestamp", STAMP, "-o", "csv")
    assert csv.stdout == f"x-timestamp,content-type,authorization\n{STAMP},application/json,{AUTHORIZATION}\n"


def test_sign_then_verify_round_trip_with_a_fresh_timestamp(cli):
    signed = cli("signature", "sign", "--path", "/cb", "--body", '{"event":"dice"}', "-v")
    assert signed.exit_code == 0
    headers = dict(line.split(": ", 1) for line in signed.stdout.splitlines())
    assert list(headers) == ["x-timestamp", "content-type", "authorization"]
    assert signing.parse_timestamp(headers["x-timestamp"]) is not None
    expected = signing.string_to_sign("POST", "/cb", b'{"event":"dice"}', "application/json", headers["x-timestamp"])
    assert signed.stderr == f"string-to-sign: {json.dumps(expected)}\n"
    args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    checked = cli("signature", "verify", "--path", "/cb", "--body", '{"event":"dice"}', *args, "--max-skew", "900")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_sign_without_a_body_has_no_content_type(cli):
    result = cli("signature", "sign", "--path", "/calling/v1/calls/id/abc", "--method", "get", "--timestamp", STAMP)
    expected = signing.sign_request(KEY, SECRET, "GET", "/calling/v1/calls/id/abc", b"", "", STAMP, "application")
    assert result.stdout == f"x-timestamp: {STAMP}\nauthorization: {expected.authorization}\n"


def test_the_secret_is_never_printed(cli, monkeypatch):
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SENTINEL_SECRET)
    outputs = [cli("signature", "sign", "--path", "/x", "--body", "{}", "-v", *mode) for mode in ([], ["-o", "json"])]
    outputs.append(verify(cli, "-v"))
    text = "".join(r.stdout + r.stderr for r in outputs)
    assert SENTINEL_SECRET not in text and "SentinelSecret42" not in text


@pytest.mark.parametrize("args, message", [
    (["sign", "--path", "sinch/callback"],
     "error: --path 'sinch/callback' must be a path starting with / and without a query"),
    (["sign", "--path", "/cb?x=1"], "error: --path '/cb?x=1' must be a path starting with / and without a query"),
    (["sign", "--path", "/cb", "--timestamp", "yesterday"],
     "error: --timestamp 'yesterday' is not an ISO 8601 UTC time"),
    (["sign", "--path", "/cb", "--method", "PO ST"], "error: --method 'PO ST' is not an HTTP method"),
    (["sign", "--path", "/cb", "--method", "FETCH"], "error: --method 'FETCH' is not an HTTP method"),
    (["sign", "--path", "/cb", "--body", "@/nonexistent/body.json"],
     "error: --body: no such file: /nonexistent/body.json"),
    (["verify", "--path", "/cb", "--body", "{}"], "error: no authorization header to verify"),
    (["verify", "--path", "/cb", "--header", "authorization"], "error: --header 'authorization' is not 'NAME: VALUE'"),
])
def test_usage_errors_exit_2(cli, args, message):
    result = cli("signature", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == message
    assert result.stdout == ""


def test_without_credentials_exit_4(cli, monkeypatch):
    monkeypatch.delenv("SINCH_APPLICATION_KEY")
    monkeypatch.delenv("SINCH_APPLICATION_SECRET")
    result = cli("signature", "sign", "--path", "/cb")
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == "error: no credentials for profile 'default'"


def test_readme_example_runs_as_written(tmp_path):
    """The README's sh block, run by bash with the sandbox's credentials (its export line); only the curl line,
    which needs your own handler on port 3000, is left out."""
    import os
    import re
    import subprocess
    import sys

    from sinchvoice.sandbox import defaults
    from tests.conftest import ROOT

    section = (ROOT / "README.md").read_text().split("### Signing and verifying by hand", 1)[1]
    script = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    assert "curl -H @headers.txt" in script
    script = "\n".join(line for line in script.splitlines() if not line.startswith("curl "))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sinchvoice").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sinchvoice "$@"\n')
    (bin_dir / "sinchvoice").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "SINCH_APPLICATION_KEY": defaults.KEY, "SINCH_APPLICATION_SECRET": defaults.SECRET}
    result = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert re.findall(r"^(result|application key) +(.*)$", result.stdout, re.M) == [
        ("result", "valid"), ("application key", defaults.KEY), ("result", "valid"), ("application key", KEY)]
    assert (tmp_path / "headers.txt").read_text().startswith("x-timestamp: ")


def test_command_lists_show_whole_first_sentences(cli):
    """click cuts a long first sentence with '...' (or at 'e.g.'); these are short enough to show whole."""
    def rows(*args):
        listing = cli(*args, "--help").stdout.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
        return {line.split()[0]: line.split(None, 1)[1] for line in listing.splitlines()}

    assert {name: text for name, text in rows().items() if name in ("sandbox", "listen", "signature")} == {
        "sandbox": "Run a local Sinch Voice API, free and offline.",
        "listen": "Receive, verify and answer callbacks on a local URL.",
        "signature": "Sign a request or check a callback's signature by hand.",
    }
    assert rows("signature") == {"sign": "Print the headers of a correctly signed request.",
                                 "verify": "Say whether a captured callback's signature is valid."}


def test_body_files_are_signed_as_their_exact_bytes(cli, tmp_path, monkeypatch):
    """CRLF line ends and a BOM are part of what curl --data-binary sends, so they are part of the signature."""
    from sinchvoice.signing import content_md5

    raw = b'\xef\xbb\xbf{"event": "ace",\r\n "callid": "x"}\r\n'
    (tmp_path / "body.json").write_bytes(raw)
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli("-v", "signature", "sign", "--path", PATH, "--body", f"@{tmp_path / 'body.json'}",
                 "--timestamp", STAMP)
    assert result.exit_code == 0, result.stderr
    assert content_md5(raw) in result.stderr  # the string-to-sign shown with -v carries the bytes' MD5
