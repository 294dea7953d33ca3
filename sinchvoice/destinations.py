"""The --to grammar (number, sip:, user:) and E.164 checks for phone numbers."""

from __future__ import annotations

import re

from .errors import UsageError
from .inputs import CONTROL, is_text
from .limits import E164  # no anchors: always fullmatch()

EXAMPLE = "+46700000000"
# The shortest real international numbers (e.g. Niue, +683 plus 4 digits) have 7 digits after the +.
MIN_SUGGESTED_DIGITS = 7
FORMS = "+E164, sip:user@host or user:NAME"
FORMS_HINT = f"e.g. {EXAMPLE}, sip:alice@example.com or user:alice"


# Something that is plainly meant as a phone number, so the E.164 hints apply.
_NUMBERISH = re.compile(r"[0-9+()\-. ]*[0-9][0-9+()\-. ]*")
_SEPARATORS = re.compile(r"[()\-. ]")
# user@host after `sip:`; the host may carry a port and ;params.
_SIP = re.compile(r"sip:[^@\s]+@[A-Za-z0-9\[][^@\s]*", re.IGNORECASE)


def check_e164(value: str, what: str = "number") -> str:
    """Return the stripped number if it is E.164, else raise a UsageError saying how to fix it."""
    number = value.strip()
    if E164.fullmatch(number):
        return number
    if not number:
        raise UsageError(f"{what} is empty", hint=f"write it with + and the country code, e.g. {EXAMPLE}")
    raise UsageError(f"{what} '{number}' is not an E.164 number", hint=_e164_hint(number))


def _e164_hint(number: str) -> str:
    # Name the one mistake we can see, and show the corrected number when we can.
    compact = _SEPARATORS.sub("", number)
    if compact != number and _plausible(compact):
        return f"remove spaces, dashes, dots and brackets: {compact}"
    if compact.startswith("00") and _plausible("+" + compact[2:]):
        return f"write + instead of the international prefix 00: +{compact[2:]}"
    if compact.isdigit() and not compact.startswith("0") and _plausible("+" + compact):
        return f"start it with + before the country code: +{compact}"
    digits = compact.lstrip("+")
    if compact.startswith("+") and digits.isdigit() and len(digits) > 15:
        return f"E.164 numbers have at most 15 digits after the +; this one has {len(digits)}"
    return f"write it with + and the country code, e.g. {EXAMPLE}"


def _plausible(number: str) -> bool:
    """E.164 and long enough to be a real number, so a hint never suggests e.g. +123 as the fix."""
    return bool(E164.fullmatch(number)) and len(number) - 1 >= MIN_SUGGESTED_DIGITS


def parse_destination(value: str, what: str = "--to") -> dict:
    """Turn what the user typed after --to into the API's {"type", "endpoint"} destination."""
    text = value.strip()
    if CONTROL.search(text) or not is_text(text):  # the JSON would carry them; no real endpoint has them
        raise UsageError(f"{what} {text!r} is not a destination: it has control characters or bytes that are not "
                         "UTF-8", hint=FORMS_HINT)
    prefix, _, rest = text.partition(":")
    kind = prefix.lower() if rest or text.endswith(":") else ""
    if kind == "sip":
        return {"type": "sip", "endpoint": _sip_uri(text, what)}
    if kind == "user":
        return {"type": "username", "endpoint": _username(rest.strip(), what)}
    if kind == "did":  # Sinch's callout destinations are number, username and sip; did shows only in events
        number = rest.strip() if E164.fullmatch(rest.strip()) else EXAMPLE
        raise UsageError(f"{what} '{text}': did is not a callout destination",
                         hint=f"did appears only in callback events; to call the number, give it as is: "
                              f"{what} {number}")
    if not text or text.startswith("+") or _NUMBERISH.fullmatch(text):
        return {"type": "number", "endpoint": check_e164(text, what=what)}
    raise UsageError(f"{what} '{text}' is not a destination; expected {FORMS}", hint=FORMS_HINT)


def _sip_uri(text: str, what: str) -> str:
    if not _SIP.fullmatch(text):
        raise UsageError(
            f"{what} '{text}' is not a SIP URI",
            hint="write it as sip:user@host, e.g. sip:alice@example.com",
        )
    # Sinch wants a SIP URI, so the scheme stays; it is normalised to lower case.
    return "sip:" + text[4:]


def _username(name: str, what: str) -> str:
    if not name or any(c.isspace() for c in name):
        raise UsageError(f"{what} 'user:{name}' needs a username without spaces", hint="e.g. user:alice")
    return name


def describe_destination(dest: dict) -> str:
    """Render a destination for people, in the same form the user would type it."""
    kind = str(dest.get("type") or "").lower()
    endpoint = str(dest.get("endpoint") or "")
    if kind == "number":
        return endpoint
    if kind == "sip":
        # The API may echo the bare user@host; show it as a URI either way.
        return endpoint if endpoint.lower().startswith("sip:") else f"sip:{endpoint}"
    if kind == "username":
        return f"user:{endpoint}"
    if kind == "did":
        return f"did:{endpoint}"
    return f"{kind}:{endpoint}" if kind else endpoint
