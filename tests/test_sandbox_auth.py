"""Authentication: Basic and Application-signed requests, and every way a signature is refused."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from sinchvoice.signing import basic_authorization, sign_request, utc_timestamp
from tests.sandbox_support import tts

PATH = "/calling/v1/callouts"


def signed_post(
    sandbox,
    *,
    secret=None,
    key=None,
    timestamp=None,
    content_type="application/json",
    scheme="Application",
    drop_timestamp=False,
    sign_path=PATH,
):
    body = json.dumps(tts()).encode()
    timestamp = timestamp or utc_timestamp()
    signed = sign_request(
        key or sandbox.key,
        secret or sandbox.secret,
        "POST",
        sign_path,
        body,
        content_type,
        timestamp,
        scheme=scheme,
    )
    headers = {"content-type": content_type, "authorization": signed.authorization}
    if not drop_timestamp:
        headers["x-timestamp"] = timestamp
    return httpx.post(sandbox.base_url + PATH, content=body, headers=headers, trust_env=False)


def test_basic_is_accepted(sandbox):
    response = httpx.post(
        sandbox.base_url + PATH,
        json=tts(),
        trust_env=False,
        headers={"authorization": basic_authorization(sandbox.key, sandbox.secret)},
    )
    assert response.status_code == 200
    assert sandbox.requests()[0]["auth"] == "basic"


@pytest.mark.parametrize("scheme", ["Application", "application", "APPLICATION"])
def test_signed_is_accepted_whatever_the_scheme_case(sandbox, scheme):
    assert signed_post(sandbox, scheme=scheme).status_code == 200
    assert sandbox.requests()[0]["auth"] == "signed"


@pytest.mark.parametrize(
    "timestamp",
    [  # made when the test runs: made at collection, "14 minutes old" passes 15 in a long suite run
        lambda now: now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        lambda now: now.isoformat(),
        lambda now: (now - timedelta(minutes=14)).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
    ],
    ids=["z-no-fraction", "plus-00-micro", "14-minutes-old"],
)
def test_signed_timestamp_spellings(sandbox, timestamp):
    assert signed_post(sandbox, timestamp=timestamp(datetime.now(timezone.utc))).status_code == 200


def test_content_type_is_signed_as_received(sandbox):
    assert signed_post(sandbox, content_type="application/json; charset=utf-8").status_code == 200


def test_bodyless_signed_request_uses_empty_content_md5(sandbox):
    with sandbox.client("signed") as client:
        assert client.get("/calling/v1/configuration/numbers").status_code == 200


def test_signed_path_may_be_percent_encoded(sandbox):
    path = "/calling/v1/configuration/numbers/%2B46700000100"
    timestamp = utc_timestamp()
    signed = sign_request(sandbox.key, sandbox.secret, "GET", path, b"", "", timestamp)
    headers = {"authorization": signed.authorization, "x-timestamp": timestamp}
    response = httpx.get(sandbox.base_url + path, headers=headers, trust_env=False)
    assert response.json()["number"] == "+46700000100"


WRONG_SECRET = base64.b64encode(b"not the secret").decode()
STALE, FUTURE = "16 minutes ago", "in 16 minutes"  # made into timestamps when the test runs, not at import


def _timestamp(value: str) -> str:
    offset = {STALE: -16, FUTURE: 16}.get(value)
    if offset is None:
        return value
    return (datetime.now(timezone.utc) + timedelta(minutes=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"secret": WRONG_SECRET}, "signature does not match"),
        ({"key": "00000000-0000-4000-8000-000000000000"}, "unknown application key"),
        ({"timestamp": STALE}, "s away from now (limit 900 s)"),  # 960 or 961 s, by when the second ticks
        ({"timestamp": FUTURE}, "s away from now (limit 900 s)"),
        ({"timestamp": "yesterday"}, "not an ISO 8601"),
        ({"drop_timestamp": True}, "missing x-timestamp header"),
        ({"sign_path": "/calling/v1/other"}, "signature does not match"),
    ],
    ids=["wrong-secret", "wrong-key", "stale", "future", "garbage-timestamp", "no-timestamp", "wrong-path"],
)
def test_bad_signatures_are_refused(sandbox, kwargs, reason):
    if "timestamp" in kwargs:
        kwargs = {**kwargs, "timestamp": _timestamp(kwargs["timestamp"])}
    response = signed_post(sandbox, **kwargs)
    assert response.status_code == 401
    assert response.json()["errorCode"] == 40108
    assert reason in response.json()["message"]
    assert sandbox.state()["calls"] == []


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        (None, "missing Authorization header"),
        ("Bearer abc", "unsupported authorization scheme 'bearer'"),
        ("Basic !!!", "not valid base64"),
        (
            basic_authorization("11111111-2222-4333-8444-555555555555", WRONG_SECRET),
            "wrong application key or secret",
        ),
        ("Application nocolon", "not 'Application KEY:SIGNATURE'"),
    ],
)
def test_bad_credentials_are_refused_without_echoing_the_secret(sandbox, authorization, reason):
    headers = {} if authorization is None else {"authorization": authorization}
    response = httpx.get(
        sandbox.base_url + "/calling/v1/configuration/numbers", headers=headers, trust_env=False
    )
    assert (response.status_code, response.json()["errorCode"]) == (401, 40108)
    assert reason in response.json()["message"]
    assert sandbox.secret not in response.text and WRONG_SECRET not in response.text
    assert set(response.json()) == {"errorCode", "message", "reference"}


def test_signature_skew_uses_real_time_not_the_simulated_clock(sandbox):
    sandbox.advance(3600)
    assert signed_post(sandbox).status_code == 200
