"""One HTTP exchange over httpcore, byte for byte as httpx.Client made it: the request's headers (names, case and
order), httpx's pool limits and timeouts, the answer read whole, its headers decoded and its body gzip/deflate
decoded as httpx did. httpx itself (about 25 ms of imports) is never loaded on a command's path.

Two things httpx.Client also did are left out on purpose: brotli/zstd (advertised only when those packages happen
to be installed; never here) and a cookie jar (the API is stateless and signs each request; echoing a load
balancer's cookies would only add a header nobody asked for).
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Callable, NamedTuple

from sinchvoice.wireurl import URL

ACCEPT_ENCODING = "gzip, deflate"
BODY_METHODS = ("POST", "PUT", "PATCH")
# httpx's DEFAULT_LIMITS (max_connections, max_keepalive_connections, keepalive_expiry)
LIMITS = {"max_connections": 100, "max_keepalive_connections": 20, "keepalive_expiry": 5.0}


class DecodingError(Exception):
    """A body whose Content-Encoding does not decode (httpx's DecodingError: the exchange failed after sending)."""


class Request(NamedTuple):
    method: str
    url: URL
    headers: list[tuple[str, str]]  # as they go on the wire: names in httpx's case, in httpx's order
    content: bytes

    def header(self, name: str, default: str = "") -> str:
        return next((value for key, value in self.headers if key.lower() == name), default)

    def shown_headers(self) -> dict[str, str]:
        """Lower-case names, repeated ones joined (httpx's `headers.items()`), for a trace."""
        shown: dict[str, str] = {}
        for key, value in self.headers:
            shown[key.lower()] = f"{shown[key.lower()]}, {value}" if key.lower() in shown else value
        return shown

    def with_headers(self, extra: list[tuple[str, str]]) -> Request:
        return self._replace(headers=[*self.headers, *extra])


def build_request(method: str, url: URL, content: bytes | None, defaults: list[tuple[str, str]],
                  headers: list[tuple[str, str]]) -> Request:
    """Headers as httpx.Client assembled them: Host first, then Content-Length 0 for a bodiless POST/PUT/PATCH,
    httpx's Accept-Encoding and Connection, DEFAULTS (the client's) and HEADERS (the request's), each moving any
    earlier one of its name to the end, and the Content-Length of a body last. httpx's own Accept and User-Agent
    are not there: DEFAULTS always replaced them."""
    listed = [("Accept-Encoding", ACCEPT_ENCODING), ("Connection", "keep-alive")]
    for name, value in [*defaults, *headers]:
        listed = [(key, old) for key, old in listed if key.lower() != name.lower()] + [(name, value)]
    if content:
        listed.append(("Content-Length", str(len(content))))
    auto = [("Host", url.netloc)]
    if not content and method in BODY_METHODS:
        auto.append(("Content-Length", "0"))
    return Request(method, url, auto + listed, content or b"")


def refused(exc: BaseException | None) -> bool:
    """The connection was actively refused (ECONNREFUSED somewhere in the chain httpcore wraps)."""
    while exc is not None:
        if isinstance(exc, ConnectionRefusedError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class Headers:
    """A response's headers, read as httpx read them: names case-insensitive, repeats joined with ", ", all of
    them decoded as ASCII, else UTF-8, else Latin-1 (whichever fits every one)."""

    def __init__(self, raw: list[tuple[bytes, bytes]]):
        self.raw = raw
        self.encoding = next((encoding for encoding in ("ascii", "utf-8") if _all_decode(raw, encoding)),
                             "iso-8859-1")

    def get_list(self, name: str) -> list[str]:
        wanted = name.lower().encode(self.encoding)
        return [value.decode(self.encoding) for key, value in self.raw if key.lower() == wanted]

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.get_list(name)
        return ", ".join(values) if values else default


def _all_decode(raw: list[tuple[bytes, bytes]], encoding: str) -> bool:
    try:
        for key, value in raw:
            key.decode(encoding), value.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


class Response(NamedTuple):
    status_code: int
    reason_phrase: str
    headers: Headers
    content: bytes  # decoded

    def json(self) -> Any:
        return json.loads(self.content)


def exchange(pool, request: Request, timeout: float, trace: Callable[[str, dict], None]) -> Response:
    """Send REQUEST through an httpcore pool and read the whole answer. Raises httpcore's exceptions (ConnectError,
    ReadTimeout, ...), and DecodingError for a body that does not decode."""
    import httpcore

    url = request.url
    core_request = httpcore.Request(
        method=request.method.encode("ascii"),
        url=httpcore.URL(scheme=url.scheme.encode("ascii"), host=url.host.encode("ascii"), port=url.port,
                         target=url.target.encode("ascii")),
        headers=[(name.encode("ascii"), value.encode("ascii")) for name, value in request.headers],
        content=request.content,
        extensions={"timeout": dict.fromkeys(("connect", "read", "write", "pool"), timeout), "trace": trace},
    )
    response = pool.handle_request(core_request)
    try:
        headers = Headers(response.headers)
        decoder = _Decoder(headers.get_list("content-encoding"))
        body = b"".join([decoder.decode(part) for part in response.stream]) + decoder.flush()
    finally:
        response.close()
    reason = response.extensions.get("reason_phrase", b"").decode("ascii", errors="ignore")
    return Response(response.status, reason, headers, body)


class _Zlib:
    """One content-coding, as httpx's GZipDecoder or DeflateDecoder: deflate tries zlib's wrapper first and, if its
    first chunk does not start like one, a raw deflate stream."""

    def __init__(self, encoding: str):
        self.deflate = encoding == "deflate"
        self.first = True
        self.decompressor = zlib.decompressobj() if self.deflate else zlib.decompressobj(zlib.MAX_WBITS | 16)

    def decode(self, data: bytes) -> bytes:
        first, self.first = self.first, False
        try:
            return self.decompressor.decompress(data)
        except zlib.error as exc:
            if self.deflate and first:
                self.decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decode(data)
            raise DecodingError(str(exc)) from exc

    def flush(self) -> bytes:
        try:
            return self.decompressor.flush()
        except zlib.error as exc:
            raise DecodingError(str(exc)) from exc


class _Decoder:
    """The codings a body went through, undone last first (httpx's MultiDecoder); none: the body as it came."""

    def __init__(self, content_encoding: list[str]):
        named = [item.strip().lower() for value in content_encoding for item in value.split(",")]
        self.steps = [_Zlib(name) for name in reversed(named) if name in ("gzip", "deflate")]

    def decode(self, data: bytes) -> bytes:
        for step in self.steps:
            data = step.decode(data)
        return data

    def flush(self) -> bytes:
        data = b""
        for step in self.steps:
            data = step.decode(data) + step.flush()
        return data
