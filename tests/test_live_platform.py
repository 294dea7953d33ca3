"""Issue 12's "done when": the CLI against a server that serves only the live layout, with configuration on its
own host (tests/live_platform.py). Every command below succeeds and sends exactly the platform's shapes; a request
to the wrong host, or in the contract's layout, would be refused and fail the test."""

from __future__ import annotations

import json

import pytest

from sinchvoice.sandbox.numbers import extra_number
from tests.live_platform import live_platform

KEY = "11111111-2222-4333-8444-555555555555"
FROM = "+46700000100"
TO = "+46701234567"
NUMBERS = "/v1/configuration/numbers"
CALLBACKS = f"/v1/configuration/callbacks/applications/{KEY}"
CALLOUTS = "/calling/v1/callouts"


@pytest.fixture(scope="module")
def shared_platform():
    with live_platform(numbers=600) as platform:
        yield platform


@pytest.fixture
def platform(shared_platform):
    shared_platform.reset()
    yield shared_platform
    assert shared_platform.refused == [], "a request went to the wrong host"


def run(cli, platform, *args, **kwargs):
    return cli(*args, env={**platform.env(), "SINCHVOICE_FROM": FROM}, **kwargs)


def test_login_verifies_on_the_configuration_host_and_saves_both_hosts(cli, platform):
    result = cli("--base-url", platform.base_url, "--config-base-url", platform.config_url, "auth", "login",
                 "--key", KEY, "--secret-stdin", input=platform.secret + "\n")
    assert result.exit_code == 0, result.stderr
    assert platform.sent() == [("GET", "config", NUMBERS, None)]
    status = json.loads(cli("auth", "status", "-o", "json").stdout)  # the profile alone: no environment
    assert (status["baseUrl"], status["configBaseUrl"], status["apiLayout"]) == (
        platform.base_url, platform.config_url, "live")
    listed = cli("applications", "numbers", "list", "-q")
    assert (listed.exit_code, listed.stdout.split()[:2]) == (0, ["+46700000100", "+46700000101"])
    assert platform.sent()[-1] == ("GET", "config", NUMBERS, None)


def test_numbers_list_and_get_read_the_list(cli, platform):
    listed = run(cli, platform, "applications", "numbers", "list", "--app", KEY, "-o", "csv")
    assert listed.stdout.splitlines() == ["number,applicationKey,capability", f"+46700000100,{KEY},voice",
                                          f"+46700000101,{KEY},voice", f"+46700000103,{KEY},sms"]
    got = run(cli, platform, "applications", "numbers", "get", "+46700000103", "-o", "json")
    assert json.loads(got.stdout) == {"number": "+46700000103", "applicationkey": KEY, "capability": "sms"}
    missing = run(cli, platform, "applications", "numbers", "get", "+46799999999")
    assert (missing.exit_code, missing.stderr.splitlines()) == (3, [
        "error: number +46799999999 not found", "hint: see `sinchvoice applications numbers list`"])
    assert platform.sent() == [("GET", "config", NUMBERS, None)] * 3


def test_assigning_500_numbers_costs_7_requests(cli, platform):
    wanted = [extra_number(i) for i in range(500)]
    result = run(cli, platform, "applications", "numbers", "assign", "--from-file", "-", "-q",
                 input="\n".join(wanted) + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == wanted
    sent = platform.sent()
    assert [(method, host, path) for method, host, path, _ in sent] == [
        ("GET", "config", NUMBERS), *[("POST", "config", NUMBERS)] * 5, ("GET", "config", NUMBERS)]
    # the five go --concurrency at a time, so they may arrive in any order
    assert sorted((body for _, _, _, body in sent[1:6]), key=lambda body: body["numbers"][0]) == [
        {"numbers": wanted[start:start + 100], "applicationkey": KEY} for start in range(0, 500, 100)]
    held = {n["number"]: n for n in platform.state()["numbers"]}
    assert all(held[number].get("applicationkey") == KEY for number in wanted)


def test_assign_reports_each_outcome_from_what_the_platform_holds(cli, platform):
    result = run(cli, platform, "applications", "numbers", "assign", "+46700000102", "+46799999999",
                 "+46700000100", "+46700000103", "--capability", "voice")
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        "number        outcome    detail",
        "+46700000102  assigned   was not assigned",
        "+46799999999  error      number +46799999999 not found",
        f"+46700000100  unchanged  already assigned to {KEY}",
        "+46700000103  assigned   capability sms to voice",
    ]
    assert platform.sent() == [
        ("GET", "config", NUMBERS, None),
        ("POST", "config", NUMBERS, {"numbers": ["+46700000102", "+46700000103"], "applicationkey": KEY,
                                     "capability": "voice"}),
        ("GET", "config", NUMBERS, None),
    ]


def test_unassign_sends_a_body_naming_the_number_and_its_application(cli, platform):
    result = run(cli, platform, "applications", "numbers", "unassign", "+46700000101", "+46700000102", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["number        outcome     detail", "+46700000101  unassigned",
                                          "+46700000102  unchanged   not assigned"]
    assert platform.sent() == [
        ("GET", "config", NUMBERS, None),
        ("DELETE", "config", NUMBERS, {"number": "+46700000101", "applicationkey": KEY, "capability": "voice"}),
    ]


def test_callbacks_set_and_get_on_the_configuration_host(cli, platform):
    result = run(cli, platform, "applications", "callbacks", "set", "--primary", "https://example.com/a", "--yes")
    assert result.exit_code == 0, result.stderr
    got = run(cli, platform, "applications", "callbacks", "get", "-o", "json")
    assert json.loads(got.stdout) == {"url": {"primary": "https://example.com/a"}}
    assert platform.sent() == [("GET", "config", CALLBACKS, None),
                               ("POST", "config", CALLBACKS, {"url": {"primary": "https://example.com/a"}}),
                               ("GET", "config", CALLBACKS, None), ("GET", "config", CALLBACKS, None)]


def conference(cli, platform, room: str, count: int) -> list[str]:
    ids = []
    for index in range(count):
        result = run(cli, platform, "callouts", "conference", "--to", f"+4670123456{index}", "--conference-id",
                     room, "-q")
        assert result.exit_code == 0, result.stderr
        ids.append(result.stdout.strip())
    platform.advance(3)
    return ids


def test_conference_get_all_except_and_hold_with_music(cli, platform):
    first, second, third = conference(cli, platform, "bridge", 3)
    listed = run(cli, platform, "conferences", "get", "bridge", "-q")
    assert listed.stdout.split() == [first, second, third]
    muted = run(cli, platform, "conferences", "mute", "bridge", "--all", "--except", second, "-q")
    assert (muted.exit_code, muted.stdout.split()) == (0, [first, third])
    held = run(cli, platform, "conferences", "hold", "bridge", third, "--moh", "music2")
    assert (held.exit_code, held.stderr) == (0, "")
    participants = run(cli, platform, "conferences", "get", "bridge", "-o", "csv").stdout.splitlines()
    assert participants == ["callId,cli,duration,muted,onhold", f"{first},+46701234560,1,true,false",
                            f"{second},+46701234561,1,false,false", f"{third},+46701234562,1,true,true"]
    conference_requests = [r for r in platform.sent() if r[2] != CALLOUTS]
    mutes = conference_requests[2:4]  # sent at the same time (--concurrency): in either order
    assert sorted(mutes, key=str) == sorted([
        ("PATCH", "traffic", f"/calling/v1/conferences/id/bridge/{first}", {"command": "mute"}),
        ("PATCH", "traffic", f"/calling/v1/conferences/id/bridge/{third}", {"command": "mute"})], key=str)
    assert conference_requests[:2] + conference_requests[4:] == [
        ("GET", "traffic", "/calling/v1/conferences/id/bridge", None),
        ("GET", "traffic", "/calling/v1/conferences/id/bridge", None),
        ("PATCH", "traffic", f"/calling/v1/conferences/id/bridge/{third}", {"command": "onhold", "moh": "music2"}),
        ("GET", "traffic", "/calling/v1/conferences/id/bridge", None),
    ]


def test_calls_get_shows_the_parties_as_typed(cli, platform):
    placed = run(cli, platform, "callouts", "tts", "--to", "sip:alice@example.com", "--text", "Hi", "-q")
    call_id = placed.stdout.strip()
    result = run(cli, platform, "calls", "get", call_id)
    assert result.stdout.splitlines()[1:3] == [f"from      {FROM}", "to        sip:alice@example.com"]
    csv = run(cli, platform, "calls", "get", call_id, "-o", "csv").stdout.splitlines()[1]
    assert csv.startswith(f"{call_id},{FROM},sip:alice@example.com,ONGOING,")


def test_an_inline_ice_custom_callout_sends_only_the_svaml(cli, platform):
    ice = {"instructions": [{"name": "say", "text": "Connecting you"}],
           "action": {"name": "connectPstn", "number": TO, "cli": FROM}}
    result = cli("callouts", "custom", "--ice", json.dumps(ice), "--max-duration", "60", "-q",
                 env=platform.env())  # no SINCHVOICE_FROM needed: the SVAML names the caller ID
    assert result.exit_code == 0, result.stderr
    call_id = result.stdout.strip()
    assert platform.sent() == [("POST", "traffic", CALLOUTS, {"method": "customCallout", "customCallout": {
        "ice": json.dumps(ice, separators=(",", ":")), "maxDuration": 60}})]
    (call,) = platform.state()["calls"]
    assert (call["callId"], call["from"], call["to"]) == (
        call_id, {"type": "number", "endpoint": FROM}, {"type": "number", "endpoint": TO})
