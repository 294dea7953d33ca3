"""The transport's two hooks for callers that pace requests themselves, against the real sandbox.

`hand_back_429`: a 429 is raised at once as RateLimited (its Retry-After kept), never slept on inside the
transport; everything else behaves exactly as without it. `on_send`: called once per attempt, as its first byte is
about to leave; never for an attempt that could not connect.
"""

from __future__ import annotations

import pytest

from sinchvoice.credentials import Credentials
from sinchvoice.errors import ApiError, OutcomeUnknown, RateLimited, TemporaryError
from sinchvoice.transport import Transport
from tests.sandbox_support import closed_port_url, tts

CALLOUTS = "/calling/v1/callouts"
NUMBERS = "/calling/v1/configuration/numbers"


def transport(sandbox, base_url=None, hand_back=True):
    sleeps, sent = [], []
    t = Transport(base_url=base_url or sandbox.base_url, credentials=Credentials(sandbox.key, sandbox.secret, "env"),
                  auth_scheme="signed", timeout=5, sleep=sleeps.append)
    t.hand_back_429 = hand_back
    t.on_send = lambda: sent.append(len(sandbox.requests()))  # how many the server had seen when it was called
    return t, sleeps, sent


@pytest.mark.parametrize("method, path, body, fault, hand_back, raised, retry_after, requests", [
    # handed back: one request, no sleep, the server's Retry-After (seconds, fractions, or none)
    ("POST", CALLOUTS, tts(), {"status": 429, "retryAfter": 3}, True, RateLimited, 3.0, 1),
    ("POST", CALLOUTS, tts(), {"status": 429, "retryAfter": 0.25}, True, RateLimited, 0.25, 1),
    ("POST", CALLOUTS, tts(), {"status": 429}, True, RateLimited, None, 1),
    ("GET", NUMBERS, None, {"status": 429, "retryAfter": 2}, True, RateLimited, 2.0, 1),
    # not handed back: the transport's own retry, as before (the second attempt succeeds)
    ("POST", CALLOUTS, tts(), {"status": 429, "retryAfter": 3}, False, None, None, 2),
    ("GET", NUMBERS, None, {"status": 429, "retryAfter": 2}, False, None, None, 2),
    # everything else is untouched by the hook: a callout that may have been placed is never retried
    ("POST", CALLOUTS, tts(), {"status": 503}, True, OutcomeUnknown, None, 1),
    ("POST", CALLOUTS, tts(), {"drop": True}, True, OutcomeUnknown, None, 1),
    ("POST", CALLOUTS, tts(), {"status": 400}, True, ApiError, None, 1),
    ("GET", NUMBERS, None, {"status": 503}, True, None, None, 2),
])
def test_hand_back_429(sandbox, method, path, body, fault, hand_back, raised, retry_after, requests):
    sandbox.fault(method=method, path=path, count=1, **fault)
    t, sleeps, sent = transport(sandbox, hand_back=hand_back)
    try:
        if raised is None:
            assert t.request(method, path, body)
        else:
            with pytest.raises(raised) as caught:
                t.request(method, path, body)
            if raised is RateLimited:
                error = caught.value
                assert (error.retry_after, error.exit_code, error.details["httpStatus"]) == (retry_after, 75, 429)
                assert sleeps == []
    finally:
        t.close()
    assert [(r["method"], r["path"], r["status"]) for r in sandbox.requests()][-1][:2] == (method, path)
    assert len(sandbox.requests()) == requests
    assert sent == list(range(requests))  # once per attempt, each before the server had seen it


def test_on_send_is_not_called_when_nothing_could_leave(sandbox):
    t, sleeps, sent = transport(sandbox, base_url=closed_port_url().rsplit("/", 1)[0])
    try:
        with pytest.raises(TemporaryError, match="could not connect"):
            t.request("POST", CALLOUTS, tts())
    finally:
        t.close()
    assert sent == [] and sleeps == []  # refused on this machine: one attempt, not a byte sent


def test_an_on_send_that_fails_stops_the_request_before_any_byte_leaves(sandbox):
    t, _, _ = transport(sandbox)

    def refuse():
        raise OSError("journal: no space left on device")

    t.on_send = refuse
    try:
        with pytest.raises(OSError, match="no space left"):
            t.request("POST", CALLOUTS, tts())
    finally:
        t.close()
    assert sandbox.requests() == [] and sandbox.state()["calls"] == []


def test_a_batch_client_pool_makes_a_client_per_request_in_flight_sharing_one_tls_context(sandbox, monkeypatch,
                                                                                                 tmp_path):
    import ssl

    from sinchvoice.clients import paced_client_pool
    from sinchvoice.config import ConfigStore, Options, Settings
    from sinchvoice.context import AppContext
    from sinchvoice.environment import Environment

    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    app_ctx = AppContext(Environment(), Settings(ConfigStore(tmp_path), Options(base_url=sandbox.base_url)))
    pool = paced_client_pool(app_ctx)
    try:
        with pool.client() as first, pool.client() as second:
            assert first is not second  # two requests in flight: two clients
            assert first.transport.hand_back_429 and second.transport.hand_back_429
            assert first.get_numbers()["numbers"]
            pools = first.transport._http()
            context = pools.ssl_context
            assert pools._pools[None]._ssl_context is context  # the pool that sent it verifies with it
            assert context is second.transport._http().ssl_context  # one for the whole batch
            assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)
        with pool.client() as again:
            assert again in (first, second)  # free clients are reused
    finally:
        pool.close()
        app_ctx.close()


def test_tls_set_up_only_for_https_and_once_per_process():
    """A loopback http:// sandbox never loads the CA store (25 ms); https hosts share one verifying context."""
    import ssl

    from sinchvoice.pools import tls_for

    plain = tls_for("http://127.0.0.1:8080", "http://localhost:9")
    assert plain.cert_store_stats()["x509_ca"] == 0  # trusts nobody: a TLS peer on this path would be refused
    assert (plain.verify_mode, plain.check_hostname) == (ssl.CERT_REQUIRED, True)
    verifying = tls_for("http://127.0.0.1:8080", "https://callingapi.sinch.com")  # one https host is enough
    assert verifying.cert_store_stats()["x509_ca"] > 0
    assert (verifying.verify_mode, verifying.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert tls_for("https://calling.api.sinch.com") is verifying
    assert tls_for("http://[::1]:1") is plain
