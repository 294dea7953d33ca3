"""callouts tts|conference|custom against the sandbox: exact requests, output modes, --wait, input checks, safety."""

import json

import pytest

from tests.conftest import SENTINEL_SECRET
from tests.following import interrupt_on_sleep, stopped

FROM = "+46700000100"
TO = "+46701234567"
LONG = "word " * 100  # spoken in about 40 s: a call that stays up while a test follows it
CALLOUTS = "/calling/v1/callouts"
ICE = '{"instructions": [{"name": "say", "text": "Hi"}], "action": {"name": "hangup"}}'
NOT_PLACED = ("error: the callout may have been placed ({}); it was not retried to avoid calling twice\n"
              "hint: check the phone or the call logs in the Sinch dashboard before sending it again\n")


def run(cli, sandbox, *args, env=None, **kwargs):
    return sandbox.run(cli, *args, env={"SINCHVOICE_FROM": FROM, **(env or {})}, **kwargs)


def only_call(sandbox) -> dict:
    calls = sandbox.state()["calls"]
    assert len(calls) == 1
    return calls[0]


def sent(sandbox) -> list[dict]:
    """The callout requests the sandbox received, as (method, path, auth, body)."""
    return [(r["method"], r["path"], r["auth"], r["body"]) for r in sandbox.requests()]


def panel(call_id, to, status, result, reason, duration, debit, started="2026-01-01 00:00:00 UTC"):
    return (f"Call {call_id}\nfrom      {FROM}\nto        {to}\nstatus    {status}\nresult    {result}\n"
            f"reason    {reason}\nduration  {duration}\nstarted   {started}\nrate      EUR 0.0250/min\n"
            f"debit     EUR {debit}\n")


# --- requests and output modes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode, expected", [
    ((), "{id}\n"),
    (("-q",), "{id}\n"),
    (("-o", "json"), '{{\n  "callId": "{id}"\n}}\n'),
    (("-o", "csv"), "callId\n{id}\n"),
])
def test_tts_sends_one_signed_callout_and_prints_the_call_id(cli, sandbox, mode, expected):
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hello there", *mode)
    assert result.exit_code == 0, result.stderr
    call_id = only_call(sandbox)["callId"]
    assert result.stdout == expected.format(id=call_id)
    assert result.stderr == ""  # the summary is for terminals only
    assert sent(sandbox) == [("POST", CALLOUTS, "signed", {"method": "ttsCallout", "ttsCallout": {
        "cli": FROM, "destination": {"type": "number", "endpoint": TO}, "text": "Hello there"}})]


def test_tts_with_every_option_basic_auth_and_a_summary_on_a_terminal(cli, sandbox, tmp_path):
    (tmp_path / "words.txt").write_text("  Your table is ready  \n")
    result = run(cli, sandbox, "--auth", "basic", "callouts", "tts", "--to", "sip:alice@example.com",
                 "--text", f"@{tmp_path / 'words.txt'}", "--cli", "+46700000101", "--locale", "en-GB/female",
                 "--ace", "--dice", tty=True)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Calling sip:alice@example.com from +46700000101 (tts)\n"
    assert sent(sandbox) == [("POST", CALLOUTS, "basic", {"method": "ttsCallout", "ttsCallout": {
        "cli": "+46700000101", "destination": {"type": "sip", "endpoint": "sip:alice@example.com"},
        "text": "Your table is ready", "locale": "en-GB/female", "enableAce": True, "enableDice": True}})]


def test_tts_text_from_stdin(cli, sandbox):
    result = run(cli, sandbox, "callouts", "tts", "--to", "user:bob", "--text", "-", "-q", input="Hi Bob\n")
    assert result.exit_code == 0, result.stderr
    assert sent(sandbox)[0][3]["ttsCallout"]["text"] == "Hi Bob"
    assert sent(sandbox)[0][3]["ttsCallout"]["destination"] == {"type": "username", "endpoint": "bob"}


def test_conference_with_every_option(cli, sandbox, tmp_path):
    result = run(cli, sandbox, "callouts", "conference", "--to", "user:bob", "--conference-id", "standup",
                 "--greeting", "Welcome to the standup", "--locale", "sv-SE", "--moh", "music2", "--dtmf", "12w#",
                 "--max-duration", "600", "--ace", "--dice", "--pie", tty=True)
    assert result.exit_code == 0, result.stderr
    call_id = only_call(sandbox)["callId"]
    assert (result.stdout, result.stderr) == (f"{call_id}\n", f"Calling user:bob from {FROM} (conference standup)\n")
    assert sent(sandbox) == [("POST", CALLOUTS, "signed", {"method": "conferenceCallout", "conferenceCallout": {
        "cli": FROM, "destination": {"type": "username", "endpoint": "bob"}, "conferenceId": "standup",
        "greeting": "Welcome to the standup", "locale": "sv-SE", "mohClass": "music2", "dtmf": "12w#",
        "maxDuration": 600, "enableAce": True, "enableDice": True, "enablePie": True}})]
    history = tmp_path / "state" / "history"
    assert (history / "calls").read_text() == f"{call_id}\n"
    assert (history / "conferences").read_text() == "standup\n"


def test_custom_in_the_contract_sends_svaml_as_strings_and_urls_as_is(cli, sandbox_spec, tmp_path):
    """The contract's customCallout always names the callee and caller ID, inline ICE or not."""
    sandbox = sandbox_spec
    (tmp_path / "ace.json").write_text('{"action": {"name": "continue"}}')
    result = run(cli, sandbox, "callouts", "custom", "--to", TO, "--ice", "-", "--ace", f"@{tmp_path / 'ace.json'}",
                 "--pie", "https://example.com/pie", "-o", "json", input=ICE)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"callId": only_call(sandbox)["callId"]}
    assert sent(sandbox) == [("POST", CALLOUTS, "signed", {"method": "customCallout", "customCallout": {
        "cli": FROM, "destination": {"type": "number", "endpoint": TO},
        "ice": '{"instructions":[{"name":"say","text":"Hi"}],"action":{"name":"hangup"}}',
        "ace": '{"action":{"name":"continue"}}', "pie": "https://example.com/pie"}})]


@pytest.mark.parametrize("env, args, expected_cli", [
    ({}, ("--from", "+46700000101"), "+46700000101"),
    ({}, ("--cli", "+46700000101"), "+46700000101"),
    ({"SINCHVOICE_FROM": "+46700000102"}, (), "+46700000102"),
])
def test_caller_id_sources(cli, sandbox, env, args, expected_cli):
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hi", *args, env=env)
    assert result.exit_code == 0, result.stderr
    assert sent(sandbox)[0][3]["ttsCallout"]["cli"] == expected_cli


def test_caller_id_from_the_profile(cli, sandbox):
    login = cli("auth", "login", "--key", sandbox.key, "--secret-stdin", "--no-verify", "--from", "+46700000101",
                input=sandbox.secret + "\n")
    assert login.exit_code == 0, login.stderr
    result = cli("--base-url", sandbox.base_url, "callouts", "tts", "--to", TO, "--text", "Hi")
    assert result.exit_code == 0, result.stderr
    assert sent(sandbox)[0][3]["ttsCallout"]["cli"] == "+46700000101"


def test_no_caller_id_is_a_usage_error(cli, sandbox):
    result = cli("callouts", "tts", "--to", TO, "--text", "Hi", env=sandbox.env())
    assert result.exit_code == 2
    assert result.stderr == ("error: no caller ID: callouts need --from\nhint: pass --from +E164, set "
                             "SINCHVOICE_FROM, or store one with `sinchvoice auth login --from +E164`\n")
    assert sandbox.requests() == []


# --- input checking: exit 2, nothing sent ----------------------------------------------------------------------

TTS = ("callouts", "tts", "--to", TO, "--text", "Hi")
CONF = ("callouts", "conference", "--to", TO, "--conference-id", "c")
CUSTOM = ("callouts", "custom")  # inline ICE needs no --to on the platform (the SVAML says whom to call)


@pytest.mark.parametrize("args, error", [
    (("callouts", "tts", "--to", "0701234567", "--text", "Hi"), "--to '0701234567' is not an E.164 number"),
    (("callouts", "tts", "--to", "bob", "--text", "Hi"),
     "--to 'bob' is not a destination; expected +E164, sip:user@host or user:NAME"),
    (("callouts", "tts", "--to", f"did:{TO}", "--text", "Hi"), f"--to 'did:{TO}': did is not a callout destination"),
    (("callouts", "tts", "--to", TO), "give either --text or --prompts"),
    ((*TTS, "--prompts", "#tts[Hi]"), "give --text or --prompts, not both"),
    (("callouts", "tts", "--to", TO, "--prompts", " "), "--prompts is empty"),
    ((*TTS, "--dtmf", "1 2"), "--dtmf '1 2' is not a DTMF sequence"),
    (("callouts", "tts", "--to", "sip:alice", "--text", "Hi"), "--to 'sip:alice' is not a SIP URI"),
    ((*TTS, "--from", "46700"), "--from '46700' is not an E.164 number"),
    (("callouts", "tts", "--to", TO, "--text", "  "), "--text is empty"),
    (("callouts", "tts", "--to", TO, "--text", "x" * 601),
     "--text is 601 characters long; text-to-speech allows at most 600"),
    (("callouts", "tts", "--to", TO, "--text", "@/nonexistent/words.txt"),
     "--text: no such file: /nonexistent/words.txt"),
    ((*TTS, "--locale", "en-us"), "--locale 'en-us' is not a locale or voice"),
    ((*TTS, "--wait", "--wait-timeout", "0"), "--wait-timeout 0 must be more than 0 seconds"),
    ((*TTS, "--wait-timeout", "60"), "--wait-timeout only applies with --wait"),
    ((*CONF, "--wait-timeout", "0"), "--wait-timeout only applies with --wait"),
    (("callouts", "conference", "--to", TO, "--conference-id", " "), "--conference-id is empty"),
    (("callouts", "conference", "--to", TO, "--conference-id", "c" * 65),
     "--conference-id is 65 characters long; at most 64 are allowed"),
    ((*CONF, "--dtmf", "12a"), "--dtmf '12a' is not a DTMF sequence"),
    ((*CONF, "--moh", "jazz"), "invalid value for '--moh': 'jazz' is not one of 'ring', 'music1', 'music2', 'music3'"),
    ((*CONF, "--max-duration", "0"), "--max-duration 0 is out of range; use 1 to 14400 seconds (4 hours)"),
    ((*CONF, "--max-duration", "14401"), "--max-duration 14401 is out of range; use 1 to 14400 seconds (4 hours)"),
    ((*CONF, "--greeting", "g" * 601), "--greeting is 601 characters long; text-to-speech allows at most 600"),
    ((*CONF, "--locale", "english"), "--locale 'english' is not a locale or voice"),
    (CUSTOM, "a custom callout needs --to (or inline ICE SVAML that says whom to call)"),
    ((*CUSTOM, "--ice", "https://example.com/ice"),
     "a custom callout needs --to (or inline ICE SVAML that says whom to call)"),
    ((*CUSTOM, "--ice", ICE, "--to", TO), "--to cannot go with inline ICE SVAML: the SVAML says whom to call"),
    ((*CUSTOM, "--ice", ICE, "--to", TO, "--from", FROM),
     "--to and --from cannot go with inline ICE SVAML: the SVAML says whom to call"),
    ((*CUSTOM, "--ice", ICE, "--dtmf", "x"), "--dtmf 'x' is not a DTMF sequence"),
    ((*CUSTOM, "--ice", ICE, "--max-duration", "14401"),
     "--max-duration 14401 is out of range; use 1 to 14400 seconds (4 hours)"),
    ((*CUSTOM, "--ice", '{"action": {"name": "hangup"'),
     "--ice: invalid JSON at line 1, column 29: Expecting ',' delimiter"),
    ((*CUSTOM, "--ice", '{\n  "action": {"name": "hangup",}\n}'),
     "--ice: invalid JSON at line 2, column 31: Expecting property name enclosed in double quotes"),
    ((*CUSTOM, "--ice", '{"instructions": []}'), '--ice: no "action"; a SVAML document needs exactly one'),
    ((*CUSTOM, "--ice", '{"action": [{"name": "hangup"}, {"name": "park"}]}'),
     '--ice: "action" must be one object, not an array'),
    ((*CUSTOM, "--ice", '{"action": {"name": "hangup"}, "action": {"name": "park"}}'),
     '--ice: key "action" appears twice in one object'),
    ((*CUSTOM, "--ice", '{"action": {"name": "hangupp"}}'),
     '--ice: unknown action "hangupp"; use one of: hangup, continue, connectPstn, connectMxp, connectConf, '
     'connectSip, connectStream, runMenu, park'),
    ((*CUSTOM, "--ice", '{"instructions": [{"name": "sayy"}], "action": {"name": "hangup"}}'),
     '--ice: instruction 1: unknown instruction "sayy"; use one of: playFiles, say, sendDtmf, setCookie, answer, '
     'startRecording, stopRecording'),
    ((*CUSTOM, "--ice", ICE, "--ace", "http://example.com/ace"),
     "--ace 'http://example.com/ace' uses http:// on a non-loopback host"),
    ((*CUSTOM, "--ice", ICE, "--pie", "[]"), "--pie: expected a JSON object, got an array"),
    ((*CUSTOM, "--ice", "-", "--ace", "-"), "only one of --ice, --ace and --pie can read standard input (-)"),
])
def test_bad_input_exits_2_and_sends_nothing(cli, sandbox, args, error):
    result = run(cli, sandbox, *args, input="")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[0] == f"error: {error}"
    assert result.stdout == ""
    assert sandbox.requests() == []


@pytest.mark.parametrize("args", [TTS, CONF, (*CUSTOM, "--ice", ICE)])
def test_wait_timeout_without_wait_is_not_ignored(cli, sandbox, args):
    for extra in ((), ("--dry-run",)):
        result = run(cli, sandbox, *args, "--wait-timeout", "30", *extra)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == ("error: --wait-timeout only applies with --wait\n"
                                 "hint: add --wait to follow the call: --wait --wait-timeout 30\n")
    assert sandbox.requests() == []


def test_custom_help_says_when_ice_is_required(cli):
    help_ = cli("callouts", "custom", "--help").stdout
    ice = help_[help_.index("--ice SVAML"):help_.index("--ace SVAML")]
    assert " ".join(ice.split()).endswith("no --to/--from then. Required in the spec layout.")


# --- --wait ----------------------------------------------------------------------------------------------------


def test_wait_answered_prints_the_final_panel(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hello there", "--wait")
    assert result.exit_code == 0, result.stderr
    call_id = only_call(sandbox)["callId"]
    assert result.stdout == panel(call_id, TO, "FINAL", "ANSWERED", "CALLERHANGUP", "0:02", "0.0250")
    assert result.sleeps == [0.5, 1.0, 2.0, 2.0]  # backoff 0.5 s doubling to 2 s
    gets = [r["path"] for r in sandbox.requests() if r["method"] == "GET"]
    assert gets == [f"/calling/v1/calls/id/{call_id}"] * 5


@pytest.mark.parametrize("suffix, result_, reason, said, hint", [
    ("0001", "BUSY", "N/A", "the line was busy", "try again later, or call someone else"),
    ("0002", "NOANSWER", "TIMEOUT", "nobody picked up", "try again later"),
    ("0003", "FAILED", "GENERALERROR", "the call could not be connected", "check the number and the caller ID"),
])
def test_wait_not_answered_exits_5(cli, sandbox, suffix, result_, reason, said, hint):
    cli.on_sleep = sandbox.advance
    to = f"+4670123{suffix}"
    result = run(cli, sandbox, "callouts", "tts", "--to", to, "--text", "Hello", "--wait")
    assert result.exit_code == 5
    call_id = only_call(sandbox)["callId"]
    assert result.stdout == panel(call_id, to, "FINAL", result_, reason, "0:00", "0.0000")
    assert result.stderr == f"error: the call was not answered: {said} ({result_})\nhint: {hint}\n"


def test_wait_callee_hangs_up_is_still_answered(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "callouts", "tts", "--to", "+46701230004", "--text", LONG, "--wait", "-o", "json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert (body["status"], body["result"], body["reason"], body["duration"]) == ("FINAL", "ANSWERED",
                                                                                  "CALLEEHANGUP", 3)
    assert body == {k: v for k, v in only_call(sandbox).items() if k not in ("method", "conferenceId")}


def test_wait_on_a_conference_call_ends_when_it_joins(cli, sandbox):
    """A conference call stays up as long as the bridge: answered (joined) is as far as --wait can follow it."""
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "callouts", "conference", "--to", TO, "--conference-id", "c", "--wait", "-o", "json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert (body["status"], body["result"], body["reason"]) == ("ONGOING", "ANSWERED", "N/A")
    assert result.sleeps == [0.5, 1.0, 2.0]  # answered 2 s after the callout: no poll after that
    assert only_call(sandbox)["status"] == "ONGOING"  # still in the conference


def test_wait_on_a_conference_call_that_is_not_answered_exits_5(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "callouts", "conference", "--to", "+46701230001", "--conference-id", "c", "--wait",
                 "-q")
    assert (result.exit_code, result.stdout) == (5, f"{only_call(sandbox)['callId']}\n")
    assert result.stderr.startswith("error: the call was not answered: the line was busy (BUSY)")


def test_wait_quiet_prints_only_the_call_id(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "callouts", "tts", "--to", "+46701230001", "--text", "Hi", "--wait", "-q")
    assert result.exit_code == 5
    assert result.stdout == f"{only_call(sandbox)['callId']}\n"


def test_wait_timeout_exits_6_after_summed_sleeps(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", LONG, "--wait",
                 "--wait-timeout", "5")
    assert result.exit_code == 6
    call_id = only_call(sandbox)["callId"]
    assert result.sleeps == [0.5, 1.0, 2.0, 1.5]
    # what is known when giving up is printed, so `CALL=$(... --wait -q)` still gets the id
    assert result.stdout == panel(call_id, TO, "ONGOING", "ANSWERED", "N/A", "0:03", "0.0250")
    assert result.stderr == (
        f"error: gave up waiting after 5 s: call {call_id} is still in progress (answered, 0:03)\n"
        f"hint: follow it with `sinchvoice calls get {call_id} --watch`, "
        f"or end it with `sinchvoice calls hangup {call_id}`\n")
    assert only_call(sandbox)["status"] == "ONGOING"


def test_wait_timeout_quiet_still_prints_the_call_id(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", LONG, "--wait",
                 "--wait-timeout", "1", "-q")
    assert (result.exit_code, result.stdout) == (6, f"{only_call(sandbox)['callId']}\n")


@pytest.mark.parametrize("sleeps, state, mode, stdout", [
    (1, "ringing", (), "panel"),
    (4, "answered, 0:01", (), "panel"),
    (4, "answered, 0:01", ("-q",), "{id}\n"),
    (4, "answered, 0:01", ("-o", "csv"), "callId,from,to,status,result,reason,duration,started,rate,debit,currency\n"
                                        "{id},+46700000100,+46701234567,ONGOING,ANSWERED,N/A,1,"
                                        "2026-01-01T00:00:00.000Z,0.025,0.025,EUR\n"),
])
def test_ctrl_c_while_waiting_names_the_call_and_exits_130(cli, sandbox, sleeps, state, mode, stdout):
    cli.on_sleep = interrupt_on_sleep(sandbox, sleeps)
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", LONG, "--wait", *mode)
    assert result.exit_code == 130
    call = only_call(sandbox)
    if stdout == "panel":  # the last known state, as on --wait-timeout
        duration, debit = ("0:00", "0.0000") if state == "ringing" else ("0:01", "0.0250")
        result_ = "N/A" if state == "ringing" else "ANSWERED"
        stdout = panel(call["callId"], TO, "ONGOING", result_, "N/A", duration, debit)
    assert result.stdout == stdout.format(id=call["callId"])
    assert result.stderr.endswith(stopped(call["callId"], f"it is still in progress ({state})"))
    assert call["status"] == "ONGOING"  # Ctrl-C stops the following, not the call
    assert [r["method"] for r in sandbox.requests()] == ["POST"] + ["GET"] * sleeps


@pytest.mark.parametrize("mode, stdout", [((), "{id}\n"), (("-o", "json"), '{{\n  "callId": "{id}"\n}}\n')])
def test_ctrl_c_before_the_first_status_still_prints_the_call_id(cli, sandbox, monkeypatch, mode, stdout):
    from sinchvoice import callstatus

    def interrupted(client, call_id):
        raise KeyboardInterrupt

    monkeypatch.setattr(callstatus, "fetch", interrupted)
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hi", "--wait", *mode)
    call_id = only_call(sandbox)["callId"]
    assert (result.exit_code, result.stdout) == (130, stdout.format(id=call_id))
    assert result.stderr.startswith(stopped(call_id, "it may still be in progress"))


def test_a_failure_while_following_names_the_call(cli, sandbox):
    sandbox.fault(method="GET", path="/calling/v1/calls/id/*", status=503, count=4)
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hi", "--wait", "-o", "json")
    assert result.exit_code == 7  # placed, outcome unknown: not 75, which would invite placing it again
    call_id = only_call(sandbox)["callId"]
    assert json.loads(result.stdout) == {"callId": call_id}
    assert result.stderr.splitlines()[-3] == (
        f"error: call {call_id} was placed, but following it failed: "
        "Injected fault (HTTP 503) (errorCode 50300) after 4 attempts")
    assert json.loads(result.stderr.splitlines()[-1])["error"]["httpStatus"] == 503
    assert [r["method"] for r in sandbox.requests()] == ["POST", "GET", "GET", "GET", "GET"]  # the callout once


# --- safety ----------------------------------------------------------------------------------------------------


def test_dry_run_prints_the_request_and_sends_nothing(cli, sandbox):
    result = run(cli, sandbox, "--dry-run", "callouts", "conference", "--to", TO, "--conference-id", "c", "--wait")
    assert result.exit_code == 0, result.stderr
    head, _, body = result.stdout.partition("\n\n")
    assert head.splitlines()[0] == f"POST {sandbox.base_url}{CALLOUTS}"
    assert json.loads(body) == {"method": "conferenceCallout", "conferenceCallout": {
        "cli": FROM, "destination": {"type": "number", "endpoint": TO}, "conferenceId": "c"}}
    assert sandbox.requests() == []
    assert result.sleeps == []


def test_dropped_connection_after_the_callout_is_not_retried(cli, sandbox):
    sandbox.fault(method="POST", path=CALLOUTS, drop=True, count=1)
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hi")
    assert result.exit_code == 7
    assert result.stderr == NOT_PLACED.format("no response")
    assert result.stdout == ""
    assert len(sandbox.state()["calls"]) == 1  # the call was placed, exactly once
    assert [(r["method"], r["path"], r["fault"]) for r in sandbox.requests()] == [("POST", CALLOUTS, "drop")]


def test_503_on_a_callout_is_not_retried(cli, sandbox):
    sandbox.fault(method="POST", path=CALLOUTS, status=503, count=1)
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hi")
    assert result.exit_code == 7
    assert result.stderr == NOT_PLACED.format("HTTP 503")
    assert [r["status"] for r in sandbox.requests()] == [503]


def test_429_on_a_callout_is_retried(cli, sandbox):
    sandbox.fault(method="POST", path=CALLOUTS, status=429, retryAfter=0, count=1)
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hi")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{only_call(sandbox)['callId']}\n"
    assert [r["status"] for r in sandbox.requests()] == [429, 200]
    assert result.sleeps == [0.0]


def test_dry_run_never_shows_the_secret(cli, sandbox):
    env = {"SINCH_APPLICATION_SECRET": SENTINEL_SECRET}
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hi", "--dry-run", "-v", env=env)
    assert result.exit_code == 0, result.stderr
    assert f"authorization: Application {sandbox.key}:<redacted>" in result.stdout.splitlines()
    assert SENTINEL_SECRET not in result.stdout + result.stderr
    assert sandbox.requests() == []


def test_verbose_never_shows_the_secret(cli, sandbox):
    for auth in ("signed", "basic"):
        result = run(cli, sandbox, "--auth", auth, "callouts", "tts", "--to", TO, "--text", "Hi", "-v")
        assert result.exit_code == 0, result.stderr
        assert f"> POST {sandbox.base_url}{CALLOUTS}" in result.stderr
        assert "< 200 OK" in result.stderr
        assert sandbox.secret not in result.stdout + result.stderr


def test_wait_on_a_terminal_shows_a_live_status_line_on_stderr(cli, sandbox, monkeypatch):
    from sinchvoice.environment import Environment

    monkeypatch.setattr(Environment, "stderr_isatty", True)  # as if stderr were a terminal
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--text", "Hello there", "--wait")
    assert result.exit_code == 0, result.stderr
    call_id = only_call(sandbox)["callId"]
    # followed 0, 0.5, 1.5 s while ringing (the time so far), then answered; how to stop is said throughout
    states = ["ringing 0:00", "ringing 0:00", "ringing 0:01", "answered 0:01", "ended ANSWERED/CALLERHANGUP after 0:02"]
    assert result.stderr == (f"Calling {TO} from {FROM} (tts)\n"
                             + "".join(f"\r\x1b[KCall {call_id}: {state} (Ctrl-C to stop)" for state in states)
                             + "\n")
    assert result.stdout.startswith(f"Call {call_id}\n")
