"""applications numbers assign/unassign in the live layout: one list read, 100 numbers a request, outcomes read back.

test_applications_batch.py has the contract's layout (one request per number); test_live_platform.py the same
commands with configuration on a host of its own.
"""

import json

import pytest

from sinchvoice.sandbox.numbers import extra_number
from sinchvoice.sandbox.server import run_in_thread
from tests.layouts import KEY, NUMBERS, seeded
from tests.test_applications_batch import ASSIGNED_ONE, BATCH_HINT, OTHER, UNKNOWN

LIST = NUMBERS["live"]


def run(cli, sandbox, *args, **kwargs):
    return sandbox.run(cli, "applications", "numbers", *args, **kwargs)


def journal(sandbox):
    return [(r["method"], r["path"], r["body"]) for r in sandbox.requests()]


def numbers(sandbox):
    return {n["number"]: (n.get("applicationkey"), n["capability"]) for n in sandbox.state()["numbers"]}


READ = ("GET", LIST, None)


# ---- assign ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, expected", ASSIGNED_ONE)
def test_assign_one_number_in_each_output_mode(cli, sandbox, mode, expected):
    result = run(cli, sandbox, "assign", "+46700000102", *mode)
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == (expected, "")
    assert numbers(sandbox)["+46700000102"] == (KEY, "voice")
    assert journal(sandbox) == [READ, ("POST", LIST, {"numbers": ["+46700000102"], "applicationkey": KEY}), READ]


def test_moving_numbers_says_what_changed_in_one_request(cli, sandbox):
    result = run(cli, sandbox, "assign", "+46700000100", "+46700000103", "+46700000102", "--app", OTHER,
                 "--capability", "voice")
    assert result.stdout.splitlines() == [
        "number        outcome   detail",
        f"+46700000100  assigned  moved from application {KEY}",
        f"+46700000103  assigned  moved from application {KEY}; capability sms to voice",
        "+46700000102  assigned  was not assigned",
    ]
    assert journal(sandbox)[1] == ("POST", LIST, {"numbers": ["+46700000100", "+46700000103", "+46700000102"],
                                                  "applicationkey": OTHER, "capability": "voice"})
    assert numbers(sandbox)["+46700000103"] == (OTHER, "voice")


def test_nothing_to_change_reads_once_and_writes_nothing(cli, sandbox):
    result = run(cli, sandbox, "assign", "+46700000100", "+46700000103", "--app", KEY.upper())
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [f"+46700000100  unchanged  already assigned to {KEY.upper()}",
                                              f"+46700000103  unchanged  already assigned to {KEY.upper()}"]
    assert journal(sandbox) == [READ]


def test_an_unknown_number_is_not_sent_and_exits_3(cli, sandbox):
    result = run(cli, sandbox, "assign", UNKNOWN, "+46700000102", "-o", "json")
    assert result.exit_code == 3
    first, second = json.loads(result.stdout)
    assert first == {"number": UNKNOWN, "outcome": "error", "detail": f"number {UNKNOWN} not found",
                     "error": {"message": f"number {UNKNOWN} not found", "httpStatus": None, "errorCode": None,
                               "reference": None}}
    assert second == {"number": "+46700000102", "outcome": "assigned", "detail": "was not assigned"}
    assert json.loads(result.stderr.splitlines()[-1])["error"]["message"] == (
        "1 of 2 numbers failed; the other one was done")
    assert journal(sandbox)[1] == ("POST", LIST, {"numbers": ["+46700000102"], "applicationkey": KEY})


@pytest.mark.parametrize("fault, expected", [
    ({"status": 400}, 1),
    ({"status": 401}, 4),
    ({"status": 503, "count": -1}, 75),  # outlasts the retries
])
def test_a_refused_request_fails_the_numbers_it_carried(cli, sandbox, fault, expected):
    sandbox.fault(method="POST", path=LIST, **{"count": 1, **fault})
    result = run(cli, sandbox, "assign", "+46700000102", "+46700000101", "--app", OTHER, "-o", "json")
    assert result.exit_code == expected
    assert [(r["number"], r["outcome"], r["error"]["httpStatus"]) for r in json.loads(result.stdout)] == [
        ("+46700000102", "error", fault["status"]), ("+46700000101", "error", fault["status"])]
    assert numbers(sandbox)["+46700000101"] == (KEY, "voice")
    assert [m for m, _, _ in journal(sandbox)][-1] == "GET"  # what the platform holds decided the outcome


def test_a_2xx_that_did_not_take_is_an_error(cli, sandbox):
    sandbox.fault(method="POST", path=LIST, status=204, count=1)  # answered, never carried out
    result = run(cli, sandbox, "assign", "+46700000102")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == ("+46700000102  error    the assignment did not take: the platform still "
                                             "lists it not assigned, capability voice")
    assert result.stderr.splitlines() == ["error: 1 of 1 number failed", BATCH_HINT]


def test_a_failed_read_back_reports_what_the_platform_answered(cli, sandbox):
    # The first read answers the list as the sandbox holds it, the read back fails.
    sandbox.fault(method="GET", path=LIST, status=200, body=json.dumps({"numbers": seeded("live")}), count=1)
    sandbox.fault(method="GET", path=LIST, status=500, count=-1)
    result = run(cli, sandbox, "assign", "+46700000102")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "+46700000102  assigned  was not assigned; not read back"
    assert result.stderr.startswith("warning: could not read the numbers back to confirm the assignment: ")
    assert numbers(sandbox)["+46700000102"] == (KEY, "voice")


def test_a_failed_first_read_sends_nothing(cli, sandbox):
    sandbox.fault(method="GET", path=LIST, status=401, count=1)
    result = run(cli, sandbox, "assign", "+46700000102")
    assert result.exit_code == 4
    assert [m for m, _, _ in journal(sandbox)] == ["GET"]


def test_the_list_missing_names_the_host_and_the_layout(cli, sandbox_spec):
    """A live-layout CLI pointed at a contract-only server: the list's 404 is no unknown number."""
    env = {**sandbox_spec.env(), "SINCHVOICE_API_LAYOUT": "live"}
    result = cli("applications", "numbers", "assign", "+46700000102", env=env)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"error: could not list the numbers: GET {sandbox_spec.base_url}{LIST} answered 404 (no such operation on "
        "that server in the live layout)",
        "hint: if the server implements the contract file, use --api-layout spec; if numbers live on another host, "
        "give it with --config-base-url URL"]


def test_assign_dry_run_reads_to_plan_and_prints_only_the_needed_writes(cli, sandbox):
    result = run(cli, sandbox, "assign", "+46700000102", "+46700000100", "--dry-run")
    assert result.exit_code == 0, result.stderr
    requests = [line for line in result.stdout.splitlines() if line.startswith(("GET", "POST"))]
    assert requests == [f"POST {sandbox.base_url}{LIST}"]
    assert '"+46700000102"' in result.stdout and '"+46700000100"' not in result.stdout
    assert result.stderr == "dry run: read the numbers (a GET) to plan these requests\n"
    assert journal(sandbox) == [READ]
    assert numbers(sandbox)["+46700000102"] == (None, "voice")


def test_500_numbers_in_5_requests_of_100_against_a_bigger_sandbox(cli):
    wanted = [extra_number(i) for i in range(500)]
    with run_in_thread(api_layout="live", numbers=600) as server:
        env = server.env()
        result = cli("applications", "numbers", "assign", "--from-file", "-", "-o", "csv",
                     input="\n".join(wanted) + "\n", env=env)
        again = cli("applications", "numbers", "assign", *wanted[:3], "-q", env=env)
        entries = server.app.journal.entries()
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["number,outcome,detail", *[f"{n},assigned,was not assigned" for n in wanted]]
    assert [(e["method"], len((e["body"] or {}).get("numbers", []))) for e in entries] == [
        ("GET", 0), *[("POST", 100)] * 5, ("GET", 0), ("GET", 0)]
    assert again.stdout.split() == wanted[:3]


# ---- unassign --------------------------------------------------------------------------------------------

def test_unassign_names_the_application_each_number_is_assigned_to(cli, sandbox):
    run(cli, sandbox, "assign", "+46700000102", "--app", OTHER, "--capability", "sms")
    already = len(sandbox.requests())
    result = run(cli, sandbox, "unassign", "+46700000102", "+46700000100", UNKNOWN, "--yes", "-o", "csv")
    assert result.exit_code == 3
    assert result.stdout.splitlines() == ["number,outcome,detail", "+46700000102,unassigned,",
                                          "+46700000100,unassigned,", f"{UNKNOWN},error,number {UNKNOWN} not found"]
    requests = journal(sandbox)[already:]  # one read, then the DELETEs at the same time (in any order)
    assert requests[0] == READ
    assert sorted(requests[1:], key=str) == sorted([
        ("DELETE", LIST, {"number": "+46700000102", "applicationkey": OTHER, "capability": "sms"}),
        ("DELETE", LIST, {"number": "+46700000100", "applicationkey": KEY, "capability": "voice"}),
    ], key=str)
    assert numbers(sandbox)["+46700000102"] == (None, "sms")


def test_unassign_dry_run_reads_to_plan(cli, sandbox):
    result = run(cli, sandbox, "unassign", "+46700000100", "+46700000102", "--dry-run")
    assert result.exit_code == 0
    requests = [line for line in result.stdout.splitlines() if line.startswith(("GET", "DELETE"))]
    assert requests == [f"DELETE {sandbox.base_url}{LIST}"]
    assert '"number": "+46700000100"' in result.stdout
    assert journal(sandbox) == [READ]


@pytest.mark.parametrize("tty, extra, answer, exit_code, sent", [
    (False, [], None, 2, False),
    (True, [], "y\n", 0, True),
    (True, [], "n\n", 1, False),
    (False, ["-y"], None, 0, True),
])
def test_unassign_confirmation_comes_before_any_request(cli, sandbox, tty, extra, answer, exit_code, sent):
    result = run(cli, sandbox, "unassign", "+46700000100", "+46700000101", *extra, tty=tty, input=answer)
    assert result.exit_code == exit_code
    assert [m for m, _, _ in journal(sandbox)] == (["GET", "DELETE", "DELETE"] if sent else [])
