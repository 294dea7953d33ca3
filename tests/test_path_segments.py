"""Every identifier placed in a URL path stays exactly one segment: encoded, or refused before sending.

`conferences kick CONF .` once kicked everyone: httpx folds `/.` and `/..`, so the DELETE became kick-all.
"""

from __future__ import annotations

import pytest

from sinchvoice.client import VoiceClient, _path
from sinchvoice.errors import UsageError
from tests.test_conferences import join

CALLS = "/calling/v1/calls/id/"
CONFERENCES = "/calling/v1/conferences/id/"
CALLBACKS = "/v1/configuration/callbacks/applications/"

# (what the user typed, how it travels as one segment)
ENCODED = [
    ("a/b", "a%2Fb"), ("a?b", "a%3Fb"), ("a#b", "a%23b"), ("100%", "100%25"), ("%2E", "%252E"),
    ("%2e%2E", "%252e%252E"), ("...", "..."), ("a b", "a%20b"), ("ü", "%C3%BC"), ("a.b", "a.b"),
    ("+46700000100", "+46700000100"),
]
# (what the user typed, the error line's start); all refused with exit 2 and nothing sent
REFUSED = [
    (".", "the {what} '.' cannot be placed in a URL"),
    ("..", "the {what} '..' cannot be placed in a URL"),
    ("a\nb", "the {what} 'a\\nb' has a control character"),
    ("a\x00b", "the {what} 'a\\x00b' has a control character"),
    ("\x7f", "the {what} '\\x7f' has a control character"),
    ("a\x85", "the {what} 'a\\x85' has a control character"),
    ("a\udcffb", "the {what} is not valid UTF-8 text"),
    ("x" * 257, "the {what} is 257 characters long; at most 256 are accepted"),
]

def test_path_encodes_reserved_characters_and_keeps_plus():
    for typed, segment in ENCODED:
        assert _path("/x/{call_id}/y", call_id=typed) == f"/x/{segment}/y"


@pytest.mark.parametrize("typed, message", REFUSED)
def test_path_refuses_what_cannot_stay_one_segment(typed, message):
    with pytest.raises(UsageError) as raised:
        _path("/x/{number}", number=typed)
    assert raised.value.message.startswith(message.format(what="number"))
    assert raised.value.hint == "give the number in E.164 form, e.g. +46700000100"


@pytest.mark.parametrize("layout", ["live", "spec"])
def test_every_client_method_checks_its_path_values(layout):
    class NoTransport:
        def request(self, *args):
            raise AssertionError("nothing may be sent")

    client = VoiceClient(NoTransport(), layout)
    calls = [lambda: client.get_call(".."), lambda: client.update_call(".", {}),
             lambda: client.get_conference("."), lambda: client.kick_all_from_conference(".."),
             lambda: client.manage_conference_participant("c", ".", "mute"),
             lambda: client.kick_participant_from_conference("..", "a"),
             lambda: client.get_number("."), lambda: client.assign_numbers([".."], "key"),
             lambda: client.unassign_number(".", "key"), lambda: client.get_application_callbacks(".."),
             lambda: client.manage_call_leg("..", "caller", {}), lambda: client.manage_call_leg("c", ".", {}),
             lambda: client.update_application_callbacks(".", {})]
    for call in calls:
        with pytest.raises(UsageError):
            call()


# ---- through the CLI, against the sandbox: refused means nothing reaches the journal --------------------------

# (what, the command, the hint its own check gives: commands check their ids before the client does)
CALL_HINT = "hint: callouts print it; e.g. CALL=$(sinchvoice callouts tts ... -q)"
PARTICIPANT_HINT = "hint: give the participants' call ids (see `conferences get`)"
CONFERENCE_HINT = "hint: give the conferenceId used in the callouts"
COMMANDS = [
    ("call id", lambda v: ("calls", "get", v), CALL_HINT),
    ("call id", lambda v: ("calls", "hangup", v), CALL_HINT),
    ("call id", lambda v: ("conferences", "kick", "standup", v, "--yes"), PARTICIPANT_HINT),
    ("call id", lambda v: ("conferences", "mute", "standup", "other", v), PARTICIPANT_HINT),
    ("conference id", lambda v: ("conferences", "get", v), CONFERENCE_HINT),
    ("conference id", lambda v: ("conferences", "kick-all", v, "--yes"), CONFERENCE_HINT),
    ("conference id", lambda v: ("conferences", "kick", v, "someone", "--yes"), CONFERENCE_HINT),
    ("--app", lambda v: ("applications", "callbacks", "get", "--app", v),
     "hint: give an application key, or omit --app for the profile's key (sinchvoice auth status)"),
]


# A NUL cannot be in a real argv; bytes that are not UTF-8 are refused for the whole argv first
# (tests/test_hostile_input.py); conference ids have their own limit of 64, checked first (test_conferences.py).
CLI_CASES = [(what, command, hint, typed, message) for what, command, hint in COMMANDS for typed, message in REFUSED
             if "\x00" not in typed and "\udcff" not in typed and not (what == "conference id" and len(typed) > 64)]


@pytest.mark.parametrize("what, command, hint, typed, message", CLI_CASES)
def test_refused_identifiers_exit_2_and_send_nothing(cli, sandbox, what, command, hint, typed, message):
    result = cli(*command(typed), env=sandbox.env())
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    subject = what if what.startswith("-") else f"the {what}"
    assert lines[0].startswith("error: " + message.format(what=what).replace(f"the {what}", subject, 1))
    assert lines[1] == hint
    assert result.stdout == ""
    assert sandbox.requests() == []


def test_kick_dot_no_longer_kicks_everyone(cli, sandbox):
    a, b = join(sandbox, "+46701000011", "+46701000012")
    mark = len(sandbox.requests())
    for dots in (".", ".."):
        result = cli("conferences", "kick", "standup", a, dots, "--yes", env=sandbox.env())
        assert result.exit_code == 2
    assert sandbox.requests()[mark:] == []  # not even the good id: input is checked before anything is sent
    conference = {c["conferenceId"]: c for c in sandbox.state()["conferences"]}["standup"]
    assert sorted(p["id"] for p in conference["participants"]) == sorted([a, b])


@pytest.mark.parametrize("typed, segment", [e for e in ENCODED if e[0] != "+46700000100"])
def test_encoded_identifiers_arrive_as_one_segment_and_verbose_shows_the_wire(cli, sandbox, typed, segment):
    result = cli("-v", "calls", "get", typed, env=sandbox.env())
    assert f"> GET {sandbox.base_url}{CALLS}{segment}" in result.stderr.splitlines()
    (entry,) = sandbox.requests()
    assert (entry["method"], entry["path"], entry["query"]) == ("GET", CALLS + typed, "")


@pytest.mark.parametrize("typed, segment", [("a/b", "a%2Fb"), ("%2E", "%252E"), ("a?b", "a%3Fb")])
def test_a_kick_sends_one_delete_for_exactly_that_participant(cli, sandbox, typed, segment):
    result = cli("-v", "conferences", "kick", "standup", typed, "--yes", env=sandbox.env())
    assert f"> DELETE {sandbox.base_url}{CONFERENCES}standup/{segment}" in result.stderr.splitlines()
    assert [(r["method"], r["path"], r["query"]) for r in sandbox.requests()][0] == (
        "DELETE", f"{CONFERENCES}standup/{typed}", "")


def test_dry_run_shows_the_url_as_it_would_be_sent(cli, sandbox):
    result = cli("--dry-run", "calls", "hangup", "a/b#c", env=sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"PATCH {sandbox.base_url}{CALLS}a%2Fb%23c"
    assert sandbox.requests() == []
