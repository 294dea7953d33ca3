"""Text from the API or a user cannot steer the terminal: control characters are shown, not obeyed.

Messages on stderr (error, hint, warning, note) and what is drawn for people (tables, panels, ids on a
terminal) show them escaped; json and csv keep the data exact, as scripts need it.
"""

from __future__ import annotations

import io
import json

import pytest

from sinchvoice.environment import Environment
from sinchvoice.output import Output
from sinchvoice.text import escape

HOSTILE = "a\x1b[2J\x1b]0;owned\x07b\nerror: fake\r\x9b\u202etxt.exe\u2028\udcff"
SHOWN = "a\\x1b[2J\\x1b]0;owned\\x07b\\nerror: fake\\r\\x9b\\u202etxt.exe\\u2028\\udcff"


def make(mode="table", tty=False, quiet=False):
    stdout, stderr = io.StringIO(), io.StringIO()
    env = Environment(stdout_override=stdout, stderr_override=stderr, stdin_isatty_override=tty,
                      stdout_isatty_override=tty)
    return Output(env, mode, quiet), stdout, stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (HOSTILE, SHOWN),
        ("plain ascii", "plain ascii"),
        ("räksmörgås ☎ 👍🏽 a\u200db\u00a0c", "räksmörgås ☎ 👍🏽 a\u200db\u00a0c"),  # printable stays as it is
        ("tab\there\x7f\x00", "tab\\there\\x7f\\x00"),
        ("\u061c\u200e\u200f\u202a\u2066\u2069\u2029", "\\u061c\\u200e\\u200f\\u202a\\u2066\\u2069\\u2029"),
    ],
)
def test_escape(text, shown):
    assert escape(text) == shown


def test_error_hint_and_warning_are_one_line_each_whatever_the_message_holds():
    out, stdout, stderr = make()
    out.error(HOSTILE, hint=HOSTILE)
    out.warn(HOSTILE)
    assert stderr.getvalue() == f"error: {SHOWN}\nhint: {SHOWN}\nwarning: {SHOWN}\n"
    assert stdout.getvalue() == ""


def test_json_error_object_keeps_the_message_exact():
    out, _, stderr = make("json")
    out.error("bad \x1b[31m\udcff")
    lines = stderr.getvalue().splitlines()
    assert lines[0] == "error: bad \\x1b[31m\\udcff"
    assert json.loads(lines[1])["error"]["message"] == "bad \x1b[31m\udcff"


def test_a_note_keeps_its_own_line_breaks_but_nothing_else():
    out, _, stderr = make()
    out.note("\nDone.\x1b[2J\tnext")
    assert stderr.getvalue() == "\nDone.\\x1b[2J\\tnext\n"


@pytest.mark.parametrize("tty", [False, True])
def test_tables_show_control_characters_and_rich_markup_literally(tty):
    out, stdout, _ = make(tty=tty)
    out.table(["call id", "caller id"], [["a\x1b[2Jb", "[/]"], ["[red]x[/red]", "two\nlines"]],
              title="[bold]t\x1b[0m", footer="[/] 2 rows")
    text = stdout.getvalue()
    assert "a\\x1b[2Jb" in text and "two\\nlines" in text and "[red]x[/red]" in text and "[/] 2 rows" in text
    assert "\x1b[2J" not in text and "[bold]t\\x1b[0m" in text
    if not tty:
        assert len(text.splitlines()) == 5  # title, header, two rows, footer: no row split in two


@pytest.mark.parametrize("tty", [False, True])
def test_panels_too(tty):
    out, stdout, _ = make(tty=tty)
    out.panel("Call [/]\x1b[2J", [("from", "+4670\x1b[31m"), ("reason", "[link=http://x]y")])
    text = stdout.getvalue()
    assert "Call [/]\\x1b[2J" in text and "+4670\\x1b[31m" in text and "[link=http://x]y" in text
    assert "\x1b[2J" not in text and "\x1b[31m" not in text


def test_ids_are_escaped_on_a_terminal_and_exact_when_piped():
    out, stdout, _ = make(tty=True, quiet=True)
    out.ids(["a\x1b[2Jb"])
    assert stdout.getvalue() == "a\\x1b[2Jb\n"
    out, stdout, _ = make(tty=False, quiet=True)
    out.ids(["a\x1b[2Jb"])
    assert stdout.getvalue() == "a\x1b[2Jb\n"


def test_json_and_csv_stay_exact_and_a_lone_surrogate_cannot_crash_them():
    out, stdout, _ = make("json")
    body = {"callId": "a\x1b[2Jb\n", "odd": "x\udcffy", "text": "räka\u2028"}
    out.json(body)
    out.json_line(body)
    first, second = stdout.getvalue().split("\n}\n")
    assert json.loads(first + "}") == body == json.loads(second)
    assert "\\u001b[2J" in first and "\\udcff" in first  # JSON's own escapes; the text itself is exact
    stdout.getvalue().encode("utf-8")  # printable to a real stdout
    out, stdout, _ = make("csv")
    out.csv(["callId", "note"], [["a\x1b[2Jb", "two\nlines"], ["x\udcffy", "ok"]])
    assert stdout.getvalue() == 'callId,note\na\x1b[2Jb,"two\nlines"\nx\\udcffy,ok\n'


def test_an_error_a_server_echoes_back_is_shown_not_obeyed(cli, sandbox):
    """The sandbox, like the API, quotes the rejected value in its message: it must not clear the screen
    or forge a second `error:` line."""
    body = {"method": "ttsCallout", "ttsCallout": {"cli": "+46700000001", "text": "hi",
                                                   "destination": {"type": "number", "endpoint": "\x1b[2J\nerror: ok"}}}
    result = cli("api", "POST", "/calling/v1/callouts", "--data", json.dumps(body), env=sandbox.env())
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: Invalid number '\\x1b[2J\\nerror: ok'")
    assert [line for line in lines if line.startswith("error:")] == [lines[0]]
    assert "\x1b" not in result.stderr


def test_callback_urls_shown_before_the_question_are_escaped(cli, sandbox):
    key = "11111111-2222-4333-8444-555555555555"
    stored = cli("api", "POST", f"/calling/v1/configuration/callbacks/applications/{key}", "--data",
                 json.dumps({"url": {"primary": "https://a.example/\x1b[2J"}}), env=sandbox.env())
    assert stored.exit_code == 0, stored.stderr
    result = cli("applications", "callbacks", "set", "--primary", "https://example.com/cb", tty=True, input="n\n",
                 env=sandbox.env())
    assert result.stderr.splitlines()[0] == "primary   https://a.example/\\x1b[2J → https://example.com/cb"


def test_the_wait_status_line_shows_what_the_server_said_escaped():
    from sinchvoice.callstatus import StatusLine

    stream = io.StringIO()
    StatusLine(stream, enabled=True).update("Call abc: ended \x1b[2JBUSY/\nX after 0:00")
    assert stream.getvalue() == "\r\x1b[KCall abc: ended \\x1b[2JBUSY/\\nX after 0:00"
