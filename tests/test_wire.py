"""The HTTP core sends through httpcore exactly what httpx.Client sent, and reads answers as httpx read them.

httpx is still installed (the sandbox, `listen` and these tests use it), so where exactness matters the test asks
httpx itself: the bytes a loopback server receives from each, the URL each makes of a generated path, how each
decodes headers and bodies.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from functools import cache

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinchvoice import __version__, signing
from sinchvoice.credentials import Credentials
from sinchvoice.errors import ApiError, OutcomeUnknown, TemporaryError
from sinchvoice.transport import Transport
from sinchvoice.wire import Headers
from sinchvoice.wireurl import InvalidURL, join, parse
from tests.fuzzing import FAST, MANY
from tests.raw_server import RawServer, reply
from tests.sandbox_fixture import SignedAuth

KEY, SECRET = "669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA=="
STAMP = re.compile(rb"(?m)^(x-timestamp: )[^\r]+")
SIGNATURE = re.compile(rb"(?m)^(authorization: Application [^:]+:)[^\r]+")


def ours(base_url: str, scheme: str = "signed", **kwargs) -> Transport:
    return Transport(base_url=base_url, credentials=Credentials(KEY, SECRET, "env"), auth_scheme=scheme, timeout=5,
                     sleep=lambda seconds: None, **kwargs)


def theirs(base_url: str, scheme: str = "signed") -> httpx.Client:
    """httpx.Client as transport.py made it before it sent through httpcore itself."""
    return httpx.Client(base_url=base_url, timeout=httpx.Timeout(5), auth=SignedAuth(scheme, KEY, SECRET),
                        headers={"user-agent": f"sinchvoice/{__version__}", "accept": "application/json"},
                        follow_redirects=False, trust_env=False)


def masked(raw: bytes) -> bytes:
    """A request with its timestamp and signature (which change every second) blanked out."""
    return SIGNATURE.sub(rb"\1SIG", STAMP.sub(rb"\1STAMP", raw))


# ---- the request on the wire ---------------------------------------------------------------------------------------

def test_a_signed_get_and_post_go_out_byte_for_byte_as_written_here():
    with RawServer() as server:
        transport = ours(server.url)
        transport.request("GET", "/calling/v1/calls/id/a%2Fb%20c")
        transport.request("POST", "/calling/v1/callouts", {"method": "ttsCallout", "text": "é"})
        transport.close()
    host = f"Host: 127.0.0.1:{server.port}".encode()
    common = (b"Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\nuser-agent: sinchvoice/"
              + __version__.encode() + b"\r\naccept: application/json\r\n")
    assert [masked(raw) for raw in server.received] == [
        b"GET /calling/v1/calls/id/a%2Fb%20c HTTP/1.1\r\n" + host + b"\r\n" + common
        + b"x-timestamp: STAMP\r\nauthorization: Application " + KEY.encode() + b":SIG\r\n\r\n",
        b"POST /calling/v1/callouts HTTP/1.1\r\n" + host + b"\r\n" + common
        + b"content-type: application/json\r\nContent-Length: 38\r\nx-timestamp: STAMP\r\n"
        + b"authorization: Application " + KEY.encode() + b":SIG\r\n\r\n"
        + '{"method": "ttsCallout", "text": "é"}'.encode()]
    for raw, path in zip(server.received, ["/calling/v1/calls/id/a/b c", "/calling/v1/callouts"], strict=True):
        head, _, body = raw.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().splitlines()[1:])
        verified = signing.verify(headers["authorization"], key=KEY, secret=SECRET, method=raw.split()[0].decode(),
                                  path=path, body=body, content_type=headers.get("content-type", ""),
                                  timestamp=headers["x-timestamp"])
        assert verified.ok, verified.reason  # signed over the decoded path, as before


REQUESTS = [
    ("GET", "/calling/v1/calls/id/a%2Fb%20c", None),
    ("POST", "/calling/v1/callouts", {"method": "ttsCallout", "ttsCallout": {"text": "Hej då ✓"}}),
    ("POST", "/calling/v1/calls/id/x", None),  # no body: Content-Length 0 right after Host
    ("PATCH", "/calling/v1/conferences/id/c/p", {"command": "mute"}),
    ("DELETE", "/calling/v1/conferences/id/c", None),
    ("PUT", "/calling/v1/calls/id/x", []),
    ("GET", "/v1/configuration/numbers?x=1 2&é=\"<>`{}", None),  # the configuration host
    ("GET", "/x/ünï côde/[]{}|`^\"<>%zz%41/a..b?%2e", None),  # what `api` lets through, as typed
    ("GET", "/a/./b/../c", None),  # dot segments: folded by both
]


@pytest.mark.parametrize("scheme", ["signed", "basic"])
@pytest.mark.parametrize("base", ["", "/prefix", "/prefix/"])
def test_every_request_goes_out_as_httpx_sent_it(scheme, base):
    """Method, target, header names, case, order and values, and body: identical to httpx.Client's (timestamps and
    signatures aside), on a base URL with and without a path, for the traffic and the configuration host."""
    with RawServer() as server, RawServer() as config:
        transport = ours(server.url + base, scheme, config_base_url=config.url)
        for method, path, body in REQUESTS:
            transport.request(method, path, body)
        transport.close()
        with theirs(server.url + base, scheme) as client:
            for method, path, body in REQUESTS:
                content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
                url = config.url + path if path.startswith("/v1/") else path
                client.request(method, url, content=content,
                               headers={"content-type": "application/json"} if content else {})
    assert len(server.received) == 2 * (len(REQUESTS) - 1) and len(config.received) == 2
    for received in (server.received, config.received):
        half = len(received) // 2
        assert [masked(raw) for raw in received[:half]] == [masked(raw) for raw in received[half:]]


def test_the_sandbox_receives_the_headers_httpx_sent(sandbox):
    transport = ours(sandbox.base_url)
    transport.credentials = Credentials(sandbox.key, sandbox.secret, "env")
    transport.request("GET", "/v1/configuration/numbers")
    callout = {"method": "ttsCallout", "ttsCallout": {
        "cli": "+46700000100", "destination": {"type": "number", "endpoint": "+46701234567"}, "text": "hi"}}
    transport.request("POST", "/calling/v1/callouts", callout)
    transport.close()
    get, post = [request["headers"] for request in sandbox.requests()]
    host = sandbox.base_url.removeprefix("http://")
    common = {"host": host, "accept-encoding": "gzip, deflate", "connection": "keep-alive",
              "user-agent": f"sinchvoice/{__version__}", "accept": "application/json"}
    assert get == {**common, "x-timestamp": get["x-timestamp"], "authorization": get["authorization"]}
    assert post == {**common, "content-type": "application/json", "content-length": str(len(json.dumps(callout))),
                    "x-timestamp": post["x-timestamp"], "authorization": post["authorization"]}
    assert [list(h) for h in (get, post)] == [
        ["host", "accept-encoding", "connection", "user-agent", "accept", "x-timestamp", "authorization"],
        ["host", "accept-encoding", "connection", "user-agent", "accept", "content-type", "content-length",
         "x-timestamp", "authorization"]]
    assert get["authorization"].startswith(f"Application {sandbox.key}:")


def test_verbose_and_dry_run_show_the_headers_sent(cli, sandbox):
    traced = cli("-v", "api", "GET", "/v1/configuration/numbers", env=sandbox.env())
    host = sandbox.base_url.removeprefix("http://")
    assert traced.exit_code == 0, traced.stderr
    shown = [line for line in traced.stderr.splitlines() if line.startswith(">   ")]
    stamp = sandbox.requests()[0]["headers"]["x-timestamp"]
    assert shown == [">   accept: application/json", ">   accept-encoding: gzip, deflate",
                     f">   authorization: Application {sandbox.key}:<redacted>", ">   connection: keep-alive",
                     f">   host: {host}", f">   user-agent: sinchvoice/{__version__}", f">   x-timestamp: {stamp}"]
    planned = cli("--dry-run", "api", "POST", "/calling/v1/calls/id/a%2Fb", "--data", '{"a": 1}', env=sandbox.env())
    lines = planned.stdout.splitlines()
    stamp = lines[9].removeprefix("x-timestamp: ")
    signed = signing.string_to_sign("POST", "/calling/v1/calls/id/a/b", b'{"a": 1}', "application/json", stamp)
    assert lines == [f"POST {sandbox.base_url}/calling/v1/calls/id/a%2Fb", "accept: application/json",
                     "accept-encoding: gzip, deflate", f"authorization: Application {sandbox.key}:<redacted>",
                     "connection: keep-alive", "content-length: 8", "content-type: application/json",
                     f"host: {host}", f"user-agent: sinchvoice/{__version__}", f"x-timestamp: {stamp}",
                     "string-to-sign: " + json.dumps(signed), "", "{", '  "a": 1', "}"]
    assert len(sandbox.requests()) == 1  # the dry run sent nothing


# ---- URLs: httpx's parsing and joining, ported -----------------------------------------------------------------------

BASES = ["http://127.0.0.1:8080", "http://LocalHost:80", "https://Calling.API.sinch.com", "https://h:443/prefix",
         "https://h/a/b/", "https://user:p%40ss@h:8443", "https://münchen.example/x", "http://[::1]:9/",
         "https://h/p?q=1", "https://h/#frag"]
PATH_CHARS = st.sampled_from(list("/%.?#:@[]{}|\\^`\"<> +&=;~'!$*,") + ["%2e", "%2F", "%zz", "..", "é", "✓",
                                                                        "\U0001f600", "\x00", "\x7f", "\u2028"])
PATHS = st.one_of(st.lists(st.one_of(PATH_CHARS, st.text(max_size=3)), max_size=12).map("/".join),
                  st.text(max_size=20))


@cache
def httpx_client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, verify=False, trust_env=False)


def outcome(make):
    try:
        url = make()
    except (InvalidURL, httpx.InvalidURL, UnicodeEncodeError) as exc:
        return type(exc).__name__.replace("InvalidURL", "invalid"), str(exc)
    if isinstance(url, httpx.URL):
        return url.scheme, url.netloc.decode(), url.raw_path.decode(), url.path
    return url.scheme, url.netloc, url.target, url.decoded_path


@MANY
@given(base=st.sampled_from(BASES), path=PATHS)
def test_a_path_joined_to_a_base_url_is_the_url_httpx_made(base, path):
    """Target, Host and the decoded path signed, or the same refusal with the same message, for paths made of the
    characters that matter (percent signs, dots, delimiters, Unicode, controls); and absolute URLs as is."""
    assert outcome(lambda: join(parse(base), path)) == outcome(lambda: httpx_client(base).build_request("GET",
                                                                                                          path).url)
    assert outcome(lambda: parse(base + path)) == outcome(lambda: httpx.URL(base + path))


# ---- the answer ------------------------------------------------------------------------------------------------------

@FAST
@given(raw=st.lists(st.tuples(st.sampled_from([b"Retry-After", b"location", b"X-A", b"Content-Encoding"]),
                              st.binary(max_size=6)), max_size=4))
def test_response_headers_decode_as_httpx_decoded_them(raw):
    """ASCII, else UTF-8, else Latin-1, whichever fits every header; repeats joined with ", "."""
    for name in ("retry-after", "Location", "x-a", "content-encoding"):
        assert Headers(raw).get(name) == httpx.Headers(raw).get(name)


DOC = {"callId": "c-1", "text": "é" * 50}
BODY = json.dumps(DOC).encode()


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize("encoding, body", [
    (b"gzip", gzip.compress(BODY)),
    (b"deflate", zlib.compress(BODY)),
    (b"deflate", _raw_deflate(BODY)),  # without zlib's wrapper: httpx's fallback
    (b"deflate, gzip", gzip.compress(zlib.compress(BODY))),  # undone last first
    (b"GZIP ,identity", gzip.compress(BODY)),
    (b"identity", BODY),
])
def test_an_encoded_body_is_decoded(encoding, body):
    answer = reply(headers=[(b"Content-Type", b"application/json"), (b"Content-Encoding", encoding)], body=body)
    with RawServer(lambda request: answer) as server:
        transport = ours(server.url)
        assert transport.request("GET", "/calling/v1/calls/id/c-1") == DOC
        transport.close()
        assert theirs(server.url).get("/calling/v1/calls/id/c-1").json() == DOC


@pytest.mark.parametrize("encoding, body", [(b"gzip", b"\x1f\x8b not gzip at all"),
                                            (b"deflate", b"neither zlib nor raw deflate \xff\xff")])
def test_a_body_that_does_not_decode_is_no_answer(encoding, body):
    """httpx's DecodingError: the request was sent, its answer is lost (a GET is retried; a callout never)."""
    answer = reply(headers=[(b"Content-Encoding", encoding)], body=body)
    with RawServer(lambda request: answer) as server:
        trace = []
        transport = ours(server.url, verbose=True, trace=_Lines(trace))
        with pytest.raises(TemporaryError) as raised:
            transport.request("GET", "/calling/v1/calls/id/c-1")
        assert raised.value.message == f"no response from {server.url} after 4 attempts (timeout or dropped " \
                                       "connection)"
        assert trace.count("< no response: DecodingError") == 4 and len(server.received) == 4
        with pytest.raises(OutcomeUnknown, match="callout may have been placed"):
            transport.request("POST", "/calling/v1/callouts", {"method": "ttsCallout"})
        assert len(server.received) == 5
        transport.close()
        with pytest.raises(httpx.DecodingError):
            theirs(server.url).get("/x")


class _Lines:
    """A trace stream that keeps whole lines."""

    def __init__(self, lines: list):
        self.lines = lines

    def write(self, text: str) -> None:
        self.lines.extend(line for line in text.splitlines() if line)

    def flush(self) -> None:
        pass


def test_a_redirect_is_not_followed_even_to_a_path_that_would_answer():
    def answer(request: bytes) -> bytes:
        if request.startswith(b"GET /calling/v1/calls/id/old "):
            return reply(302, b"Found", [(b"Location", b"/calling/v1/calls/id/new")])
        return reply(body=b'{"callId": "new"}')

    with RawServer(answer) as server:
        transport = ours(server.url)
        with pytest.raises(ApiError, match="answered HTTP 302 \\(a redirect to /calling/v1/calls/id/new\\)"):
            transport.request("GET", "/calling/v1/calls/id/old")
        transport.close()
    assert len(server.received) == 1


def test_reason_phrase_status_and_retry_after_come_through():
    answers = iter([reply(503, b"Slow Down \xe9", [(b"Retry-After", b"2")], b'{"message": "busy"}'), reply()])
    with RawServer(lambda request: next(answers)) as server:
        traced = []
        transport = ours(server.url, verbose=True, trace=_Lines(traced))
        sleeps = []
        transport.sleep = sleeps.append
        assert transport.request("GET", "/v1/configuration/numbers") == {}
        transport.close()
    assert sleeps == [2.0]
    assert [line.rsplit(" in ", 1)[0] for line in traced if line.startswith("< ")] == ["< 503 Slow Down ", "< 200 OK"]


def test_a_cookie_a_server_sets_is_not_sent_back():
    """httpx.Client kept a cookie jar; a signed, stateless API needs none, so nothing set is ever echoed."""
    answer = reply(headers=[(b"Set-Cookie", b"AWSALB=abc; Path=/")])
    with RawServer(lambda request: answer) as server:
        transport = ours(server.url)
        transport.request("GET", "/v1/configuration/numbers")
        transport.request("GET", "/v1/configuration/numbers")
        transport.close()
    assert len(server.received) == 2 and b"cookie" not in server.received[1].lower()


def test_the_timeout_bounds_each_read_as_httpx_timeout_did():
    """connect/read/write/pool = --timeout in httpcore's own extension, apart from the transport's deadline."""
    import threading

    import httpcore

    from sinchvoice.wire import build_request, exchange

    release = threading.Event()

    def answer(request: bytes) -> bytes:
        release.wait(60)
        return reply()

    with RawServer(answer) as server, httpcore.ConnectionPool() as pool:
        request = build_request("GET", parse(server.url + "/x"), None, [], [])
        try:
            with pytest.raises(httpcore.ReadTimeout):
                exchange(pool, request, 0.2, lambda event, info: None)
        finally:
            release.set()
    assert len(server.received) == 1
