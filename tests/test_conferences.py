"""conferences get/mute/unmute/hold/resume/kick/kick-all against the sandbox, populated by conference callouts."""

from __future__ import annotations

import json
import re

import pytest

from tests.layouts import PARTICIPANT_ID

CONF = "standup"
# Numbers ending 0001-0004 are reserved by the sandbox (busy, no answer, ...); these all answer after 2 s.
PHONES = ("+46701000011", "+46701000012", "+46701000013")
NOT_FOUND = "error: conference nope not found (it ends when the last participant leaves)"
NOT_FOUND_HINT = ("hint: participants join when they answer (a few seconds after the callout); a conference ends "
                  "when the last one leaves")


@pytest.fixture
def sandbox(any_sandbox):
    """Every test here runs in both layouts: participants keyed by `id` (live, the default) or `callId`."""
    return any_sandbox


def callout(sandbox, endpoint: str, conference: str = CONF, **extra) -> str:
    """Place a conference callout straight at the sandbox (not through the CLI); returns its callId."""
    body = {"cli": "+46700000009", "destination": {"type": "number", "endpoint": endpoint},
            "conferenceId": conference, **extra}
    with sandbox.client() as client:
        response = client.post("/calling/v1/callouts", json={"method": "conferenceCallout", "conferenceCallout": body})
    response.raise_for_status()
    return response.json()["callId"]


def join(sandbox, *endpoints: str, conference: str = CONF) -> list[str]:
    """Call each number into the conference and let the clock run until they have answered and joined."""
    ids = [callout(sandbox, endpoint, conference) for endpoint in endpoints]
    sandbox.advance(3)  # the sandbox answers after 2 s; joined at t=2, so everyone shows 0:01
    return ids


def sent(sandbox, mark: int = 0) -> list[tuple[str, str, object]]:
    """(method, path, body) of the API requests the sandbox received after `mark`."""
    return [(r["method"], r["path"], r["body"]) for r in sandbox.requests()[mark:]]


def participant_state(sandbox, conference: str = CONF) -> dict:
    conferences = {c["conferenceId"]: c for c in sandbox.state()["conferences"]}
    if conference not in conferences:
        return {}
    return {p[PARTICIPANT_ID[sandbox.layout]]: p for p in conferences[conference]["participants"]}


def path(call_id: str | None = None, conference: str = CONF) -> str:
    base = f"/calling/v1/conferences/id/{conference}"
    return f"{base}/{call_id}" if call_id else base


@pytest.fixture
def bridge(sandbox):
    """Two participants in `standup`."""
    return join(sandbox, *PHONES[:2])


# ---- get ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flags, expected", [
    ((), "call id                               number        time  muted  held\n"
         "{a}  +46701000011  0:01  no     no\n"
         "{b}  +46701000012  0:01  no     no\n"
         "2 participants\n"),
    (("-o", "csv"), "callId,cli,duration,muted,onhold\n{a},+46701000011,1,false,false\n"
                    "{b},+46701000012,1,false,false\n"),
    (("-q",), "{a}\n{b}\n"),
])
def test_get_table_csv_quiet(cli, sandbox, bridge, flags, expected):
    a, b = bridge
    result = cli("conferences", "get", CONF, *flags, env=sandbox.env())
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == expected.format(a=a, b=b)


def test_get_json_is_the_api_body(cli, sandbox, bridge):
    a, b = bridge
    result = cli("conferences", "get", CONF, "-o", "json", env=sandbox.env())
    assert result.exit_code == 0
    key = PARTICIPANT_ID[sandbox.layout]
    body = {"participants": [{"cli": "+46701000011", key: a, "duration": 1, "muted": False, "onhold": False},
                             {"cli": "+46701000012", key: b, "duration": 1, "muted": False, "onhold": False}]}
    if sandbox.layout == "spec":
        body = {"conferenceId": CONF, **body}
    assert json.loads(result.stdout) == body


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_get_on_a_terminal_draws_a_rich_table_with_the_count(cli, sandbox, bridge):
    result = cli("conferences", "get", CONF, tty=True, env={**sandbox.env(), "NO_COLOR": "1", "COLUMNS": "120"})
    assert result.exit_code == 0
    lines = plain(result.stdout).splitlines()
    assert "┃ call id" in lines[1] and "┃ held ┃" in lines[1]
    assert [line for line in lines if bridge[0] in line][0].split("│")[1:6] == [
        f" {bridge[0]} ", " +46701000011 ", " 0:01 ", " no    ", " no   "]
    assert lines[-1].rstrip() == "2 participants"


@pytest.mark.parametrize("columns", ["80", "100"])
def test_call_ids_stay_whole_on_a_narrow_terminal(cli, sandbox, bridge, columns):
    """Operators copy ids from the table into mute/kick: rich must not cut them with an ellipsis."""
    result = cli("conferences", "get", CONF, tty=True, env={**sandbox.env(), "NO_COLOR": "1", "COLUMNS": columns})
    assert result.exit_code == 0
    text = plain(result.stdout)
    assert bridge[0] in text and bridge[1] in text
    assert "…" not in text


def test_get_remembers_the_conference_and_call_ids(cli, sandbox, bridge, tmp_path):
    assert cli("conferences", "get", CONF, "-q", env=sandbox.env()).exit_code == 0
    history = tmp_path / "state" / "history"
    assert (history / "conferences").read_text() == f"{CONF}\n"
    assert (history / "calls").read_text() == "".join(f"{c}\n" for c in bridge)


@pytest.mark.parametrize("output", ["table", "json"])
def test_get_unknown_conference_exits_3_saying_why(cli, sandbox, output):
    # Right after conference callouts nobody has answered yet, so the hint says when participants join.
    result = cli("conferences", "get", "nope", "-o", output, env=sandbox.env())
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.splitlines()[:2] == [NOT_FOUND, NOT_FOUND_HINT]
    if output == "json":
        error = json.loads(result.stderr.splitlines()[-1])["error"]
        assert (error["httpStatus"], error["errorCode"]) == (404, 40400)


# ---- input checks: exit 2, nothing sent -------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (("get", ""), "error: the conference id is empty"),
    (("get", "x" * 65), "error: the conference id is 65 characters long; Sinch allows at most 64"),
    (("mute", "x" * 65, "abc"), "error: the conference id is 65 characters long; Sinch allows at most 64"),
    (("get", CONF, "--watch", "--interval", "0"), "error: --interval 0 is out of range: use 0.5 to 3600 seconds"),
    (("get", CONF, "--interval", "5"), "error: --interval only works with --watch"),
    (("get", CONF, "--interval", "0"), "error: --interval only works with --watch"),
    (("mute", CONF), "error: no participant given"),
    (("unmute", CONF, "abc", "--except", "def"), "error: --except only works with --all"),
    (("resume", CONF, "abc", "--all"), "error: give CALL_IDs or --all, not both"),
    (("mute", CONF, ""), "error: a CALL_ID is empty"),
    (("hold", CONF, "abc", "--moh", "jazz"),
     "error: invalid value for '--moh': 'jazz' is not one of 'ring', 'music1', 'music2', 'music3'"),
    (("kick", CONF), "error: no participant given"),
    (("kick-all", ""), "error: the conference id is empty"),
])
def test_bad_input_exits_2_before_sending(cli, sandbox, args, message):
    result = cli("conferences", *args, "--yes", env=sandbox.env())
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == message
    assert sandbox.requests() == []


def test_interval_without_watch_is_a_usage_error_with_a_hint(cli, sandbox, bridge):
    """It used to be ignored silently: `get CONF --interval 5` printed once, hiding the missing --watch."""
    mark = len(sandbox.requests())
    result = cli("conferences", "get", CONF, "--interval", "5", "-o", "json", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[:2] == [
        "error: --interval only works with --watch",
        "hint: add --watch to follow the conference every 5 s, or drop --interval"]
    assert sent(sandbox, mark) == []


# ---- mute / unmute / hold / resume ------------------------------------------------------------------------


@pytest.mark.parametrize("command, api_command, field, value, column", [
    ("mute", "mute", "muted", True, "yes    no"),
    ("hold", "onhold", "onhold", True, "no     yes"),
])
def test_command_changes_the_sandbox_and_the_next_get(cli, sandbox, bridge, command, api_command, field, value,
                                                      column):
    a, b = bridge
    mark = len(sandbox.requests())
    result = cli("conferences", command, CONF, a, env=sandbox.env())
    assert (result.exit_code, result.stderr) == (0, "")
    done = {"mute": "muted", "hold": "on hold"}[command]
    assert result.stdout == f"call id                               outcome  detail\n{a}  {done}\n"
    assert sent(sandbox, mark) == [("PATCH", path(a), {"command": api_command})]
    state = participant_state(sandbox)
    assert (state[a][field], state[b][field]) == (value, False)
    table = cli("conferences", "get", CONF, env=sandbox.env()).stdout.splitlines()
    assert table[1] == f"{a}  +46701000011  0:01  {column}".rstrip()
    assert table[2].endswith("0:01  no     no")


@pytest.mark.parametrize("setup, undo, field", [("mute", "unmute", "muted"), ("hold", "resume", "onhold")])
def test_undo_commands_restore_the_participant(cli, sandbox, bridge, setup, undo, field):
    env = sandbox.env()
    assert cli("conferences", setup, CONF, *bridge, env=env).exit_code == 0
    assert all(p[field] for p in participant_state(sandbox).values())
    mark = len(sandbox.requests())
    result = cli("conferences", undo, CONF, bridge[1], "-o", "json", env=env)
    assert result.exit_code == 0
    done = {"unmute": "unmuted", "resume": "resumed"}[undo]
    assert json.loads(result.stdout) == [{"callId": bridge[1], "outcome": done, "detail": ""}]
    assert sent(sandbox, mark) == [("PATCH", path(bridge[1]), {"command": {"hold": "onhold"}.get(undo, undo)})]
    assert {c: p[field] for c, p in participant_state(sandbox).items()} == {bridge[0]: True, bridge[1]: False}
    got = json.loads(cli("conferences", "get", CONF, "-o", "json", env=env).stdout)
    assert [p[field] for p in got["participants"]] == [True, False]


def test_hold_sends_the_music_class_live_and_only_the_command_in_the_contract(cli, sandbox, bridge):
    mark = len(sandbox.requests())
    result = cli("conferences", "hold", CONF, "--all", "--except", bridge[1], "--moh", "music2", "-q",
                 env=sandbox.env())
    assert (result.exit_code, result.stdout) == (0, f"{bridge[0]}\n")
    if sandbox.layout == "live":
        assert result.stderr == ""
        body = {"command": "onhold", "moh": "music2"}
    else:
        assert result.stderr == ('warning: --moh music2 is not sent: the contract\'s participant command carries '
                                 'only "command"; the music a held participant hears is the callout\'s mohClass\n')
        body = {"command": "onhold"}
    assert sent(sandbox, mark) == [("GET", path(), None), ("PATCH", path(bridge[0]), body)]
    assert [p["onhold"] for p in participant_state(sandbox).values()] == [True, False]


def test_either_spelling_of_the_call_id_is_read_and_nonsense_is_skipped(cli, sandbox):
    """A server may answer `id` (the platform), `callId` (the contract), or garbage among the participants."""
    participants = [1, "x", None, [], {"cli": "+46701000019"}, {"id": 7}, {"id": "a", "cli": "+46701000011"},
                    {"callId": "b", "cli": "+46701000012", "muted": True, "extra": {"unknown": "ignored"}}]
    sandbox.fault(method="GET", path=path(), status=200, body=json.dumps({"participants": participants}), count=-1)
    assert cli("conferences", "get", CONF, "-q", env=sandbox.env()).stdout == "a\nb\n"
    assert cli("conferences", "get", CONF, "-o", "csv", env=sandbox.env()).stdout == (
        "callId,cli,duration,muted,onhold\na,+46701000011,,false,false\nb,+46701000012,,true,false\n")
    planned = cli("conferences", "unmute", CONF, "--all", "--except", "b", "--dry-run", env=sandbox.env())
    assert planned.exit_code == 0, planned.stderr
    assert [line for line in planned.stdout.splitlines() if line.startswith("PATCH")] == [
        f"PATCH {sandbox.base_url}{path('a')}"]


def test_moh_is_checked_before_anything_is_sent(cli, sandbox, bridge):
    mark = len(sandbox.requests())
    result = cli("conferences", "hold", CONF, bridge[0], "--moh", "jazz", env=sandbox.env())
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: invalid value for '--moh': 'jazz' is not one of 'ring', 'music1', 'music2', 'music3'")
    assert sent(sandbox, mark) == []


@pytest.mark.parametrize("selection, muted", [
    (("--all",), "abcd"),
    (("--all", "--except", "{b}"), "acd"),
    (("--all", "--except", "{b}", "--except", "{d}"), "ac"),
    (("--all", "--except", "{b},{d}"), "ac"),
    (("--all", "--except", "{b}", "{d}"), "ac"),  # cli.md's `--except CALL_ID...`: later ids are more exclusions
    (("--all", "--except", "{a},{b},{c},{d}"), ""),
])
def test_all_except_acts_on_exactly_the_rest(cli, sandbox, selection, muted):
    ids = dict(zip("abcd", join(sandbox, *PHONES, "+46701000014"), strict=True))
    mark = len(sandbox.requests())
    args = [arg.format(**ids) for arg in selection]
    result = cli("conferences", "mute", CONF, *args, "-q", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (0, "".join(f"{ids[x]}\n" for x in muted))  # in input order
    requests = sent(sandbox, mark)  # the list first; then the PATCHes, at the same time, so in any order
    assert requests[0] == ("GET", path(), None)
    assert sorted(requests[1:]) == sorted(("PATCH", path(ids[x]), {"command": "mute"}) for x in muted)
    assert {cid: p["muted"] for cid, p in participant_state(sandbox).items()} == {
        ids[x]: x in muted for x in "abcd"}


def test_all_warns_about_excluded_ids_that_are_not_there(cli, sandbox, bridge):
    result = cli("conferences", "unmute", CONF, "--all", "--except", "ghost", "-o", "csv", env=sandbox.env())
    assert result.exit_code == 0
    assert result.stderr == f"warning: --except ghost: not in conference {CONF}\n"
    assert result.stdout == f"callId,outcome,detail\n{bridge[0]},unmuted,\n{bridge[1]},unmuted,\n"


def test_all_on_an_unknown_conference_exits_3(cli, sandbox):
    result = cli("conferences", "mute", "nope", "--all", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.splitlines()[:2] == [NOT_FOUND, NOT_FOUND_HINT]
    assert [m for m, _, _ in sent(sandbox)] == ["GET"]


# ---- partial failure: every participant tried, worst exit code, per-item results --------------------------


def test_one_unknown_participant_among_good_ones(cli, sandbox, bridge):
    a, b = bridge
    mark = len(sandbox.requests())
    result = cli("conferences", "mute", CONF, a, "ghost", b, "-o", "json", "--concurrency", "1", env=sandbox.env())
    assert result.exit_code == 3
    # One at a time (--concurrency 1): the first 404 is checked once with a GET; the conference is there, so it is
    # the participant, and the next one is sent.
    mute = {"command": "mute"}
    assert sent(sandbox, mark) == [("PATCH", path(a), mute), ("PATCH", path("ghost"), mute), ("GET", path(), None),
                                   ("PATCH", path(b), mute)]
    items = json.loads(result.stdout)
    assert items[1]["error"].pop("reference")  # the API's error reference, random per request
    assert items == [
        {"callId": a, "outcome": "muted", "detail": ""},
        {"callId": "ghost", "outcome": "error", "detail": "Participant not found: HTTP 404 (errorCode 40400)",
         "error": {"message": "Participant not found: HTTP 404 (errorCode 40400)", "httpStatus": 404,
                   "errorCode": 40400}},
        {"callId": b, "outcome": "muted", "detail": ""}]
    # Worded exactly as the numbers batch words it (errors.BatchError).
    assert result.stderr.splitlines()[:2] == [
        "error: 1 of 3 participants failed; the other 2 were done",
        "hint: see the per-item results on stdout; fix the failed ones and run the command again "
        "(what succeeded stays done)"]
    assert all(p["muted"] for p in participant_state(sandbox).values())


def test_partial_failure_table_csv_and_worst_exit_code(cli, sandbox, bridge):
    # A 400 (exit 1) on one and a 404 (exit 3) on another: the batch exits with the worst, the rejection (1).
    sandbox.fault(method="PATCH", path=path(bridge[0]), status=400, count=1)
    result = cli("conferences", "hold", CONF, bridge[0], "ghost", bridge[1], env=sandbox.env())
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "call id                               outcome  detail",
        f"{bridge[0]}  error    Injected fault (HTTP 400) (errorCode 40000)",
        "ghost                                 error    Participant not found: HTTP 404 (errorCode 40400)",
        f"{bridge[1]}  on hold"]
    assert result.stderr.splitlines()[0] == "error: 2 of 3 participants failed; the other one was done"
    result = cli("conferences", "resume", CONF, "ghost", bridge[1], "-o", "csv", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (3, "callId,outcome,detail\n"
                                                    "ghost,error,Participant not found: HTTP 404 (errorCode 40400)\n"
                                                    f"{bridge[1]},resumed,\n")
    assert result.stderr.splitlines()[0] == "error: 1 of 2 participants failed; the other one was done"


def test_all_failed_says_so_without_the_others(cli, sandbox, bridge):
    result = cli("conferences", "mute", CONF, "ghost", "-q", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.splitlines()[0] == "error: 1 of 1 participant failed"


# ---- a participant request on a conference that is gone: the conference's error, as `get` prints it ------


@pytest.mark.parametrize("command", ["mute", "hold", "kick"])
@pytest.mark.parametrize("output", ["table", "json"])
@pytest.mark.parametrize("concurrency", ["1", "8"])
def test_explicit_ids_on_an_unknown_conference_exit_3_saying_why(cli, sandbox, command, output, concurrency):
    result = cli("conferences", command, "nope", "abc", "def", "-y", "-o", output, "--concurrency", concurrency,
                 env=sandbox.env())
    # json: the results array, empty, as for any multi-item command; a table has nothing to show
    assert (result.exit_code, result.stdout) == (3, "[]\n" if output == "json" else "")
    assert result.stderr.splitlines()[:2] == [NOT_FOUND, NOT_FOUND_HINT]
    method = "DELETE" if command == "kick" else "PATCH"
    requests = [(m, p) for m, p, _ in sent(sandbox)]
    if concurrency == "1":  # stopped at the first 404 after one check: `def` is not tried
        assert requests == [(method, path("abc", "nope")), ("GET", path(conference="nope"))]
    else:  # `def` may be on its way already (or not yet started when the 404 stops the rest); still one check
        started = [(method, path("abc", "nope")), ("GET", path(conference="nope"))]
        assert sorted(requests) in (sorted(started), sorted([*started, (method, path("def", "nope"))]))
    if output == "json":
        error = json.loads(result.stderr.splitlines()[-1])["error"]
        assert (error["httpStatus"], error["errorCode"]) == (404, 40400)


@pytest.mark.parametrize("output, shown", [("json", "[]\n"), ("table", ""), ("csv", "")])
def test_all_on_a_gone_conference_prints_an_empty_array_with_json(cli, sandbox, output, shown):
    result = cli("conferences", "mute", "nope", "--all", "-o", output, env=sandbox.env())
    assert (result.exit_code, result.stdout) == (3, shown)
    assert result.stderr.splitlines()[0] == NOT_FOUND


def test_conference_ending_mid_batch_shows_what_was_done_then_stops(cli, sandbox, bridge):
    # Kicking the last participant ends the conference; the next id then meets a conference that is gone.
    a, b = bridge
    mark = len(sandbox.requests())
    result = cli("conferences", "kick", CONF, a, b, "ghost", "other", "--yes", "--concurrency", "1",
                 env=sandbox.env())
    assert result.exit_code == 3
    assert result.stdout == f"call id                               outcome  detail\n{a}  kicked\n{b}  kicked\n"
    assert result.stderr.splitlines()[0] == NOT_FOUND.replace("nope", CONF)
    assert [(m, p) for m, p, _ in sent(sandbox, mark)] == [
        ("DELETE", path(a)), ("DELETE", path(b)), ("DELETE", path("ghost")), ("GET", path())]


# ---- kick and kick-all: confirmation -------------------------------------------------------------------


KICKS = [("kick", "{a}"), ("kick", "--all"), ("kick-all",)]


@pytest.mark.parametrize("kick", KICKS)
def test_kick_without_a_terminal_needs_yes_and_sends_nothing(cli, sandbox, bridge, kick):
    mark = len(sandbox.requests())
    result = cli("conferences", kick[0], CONF, *[x.format(a=bridge[0]) for x in kick[1:]], env=sandbox.env())
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[1] == "hint: pass --yes to confirm when not on a terminal"
    assert sent(sandbox, mark) == []
    assert len(participant_state(sandbox)) == 2


@pytest.mark.parametrize("kick, question, left", [
    (KICKS[0], "Kick 1 participant ({a}) from conference standup? [y/N] ", 1),
    (KICKS[1], "Kick 2 participants from conference standup (everyone)? [y/N] ", 0),
    (KICKS[2], "Kick everyone from conference standup? [y/N] ", 0),
])
@pytest.mark.parametrize("answer", ["y", "n"])
def test_kick_on_a_terminal_asks(cli, sandbox, bridge, kick, question, left, answer):
    a, b = bridge
    mark = len(sandbox.requests())
    args = [x.format(a=a) for x in kick[1:]]
    result = cli("conferences", kick[0], CONF, *args, "-o", "json", tty=True, input=f"{answer}\n", env=sandbox.env())
    assert result.stderr.startswith(question.format(a=a))
    if answer == "n":
        assert result.exit_code == 1
        assert "error: cancelled; nothing was changed" in result.stderr
        # --all reads the participants first, so that the question can say how many
        assert [m for m, _, _ in sent(sandbox, mark)] == (["GET"] if kick == KICKS[1] else [])
        return
    assert result.exit_code == 0
    assert [m for m, _, _ in sent(sandbox, mark)] == (["DELETE"] if kick != KICKS[1] else ["GET", "DELETE", "DELETE"])
    assert json.loads(result.stdout) == ({} if kick == KICKS[2] else [
        {"callId": x, "outcome": "kicked", "detail": ""} for x in (a, b)[: 2 - left]])
    assert list(participant_state(sandbox)) == [b][:left]


def test_kick_all_except_says_how_many_it_kicks(cli, sandbox, bridge):
    c = join(sandbox, PHONES[2])[0]
    result = cli("conferences", "kick", CONF, "--all", "--except", bridge[0], tty=True, input="n\n", env=sandbox.env())
    assert result.stderr.startswith(f"Kick 2 participants from conference standup (everyone except {bridge[0]})? "
                                    "[y/N] ")
    assert sorted(participant_state(sandbox)) == sorted([*bridge, c])


def test_kick_all_with_yes_ends_the_conference(cli, sandbox, bridge):
    result = cli("conferences", "kick-all", CONF, "--yes", env=sandbox.env())
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Kicked everyone from conference {CONF}; it has ended\n"
    assert sent(sandbox, 2)[-1] == ("DELETE", path(), None)
    assert cli("conferences", "get", CONF, env=sandbox.env()).exit_code == 3
    calls = {c["callId"]: c for c in sandbox.state()["calls"]}
    assert {calls[x]["reason"] for x in bridge} == {"MANAGERHANGUP"}


def test_kick_all_unknown_conference_exits_3(cli, sandbox):
    result = cli("conferences", "kick-all", "nope", "-y", env=sandbox.env())
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == NOT_FOUND


# ---- dry run ----------------------------------------------------------------------------------------------


def test_dry_run_with_explicit_ids_sends_nothing(cli, sandbox, bridge):
    a, b = bridge
    mark = len(sandbox.requests())
    result = cli("conferences", "mute", CONF, a, b, "--dry-run", env=sandbox.env())
    assert result.exit_code == 0
    assert sent(sandbox, mark) == []
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("PATCH ")] == [
        f"PATCH {sandbox.base_url}{path(a)}", f"PATCH {sandbox.base_url}{path(b)}"]
    assert lines.count('  "command": "mute"') == 2
    assert result.stderr == "dry run: 2 requests shown, none sent\n"
    assert not any(p["muted"] for p in participant_state(sandbox).values())


def test_dry_run_all_reads_the_list_and_sends_nothing_else(cli, sandbox, bridge):
    mark = len(sandbox.requests())
    result = cli("conferences", "kick", CONF, "--all", "--except", bridge[1], "--dry-run", env=sandbox.env())
    assert result.exit_code == 0
    assert sent(sandbox, mark) == [("GET", path(), None)]
    assert [line for line in result.stdout.splitlines() if line.startswith("DELETE ")] == [
        f"DELETE {sandbox.base_url}{path(bridge[0])}"]
    assert len(participant_state(sandbox)) == 2


@pytest.mark.parametrize("args", [("get", CONF), ("get", CONF, "--watch"), ("kick-all", CONF)])
def test_dry_run_get_and_kick_all_send_nothing(cli, sandbox, bridge, args):
    mark = len(sandbox.requests())
    result = cli("conferences", *args, "--dry-run", env=sandbox.env())
    assert result.exit_code == 0
    method = "DELETE" if args[0] == "kick-all" else "GET"
    assert result.stdout.splitlines()[0] == f"{method} {sandbox.base_url}{path()}"
    assert sent(sandbox, mark) == []


# ---- watch ------------------------------------------------------------------------------------------------


def event(name, call_id, cli_, duration, muted=False, onhold=False):
    return {"event": name, "conferenceId": CONF, "callId": call_id, "cli": cli_, "duration": duration,
            "muted": muted, "onhold": onhold}


def test_watch_piped_prints_one_json_line_per_change(cli, sandbox):
    # t=0: A (leaves at 12) and B (leaves at 22) are called; t=3: C is called (joins at 5, leaves at 10).
    a = callout(sandbox, PHONES[0], maxDuration=10)
    b = callout(sandbox, PHONES[1], maxDuration=20)
    sandbox.advance(3)
    c = callout(sandbox, PHONES[2], maxDuration=5)
    # Changes made by someone else while watching, keyed by the clock time they happen at.
    actions = {7: ("mute", b), 9: ("onhold", a), 17: ("unmute", b)}

    def tick(seconds):
        now = sandbox.advance(seconds)
        if now in actions:
            command, call_id = actions[now]
            with sandbox.client() as client:
                client.patch(path(call_id), json={"command": command}).raise_for_status()

    cli.on_sleep = tick
    result = cli("conferences", "get", CONF, "--watch", "--interval", "2", env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        event("joined", a, PHONES[0], 1), event("joined", b, PHONES[1], 1),  # t=3
        event("joined", c, PHONES[2], 0),  # t=5
        event("muted", b, PHONES[1], 5, muted=True),  # t=7
        event("held", a, PHONES[0], 7, onhold=True),  # t=9
        event("left", c, PHONES[2], 4),  # t=11 (last seen at t=9)
        event("left", a, PHONES[0], 9, onhold=True),  # t=13 (last seen at t=11)
        event("unmuted", b, PHONES[1], 15),  # t=17
        event("left", b, PHONES[1], 19),  # t=23: the conference is gone (404), last seen at t=21
    ]
    assert result.sleeps == [2] * 10
    assert result.stderr == f"conference {CONF} has ended: the last participant left\n"


def test_watch_ctrl_c_exits_130(cli, sandbox, bridge):
    def interrupt(seconds):
        raise KeyboardInterrupt

    cli.on_sleep = interrupt
    result = cli("conferences", "get", CONF, "--watch", env=sandbox.env())
    assert result.exit_code == 130
    assert [json.loads(line)["event"] for line in result.stdout.splitlines()] == ["joined", "joined"]
    # a closing line, as `calls get --watch` has: the conference goes on
    assert result.stderr.splitlines() == [f"error: stopped watching conference {CONF}; it goes on",
                                          f"hint: end it with `sinchvoice conferences kick-all {CONF}`"]


def test_watch_on_a_terminal_says_what_it_watches_and_how_to_stop(cli, sandbox, bridge):
    def interrupt(seconds):
        raise KeyboardInterrupt

    cli.on_sleep = interrupt
    result = cli("conferences", "get", CONF, "--watch", tty=True, env={**sandbox.env(), "NO_COLOR": "1"})
    assert result.exit_code == 130
    assert result.stderr.splitlines()[0] == f"Watching conference {CONF} every 2 s: Ctrl-C to stop"
    assert bridge[0] in result.stdout  # the table drawn before the Ctrl-C stays


def test_watch_csv_prints_rows_under_one_header(cli, sandbox):
    callout(sandbox, PHONES[0], maxDuration=3)  # joins at 2, leaves at 5
    sandbox.advance(3)
    cli.on_sleep = sandbox.advance
    result = cli("conferences", "get", CONF, "--watch", "--interval", "1", "-o", "csv", env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "event,conferenceId,callId,cli,duration,muted,onhold"
    assert [line.split(",")[:1] + line.split(",")[3:] for line in lines[1:]] == [
        ["joined", PHONES[0], "1", "false", "false"], ["left", PHONES[0], "2", "false", "false"]]


def test_watch_on_a_terminal_redraws_until_the_conference_empties(cli, sandbox):
    callout(sandbox, PHONES[0], maxDuration=3)  # joins at 2, leaves at 5
    sandbox.advance(3)
    cli.on_sleep = sandbox.advance
    result = cli("conferences", "get", CONF, "--watch", "--interval", "1", tty=True,
                 env={**sandbox.env(), "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert result.sleeps == [1, 1]
    frames = plain(result.stdout)
    assert "1 participant " in frames and frames.rstrip().endswith("0 participants")


def test_watch_of_an_unknown_conference_exits_3(cli, sandbox):
    result = cli("conferences", "get", "nope", "--watch", env=sandbox.env())
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == NOT_FOUND
