"""callouts tts --until-answered: an on-call walk against the sandbox, whose reserved numbers decide the answers
(0001 busy, 0002 no answer, 0003 failed, anything else answers). The sandbox's manual clock moves only when the CLI
sleeps between polls, so each call's life is exact."""

from __future__ import annotations

import json

import pytest

from tests.following import interrupt_on_sleep

FROM = "+46700000100"
BUSY, NOANSWER, FAILED, ANSWERS = "+46701230001", "+46701230002", "+46701230003", "+46701234567"
CALLOUTS = "/calling/v1/callouts"
WALK = ("callouts", "tts", "--text", "Disk full on db1", "--until-answered")


def run(cli, sandbox, *args, **kwargs):
    return sandbox.run(cli, *args, env={"SINCHVOICE_FROM": FROM}, **kwargs)


def walk(cli, sandbox, *destinations, extra=()):
    return run(cli, sandbox, *WALK, *[arg for to in destinations for arg in ("--to", to)], *extra)


def posts(sandbox) -> list[str]:
    """The destinations of the callouts the sandbox received, in order."""
    return [r["body"]["ttsCallout"]["destination"]["endpoint"] for r in sandbox.requests()
            if (r["method"], r["path"]) == ("POST", CALLOUTS)]


def calls(sandbox) -> dict:
    return {c["to"]["endpoint"]: c for c in sandbox.state()["calls"]}


def line(n, total, to, outcome, call_id=None):
    return f"attempt {n} of {total}: {to}: {outcome}" + (f" (call {call_id})" if call_id else "")


def test_the_first_answers_one_call_and_its_panel(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = walk(cli, sandbox, ANSWERS, BUSY)
    assert result.exit_code == 0, result.stderr
    call_id = calls(sandbox)[ANSWERS]["callId"]
    assert result.stdout.splitlines()[:6] == [f"Call {call_id}", f"from      {FROM}", f"to        {ANSWERS}",
                                              "status    FINAL", "result    ANSWERED", "reason    CALLERHANGUP"]
    assert result.stderr == line(1, 2, ANSWERS, "ANSWERED (CALLERHANGUP) after 0:02", call_id) + "\n"
    assert posts(sandbox) == [ANSWERS]


def test_busy_and_no_answer_then_an_answer_three_calls_one_after_another(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = walk(cli, sandbox, BUSY, NOANSWER, ANSWERS, "+46701239999", extra=("-o", "json"))
    assert result.exit_code == 0, result.stderr
    placed = calls(sandbox)
    assert json.loads(result.stdout) == {k: v for k, v in placed[ANSWERS].items()
                                         if k not in ("method", "conferenceId")}
    assert posts(sandbox) == [BUSY, NOANSWER, ANSWERS]  # in order, and the fourth never called
    assert result.stderr.splitlines() == [
        line(1, 4, BUSY, "BUSY", placed[BUSY]["callId"]),
        line(2, 4, NOANSWER, "NOANSWER (TIMEOUT)", placed[NOANSWER]["callId"]),
        line(3, 4, ANSWERS, "ANSWERED (CALLERHANGUP) after 0:02", placed[ANSWERS]["callId"])]
    # Each callout left only after the CLI had seen the previous call FINAL.
    journal = sandbox.requests()
    for before, after in ((BUSY, NOANSWER), (NOANSWER, ANSWERS)):
        ended = max(i for i, r in enumerate(journal) if r["method"] == "GET"
                    and r["path"].endswith(placed[before]["callId"]) and r["response"]["status"] == "FINAL")
        placed_next = next(i for i, r in enumerate(journal) if r["method"] == "POST"
                           and r["body"]["ttsCallout"]["destination"]["endpoint"] == after)
        assert ended < placed_next


def test_nobody_answers_exit_5_with_every_attempt_on_stdout(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = walk(cli, sandbox, BUSY, NOANSWER, FAILED, extra=("-o", "json"))
    assert result.exit_code == 5
    placed = calls(sandbox)
    assert json.loads(result.stdout) == [
        {"to": to, "callId": placed[to]["callId"], "status": "FINAL", "result": r, "reason": why, "duration": 0,
         "error": None}
        for to, r, why in ((BUSY, "BUSY", "N/A"), (NOANSWER, "NOANSWER", "TIMEOUT"),
                           (FAILED, "FAILED", "GENERALERROR"))]
    assert result.stderr.splitlines()[3:5] == [
        f"error: nobody answered: {BUSY} BUSY, {NOANSWER} NOANSWER, {FAILED} FAILED",
        "hint: every attempt's result is on stdout"]
    assert posts(sandbox) == [BUSY, NOANSWER, FAILED]


def test_nobody_answers_quiet_prints_every_call_id(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = walk(cli, sandbox, BUSY, NOANSWER, extra=("-q",))
    assert result.exit_code == 5
    placed = calls(sandbox)
    assert result.stdout == f"{placed[BUSY]['callId']}\n{placed[NOANSWER]['callId']}\n"


def test_a_5xx_on_the_second_callout_stops_the_walk_with_7(cli, sandbox):
    def on_sleep(seconds):  # while the first call is followed, the next callout is set up to fail
        if not sandbox.requests() or len(posts(sandbox)) == 1:
            sandbox.clear_faults()
            sandbox.fault(method="POST", path=CALLOUTS, status=503, count=1)
        sandbox.advance(seconds)

    cli.on_sleep = on_sleep
    result = walk(cli, sandbox, BUSY, ANSWERS, "+46701239999", extra=("-o", "csv"))
    assert result.exit_code == 7
    first = calls(sandbox)[BUSY]["callId"]
    assert result.stdout.splitlines() == [
        "to,callId,status,result,reason,duration,error",
        f"{BUSY},{first},FINAL,BUSY,N/A,0,",
        f"{ANSWERS},,,,,,the callout may have been placed (HTTP 503); it was not retried to avoid calling twice"]
    assert result.stderr.splitlines()[2:] == [
        "error: the callout may have been placed (HTTP 503); it was not retried to avoid calling twice; 1 not called",
        "hint: check the phone or the call logs in the Sinch dashboard before sending it again"]
    assert [r["status"] for r in sandbox.requests() if r["method"] == "POST"] == [200, 503]  # no third, no retry


def test_ctrl_c_while_following_stops_the_walk_and_names_the_call(cli, sandbox):
    # The busy call is polled 4 times (3 sleeps); Ctrl-C comes at the first sleep of the second call.
    cli.on_sleep = interrupt_on_sleep(sandbox, 4)
    result = walk(cli, sandbox, BUSY, NOANSWER, ANSWERS, extra=("-o", "json"))
    assert result.exit_code == 130
    placed = calls(sandbox)
    second = placed[NOANSWER]["callId"]
    attempts = json.loads(result.stdout)
    assert [(a["to"], a["callId"], a["status"], a["result"]) for a in attempts] == [
        (BUSY, placed[BUSY]["callId"], "FINAL", "BUSY"), (NOANSWER, second, "ONGOING", "N/A")]
    assert attempts[1]["error"]["message"] == f"stopped following call {second}; it is still in progress (ringing)"
    assert result.stderr.splitlines()[1:3] == [
        line(2, 3, NOANSWER, "still going (ringing)", second),
        f"error: stopped following call {second}; it is still in progress (ringing); 1 not called"]
    assert posts(sandbox) == [BUSY, NOANSWER]


def test_ctrl_c_before_a_callout_leaves_exits_130_with_what_was_attempted(cli, sandbox, monkeypatch):
    from sinchvoice.client import VoiceClient

    placed = []
    original = VoiceClient.create_callout

    def create_callout(self, body):
        if placed:
            raise KeyboardInterrupt
        placed.append(body)
        return original(self, body)

    monkeypatch.setattr(VoiceClient, "create_callout", create_callout)
    cli.on_sleep = sandbox.advance
    result = walk(cli, sandbox, BUSY, ANSWERS, extra=("-q",))
    assert (result.exit_code, result.stdout) == (130, f"{calls(sandbox)[BUSY]['callId']}\n")
    assert result.stderr.splitlines()[-2:] == ["error: interrupted; 1 not called",
                                               "hint: every attempt's result is on stdout"]
    assert posts(sandbox) == [BUSY]


def test_a_call_still_going_at_the_wait_timeout_stops_the_walk_with_6(cli, sandbox):
    cli.on_sleep = sandbox.advance
    result = walk(cli, sandbox, NOANSWER, ANSWERS, extra=("--wait-timeout", "5"))
    assert result.exit_code == 6
    call_id = calls(sandbox)[NOANSWER]["callId"]
    assert result.stdout.splitlines()[1].startswith(f"{NOANSWER}  {call_id}  N/A")
    assert result.stderr.splitlines()[1] == (f"error: gave up waiting after 5 s: call {call_id} is still in progress "
                                             "(ringing); 1 not called")
    assert posts(sandbox) == [NOANSWER]  # nobody else rung while it may still be answered


def test_a_refused_destination_is_skipped_but_bad_credentials_stop_everyone(cli, sandbox):
    cli.on_sleep = sandbox.advance
    sandbox.fault(method="POST", path=CALLOUTS, status=400, count=1)
    result = walk(cli, sandbox, BUSY, ANSWERS)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == line(1, 2, BUSY, "refused: Injected fault (HTTP 400) "
                                                             "(errorCode 40000)")
    assert posts(sandbox) == [BUSY, ANSWERS]

    sandbox.reset()
    sandbox.fault(method="POST", path=CALLOUTS, status=401, count=1)
    result = walk(cli, sandbox, BUSY, ANSWERS)
    assert result.exit_code == 4
    assert result.stderr.splitlines()[1].endswith("; 1 not called")
    assert posts(sandbox) == [BUSY]


@pytest.mark.parametrize("args, error, hint", [
    (("callouts", "tts", "--to", BUSY, "--to", ANSWERS, "--text", "Hi"),
     "--to is given 2 times; a tts callout calls one destination",
     "add --until-answered to call them one at a time until one answers, or use `sinchvoice callouts batch FILE` "
     "to call everyone"),
    ((*WALK, "--to", BUSY, "--to", "0701234567"), None, None),
])
def test_bad_input_exits_2_and_calls_nobody(cli, sandbox, args, error, hint):
    result = run(cli, sandbox, *args)
    assert (result.exit_code, result.stdout) == (2, "")
    if error:
        assert result.stderr == f"error: {error}\nhint: {hint}\n"
    else:
        assert result.stderr.startswith("error: ") and "0701234567" in result.stderr
    assert sandbox.requests() == []


def test_dry_run_shows_every_callout_in_order_and_sends_nothing(cli, sandbox):
    result = walk(cli, sandbox, BUSY, ANSWERS, extra=("--dry-run",))
    assert result.exit_code == 0, result.stderr
    bodies = [json.loads("{" + part.split("\n{", 1)[1].split("\n}", 1)[0] + "\n}")
              for part in result.stdout.split(f"POST {sandbox.base_url}{CALLOUTS}")[1:]]
    assert [b["ttsCallout"]["destination"]["endpoint"] for b in bodies] == [BUSY, ANSWERS]
    assert result.stderr == ("dry run: 2 callouts shown, none sent; a real run places them one at a time, follows "
                             "each to its end and stops at the first that answers\n")
    assert sandbox.requests() == []


def test_a_field_the_layout_lacks_is_exit_2_before_anyone_is_called(cli, sandbox_spec):
    result = run(cli, sandbox_spec, "callouts", "tts", "--to", BUSY, "--to", ANSWERS, "--prompts", "#tts[Hi]",
                 "--until-answered")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("error: ttsCallout has no prompts in the spec layout\n")
    assert sandbox_spec.requests() == []
