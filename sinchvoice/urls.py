"""Clear text only on this machine: the loopback rule, and the one URL check every URL-taking option uses."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from sinchvoice.errors import UsageError

LOOPBACK_HINT = "use https://, or http:// only with 127.0.0.1, ::1 or localhost"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def redact_userinfo(url: str) -> str:
    """`https://user:<redacted>@host/...` for showing a URL: a password (or a lone token) in it is a secret."""
    scheme, sep, rest = url.partition("://")
    authority_end = len(rest)
    for delimiter in "/?#":
        if delimiter in rest:
            authority_end = min(authority_end, rest.index(delimiter))
    authority = rest[:authority_end]
    if not sep or "@" not in authority:
        return url
    userinfo, _, host = authority.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    shown = f"{user}:<redacted>" if colon else "<redacted>"
    return f"{scheme}://{shown}@{host}{rest[authority_end:]}"


def check_url(value: str, what: str, hint: str = LOOPBACK_HINT) -> str:
    """An absolute https:// URL, or http:// on a loopback host (the sandbox, a local listener)."""
    url = value.strip()
    shown = redact_userinfo(url)
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises on a malformed port
    except ValueError:
        host = None
    if not host or parts.scheme.lower() not in ("http", "https") or any(c.isspace() for c in url):
        raise UsageError(f"{what} {shown!r} is not an absolute https:// URL", hint=hint)
    if parts.scheme.lower() == "http" and not is_loopback(host):
        raise UsageError(f"{what} {shown!r} uses http:// on a non-loopback host", hint=hint)
    return url


def check_bind_host(host: str, allow_remote: bool, server: str) -> bool:
    """Servers bind loopback unless asked; returns True when the caller should warn about a remote bind."""
    if is_loopback(host):
        return False
    if not allow_remote:
        raise UsageError(f"refusing to {server} on {host}: not a loopback address", hint="add --allow-remote")
    return True
