"""Which pool a request goes through and what TLS it verifies with, as httpx.Client decided (trust_env=True):
proxies from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY in any case, checked against httpx itself and over
loopback through a forward proxy; certifi's CA bundle or SSL_CERT_FILE / SSL_CERT_DIR for https://."""

from __future__ import annotations

import base64
import http.client
import os
import ssl
import subprocess
import sys
from urllib.parse import urlsplit

import httpcore
import httpx
import pytest

from sinchvoice.credentials import Credentials
from sinchvoice.pools import Pools, tls_for, verifying_context
from sinchvoice.transport import Transport
from sinchvoice.wireurl import parse
from tests.conftest import ROOT
from tests.raw_server import RawServer, reply

NUMBERS = "/v1/configuration/numbers"


@pytest.fixture(autouse=True)
def no_proxy_settings(monkeypatch):
    """Whatever this machine has set, each test starts from none."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name in ("REQUEST_METHOD", "SSL_CERT_FILE", "SSL_CERT_DIR"):
            monkeypatch.delenv(name)


ENVIRONMENTS = [
    {},
    {"HTTP_PROXY": "http://127.0.0.1:3128"},
    {"https_proxy": "proxy.example:8080"},  # no scheme: http:// is meant
    {"ALL_PROXY": "http://user:p%40ss@proxy.example:1"},  # credentials: Proxy-Authorization
    {"HTTP_PROXY": "http://upper:1", "http_proxy": "http://lower:2"},  # lower case wins
    {"HTTP_PROXY": ""},
    {"HTTP_PROXY": "http://p:1", "REQUEST_METHOD": "GET"},  # a CGI script: HTTP_PROXY may come from a client
    {"HTTPS_PROXY": "https://secure.example:443", "HTTP_PROXY": "http://p:1"},
    {"ALL_PROXY": "http://p:1", "NO_PROXY": "*"},
    {"ALL_PROXY": "http://p:1", "NO_PROXY": "127.0.0.1, localhost"},
    {"ALL_PROXY": "http://p:1", "no_proxy": ".sinch.com"},  # subdomains only
    {"ALL_PROXY": "http://p:1", "NO_PROXY": "sinch.com"},  # the domain and its subdomains
    {"ALL_PROXY": "http://p:1", "NO_PROXY": "::1,127.0.0.0/8"},  # an address range is only its first address
    {"ALL_PROXY": "http://p:1", "NO_PROXY": "https://calling.api.sinch.com,localhost:9"},
    {"HTTP_PROXY": "http://p:1", "HTTPS_PROXY": "http://q:2", "NO_PROXY": "xn--mnchen-3ya.example"},
]
URLS = ["http://127.0.0.1:8080/x", "http://localhost:9/x", "http://[::1]:9/x", "https://calling.api.sinch.com/x",
        "https://callingapi.sinch.com/x", "https://sinch.com/x", "https://notsinch.com/x", "https://münchen.example/x"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_url_takes_the_route_httpx_took(monkeypatch, environment):
    """The same pool kind, proxy address, Proxy-Authorization and TLS context as httpx.Client(trust_env=True)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    pools = Pools(context)
    with httpx.Client(verify=context) as client:
        for url in URLS:
            mine, its = pools.for_url(parse(url)), client._transport_for_url(httpx.URL(url))._pool
            assert type(mine) is type(its), url
            assert mine._ssl_context is context
            if isinstance(its, httpcore.HTTPProxy):
                assert (mine._proxy_url, mine._proxy_headers) == (its._proxy_url, its._proxy_headers), url
    pools.close()


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="system proxy settings are read there")
def test_without_a_proxy_variable_nothing_is_imported_and_every_route_is_direct():
    """urllib.request (19 ms) only when a variable names a proxy: NO_PROXY or FTP_PROXY alone name none."""
    code = ("import sys; from sinchvoice.pools import Pools; "
            "print(len(Pools(None).routes), 'urllib.request' in sys.modules)")
    quiet = {name: value for name, value in os.environ.items() if not name.lower().endswith("_proxy")}
    for extra, expected in [({"NO_PROXY": "x.org", "ftp_proxy": "http://p:1"}, "0 False\n"),
                            ({"https_proxy": "http://p:1"}, "1 True\n")]:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                                env={**quiet, "PYTHONPATH": str(ROOT), **extra})
        assert result.stdout == expected, result.stderr


def forward(request: bytes) -> bytes:
    """A forward proxy: the absolute-form request relayed to its host as is, minus Proxy-Authorization."""
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ")
    url = urlsplit(target)
    upstream = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    upstream.putrequest(method, url.path + (f"?{url.query}" if url.query else ""), skip_host=True,
                        skip_accept_encoding=True)
    for line in lines[1:]:
        name, value = line.split(": ", 1)
        if name.lower() != "proxy-authorization":
            upstream.putheader(name, value)
    upstream.endheaders(body)
    answer = upstream.getresponse()
    data = answer.read()
    upstream.close()
    return reply(answer.status, answer.reason.encode(), [(b"Content-Type", b"application/json")], data)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_request_goes_through_the_proxy_the_environment_names(cli, sandbox, variable):
    with RawServer(forward) as proxy:
        address = proxy.url.replace("http://", "http://ops:s%20cret@")
        result = cli("api", "GET", NUMBERS, env={**sandbox.env(), variable: address})
    assert result.exit_code == 0, result.stderr
    assert '"numbers"' in result.stdout
    assert len(proxy.received) == 1
    head = proxy.received[0].decode().split("\r\n")
    assert head[0] == f"GET {sandbox.base_url}{NUMBERS} HTTP/1.1"  # absolute form: the proxy is asked to forward
    credentials = base64.b64encode(b"ops:s cret").decode()
    assert head[1:3] == [f"Host: {sandbox.base_url[7:]}", f"Proxy-Authorization: Basic {credentials}"]
    assert [(r["path"], r["status"]) for r in sandbox.requests()] == [(NUMBERS, 200)]  # and its signature held


@pytest.mark.parametrize("environment", [{"NO_PROXY": "127.0.0.1"}, {"no_proxy": "*"}, {"NO_PROXY": "x.org,127.0.0.1"}])
def test_no_proxy_sends_straight_to_the_host(cli, sandbox, environment):
    with RawServer(forward) as proxy:
        result = cli("api", "GET", NUMBERS, env={**sandbox.env(), "HTTP_PROXY": proxy.url, **environment})
    assert result.exit_code == 0, result.stderr
    assert proxy.received == []
    assert [r["path"] for r in sandbox.requests()] == [NUMBERS]


def test_an_https_proxy_variable_leaves_http_alone(cli, sandbox):
    with RawServer(forward) as proxy:
        result = cli("api", "GET", NUMBERS, env={**sandbox.env(), "HTTPS_PROXY": proxy.url})
    assert result.exit_code == 0 and proxy.received == []


@pytest.mark.parametrize("proxy, error", [
    ("ftp://user:pw@proxy.example", "the proxy 'ftp://user:<redacted>@proxy.example' is not an http://, https:// "
                                    "or socks5:// URL"),
    ("http://proxy.example:port", "the proxy 'http://proxy.example:port' is not usable: Invalid port: 'port'"),
])
def test_a_proxy_that_cannot_be_used_is_a_usage_error_naming_it(cli, sandbox, proxy, error):
    result = cli("api", "GET", NUMBERS, env={**sandbox.env(), "ALL_PROXY": proxy})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"error: {error}",
        "hint: check HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY in the environment (or unset them)"]
    assert sandbox.requests() == []


def test_a_socks_proxy_without_socksio_says_what_to_install(cli, sandbox):
    try:
        import socksio  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("socksio is installed: the SOCKS proxy would be used")
    result = cli("api", "GET", NUMBERS, env={**sandbox.env(), "ALL_PROXY": "socks5://127.0.0.1:1080"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[0] == ("error: the proxy 'socks5://127.0.0.1:1080' is a SOCKS proxy, which "
                                             "needs the socksio package")
    assert sandbox.requests() == []


# ---- TLS -----------------------------------------------------------------------------------------------------------

def test_an_https_base_url_verifies_with_the_ca_bundle_without_connecting():
    transport = Transport(base_url="https://calling.api.sinch.com", credentials=Credentials("k", "c2VjcmV0", "env"),
                          auth_scheme="signed", timeout=5, config_base_url="https://callingapi.sinch.com")
    pools = transport._http()
    context = pools.ssl_context
    assert context is tls_for("https://calling.api.sinch.com")  # the process's one verifying context
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert context.cert_store_stats()["x509_ca"] > 0
    for url in ("https://calling.api.sinch.com/calling/v1/callouts", "https://callingapi.sinch.com" + NUMBERS):
        assert pools.for_url(parse(url))._ssl_context is context
    transport.close()


def one_certificate(tmp_path) -> str:
    import certifi

    bundle = open(certifi.where(), encoding="ascii").read()
    first = bundle[bundle.index("-----BEGIN CERTIFICATE-----"):bundle.index("-----END CERTIFICATE-----") + 25]
    path = tmp_path / "ca.pem"
    path.write_text(first + "\n", encoding="ascii")
    return str(path)


@pytest.mark.parametrize("variable", [None, "SSL_CERT_FILE", "SSL_CERT_DIR"])
def test_the_verifying_context_is_the_one_httpx_made(monkeypatch, tmp_path, variable):
    if variable == "SSL_CERT_FILE":
        monkeypatch.setenv(variable, one_certificate(tmp_path))
    elif variable == "SSL_CERT_DIR":
        monkeypatch.setenv(variable, str(tmp_path))
    mine, its = verifying_context(), httpx.create_ssl_context()
    assert mine.get_ca_certs() == its.get_ca_certs()
    assert len(mine.get_ca_certs()) == {None: len(its.get_ca_certs()), "SSL_CERT_FILE": 1, "SSL_CERT_DIR": 0}[variable]
    for setting in ("verify_mode", "check_hostname", "options", "minimum_version", "verify_flags"):
        assert getattr(mine, setting) == getattr(its, setting), setting
