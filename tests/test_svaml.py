"""Tests for SVAML parsing, checking, the shortcut builders and callout ice/ace/pie values."""

from __future__ import annotations

import io
import json

import pytest

from sinchvoice import svaml
from sinchvoice.errors import UsageError
from sinchvoice.svaml import (
    ACTIONS,
    INSTRUCTIONS,
    PATCH_ACTIONS,
    callout_svaml,
    check,
    check_dtmf,
    check_locale,
    check_moh,
    check_text,
    load,
    parse,
)

ALL_ACTIONS = "hangup, continue, connectPstn, connectMxp, connectConf, connectSip, connectStream, runMenu, park"
ALL_INSTRUCTIONS = "playFiles, say, sendDtmf, setCookie, answer, startRecording, stopRecording"
SKELETON = '{"instructions": [{"name": "say", "text": "Hello"}], "action": {"name": "hangup"}}'
LOCALE_HINT = (
    "use a language code such as en-US, sv-SE or en, optionally with /female or /male,"
    " or a voice such as Joanna"
)
PATCH_REFUSAL = '--svaml: "{}" is not allowed when updating a live call; use one of: hangup, continue, park'
DTMF_HINT = "use the digits 0-9, # and *, and w for a 500 ms pause"


class TtyStdin(io.StringIO):
    def isatty(self) -> bool:
        return True


def error_of(call, *args, **kwargs) -> tuple[str, str | None]:
    with pytest.raises(UsageError) as info:
        call(*args, **kwargs)
    return info.value.message, info.value.hint


def test_constants():
    assert set(INSTRUCTIONS) == {
        "playFiles",
        "say",
        "sendDtmf",
        "setCookie",
        "answer",
        "startRecording",
        "stopRecording",
    }
    assert set(ACTIONS) == {
        "hangup",
        "continue",
        "connectPstn",
        "connectMxp",
        "connectConf",
        "connectSip",
        "connectStream",
        "runMenu",
        "park",
    }
    assert PATCH_ACTIONS == ("hangup", "continue", "park")
    assert svaml.MOH_CLASSES == ("ring", "music1", "music2", "music3")
    assert svaml.MAX_TTS == 600


# --- parse -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"action": {"name": "hangup"}}', {"action": {"name": "hangup"}}),
        ("{}", {}),
        ('  {"a": [1, 2]}\n', {"a": [1, 2]}),
    ],
)
def test_parse(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            '{\n  "instructions": [],\n  "action": {"name": "hangup"}\n  "x": 1\n}',
            "--svaml: invalid JSON at line 4, column 3: Expecting ',' delimiter",
            "fix the JSON syntax there",
        ),
        (
            '{\n  "action": {\n    "name": "hangup",\n  }\n}',
            "--svaml: invalid JSON at line 4, column 3: Expecting property name enclosed in double quotes",
            "fix the JSON syntax there",
        ),
        (
            "{'action': 1}",
            "--svaml: invalid JSON at line 1, column 2: Expecting property name enclosed in double quotes",
            "fix the JSON syntax there",
        ),
        ("hangup", "--svaml: invalid JSON at line 1, column 1: Expecting value", "fix the JSON syntax there"),
        ('{"a": 1} x', "--svaml: invalid JSON at line 1, column 10: Extra data", "fix the JSON syntax there"),
        ("", "--svaml is empty", f"give a SVAML document, e.g. {SKELETON}"),
        (" \n\t", "--svaml is empty", f"give a SVAML document, e.g. {SKELETON}"),
        ("[]", "--svaml: expected a JSON object, got an array", f"e.g. {SKELETON}"),
        ('"hangup"', "--svaml: expected a JSON object, got a string", f"e.g. {SKELETON}"),
        ("42", "--svaml: expected a JSON object, got a number", f"e.g. {SKELETON}"),
        ("null", "--svaml: expected a JSON object, got null", f"e.g. {SKELETON}"),
        ("true", "--svaml: expected a JSON object, got a boolean", f"e.g. {SKELETON}"),
        (
            '{"action": {"name": "hangup"}, "action": {"name": "continue"}}',
            '--svaml: key "action" appears twice in one object',
            "keep one of them",
        ),
    ],
)
def test_parse_errors(text, message, hint):
    assert error_of(parse, text, what="--svaml") == (message, hint)


def test_parse_default_what():
    assert error_of(parse, "[")[0] == "SVAML: invalid JSON at line 1, column 2: Expecting value"


# --- check: documents that pass ----------------------------------------------------------------------

VALID = [
    {"action": {"name": "hangup"}},
    {"instructions": [], "action": {"name": "continue"}},
    {
        "instructions": [
            {"name": "say", "text": "Hej", "locale": "sv-SE"},
            {"name": "say", "text": "x" * 600, "locale": "Joanna"},
            {"name": "playFiles", "ids": ["https://example.com/a.wav", "#tts[Hello]"], "locale": "en-US"},
            {"name": "sendDtmf", "value": "1234#*w9"},
            {"name": "setCookie", "key": "k", "value": "v"},
            {"name": "answer"},
            {"name": "startRecording", "options": {}},
            {"name": "stopRecording"},
        ],
        "action": {"name": "connectPstn", "number": "+46700000000", "cli": "+46700000001", "locale": "en-GB"},
    },
    {"action": {"name": "connectConf", "conferenceId": "room-1", "moh": "music2"}},
    {"action": {"name": "connectMxp", "destination": {"type": "username", "endpoint": "alice"}}},
    {"action": {"name": "connectSip", "destination": {"type": "sip", "endpoint": "sip:a@b.c"}}},
    {"action": {"name": "runMenu", "menus": [{"id": "main"}], "locale": "en-US/female"}},
    {"action": {"name": "park", "introPrompt": "#tts[Please hold]"}},
]


@pytest.mark.parametrize("doc", VALID)
def test_check_accepts(doc):
    snapshot = json.loads(json.dumps(doc))
    assert check(doc) is doc
    assert doc == snapshot  # checking never rewrites the document


@pytest.mark.parametrize("name", PATCH_ACTIONS)
def test_check_patch_accepts(name):
    doc = {"instructions": [{"name": "say", "text": "Bye"}], "action": {"name": name}}
    assert check(doc, actions=PATCH_ACTIONS) == doc


# --- check: documents that fail -----------------------------------------------------------------------


def say_text_doc(text):
    return {"instructions": [{"name": "say", "text": text}], "action": {"name": "hangup"}}


@pytest.mark.parametrize(
    ("doc", "actions", "message", "hint"),
    [
        (
            {"instructions": [], "action": {"name": "connectPstn"}},
            PATCH_ACTIONS,
            PATCH_REFUSAL.format("connectPstn"),
            None,
        ),
        (
            {"action": {"name": "runMenu"}},
            ("hangup", "connectConf"),
            '--svaml: "runMenu" is not allowed here; use one of: hangup, connectConf',
            None,
        ),
        (
            {"action": {"name": "hangUpp"}},
            ACTIONS,
            f'--svaml: unknown action "hangUpp"; use one of: {ALL_ACTIONS}',
            'did you mean "hangup"?',
        ),
        (
            {"action": {"name": "dial"}},
            ACTIONS,
            f'--svaml: unknown action "dial"; use one of: {ALL_ACTIONS}',
            None,
        ),
        (
            {"action": {"name": "prak"}},
            PATCH_ACTIONS,
            '--svaml: unknown action "prak"; use one of: hangup, continue, park',
            'did you mean "park"?',
        ),
        (
            {"instructions": []},
            ACTIONS,
            '--svaml: no "action"; a SVAML document needs exactly one',
            'add e.g. "action": {"name": "hangup"}',
        ),
        (
            {"action": [{"name": "hangup"}, {"name": "continue"}]},
            ACTIONS,
            '--svaml: "action" must be one object, not an array',
            "keep exactly one action",
        ),
        (
            {"action": "hangup"},
            ACTIONS,
            '--svaml: "action" must be an object, not a string',
            'e.g. {"name": "hangup"}',
        ),
        (
            {"action": {}},
            PATCH_ACTIONS,
            '--svaml: the action has no "name"',
            'add "name" with one of: hangup, continue, park',
        ),
        (
            {"actions": {"name": "hangup"}},
            ACTIONS,
            '--svaml: unknown top-level key "actions"',
            'did you mean "action"?',
        ),
        (
            {"action": {"name": "hangup"}, "custom": 1, "zzz": 2},
            ACTIONS,
            '--svaml: unknown top-level keys "custom", "zzz"',
            'SVAML has only "instructions" and "action"',
        ),
        (
            {"instructions": {"name": "say"}, "action": {"name": "hangup"}},
            ACTIONS,
            '--svaml: "instructions" must be an array, not an object',
            'e.g. "instructions": [{"name": "say", "text": "Hello"}]',
        ),
        (
            {"instructions": ["say"], "action": {"name": "hangup"}},
            ACTIONS,
            "--svaml: instruction 1 must be an object, not a string",
            'e.g. {"name": "say", "text": "Hello"}',
        ),
        (
            {"instructions": [{"name": "answer"}, {"text": "hi"}], "action": {"name": "hangup"}},
            ACTIONS,
            '--svaml: instruction 2 has no "name"',
            f'add "name" with one of: {ALL_INSTRUCTIONS}',
        ),
        (
            {"instructions": [{"name": "Sayy", "text": "hi"}], "action": {"name": "hangup"}},
            ACTIONS,
            f'--svaml: instruction 1: unknown instruction "Sayy"; use one of: {ALL_INSTRUCTIONS}',
            'did you mean "say"?',
        ),
        (
            {"instructions": [{"name": "hangup"}], "action": {"name": "continue"}},
            ACTIONS,
            f'--svaml: instruction 1: unknown instruction "hangup"; use one of: {ALL_INSTRUCTIONS}',
            '"hangup" is an action: put it in "action"',
        ),
        (
            say_text_doc("   "),
            ACTIONS,
            '--svaml: instruction 1 (say) "text" is empty',
            "give the words to speak",
        ),
        (
            say_text_doc("x" * 601),
            ACTIONS,
            '--svaml: instruction 1 (say) "text" is 601 characters long; text-to-speech allows at most 600',
            "shorten it, or split it into several say instructions",
        ),
        (
            {"instructions": [{"name": "say"}], "action": {"name": "hangup"}},
            ACTIONS,
            '--svaml: instruction 1 (say) needs "text" as a string; it is missing',
            'add "text": "..."',
        ),
        (
            say_text_doc(42),
            ACTIONS,
            '--svaml: instruction 1 (say) needs "text" as a string; it is a number',
            'add "text": "..."',
        ),
        *[
            (
                {"instructions": [{"name": "playFiles", "ids": ids}], "action": {"name": "hangup"}},
                ACTIONS,
                '--svaml: instruction 1 (playFiles) needs "ids": a non-empty array of file ids or URLs',
                'e.g. "ids": ["https://example.com/welcome.wav"]',
            )
            for ids in ([], None, "https://example.com/a.wav", [""], [1])
        ],
        (
            {"instructions": [{"name": "sendDtmf", "value": "12a"}], "action": {"name": "hangup"}},
            ACTIONS,
            "--svaml: instruction 1 (sendDtmf) \"value\" '12a' is not a DTMF sequence",
            DTMF_HINT,
        ),
        (
            {
                "instructions": [{"name": "say", "text": "Hi", "locale": "english"}],
                "action": {"name": "hangup"},
            },
            ACTIONS,
            "--svaml: instruction 1 (say) \"locale\" 'english' is not a locale or voice",
            LOCALE_HINT,
        ),
        (
            {"action": {"name": "runMenu", "locale": "en-us"}},
            ACTIONS,
            "--svaml: action runMenu \"locale\" 'en-us' is not a locale or voice",
            "did you mean en-US?",
        ),
        (
            {"action": {"name": "connectConf", "conferenceId": "c", "moh": "jazz"}},
            ACTIONS,
            "--svaml: action connectConf \"moh\" 'jazz' is not a music-on-hold class",
            "use one of: ring, music1, music2, music3",
        ),
    ],
)
def test_check_rejects(doc, actions, message, hint):
    assert error_of(check, doc, what="--svaml", actions=actions) == (message, hint)


def test_check_reports_the_first_bad_instruction_by_position():
    doc = {
        "instructions": [
            {"name": "answer"},
            {"name": "say", "text": "ok"},
            {"name": "sendDtmf", "value": ""},
        ],
        "action": {"name": "hangup"},
    }
    assert error_of(check, doc)[0] == "SVAML: instruction 3 (sendDtmf) \"value\" is empty"


# --- small checks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello", "Hello"),
        ("  Hello \n", "Hello"),
        ("x" * 600, "x" * 600),
        (" " + "y" * 600 + "\n", "y" * 600),
    ],
)
def test_check_text_accepts(text, expected):
    assert check_text(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("", "--text is empty", "give the words to speak"),
        (" \n", "--text is empty", "give the words to speak"),
        (
            "z" * 734,
            "--text is 734 characters long; text-to-speech allows at most 600",
            "shorten it, or split it into several say instructions",
        ),
    ],
)
def test_check_text_rejects(text, message, hint):
    assert error_of(check_text, text) == (message, hint)


@pytest.mark.parametrize(
    "value",
    [
        "en-US",
        "sv-SE",
        "en",
        "en-GB",
        "ja-JP",
        "en-US/female",
        "en-US/male",
        "en/female",
        "yue",
        "es-419",
        "zh-Hans-CN",
        "Joanna",
        "Matthew",
        "Amy",
        "Brian",
        "Céline",
    ],
)
def test_check_locale_accepts(value):
    assert check_locale(value) == value


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("english", LOCALE_HINT),
        ("en-US/robot", LOCALE_HINT),
        ("JOANNA", LOCALE_HINT),
        ("en-US ", LOCALE_HINT),
        ("en-US\n", LOCALE_HINT),
        ("en-us", "did you mean en-US?"),
        ("EN_us/Female", "did you mean en-US/female?"),
        ("sv_SE", "did you mean sv-SE?"),
        ("zh-hans-cn", "did you mean zh-Hans-CN?"),
    ],
)
def test_check_locale_rejects(value, hint):
    assert error_of(check_locale, value) == (f"--locale '{value}' is not a locale or voice", hint)


@pytest.mark.parametrize("value", ["0", "123", "#", "*", "w", "1w2w#", "0123456789#*w"])
def test_check_dtmf_accepts(value):
    assert check_dtmf(value) == value


@pytest.mark.parametrize("value", ["12a", "1 2", "W", "+1", "12\n", "١٢"])
def test_check_dtmf_rejects(value):
    assert error_of(check_dtmf, value, what="--digits") == (
        f"--digits '{value}' is not a DTMF sequence",
        DTMF_HINT,
    )


def test_an_empty_locale_or_dtmf_says_so():
    # Used to be `'' is not ...`; callouts skipped the check altogether and dropped the option silently.
    assert error_of(check_locale, "") == ("--locale is empty", LOCALE_HINT)
    assert error_of(check_dtmf, "", what="--digits") == ("--digits is empty", DTMF_HINT)


@pytest.mark.parametrize("value", ["ring", "music1", "music2", "music3"])
def test_check_moh_accepts(value):
    assert check_moh(value) == value


@pytest.mark.parametrize("value", ["", "music4", "Ring", "jazz"])
def test_check_moh_rejects(value):
    assert error_of(check_moh, value) == (
        f"--moh '{value}' is not a music-on-hold class",
        "use one of: ring, music1, music2, music3",
    )


# --- builders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"text": "Hello"},
            {"instructions": [{"name": "say", "text": "Hello"}], "action": {"name": "continue"}},
        ),
        (
            {"text": "  Hej då \n", "locale": "sv-SE", "then": "hangup"},
            {
                "instructions": [{"name": "say", "text": "Hej då", "locale": "sv-SE"}],
                "action": {"name": "hangup"},
            },
        ),
        (
            {"text": "Hi", "locale": "Joanna"},
            {
                "instructions": [{"name": "say", "text": "Hi", "locale": "Joanna"}],
                "action": {"name": "continue"},
            },
        ),
    ],
)
def test_say(kwargs, expected):
    doc = svaml.say(**kwargs)
    assert doc == expected
    assert check(doc, actions=PATCH_ACTIONS) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (
            (["https://example.com/a.wav"],),
            {},
            {
                "instructions": [{"name": "playFiles", "ids": ["https://example.com/a.wav"]}],
                "action": {"name": "continue"},
            },
        ),
        (
            (["https://example.com/a.wav", " http://example.com/b.mp3 "], "hangup"),
            {"locale": "en-US"},
            {
                "instructions": [
                    {
                        "name": "playFiles",
                        "ids": ["https://example.com/a.wav", "http://example.com/b.mp3"],
                        "locale": "en-US",
                    }
                ],
                "action": {"name": "hangup"},
            },
        ),
    ],
)
def test_play(args, kwargs, expected):
    doc = svaml.play(*args, **kwargs)
    assert doc == expected
    assert check(doc, actions=PATCH_ACTIONS) == expected


def test_hangup():
    assert svaml.hangup() == {"action": {"name": "hangup"}}
    assert check(svaml.hangup(), actions=PATCH_ACTIONS) == {"action": {"name": "hangup"}}


URL_HINT = "give the file's full URL, e.g. https://example.com/welcome.wav"
THEN_HINT = "continue keeps the call going, hangup ends it"


@pytest.mark.parametrize(
    ("call", "message", "hint"),
    [
        (lambda: svaml.say(""), "--text is empty", "give the words to speak"),
        (
            lambda: svaml.say("Hi", locale="klingon"),
            "--locale 'klingon' is not a locale or voice",
            LOCALE_HINT,
        ),
        (
            lambda: svaml.say("Hi", then="park"),
            "--then 'park' is not allowed; use continue or hangup",
            THEN_HINT,
        ),
        (lambda: svaml.play([]), "nothing to play", "give at least one https:// URL of an audio file"),
        (
            lambda: svaml.play(["ftp://example.com/a.wav"]),
            "URL 'ftp://example.com/a.wav' is not an http(s) URL",
            URL_HINT,
        ),
        (lambda: svaml.play(["welcome.wav"]), "URL 'welcome.wav' is not an http(s) URL", URL_HINT),
        (lambda: svaml.play(["https://"]), "URL 'https://' is not an http(s) URL", URL_HINT),
        (lambda: svaml.play(["x"], what="--url"), "--url 'x' is not an http(s) URL", URL_HINT),
        (
            lambda: svaml.play(["https://e.com/a.wav"], then="connectPstn"),
            "--then 'connectPstn' is not allowed; use continue or hangup",
            THEN_HINT,
        ),
    ],
)
def test_builder_errors(call, message, hint):
    assert error_of(call) == (message, hint)


# --- load ----------------------------------------------------------------------------------------------

DOC = {"instructions": [{"name": "say", "text": "Hi"}], "action": {"name": "hangup"}}


def test_load_inline_file_and_stdin(tmp_path):
    text = json.dumps(DOC, indent=2)
    (tmp_path / "doc.json").write_text(text, encoding="utf-8")
    assert load(text, what="--svaml") == DOC
    assert load(f"@{tmp_path / 'doc.json'}", what="--svaml") == DOC
    assert load("-", what="--svaml", stdin=io.StringIO(text)) == DOC


@pytest.mark.parametrize(
    ("value", "stdin", "actions", "message"),
    [
        (
            "-",
            io.StringIO('{\n  "action": {"name": "hangup"}\n  }}'),
            ACTIONS,
            "--svaml: invalid JSON at line 3, column 4: Extra data",
        ),
        ("-", TtyStdin(""), ACTIONS, "--svaml - reads standard input, but it is a terminal"),
        (
            '{"action": {"name": "connectConf"}}',
            None,
            PATCH_ACTIONS,
            PATCH_REFUSAL.format("connectConf"),
        ),
        ("@nope.json", None, ACTIONS, "--svaml: no such file: nope.json"),
    ],
)
def test_load_errors(tmp_path, monkeypatch, value, stdin, actions, message):
    monkeypatch.chdir(tmp_path)
    assert error_of(load, value, what="--svaml", actions=actions, stdin=stdin)[0] == message


# --- callout ice/ace/pie ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/sinch/ice",
        "HTTPS://example.com/ace?x=1",
        "http://localhost:8080/ice",
        "http://127.0.0.1/ice",
        "http://127.5.6.7:9000/pie",
        "http://[::1]:8080/ice",
    ],
)
def test_callout_svaml_urls_pass_through(url):
    assert callout_svaml(url, what="--ice") == url


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        (
            "http://example.com/ice",
            "--ice 'http://example.com/ice' uses http:// on a non-loopback host",
            "give an https:// URL (http:// only on localhost, 127.0.0.0/8 or ::1) or SVAML",
        ),
        (
            "http://10.0.0.1/ice",
            "--ice 'http://10.0.0.1/ice' uses http:// on a non-loopback host",
            "give an https:// URL (http:// only on localhost, 127.0.0.0/8 or ::1) or SVAML",
        ),
        (
            "http://localhost.example.com/ice",
            "--ice 'http://localhost.example.com/ice' uses http:// on a non-loopback host",
            "give an https:// URL (http:// only on localhost, 127.0.0.0/8 or ::1) or SVAML",
        ),
        (
            "ftp://example.com/ice",
            "--ice 'ftp://example.com/ice' is not an absolute https:// URL",
            "give an https:// URL (http:// only on localhost, 127.0.0.0/8 or ::1) or SVAML",
        ),
        (
            "https:///ice",
            "--ice 'https:///ice' is not an absolute https:// URL",
            "give an https:// URL (http:// only on localhost, 127.0.0.0/8 or ::1) or SVAML",
        ),
        (
            '{"action": {"name": "dial"}}',
            f'--ice: unknown action "dial"; use one of: {ALL_ACTIONS}',
            None,
        ),
        (
            '{"action": ',
            "--ice: invalid JSON at line 1, column 12: Expecting value",
            "fix the JSON syntax there",
        ),
    ],
)
def test_callout_svaml_rejects(value, message, hint):
    assert error_of(callout_svaml, value, what="--ice") == (message, hint)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '{ "instructions": [ {"name": "say", "text": "Hej"} ],\n  "action": {"name": "connectConf", '
            '"conferenceId": "room"} }',
            '{"instructions":[{"name":"say","text":"Hej"}],"action":{"name":"connectConf","conferenceId":"room"}}',
        ),
        ('{"action": {"name": "runMenu"}}', '{"action":{"name":"runMenu"}}'),
    ],
)
def test_callout_svaml_serialises_checked_svaml(value, expected):
    assert callout_svaml(value, what="--ace") == expected
    assert callout_svaml("-", what="--ace", stdin=io.StringIO(value)) == expected


@pytest.mark.parametrize("value", ["https://example.com/\udcff", "HTTPS://\ud800", "https://example.com/a\x00b",
                                   "https://example.com/\x1b[2J"])
def test_callout_urls_with_controls_or_non_utf8_are_refused(value):
    # \udcff used to pass the URL check and crash encoding the request body.
    with pytest.raises(UsageError) as info:
        svaml.callout_svaml(value, what="--ice")
    assert info.value.message == f"--ice {value!r} is not an absolute https:// URL"


# --- names compared without case, as Sinch does; connectStream ----------------------------------------------------

def test_names_in_another_case_pass_with_a_warning_each():
    doc = {"instructions": [{"name": "SAY", "text": "hi"}, {"name": "playFiles", "ids": ["https://x.test/a.wav"]}],
           "action": {"name": "ConnectConf", "conferenceId": "room"}}
    warnings: list[str] = []
    assert check(doc, what="--ice", warn=warnings.append) == doc  # sent as written
    assert warnings == [
        '--ice: instruction 1 "SAY" is documented as "say"; sent as written (Sinch compares names without case)',
        '--ice: action "ConnectConf" is documented as "connectConf"; sent as written (Sinch compares names without '
        'case)']


def test_the_documented_name_is_what_gets_checked():
    assert error_of(check, {"instructions": [{"name": "Say"}], "action": {"name": "hangup"}}, what="--ice") == (
        '--ice: instruction 1 (say) needs "text" as a string; it is missing', 'add "text": "..."')
    assert error_of(check, {"action": {"name": "CONNECTPSTN"}}, what="--svaml", actions=PATCH_ACTIONS) == (
        PATCH_REFUSAL.format("CONNECTPSTN"), None)
    assert check({"action": {"name": "HANGUP"}}, actions=PATCH_ACTIONS) == {"action": {"name": "HANGUP"}}


def test_no_unicode_case_folding():
    # "ſ".upper() == "S": a name must be ASCII to match a documented one.
    assert error_of(check, {"action": {"name": "ſtream"}}, what="--svaml")[0].startswith(
        '--svaml: unknown action "ſtream"')


def test_connect_stream_is_an_action():
    doc = {"action": {"name": "connectStream", "destination": {"type": "websocket", "endpoint": "wss://x.test/ws"}}}
    assert callout_svaml(json.dumps(doc), what="--ice") == json.dumps(doc, separators=(",", ":"))
