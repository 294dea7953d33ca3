"""Fault injection, dropped connections, concurrency, the control surface and import hygiene."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from sinchvoice.sandbox.app import Sandbox
from sinchvoice.sandbox.clock import ManualClock, RealClock
from sinchvoice.sandbox.server import bind, run_in_thread
from tests.sandbox_support import callout, tts

CALLOUTS = "/calling/v1/callouts"


@pytest.fixture
def client(sandbox):
    with sandbox.client("signed") as client:
        yield client


def test_503_twice_then_ok(sandbox, client):
    rule = sandbox.fault(method="POST", path=CALLOUTS, status=503, retryAfter=2, count=2)
    assert (rule["status"], rule["count"], rule["retryAfter"]) == (503, 2, 2)
    responses = [client.post(CALLOUTS, json=tts()) for _ in range(3)]
    assert [r.status_code for r in responses] == [503, 503, 200]
    assert [r.headers.get("retry-after") for r in responses] == ["2", "2", None]
    assert responses[0].json()["errorCode"] == 50300
    assert [(r["status"], r["fault"]) for r in sandbox.requests()] == [
        (503, "status"),
        (503, "status"),
        (200, None),
    ]
    assert len(sandbox.state()["calls"]) == 1  # faulted requests were not processed
    assert client.get("/_sandbox/faults").json() == {"faults": []}  # the spent rule is gone


def test_faults_match_method_and_path_globs(sandbox, client):
    sandbox.fault(method="GET", path="/calling/v1/calls/id/*", status=429, count=-1)
    assert client.post(CALLOUTS, json=tts()).status_code == 200
    for _ in range(3):
        response = client.get("/calling/v1/calls/id/whatever")
        assert response.status_code == 429 and "errorCode" not in response.json()
    sandbox.clear_faults()
    assert client.get("/calling/v1/calls/id/whatever").status_code == 404


def test_delay_then_normal_answer(sandbox, client):
    sandbox.fault(path="/calling/v1/configuration/numbers", delay=0.3)
    started = time.perf_counter()
    assert client.get("/calling/v1/configuration/numbers").status_code == 200
    assert time.perf_counter() - started >= 0.3
    assert sandbox.requests()[-1]["fault"] == "delay"


def test_delay_trips_a_client_timeout(sandbox):
    sandbox.fault(path=CALLOUTS, delay=1.0)
    with sandbox.client("basic", timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        client.post(CALLOUTS, json=tts())


def test_dropped_callout_was_still_processed(sandbox, client):
    sandbox.fault(method="POST", path=CALLOUTS, drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(CALLOUTS, json=tts())
    (call,) = sandbox.state()["calls"]
    (entry,) = sandbox.requests()
    assert (entry["status"], entry["fault"], entry["response"]) == (200, "drop", {"callId": call["callId"]})
    assert client.post(CALLOUTS, json=tts()).status_code == 200  # the rule fired once


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({}, "needs status, delay or drop"),
        ({"status": 199}, "between 200 and 599"),
        ({"status": 503, "drop": True}, "exclude each other"),
        ({"delay": -1}, "between 0 and 60"),
        ({"status": 500, "count": 0}, "count must be"),
        ({"status": 500, "colour": "red"}, "unknown fault fields: colour"),
    ],
)
def test_bad_fault_rules_are_rejected(sandbox, rule, message):
    response = httpx.post(sandbox.base_url + "/_sandbox/faults", json=rule, trust_env=False)
    assert response.status_code == 400 and message in response.json()["message"]


def test_fifty_parallel_callouts_get_distinct_ids(sandbox):
    def one(_):
        with sandbox.client("signed") as client:
            return callout(client, tts())

    with ThreadPoolExecutor(max_workers=50) as pool:
        ids = list(pool.map(one, range(50)))
    assert len(set(ids)) == 50
    assert sorted(c["callId"] for c in sandbox.state()["calls"]) == sorted(ids)
    assert len(sandbox.requests()) == 50


def test_reset_restores_the_seeded_world(sandbox, client):
    client.delete("/calling/v1/configuration/numbers/+46700000100")
    callout(client, tts())
    sandbox.fault(path="/x", status=500)
    sandbox.advance(10)
    sandbox.reset()
    state = sandbox.state()
    assert (state["calls"], state["clock"]["now"], sandbox.requests()) == ([], 0.0, [])
    assert state["numbers"][0]["applicationkey"] == sandbox.key
    assert client.get("/_sandbox/faults").json() == {"faults": []}


def test_control_errors(sandbox):
    base = sandbox.base_url + "/_sandbox/"
    assert httpx.get(base + "nope", trust_env=False).status_code == 404
    assert httpx.get(base + "reset", trust_env=False).status_code == 405
    for body in ({"seconds": -1}, {"seconds": "1"}, {}):
        assert httpx.post(base + "clock/advance", json=body, trust_env=False).status_code == 400
    assert httpx.post(base + "clock/advance", content=b"{", trust_env=False).status_code == 400


def test_advance_needs_a_manual_clock():
    with run_in_thread(clock=RealClock(speed=100)) as running:
        response = httpx.post(
            running.base_url + "/_sandbox/clock/advance", json={"seconds": 1}, trust_env=False
        )
        assert response.status_code == 409


def test_real_clock_with_speed_moves_calls_on_its_own():
    with run_in_thread(clock=RealClock(speed=200), seed=7) as running:
        with httpx.Client(
            base_url=running.base_url, auth=(running.key, running.secret), trust_env=False
        ) as c:
            call_id = callout(c, tts(text="short"))
            deadline = time.monotonic() + 5
            while c.get(f"/calling/v1/calls/id/{call_id}").json()["status"] != "FINAL":
                assert time.monotonic() < deadline
                time.sleep(0.01)
            assert c.get(f"/calling/v1/calls/id/{call_id}").json()["reason"] == "CALLERHANGUP"


def test_control_routes_refuse_remote_clients():
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    import asyncio

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/_sandbox/state",
        "headers": [],
        "query_string": b"",
        "client": ("192.0.2.10", 5555),
    }
    asyncio.run(Sandbox(clock=ManualClock())(scope, receive, send))
    assert sent[0]["status"] == 403


def test_binding_a_remote_address_needs_allow_remote():
    with pytest.raises(ValueError, match="not a loopback address"):
        bind("0.0.0.0", 0)


def test_sandbox_never_imports_the_cli():
    code = (
        "import sys, sinchvoice.sandbox.app, sinchvoice.sandbox.server; "
        "print([m for m in sys.modules if m == 'sinchvoice.cli' or m.startswith('sinchvoice.commands')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_package_init_and_command_module_stay_light():
    code = (
        "import sys, sinchvoice.sandbox, sinchvoice.commands.sandbox.commands; "
        "print(sorted({'httpx', 'starlette', 'uvicorn', 'jsonschema', 'anyio'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_request_delayed_across_a_reset_is_discarded(sandbox):
    sandbox.fault(path=CALLOUTS, delay=0.5)
    with sandbox.client("basic", timeout=0.1) as client, pytest.raises(httpx.ReadTimeout):
        client.post(CALLOUTS, json=tts())
    sandbox.reset()
    time.sleep(0.6)
    assert (sandbox.state()["calls"], sandbox.requests()) == ([], [])


def test_a_bug_in_a_handler_answers_500_50000_not_a_traceback():
    with run_in_thread(clock=ManualClock()) as running:

        def broken(params, body):
            raise RuntimeError("boom")

        running.app.api.routes[4][1]["GET"] = broken
        with httpx.Client(
            base_url=running.base_url, auth=(running.key, running.secret), trust_env=False
        ) as c:
            response = c.get("/calling/v1/configuration/numbers")
        assert (response.status_code, response.json()["errorCode"]) == (500, 50000)
        assert "boom" not in response.text


@pytest.mark.parametrize("rule", [
    b'{"status": 503, "retryAfter": NaN}', b'{"status": 503, "retryAfter": -1}', b'{"status": 503, "retryAfter": true}',
    b"[" * 5000 + b"]" * 5000,
])
def test_bad_fault_rules_are_400_not_500(sandbox, rule):
    response = httpx.post(f"{sandbox.base_url}/_sandbox/faults", content=rule, trust_env=False)
    assert (response.status_code, response.json()["errorCode"]) == (400, 40001)
