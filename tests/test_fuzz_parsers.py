"""Properties of every parser of what users type: for any input, a value that can be sent, or a UsageError.

Never another exception (each would be "unexpected failure ... report it"), and what a parser accepts is
strict JSON that encodes as UTF-8, since that is what goes on the wire.
"""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinchvoice import destinations, inputs, signing, svaml
from sinchvoice.commands.conferences import participants
from sinchvoice.environment import Environment
from sinchvoice.errors import UsageError
from sinchvoice.output import Output
from sinchvoice.text import escape
from tests.fuzzing import ANY_CHAR, FAST, HOSTILE, MANY, number, text


def sendable(value) -> None:
    """What json.dumps writes and a UTF-8 request body can carry: no NaN/Infinity, no lone surrogates."""
    json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")


def outcome(parse, *args, **kwargs):
    """The parser's value, or None after a well-formed UsageError (one line once shown, with a message)."""
    try:
        return parse(*args, **kwargs)
    except UsageError as error:
        assert error.message and "\n" not in escape(error.message)
        assert error.hint is None or (error.hint and "\n" not in escape(error.hint))
        return None


# ---- inputs.py -------------------------------------------------------------------------------------------

@FAST
@given(text)
def test_read_value_returns_text_or_refuses(value):
    got = outcome(inputs.read_value, value, what="--text", stdin=io.StringIO("piped"))
    if got is not None:
        got.encode("utf-8")
        assert len(got) <= inputs.MAX_INPUT_BYTES
        if value != "-" and not value.startswith("@"):
            assert got == value


@FAST
@given(st.binary(max_size=200), st.sampled_from(["value", "bytes", "lines"]))
def test_stdin_of_any_bytes_is_text_or_refused(data, how):
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    read = {"value": lambda: inputs.read_value("-", what="--svaml", stdin=stream),
            "bytes": lambda: inputs.read_bytes("-", what="--body", stdin=stream),
            "lines": lambda: inputs.read_lines("-", stdin=stream)}[how]
    got = outcome(read)
    if how == "bytes":
        assert got == data  # exact bytes: a signature covers them
    elif got is not None:
        json.dumps(got).encode("utf-8")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), st.integers(min_value=10**4290),
              st.text(ANY_CHAR, max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(ANY_CHAR, max_size=5), inner,
                                                                         max_size=4)),
    max_leaves=12)


def json_text(value) -> str:
    # json.dumps itself writes NaN, Infinity and lone surrogate escapes: exactly what users paste
    try:
        return json.dumps(value)
    except ValueError:  # an int over Python's digit limit
        return "9" * 5000


@FAST
@given(st.one_of(text, json_values.map(json_text)))
def test_parse_json_gives_strict_json_or_refuses(value):
    got = outcome(inputs.parse_json, value, what="--data")
    if got is not None or value.strip() == "null":
        sendable(got)


@FAST
@given(text)
def test_identifiers_are_one_line_of_text_or_refused(value):
    got = outcome(inputs.check_identifier, value, "the call id", hint="see `sinchvoice calls get`")
    if got is not None:
        assert got == value and len(got) <= inputs.MAX_IDENTIFIER and got.strip()
        assert inputs.CONTROL.search(got) is None
        got.encode("utf-8")


@FAST
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_check_range_keeps_finite_numbers_in_range(value):
    got = outcome(inputs.check_range, value, "--interval", low=0.5, high=3600, hint="e.g. --interval 2")
    assert got is None or 0.5 <= got <= 3600


@FAST
@given(st.lists(text, max_size=4))
def test_check_arguments(args):
    ok = outcome(inputs.check_arguments, args) is None and all(inputs.is_text(a) for a in args)
    assert ok == all(inputs.is_text(a) for a in args)


# ---- svaml.py --------------------------------------------------------------------------------------------

names = st.sampled_from([*svaml.INSTRUCTIONS, *svaml.ACTIONS, "Say", "", "nope"])
svaml_fields = st.dictionaries(st.sampled_from(["name", "text", "locale", "value", "ids", "moh", "conferenceId",
                                                "x"]),
                               st.one_of(text, names, json_values, st.lists(text, max_size=3)), max_size=5)
svaml_docs = st.one_of(
    json_values,
    st.fixed_dictionaries({"action": st.one_of(svaml_fields, st.builds(lambda n, f: {**f, "name": n}, names,
                                                                        svaml_fields))},
                          optional={"instructions": st.one_of(st.lists(svaml_fields, max_size=3), json_values),
                                    "extra": json_values}),
)


@FAST
@given(st.one_of(text, svaml_docs.map(json_text)), st.sampled_from([svaml.ACTIONS, svaml.PATCH_ACTIONS]))
def test_svaml_load_gives_a_checked_sendable_document_or_refuses(value, actions):
    got = outcome(svaml.load, value, what="--svaml", actions=actions, stdin=io.StringIO("{}"))
    if got is not None:
        sendable(got)
        assert got["action"]["name"] in actions


url = st.builds(lambda prefix, rest: prefix + rest,
                st.sampled_from(["https://example.com/", "http://127.0.0.1/", "https://", "HTTPS://h"]), text)


@FAST
@given(st.one_of(text, url, svaml_docs.map(json_text)))
def test_callout_svaml_is_a_url_or_a_svaml_string(value):
    got = outcome(svaml.callout_svaml, value, what="--ice", stdin=io.StringIO("{}"))
    if got is not None:
        sendable(got)


@FAST
@given(text, st.one_of(st.none(), text), st.one_of(st.sampled_from(svaml.THEN_ACTIONS), text),
       st.lists(st.one_of(text, url), max_size=3))
def test_say_and_play_shortcuts(words, locale, then, urls):
    for build in (lambda: svaml.say(words, locale, then), lambda: svaml.play(urls, then, locale, what="--file")):
        got = outcome(build)
        if got is not None:
            sendable(svaml.check(got, actions=svaml.ACTIONS))


@FAST
@given(text, st.sampled_from([svaml.check_text, svaml.check_locale, svaml.check_dtmf, svaml.check_moh]))
def test_field_checks(value, check):
    got = outcome(check, value)
    assert got is None or (got and got.encode("utf-8"))


# ---- destinations.py -------------------------------------------------------------------------------------

destination = st.one_of(text, st.builds(lambda prefix, rest: prefix + rest,
                                        st.sampled_from(["sip:", "SIP:", "user:", "did:", "+", "sip:a@", "did:+"]),
                                        text))


@MANY
@given(destination)
def test_destinations_parse_to_a_sendable_destination_that_reads_back_the_same(value):
    got = outcome(destinations.parse_destination, value)
    if got is not None:
        sendable(got)
        assert got["type"] in ("number", "sip", "username", "did") and got["endpoint"]
        assert destinations.parse_destination(destinations.describe_destination(got)) == got


@FAST
@given(text)
def test_check_e164_gives_e164(value):
    got = outcome(destinations.check_e164, value)
    assert got is None or destinations.E164.fullmatch(got)


@FAST
@given(st.dictionaries(st.sampled_from(["type", "endpoint", "x"]), st.one_of(text, json_values), max_size=3))
def test_describing_whatever_the_api_sends_back_never_fails(dest):
    assert isinstance(destinations.describe_destination(dest), str)


# ---- participants.py, signing.parse_timestamp -----------------------------------------------------------

@FAST
@given(text, st.lists(text, max_size=3), st.booleans(), st.lists(text, max_size=3))
def test_conference_targets(conference_id, call_ids, all_, except_):
    outcome(participants.check_conference_id, conference_id)
    got = outcome(participants.check_targets, call_ids, all_, participants.split_ids(except_))
    if got is not None:
        explicit, excluded = got
        for call_id in explicit:
            call_id.encode("utf-8")
            assert inputs.CONTROL.search(call_id) is None


@FAST
@given(st.one_of(text, st.datetimes().map(datetime.isoformat), number))
def test_parse_timestamp_is_an_aware_time_or_none(value):
    got = signing.parse_timestamp(value)
    assert got is None or got.tzinfo is not None


# ---- output.py: whatever a message holds, it is shown as one line -----------------------------------------

@FAST
@given(text, st.one_of(st.none(), text), st.sampled_from(["table", "json", "csv"]))
def test_an_error_is_one_error_line_and_at_most_one_hint(message, hint, mode):
    stderr = io.StringIO()
    Output(Environment(stderr_override=stderr), mode).error(message, hint)
    lines = stderr.getvalue().splitlines()  # str.splitlines() also splits at \x85 and U+2028: none may be left
    assert lines[0].startswith("error: ") and len(lines) == 1 + bool(hint) + (mode == "json")
    stderr.getvalue().encode("utf-8")
    if mode == "json":
        assert json.loads(lines[-1])["error"]["message"] == json.loads(json.dumps(message))  # as JSON reads it


@pytest.mark.parametrize("value", HOSTILE)
def test_escape_leaves_nothing_that_steers_a_terminal(value):
    shown = escape(value)
    assert not any(c in shown for c in "\x1b\n\r\x00\x85\u2028\u202e")
    shown.encode("utf-8")
