"""A stand-in for the real platform: one live-layout sandbox behind two hosts that serve only their own paths.

The traffic port answers /calling/v1/... (calls, callouts, conferences) and the configuration port /v1/...
(numbers, callback URLs), as calling.api.sinch.com and callingapi.sinch.com do; anything else, the contract's
/calling/v1/configuration/... included, is a 404 that never reaches the sandbox, so a request sent to the wrong
host, or in the contract's layout, fails. Both share one state: a number assigned through one is seen by all.
"""

from __future__ import annotations

import contextlib
import json
from types import SimpleNamespace

from sinchvoice import serving
from sinchvoice.sandbox.app import Sandbox
from sinchvoice.sandbox.clock import ManualClock
from tests.sandbox_fixture import SEED, SandboxHandle

CONTROL = "/_sandbox/"
NOT_HERE = json.dumps({"errorCode": 40400, "message": "Resource not found", "reference": "wrong-host"}).encode()


def is_traffic(path: str) -> bool:
    return path.startswith("/calling/v1/") and not path.startswith("/calling/v1/configuration/")


def is_configuration(path: str) -> bool:
    return path.startswith("/v1/")


class OnlyPaths:
    """ASGI: pass the paths this host serves (and the sandbox's control routes) on; 404 the rest, and keep them."""

    def __init__(self, app, serves, refused: list):
        self.app, self.serves, self.refused = app, serves, refused

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(CONTROL) or self.serves(path):
            return await self.app(scope, receive, send)
        self.refused.append(f"{scope['method']} {path}")
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": NOT_HERE})


class Platform(SandboxHandle):
    """What a test sees: the usual sandbox handle (control routes through the traffic host), both URLs, and
    the requests a host refused."""

    def __init__(self, app: Sandbox, traffic_url: str, config_url: str, refused: list):
        super().__init__(SimpleNamespace(base_url=traffic_url, key=app.key, secret=app.secret, app=app))
        self.config_url, self.refused = config_url, refused

    def env(self) -> dict:
        return {"SINCHVOICE_BASE_URL": self.base_url, "SINCHVOICE_CONFIG_BASE_URL": self.config_url,
                "SINCH_APPLICATION_KEY": self.key, "SINCH_APPLICATION_SECRET": self.secret}

    def reset(self) -> None:
        super().reset()
        self.refused.clear()

    def sent(self) -> list[tuple]:
        """(method, host, path, body) of every request the sandbox received, in order."""
        return [(r["method"], "config" if is_configuration(r["path"]) else "traffic", r["path"], r["body"])
                for r in self.requests()]


@contextlib.contextmanager
def live_platform(numbers: int = 600):
    app = Sandbox(clock=ManualClock(), seed=SEED, callback_timeout=2.0, api_layout="live", numbers=numbers)
    refused: list[str] = []
    app.start()
    try:
        with (serving.running(OnlyPaths(app, is_traffic, refused), serving.bind("127.0.0.1", 0),
                              name="traffic-host") as traffic,
              serving.running(OnlyPaths(app, is_configuration, refused), serving.bind("127.0.0.1", 0),
                              name="config-host") as config):
            platform = Platform(app, serving.url_of(traffic.sock, "127.0.0.1"),
                                serving.url_of(config.sock, "127.0.0.1"), refused)
            try:
                yield platform
            finally:
                platform.close()
    finally:
        app.close()
