"""The HTTP core's pure policies: retry decisions, backoff, error mapping, loopback rule, redaction."""

import pytest

from sinchvoice import retries, transport
from sinchvoice.answers import error_for
from sinchvoice.errors import ApiError, AuthError, NotFoundError, TemporaryError, UsageError
from sinchvoice.retries import MAYBE_SENT, NOT_SENT, REFUSED_HERE, should_retry

CALLOUT = ("POST", "/calling/v1/callouts")
GET_CALL = ("GET", "/calling/v1/calls/id/abc")
PATCH_CALL = ("PATCH", "/calling/v1/calls/id/abc")
MUTE = ("PATCH", "/calling/v1/conferences/id/c1/abc")
KICK = ("DELETE", "/calling/v1/conferences/id/c1/abc")
ASSIGN = ("POST", "/calling/v1/configuration/numbers/+46700000100")


@pytest.mark.parametrize("request_, failure, expected", [
    # a callout is only retried when it certainly was not processed
    (CALLOUT, NOT_SENT, True),
    # refused by this machine (nothing on the sandbox's port): retrying cannot help, whatever the request
    (CALLOUT, REFUSED_HERE, False),
    (GET_CALL, REFUSED_HERE, False),
    (KICK, REFUSED_HERE, False),
    (CALLOUT, 429, True),
    (CALLOUT, MAYBE_SENT, False),
    (CALLOUT, 500, False),
    (CALLOUT, 502, False),
    (CALLOUT, 503, False),
    (CALLOUT, 504, False),
    (CALLOUT, 400, False),
    # idempotent requests retry transient failures
    (GET_CALL, MAYBE_SENT, True),
    (GET_CALL, 503, True),
    (GET_CALL, 502, True),
    (GET_CALL, 504, True),
    (GET_CALL, 500, False),
    (GET_CALL, 404, False),
    (GET_CALL, 401, False),
    (MUTE, 503, True),
    (KICK, MAYBE_SENT, True),
    (ASSIGN, 503, True),
    # updating a call with SVAML could say something twice
    (PATCH_CALL, 503, False),
    (PATCH_CALL, MAYBE_SENT, False),
    (PATCH_CALL, NOT_SENT, True),
    # classified from the parsed, normalised path: never a substring of the raw string (query, case, slashes)
    (("POST", "/calling/v1/callouts?next=/configuration/"), MAYBE_SENT, False),
    (("POST", "/calling/v1/callouts?next=/configuration/"), 503, False),
    (("POST", "/calling/v1/callouts#/configuration/"), 503, False),
    (("post", "/calling/v1/callouts/"), MAYBE_SENT, False),
    (("POST", "/calling/v1/Callouts"), 503, False),
    (("POST", "/calling//v1//callouts"), 503, False),
    (("POST", "/calling/v1/configuration/../callouts"), 503, False),  # httpx folds the dot segment
    (("POST", "/calling/v1/configuration/%2E%2E/callouts"), 503, False),  # a server may fold it too
    (("POST", "/calling/v1/%63allouts"), 503, False),  # the server decodes it to callouts
    (("POST", "/calling/v1/callouts?x=1"), 429, True),
    (("post", "/calling/v1/configuration/numbers/+46700000100"), 503, True),
    (("POST", "/calling/v1/configuration/numbers/+46700000100?a=b"), MAYBE_SENT, True),
    (("POST", "/calling/v1/numbers?path=/configuration/"), 503, False),  # /configuration/ only in the query
    (("POST", "/calling/v1/callbacks/configuration/"), 503, False),  # not where configuration lives
    (("patch", "/calling/v1/conferences/id/c1/abc/"), 503, True),
    (("PATCH", "/calling/v1/calls/id/abc?x=/conferences/"), 503, False),
    (("PATCH", "/calling/v1/calls/id/conferences"), 503, False),  # a call id that reads "conferences"
    (("PATCH", "/calling/v1/conferences/id/c1"), 503, False),  # not a participant command
    (("delete", "/calling/v1/conferences/id/c1/abc"), MAYBE_SENT, True),
    (("PUT", "/calling/v1/configuration/numbers"), MAYBE_SENT, False),  # unknown to the policy: not repeated
])
def test_retry_policy(request_, failure, expected):
    assert should_retry(*request_, failure) is expected


@pytest.mark.parametrize("method, path, callout", [
    ("POST", "/calling/v1/callouts", True),
    ("post", "/calling/v1/callouts/?a=b", True),
    ("POST", "/calling/v1/CALLOUTS#x", True),
    ("POST", "/calling/v1/x/../callouts", True),
    ("GET", "/calling/v1/callouts", False),
    ("POST", "/calling/v1/configuration/numbers?next=/callouts", False),
    ("POST", "/calling/v1/calloutsx", False),
])
def test_is_callout_reads_the_parsed_path(method, path, callout):
    assert retries.is_callout(method, path) is callout


def test_backoff_honours_retry_after_and_jitters():
    assert retries.backoff_delay(0, 7.0) == 7.0
    assert retries.backoff_delay(0, None, rng=lambda: 0.0) == 0.25
    assert retries.backoff_delay(0, None, rng=lambda: 1.0) == 0.5
    assert retries.backoff_delay(10, None, rng=lambda: 1.0) == retries.BACKOFF_MAX


@pytest.mark.parametrize("value, expected", [("3", 3.0), ("0", 0.0), ("-4", 0.0), ("soon", None), (None, None)])
def test_parse_retry_after(value, expected):
    assert retries.parse_retry_after(value) == expected


@pytest.mark.parametrize("status, body, kind, exit_code, message", [
    (400, {"errorCode": 40001, "message": "Invalid number", "reference": "r1"}, ApiError, 1,
     "Invalid number: HTTP 400 (errorCode 40001)"),
    (401, {"errorCode": 40108, "message": "Invalid signature"}, AuthError, 4,
     "Invalid signature: HTTP 401 (errorCode 40108)"),
    (403, {"errorCode": 40300, "message": "Forbidden"}, AuthError, 4, "Forbidden: HTTP 403 (errorCode 40300)"),
    (402, {"errorCode": 40200, "message": "Not enough credit"}, ApiError, 1,
     "Not enough credit: HTTP 402 (errorCode 40200)"),
    (404, {"errorCode": 40400, "message": "Call not found"}, NotFoundError, 3,
     "Call not found: HTTP 404 (errorCode 40400)"),
    (429, {}, TemporaryError, 75, "Too Many Requests: HTTP 429"),
    (500, {"errorCode": 50000, "message": "Internal error"}, TemporaryError, 75,
     "Internal error: HTTP 500 (errorCode 50000)"),
    (503, "not a dict", TemporaryError, 75, "Service Unavailable: HTTP 503"),
    (409, {}, ApiError, 1, "Conflict: HTTP 409"),
])
def test_error_mapping(status, body, kind, exit_code, message):
    import http

    error = error_for(status, body, http.HTTPStatus(status).phrase)
    assert type(error) is kind
    assert error.exit_code == exit_code
    assert error.message == message
    if isinstance(body, dict) and body.get("reference"):
        assert error.details == {"httpStatus": status, "errorCode": 40001, "reference": "r1"}


@pytest.mark.parametrize("url, ok", [
    ("https://calling.api.sinch.com", True),
    ("http://127.0.0.1:8700", True),
    ("http://127.9.9.9", True),
    ("http://localhost:8700/", True),
    ("http://[::1]:8700", True),
    ("http://calling.api.sinch.com", False),
    ("http://10.0.0.5:8700", False),
    ("ftp://127.0.0.1", False),
    ("calling.api.sinch.com", False),
])
def test_loopback_only_http(url, ok):
    if ok:
        assert transport.check_base_url(url) == url.rstrip("/")
    else:
        with pytest.raises(UsageError):
            transport.check_base_url(url)


def test_redaction():
    assert transport.redact_authorization("Application KEY:SIG=") == "Application KEY:<redacted>"
    assert transport.redact_authorization("Basic abc") == "Basic <redacted>"
    assert transport.redact_json({"a": {"clientSecret": "x", "ok": [{"password": 1}]}}) == {
        "a": {"clientSecret": "<redacted>", "ok": [{"password": "<redacted>"}]}}


@pytest.mark.parametrize("codes, worst", [
    ([3], 3), ([75, 3], 3), ([75, 75], 75), ([3, 1], 1), ([75, 3, 1, 4], 4), ([1, 75], 1),
    # an unknown outcome outranks everything: re-running the batch could do that item twice
    ([75, 7], 7), ([7, 75], 7), ([4, 7, 1], 7), ([7], 7),
])
def test_batch_exit_code_is_the_worst_failure(codes, worst):
    """Permanent failures outrank temporary ones: re-running a batch can only fix the temporary ones."""
    from sinchvoice.errors import worst_exit_code

    assert worst_exit_code(codes) == worst


def test_outcome_unknown_is_exit_7_and_its_batch_says_check_before_running_again():
    from sinchvoice.errors import BatchError, ExitCode, OutcomeUnknown, SinchVoiceError

    assert int(ExitCode.OUTCOME_UNKNOWN) == 7
    assert issubclass(OutcomeUnknown, SinchVoiceError) and OutcomeUnknown("x").exit_code == 7
    error = BatchError([7, 75], 3, "participants")
    assert (error.exit_code, error.message) == (7, "2 of 3 participants failed; the other one was done")
    assert error.hint == ("see the per-item results on stdout; check the state of those whose outcome is unknown "
                          "before running the command again")
    assert BatchError([75], 3, "numbers").hint.endswith("run the command again (what succeeded stays done)")
