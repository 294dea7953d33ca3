"""calls get|update|hangup|say|play against the sandbox: panels per output mode, --watch, SVAML checks, PATCH bodies."""

import json
import re

import pytest

from tests.following import interrupt_on_sleep, stopped
from tests.sandbox_support import callout, tts

FROM = "+46700000100"  # the caller ID sandbox_support uses
TO = "+46701234567"


@pytest.fixture
def sandbox(any_sandbox):
    """Every test here runs in both layouts: parties as {type, endpoint} (live, the default) or as strings."""
    return any_sandbox


def run(cli, sandbox, *args, **kwargs):
    return sandbox.run(cli, *args, **kwargs)


@pytest.fixture
def call_id(sandbox):
    """A TTS call placed straight through the API (ringing; answered at 2 s, ends at 4 s)."""
    with sandbox.client() as client:
        return callout(client, tts(text="Hello there"))


def api_body(sandbox, call_id):
    with sandbox.client() as client:
        return client.get(f"/calling/v1/calls/id/{call_id}").json()


def patches(sandbox):
    return [(r["path"], r["auth"], r["body"]) for r in sandbox.requests() if r["method"] == "PATCH"]


# --- calls get -------------------------------------------------------------------------------------------------


def test_get_plain_panel(cli, sandbox, call_id):
    sandbox.advance(3)
    result = run(cli, sandbox, "calls", "get", call_id)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Call {call_id}\nfrom      {FROM}\nto        {TO}\nstatus    ONGOING\nresult    ANSWERED\n"
        "reason    N/A\nduration  0:01\nstarted   2026-01-01 00:00:00 UTC\nrate      EUR 0.0250/min\n"
        "debit     EUR 0.0250\n")
    assert result.stderr == ""
    assert [(r["method"], r["path"], r["auth"]) for r in sandbox.requests()][-1] == (
        "GET", f"/calling/v1/calls/id/{call_id}", "signed")


def test_get_shows_started_in_local_time_and_keeps_iso_in_json_and_csv(cli, sandbox, call_id, time_zone):
    time_zone("CET-1")  # UTC+1, named CET
    assert "\nstarted   2026-01-01 01:00:00 CET\n" in run(cli, sandbox, "calls", "get", call_id).stdout
    assert json.loads(run(cli, sandbox, "calls", "get", call_id, "-o", "json").stdout)["timestamp"] == (
        "2026-01-01T00:00:00.000Z")
    assert ",2026-01-01T00:00:00.000Z," in run(cli, sandbox, "calls", "get", call_id, "-o", "csv").stdout
    time_zone("PST+8")  # the day before, too
    assert "\nstarted   2025-12-31 16:00:00 PST\n" in run(cli, sandbox, "calls", "get", call_id).stdout


def test_get_json_is_the_api_body(cli, sandbox, call_id):
    sandbox.advance(10)
    result = run(cli, sandbox, "calls", "get", call_id, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == api_body(sandbox, call_id)
    assert result.stdout == json.dumps(api_body(sandbox, call_id), indent=2) + "\n"


def test_get_csv_and_quiet(cli, sandbox, call_id):
    sandbox.advance(10)
    result = run(cli, sandbox, "calls", "get", call_id, "-o", "csv")
    assert result.stdout == (
        "callId,from,to,status,result,reason,duration,started,rate,debit,currency\n"
        f"{call_id},{FROM},{TO},FINAL,ANSWERED,CALLERHANGUP,2,2026-01-01T00:00:00.000Z,0.025,0.025,EUR\n")
    assert run(cli, sandbox, "calls", "get", call_id, "-q").stdout == f"{call_id}\n"


def test_get_on_a_terminal_draws_a_panel(cli, sandbox, call_id, tmp_path):
    result = run(cli, sandbox, "calls", "get", call_id, tty=True)
    assert result.exit_code == 0, result.stderr
    assert f"Call {call_id}" in result.stdout and "╭" in result.stdout and "ONGOING" in result.stdout
    assert "EUR 0.0250/min" in result.stdout
    assert (tmp_path / "state" / "history" / "calls").read_text() == f"{call_id}\n"


@pytest.mark.parametrize("mode", [(), ("-o", "json")])
def test_get_unknown_call_exits_3(cli, sandbox, mode):
    result = run(cli, sandbox, "calls", "get", "no-such-call", *mode)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[:2] == ["error: call no-such-call not found",
                         "hint: check the identifier; calls and conferences are only found while they exist"]
    if mode:  # the HTTP status and error code are kept for scripts, in the JSON error object
        error = json.loads(lines[2])["error"]
        assert (error["message"], error["httpStatus"], error["errorCode"]) == ("call no-such-call not found", 404,
                                                                               40400)
        assert error["reference"]
    assert result.stdout == ""


def test_get_dry_run_sends_nothing(cli, sandbox):
    result = run(cli, sandbox, "--dry-run", "calls", "get", "abc", "--watch")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"GET {sandbox.base_url}/calling/v1/calls/id/abc"
    assert sandbox.requests() == []


# --- calls get --watch -----------------------------------------------------------------------------------------


def test_watch_piped_prints_one_json_line_per_change(cli, sandbox, call_id):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "calls", "get", call_id, "--watch")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(b["event"], b["status"], b["result"], b["reason"]) for b in lines] == [
        ("status", "ONGOING", "N/A", "N/A"), ("status", "ONGOING", "ANSWERED", "N/A"),
        ("status", "FINAL", "ANSWERED", "CALLERHANGUP")]
    # like `conferences get --watch`, every line names its event; the API body's fields all follow it
    assert lines[-1] == {"event": "status", **api_body(sandbox, call_id)}
    assert result.stdout.splitlines()[0] == json.dumps(lines[0], separators=(",", ":"))
    assert result.stdout.startswith('{"event":"status",')
    assert result.sleeps == [0.5, 1.0, 2.0, 2.0]


@pytest.mark.parametrize("mode, sleeps, state, lines", [
    ((), 1, "ringing", 1),
    ((), 4, "answered, 0:01", 2),
    (("-o", "json"), 4, "answered, 0:01", 2),
])
def test_watch_interrupted_names_the_call_and_exits_130(cli, sandbox, call_id, mode, sleeps, state, lines):
    cli.on_sleep = interrupt_on_sleep(sandbox, sleeps)
    result = run(cli, sandbox, "calls", "get", call_id, "--watch", *mode)
    assert result.exit_code == 130
    assert [json.loads(line)["event"] for line in result.stdout.splitlines()] == ["status"] * lines
    assert result.stderr.startswith(stopped(call_id, f"it is still in progress ({state})"))
    assert api_body(sandbox, call_id)["status"] == "ONGOING"  # Ctrl-C stops the watching, not the call
    assert patches(sandbox) == []


def test_watch_interrupted_quiet_still_prints_the_call_id(cli, sandbox, call_id):
    cli.on_sleep = interrupt_on_sleep(sandbox, 1)
    result = run(cli, sandbox, "calls", "get", call_id, "--watch", "-q")
    expected = (130, f"{call_id}\n", stopped(call_id, "it is still in progress (ringing)"))
    assert (result.exit_code, result.stdout, result.stderr) == expected


def test_watch_interrupted_on_a_terminal_keeps_the_panel(cli, sandbox, call_id):
    cli.on_sleep = interrupt_on_sleep(sandbox, 1)
    result = run(cli, sandbox, "calls", "get", call_id, "--watch", tty=True)
    assert result.exit_code == 130
    assert f"Call {call_id}" in result.stdout and "ONGOING" in result.stdout
    assert result.stderr == f"Watching call {call_id}: Ctrl-C to stop\n" + stopped(
        call_id, "it is still in progress (ringing)")


def test_watch_quiet_prints_the_id_when_the_call_ends(cli, sandbox, call_id):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "calls", "get", call_id, "--watch", "-q")
    assert (result.exit_code, result.stdout) == (0, f"{call_id}\n")
    assert api_body(sandbox, call_id)["status"] == "FINAL"


def test_watch_on_a_terminal_shows_how_long_it_has_rung(cli, sandbox, call_id):
    cli.on_sleep = interrupt_on_sleep(sandbox, 3)  # Ctrl-C in the third sleep: followed 0.5 + 1 s, still ringing
    result = cli("calls", "get", call_id, "--watch", tty=True, env={**sandbox.env(), "NO_COLOR": "1"})
    assert result.exit_code == 130
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stdout)  # bold labels stay with NO_COLOR
    assert "│ ringing   0:01 so far" in shown


def test_watch_csv_prints_rows_under_one_header(cli, sandbox, call_id):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "calls", "get", call_id, "--watch", "-o", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "callId,from,to,status,result,reason,duration,started,rate,debit,currency"
    assert [line.split(",")[3:6] for line in lines[1:]] == [
        ["ONGOING", "N/A", "N/A"], ["ONGOING", "ANSWERED", "N/A"], ["FINAL", "ANSWERED", "CALLERHANGUP"]]


def test_watch_on_a_terminal_leaves_the_final_panel(cli, sandbox, call_id):
    cli.on_sleep = sandbox.advance
    result = run(cli, sandbox, "calls", "get", call_id, "--watch", tty=True)
    assert result.exit_code == 0, result.stderr
    assert "FINAL" in result.stdout and "CALLERHANGUP" in result.stdout
    assert "{" not in result.stdout  # a live panel, not JSON lines


# --- calls update | hangup | say | play ------------------------------------------------------------------------

SAY_BYE = '{"instructions": [{"name": "say", "text": "Bye", "locale": "en-US"}], "action": {"name": "hangup"}}'


@pytest.mark.parametrize("mode, stdout, stderr", [
    ((), "", "Updated call {id}\n"),
    (("-o", "json"), "{{}}\n", "Updated call {id}\n"),
    (("-q",), "{id}\n", ""),
])
def test_update_sends_the_checked_svaml(cli, sandbox, call_id, mode, stdout, stderr):
    sandbox.advance(3)
    result = run(cli, sandbox, "calls", "update", call_id, "--svaml", SAY_BYE, *mode)
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == (stdout.format(id=call_id), stderr.format(id=call_id))
    assert patches(sandbox) == [(f"/calling/v1/calls/id/{call_id}", "signed", json.loads(SAY_BYE))]
    body = api_body(sandbox, call_id)
    assert (body["status"], body["result"], body["reason"]) == ("FINAL", "ANSWERED", "MANAGERHANGUP")


def test_update_from_a_file_and_stdin(cli, sandbox, call_id, tmp_path):
    (tmp_path / "park.json").write_text('{"action": {"name": "park"}}')
    assert run(cli, sandbox, "calls", "update", call_id, "--svaml", f"@{tmp_path / 'park.json'}").exit_code == 0
    assert run(cli, sandbox, "calls", "update", call_id, "--svaml", "-",
               input='{"action": {"name": "continue"}}').exit_code == 0
    assert [body for _, _, body in patches(sandbox)] == [{"action": {"name": "park"}}, {"action": {"name": "continue"}}]


def test_hangup_a_ringing_call(cli, sandbox, call_id):
    result = run(cli, sandbox, "calls", "hangup", call_id)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"Hung up call {call_id}\n")
    assert patches(sandbox) == [(f"/calling/v1/calls/id/{call_id}", "signed", {"action": {"name": "hangup"}})]
    body = api_body(sandbox, call_id)
    assert (body["result"], body["reason"]) == ("NOANSWER", "MANAGERHANGUP")


@pytest.mark.parametrize("args", [
    ("hangup",),
    ("update", "--svaml", '{"action": {"name": "continue"}}'),
    ("say", "--text", "Hello"),
    ("play", "--file", "https://example.com/a.wav"),
])
@pytest.mark.parametrize("ended", [True, False])
def test_updating_an_ended_or_unknown_call_exits_3(cli, sandbox, call_id, args, ended):
    sandbox.advance(10)  # the call has ended
    target = call_id if ended else "no-such-call"
    result = run(cli, sandbox, "calls", args[0], target, *args[1:])
    assert result.exit_code == 3
    assert result.stderr == (f"error: call {target} has ended or does not exist\n"
                             f"hint: see `sinchvoice calls get {target}`\n")
    assert result.stdout == ""
    assert len(patches(sandbox)) == 1


def test_updating_an_ended_call_keeps_the_api_details_in_json(cli, sandbox, call_id):
    sandbox.advance(10)
    result = run(cli, sandbox, "calls", "hangup", call_id, "-o", "json")
    assert result.exit_code == 3
    error = json.loads(result.stderr.splitlines()[-1])["error"]
    assert (error["message"], error["httpStatus"], error["errorCode"]) == (
        f"call {call_id} has ended or does not exist", 404, 40400)
    assert error["reference"]


@pytest.mark.parametrize("args, body, note", [
    (("say", "--text", "Please hold"), {"instructions": [{"name": "say", "text": "Please hold"}],
                                        "action": {"name": "continue"}}, "said the text, then continue"),
    (("say", "--text", "Bye", "--locale", "sv-SE", "--then", "hangup"),
     {"instructions": [{"name": "say", "text": "Bye", "locale": "sv-SE"}], "action": {"name": "hangup"}},
     "said the text, then hangup"),
    (("play", "--file", "https://example.com/a.wav", "--file", "https://example.com/b.wav"),
     {"instructions": [{"name": "playFiles", "ids": ["https://example.com/a.wav", "https://example.com/b.wav"]}],
      "action": {"name": "continue"}}, "played 2 file(s), then continue"),
    (("play", "--file", "https://example.com/a.wav", "--then", "hangup"),
     {"instructions": [{"name": "playFiles", "ids": ["https://example.com/a.wav"]}], "action": {"name": "hangup"}},
     "played 1 file(s), then hangup"),
])
def test_say_and_play_shortcuts(cli, sandbox, call_id, args, body, note):
    sandbox.advance(3)
    result = run(cli, sandbox, "calls", args[0], call_id, *args[1:])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Updated call {call_id}: {note}\n"
    assert patches(sandbox) == [(f"/calling/v1/calls/id/{call_id}", "signed", body)]


def test_update_dry_run_sends_nothing(cli, sandbox):
    result = run(cli, sandbox, "--dry-run", "calls", "hangup", "abc")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"PATCH {sandbox.base_url}/calling/v1/calls/id/abc"
    assert result.stdout.endswith('{\n  "action": {\n    "name": "hangup"\n  }\n}\n')
    assert sandbox.requests() == []


@pytest.mark.parametrize("args, error", [
    (("update", "abc", "--svaml", '{"action": {"name": "connectPstn"}}'),
     '--svaml: "connectPstn" is not allowed when updating a live call; use one of: hangup, continue, park'),
    (("update", "abc", "--svaml", '{"action": {"name": "hangup"}, "action": {"name": "park"}}'),
     '--svaml: key "action" appears twice in one object'),
    (("update", "abc", "--svaml", '{"action": {"name": "hangup"}'),
     "--svaml: invalid JSON at line 1, column 30: Expecting ',' delimiter"),
    (("update", "abc", "--svaml", '{"instructions": [{"name": "say"}], "action": {"name": "continue"}}'),
     '--svaml: instruction 1 (say) needs "text" as a string; it is missing'),
    (("update", "abc", "--svaml", '{"instructions": [{"name": "hangup"}], "action": {"name": "continue"}}'),
     '--svaml: instruction 1: unknown instruction "hangup"; use one of: playFiles, say, sendDtmf, setCookie, '
     'answer, startRecording, stopRecording'),
    (("update", "abc", "--svaml", '{"action": {"name": "continue"}, "extra": 1}'),
     '--svaml: unknown top-level key "extra"'),
    (("update", "abc", "--svaml", '{"instructions": []}'), '--svaml: no "action"; a SVAML document needs exactly one'),
    (("update", "abc", "--svaml", ""), "--svaml is empty"),
    (("update", "abc", "--svaml", "[1]"), "--svaml: expected a JSON object, got an array"),
    (("update", "abc", "--svaml", "@/nonexistent/doc.json"), "--svaml: no such file: /nonexistent/doc.json"),
    (("update", " ", "--svaml", '{"action": {"name": "continue"}}'), "the call id is empty"),
    (("get", ""), "the call id is empty"),
    (("say", "abc", "--text", " "), "--text is empty"),
    (("say", "abc", "--text", "x" * 601), "--text is 601 characters long; text-to-speech allows at most 600"),
    (("say", "abc", "--text", "Hi", "--then", "park"),
     "invalid value for '--then': 'park' is not one of 'continue', 'hangup'"),
    (("say", "abc", "--text", "Hi", "--locale", "xx_yy"), "--locale 'xx_yy' is not a locale or voice"),
    (("play", "abc", "--file", "welcome.wav"), "--file 'welcome.wav' is not an http(s) URL"),
    (("play", "abc", "--file", "https://example.com/a.wav", "--then", "stop"),
     "invalid value for '--then': 'stop' is not one of 'continue', 'hangup'"),
])
def test_bad_input_exits_2_and_sends_nothing(cli, sandbox, args, error):
    result = run(cli, sandbox, "calls", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[0] == f"error: {error}"
    assert sandbox.requests() == []


# --- calls leg: the platform's 14th operation -------------------------------------------------------------------


@pytest.mark.parametrize("args, leg, body, note", [
    (("--leg", "callee", "--say", "Please hold", "--locale", "en-US"), "callee",
     {"instructions": [{"name": "say", "text": "Please hold", "locale": "en-US"}]}, "said the text to the callee"),
    (("--leg", "both", "--play", "https://example.com/a.wav", "--play", "https://example.com/b.wav"), "both",
     {"instructions": [{"name": "playFiles", "ids": ["https://example.com/a.wav", "https://example.com/b.wav"]}]},
     "played 2 file(s) to both sides"),
])
def test_leg_plays_or_says_to_one_side_live_and_is_refused_by_the_contract(cli, sandbox, call_id, args, leg, body,
                                                                            note):
    sandbox.advance(3)
    result = run(cli, sandbox, "calls", "leg", call_id, *args)
    if sandbox.layout == "spec":
        assert (result.exit_code, result.stderr.splitlines()) == (2, [
            "error: the contract (--api-layout spec) has no call-leg operation",
            "hint: use `calls say` or `calls play` to reach the whole call, or --api-layout live"])
        assert patches(sandbox) == []
        return
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Updated call {call_id}: {note}\n"
    assert patches(sandbox) == [(f"/calling/v1/calls/id/{call_id}/leg/{leg}", "signed", body)]
    assert api_body(sandbox, call_id)["status"] == "ONGOING"  # the call goes on


@pytest.mark.parametrize("args, error", [
    (("--leg", "caller"), "give either --say or --play"),
    (("--leg", "caller", "--say", "Hi", "--play", "https://example.com/a.wav"), "give --say or --play, not both"),
    (("--leg", "side", "--say", "Hi"), "invalid value for '--leg': 'side' is not one of 'caller', 'callee', 'both'"),
    (("--say", "Hi"), "missing option '--leg'. Choose from: caller, callee, both"),
    (("--leg", "caller", "--say", "x" * 601), "--say is 601 characters long; text-to-speech allows at most 600"),
    (("--leg", "caller", "--play", "a.wav"), "--play 'a.wav' is not an http(s) URL"),
])
def test_leg_bad_input_exits_2_and_sends_nothing(cli, sandbox_live, args, error):
    sandbox = sandbox_live
    result = run(cli, sandbox, "calls", "leg", "abc", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[0] == f"error: {error}"
    assert sandbox.requests() == []


def test_a_leg_update_whose_answer_was_lost_is_not_repeated(cli, sandbox_live):
    """Saying something twice to a caller is not harmless: like say/play, no retry, and exit 7."""
    sandbox = sandbox_live
    with sandbox.client() as client:
        call_id = callout(client, tts())
    path = f"/calling/v1/calls/id/{call_id}/leg/caller"
    sandbox.fault(method="PATCH", path=path, drop=True, count=1)
    result = run(cli, sandbox, "calls", "leg", call_id, "--leg", "caller", "--say", "Hi")
    assert result.exit_code == 7
    assert result.stderr.splitlines()[0] == (f"error: PATCH {path} may have been applied (no response); it was not "
                                             "retried because repeating it could act twice")
    assert len(patches(sandbox)) == 1


def test_update_warns_about_a_name_in_another_case_and_sends_it(cli, sandbox, call_id):
    result = run(cli, sandbox, "calls", "update", call_id, "--svaml", '{"action": {"name": "HangUp"}}')
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == ('warning: --svaml: action "HangUp" is documented as "hangup"; sent as '
                                             'written (Sinch compares names without case)')
    assert patches(sandbox) == [(f"/calling/v1/calls/id/{call_id}", "signed", {"action": {"name": "HangUp"}})]
