"""--timeout bounds each whole exchange, not each read: a server dripping one byte at a time cannot hold the CLI.

Before, a server sending a byte a second held a 2 s --timeout for 44 s (httpx's timeouts are per read). The
bounds asserted here are generous (timeout * 3 + 2 s per attempt): CI is a busy 2-core machine, and what is
being caught is "seconds instead of minutes", never a few hundred milliseconds.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

from sinchvoice.sandbox import defaults

CALLOUT_ANSWER = b'{"callId": "c-drip"}'
CALL_ANSWER = b'{"callId": "c-1", "status": "ONGOING", "result": "ANSWERED", "duration": 1}' + b" " * 150


def http_response(body: bytes) -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
            + b"\r\n\r\n" + body)


class Drip:
    """A raw HTTP/1.1 server on 127.0.0.1:0. The Nth request gets `answers[N]` (the last one repeats): a tuple
    (response bytes, how many of them are sent at once); the rest follow one byte every `pause` seconds.
    After `limit` requests it hangs up at once, so a regression fails in bounded time instead of polling forever."""

    def __init__(self, answers: list[tuple[bytes, int]], pause: float = 0.1, limit: int = 8):
        self.answers, self.pause, self.limit = answers, pause, limit
        self.received: list[tuple[int, str]] = []  # (connection number, request line)
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self):
        self._threads[0].start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        connection = 0
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            connection += 1
            thread = threading.Thread(target=self._serve, args=(conn, connection), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, connection: int) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(10)
            pending = b""
            while not self._stop.is_set():  # keep-alive: several requests may come on one connection
                request, pending = self._read_request(conn, pending)
                if request is None:
                    return
                self.received.append((connection, request))
                if len(self.received) > self.limit:
                    return
                response, at_once = self.answers[min(len(self.received), len(self.answers)) - 1]
                conn.sendall(response[:at_once])
                for byte in response[at_once:]:
                    if self._stop.wait(self.pause):
                        return
                    conn.sendall(bytes([byte]))

    @staticmethod
    def _read_request(conn, pending: bytes):
        while b"\r\n\r\n" not in pending:
            chunk = conn.recv(65536)
            if not chunk:
                return None, b""
            pending += chunk
        head, _, rest = pending.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(rest) < length:
            rest += conn.recv(65536)
        return head.split(b"\r\n")[0].decode(), rest[length:]


def env(base_url: str) -> dict:
    return {"SINCHVOICE_BASE_URL": base_url, "SINCH_APPLICATION_KEY": defaults.KEY,
            "SINCH_APPLICATION_SECRET": defaults.SECRET, "SINCHVOICE_FROM": "+46700000100"}


def timed(cli, *args, base_url):
    started = time.monotonic()
    result = cli(*args, env=env(base_url))
    return result, time.monotonic() - started


def test_a_callout_whose_answer_drips_in_is_exit_7_within_the_timeout_and_sent_once(cli):
    answer = http_response(CALLOUT_ANSWER)  # ~100 bytes: 10 s at a byte every 0.1 s, headers included
    with Drip([(answer, 0)]) as drip:
        result, took = timed(cli, "--timeout", "1", "callouts", "tts", "--to", "+46701234567", "--text", "Hi",
                             base_url=drip.base_url)
    assert (result.exit_code, result.stdout) == (7, ""), result.stderr
    assert result.stderr.splitlines() == [
        "error: the callout may have been placed (timed out after 1 s); it was not retried to avoid calling twice",
        "hint: check the phone or the call logs in the Sinch dashboard before sending it again"]
    assert took < 1 * 3 + 2
    assert [line for _, line in drip.received] == ["POST /calling/v1/callouts HTTP/1.1"]


def test_a_read_whose_body_drips_in_is_retried_then_exit_75_within_the_timeouts(cli):
    answer = http_response(CALL_ANSWER)
    headers = answer.index(b"\r\n\r\n") + 4  # the headers arrive at once: only the body drips (11 s of it)
    with Drip([(answer, headers)], pause=0.05) as drip:
        result, took = timed(cli, "--timeout", "0.5", "calls", "get", "c-1", base_url=drip.base_url)
    assert (result.exit_code, result.stdout) == (75, "")
    assert result.stderr.splitlines()[-2:] == [
        f"error: no response from {drip.base_url} after 4 attempts (timed out after 0.5 s)",
        "hint: try again later, or raise --timeout"]
    assert len(drip.received) == 4
    assert took < 4 * (0.5 * 3) + 2


def test_the_deadline_also_holds_on_a_reused_keep_alive_connection(cli):
    first = http_response(CALL_ANSWER)
    with Drip([(first, len(first)), (first, 0)], pause=0.05) as drip:
        result, took = timed(cli, "--timeout", "0.5", "calls", "get", "c-1", "--watch", base_url=drip.base_url)
    assert result.exit_code == 75
    assert result.stdout.startswith('{"event":"status","callId":"c-1"')  # the first poll was answered at once
    assert [connection for connection, _ in drip.received][:2] == [1, 1]  # the second poll reused it, and dripped
    assert len(drip.received) == 5
    assert took < 4 * (0.5 * 3) + 2


@pytest.mark.parametrize("timeout", ["1.5", "5"])
def test_an_answer_within_the_deadline_is_not_cut_short(cli, timeout):
    answer = http_response(CALLOUT_ANSWER)
    with Drip([(answer, len(answer) - 5)], pause=0.02) as drip:  # the last 5 bytes take 0.1 s
        result, _ = timed(cli, "--timeout", timeout, "callouts", "tts", "--to", "+46701234567", "--text", "Hi",
                          base_url=drip.base_url)
    assert (result.exit_code, result.stdout) == (0, "c-drip\n"), result.stderr
