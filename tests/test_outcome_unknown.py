"""Exit 7: a callout (or another request that is not safe to repeat) may have been carried out.

Exit 75 says "try again"; a script retrying on it after a callout that may have been placed rings the phone
twice. Once a callout is accepted, its call id reaches stdout (or, if stdout is gone, stderr) whatever happens.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT

FROM = "+46700000100"
TO = "+46701234567"
CALLOUTS = "/calling/v1/callouts"
CALLS = "/calling/v1/calls/id/"
PLACED = "error: the callout may have been placed ({}); it was not retried to avoid calling twice"
PLACED_HINT = "hint: check the phone or the call logs in the Sinch dashboard before sending it again"
TTS = ("callouts", "tts", "--to", TO, "--text", "Hi")


def run(cli, sandbox, *args, **kwargs):
    return cli(*args, env={**sandbox.env(), "SINCHVOICE_FROM": FROM}, **kwargs)


def calls(sandbox) -> list[dict]:
    return sandbox.state()["calls"]


# ---- a 2xx or 3xx that does not say what happened ------------------------------------------------------------

@pytest.mark.parametrize("fault, cause", [
    ({"status": 200, "body": ""}, "HTTP 200 with an empty body"),
    ({"status": 200, "body": "[]"}, "HTTP 200 with a JSON array where an object was expected"),
    ({"status": 200, "body": '"abc"'}, "HTTP 200 with a JSON string where an object was expected"),
    ({"status": 200, "body": "<html>OK</html>", "headers": {"Content-Type": "text/html"}},
     "HTTP 200 with a body that is not JSON"),
    ({"status": 201, "body": "{}"}, "the answer has no call id"),
    ({"status": 200, "body": '{"callId": ""}'}, "the answer has no call id"),
    ({"status": 200, "body": '{"callId": 42}'}, "the answer has no call id"),
    ({"status": 200, "body": '{"callId": "a\\nb"}'}, "the answer has no usable call id"),
    ({"status": 200, "body": '{"callId": ".."}'}, "the answer has no usable call id"),
    ({"status": 302, "headers": {"Location": "https://elsewhere.example/"}}, "HTTP 302 redirect, not followed"),
    ({"status": 307, "headers": {"Location": "/calling/v1/callouts"}}, "HTTP 307 redirect, not followed"),
    ({"status": 500, "body": "<html>oops</html>"}, "HTTP 500"),
])
@pytest.mark.parametrize("wait", [(), ("--wait",)])
def test_a_callout_answer_without_a_usable_call_id_is_exit_7(cli, sandbox, fault, cause, wait):
    sandbox.fault(method="POST", path=CALLOUTS, **fault)
    result = run(cli, sandbox, *TTS, *wait)
    assert (result.exit_code, result.stdout) == (7, "")
    assert result.stderr.splitlines() == [PLACED.format(cause), PLACED_HINT]
    assert [r["method"] for r in sandbox.requests()] == ["POST"]  # sent once, nothing followed


def test_the_live_spelling_callid_is_a_usable_call_id(cli, sandbox):
    sandbox.fault(method="POST", path=CALLOUTS, status=200, body='{"callid": "c-1"}')
    result = run(cli, sandbox, *TTS)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "c-1\n", "")


# ---- other requests that are not safe to repeat --------------------------------------------------------------

@pytest.mark.parametrize("fault, cause", [
    ({"status": 500}, "HTTP 500"),
    ({"status": 502}, "HTTP 502"),
    ({"status": 302, "headers": {"Location": "https://elsewhere.example/"}}, "HTTP 302 redirect, not followed"),
    ({"drop": True}, "no response"),
])
def test_svaml_sent_to_a_call_that_may_have_been_applied_is_exit_7(cli, sandbox, fault, cause):
    sandbox.fault(method="PATCH", path=f"{CALLS}*", **fault)
    result = run(cli, sandbox, "calls", "say", "c-1", "--text", "Hello")
    assert (result.exit_code, result.stdout) == (7, "")
    assert result.stderr.splitlines() == [
        f"error: PATCH {CALLS}c-1 may have been applied ({cause}); it was not retried because repeating it "
        "could act twice",
        "hint: check the current state (e.g. sinchvoice calls get CALL_ID) before sending it again"]
    assert len(sandbox.requests()) == 1


# ---- once accepted, the call id reaches stdout ---------------------------------------------------------------

def test_wait_whose_polling_fails_prints_the_call_id_and_exits_7(cli, sandbox):
    sandbox.fault(method="GET", path=f"{CALLS}*", status=503, count=-1)
    result = run(cli, sandbox, *TTS, "--wait")
    (call,) = calls(sandbox)
    call_id = call["callId"]
    assert (result.exit_code, result.stdout) == (7, f"{call_id}\n")
    assert result.stderr.splitlines()[-2:] == [
        f"error: call {call_id} was placed, but following it failed: Injected fault (HTTP 503) "
        "(errorCode 50300) after 4 attempts",
        f"hint: see how it is going with `sinchvoice calls get {call_id}`; do not place it again"]
    assert [r["method"] for r in sandbox.requests()] == ["POST"] + ["GET"] * 4  # the callout once


def test_wait_whose_polling_fails_later_prints_the_last_known_state(cli, sandbox):
    polls = []

    def on_sleep(seconds):
        polls.append(seconds)
        sandbox.advance(seconds)
        if len(polls) == 2:  # the third poll on fails for good
            sandbox.fault(method="GET", path=f"{CALLS}*", drop=True, count=-1)

    cli.on_sleep = on_sleep
    result = run(cli, sandbox, *TTS, "--wait", "-o", "json")
    (call,) = calls(sandbox)
    assert result.exit_code == 7
    shown = json.loads(result.stdout)
    assert (shown["callId"], shown["status"]) == (call["callId"], "ONGOING")
    error, hint, as_json = result.stderr.splitlines()[-3:]
    assert error.startswith(f"error: call {call['callId']} was placed, but following it failed: no response from ")
    assert json.loads(as_json)["error"]["message"] == error[len("error: "):]


@pytest.mark.parametrize("mode, stdout", [((), "{id}\n"), (("-o", "json"), '{{\n  "callId": "{id}"\n}}\n')])
def test_ctrl_c_after_the_callout_was_accepted_still_prints_the_call_id(cli, sandbox, monkeypatch, mode, stdout):
    from sinchvoice import history

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(history, "remember", interrupted)  # the first thing done after the answer
    result = run(cli, sandbox, *TTS, *mode)
    (call,) = calls(sandbox)
    call_id = call["callId"]
    assert (result.exit_code, result.stdout) == (130, stdout.format(id=call_id))
    assert result.stderr.splitlines()[:2] == [
        f"error: interrupted; call {call_id} was placed",
        f"hint: follow it with `sinchvoice calls get {call_id} --watch`, "
        f"or end it with `sinchvoice calls hangup {call_id}`"]


@pytest.mark.parametrize("wait", [(), ("--wait", "-o", "json")])
def test_a_stdout_closed_from_the_start_puts_the_call_id_on_stderr(sandbox, wait):
    import shlex

    command = shlex.join([sys.executable, "-m", "sinchvoice", *TTS, *wait]) + " >&-"  # fd 1 closed: no stdout
    proc = subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=subprocess_env(sandbox), text=True, timeout=60)
    (call,) = calls(sandbox)
    call_id = call["callId"]
    assert proc.returncode == 7, proc.stderr
    assert proc.stderr.splitlines()[:2] == [
        f"error: call {call_id} was placed, but its id could not be written to stdout (it is closed)",
        f"hint: see it with `sinchvoice calls get {call_id}`; do not place it again"]
    assert [r["method"] for r in sandbox.requests()] == ["POST"]  # not followed: nobody could see it


def pending_faults(sandbox) -> list:
    return httpx.get(f"{sandbox.base_url}/_sandbox/faults", trust_env=False).json()["faults"]


def subprocess_env(sandbox) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), **sandbox.env(), "SINCHVOICE_FROM": FROM}


def test_a_closed_stdout_puts_the_call_id_on_stderr(sandbox):
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: every write to stdout fails with EPIPE
    try:
        proc = subprocess.run([sys.executable, "-m", "sinchvoice", *TTS], stdout=write_end, stderr=subprocess.PIPE,
                              env=subprocess_env(sandbox), text=True, timeout=60)
    finally:
        os.close(write_end)
    (call,) = calls(sandbox)
    call_id = call["callId"]
    assert proc.returncode == 7, proc.stderr
    assert proc.stderr.splitlines()[:2] == [
        f"error: call {call_id} was placed, but its id could not be written to stdout (it is closed)",
        f"hint: see it with `sinchvoice calls get {call_id}`; do not place it again"]


IN_FLIGHT = [
    (TTS, "POST", CALLOUTS, ["error: interrupted after the callout was sent: the call may have been placed",
                             PLACED_HINT]),
    (("calls", "say", "c-1", "--text", "Hi"), "PATCH", f"{CALLS}c-1",
     [f"error: interrupted after PATCH {CALLS}c-1 was sent: it may have been applied",
      "hint: check the current state (e.g. sinchvoice calls get CALL_ID) before sending it again"]),
]


@pytest.mark.parametrize("command, method, path, stderr", IN_FLIGHT)
def test_ctrl_c_while_a_write_is_in_flight_says_it_may_have_been_done(sandbox, command, method, path, stderr):
    # The sandbox holds the request for 5 s; Ctrl-C arrives once it has reached the sandbox.
    sandbox.fault(method=method, path=path, delay=5)
    proc = subprocess.Popen([sys.executable, "-m", "sinchvoice", *command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=subprocess_env(sandbox), text=True)
    try:
        deadline = time.monotonic() + 30
        while pending_faults(sandbox):  # the rule is spent once the request has arrived
            assert time.monotonic() < deadline and proc.poll() is None, "the request never reached the sandbox"
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        stdout, stderr_text = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert (proc.returncode, stdout, stderr_text.splitlines()) == (7, "", stderr)
    deadline = time.monotonic() + 30
    while not sandbox.requests():  # and the sandbox goes on with it once its delay is over
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert [(r["method"], r["path"]) for r in sandbox.requests()] == [(method, path)]


def test_ctrl_c_while_a_rejected_callout_waits_to_be_retried_is_a_plain_interrupt(cli, sandbox):
    """A 429 was not processed: nothing may have been placed, so this is 130 (safe to run again), not 7."""
    sandbox.fault(method="POST", path=CALLOUTS, status=429, retryAfter=1)

    def ctrl_c(seconds):
        raise KeyboardInterrupt

    cli.on_sleep = ctrl_c
    result = run(cli, sandbox, *TTS)
    assert (result.exit_code, result.stdout) == (130, "")
    assert result.stderr.splitlines()[-1] == "interrupted"
    assert [r["status"] for r in sandbox.requests()] == [429]
    assert calls(sandbox) == []
