"""serving: one way to bind, run and stop a local server, for `sandbox`, `listen`, the demo and the tests."""

from __future__ import annotations

import json
import re
import signal
import socket
import threading
import time

import httpx
import pytest

from sinchvoice import interrupts, serving
from sinchvoice.errors import SinchVoiceError
from tests.spawned import Spawned


async def hello(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})


def test_running_answers_as_soon_as_it_yields_and_frees_the_port_after():
    sock = serving.bind("127.0.0.1", 0)
    url = serving.url_of(sock, "127.0.0.1", "/x")
    with serving.running(hello, sock, name="hello"):
        response = httpx.get(url, trust_env=False)  # no retry: the server is up once `running` yields
        assert (response.status_code, response.text) == (200, "hello")
        assert "server" not in response.headers  # no uvicorn advertisement
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, trust_env=False)
    assert sock.fileno() == -1


def test_a_server_that_cannot_start_is_its_error_at_once_not_a_hang():
    sock = serving.bind("127.0.0.1", 0)
    sock.close()
    with pytest.raises(OSError), serving.running(hello, sock, startup_timeout=60):
        pass


@pytest.mark.parametrize("host, port, expected", [
    ("127.0.0.1", 8700, "http://127.0.0.1:8700/cb"),
    ("::1", 8800, "http://[::1]:8800/cb"),
    ("localhost", 1, "http://localhost:1/cb"),
])
def test_url_of_brackets_ipv6(host, port, expected):
    class Bound:
        def getsockname(self):
            return (host, port)

    assert serving.url_of(Bound(), host, "/cb") == expected


def test_bind_errors_say_what_to_do():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SinchVoiceError) as caught:
            serving.bind("127.0.0.1", port)
    assert (caught.value.message, caught.value.hint) == (
        f"cannot serve on 127.0.0.1:{port}: address already in use", "pick another --port (0 picks a free one)")
    with pytest.raises(ValueError, match="not a loopback address"):
        serving.bind("0.0.0.0", 0)


# --- Ctrl-C, as the server commands see it (the handler called directly: no signal reaches pytest) ----------


def test_the_first_ctrl_c_raises_later_ones_only_hurry_the_stop():
    ctrl_c, hurried = interrupts.CtrlC(), []
    ctrl_c.hurry = lambda: hurried.append(True)
    with pytest.raises(KeyboardInterrupt):
        ctrl_c(signal.SIGINT, None)
    ctrl_c(signal.SIGINT, None)
    ctrl_c(signal.SIGTERM, None)
    assert (ctrl_c.signum, hurried) == (signal.SIGINT, [True, True])


def test_ctrl_c_while_held_comes_once_the_block_is_done():
    ctrl_c, printed = interrupts.CtrlC(), []
    with pytest.raises(KeyboardInterrupt):
        with ctrl_c.held():
            printed.append("banner line 1")
            ctrl_c(signal.SIGINT, None)  # does not raise here: the banner is printed whole
            printed.append("banner line 2")
    assert printed == ["banner line 1", "banner line 2"]
    with ctrl_c.held():  # nothing pending any more
        printed.append("goodbye")


def test_handlers_come_back_when_nothing_interrupted():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with interrupts.ctrl_c_stops() as ctrl_c:
        assert signal.getsignal(signal.SIGINT) is ctrl_c and signal.getsignal(signal.SIGTERM) is ctrl_c
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


# --- listen stays light: one serving module, no emulator -----------------------------------------------------


def test_listen_imports_nothing_of_the_sandbox_nor_jsonschema():
    """Everything `listen` imports up to serving and answering a request, seen with python -X importtime."""
    listener = Spawned("listen", "--no-verify", "--port", "0", importtime=True)
    try:
        url = listener.until(r"\(Ctrl-C stops it\)$")[-1].split(" on ", 1)[1].split(" ")[0]
        listener.until(r"^A real Sinch application needs")
        response = httpx.post(url, content=json.dumps({"event": "dice", "callid": "c1"}), trust_env=False)
        listener.until(r"dice +c1 ")
        listener.signal()
        code, _, rest = listener.finish()
    finally:
        listener.kill()
    assert (response.status_code, code, rest) == (200, 130, ["stopped"])
    assert [name for name in listener.imports if name.startswith("jsonschema")] == []
    # The CLI's command tree reads the sandbox command's defaults (a stdlib-only constants module) at every
    # start; nothing else of the emulator may come in.
    sandbox = {name for name in listener.imports if name.startswith("sinchvoice.sandbox")}
    assert sandbox <= {"sinchvoice.sandbox", "sinchvoice.sandbox.defaults"}
    assert {"sinchvoice.serving", "uvicorn", "sinchvoice.listener.handler"} <= set(listener.imports)


# --- Ctrl-C at every moment of both servers: the real CLI in a subprocess, a real SIGINT at a chosen moment ---

SERVERS = {"listen": ["listen", "--no-verify", "--port", "0"], "sandbox": ["sandbox", "--port", "0"]}
BANNER_END = {"listen": r"^A real Sinch application needs a public https:// URL", "sandbox": r"^Point the CLI at it:$"}

# Runs the real CLI after arranging for SIGINT to be sent to itself at the moment named by $PHASE: a real
# signal through the real handlers, at a point no sleep could aim at.
DRIVER = r"""
import asyncio, contextlib, functools, os, signal, sys
from sinchvoice import interrupts, serving

def interrupt(times=1):
    for _ in range(times):
        os.kill(os.getpid(), signal.SIGINT)

def interrupt_as(owner, name, times=1):
    real = getattr(owner, name)
    if asyncio.iscoroutinefunction(real):
        async def patched(*args, **kwargs):
            interrupt(times)
            return await real(*args, **kwargs)
    else:
        def patched(*args, **kwargs):
            interrupt(times)
            return real(*args, **kwargs)
    setattr(owner, name, patched)

def once_handled(then):
    # runs `then` the moment the command's own handler is in place
    real_stops = interrupts.ctrl_c_stops
    @contextlib.contextmanager
    def stops(ctrl_c=None):
        with real_stops(ctrl_c) as installed:
            then()
            yield installed
    interrupts.ctrl_c_stops = stops

def interrupt_in_a_class_statement():
    # Ctrl-C in the next class statement with a cached_property that the command's imports run
    real = functools.cached_property.__set_name__
    def set_name(self, owner, name):
        functools.cached_property.__set_name__ = real
        interrupt()
        return real(self, owner, name)
    functools.cached_property.__set_name__ = set_name

phase = os.environ["PHASE"]
if phase in ("starting", "shutting down"):
    import uvicorn
if phase == "first line":
    once_handled(interrupt)
elif phase == "importing":
    once_handled(interrupt_in_a_class_statement)
elif phase == "binding":
    interrupt_as(serving, "bind")
elif phase == "starting":  # in the server thread: the main thread is waiting for it to answer
    interrupt_as(uvicorn.Server, "startup")
elif phase == "banner":
    import sinchvoice.commands.listen.commands, sinchvoice.commands.sandbox.commands
    interrupt_as(sinchvoice.commands.listen.commands, "_announce")
    interrupt_as(sinchvoice.commands.sandbox.commands, "_announce")
elif phase == "shutting down":  # Ctrl-C again (twice) while the first one is being honoured
    interrupt_as(uvicorn.Server, "shutdown", times=2)

from sinchvoice.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _clean(lines: list[str]) -> None:
    assert not [line for line in lines if any(word in line for word in (
        "Traceback", "unexpected", "Aborted", "interrupted", "Error", "error:"))], lines


@pytest.mark.parametrize("phase", ["first line", "importing", "binding", "starting"])
@pytest.mark.parametrize("server", SERVERS)
def test_ctrl_c_before_serving_says_stopped_and_exits_130(server, phase):
    process = Spawned(*SERVERS[server], code=DRIVER, env={"PHASE": phase})
    code, out, err = process.finish()
    assert (code, err) == (130, ["stopped"])  # no banner: it never claimed to be serving
    assert out == []


@pytest.mark.parametrize("server", SERVERS)
def test_ctrl_c_while_the_banner_prints_lets_it_finish_then_stops(server):
    process = Spawned(*SERVERS[server], code=DRIVER, env={"PHASE": "banner"})
    code, _, err = process.finish()
    assert code == 130
    assert re.search(BANNER_END[server], err[-2]) and err[-1] == "stopped"
    _clean(err)


@pytest.mark.parametrize("phase", ["serving", "shutting down"])
@pytest.mark.parametrize("server", SERVERS)
def test_ctrl_c_after_the_banner_stops_gracefully_with_130(server, phase):
    process = Spawned(*SERVERS[server], code=DRIVER, env={"PHASE": phase})
    try:
        banner = process.until(BANNER_END[server])
        process.signal(signal.SIGINT)
        code, _, rest = process.finish()
    finally:
        process.kill()
    assert (code, rest) == (130, ["stopped"])
    _clean(banner)


@pytest.mark.parametrize("server", SERVERS)
def test_sigterm_stops_gracefully_then_ends_by_sigterm(server):
    process = Spawned(*SERVERS[server])
    try:
        process.until(BANNER_END[server])
        process.signal(signal.SIGTERM)
        code, _, rest = process.finish()
    finally:
        process.kill()
    assert (code, rest) == (-signal.SIGTERM, ["stopped"])


@pytest.mark.parametrize("delay, answer", [
    (1, "404"),  # finishes within the grace period: answered as usual
    (60, "500"),  # cut once the grace period is over (uvicorn answers 500 to what it cancels)
])
def test_ctrl_c_gives_requests_in_flight_a_grace_period_then_stops_quietly(delay, answer):
    process = Spawned("sandbox", "--port", "0")
    try:
        process.until(BANNER_END["sandbox"])
        exports = dict(item.split("=", 1) for item in process.next("stdout").split()[1:])
        auth = (exports["SINCH_APPLICATION_KEY"], exports["SINCH_APPLICATION_SECRET"])
        with httpx.Client(base_url=exports["SINCHVOICE_BASE_URL"], auth=auth, trust_env=False, timeout=60) as client:
            client.post("/_sandbox/faults", json={"path": "/calling/v1/calls/*", "delay": delay,
                                                           "count": -1}).raise_for_status()
            outcome = []
            hung = threading.Thread(target=lambda: outcome.append(_get_or_error(client, "/calling/v1/calls/id/x")))
            hung.start()
            deadline = time.monotonic() + 60
            while not client.get("/_sandbox/faults").json()["faults"][0]["fired"]:
                assert time.monotonic() < deadline
                time.sleep(0.02)
            process.signal(signal.SIGINT)
            code, _, rest = process.finish()
            hung.join(60)
    finally:
        process.kill()
    assert (code, rest) == (130, ["stopped"])  # no "Cancel 1 running task(s)", no CancelledError traceback
    assert outcome == [answer]


def _get_or_error(client: httpx.Client, path: str) -> str:
    try:
        return str(client.get(path).status_code)
    except httpx.HTTPError as error:
        return type(error).__name__
