"""The HTTP core against the real sandbox: retries, Retry-After, timeouts, auth verification, raw requests."""

import json

import pytest

from tests.conftest import SENTINEL_SECRET

NUMBERS = "/v1/configuration/numbers"  # the live layout's, on the configuration host (here: the same port)


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
    assert lines[3] == "error: Injected fault (HTTP 503) (errorCode 50300) after 4 attempts"


def test_500_is_not_retried(cli, sandbox):
    sandbox.fault(method="GET", path=NUMBERS, status=500, count=1)
    assert cli("api", "GET", NUMBERS, env=sandbox.env()).exit_code == 75
    assert len(sandbox.requests()) == 1


def test_callout_5xx_is_never_replayed(cli, sandbox):
    sandbox.fault(method="POST", path="/calling/v1/callouts", status=503, count=1)
    body = {"method": "ttsCallout", "ttsCallout": {"cli": "+46700000009", "text": "hi",
                                                   "destination": {"type": "number", "endpoint": "+46701234567"}}}
    result = cli("api", "POST", "/calling/v1/callouts", "--data", json.dumps(body), env=sandbox.env())
    assert result.exit_code == 7
    assert "may have been placed" in result.stderr
    assert len(sandbox.requests()) == 1


TTS = {"method": "ttsCallout", "ttsCallout": {"cli": "+46700000009", "text": "hi",
                                              "destination": {"type": "number", "endpoint": "+46701234567"}}}


# (paths with dot segments never get this far: `api` refuses them, see below; the policy table covers them)
@pytest.mark.parametrize("path", ["/calling/v1/callouts?next=/configuration/", "/calling/v1/callouts/",
                                  "/calling/v1/callouts?then=/calling/v1/configuration/numbers"])
@pytest.mark.parametrize("fault", [{"drop": True, "count": -1}, {"status": 503, "count": -1}])
def test_a_raw_callout_is_sent_once_whatever_its_path_looks_like(cli, sandbox, path, fault):
    """The query once made it look like a configuration write: 4 attempts, 4 phones ringing."""
    sandbox.fault(method="POST", path="/calling/v1/*", **fault)
    result = cli("api", "POST", path, "--data", json.dumps(TTS), env=sandbox.env())
    assert result.exit_code == 7, result.stderr
    assert result.stderr.startswith("error: the callout may have been placed (")
    assert len(sandbox.requests()) == 1
    assert result.sleeps == []


def test_a_configuration_write_with_a_callouts_query_is_still_retried(cli, sandbox):
    path = "/calling/v1/configuration/numbers/+46700000102"
    sandbox.fault(method="POST", path=path, status=503, count=1)
    data = json.dumps({"capability": "voice"})
    result = cli("api", "POST", f"{path}?then=/callouts", "--data", data, env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in sandbox.requests()] == [503, 200]


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
    assert result.exit_code == 7
    assert result.stderr.splitlines() == [
        f"error: PATCH {path} may have been applied (no response); it was not retried because repeating it "
        "could act twice",
        "hint: check the current state (e.g. sinchvoice calls get CALL_ID) before sending it again"]
    assert [r["method"] for r in sandbox.requests()] == ["POST", "PATCH"]


# ---- a DELETE whose answer was lost: the retry's 404 means it was done ---------------------------------------

CONFERENCE = "/calling/v1/conferences/id/standup"


@pytest.mark.parametrize("fault", [{"drop": True}, {"status": 502}, {"status": 504}])
def test_a_kick_whose_answer_was_lost_is_reported_kicked(cli, sandbox, fault):
    from tests.test_conferences import join, participant_state

    a, b = join(sandbox, "+46701000011", "+46701000012")
    mark = len(sandbox.requests())
    if fault == {"drop": True}:
        sandbox.fault(method="DELETE", path=f"{CONFERENCE}/{a}", drop=True)  # processed, then cut off
    else:  # a gateway that timed out waiting for a server that did the work: the kick happens, the 5xx comes back
        with sandbox.client() as api:
            assert api.delete(f"{CONFERENCE}/{a}").status_code < 300
        mark += 1
        sandbox.fault(method="DELETE", path=f"{CONFERENCE}/{a}", **fault)
    result = cli("-v", "conferences", "kick", "standup", a, "--yes", "-o", "json", env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"callId": a, "outcome": "kicked", "detail": ""}]
    assert "< 404 on a retry after a lost answer: the earlier attempt did it" in result.stderr.splitlines()
    assert [r["method"] for r in sandbox.requests()[mark:]] == ["DELETE", "DELETE"]
    assert sandbox.requests()[-1]["status"] == 404
    assert list(participant_state(sandbox)) == [b]


def test_a_kick_all_whose_answer_was_lost_is_reported_done(cli, sandbox):
    from tests.test_conferences import join

    join(sandbox, "+46701000011", "+46701000012")
    sandbox.fault(method="DELETE", path=CONFERENCE, drop=True)
    result = cli("conferences", "kick-all", "standup", "--yes", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines()[-1] == "Kicked everyone from conference standup; it has ended"
    assert [(r["method"], r["status"]) for r in sandbox.requests()][-2:] == [("DELETE", 200), ("DELETE", 404)]


def test_an_unassign_whose_answer_was_lost_is_reported_unassigned(cli, any_sandbox):
    sandbox = any_sandbox
    # The contract deletes the number's resource; the platform takes a body on the numbers path.
    number = {"live": NUMBERS, "spec": "/calling/v1/configuration/numbers/+46700000100"}[sandbox.layout]
    sandbox.fault(method="DELETE", path=number, drop=True)  # processed, then cut off
    sandbox.fault(method="DELETE", path=number, status=404)  # a platform that says "not assigned" to the retry
    result = cli("applications", "numbers", "unassign", "+46700000100", "--yes", "-o", "json", env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"number": "+46700000100", "outcome": "unassigned", "detail": ""}]
    assert [(r["method"], r["fault"]) for r in sandbox.requests()] == [("GET", None), ("DELETE", "drop"),
                                                                       ("DELETE", "status")]
    held = {n["number"]: n for n in sandbox.state()["numbers"]}["+46700000100"]
    assert set(held) == {"number", "capability"}


def test_a_404_without_a_lost_answer_is_still_not_found(cli, sandbox):
    sandbox.fault(method="DELETE", path=f"{CONFERENCE}/*", status=429, retryAfter=0)  # rejected, not processed
    result = cli("conferences", "kick-all", "standup", "--yes", env=sandbox.env())
    assert result.exit_code == 3
    assert [r["status"] for r in sandbox.requests()] == [404]  # the glob did not match kick-all's path
    result = cli("conferences", "kick", "standup", "ghost", "--yes", env=sandbox.env())
    assert result.exit_code == 3
    assert [r["status"] for r in sandbox.requests()][1:] == [429, 404, 404]  # then the GET that names the conference


# ---- a password in --base-url is never shown --------------------------------------------------------------------

def test_credentials_in_the_base_url_are_redacted_in_traces_dry_runs_and_errors(cli, sandbox):
    host = sandbox.base_url.removeprefix("http://")
    env = {**sandbox.env(), "SINCHVOICE_BASE_URL": f"http://operator:Pa55word@{host}"}
    traced = cli("-v", "api", "GET", NUMBERS, env=env)
    assert traced.exit_code == 0, traced.stderr
    assert f"> GET http://{host}{NUMBERS}" in traced.stderr.splitlines()  # userinfo never goes on the wire
    dry = cli("--dry-run", "calls", "hangup", "c-1", env=env)
    assert dry.stdout.splitlines()[0] == f"PATCH http://{host}/calling/v1/calls/id/c-1"
    from tests.sandbox_support import closed_port_url

    dead = closed_port_url().removesuffix("/dead").replace("http://", "http://operator:Pa55word@")
    refused = cli("api", "GET", NUMBERS, env={**env, "SINCHVOICE_BASE_URL": dead})
    assert refused.exit_code == 75
    assert refused.stderr.splitlines()[-2] == (
        f"error: could not connect to {dead.replace('Pa55word', '<redacted>')}: connection refused (nothing listens "
        "there)")
    remote = cli("api", "GET", NUMBERS, env={**env, "SINCHVOICE_BASE_URL": "http://operator:Pa55word@10.0.0.1"})
    assert (remote.exit_code, remote.stderr.splitlines()[0]) == (
        2, "error: --base-url 'http://operator:<redacted>@10.0.0.1' uses http:// on a non-loopback host")
    token = cli("api", "GET", NUMBERS, env={**env, "SINCHVOICE_BASE_URL": "ftp://Pa55word@10.0.0.1"})
    assert token.stderr.splitlines()[0] == ("error: --base-url 'ftp://<redacted>@10.0.0.1' is not an absolute "
                                            "https:// URL")
    for result in (traced, dry, refused, remote, token):
        assert "Pa55word" not in result.stdout + result.stderr


# ---- a server that answers nonsense -----------------------------------------------------------------------------

CALL = "/calling/v1/calls/id/c-1"
CHECK = "hint: run with --verbose to see the exchange; check that --base-url (or --region) is the Sinch API"


@pytest.mark.parametrize("command, path, fault, error", [
    (("calls", "get", "c-1"), CALL, {"status": 200, "body": ""},
     "the API answered HTTP 200 with an empty body"),
    (("calls", "get", "c-1"), CALL, {"status": 200, "body": "[]"},
     "the API answered HTTP 200 with a JSON array where an object was expected"),
    (("calls", "get", "c-1", "--watch"), CALL, {"status": 200, "body": "null"},
     "the API answered HTTP 200 with a JSON null where an object was expected"),
    (("conferences", "get", "standup"), CONFERENCE, {"status": 200, "body": '"standup"'},
     "the API answered HTTP 200 with a JSON string where an object was expected"),
    (("applications", "numbers", "list"), NUMBERS, {"status": 203, "body": "<html>login</html>"},
     "the API answered HTTP 203 with a body that is not JSON"),
    (("applications", "callbacks", "get"), "/v1/configuration/callbacks/applications/*",
     {"status": 200, "body": "[" * 10000}, "the API answered HTTP 200 with a body that is not JSON"),
])
def test_a_read_answered_with_the_wrong_shape_is_a_clear_error(cli, sandbox, command, path, fault, error):
    sandbox.fault(method="GET", path=path, **fault)
    result = cli(*command, env=sandbox.env())
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [f"error: {error}", CHECK]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_not_a_success(cli, sandbox, status):
    sandbox.fault(method="GET", path=NUMBERS, status=status, headers={"Location": "https://elsewhere.example/numbers"})
    result = cli("applications", "numbers", "list", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"error: the API answered HTTP {status} (a redirect to https://elsewhere.example/numbers), which the CLI "
        "does not follow",
        "hint: check --base-url or --region: the Sinch API answers directly, without redirects"]
    assert len(sandbox.requests()) == 1


@pytest.mark.parametrize("duration, shown", [("abc", "abc"), (12.7, "0:12"), ("75", "1:15"), (-5, "-5"),
                                              ("1e999", "inf"), (10**30, "16666666666666666666666666666:40")])
def test_a_duration_that_is_not_whole_seconds_is_shown_as_given(cli, sandbox, duration, shown):
    raw = duration if duration == "1e999" else json.dumps(duration)
    sandbox.fault(method="GET", path=CALL, status=200, body=f'{{"callId": "c-1", "status": "ONGOING", '
                                                            f'"result": "ANSWERED", "duration": {raw}}}')
    result = cli("calls", "get", "c-1", env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert f"duration  {shown}" in result.stdout.splitlines()


# ---- api: a raw path goes out as written, or not at all -----------------------------------------------------------

PATH_HINT = "hint: e.g. /v1/configuration/numbers; encode reserved characters (%23 for #)"


@pytest.mark.parametrize("path, error", [
    ("/calling/v1/conferences/id/standup/..", "path '/calling/v1/conferences/id/standup/..' has a '.' or '..' "
                                              "segment, which would be folded away and send the request elsewhere"),
    ("/calling/v1/conferences/id/./standup", "path '/calling/v1/conferences/id/./standup' has a '.' or '..' "
                                             "segment, which would be folded away and send the request elsewhere"),
    ("/calling/v1/conferences/id/standup/%2e%2E", "path '/calling/v1/conferences/id/standup/%2e%2E' has a '.' or "
                                                  "'..' segment, which would be folded away and send the request "
                                                  "elsewhere"),
    ("/calling/v1/conferences/id/a#b", "path '/calling/v1/conferences/id/a#b' has a '#': what follows it would "
                                       "not be sent"),
    ("/calling/v1/calls/id/a\nb", "path '/calling/v1/calls/id/a\\nb' has control characters"),
    ("/calling/v1/calls/id/a\x7f", "path '/calling/v1/calls/id/a\\x7f' has control characters"),
    ("/" + "x" * 8192, "the path is 8193 characters long; at most 8192 are sent"),
])
@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)])
def test_api_refuses_a_path_that_would_not_go_out_as_written(cli, sandbox, path, error, dry_run):
    result = cli(*dry_run, "api", "DELETE", path, env=sandbox.env())
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"error: {error}", PATH_HINT]
    assert sandbox.requests() == []


def test_api_sends_dots_inside_a_segment_and_encoded_characters_as_written(cli, sandbox):
    result = cli("-v", "api", "GET", "/calling/v1/calls/id/a..b%2Fc%23d?x=%2e", env=sandbox.env())
    assert result.exit_code == 3
    assert f"> GET {sandbox.base_url}/calling/v1/calls/id/a..b%2Fc%23d?x=%2e" in result.stderr.splitlines()
    assert [(r["path"], r["query"]) for r in sandbox.requests()] == [("/calling/v1/calls/id/a..b/c#d", "x=%2e")]


@pytest.mark.parametrize("path", ["/a\x00b", "/" + "x" * 70000])
def test_a_url_httpx_refuses_is_a_usage_error_not_a_crash(sandbox, path):
    """The last line behind the commands' own checks: the transport itself never lets InvalidURL escape."""
    from types import SimpleNamespace

    from sinchvoice.errors import UsageError
    from sinchvoice.transport import Transport

    credentials = SimpleNamespace(key=sandbox.key, secret=sandbox.secret)
    for dry_run in (False, True):
        transport = Transport(base_url=sandbox.base_url, credentials=credentials, auth_scheme="basic", timeout=5,
                              dry_run=dry_run)
        with pytest.raises(UsageError) as raised:
            transport.request("GET", path)
        transport.close()
        assert raised.value.message.startswith("cannot send GET /")
        assert "\n" not in raised.value.message and len(raised.value.message) < 300
    assert sandbox.requests() == []


def test_a_refused_loopback_connection_fails_at_once_naming_the_sandbox(cli, sandbox):
    """Nothing listens on this machine's port: no 3 s of retries, and the hint says what to start."""
    from tests.sandbox_support import closed_port_url

    dead = closed_port_url().rsplit("/", 1)[0]
    result = cli("calls", "get", "c-1", env={**sandbox.env(), "SINCHVOICE_BASE_URL": dead})
    assert (result.exit_code, result.stdout, result.sleeps) == (75, "", [])
    assert result.stderr.splitlines() == [
        f"error: could not connect to {dead}: connection refused (nothing listens there)",
        "hint: start the sandbox with `sinchvoice sandbox`, or check --base-url"]
