"""Known-answer tests for Sinch application signing, and verification edge cases."""

from datetime import datetime, timedelta, timezone

import pytest

from sinchvoice import signing

KEY = "669E367E-6BBA-48AB-AF15-266871C28135"
SECRET = "BeIukql3pTKJ8RGL5zo0DA=="
PATH = "/sinch/callback/ace"
STAMP = "2014-09-24T10:59:41Z"
BODY = (b'{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257",'
        b'"timestamp":"2014-09-24T10:59:41Z","version":1}')
SIGNATURE = "Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4="
THEN = datetime(2014, 9, 24, 10, 59, 41, tzinfo=timezone.utc)


def test_published_vector():
    signed = signing.sign_request(KEY, SECRET, "POST", PATH, BODY, "application/json", STAMP)
    assert signed.content_md5 == "REWF+X220L4/Gw1spXOU7g=="
    assert signed.authorization == f"Application {KEY}:{SIGNATURE}"
    assert signed.string_to_sign == f"POST\nREWF+X220L4/Gw1spXOU7g==\napplication/json\nx-timestamp:{STAMP}\n{PATH}"


def test_second_published_md5_and_empty_body():
    assert signing.content_md5(b'{"message":"Hello world"}') == "jANzQ+rgAHyf1MWQFSwvYw=="
    assert signing.content_md5(b"") == ""
    assert signing.string_to_sign("get", "/p", b"", "", "T") == "GET\n\n\nx-timestamp:T\n/p"


def _verify(authorization, body=BODY, timestamp=STAMP, now=THEN, key=KEY, content_type="application/json"):
    return signing.verify(authorization, key=key, secret=SECRET, method="POST", path=PATH, body=body,
                          content_type=content_type, timestamp=timestamp, now=now)


@pytest.mark.parametrize("authorization, kwargs, ok, reason", [
    (f"Application {KEY}:{SIGNATURE}", {}, True, "valid signature"),
    (f"application {KEY}:{SIGNATURE}", {}, True, "valid signature"),  # callbacks use lower case
    (f"Application {KEY}:{SIGNATURE}", {"body": BODY + b" "}, False, "signature does not match"),
    (f"Application {KEY}:{SIGNATURE}", {"content_type": "application/json; charset=utf-8"}, False,
     "signature does not match"),
    (f"Application {KEY}:{SIGNATURE}", {"key": "other"}, False, "unknown application key"),
    (f"Application {KEY}:{SIGNATURE}", {"now": THEN + timedelta(minutes=16)}, False,
     "x-timestamp is 960 s away from now (limit 900 s)"),
    (f"Application {KEY}:{SIGNATURE}", {"timestamp": None}, False, "missing x-timestamp header"),
    (f"Application {KEY}:{SIGNATURE}", {"timestamp": "yesterday"}, False,
     "x-timestamp is not an ISO 8601 UTC time"),
    (f"Basic {KEY}:{SIGNATURE}", {}, False, "authorization scheme is not 'Application KEY:SIGNATURE'"),
    (None, {}, False, "missing authorization header"),
])
def test_verify(authorization, kwargs, ok, reason):
    result = _verify(authorization, **kwargs)
    assert (result.ok, result.reason) == (ok, reason)


@pytest.mark.parametrize("stamp", ["2014-09-24T10:59:41Z", "2014-09-24T10:59:41+00:00", "2014-09-24T10:59:41.123Z"])
def test_timestamp_forms(stamp):
    assert signing.parse_timestamp(stamp).replace(microsecond=0) == THEN
    assert signing.parse_timestamp("2014-09-24T10:59:41") is None  # no zone: ambiguous


@pytest.mark.parametrize("fraction, microseconds", [
    ("2", 200000), ("27", 270000), ("272", 272000), ("2729", 272900), ("27292", 272920), ("272923", 272923),
    ("2729234", 272923),  # Sinch's callbacks carry 7 digits (live-platform.md)
    ("272923456", 272923),
])
@pytest.mark.parametrize("zone", ["Z", "+00:00"])
def test_fractions_of_1_to_9_digits_parse_as_python_3_10_would(monkeypatch, fraction, microseconds, zone):
    """Python 3.10's fromisoformat takes 0, 3 or 6 fractional digits only: parse_timestamp hands it 0 or 6."""
    import re

    real = signing.datetime

    class Python310(real):
        @classmethod
        def fromisoformat(cls, text):
            digits = re.search(r"\.(\d+)", text)
            if digits and len(digits[1]) not in (3, 6):
                raise ValueError(f"Invalid isoformat string: {text!r}")
            return real.fromisoformat(text)

    monkeypatch.setattr(signing, "datetime", Python310)
    parsed = signing.parse_timestamp(f"2014-09-24T10:59:41.{fraction}{zone}")
    assert parsed == THEN.replace(microsecond=microseconds)


def test_a_callback_signed_with_a_7_digit_timestamp_verifies():
    stamp = "2014-09-24T10:59:41.2729234Z"
    message = signing.string_to_sign("POST", PATH, BODY, "application/json", stamp)
    result = _verify(f"Application {KEY}:{signing.signature(SECRET, message)}", timestamp=stamp)
    assert (result.ok, result.reason) == (True, "valid signature")


def test_utc_timestamp_shape():
    moment = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    assert signing.utc_timestamp(moment) == "2024-05-01T12:00:00.123Z"


def test_auth_headers_for_each_scheme():
    """What a request carries: the signed scheme's timestamp then its signature (over the decoded path, the body's
    MD5 and the content type, at the given moment), or basic's one header; exact values, in the order sent."""
    moment = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    headers = signing.auth_headers("signed", KEY, SECRET, "POST", "/calling/v1/callouts", b'{"a":1}',
                                   "application/json", now=moment)
    expected = signing.sign_request(KEY, SECRET, "POST", "/calling/v1/callouts", b'{"a":1}', "application/json",
                                    "2024-05-01T12:00:00.123Z")
    assert headers == [("x-timestamp", "2024-05-01T12:00:00.123Z"), ("authorization", expected.authorization)]
    assert signing.verify(expected.authorization, key=KEY, secret=SECRET, method="POST",
                          path="/calling/v1/callouts", body=b'{"a":1}', content_type="application/json",
                          timestamp="2024-05-01T12:00:00.123Z", now=moment).ok
    assert signing.auth_headers("basic", "key", "c2VjcmV0", "GET", "/x", b"", "") == [
        ("authorization", "Basic a2V5OmMyVmpjbVYw")]


def test_check_basic():
    assert signing.check_basic("Basic a2V5OmMyVmpjbVYw", key="key", secret="c2VjcmV0").ok
    wrong = signing.check_basic("Basic a2V5Ondyb25n", key="key", secret="c2VjcmV0")
    assert wrong.reason == "wrong application key or secret"
    assert not signing.check_basic("Bearer x", key="key", secret="c2VjcmV0").ok
