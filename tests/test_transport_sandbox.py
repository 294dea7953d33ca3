"""The HTTP core against the real sandbox: retries, Retry-After, timeouts, auth verification, raw requests."""

import json

import pytest

from tests.conftest import SENTINEL_SECRET

NUMBERS = "/calling/v1/configuration/numbers"


def api_paths(sandbox):
    return [(r["method"], r["path"]) for r in sandbox.requests()]


def test_api_get_prints_the_body(cli, sandbox):
    result = cli("api", "GET", NUMBERS, env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert [n["number"] for n in body["numbers"]] == ["+46700000100", "+46700000101", "+46700000102",
                                                      "+46700000103"]
    assert api_paths(sandbox) == [("GET", NUMBERS)]
    assert sandbox.requests()[0]["auth"] == "signed"


def test_basic_auth_reaches_the_sandbox(cli, sandbox):
    result = cli("--auth", "basic", "api", "GET", NUMBERS, env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert sandbox.requests()[0]["auth"] == "basic"


def test_idempotent_request_retries_503_then_succeeds(cli, sandbox):
    sandbox.fault(method="GET", path=NUMBERS, status=503, count=2)
    result = cli("api", "GET", NUMBERS, env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert api_paths(sandbox) == [("GET", NUMBERS)] * 3
    assert len(result.sleeps) == 2 and all(0.25 <= s <= 1.0 for s in result.sleeps)


def test_retry_after_is_honoured(cli, sandbox):
    sandbox.fault(method="GET", path=NUMBERS, status=429, retryAfter=7, count=1)
    result = cli("-v", "api", "GET", NUMBERS, env=sandbox.env())
    assert result.exit_code == 0
    assert result.sleeps == [7.0]
    assert "retrying in 7.0 s (HTTP 429)" in result.stderr


def test_retry_after_beyond_the_cap_exits_75_without_waiting(cli, sandbox):
    sandbox.fault(method="GET", path=NUMBERS, status=503, retryAfter=3600, count=1)
    result = cli("api", "GET", NUMBERS, env=sandbox.env())
    assert result.exit_code == 75
    assert result.sleeps == []
    assert result.stderr.splitlines() == [
        "error: the API asked to wait 3600 s before retrying (HTTP 503); not waiting that long",
        "hint: try again in 3600 s"]
    assert len(sandbox.requests()) == 1


def test_persistent_503_gives_up_after_four_attempts(cli, sandbox):
    sandbox.fault(method="GET", path=NUMBERS, status=503, count=-1)
    result = cli("api", "GET", NUMBERS, env=sandbox.env())
    assert result.exit_code == 75
    assert len(sandbox.requests()) == 4
    lines = result.stderr.splitlines()
    assert lines[:3] == [f"retrying in {s:.1f} s (HTTP 503)" for s in result.sleeps]
    assert lines[3] == "error: Injected fault (HTTP 503): HTTP 503 (errorCode 50300) after 4 attempts"


def test_500_is_not_retried(cli, sandbox):
    sandbox.fault(method="GET", path=NUMBERS, status=500, count=1)
    assert cli("api", "GET", NUMBERS, env=sandbox.env()).exit_code == 75
    assert len(sandbox.requests()) == 1


def test_callout_5xx_is_never_replayed(cli, sandbox):
    sandbox.fault(method="POST", path="/calling/v1/callouts", status=503, count=1)
    body = {"method": "ttsCallout", "ttsCallout": {"cli": "+46700000009", "text": "hi",
                                                   "destination": {"type": "number", "endpoint": "+46701234567"}}}
    result = cli("api", "POST", "/calling/v1/callouts", "--data", json.dumps(body), env=sandbox.env())
    assert result.exit_code == 75
    assert "may have been placed" in result.stderr
    assert len(sandbox.requests()) == 1


def test_read_timeout_on_get_is_retried(cli, sandbox):
    sandbox.fault(method="GET", path=NUMBERS, delay=1.0, count=1)
    result = cli("--timeout", "0.3", "api", "GET", NUMBERS, env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert len(result.sleeps) == 1


def test_unknown_call_is_exit_3_with_sinch_error(cli, sandbox):
    result = cli("-o", "json", "api", "GET", "/calling/v1/calls/id/nope", env=sandbox.env())
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and lines[0].endswith("HTTP 404 (errorCode 40400)")
    error = json.loads(lines[-1])["error"]
    assert (error["httpStatus"], error["errorCode"]) == (404, 40400)
    assert error["reference"]


def test_wrong_secret_is_exit_4(cli, sandbox):
    env = {**sandbox.env(), "SINCH_APPLICATION_SECRET": SENTINEL_SECRET}
    result = cli("-v", "api", "GET", NUMBERS, env=env)
    assert result.exit_code == 4
    assert "HTTP 401 (errorCode 40108)" in result.stderr
    assert SENTINEL_SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("secret, exit_code, stored", [("c2FuZGJveHNlY3JldA==", 0, True), (SENTINEL_SECRET, 4, False)])
def test_login_verifies_with_one_request(cli, sandbox, isolated, secret, exit_code, stored):
    result = cli("--base-url", sandbox.base_url, "auth", "login", "--key", sandbox.key, "--secret-stdin",
                 input=secret + "\n")
    assert result.exit_code == exit_code, result.stderr
    assert api_paths(sandbox) == [("GET", NUMBERS)]
    assert (("sinchvoice", "default") in isolated.passwords) is stored
    if stored:  # the base URL is kept in the profile, so later commands reach the sandbox without env vars
        assert cli("api", "GET", NUMBERS).exit_code == 0


def test_a_dropped_svaml_update_is_not_retried_and_says_it_may_have_been_applied(cli, sandbox):
    with sandbox.client() as api:
        call_id = api.post("/calling/v1/callouts", json={"method": "customCallout", "customCallout": {
            "cli": "+46700000009", "destination": {"type": "number", "endpoint": "+46701234567"},
            "ice": '{"action": {"name": "continue"}}'}}).json()["callId"]
    path = f"/calling/v1/calls/id/{call_id}"
    sandbox.fault(method="PATCH", path=path, drop=True, count=1)
    data = '{"instructions": [{"name": "say", "text": "hi"}], "action": {"name": "continue"}}'
    result = cli("api", "PATCH", path, "--data", data, env=sandbox.env())
    assert result.exit_code == 75
    assert result.stderr.splitlines() == [
        f"error: PATCH {path} may have been applied (no response); it was not retried because repeating it "
        "could act twice",
        "hint: check the current state (e.g. sinchvoice calls get CALL_ID) before sending it again"]
    assert [r["method"] for r in sandbox.requests()] == ["POST", "PATCH"]
