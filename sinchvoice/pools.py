"""The httpcore connection pools a transport sends through, chosen as httpx.Client chose them (trust_env): a direct
pool, or one per proxy that HTTP_PROXY, HTTPS_PROXY or ALL_PROXY name (any case; read by urllib's getproxies, so
macOS and Windows system settings count too) unless NO_PROXY exempts the host. And the TLS context they verify
with, as httpx made it. Nothing is imported for proxies unless a proxy variable is set (or the OS may have settings).
"""

from __future__ import annotations

import functools
import os
import re
import sys

from sinchvoice.errors import UsageError
from sinchvoice.wire import LIMITS
from sinchvoice.wireurl import URL, InvalidURL, parse

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
PROXY_HINT = "check HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY in the environment (or unset them)"


def tls_for(*base_urls: str):
    """What TLS is checked with, one context per kind per process (batches share it across their transports).
    Every host http:// (loopback only, see transport.check_base_url): a context with no CA store, which costs
    nothing to make and would refuse any TLS peer. Otherwise the verifying context: making one loads the CA store
    (about 25 ms and 1 MB), so never for a loopback sandbox."""
    return _tls_context(verifying=not all(url.startswith("http://") for url in base_urls))


@functools.cache
def _tls_context(verifying: bool):
    import ssl

    if not verifying:
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies peers, and trusts nobody
    return verifying_context()  # httpx's default: certifi, or SSL_CERT_FILE/SSL_CERT_DIR from the environment


def verifying_context():
    """httpx's create_ssl_context(): certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR from the environment."""
    import ssl

    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


class Pattern:
    """httpx's URLPattern: `all://`, `https://`, `all://*example.com`, `http://host:8080`, ..."""

    def __init__(self, pattern: str):
        url = parse(pattern)
        self.scheme = "" if url.scheme == "all" else url.scheme
        host = url.decoded_host
        self.host = "" if host == "*" else host
        self.port = url.port
        if not host or host == "*":
            self.host_regex = None
        elif host.startswith("*."):  # *.example.com: www.example.com, not example.com
            self.host_regex = re.compile(f"^.+\\.{re.escape(host[2:])}$")
        elif host.startswith("*"):  # *example.com: www.example.com and example.com
            self.host_regex = re.compile(f"^(.+\\.)?{re.escape(host[1:])}$")
        else:
            self.host_regex = re.compile(f"^{re.escape(host)}$")

    def matches(self, url: URL) -> bool:
        if self.scheme and self.scheme != url.scheme:
            return False
        if self.host and self.host_regex is not None and not self.host_regex.match(url.decoded_host):
            return False
        return self.port is None or self.port == url.port

    @property
    def priority(self) -> tuple[int, int, int]:
        return (0 if self.port is not None else 1, -len(self.host), -len(self.scheme))


def environment_routes() -> list[tuple[Pattern, str | None]]:
    """httpx's get_environment_proxies() as (pattern, proxy URL or None for "direct"), most specific first."""
    if sys.platform not in ("darwin", "win32") and not any(
            value and name.lower() in PROXY_VARIABLES for name, value in os.environ.items()):
        return []  # no proxy named: every route would be direct
    from urllib.request import getproxies

    found = getproxies()
    routes: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if found.get(scheme):
            routes[f"{scheme}://"] = found[scheme] if "://" in found[scheme] else f"http://{found[scheme]}"
    for host in (name.strip() for name in found.get("no", "").split(",")):
        if host == "*":
            return []
        if host:
            routes[_no_proxy_pattern(host)] = None
    try:
        patterns = [(Pattern(key), proxy) for key, proxy in routes.items()]
    except InvalidURL as exc:
        raise UsageError(f"the proxy settings are not usable: {exc}", hint=PROXY_HINT) from None
    return sorted(patterns, key=lambda route: route[0].priority)


def _no_proxy_pattern(host: str) -> str:
    """A NO_PROXY entry as httpx reads it (curl's rules): `.example.com` spares subdomains, `example.com` it too."""
    import ipaddress

    if "://" in host:
        return host
    for kind, form in ((ipaddress.IPv4Address, "all://{}"), (ipaddress.IPv6Address, "all://[{}]")):
        try:
            kind(host.split("/")[0])
            return form.format(host)
        except ValueError:
            pass
    return f"all://{host}" if host.lower() == "localhost" else f"all://*{host}"


class Pools:
    """The pools one transport uses, made when first needed and closed together."""

    def __init__(self, ssl_context):
        self.ssl_context = ssl_context
        self.routes = environment_routes()
        self._pools: dict[str | None, object] = {}

    def proxy_for(self, url: URL) -> str | None:
        """The proxy URL that URL goes through, or None: straight to its host."""
        return next((proxy for pattern, proxy in self.routes if pattern.matches(url)), None)

    def for_url(self, url: URL):
        proxy = self.proxy_for(url)
        if proxy not in self._pools:
            self._pools[proxy] = self._direct() if proxy is None else self._proxied(proxy)
        return self._pools[proxy]

    def _direct(self):
        import httpcore

        return httpcore.ConnectionPool(ssl_context=self.ssl_context, **LIMITS)

    def _proxied(self, proxy: str):
        """httpx's Proxy and HTTPTransport(proxy=...): credentials in the URL become Proxy-Authorization."""
        import httpcore

        try:
            url = parse(proxy)
        except InvalidURL as exc:
            raise UsageError(f"the proxy {_shown(proxy)!r} is not usable: {exc}", hint=PROXY_HINT) from None
        if url.scheme not in ("http", "https", "socks5", "socks5h"):
            raise UsageError(f"the proxy {_shown(proxy)!r} is not an http://, https:// or socks5:// URL",
                             hint=PROXY_HINT)
        auth = (url.username.encode(), url.password.encode()) if url.username or url.password else None
        address = httpcore.URL(scheme=url.scheme.encode(), host=url.host.encode(), port=url.port,
                               target=url.target.encode())
        if url.scheme in ("http", "https"):
            return httpcore.HTTPProxy(proxy_url=address, proxy_auth=auth, ssl_context=self.ssl_context, **LIMITS)
        try:
            import socksio  # noqa: F401  (httpcore's SOCKS support needs it)
        except ImportError:
            raise UsageError(f"the proxy {_shown(proxy)!r} is a SOCKS proxy, which needs the socksio package",
                             hint="pip install socksio, or " + PROXY_HINT) from None
        return httpcore.SOCKSProxy(proxy_url=address, proxy_auth=auth, ssl_context=self.ssl_context, **LIMITS)

    def close(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


def _shown(proxy: str) -> str:
    from sinchvoice.urls import redact_userinfo

    return redact_userinfo(proxy)
