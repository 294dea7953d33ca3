"""What a trace or a dry run may show: the Authorization header and secret-looking JSON keys redacted, and the
URL as it goes on the wire (no userinfo)."""

from __future__ import annotations

import re
from typing import Any

SECRET_KEYS = re.compile(r"secret|password|token|signature", re.IGNORECASE)


def redact_authorization(value: str) -> str:
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "application" and ":" in rest:
        return f"{scheme} {rest.split(':', 1)[0]}:<redacted>"
    return f"{scheme} <redacted>"


def redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<redacted>" if SECRET_KEYS.search(k) else redact_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


def describe_headers(headers) -> list[str]:
    lines = []
    for name, value in sorted(headers.items()):
        if name.lower() == "authorization":
            value = redact_authorization(value)
        lines.append(f"{name.lower()}: {value}")
    return lines


def wire_url(url) -> str:
    """A wireurl.URL as it goes on the wire: the raw path and query (after httpx's normalisation), no userinfo."""
    return f"{url.scheme}://{url.netloc}{url.target}"
