"""Request authentication: Basic or Application-signed, checked with sinchvoice.signing against real time."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

from sinchvoice.sandbox.problems import Problem
from sinchvoice.signing import check_basic, verify


def authenticate(
    headers: dict, *, key: str, secret: str, method: str, path: str, raw_path: str, body: bytes
) -> str:
    """Returns "basic" or "signed"; raises a 401 Problem with the reason otherwise."""
    authorization = headers.get("authorization", "")
    scheme = authorization.strip().partition(" ")[0].lower()
    if scheme == "basic":
        result = check_basic(authorization, key=key, secret=secret)
        if result.ok:
            return "basic"
        raise unauthorized(result.reason)
    if scheme == "application":
        return _check_signed(headers, authorization, key, secret, method, path, raw_path, body)
    if not authorization:
        raise unauthorized("missing Authorization header")
    raise unauthorized(f"unsupported authorization scheme '{scheme[:20]}' (use Basic or Application)")


def _check_signed(headers, authorization, key, secret, method, path, raw_path, body) -> str:
    # The skew check uses the real wall clock: clients sign with their own real time, whatever --speed says.
    common = dict(
        key=key,
        secret=secret,
        method=method,
        body=body,
        now=datetime.now(timezone.utc),
        content_type=headers.get("content-type", ""),
        timestamp=headers.get("x-timestamp"),
    )
    result = verify(authorization, path=path, **common)
    if not result.ok and result.reason == "signature does not match" and raw_path != path:
        # Some clients sign the percent-encoded path (e.g. %2B for a number's plus); accept both spellings.
        result = verify(authorization, path=raw_path, **common)
    if result.ok:
        return "signed"
    raise unauthorized(result.reason)


def unauthorized(reason: str) -> Problem:
    return Problem(401, 40108, f"Invalid credentials: {reason}")


def redact(authorization: str) -> str:
    """Keep the scheme and the application key, never the secret or the signature."""
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "basic":
        try:
            key = base64.b64decode(credentials.strip(), validate=True).decode("utf-8").partition(":")[0]
        except ValueError:
            key = "?"
        return f"{scheme} {key}:***"
    if scheme.lower() == "application":
        return f"{scheme} {credentials.partition(':')[0]}:***"
    return f"{scheme} ***" if credentials else scheme
