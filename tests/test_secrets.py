"""A sentinel secret never reaches stdout, stderr, files or history, across commands, with --verbose and --dry-run."""

import re

import pytest

from tests.conftest import SENTINEL_SECRET

TTS = ["callouts", "tts", "--from", "+46700000009", "--to", "+46701234567", "--text", "hi"]
COMMANDS = [
    TTS,
    ["callouts", "conference", "--from", "+46700000009", "--to", "+46701234567", "--conference-id", "c1"],
    ["callouts", "custom", "--ice", '{"action":{"name":"connectPstn","number":"+46701234567","cli":"+46700000009"}}'],
    ["calls", "get", "abc"],
    ["calls", "hangup", "abc"],
    ["calls", "say", "abc", "--text", "hi"],
    ["conferences", "get", "c1"],
    ["conferences", "mute", "c1", "abc"],
    ["conferences", "kick-all", "c1", "--yes"],
    ["applications", "numbers", "list"],
    ["applications", "numbers", "assign", "+46700000102"],
    ["applications", "callbacks", "get"],
    ["applications", "callbacks", "set", "--primary", "https://example.com/cb", "--yes"],
    ["signature", "sign", "--path", "/cb", "--body", "{}"],
    ["api", "GET", "/calling/v1/configuration/numbers"],
    ["auth", "status"],
]
SEND_NOTHING = {"signature", "auth"}  # they sign or show locally


@pytest.mark.parametrize("mode", [["-v"], ["-v", "--dry-run"], ["-v", "--auth", "basic"], ["-o", "json", "-v"]])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_sentinel_secret_is_never_printed(cli, sandbox, tmp_path, mode, args):
    """The sandbox rejects the sentinel (401), so both the request trace and the error path are exercised."""
    result = cli(*mode, *args, env={**sandbox.env(), "SINCH_APPLICATION_SECRET": SENTINEL_SECRET})
    text = result.stdout + result.stderr
    assert SENTINEL_SECRET not in text and "SentinelSecret42" not in text
    # ...and the command got as far as its HTTP exchange, so the secret was really in play: a request sent and
    # refused, or (--dry-run) printed, with its Authorization header redacted.
    if args[0] in SEND_NOTHING:
        assert sandbox.requests() == []
    elif "--dry-run" in mode:
        assert {r["method"] for r in sandbox.requests()} <= {"GET"}, sandbox.requests()  # reads are real
        assert re.search(r"\b(GET|POST|PATCH|PUT|DELETE) [^ ]*/", text), text
    else:
        assert {r["status"] for r in sandbox.requests()} == {401}, (text, sandbox.requests())
        assert result.exit_code == 4, text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SENTINEL_SECRET not in path.read_text(errors="replace"), path


@pytest.mark.parametrize("args", [TTS, ["applications", "numbers", "list"], ["calls", "get", "nope"]])
def test_the_sandbox_secret_never_appears_in_a_successful_verbose_exchange(cli, sandbox, args):
    for auth in ("signed", "basic"):
        result = cli("-v", "--auth", auth, *args, env=sandbox.env())
        assert result.exit_code in (0, 3), result.stderr
        assert "> " in result.stderr and "< " in result.stderr  # the trace was printed
        assert sandbox.secret not in result.stdout + result.stderr


def test_credentials_never_show_their_secret_however_they_are_printed():
    import json

    from sinchvoice.credentials import Credentials

    credentials = Credentials("key", "SENTINEL-SECRET", "environment")
    for shown in (repr(credentials), str(credentials), f"{credentials}", "%s" % (credentials,), f"{[credentials]}"):
        assert "SENTINEL-SECRET" not in shown and "key" in shown
    with pytest.raises(TypeError):  # not a tuple: a JSON dump cannot carry the secret out
        json.dumps(credentials)
    assert credentials == Credentials("key", "SENTINEL-SECRET", "environment") != Credentials("key", "x", "environment")


@pytest.mark.parametrize("key", ["clé", "key with space", "key\x1b[2J"])
@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_a_key_no_header_can_carry_is_refused_before_anything_is_sent(cli, sandbox, key, dry_run):
    result = cli(*dry_run, "calls", "get", "x", env={**sandbox.env(), "SINCH_APPLICATION_KEY": key})
    assert (result.exit_code, result.stdout) == (4, "")
    assert result.stderr.splitlines() == [
        "error: the application key (from the environment) has characters an HTTP header cannot carry",
        "hint: copy the key exactly from the Sinch dashboard: it looks like 11111111-2222-4333-8444-555555555555"]
    assert sandbox.requests() == []
