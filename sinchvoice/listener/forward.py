"""Relaying a verified callback to the user's own handler: re-signed, and bounded in time and size."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from urllib.parse import urlsplit

from sinchvoice.listener.exchange import Exchange
from sinchvoice.signing import sign_request, utc_timestamp

MAX_REPLY = 1024 * 1024  # SVAML is small; a bigger reply is not relayed, nor kept in memory


class TooSlow(Exception):
    pass


class TooBig(Exception):
    pass


class Forwarder:
    """Each call runs in its own worker thread, so a slow handler holds up only its own event; `timeout`
    bounds the whole exchange, not just each read (a reply trickling in byte by byte is cut too)."""

    def __init__(self, url: str, key: str, secret: str, timeout: float):
        self.url, self.key, self.secret, self.timeout = url, key, secret, timeout
        self._http = None
        self._lock = threading.Lock()

    def forward(self, exchange: Exchange, now: datetime) -> None:
        """Re-sign for the handler's own path with a fresh x-timestamp; put its answer (or why not) on `exchange`."""
        import httpx

        started = time.monotonic()
        try:
            with self._client().stream("POST", self.url, content=exchange.body, headers=self._headers(exchange, now)) \
                    as response:
                reply = self._read(response, started + self.timeout)
        except (TooSlow, httpx.TimeoutException):
            return self._failed(exchange, 504, f"timed out after {self.timeout:g} s")
        except TooBig:
            return self._failed(exchange, 502, "its reply is over 1 MiB")
        except httpx.HTTPError as exc:
            return self._failed(exchange, 502, type(exc).__name__)
        exchange.forwarded = {"url": self.url, "status": response.status_code,
                              "latencyMs": round((time.monotonic() - started) * 1000, 1)}
        exchange.status, exchange.reply = response.status_code, reply
        exchange.reply_type = response.headers.get("content-type", "")

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    def _client(self):
        import httpx

        with self._lock:
            if self._http is None:
                # trust_env=False: a proxy from the environment must not see (or break) loopback callbacks.
                self._http = httpx.Client(timeout=self.timeout, trust_env=False, follow_redirects=False)
            return self._http

    def _headers(self, exchange: Exchange, now: datetime) -> dict:
        content_type = exchange.headers.get("content-type", "")
        signed = sign_request(self.key, self.secret, exchange.method, urlsplit(self.url).path or "/",
                              exchange.body, content_type, utc_timestamp(now), scheme="application")
        headers = {"x-timestamp": signed.timestamp, "authorization": signed.authorization,
                   "accept-encoding": "identity"}  # the reply is relayed as it comes: no compression to undo
        if content_type:
            headers["content-type"] = content_type
        return headers

    @staticmethod
    def _read(response, deadline: float) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_REPLY:
                raise TooBig
            if time.monotonic() > deadline:
                raise TooSlow
            chunks.append(chunk)
        return b"".join(chunks)

    def _failed(self, exchange: Exchange, status: int, why: str) -> None:
        exchange.forwarded = {"url": self.url, "status": None, "error": why}
        sentence = f"timed out after {self.timeout:g} s" if status == 504 else f"failed: {why}"
        exchange.status, exchange.problem = status, f"forwarding to {self.url} {sentence}"
        exchange.reply = json.dumps({"message": exchange.problem}).encode()
        exchange.reply_type = "application/json"
