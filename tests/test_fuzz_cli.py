"""Properties of the whole command line: generated argv for a representative set of commands, run in-process
through the real CLI against the sandbox.

Whatever is typed: a documented exit code, exactly one `error:` line when it fails (none when it succeeds),
never "unexpected failure", and on exit 2 (bad input) not one request in the sandbox's journal.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import CLI, number, stdin, text

DOCUMENTED = {0, 1, 2, 3, 4, 5, 6, 7, 75, 130}
KEY = "11111111-2222-4333-8444-555555555555"  # the sandbox's seeded application
GLOBAL = st.sampled_from([[], ["-q"], ["-o", "json"], ["-o", "csv"], ["--dry-run"]])


class Slot:
    """A place in a command line that gets a hostile value; valid (`default`) when another slot is chosen."""

    def __init__(self, default: str, values: st.SearchStrategy = text):
        self.default, self.values = default, values


def N(default: str) -> Slot:  # a number slot; short, as it is a marker in the tables below
    return Slot(default, number)


T = Slot
# Valid command lines (against the sandbox) with their slots; each example makes one slot, sometimes two, hostile.
CALLOUTS = [
    ["callouts", "tts", "--to", T("+46700000100"), "--text", T("Hello"), "--locale", T("en-US")],
    ["callouts", "tts", "--to", T("+46700000100"), "--text", T("Hi"), "--wait", "--wait-timeout", N("30")],
    ["callouts", "conference", "--to", T("+46700000100"), "--conference-id", T("standup"), "--dtmf", T("1#"),
     "--max-duration", N("60"), "--greeting", T("Welcome"), "--moh", T("ring")],
    ["callouts", "custom", "--to", T("sip:alice@example.com"), "--ice", T('{"action": {"name": "hangup"}}'),
     "--ace", T("https://example.com/ace")],
]
CALLS = [
    ["calls", "get", T("abc")],
    ["calls", "hangup", T("abc")],
    ["calls", "say", T("abc"), "--text", T("Hello"), "--locale", T("en-US"), "--then", T("hangup")],
    ["calls", "update", T("abc"), "--svaml", T('{"action": {"name": "park"}}')],
    ["calls", "play", T("abc"), "--file", T("https://example.com/a.wav")],
]
CONFERENCES = [
    ["conferences", "get", T("standup")],
    ["conferences", "get", T("standup"), "--watch", "--interval", N("2")],
    ["conferences", "mute", T("standup"), T("abc"), T("def")],
    ["conferences", "kick", T("standup"), "--all", "--except", T("abc"), "--yes"],
    ["conferences", "hold", T("standup"), T("abc"), "--moh", T("music1")],
    ["conferences", "kick-all", T("standup"), "--yes"],
]
APPLICATIONS = [
    ["applications", "numbers", "assign", T("+46700000102"), T("+46700000103"), "--app", T(KEY), "--yes"],
    ["applications", "numbers", "unassign", "--from-file", T("-"), "--yes"],
    ["applications", "numbers", "list", "--app", T(KEY), "--capability", T("voice")],
    ["applications", "numbers", "get", T("+46700000100")],
    ["applications", "callbacks", "get", "--app", T(KEY)],
    ["applications", "callbacks", "set", "--primary", T("https://example.com/a"), "--fallback", T(""), "--yes"],
]
RAW = [
    ["api", "POST", "/calling/v1/callouts", "--data", T('{"method": "ttsCallout"}')],
    ["api", "PATCH", "/calling/v1/calls/id/abc", "--data", T("-")],
    ["signature", "sign", "--path", T("/cb"), "--method", T("POST"), "--timestamp", T("2024-05-01T12:00:00Z"),
     "--body", T("{}")],
    ["signature", "verify", "--path", T("/cb"), "-H", T("authorization: Application k:s"), "-H",
     T("x-timestamp: 2024-05-01T12:00:00Z"), "--body", T("{}"), "--max-skew", N("900")],
]


def hostile(template: list) -> st.SearchStrategy:
    """The template's argv with one or two of its slots filled from their hostile strategies."""
    slots = [i for i, word in enumerate(template) if isinstance(word, Slot)]

    def fill(chosen: list[int]) -> st.SearchStrategy:
        return st.tuples(*[template[i].values for i in chosen]).map(lambda values: [
            dict(zip(chosen, values, strict=True)).get(i, word.default if isinstance(word, Slot) else word)
            for i, word in enumerate(template)])

    return st.lists(st.sampled_from(slots), min_size=1, max_size=2, unique=True).flatmap(fill)


def commands(templates: list[list]) -> st.SearchStrategy:
    return st.one_of(*[hostile(template) for template in templates])


def check(cli, sandbox, words, globals_, data, tty):
    """Run one generated command line; assert the properties of the module docstring."""
    sandbox.reset()
    cli.on_sleep = sandbox.advance  # --wait and --watch run on the sandbox's manual clock, instantly
    if tty and data is not None:  # an answer typed at a prompt: see test_a_prompt_answer_that_is_not_utf8
        data = data.decode("utf-8", "replace").encode("utf-8")
    result = cli(*globals_, *words, input=data, tty=tty, env={**sandbox.env(), "SINCHVOICE_FROM": "+46700000001"})
    shown = (f"argv={[*globals_, *words]!r}\nstdin={data!r}\ntty={tty}\nexit={result.exit_code}\n"
             f"stderr={result.stderr[:2000]}")
    assert result.exit_code in DOCUMENTED, shown
    assert "unexpected failure" not in result.stderr, shown
    # A test's terminal echoes no answer, so an error may follow a confirmation question on its line.
    lines = [line.rpartition("[y/N] ")[2] for line in result.stderr.splitlines()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == (0 if result.exit_code == 0 else 1), shown
    if result.exit_code == 2:
        assert sandbox.requests() == [], shown


@CLI
@given(words=commands(CALLOUTS), globals_=GLOBAL, data=stdin, tty=st.booleans())
def test_callouts(cli, sandbox, words, globals_, data, tty):
    check(cli, sandbox, words, globals_, data, tty)


@CLI
@given(words=commands(CALLS), globals_=GLOBAL, data=stdin, tty=st.booleans())
def test_calls(cli, sandbox, words, globals_, data, tty):
    check(cli, sandbox, words, globals_, data, tty)


@CLI
@given(words=commands(CONFERENCES), globals_=GLOBAL, data=stdin, tty=st.booleans())
def test_conferences(cli, sandbox, words, globals_, data, tty):
    check(cli, sandbox, words, globals_, data, tty)


@CLI
@given(words=commands(APPLICATIONS), globals_=GLOBAL, data=stdin, tty=st.booleans())
def test_applications(cli, sandbox, words, globals_, data, tty):
    check(cli, sandbox, words, globals_, data, tty)


@CLI
@given(words=commands(RAW), globals_=GLOBAL, data=stdin, tty=st.booleans())
def test_api_and_signature(cli, sandbox, words, globals_, data, tty):
    check(cli, sandbox, words, globals_, data, tty)


def test_a_prompt_answer_that_is_not_utf8_is_a_no(cli, sandbox):
    result = cli("conferences", "kick-all", "standup", input=b"\xe9\n", tty=True, env=sandbox.env())
    assert result.exit_code == 1
    assert result.stderr.endswith("? [y/N] error: cancelled; nothing was changed\n")  # input is not echoed here
    assert sandbox.requests() == []
