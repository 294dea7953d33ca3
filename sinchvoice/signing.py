"""Sinch application signing: string-to-sign, signatures, a request's auth headers, verification. Pure, no I/O."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timezone
from typing import NamedTuple

MAX_SKEW_SECONDS = 15 * 60


def content_md5(body: bytes) -> str:
    """base64(MD5(body)), or the empty string for a request without a body."""
    if not body:
        return ""
    return base64.b64encode(hashlib.md5(body).digest()).decode("ascii")


def string_to_sign(method: str, path: str, body: bytes, content_type: str, timestamp: str) -> str:
    return "\n".join(
        [method.upper(), content_md5(body), content_type or "", f"x-timestamp:{timestamp}", path]
    )


def decode_secret(secret: str) -> bytes:
    """The HMAC key is the base64-decoded secret; a secret that is not base64 is a usage error upstream."""
    return base64.b64decode(secret, validate=True)


def is_valid_secret(secret: str) -> bool:
    try:
        return bool(decode_secret(secret))
    except ValueError:
        return False


def signature(secret: str, message: str) -> str:
    digest = hmac.new(decode_secret(secret), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def utc_timestamp(now: datetime | None = None) -> str:
    """ISO 8601 UTC with milliseconds and a Z, as the official SDKs send it."""
    now = now or datetime.now(timezone.utc)
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


# Seconds and their fraction, before the zone: Sinch signs callbacks with 7 digits (.2729234Z); Python 3.10's
# fromisoformat takes only 3 or 6, so the fraction is cut or padded to microseconds first.
_FRACTION = re.compile(r"(T\d\d:\d\d:\d\d)\.(\d{1,9})(?=[+-]\d\d:\d\d$)")


def parse_timestamp(value: str) -> datetime | None:
    """Accept ISO 8601 with Z or +00:00 and 0 to 9 fractional digits of seconds; None if unparseable."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(lambda m: f"{m[1]}.{m[2][:6]:0<6}", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed


class SignedHeaders(NamedTuple):
    """What a signed request carries, plus the string it was computed from (for display)."""

    authorization: str
    timestamp: str
    content_md5: str
    string_to_sign: str


def sign_request(
    key: str,
    secret: str,
    method: str,
    path: str,
    body: bytes = b"",
    content_type: str = "",
    timestamp: str | None = None,
    scheme: str = "Application",
) -> SignedHeaders:
    timestamp = timestamp or utc_timestamp()
    message = string_to_sign(method, path, body, content_type, timestamp)
    return SignedHeaders(
        authorization=f"{scheme} {key}:{signature(secret, message)}",
        timestamp=timestamp,
        content_md5=content_md5(body),
        string_to_sign=message,
    )


class Verification(NamedTuple):
    ok: bool
    reason: str
    string_to_sign: str = ""


def verify(
    authorization: str | None,
    *,
    key: str,
    secret: str,
    method: str,
    path: str,
    body: bytes,
    content_type: str,
    timestamp: str | None,
    now: datetime | None = None,
    max_skew: float | None = MAX_SKEW_SECONDS,
) -> Verification:
    """Check an `Application KEY:SIG` header (scheme case-insensitive) against key/secret and the clock."""
    if not authorization:
        return Verification(False, "missing authorization header")
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "application" or ":" not in credentials:
        return Verification(False, "authorization scheme is not 'Application KEY:SIGNATURE'")
    if not timestamp:
        return Verification(False, "missing x-timestamp header")
    given_key, _, given_signature = credentials.strip().partition(":")
    message = string_to_sign(method, path, body, content_type, timestamp)
    if given_key.lower() != key.lower():
        return Verification(False, "unknown application key", message)
    sent_at = parse_timestamp(timestamp)
    if sent_at is None:
        return Verification(False, "x-timestamp is not an ISO 8601 UTC time", message)
    if max_skew is not None:
        skew = abs(((now or datetime.now(timezone.utc)) - sent_at).total_seconds())
        if skew > max_skew:
            return Verification(False, f"x-timestamp is {int(skew)} s away from now (limit {int(max_skew)} s)", message)
    if not hmac.compare_digest(signature(secret, message), given_signature.strip()):
        return Verification(False, "signature does not match", message)
    return Verification(True, "valid signature", message)


def basic_authorization(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")


def check_basic(authorization: str | None, *, key: str, secret: str) -> Verification:
    if not authorization or not authorization.strip().lower().startswith("basic "):
        return Verification(False, "authorization scheme is not Basic")
    try:
        decoded = base64.b64decode(authorization.strip()[6:].strip(), validate=True).decode("utf-8")
    except ValueError:
        return Verification(False, "basic credentials are not valid base64")
    given_key, _, given_secret = decoded.partition(":")
    if given_key.lower() != key.lower() or not hmac.compare_digest(given_secret, secret):
        return Verification(False, "wrong application key or secret")
    return Verification(True, "valid basic credentials")


def auth_headers(scheme: str, key: str, secret: str, method: str, path: str, body: bytes, content_type: str,
                 now: datetime | None = None) -> list[tuple[str, str]]:
    """The headers that authenticate a request: `x-timestamp` and a signed `authorization` for `signed` (the
    default), where PATH is the decoded path without its query; a Basic `authorization` for `basic`."""
    if scheme == "basic":
        return [("authorization", basic_authorization(key, secret))]
    signed = sign_request(key, secret, method, path, body, content_type, utc_timestamp(now))
    return [("x-timestamp", signed.timestamp), ("authorization", signed.authorization)]
