"""Fault rules that make the sandbox misbehave on purpose: any status 200-599 with a raw body and headers."""

from __future__ import annotations

import httpx
import pytest

NUMBERS = "/calling/v1/configuration/numbers"


CLIENT_AUTH = "basic"  # the `client` fixture (sandbox_fixture.py) authenticates this way


def add(sandbox, rule) -> httpx.Response:
    return httpx.post(f"{sandbox.base_url}/_sandbox/faults", json=rule, trust_env=False)


@pytest.mark.parametrize("rule, status, body, content_type", [
    ({"status": 200, "body": ""}, 200, b"", None),
    ({"status": 200, "body": "[]"}, 200, b"[]", "application/json"),
    ({"status": 201, "body": '"a string"'}, 201, b'"a string"', "application/json"),
    ({"status": 200, "body": "<html>hi</html>", "headers": {"Content-Type": "text/html"}}, 200,
     b"<html>hi</html>", "text/html"),
    ({"status": 500, "body": "not json"}, 500, b"not json", "application/json"),
    ({"status": 204}, 204, b"", None),
])
def test_a_rule_answers_any_status_with_the_raw_body_given(sandbox, client, rule, status, body, content_type):
    assert add(sandbox, rule).status_code == 200
    response = client.get(NUMBERS)
    assert (response.status_code, response.content) == (status, body)
    assert response.headers.get("content-type") == content_type
    assert client.get(NUMBERS).status_code == 200  # count defaults to 1
    entry = sandbox.requests()[0]  # what went on the wire is asserted above; the journal says it was a fault
    assert (entry["status"], entry["fault"]) == (status, "status")


def test_a_redirect_rule_carries_its_location_and_is_not_processed(sandbox, client):
    add(sandbox, {"method": "POST", "path": "/calling/v1/callouts", "status": 302,
                  "headers": {"Location": "https://elsewhere.example/calling/v1/callouts"}})
    response = client.post("/calling/v1/callouts", json={"method": "ttsCallout"})
    assert (response.status_code, response.content) == (302, b"")
    assert response.headers["location"] == "https://elsewhere.example/calling/v1/callouts"
    assert sandbox.state()["calls"] == []


def test_an_error_status_without_a_body_keeps_the_sinch_error_body(sandbox, client):
    add(sandbox, {"status": 503, "headers": {"X-Extra": "yes"}, "retryAfter": 3})
    response = client.get(NUMBERS)
    assert (response.status_code, response.json()["errorCode"]) == (503, 50300)
    assert (response.headers["x-extra"], response.headers["retry-after"]) == ("yes", "3")


def test_retry_after_may_be_an_http_date(sandbox, client):
    add(sandbox, {"status": 429, "retryAfter": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert client.get(NUMBERS).headers["retry-after"] == "Wed, 21 Oct 2015 07:28:00 GMT"


@pytest.mark.parametrize("rule, message", [
    ({"status": 199}, "status must be an integer between 200 and 599"),
    ({"status": 600}, "status must be an integer between 200 and 599"),
    ({"status": 200.0}, "status must be an integer between 200 and 599"),
    ({"body": "x"}, "body and headers need a status"),
    ({"drop": True, "headers": {"A": "b"}}, "body and headers need a status"),
    ({"status": 200, "body": []}, "body must be a string (the raw response body)"),
    ({"status": 200, "body": "x" * 16385}, "body must be at most 16384 characters"),
    ({"status": 204, "body": "x"}, "a 204 or 304 answer has no body"),
    ({"status": 304, "body": "x"}, "a 204 or 304 answer has no body"),
    ({"status": 200, "headers": []}, "headers must be an object of header names to string values"),
    ({"status": 200, "headers": {"A": 1}}, "headers must be an object of header names to string values"),
    ({"status": 200, "headers": {"Bad Name": "x"}}, "header name 'Bad Name' is not a valid HTTP token"),
    ({"status": 200, "headers": {"": "x"}}, "header name '' is not a valid HTTP token"),
    ({"status": 200, "headers": {"X-A": "a\r\nSet-Cookie: x"}}, "header X-A: the value has control characters"),
    ({"status": 200, "headers": {"X-A": "a\x00"}}, "header X-A: the value has control characters"),
    ({"status": 200, "headers": {"X-A": "\u2603"}}, "header X-A: the value must be Latin-1 text"),
    ({"status": 200, "headers": {"Content-Length": "3"}}, "header Content-Length is set by the sandbox"),
    ({"status": 200, "headers": {"transfer-encoding": "chunked"}}, "header transfer-encoding is set by the sandbox"),
    ({"status": 503, "retryAfter": "2\r\nX-Injected: 1"},
     "retryAfter must be a number of seconds between 0 and 86400, or an HTTP date"),
    ({"status": 503, "retryAfter": "soon"},
     "retryAfter must be a number of seconds between 0 and 86400, or an HTTP date"),
    ({"status": 503, "retryAfter": " 5 "},
     "retryAfter must be a number of seconds between 0 and 86400, or an HTTP date"),
    ({"status": 503, "retryAfter": 86401},
     "retryAfter must be a number of seconds between 0 and 86400, or an HTTP date"),
])
def test_bad_rules_are_400_naming_the_problem(sandbox, client, rule, message):
    response = add(sandbox, rule)
    assert (response.status_code, response.json()["message"]) == (400, message)
    assert client.get("/_sandbox/faults").json() == {"faults": []}
    assert client.get(NUMBERS).status_code == 200  # the sandbox still answers normally


def test_the_listed_rule_shows_body_and_headers(sandbox):
    rule = sandbox.fault(status=200, body="{}", headers={"X-A": "b"}, count=2)
    assert {k: rule[k] for k in ("status", "body", "headers", "count")} == {
        "status": 200, "body": "{}", "headers": {"X-A": "b"}, "count": 2}
