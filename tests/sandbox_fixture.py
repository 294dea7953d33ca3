"""The sandbox fixtures: one in-process sandbox per layout and session on an ephemeral port, reset per test.

`sandbox` serves the live layout, which the CLI speaks by default; `sandbox_spec` the contract's (its env() tells
the CLI so); `any_sandbox` runs a test once in each.
"""

from __future__ import annotations

import atexit
import contextlib

import httpx
import pytest

from sinchvoice.sandbox.clock import ManualClock
from sinchvoice.sandbox.server import run_in_thread

SEED = 1234


class SignedAuth(httpx.Auth):
    """signing.auth_headers on an httpx request: tests talk to the sandbox with httpx, signed or basic."""

    requires_request_body = True

    def __init__(self, scheme: str, key: str, secret: str):
        self.scheme, self.key, self.secret = scheme, key, secret

    def auth_flow(self, request):
        from sinchvoice.signing import auth_headers

        for name, value in auth_headers(self.scheme, self.key, self.secret, request.method, request.url.path,
                                        request.content, request.headers.get("content-type", "")):
            request.headers[name] = value
        yield request


class SandboxHandle:
    """What a test sees; everything goes through the HTTP control routes so they are exercised too."""

    def __init__(self, running):
        self.running = running
        self.layout = running.app.api_layout
        self.base_url = running.base_url
        self.key = running.key
        self.secret = running.secret
        # verify=False: plain loopback HTTP, and it skips loading CA certificates (~20 ms per client).
        self._control = httpx.Client(base_url=running.base_url, timeout=30, trust_env=False, verify=False)

    def env(self) -> dict:
        """The CLI's environment for this sandbox; the live layout is the CLI's default, so it is left unsaid."""
        layout = {} if self.layout == "live" else {"SINCHVOICE_API_LAYOUT": self.layout}
        return {
            "SINCHVOICE_BASE_URL": self.base_url,
            "SINCH_APPLICATION_KEY": self.key,
            "SINCH_APPLICATION_SECRET": self.secret,
            **layout,
        }

    def run(self, cli, *args: str, env: dict | None = None, **kwargs):
        """The CLI (the `cli` fixture) against this sandbox: its URL and credentials, plus ENV."""
        return cli(*args, env={**self.env(), **(env or {})}, **kwargs)

    def _call(self, method: str, route: str, body=None) -> dict:
        response = self._control.request(method, f"/_sandbox/{route}", json=body)
        response.raise_for_status()
        return response.json()

    def state(self) -> dict:
        return self._call("GET", "state")

    def requests(self) -> list[dict]:
        return self._call("GET", "requests")["requests"]

    def internal_errors(self) -> list[str]:
        """What the sandbox answered 500 for because of a bug of its own (injected faults excluded)."""
        report = self._call("GET", "requests")
        bugs = [f"{r['method']} {r['path']} -> {r['status']}" for r in report["requests"]
                if r["status"] >= 500 and r["fault"] is None]
        if report["internalErrors"] > len(bugs):  # e.g. a control route, which is not journaled
            bugs.append(f"{report['internalErrors'] - len(bugs)} more internal error(s) outside the journal")
        return bugs

    def callbacks(self) -> list[dict]:
        return self._call("GET", "callbacks")["callbacks"]

    def advance(self, seconds: float) -> float:
        return self._call("POST", "clock/advance", {"seconds": seconds})["now"]

    def fault(self, **rule) -> dict:
        return self._call("POST", "faults", rule)

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def reset(self) -> None:
        self._call("POST", "reset")

    def client(self, auth: str = "basic", **kwargs) -> httpx.Client:
        """An httpx client already authenticated against the sandbox (basic or signed)."""
        return httpx.Client(
            base_url=self.base_url,
            auth=SignedAuth(auth, self.key, self.secret),
            timeout=kwargs.pop("timeout", 10),
            trust_env=False,
            **kwargs,
        )

    def close(self) -> None:
        self._control.close()


_servers = {}


def shared_server(api_layout: str = "live"):
    """One server per layout, started once per process on first use and stopped at exit: conftest imports
    only `sandbox`, so a session-scoped helper fixture would not be visible to pytest."""
    if api_layout not in _servers:
        stack = contextlib.ExitStack()
        _servers[api_layout] = stack.enter_context(
            run_in_thread(clock=ManualClock(), seed=SEED, callback_timeout=2.0, api_layout=api_layout)
        )
        atexit.register(stack.close)
    return _servers[api_layout]


@contextlib.contextmanager
def sandbox_handle(api_layout: str = "live"):
    """A freshly reset sandbox for one test; the test fails if the sandbox answered a 500 of its own."""
    handle = SandboxHandle(shared_server(api_layout))
    handle.reset()
    try:
        yield handle
        bugs = handle.internal_errors()
        if bugs:
            pytest.fail("the sandbox answered 500 (a sandbox bug): " + "; ".join(bugs[:5]), pytrace=False)
    finally:
        handle.close()


@pytest.fixture
def sandbox():
    with sandbox_handle("live") as handle:
        yield handle


@pytest.fixture
def sandbox_live():
    """The live sandbox by name, for the live-only tests of modules whose `sandbox` runs in both layouts."""
    with sandbox_handle("live") as handle:
        yield handle


@pytest.fixture
def sandbox_spec():
    with sandbox_handle("spec") as handle:
        yield handle


@pytest.fixture(params=["live", "spec"])
def any_sandbox(request):
    """The same test against each layout; `any_sandbox.layout` says which."""
    with sandbox_handle(request.param) as handle:
        yield handle


@pytest.fixture
def client(sandbox, request):
    """An httpx client straight to the sandbox (no CLI), authenticated as the test module's CLIENT_AUTH says."""
    with sandbox.client(getattr(request.module, "CLIENT_AUTH", "signed")) as client:
        yield client
