"""URLs exactly as httpx 0.28 put them on the wire (its _urlparse.py and URL joining, ported): paths and queries
percent-encoded by the WHATWG sets, dot segments folded, hosts lower-cased and IDNA-encoded, default ports dropped.

The request line, the Host header, the trace and the string-to-sign all come from these bytes, and `sinchvoice
api PATH` sends whatever a user typed, so the rules are httpx's to the letter rather than urllib's; the errors
carry httpx's messages. `idna` is imported only for a host that is not ASCII.
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple
from urllib.parse import unquote

MAX_URL_LENGTH = 65536
UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
SUB_DELIMS = "!$&'()*+,;="
PERCENT_ENCODED = re.compile("%[A-Fa-f0-9]{2}")


def _printable_ascii_except(*excluded: int) -> str:
    return "".join(chr(i) for i in range(0x20, 0x7F) if i not in excluded)


# https://url.spec.whatwg.org/#percent-encoded-bytes: fragment, query, path and userinfo percent-encode sets.
FRAG_SAFE = _printable_ascii_except(0x20, 0x22, 0x3C, 0x3E, 0x60)
QUERY_SAFE = _printable_ascii_except(0x20, 0x22, 0x23, 0x3C, 0x3E)
PATH_SAFE = _printable_ascii_except(0x20, 0x22, 0x23, 0x3C, 0x3E, 0x3F, 0x60, 0x7B, 0x7D)
USERINFO_SAFE = _printable_ascii_except(0x20, 0x22, 0x23, 0x3C, 0x3E, 0x3F, 0x60, 0x7B, 0x7D,
                                        0x2F, 0x3B, 0x3D, 0x40, 0x5B, 0x5C, 0x5D, 0x5E, 0x7C)

URL_REGEX = re.compile(r"(?:(?P<scheme>([a-zA-Z][a-zA-Z0-9+.-]*)?):)?(?://(?P<authority>[^/?#]*))?"
                       r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?")
AUTHORITY_REGEX = re.compile(r"(?:(?P<userinfo>.*)@)?(?P<host>(\[.*\]|[^:@]*)):?(?P<port>.*)?")
COMPONENT_REGEX = {"scheme": re.compile("([a-zA-Z][a-zA-Z0-9+.-]*)?"), "authority": re.compile("[^/?#]*"),
                   "path": re.compile("[^?#]*"), "query": re.compile("[^#]*"), "fragment": re.compile(".*")}
IPV4_STYLE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$")
IPV6_STYLE = re.compile(r"^\[.*\]$")
DEFAULT_PORTS = {"ftp": 21, "http": 80, "https": 443, "ws": 80, "wss": 443}


class InvalidURL(ValueError):
    """A URL httpx would have refused (same message)."""


class URL(NamedTuple):
    """A parsed URL in its canonical form: every component plain ASCII, already percent-encoded."""

    scheme: str
    userinfo: str
    host: str  # no brackets around an IPv6 address
    port: int | None  # None for the scheme's default
    path: str
    query: str | None  # None: no "?"; "" a trailing "?"
    fragment: str | None

    @property
    def netloc(self) -> str:
        """The Host header's value: host (an IPv6 one bracketed) and a port unless it is the default."""
        return ("[" + self.host + "]" if ":" in self.host else self.host) + (
            f":{self.port}" if self.port is not None else "")

    @property
    def authority(self) -> str:
        return (self.userinfo + "@" if self.userinfo else "") + self.netloc

    @property
    def target(self) -> str:
        """What the request line carries: the raw path and query."""
        return (self.path or "/") + ("?" + self.query if self.query is not None else "")

    @property
    def decoded_path(self) -> str:
        """The path percent-decoded, without the query (httpx's `url.path`: what a signature signs)."""
        return unquote(self.path or "/")

    @property
    def decoded_host(self) -> str:
        """httpx's `url.host`: an IDNA host (xn--) shown in Unicode."""
        if self.host.startswith("xn--"):
            import idna

            return idna.decode(self.host)
        return self.host

    @property
    def username(self) -> str:
        return unquote(self.userinfo.partition(":")[0])

    @property
    def password(self) -> str:
        return unquote(self.userinfo.partition(":")[2])

    def with_target(self, raw_path: str) -> URL:
        """This URL with another path and query (httpx's `copy_with(raw_path=...)`), validated and normalised."""
        path, separator, query = raw_path.partition("?")
        return parse("", scheme=self.scheme, authority=self.authority, path=path,
                     query=query if separator else None, fragment=self.fragment)


def join(base: URL, url: str) -> URL:
    """URL resolved against a client's base URL as httpx.Client did: an absolute URL as is, anything else
    appended to the base path (which gets a trailing slash), one leading slash dropped from the path given."""
    reference = parse(url)
    if reference.scheme and reference.host:
        return reference
    if not base.target.endswith("/"):
        base = base.with_target(base.target + "/")
    return base.with_target(base.target + reference.target.lstrip("/"))


def parse(url: str = "", **components: str | None) -> URL:
    """httpx's urlparse: a URL string, or components (scheme, authority, path, query, fragment) overriding it."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL("URL too long")
    if any(char.isascii() and not char.isprintable() for char in url):
        char = next(char for char in url if char.isascii() and not char.isprintable())
        raise InvalidURL(f"Invalid non-printable ASCII character in URL, {char!r} at position {url.find(char)}.")
    for key, value in components.items():
        if value is None:
            continue
        if len(value) > MAX_URL_LENGTH:
            raise InvalidURL(f"URL component '{key}' too long")
        if any(char.isascii() and not char.isprintable() for char in value):
            char = next(char for char in value if char.isascii() and not char.isprintable())
            raise InvalidURL(f"Invalid non-printable ASCII character in URL {key} component, {char!r} at position "
                             f"{value.find(char)}.")
        if not COMPONENT_REGEX[key].fullmatch(value):
            raise InvalidURL(f"Invalid URL component '{key}'")

    parts = URL_REGEX.match(url).groupdict()
    scheme = components.get("scheme", parts["scheme"]) or ""
    authority = components.get("authority", parts["authority"]) or ""
    path = components.get("path", parts["path"]) or ""
    query = components.get("query", parts["query"])
    fragment = components.get("fragment", parts["fragment"])
    authority_parts = AUTHORITY_REGEX.match(authority).groupdict()

    scheme = scheme.lower()
    userinfo = quote(authority_parts["userinfo"] or "", safe=USERINFO_SAFE)
    host = encode_host(authority_parts["host"] or "")
    port = normalize_port(authority_parts["port"], scheme)
    has_authority = userinfo != "" or host != "" or port is not None
    _validate_path(path, has_scheme=scheme != "", has_authority=has_authority)
    if scheme or has_authority:
        path = normalize_path(path)
    return URL(scheme, userinfo, host, port, quote(path, safe=PATH_SAFE),
               None if query is None else quote(query, safe=QUERY_SAFE),
               None if fragment is None else quote(fragment, safe=FRAG_SAFE))


def encode_host(host: str) -> str:
    if not host:
        return ""
    if IPV4_STYLE.match(host):
        try:
            ipaddress.IPv4Address(host)
        except ipaddress.AddressValueError:
            raise InvalidURL(f"Invalid IPv4 address: {host!r}") from None
        return host
    if IPV6_STYLE.match(host):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ipaddress.AddressValueError:
            raise InvalidURL(f"Invalid IPv6 address: {host!r}") from None
        return host[1:-1]
    if host.isascii():
        return quote(host.lower(), safe=SUB_DELIMS + '"`{}%|\\')
    import idna

    try:
        return idna.encode(host.lower()).decode("ascii")
    except idna.IDNAError:
        raise InvalidURL(f"Invalid IDNA hostname: {host!r}") from None


def normalize_port(port: str | None, scheme: str) -> int | None:
    if port is None or port == "":
        return None
    try:
        number = int(port)
    except ValueError:
        raise InvalidURL(f"Invalid port: {port!r}") from None
    return None if number == DEFAULT_PORTS.get(scheme) else number


def _validate_path(path: str, has_scheme: bool, has_authority: bool) -> None:
    if has_authority and path and not path.startswith("/"):
        raise InvalidURL("For absolute URLs, path must be empty or begin with '/'")
    if not has_scheme and not has_authority:
        if path.startswith("//"):
            raise InvalidURL("Relative URLs cannot have a path starting with '//'")
        if path.startswith(":"):
            raise InvalidURL("Relative URLs cannot have a path starting with ':'")


def normalize_path(path: str) -> str:
    """Drop "." and ".." segments (RFC 3986 5.2.4): `/a/./b/..` is `/a`."""
    segments = path.split("/")
    if "." not in segments and ".." not in segments:
        return path
    output: list[str] = []
    for segment in segments:
        if segment == ".":
            continue
        if segment == "..":
            if output and output != [""]:
                output.pop()
        else:
            output.append(segment)
    return "/".join(output)


def _percent_encoded(text: str, safe: str) -> str:
    kept = UNRESERVED + safe
    return "".join(char if char in kept else "".join(f"%{b:02X}" for b in char.encode("utf-8")) for char in text)


def quote(text: str, safe: str) -> str:
    """Percent-encode what is not safe, leaving existing `%xx` escapes as they are."""
    parts, position = [], 0
    for match in PERCENT_ENCODED.finditer(text):
        parts += [_percent_encoded(text[position:match.start()], safe), match.group(0)]
        position = match.end()
    parts.append(_percent_encoded(text[position:], safe))
    return "".join(parts)
