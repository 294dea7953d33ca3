"""Delivery of signed ace/dice events: one worker thread keeps them in the order they happened."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import deque
from urllib.parse import urlsplit

import httpx

from sinchvoice.signing import sign_request, utc_timestamp

log = logging.getLogger("sinchvoice.sandbox")
MAX_DELIVERIES = 10_000


class Deliverer:
    def __init__(self, key: str, secret: str, timeout: float = 5.0):
        self.key, self.secret, self.timeout = key, secret, timeout
        self.journal: deque[dict] = deque(maxlen=MAX_DELIVERIES)  # the newest deliveries; memory stays bounded
        self._queue: queue.Queue = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._worker: threading.Thread | None = None

    def submit(self, event: dict) -> None:
        with self._idle:
            self._pending += 1
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="sandbox-callbacks", daemon=True)
                self._worker.start()
        self._queue.put(event)

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def clear(self) -> None:
        self.wait_idle(self.timeout * 2 + 1)
        self.journal.clear()

    def close(self) -> None:
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(self.timeout * 2 + 1)
            self._worker = None

    def _run(self) -> None:
        # trust_env=False: a proxy from the environment must never see loopback callbacks.
        with httpx.Client(timeout=self.timeout, trust_env=False) as client:
            while (event := self._queue.get()) is not None:
                try:
                    self._deliver(client, event)
                except Exception:  # a broken receiver or a bug here must not stop later deliveries
                    log.exception("callback delivery failed")
                finally:
                    with self._idle:
                        self._pending -= 1
                        self._idle.notify_all()

    def _deliver(self, client: httpx.Client, event: dict) -> None:
        body = json.dumps(event["payload"]).encode()
        for url, role in event["targets"]:
            if self._post(client, event, body, url, role):
                return

    def _post(self, client: httpx.Client, event: dict, body: bytes, url: str, role: str) -> bool:
        signed = sign_request(
            self.key,
            self.secret,
            "POST",
            urlsplit(url).path or "/",
            body,
            "application/json",
            utc_timestamp(),
            scheme="application",
        )
        headers = {
            "content-type": "application/json",
            "x-timestamp": signed.timestamp,
            "authorization": signed.authorization,
        }
        entry = {
            "event": event["event"],
            "callId": event["callId"],
            "url": url,
            "role": role,
            "status": None,
            "ok": False,
            "error": None,
            "payload": event["payload"],
        }
        started = time.perf_counter()
        try:
            response = client.post(url, content=body, headers=headers)
            entry["status"] = response.status_code
            entry["ok"] = 200 <= response.status_code < 300
            if not entry["ok"]:
                entry["error"] = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"[:300]
        entry["latencyMs"] = round((time.perf_counter() - started) * 1000, 1)
        self.journal.append(entry)
        return entry["ok"]
