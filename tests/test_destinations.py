"""Tests for the --to grammar and E.164 checks."""

from __future__ import annotations

import pytest

from sinchvoice.destinations import E164, check_e164, describe_destination, parse_destination
from sinchvoice.errors import ExitCode, UsageError

GENERIC_HINT = "write it with + and the country code, e.g. +46700000000"
FORMS_MESSAGE = "is not a destination; expected +E164, sip:user@host or user:NAME"
SIP_HINT = "write it as sip:user@host, e.g. sip:alice@example.com"
FORMS_HINT = "e.g. +46700000000, sip:alice@example.com or user:alice"
DID_HINT = "did appears only in callback events; to call the number, give it as is: --to"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("+46700000000", True),
        ("+1", True),
        ("+123456789012345", True),  # 15 digits
        ("+1234567890123456", False),  # 16 digits
        ("+0700000000", False),
        ("46700000000", False),
        ("+", False),
        ("+46 700", False),
        ("+4670a", False),
        ("", False),
    ],
)
def test_e164_pattern(value, ok):
    assert bool(E164.fullmatch(value)) is ok


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+46700000000", "+46700000000"),
        ("  +46700000000\n", "+46700000000"),
        ("+1", "+1"),
        ("+123456789012345", "+123456789012345"),
    ],
)
def test_check_e164_accepts(value, expected):
    assert check_e164(value) == expected


@pytest.mark.parametrize(
    ("value", "what", "message", "hint"),
    [
        ("0700123", "--to", "--to '0700123' is not an E.164 number", GENERIC_HINT),
        (
            "46700000000",
            "--from",
            "--from '46700000000' is not an E.164 number",
            "start it with + before the country code: +46700000000",
        ),
        (
            "0046700000000",
            "number on line 3",
            "number on line 3 '0046700000000' is not an E.164 number",
            "write + instead of the international prefix 00: +46700000000",
        ),
        (
            "+46 70-000 00 00",
            "--to",
            "--to '+46 70-000 00 00' is not an E.164 number",
            "remove spaces, dashes, dots and brackets: +46700000000",
        ),
        (
            "+1234567890123456",
            "--to",
            "--to '+1234567890123456' is not an E.164 number",
            "E.164 numbers have at most 15 digits after the +; this one has 16",
        ),
        ("+0700123", "number", "number '+0700123' is not an E.164 number", GENERIC_HINT),
        ("+46abc", "number", "number '+46abc' is not an E.164 number", GENERIC_HINT),
        ("  ", "--from", "--from is empty", GENERIC_HINT),
        # Too short to be a real number with a country code: no "+123" that would fail again, an example instead.
        ("123", "--from", "--from '123' is not an E.164 number", GENERIC_HINT),
        ("46700", "--from", "--from '46700' is not an E.164 number", GENERIC_HINT),
        ("00123", "--from", "--from '00123' is not an E.164 number", GENERIC_HINT),
        ("+1 23", "--to", "--to '+1 23' is not an E.164 number", GENERIC_HINT),
        # The shortest real numbers (7 digits after the +) still get the corrected number.
        ("6831234", "--from", "--from '6831234' is not an E.164 number",
         "start it with + before the country code: +6831234"),
        ("00683 1234", "--from", "--from '00683 1234' is not an E.164 number",
         "write + instead of the international prefix 00: +6831234"),
    ],
)
def test_check_e164_rejects(value, what, message, hint):
    with pytest.raises(UsageError) as info:
        check_e164(value, what=what)
    assert info.value.message == message
    assert info.value.hint == hint
    assert info.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+46700000000", {"type": "number", "endpoint": "+46700000000"}),
        (" +46700000000 ", {"type": "number", "endpoint": "+46700000000"}),
        ("sip:alice@example.com", {"type": "sip", "endpoint": "sip:alice@example.com"}),
        ("SIP:alice@example.com", {"type": "sip", "endpoint": "sip:alice@example.com"}),
        (
            "sip:alice@example.com:5060;transport=tls",
            {"type": "sip", "endpoint": "sip:alice@example.com:5060;transport=tls"},
        ),
        ("sip:+46700000000@10.0.0.1", {"type": "sip", "endpoint": "sip:+46700000000@10.0.0.1"}),
        ("user:alice", {"type": "username", "endpoint": "alice"}),
        ("user:alice.smith@corp", {"type": "username", "endpoint": "alice.smith@corp"}),
    ],
)
def test_parse_destination(value, expected):
    assert parse_destination(value) == expected


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("alice", f"--to 'alice' {FORMS_MESSAGE}", FORMS_HINT),
        ("tel:+46700000000", f"--to 'tel:+46700000000' {FORMS_MESSAGE}", FORMS_HINT),
        ("alice@example.com", f"--to 'alice@example.com' {FORMS_MESSAGE}", FORMS_HINT),
        ("", "--to is empty", GENERIC_HINT),
        ("0700123", "--to '0700123' is not an E.164 number", GENERIC_HINT),
        (
            "46700000000",
            "--to '46700000000' is not an E.164 number",
            "start it with + before the country code: +46700000000",
        ),
        ("sip:", "--to 'sip:' is not a SIP URI", SIP_HINT),
        ("sip:alice", "--to 'sip:alice' is not a SIP URI", SIP_HINT),
        ("sip:@example.com", "--to 'sip:@example.com' is not a SIP URI", SIP_HINT),
        ("sip:alice@", "--to 'sip:alice@' is not a SIP URI", SIP_HINT),
        ("sip:al ice@example.com", "--to 'sip:al ice@example.com' is not a SIP URI", SIP_HINT),
        ("user:", "--to 'user:' needs a username without spaces", "e.g. user:alice"),
        ("user:al ice", "--to 'user:al ice' needs a username without spaces", "e.g. user:alice"),
        # Sinch's callout destinations are number, username and sip: did appears only in callback events.
        ("did:+46700000000", "--to 'did:+46700000000': did is not a callout destination", f"{DID_HINT} +46700000000"),
        ("DID: +46700000000", "--to 'DID: +46700000000': did is not a callout destination",
         f"{DID_HINT} +46700000000"),
        ("did:0700123", "--to 'did:0700123': did is not a callout destination", f"{DID_HINT} +46700000000"),
        ("did:", "--to 'did:': did is not a callout destination", f"{DID_HINT} +46700000000"),
    ],
)
def test_parse_destination_rejects(value, message, hint):
    with pytest.raises(UsageError) as info:
        parse_destination(value)
    assert (info.value.message, info.value.hint) == (message, hint)


def test_parse_destination_uses_what():
    with pytest.raises(UsageError) as info:
        parse_destination("bob", what="--dest")
    assert info.value.message == f"--dest 'bob' {FORMS_MESSAGE}"


@pytest.mark.parametrize(
    ("dest", "expected"),
    [
        ({"type": "number", "endpoint": "+46700000000"}, "+46700000000"),
        ({"type": "sip", "endpoint": "sip:alice@example.com"}, "sip:alice@example.com"),
        ({"type": "sip", "endpoint": "alice@example.com"}, "sip:alice@example.com"),
        ({"type": "username", "endpoint": "alice"}, "user:alice"),
        ({"type": "did", "endpoint": "+46700000000"}, "did:+46700000000"),
        ({"type": "Number", "endpoint": "+46700000000"}, "+46700000000"),
        ({"type": "conference", "endpoint": "room1"}, "conference:room1"),
        ({"endpoint": "+46700000000"}, "+46700000000"),
        ({}, ""),
    ],
)
def test_describe_destination(dest, expected):
    assert describe_destination(dest) == expected


@pytest.mark.parametrize(
    "value", ["+46700000000", "sip:alice@example.com", "user:alice"]
)
def test_describe_round_trips(value):
    assert describe_destination(parse_destination(value)) == value


@pytest.mark.parametrize("value", ["user:a\x1bb", "user:\udcff", "sip:a\x1b@example.com", "sip:alice@host\x00",
                                   "did:+4670\x0b0000000"])
def test_control_characters_and_non_utf8_are_refused_before_they_reach_the_json(value):
    with pytest.raises(UsageError) as info:
        parse_destination(value)
    assert info.value.message == (f"--to {value.strip()!r} is not a destination: it has control characters or bytes "
                                  "that are not UTF-8")
