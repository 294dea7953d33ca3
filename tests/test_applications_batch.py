"""applications numbers assign/unassign in the contract's layout (one request per number): per-number results,
batches, safety, --app default. test_applications_live.py has the live layout's batched requests."""

import json

import pytest

from tests.layouts import KEY
from tests.layouts import NUMBERS as PATHS

NUMBERS = PATHS["spec"]


@pytest.fixture
def sandbox(sandbox_spec):
    return sandbox_spec

OTHER = "aaaa1111-2222-4333-8444-555555555555"
UNKNOWN = "+46799999999"
# the closing hint every batch command shares (errors.BatchError), conference participants included
BATCH_HINT = ("hint: see the per-item results on stdout; fix the failed ones and run the command again "
              "(what succeeded stays done)")


def run(cli, sandbox, *args, **kwargs):
    return sandbox.run(cli, "applications", "numbers", *args, **kwargs)


def journal(sandbox):
    return [(r["method"], r["path"].removeprefix(NUMBERS + "/"), r["body"]) for r in sandbox.requests()]


def numbers(sandbox):
    return {n["number"]: (n.get("applicationKey"), n["capability"]) for n in sandbox.state()["numbers"]}


# ---- assign ----------------------------------------------------------------------------------------------

# One number assigned, as each output mode shows it (the same in both layouts: test_applications_live.py too)
ASSIGNED_ONE = [
    ([], "number        outcome   detail\n+46700000102  assigned  was not assigned\n"),
    (["-q"], "+46700000102\n"),
    (["-o", "csv"], "number,outcome,detail\n+46700000102,assigned,was not assigned\n"),
    (["-o", "json"], json.dumps([{"number": "+46700000102", "outcome": "assigned", "detail": "was not assigned"}],
                                indent=2) + "\n"),
]


@pytest.mark.parametrize("mode, expected", ASSIGNED_ONE)
def test_assign_one_number_in_each_output_mode(cli, sandbox, mode, expected):
    result = run(cli, sandbox, "assign", "+46700000102", *mode)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert result.stderr == ""
    assert numbers(sandbox)["+46700000102"] == (KEY, "voice")
    assert journal(sandbox) == [("GET", "+46700000102", None), ("POST", "+46700000102", {"applicationKey": KEY})]


def test_assign_batch_from_stdin_ignores_comments_and_whitespace(cli, sandbox):
    run(cli, sandbox, "unassign", "+46700000100", "+46700000101", "--yes")
    text = "# onboarding batch\n  +46700000100  \n\n+46700000101 # the second one\n+46700000102\n"
    result = run(cli, sandbox, "assign", "--from-file", "-", "--app", OTHER, input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "number        outcome   detail",
        "+46700000100  assigned  was not assigned",
        "+46700000101  assigned  was not assigned",
        "+46700000102  assigned  was not assigned",
    ]
    assert numbers(sandbox) == {"+46700000100": (OTHER, "voice"), "+46700000101": (OTHER, "voice"),
                                "+46700000102": (OTHER, "voice"), "+46700000103": (KEY, "sms")}


def test_assign_args_and_file_together_tries_each_number_once(cli, sandbox, tmp_path):
    listing = tmp_path / "numbers.txt"
    listing.write_text("+46700000102\n+46700000101\n")
    result = run(cli, sandbox, "assign", "+46700000102", "--from-file", str(listing), "-q")
    assert result.stdout == "+46700000102\n+46700000101\n"
    assert sorted(m for m, _, _ in journal(sandbox)) == ["GET", "GET", "POST"]


def test_moving_a_number_and_changing_its_capability_say_what_changed(cli, sandbox):
    result = run(cli, sandbox, "assign", "+46700000100", "+46700000103", "--app", OTHER, "--capability", "voice")
    assert result.stdout.splitlines() == [
        "number        outcome   detail",
        f"+46700000100  assigned  moved from application {KEY}",
        f"+46700000103  assigned  moved from application {KEY}; capability sms to voice",
    ]
    assert ("POST", "+46700000103", {"applicationKey": OTHER, "capability": "voice"}) in journal(sandbox)
    assert numbers(sandbox)["+46700000103"] == (OTHER, "voice")


def test_reassigning_is_unchanged_and_not_written(cli, sandbox):
    result = run(cli, sandbox, "assign", "+46700000100", "+46700000103", "--capability", "sms")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "number        outcome    detail",
        "+46700000100  assigned   capability voice to sms",
        f"+46700000103  unchanged  already assigned to {KEY}",
    ]
    # the numbers go at the same time (--concurrency), so the journal holds them in any order
    assert sorted((m, n) for m, n, _ in journal(sandbox)) == [("GET", "+46700000100"), ("GET", "+46700000103"),
                                                              ("POST", "+46700000100")]


def test_mixed_batch_tries_every_number_then_exits_with_the_failure(cli, sandbox):
    result = run(cli, sandbox, "assign", "+46700000102", UNKNOWN, "+46700000100")
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        "number        outcome    detail",
        "+46700000102  assigned   was not assigned",
        f"{UNKNOWN}  error      number {UNKNOWN} not found",
        f"+46700000100  unchanged  already assigned to {KEY}",
    ]
    assert result.stderr.splitlines() == [
        "error: 1 of 3 numbers failed; the other 2 were done",
        BATCH_HINT,
    ]
    assert sorted((m, n) for m, n, _ in journal(sandbox)) == [("GET", "+46700000100"), ("GET", "+46700000102"),
                                                              ("GET", UNKNOWN), ("POST", "+46700000102")]
    assert numbers(sandbox)["+46700000102"] == (KEY, "voice")


def test_mixed_batch_json_carries_the_error_details(cli, sandbox):
    result = run(cli, sandbox, "assign", UNKNOWN, "+46700000102", "-o", "json")
    assert result.exit_code == 3
    first, second = json.loads(result.stdout)
    assert first["error"].pop("reference")
    assert first == {"number": UNKNOWN, "outcome": "error", "detail": f"number {UNKNOWN} not found",
                     "error": {"message": f"number {UNKNOWN} not found", "httpStatus": 404, "errorCode": 40400}}
    assert second == {"number": "+46700000102", "outcome": "assigned", "detail": "was not assigned"}
    summary = json.loads(result.stderr.splitlines()[-1])["error"]
    assert summary == {"message": "1 of 2 numbers failed; the other one was done", "httpStatus": None,
                       "errorCode": None, "reference": None}


@pytest.mark.parametrize("fault, expected", [
    ({"status": 400}, 1),  # a rejection outranks not-found: running again will not fix either
    ({"status": 503, "count": -1}, 3),  # temporary ranks last: running again may fix it, the 404 stays
    ({"status": 401}, 4),
])
def test_the_worst_failure_sets_the_exit_code(cli, sandbox, fault, expected):
    sandbox.fault(method="POST", path=f"{NUMBERS}/+46700000102", **{"count": 1, **fault})
    result = run(cli, sandbox, "assign", "+46700000102", UNKNOWN, "-o", "json")
    assert result.exit_code == expected
    assert [r["error"]["httpStatus"] for r in json.loads(result.stdout)] == [fault["status"], 404]
    assert "error: 2 of 2 numbers failed\n" in result.stderr


def test_only_a_temporary_failure_exits_75(cli, sandbox):
    sandbox.fault(method="POST", path=f"{NUMBERS}/+46700000102", status=503, count=-1)  # outlasts the retries
    result = run(cli, sandbox, "assign", "+46700000102")
    assert result.exit_code == 75
    assert result.stdout.splitlines()[1].startswith("+46700000102  error    ")


@pytest.mark.parametrize("args, text, message", [
    (["+46700000102", "0046700000101"], None, "error: number '0046700000101' is not an E.164 number"),
    (["--from-file", "-"], "+46700000102\n# fine\n0046700000101\n", "error: number on line 3 '0046700000101' "
                                                                     "is not an E.164 number"),
    (["--from-file", "-"], "+46700000102\n+46 70 000 01 01\n", "error: number on line 2 '+46 70 000 01 01' "
                                                               "is not an E.164 number"),
    ([], None, "error: no numbers given"),
    (["--from-file", "-"], "# nothing but comments\n\n", "error: no numbers given"),
])
def test_bad_or_missing_numbers_send_nothing(cli, sandbox, args, text, message):
    result = run(cli, sandbox, "assign", *args, input=text)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == message
    assert result.stderr.splitlines()[1].startswith("hint: ")
    assert sandbox.requests() == []


def test_missing_file_is_a_usage_error(cli, sandbox, tmp_path):
    result = run(cli, sandbox, "assign", "--from-file", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --from-file: no such file: {tmp_path / 'nope.txt'}\n")


def test_assign_dry_run_prints_the_writes_and_sends_nothing(cli, sandbox):
    result = run(cli, sandbox, "assign", "+46700000102", "+46700000100", "--dry-run")
    assert result.exit_code == 0
    requests = [line for line in result.stdout.splitlines() if line.startswith(("GET", "POST"))]
    assert requests == [f"POST {sandbox.base_url}{NUMBERS}/+46700000102",
                        f"POST {sandbox.base_url}{NUMBERS}/+46700000100"]
    assert f'"applicationKey": "{KEY}"' in result.stdout
    assert sandbox.requests() == []


def test_assign_remembers_the_numbers_done(cli, sandbox, tmp_path):
    run(cli, sandbox, "assign", "+46700000102", UNKNOWN)
    assert (tmp_path / "state" / "history" / "numbers").read_text() == "+46700000102\n"


# ---- --app defaults --------------------------------------------------------------------------------------

def login(cli, sandbox, key):
    # --base-url typed, not exported: login saves only options given on its command line
    result = cli("--base-url", sandbox.base_url, "--api-layout", sandbox.layout, "auth", "login", "--key", key,
                 "--secret-stdin", "--no-verify", input=sandbox.secret + "\n")
    assert result.exit_code == 0, result.stderr


def test_app_defaults_to_the_profile_key(cli, sandbox):
    login(cli, sandbox, sandbox.key)
    result = cli("applications", "numbers", "assign", "+46700000102")  # no env: profile credentials and base URL
    assert result.exit_code == 0, result.stderr
    assert journal(sandbox)[-1] == ("POST", "+46700000102", {"applicationKey": KEY})


def test_profile_key_wins_over_environment_credentials_for_the_default(cli, sandbox):
    login(cli, sandbox, OTHER)
    result = run(cli, sandbox, "assign", "+46700000102")
    assert result.exit_code == 0, result.stderr
    assert journal(sandbox)[-1] == ("POST", "+46700000102", {"applicationKey": OTHER})


def test_without_a_profile_the_environment_key_is_the_default(cli, sandbox):
    run(cli, sandbox, "assign", "+46700000102")
    assert journal(sandbox)[-1] == ("POST", "+46700000102", {"applicationKey": KEY})


def test_no_credentials_at_all_exits_4_before_sending(cli, sandbox):
    result = cli("applications", "numbers", "assign", "+46700000102", env={"SINCHVOICE_BASE_URL": sandbox.base_url})
    assert result.exit_code == 4
    assert sandbox.requests() == []


# ---- unassign --------------------------------------------------------------------------------------------

def test_unassign_one(cli, sandbox):
    result = run(cli, sandbox, "unassign", "+46700000100", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "number        outcome     detail\n+46700000100  unassigned\n"
    assert numbers(sandbox)["+46700000100"] == (None, "voice")
    assert journal(sandbox) == [("GET", "+46700000100", None), ("DELETE", "+46700000100", None)]


def test_unassigning_a_number_without_application_is_unchanged_and_not_written(cli, sandbox):
    result = run(cli, sandbox, "unassign", "+46700000102", "+46700000101", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "number        outcome     detail",
        "+46700000102  unchanged   not assigned",
        "+46700000101  unassigned",
    ]
    assert sorted((m, n) for m, n, _ in journal(sandbox)) == [("DELETE", "+46700000101"), ("GET", "+46700000101"),
                                                              ("GET", "+46700000102")]
    again = run(cli, sandbox, "unassign", "+46700000101", "--yes", "-o", "json")
    assert json.loads(again.stdout) == [{"number": "+46700000101", "outcome": "unchanged", "detail": "not assigned"}]


def test_unassign_batch_from_stdin(cli, sandbox):
    result = run(cli, sandbox, "unassign", "--from-file", "-", "--yes", "-o", "csv",
                 input="+46700000100\n+46700000103 # sms\n")
    assert result.stdout == "number,outcome,detail\n+46700000100,unassigned,\n+46700000103,unassigned,\n"
    assert numbers(sandbox) == {"+46700000100": (None, "voice"), "+46700000101": (KEY, "voice"),
                                "+46700000102": (None, "voice"), "+46700000103": (None, "sms")}


def test_unassign_mixed_batch_tries_all(cli, sandbox):
    result = run(cli, sandbox, "unassign", UNKNOWN, "+46700000101", "--yes", "-q")
    assert result.exit_code == 3
    assert result.stdout == "+46700000101\n"
    assert result.stderr.splitlines() == ["error: 1 of 2 numbers failed; the other one was done", BATCH_HINT]
    assert sorted((m, n) for m, n, _ in journal(sandbox)) == [("DELETE", "+46700000101"), ("GET", "+46700000101"),
                                                              ("GET", UNKNOWN)]
    assert numbers(sandbox)["+46700000101"] == (None, "voice")


@pytest.mark.parametrize("tty, extra, answer, exit_code, sent", [
    (False, [], None, 2, False),
    (True, [], "y\n", 0, True),
    (True, [], "yes\n", 0, True),
    (True, [], "n\n", 1, False),
    (True, [], "\n", 1, False),
    (False, ["-y"], None, 0, True),
])
def test_unassign_confirmation(cli, sandbox, tty, extra, answer, exit_code, sent):
    result = run(cli, sandbox, "unassign", "+46700000100", "+46700000101", *extra, tty=tty, input=answer)
    assert result.exit_code == exit_code
    assert sorted(m for m, _, _ in journal(sandbox)) == (["DELETE", "DELETE", "GET", "GET"] if sent else [])
    if tty:
        assert result.stderr.startswith("Unassign 2 numbers (+46700000100, +46700000101)? [y/N] ")
    if not sent:
        assert result.stdout == ""


def test_unassign_confirmation_names_only_the_first_three(cli, sandbox):
    args = ["+46700000100", "+46700000101", "+46700000102", "+46700000103"]
    result = run(cli, sandbox, "unassign", *args)
    assert result.stderr.splitlines()[0] == ("error: refusing to unassign 4 numbers "
                                             "(+46700000100, +46700000101, +46700000102, ...) without confirmation")


def test_unassign_checks_numbers_before_asking(cli, sandbox):
    result = run(cli, sandbox, "unassign", "46700000100", tty=True, input="y\n")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: number '46700000100' is not an E.164 number",
                                          "hint: start it with + before the country code: +46700000100"]
    assert sandbox.requests() == []


def test_unassign_dry_run_needs_no_confirmation_and_sends_nothing(cli, sandbox):
    result = run(cli, sandbox, "unassign", "+46700000100", "+46700000102", "--dry-run")
    assert result.exit_code == 0
    requests = [line for line in result.stdout.splitlines() if line.startswith(("GET", "DELETE"))]
    assert requests == [f"DELETE {sandbox.base_url}{NUMBERS}/+46700000100",  # no reading GET: it plans the writes
                        f"DELETE {sandbox.base_url}{NUMBERS}/+46700000102"]
    assert sandbox.requests() == []
