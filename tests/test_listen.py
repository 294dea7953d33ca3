"""listen: verification, replies, journal, forwarding, the sandbox loop, and the real command in a subprocess."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from sinchvoice import signing
from sinchvoice.errors import UsageError
from sinchvoice.listener.events import DEFAULT_REPLIES, NO_REPLY_TEXT, load_replies
from sinchvoice.listener.handler import Listener
from sinchvoice.listener.server import run_in_thread
from tests.conftest import ROOT
from tests.spawned import Spawned

KEY = "669E367E-6BBA-48AB-AF15-266871C28135"
SECRET = "BeIukql3pTKJ8RGL5zo0DA=="
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
STAMP = signing.utc_timestamp(NOW)
CALL = "4f1c6f4e-0000-4000-8000-000000000001"
EVENTS = {
    "ice": {"event": "ice", "callid": CALL, "cli": "+46700000100",
            "to": {"type": "number", "endpoint": "+46701234567"}},
    "ace": {"event": "ace", "callid": CALL, "amd": {"status": "machine", "reason": "", "duration": 2}},
    "pie": {"event": "pie", "callid": CALL, "menuResult": {"menuId": "main", "type": "sequence", "value": "1",
                                                           "inputMethod": "dtmf"}},
    "dice": {"event": "dice", "callid": CALL, "result": "ANSWERED", "reason": "CALLEEHANGUP", "duration": 42},
    "notify": {"event": "notify", "callid": CALL, "type": "recording_finished"},
}
CONTINUE = {"action": {"name": "continue"}}
SAY_HANGUP = {"instructions": [{"name": "say", "text": "Hi"}], "action": {"name": "hangup"}}


def signed_headers(body: bytes, path: str = "/", key: str = KEY, stamp: str = STAMP) -> dict:
    signed = signing.sign_request(key, SECRET, "POST", path, body, "application/json", stamp, scheme="application")
    return {"content-type": "application/json", "x-timestamp": signed.timestamp, "authorization": signed.authorization}


def encode(event: dict) -> bytes:
    return json.dumps(event, separators=(",", ":")).encode()


@contextlib.contextmanager
def listening(now=lambda: NOW, **options):
    """A Listener on an ephemeral port in a thread; yields (url, exchanges seen by its reporter)."""
    seen: list = []
    options.setdefault("replies", DEFAULT_REPLIES)
    options = {"key": KEY, "secret": SECRET, **options}
    with run_in_thread(Listener(report=seen.append, now=now, **options)) as url:
        with httpx.Client(timeout=10, trust_env=False) as http:
            yield url, seen, http


def post(http, url: str, event: dict, **sign) -> httpx.Response:
    body = encode(event)
    return http.post(url, content=body, headers=signed_headers(body, **sign))


@pytest.mark.parametrize("name, reply", [
    ("ice", DEFAULT_REPLIES["ice"]), ("ace", CONTINUE), ("pie", CONTINUE), ("dice", None), ("notify", None)])
def test_verified_events_get_the_default_replies(name, reply):
    with listening() as (url, seen, http):
        response = post(http, url, EVENTS[name])
    assert response.status_code == 200
    assert (response.json() if reply else response.content) == (reply or b"")
    assert [(e.name, e.verified, e.reason) for e in seen] == [(name, True, "valid signature")]
    assert DEFAULT_REPLIES["ice"] == {"instructions": [{"name": "say", "text": NO_REPLY_TEXT, "locale": "en-US"}],
                                      "action": {"name": "hangup"}}


def test_one_line_per_event_with_its_key_fields():
    with listening() as (url, seen, http):
        for event in EVENTS.values():
            post(http, url, event)
    when = NOW.astimezone().strftime("%H:%M:%S")
    assert [e.line() for e in seen] == [
        f"{when}  ice     {CALL}  cli=+46700000100 to=+46701234567  verified -> 200 say+hangup",
        f"{when}  ace     {CALL}  amd=machine  verified -> 200 continue",
        f"{when}  pie     {CALL}  menu=main type=sequence value=1 input=dtmf  verified -> 200 continue",
        f"{when}  dice    {CALL}  result=ANSWERED reason=CALLEEHANGUP duration=42  verified -> 200 (empty)",
        f"{when}  notify  {CALL}  type=recording_finished  verified -> 200 (empty)",
    ]


def _tampered(http, url):
    body = encode(EVENTS["ace"])
    return http.post(url, content=body.replace(b"machine", b"human"), headers=signed_headers(body))


@pytest.mark.parametrize("send, reason", [
    (_tampered, "signature does not match"),
    (lambda http, url: post(http, url, EVENTS["ace"], key="00000000-6BBA-48AB-AF15-266871C28135"),
     "unknown application key"),
    (lambda http, url: post(http, url, EVENTS["ace"], stamp=signing.utc_timestamp(NOW - timedelta(minutes=16))),
     "x-timestamp is 960 s away from now (limit 900 s)"),
    (lambda http, url: post(http, url, EVENTS["ace"], stamp=signing.utc_timestamp(NOW + timedelta(minutes=16))),
     "x-timestamp is 960 s away from now (limit 900 s)"),
    (lambda http, url: post(http, url, EVENTS["ace"], path="/other"), "signature does not match"),
    (lambda http, url: http.post(url, json=EVENTS["ace"]), "missing authorization header"),
    (lambda http, url: http.post(url, json=EVENTS["ace"], headers={
        "authorization": signing.basic_authorization(KEY, "d3Jvbmc=")}), "wrong application key or secret"),
])
def test_bad_signatures_are_answered_401_and_shown_as_rejected(send, reason):
    with listening() as (url, seen, http):
        response = send(http, url)
    assert response.status_code == 401
    assert response.json() == {"message": f"Invalid signature: {reason}"}
    assert [(e.verified, e.reason, e.rejected) for e in seen] == [(False, reason, True)]
    assert re.search(rf"  ace     {CALL}  amd=(machine|human)  REJECTED \({re.escape(reason)}\) -> 401$",
                     seen[0].line())


def test_basic_auth_callbacks_are_recognised():
    with listening() as (url, seen, http):
        response = http.post(url, json=EVENTS["ace"],
                             headers={"authorization": signing.basic_authorization(KEY, SECRET)})
    assert (response.status_code, response.json()) == (200, CONTINUE)
    assert (seen[0].auth, seen[0].reason) == ("basic", "valid basic credentials")
    assert seen[0].line().endswith("verified (basic) -> 200 continue")


def test_no_verify_accepts_anything():
    with listening(verify=False, key=None, secret=None) as (url, seen, http):
        response = http.post(url, json=EVENTS["ace"])
    assert (response.status_code, response.json()) == (200, CONTINUE)
    assert (seen[0].verified, seen[0].line().endswith("unverified -> 200 continue")) == (None, True)


@pytest.mark.parametrize("method, path, status, problem", [
    ("GET", "/cb", 405, "callbacks are POSTed"),
    ("POST", "/elsewhere", 404, "not under --path /cb"),
])
def test_only_posts_under_the_path_are_callbacks(method, path, status, problem):
    with listening(path="/cb") as (url, seen, http):
        response = http.request(method, url.replace("/cb", path))
        assert post(http, url + "/ace", EVENTS["ace"], path="/cb/ace").status_code == 200  # under the path
    assert (response.status_code, response.json()) == (status, {"message": problem})
    assert seen[0].line() == f"{NOW.astimezone():%H:%M:%S}  {method} {path}  -> {status} ({problem})"


def test_a_body_that_is_not_an_event_is_400():
    with listening() as (url, seen, http):
        body = b"hello"
        response = http.post(url, content=body, headers=signed_headers(body))
    assert (response.status_code, response.json()) == (400, {"message": "the body is not a JSON callback event"})
    assert seen[0].line().endswith("-  verified -> 400 (the body is not a JSON callback event)")


def _refuse_constant(name):
    raise AssertionError(f"{name} in a journal line")


HOSTILE_BODIES = {
    "lone surrogate": (b'{"event":"ace","callid":"\\ud800"}', 400),
    "deeply nested": (b"[" * 200_000 + b"]" * 200_000, 400),
    "event deeply nested": (b'{"event":"ace","x":' + b"[" * 900 + b"]" * 900 + b"}", 400),
    "overflowing float": (b'{"event":"dice","callid":"c","duration":1e999}', 400),
    "NaN": (b'{"event":"dice","callid":"c","duration":NaN}', 400),
    "-Infinity": (b'{"event":"dice","callid":"c","duration":-Infinity}', 400),
    "invalid UTF-8": (b'{"event":"ace","callid":"\xff\xfe"}', 400),
    "5000-digit integer": (b'{"event":"dice","callid":"c","duration":' + b"9" * 5000 + b"}", 400),
    "terminal escape": (b'{"event":"ace","callid":"\\u001b[2J\\u001b]0;owned\\u0007"}', 200),
    "an array": (b"[1, 2]", 400),
    "empty": (b"", 400),
}


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_hostile_bodies_get_a_4xx_and_a_strict_json_journal_line(name):
    body, status = HOSTILE_BODIES[name]
    journal = io.StringIO()
    with listening(journal=journal) as (url, seen, http):
        response = http.post(url, content=body, headers=signed_headers(body))
    assert response.status_code == status
    lines = journal.getvalue().splitlines()
    assert len(lines) == 1 and len(seen) == 1
    record = json.loads(lines[0], parse_constant=_refuse_constant)  # strict: no NaN, Infinity
    json.dumps(record, allow_nan=False).encode("utf-8")  # and writable anywhere: no lone surrogate either
    assert record["verification"]["verified"] is True and record["reply"]["status"] == status
    if status == 400:
        assert record["reply"]["body"] == {"message": "the body is not a JSON callback event"}
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in seen[0].line())  # nothing for a terminal to obey
    if body:  # the raw text is kept, as text, when it is not strict JSON
        assert isinstance(record["request"]["body"], (str, dict, list))


def test_any_body_decodes_to_something_strict_json_can_write():
    """Seeded mutations of real events toward the cases above: decode never fails, never yields NaN,
    Infinity or a lone surrogate, and a journal line can always be written."""
    import random

    from sinchvoice.listener.exchange import decode

    rng = random.Random(2026)
    seeds = [encode(event) for event in EVENTS.values()] + [b'{"a": [1e999, NaN, "\\ud800", [[[]]]]}']
    alphabet = b'{}[]",:\\u0123456789abcdefeE+-.NaIfinty \xff\xed\xa0\x80\x1b'
    for _ in range(3000):
        body = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(body) + 1)
            body[at:at + rng.randint(0, 3)] = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        json.dumps(decode(bytes(body)), allow_nan=False, ensure_ascii=False).encode("utf-8")


def test_a_control_character_in_an_event_is_shown_escaped():
    with listening() as (url, seen, http):
        post(http, url, {"event": "ace", "callid": "x\x1b[31m", "amd": {"status": "human\n"}})
    assert "  ace     x\\x1b[31m  amd=human\\n  verified" in seen[0].line()


@pytest.mark.parametrize("announced", ["chunked", "content-length"])
def test_a_body_over_1_mib_is_413_without_being_read_whole(announced):
    """The body never ends (chunked) or is announced as 10 GiB: the answer comes anyway, after at most 1 MiB."""
    import socket

    journal = io.StringIO()
    with listening(journal=journal) as (url, seen, _):
        host, port = url[len("http://"):-1].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=60) as sock:
            length = b"Transfer-Encoding: chunked" if announced == "chunked" else b"Content-Length: 10737418240"
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + length + b"\r\n\r\n")
            if announced == "chunked":  # 1 MiB and 1 byte, and no last chunk: a server reading it whole would hang
                sock.sendall(b"".join(b"10000\r\n" + b" " * 0x10000 + b"\r\n" for _ in range(16)) + b"1\r\n \r\n")
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
                answer += sock.recv(65536) or b"}"
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ") and b"connection: close" in head.lower()
    assert json.loads(body) == {"message": "the body is over 1 MiB; callbacks are small"}
    record = json.loads(journal.getvalue())
    assert (record["request"]["body"], record["reply"]["status"]) == (None, 413)
    assert seen[0].line().endswith("  POST /  -> 413 (the body is over 1 MiB; callbacks are small)")


def test_a_replayed_callback_is_refused_409_and_not_forwarded():
    downstream = Downstream("/h", CONTINUE)
    journal = io.StringIO()
    with serving(downstream) as base, listening(forward_to=base + "/h", journal=journal) as (url, seen, http):
        body = encode(EVENTS["ace"])
        headers = signed_headers(body)
        first, again = (http.post(url, content=body, headers=headers) for _ in range(2))
        fresh = post(http, url, EVENTS["ace"], stamp=signing.utc_timestamp(NOW - timedelta(seconds=1)))
    problem = f"replayed: this signature and x-timestamp were already received at {NOW.astimezone():%H:%M:%S}"
    assert (first.status_code, again.status_code, fresh.status_code) == (200, 409, 200)
    assert again.json() == {"message": problem}
    assert len(downstream.seen) == 2  # the replay never reached the handler
    assert seen[1].line().endswith(f"verified -> 409 ({problem})")
    assert [json.loads(line)["reply"]["status"] for line in journal.getvalue().splitlines()] == [200, 409, 200]


def test_allow_replay_accepts_the_same_callback_twice():
    with listening(allow_replay=True) as (url, seen, http):
        body = encode(EVENTS["dice"])
        headers = signed_headers(body)
        statuses = [http.post(url, content=body, headers=headers).status_code for _ in range(2)]
    assert statuses == [200, 200]


def test_signatures_are_remembered_only_while_they_could_still_verify():
    from sinchvoice.listener.replay import Replays

    replays = Replays()
    for minute in range(30):  # one callback a minute, each x-timestamp as it was sent
        stamp = NOW + timedelta(minutes=minute)
        assert replays.first_seen(f"sig{minute}", stamp, now=stamp) is None
    assert replays.first_seen("sig29", NOW + timedelta(minutes=29), now=NOW + timedelta(minutes=30)) is not None
    # a signature verifies until its x-timestamp is 15 minutes old: only the last 15 minutes are kept
    assert len(replays) == 15
    replays.first_seen("late", NOW + timedelta(minutes=60), now=NOW + timedelta(minutes=60))
    assert len(replays) == 1


@pytest.mark.parametrize("target, message", [
    ("../outside.json", "error: --reply-dir {tmp}/replies: ice.json links outside the folder, to {tmp}/outside.json"),
    ("/dev/zero", "error: --reply-dir {tmp}/replies: ice.json links outside the folder, to /dev/zero"),
    ("missing.json", "error: --reply-dir {tmp}/replies: ice.json is not a regular file"),
])
def test_reply_dir_files_may_not_lead_outside_the_folder(cli, tmp_path, target, message):
    (tmp_path / "replies").mkdir()
    (tmp_path / "outside.json").write_text(json.dumps(SAY_HANGUP))
    (tmp_path / "replies" / "ice.json").symlink_to(target)
    result = cli("listen", "--port", "0", "--no-verify", "--reply-dir", str(tmp_path / "replies"))
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, message.format(tmp=tmp_path))
    assert "receiving callbacks" not in result.stderr


def test_reply_dir_files_may_link_within_the_folder(tmp_path):
    (tmp_path / "shared.json").write_text(json.dumps(SAY_HANGUP))
    (tmp_path / "ice.json").symlink_to("shared.json")
    os.mkfifo(tmp_path / "pie.json")
    with pytest.raises(UsageError, match="pie.json is not a regular file"):  # a FIFO would block the start
        load_replies([], str(tmp_path))
    (tmp_path / "pie.json").unlink()
    assert load_replies([], str(tmp_path))["ice"] == (SAY_HANGUP, str(tmp_path / "ice.json"))


def test_replies_from_flags_override_the_dir(tmp_path):
    (tmp_path / "ice.json").write_text(json.dumps(SAY_HANGUP))
    (tmp_path / "pie.json").write_text('{"action": {"name": "hangup"}}')
    replies = load_replies(["ace=" + json.dumps(SAY_HANGUP), "PIE=-"], str(tmp_path),
                           stdin=io.StringIO('{"action": {"name": "continue"}}'))
    assert replies == {"ice": (SAY_HANGUP, str(tmp_path / "ice.json")), "ace": (SAY_HANGUP, "--reply"),
                       "pie": (CONTINUE, "--reply")}
    with listening(replies={event: doc for event, (doc, _) in replies.items()}) as (url, seen, http):
        answers = {name: post(http, url, EVENTS[name]).json() for name in ("ice", "ace", "pie")}
    assert answers == {"ice": SAY_HANGUP, "ace": SAY_HANGUP, "pie": CONTINUE}


def test_journal_lines_redact_the_signature():
    journal = io.StringIO()
    with listening(journal=journal) as (url, seen, http):
        post(http, url, EVENTS["dice"])
        _tampered(http, url)
    tampered = encode(EVENTS["ace"]).replace(b"machine", b"human")

    def headers(body: bytes) -> dict:
        return {"accept": "*/*", "accept-encoding": "gzip, deflate", "authorization": f"application {KEY}:<redacted>",
                "connection": "keep-alive", "content-length": str(len(body)), "content-type": "application/json",
                "host": url[len("http://"):-1], "user-agent": f"python-httpx/{httpx.__version__}",
                "x-timestamp": STAMP}

    expected = [
        {"time": "2026-01-01T12:00:00.000Z",
         "request": {"method": "POST", "path": "/", "headers": headers(encode(EVENTS["dice"])), "body": EVENTS["dice"]},
         "verification": {"scheme": "application", "verified": True, "reason": "valid signature"},
         "reply": {"status": 200, "body": None}},
        {"time": "2026-01-01T12:00:00.000Z",
         "request": {"method": "POST", "path": "/", "headers": headers(tampered), "body": json.loads(tampered)},
         "verification": {"scheme": "application", "verified": False, "reason": "signature does not match"},
         "reply": {"status": 401, "body": {"message": "Invalid signature: signature does not match"}}},
    ]
    assert journal.getvalue() == "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in expected)
    assert signed_headers(encode(EVENTS["dice"]))["authorization"].split(":")[1] not in journal.getvalue()


@pytest.mark.parametrize("name, value, shown, secret", [
    ("authorization", "Application 669E367E:c2lnbmF0dXJl", "Application 669E367E:<redacted>", "c2lnbmF0dXJl"),
    ("authorization", "Basic a2V5OnNlY3JldA==", "Basic <redacted>", "a2V5OnNlY3JldA=="),
    ("authorization", "a2V5OnNlY3JldA==", "<redacted>", "a2V5OnNlY3JldA=="),  # no scheme: nothing of it shows
    ("authorization", "Bearer  t0k3n s3cr3t", "Bearer <redacted>", "t0k3n"),
    ("proxy-authorization", "Basic cHJveHk6cGFzcw==", "Basic <redacted>", "cHJveHk6cGFzcw=="),
    ("cookie", "session=s3cr3t; theme=dark", "<redacted>", "s3cr3t"),
])
def test_authorization_like_headers_are_redacted_whole_but_scheme_and_key(name, value, shown, secret):
    journal = io.StringIO()
    with listening(journal=journal, verify=False, key=None, secret=None) as (url, seen, http):
        http.post(url, json=EVENTS["dice"], headers={name: value})
    assert json.loads(journal.getvalue())["request"]["headers"][name] == shown
    assert seen[0].record()["request"]["headers"][name] == shown  # the -o json line is the same record
    assert secret not in journal.getvalue()


class Downstream:
    """The user's own handler: checks the re-signed request with signing.verify and answers `reply`."""

    def __init__(self, path: str, reply: dict):
        self.path, self.reply, self.seen = path, reply, []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        result = signing.verify(headers.get("authorization"), key=KEY, secret=SECRET, method=scope["method"],
                                path=scope["path"], body=body, content_type=headers.get("content-type", ""),
                                timestamp=headers.get("x-timestamp"), now=NOW)
        self.seen.append({"path": scope["path"], "timestamp": headers.get("x-timestamp"), "verified": result.ok})
        status = 200 if result.ok else 401
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(self.reply).encode()})


@contextlib.contextmanager
def serving(app):
    from sinchvoice import serving

    sock = serving.bind("127.0.0.1", 0)
    with serving.running(app, sock, name="downstream"):
        yield serving.url_of(sock, "127.0.0.1")


def test_forward_to_re_signs_for_the_handler_and_relays_its_reply():
    downstream = Downstream("/my/handler", SAY_HANGUP)
    with serving(downstream) as base, listening(forward_to=base + "/my/handler") as (url, seen, http):
        earlier = signing.utc_timestamp(NOW - timedelta(seconds=30))
        response = post(http, url, EVENTS["ice"], stamp=earlier)
    assert (response.status_code, response.json()) == (200, SAY_HANGUP)
    assert downstream.seen == [{"path": "/my/handler", "timestamp": STAMP, "verified": True}]  # fresh x-timestamp
    exchange = seen[0]
    assert {k: v for k, v in exchange.forwarded.items() if k != "latencyMs"} == {
        "url": base + "/my/handler", "status": 200}
    assert exchange.line().endswith(f"verified -> forwarded to {base}/my/handler: 200 say+hangup")
    assert exchange.warnings == []


def test_forward_to_checks_the_handlers_svaml_and_reports_a_dead_handler():
    downstream = Downstream("/h", {"instructions": [{"name": "Say", "text": "Hi"}], "action": {"name": "hangupp"}})
    with serving(downstream) as base, listening(forward_to=base + "/h") as (url, seen, http):
        assert post(http, url, EVENTS["ace"]).json() == downstream.reply
    assert seen[0].warnings == [
        'the ace reply: instruction 1 "Say" is documented as "say"; sent as written (Sinch compares names without '
        'case)',
        'the ace reply: unknown action "hangupp"; use one of: hangup, continue, connectPstn, connectMxp, '
        "connectConf, connectSip, connectStream, runMenu, park"]
    with listening(forward_to=base + "/h") as (url, seen, http):  # the handler is gone now
        response = post(http, url, EVENTS["ace"])
    assert response.status_code == 502
    assert seen[0].line().endswith(f"verified -> forwarded to {base}/h: ConnectError")


def test_bad_signatures_are_not_forwarded():
    downstream = Downstream("/h", CONTINUE)
    with serving(downstream) as base, listening(forward_to=base + "/h") as (url, seen, http):
        assert _tampered(http, url).status_code == 401
    assert downstream.seen == [] and seen[0].forwarded is None


class Stalling:
    """A handler that answers an ice only once the test releases it (or trickles its reply, a byte at a time,
    until then); any other event at once."""

    def __init__(self, trickle: bool = False):
        self.trickle, self.arrived, self.released = trickle, threading.Event(), threading.Event()

    async def __call__(self, scope, receive, send):
        import asyncio

        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        headers = [(b"content-type", b"application/json")]
        if json.loads(body)["event"] != "ice":
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            return await send({"type": "http.response.body", "body": json.dumps(CONTINUE).encode()})
        self.arrived.set()
        if not self.trickle:
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait)
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            return await send({"type": "http.response.body", "body": json.dumps(SAY_HANGUP).encode()})
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        while not self.released.is_set():  # the server's own pace, not the test's: one byte per tick
            await send({"type": "http.response.body", "body": b" ", "more_body": True})
            await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": b""})


def test_a_handler_that_hangs_does_not_hold_up_other_events():
    stalling = Stalling()
    with serving(stalling) as base, listening(forward_to=base + "/h") as (url, seen, http):
        held: list = []
        ice = threading.Thread(target=lambda: held.append(post(http, url, EVENTS["ice"])))
        ice.start()
        try:
            assert stalling.arrived.wait(60)
            other = post(http, url, EVENTS["ace"])  # answered while the ice is still held by the handler
            assert held == [] and [e.name for e in seen] == ["ace"]
        finally:
            stalling.released.set()
            ice.join(60)
    assert (other.status_code, other.json()) == (200, CONTINUE)
    assert (held[0].status_code, held[0].json()) == (200, SAY_HANGUP)


def test_a_handler_that_never_finishes_its_reply_is_cut_at_the_timeout():
    """A reply trickling in a byte at a time never trips a read timeout; the forward has a deadline anyway."""
    stalling = Stalling(trickle=True)
    with serving(stalling) as base, listening(forward_to=base + "/h", timeout=0.5) as (url, seen, http):
        try:
            response = post(http, url, EVENTS["ice"])
        finally:
            stalling.released.set()
    assert (response.status_code, response.json()) == (
        504, {"message": f"forwarding to {base}/h timed out after 0.5 s"})
    assert seen[0].line().endswith(f"verified -> forwarded to {base}/h: timed out after 0.5 s")


def test_a_handler_reply_over_1_mib_is_not_relayed():
    downstream = Downstream("/h", {"action": {"name": "continue"}, "pad": "x" * (1024 * 1024)})
    with serving(downstream) as base, listening(forward_to=base + "/h") as (url, seen, http):
        response = post(http, url, EVENTS["ace"])
    assert (response.status_code, response.json()) == (
        502, {"message": f"forwarding to {base}/h failed: its reply is over 1 MiB"})


def test_sandbox_loop_ace_then_dice_verified(sandbox):
    """The offline loop: the sandbox calls back the listener, signed with its key, as the manual clock moves."""
    with listening(now=lambda: datetime.now(timezone.utc), key=sandbox.key, secret=sandbox.secret) as (url, seen, _):
        with sandbox.client() as api:
            api.post(f"/calling/v1/configuration/callbacks/applications/{sandbox.key}", json={"url": {"primary": url}})
            call_id = api.post("/calling/v1/callouts", json={"method": "ttsCallout", "ttsCallout": {
                "cli": "+46700000100", "destination": {"type": "number", "endpoint": "+46701234567"},
                "text": "Hello from the sandbox", "enableAce": True, "enableDice": True}}).json()["callId"]
        sandbox.advance(2)
        assert [(e.name, e.verified, e.status) for e in seen] == [("ace", True, 200)]
        sandbox.advance(10)
    assert [(e.name, e.callid, e.verified, e.status) for e in seen] == [
        ("ace", call_id, True, 200), ("dice", call_id, True, 200)]
    assert seen[1].event["result"] == "ANSWERED" and seen[1].event["duration"] == 2
    assert re.search(r"dice    \S+  result=ANSWERED reason=\S+ duration=2  verified -> 200 \(empty\)$", seen[1].line())
    assert [(c["event"], c["status"]) for c in sandbox.callbacks()] == [("ace", 200), ("dice", 200)]


# --- the real command ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, env, code, message", [
    (["--reply", "ice=@{tmp}/bad.json"], True, 2, 'error: --reply ice: unknown action "hangupp"; use one of: '
     "hangup, continue, connectPstn, connectMxp, connectConf, connectSip, connectStream, runMenu, park"),
    (["--reply-dir", "{tmp}"], True, 2, 'error: {tmp}/ace.json: unknown action "hangupp"; use one of: '
     "hangup, continue, connectPstn, connectMxp, connectConf, connectSip, connectStream, runMenu, park"),
    (["--reply", "ring=" + json.dumps(CONTINUE)], True, 2,
     "error: --reply: unknown event 'ring'; use one of: ice, ace, pie"),
    (["--reply", "dice=" + json.dumps(CONTINUE)], True, 2, "error: --reply dice: dice events take no SVAML reply"),
    (["--reply", "ice"], True, 2, "error: --reply 'ice' is not EVENT=SVAML"),
    (["--reply-dir", "{tmp}/missing"], True, 2, "error: --reply-dir {tmp}/missing: no such directory"),
    (["--host", "0.0.0.0"], True, 2, "error: refusing to listen on 0.0.0.0: not a loopback address"),
    (["--path", "cb"], True, 2, "error: --path 'cb' must start with /"),
    (["--forward-to", "http://example.com/cb"], True, 2,
     "error: --forward-to 'http://example.com/cb' uses http:// on a non-loopback host"),
    (["--no-verify", "--forward-to", "http://127.0.0.1:9/h"], False, 2,
     "error: --forward-to signs what it relays, so it cannot relay events that were not verified (--no-verify)"),
    (["--journal", "{tmp}/no/such/dir/j.jsonl"], True, 2,
     "error: --journal {tmp}/no/such/dir/j.jsonl: cannot open it: No such file or directory"),
    ([], False, 4, "error: no credentials for profile 'default'"),
])
def test_bad_options_exit_before_serving(cli, tmp_path, args, env, code, message):
    (tmp_path / "bad.json").write_text('{"action": {"name": "hangupp"}}')
    (tmp_path / "ace.json").write_text('{"action": {"name": "hangupp"}}')
    credentials = {"SINCH_APPLICATION_KEY": KEY, "SINCH_APPLICATION_SECRET": SECRET} if env else {}
    result = cli("listen", "--port", "0", *[a.replace("{tmp}", str(tmp_path)) for a in args], env=credentials)
    assert result.exit_code == code
    assert result.stderr.splitlines()[0] == message.replace("{tmp}", str(tmp_path))
    assert "receiving callbacks" not in result.stderr


def test_the_journal_is_created_private_whatever_the_umask(cli, tmp_path):
    """It holds the callbacks' bodies (numbers, call ids): 0600 even under umask 000."""
    import socket

    previous = os.umask(0)
    try:
        with socket.socket() as busy:  # the journal is opened before binding, so a busy port ends the run there
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            result = cli("listen", "--no-verify", "--port", str(busy.getsockname()[1]),
                         "--journal", str(tmp_path / "j.jsonl"))
    finally:
        os.umask(previous)
    assert result.exit_code == 1 and "address already in use" in result.stderr
    assert oct((tmp_path / "j.jsonl").stat().st_mode & 0o777) == oct(0o600)


class ListenProcess(Spawned):
    """`python -m sinchvoice listen --port 0 ...`, started and past its banner."""

    def __init__(self, *args: str, env: dict):
        super().__init__("listen", "--port", "0", *args, env=env)
        self.banner = self.until(r"^A real Sinch application needs a public https:// URL")
        self.url = next(match.group(1) for line in self.banner if (match := re.fullmatch(
            r"sinchvoice listen: receiving callbacks on (\S+) \(Ctrl-C stops it\)", line)))
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])

    def stop(self) -> tuple[int, list[str]]:
        self.signal(signal.SIGINT)
        code, _, rest = self.finish()
        return code, rest


def test_listen_command_with_the_sandbox_end_to_end(cli, sandbox, tmp_path):
    (tmp_path / "ace.json").write_text(json.dumps(SAY_HANGUP))
    listener = ListenProcess("--reply-dir", str(tmp_path), "--journal", str(tmp_path / "j.jsonl"), "-o", "json",
                             env=sandbox.env())
    try:
        assert listener.banner[1:] == [
            "  signatures:  checked against application 1111…5555 (x-timestamp within 15 min)",
            f"  replies:     ice say+hangup (default), ace say+hangup ({tmp_path / 'ace.json'}), "
            "pie continue (default); dice, notify: empty 200",
            f"  journal:     {tmp_path / 'j.jsonl'}",
            "Point your application's callbacks at it:",
            f"  sinchvoice applications callbacks set --primary {listener.url}",
            "A real Sinch application needs a public https:// URL instead, e.g. a tunnel: "
            f"ngrok http {listener.port}",
        ]
        # exactly the README's walkthrough, through the real commands
        assert cli("applications", "callbacks", "set", "--primary", listener.url, "--yes",
                   env=sandbox.env()).exit_code == 0
        placed = cli("callouts", "tts", "--from", "+46700000100", "--to", "+46701234567", "--text", "Hello",
                     "--ace", "--dice", "-q", env=sandbox.env())
        assert placed.exit_code == 0, placed.stderr
        call_id = placed.stdout.strip()
        sandbox.advance(2)
        ace_line, ace = listener.next("stderr"), json.loads(listener.next("stdout"))
        sandbox.advance(10)
        dice_line, dice = listener.next("stderr"), json.loads(listener.next("stdout"))
        wrong = httpx.post(listener.url, json={"event": "ace", "callid": "x"}, trust_env=False)
        rejected_line = listener.next("stderr")
    finally:
        code, rest = listener.stop()
    assert re.fullmatch(rf"\d\d:\d\d:\d\d  ace     {call_id}  amd=human  verified -> 200 say\+hangup", ace_line)
    assert re.fullmatch(rf"\d\d:\d\d:\d\d  dice    {call_id}  result=ANSWERED reason=\S+ duration=2  "
                        r"verified -> 200 \(empty\)", dice_line)
    assert wrong.status_code == 401
    assert rejected_line.endswith("REJECTED (missing authorization header) -> 401")
    assert (ace["reply"], ace["verification"]["verified"]) == ({"status": 200, "body": SAY_HANGUP}, True)
    assert (dice["request"]["body"]["result"], dice["reply"]) == ("ANSWERED", {"status": 200, "body": None})
    journal = [json.loads(line) for line in (tmp_path / "j.jsonl").read_text().splitlines()]
    assert journal[:2] == [ace, dice] and len(journal) == 3
    assert sandbox.secret not in (tmp_path / "j.jsonl").read_text()
    assert (code, rest) == (130, ["stopped"])


def test_listen_command_replies_from_flags_and_shows_json_with_verbose():
    listener = ListenProcess("--path", "/cb", "--reply", "ice=" + json.dumps(SAY_HANGUP), "-v",
                             env={"SINCH_APPLICATION_KEY": KEY, "SINCH_APPLICATION_SECRET": SECRET})
    try:
        assert listener.url.endswith("/cb")
        assert listener.banner[2] == ("  replies:     ice say+hangup (--reply), ace continue (default), "
                                      "pie continue (default); dice, notify: empty 200")
        body = encode(EVENTS["ice"])
        stamp = signing.utc_timestamp()
        response = httpx.post(listener.url + "/ice", content=body, trust_env=False,
                              headers=signed_headers(body, path="/cb/ice", stamp=stamp))
        shown = [listener.next("stderr") for _ in range(17)]
        listener.until(r"^    }$")  # the end of the ice reply
        hostile = encode({"event": "dice", "callid": "x\u009b2J"})  # a C1 control, which JSON leaves raw
        httpx.post(listener.url, content=hostile, trust_env=False,
                   headers=signed_headers(hostile, path="/cb", stamp=signing.utc_timestamp()))
        escaped = [listener.next("stderr") for _ in range(6)]
    finally:
        code, rest = listener.stop()
    assert re.fullmatch(r"\d\d:\d\d:\d\d  dice    x\\x9b2J  verified -> 200 \(empty\)", escaped[0])
    assert escaped[1:] == ["    request: {", '      "event": "dice",', '      "callid": "x\\x9b2J"', "    }",
                           "    reply: (empty)"]
    assert (response.status_code, response.json()) == (200, SAY_HANGUP)
    assert re.fullmatch(rf"\d\d:\d\d:\d\d  ice     {CALL}  cli=\+46700000100 to=\+46701234567  verified -> 200 "
                        r"say\+hangup", shown[0])
    assert shown[1:] == [
        "    request: {", '      "event": "ice",', f'      "callid": "{CALL}",', '      "cli": "+46700000100",',
        '      "to": {', '        "type": "number",', '        "endpoint": "+46701234567"', "      }", "    }",
        "    reply: {", '      "instructions": [', "        {", '          "name": "say",', '          "text": "Hi"',
        "        }", "      ],"]
    assert (code, rest[-1]) == (130, "stopped")


@pytest.mark.parametrize("flags, second", [([], 409), (["--allow-replay"], 200)])
def test_listen_command_refuses_replays_unless_allowed(flags, second):
    listener = ListenProcess(*flags, env={"SINCH_APPLICATION_KEY": KEY, "SINCH_APPLICATION_SECRET": SECRET})
    try:
        body = encode(EVENTS["dice"])
        headers = signed_headers(body, stamp=signing.utc_timestamp())
        statuses = [httpx.post(listener.url, content=body, headers=headers, trust_env=False).status_code
                    for _ in range(2)]
        lines = [listener.next("stderr") for _ in range(2)]
    finally:
        listener.stop()
    assert statuses == [200, second]
    assert lines[1].endswith("verified -> 409 (replayed: this signature and x-timestamp were already received at "
                             f"{lines[0][:8]})" if second == 409 else "verified -> 200 (empty)")


def test_no_credentials_hint_offers_no_verify(cli):
    result = cli("listen", "--port", "0")
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [
        "error: no credentials for profile 'default'",
        "hint: run `sinchvoice auth login`, or set SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET (for the "
        "offline sandbox: `sinchvoice sandbox` prints them); or pass --no-verify to accept unsigned events",
    ]


def test_a_wildcard_bind_suggests_the_loopback_url_that_callbacks_set_accepts(cli, sandbox):
    listener = ListenProcess("--host", "0.0.0.0", "--allow-remote", env=sandbox.env())
    try:
        local = f"http://127.0.0.1:{listener.port}/"
        assert listener.url == f"http://0.0.0.0:{listener.port}/"
        assert listener.banner[0] == "warning: listening on 0.0.0.0: anyone who can reach it can send events to it"
        assert listener.banner[-3:] == [
            "Point your application's callbacks at it:",
            f"  sinchvoice applications callbacks set --primary {local}",
            f"A real Sinch application needs a public https:// URL instead, e.g. a tunnel: ngrok http {listener.port}",
        ]
        accepted = cli("applications", "callbacks", "set", "--primary", local, "--yes", env=sandbox.env())
    finally:
        listener.stop()
    assert accepted.exit_code == 0, accepted.stderr


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", "http://127.0.0.1:{port}/cb"),
    ("localhost", "http://localhost:{port}/cb"),
    ("0.0.0.0", "http://127.0.0.1:{port}/cb"),
    ("::", "http://[::1]:{port}/cb"),
    ("192.0.2.1", None),  # one remote address: loopback does not reach it, and http:// would be refused
])
def test_local_url_for_each_kind_of_bind(host, expected):
    from sinchvoice.serving import bind, local_url

    sock = bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        assert local_url(sock, host, "/cb") == (expected and expected.format(port=port))
    finally:
        sock.close()


# --- both servers alike: bind errors and Ctrl-C -----------------------------------------------------------

SERVERS = {"listen": ["listen", "--no-verify"], "sandbox": ["sandbox"]}
BANNER_END = {"listen": b"e.g. a tunnel: ngrok http ", "sandbox": b"Point the CLI at it:"}


@pytest.mark.parametrize("server", SERVERS)
def test_a_busy_port_is_one_error_line_before_any_banner(cli, server):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli(*SERVERS[server], "--port", str(port))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [f"error: cannot serve on 127.0.0.1:{port}: address already in use",
                                          "hint: pick another --port (0 picks a free one)"]


@pytest.mark.parametrize("server", SERVERS)
def test_an_address_of_another_machine_is_one_error_line(cli, server):
    result = cli(*SERVERS[server], "--host", "192.0.2.1", "--allow-remote", "--port", "0")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[1:] == ["error: cannot serve on 192.0.2.1:0: not an address of this machine",
                                              "hint: pick another --host, e.g. 127.0.0.1"]


@pytest.mark.parametrize("server", SERVERS)
def test_ctrl_c_on_a_terminal_ends_the_line_then_says_stopped_and_exits_130(server):
    """stderr on a pseudo-terminal, as in a shell: `stopped` must not land after the echoed ^C."""
    import pty
    import select

    primary, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "sinchvoice", *SERVERS[server], "--port", "0"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=secondary,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(secondary)
    seen = b""
    try:
        # The whole banner first: Ctrl-C is sent once the server says it is serving, never on a guess of time.
        while BANNER_END[server] not in seen and select.select([primary], [], [], 60)[0]:
            seen += os.read(primary, 4096)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(60)
        with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
            while select.select([primary], [], [], 1)[0] and (chunk := os.read(primary, 4096)):
                seen += chunk
    finally:
        proc.kill()
        os.close(primary)
    assert code == 130
    assert seen.decode().replace("\r\n", "\n").endswith("\n\nstopped\n")


@pytest.mark.parametrize("body, callid", [
    (b'{"event": "ace", "callid": "c-1"}', "c-1"),  # the platform's spelling
    (b'{"event": "ace", "callId": "c-2"}', "c-2"),  # the contract's and some tools'
    (b'{"event": "ace", "callid": 7}', ""),
    (b'{"event": "ace"}', ""),
    (b'[1]', ""),
])
def test_an_event_names_its_call_in_either_spelling(body, callid):
    from sinchvoice.listener.exchange import Exchange

    exchange = Exchange(datetime.now(timezone.utc), "POST", "/", {}, body)
    assert exchange.callid == callid
    assert exchange.line().split()[2] == (callid or "-")


def test_quiet_prints_only_the_ids_of_accepted_events(capsys):
    """-q feeds a script call ids: an event refused for its signature is reported on stderr, never as an id."""
    from types import SimpleNamespace

    from sinchvoice.commands.listen.commands import _reporter
    from sinchvoice.environment import Environment
    from sinchvoice.listener.exchange import Exchange
    from sinchvoice.output import Output

    report = _reporter(SimpleNamespace(out=Output(Environment(), "table", quiet=True),
                                       settings=SimpleNamespace(verbose=False)))

    def exchange(callid: str, **outcome) -> Exchange:
        return Exchange(NOW, "POST", "/", {}, encode({"event": "ace", "callid": callid}), **outcome)

    report(exchange("good", auth="application", verified=True))
    report(exchange("forged", auth="application", verified=False, reason="bad signature", status=401))
    report(exchange("unchecked"))  # --no-verify: accepted as the user asked
    out, err = capsys.readouterr()
    assert out == "good\nunchecked\n"
    assert "forged" in err and "REJECTED (bad signature) -> 401" in err
