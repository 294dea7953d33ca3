"""Helpers for the sandbox tests: request builders, spec validation and a callback receiver."""

from __future__ import annotations

import contextlib
import socket

from jsonschema import Draft202012Validator, FormatChecker

from sinchvoice import spec

CLI = "+46700000100"
TO = "+46701234567"


def validate(name: str, document) -> None:
    Draft202012Validator(spec.schema(name), format_checker=FormatChecker()).validate(document)


def tts(to: str = TO, text: str = "Hello from the sandbox", **extra) -> dict:
    body = {"cli": CLI, "destination": {"type": "number", "endpoint": to}, "text": text, **extra}
    return {"method": "ttsCallout", "ttsCallout": body}


def conference(conference_id: str = "standup", to: str = TO, **extra) -> dict:
    body = {
        "cli": CLI,
        "destination": {"type": "number", "endpoint": to},
        "conferenceId": conference_id,
        **extra,
    }
    return {"method": "conferenceCallout", "conferenceCallout": body}


def custom(to: str = TO, ice: str = '{"action": {"name": "continue"}}', **extra) -> dict:
    body = {"cli": CLI, "destination": {"type": "number", "endpoint": to}, "ice": ice, **extra}
    return {"method": "customCallout", "customCallout": body}


def callout(client, body: dict) -> str:
    response = client.post("/calling/v1/callouts", json=body)
    assert response.status_code == 200, response.text
    return response.json()["callId"]


class Receiver:
    """A tiny HTTP server recording callback POSTs; `status` decides what it answers."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[dict] = []

    def app(self):
        async def asgi(scope, receive, send):
            if scope["type"] != "http":
                return
            body, more = b"", True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
            headers = {k.decode(): v.decode() for k, v in scope["headers"]}
            self.received.append({"path": scope["path"], "headers": headers, "body": body})
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": b"{}"})

        return asgi


@contextlib.contextmanager
def receiving(status: int = 200):
    """Serve a Receiver on an ephemeral loopback port; yields (receiver, base_url)."""
    from sinchvoice import serving

    receiver = Receiver(status)
    sock = serving.bind("127.0.0.1", 0)
    with serving.running(receiver.app(), sock, name="receiver"):
        yield receiver, serving.url_of(sock, "127.0.0.1")


def closed_port_url() -> str:
    """A loopback URL nobody listens on (bound then closed), for connection-refused deliveries."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/dead"
