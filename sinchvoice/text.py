"""Values as text for people: escaping what could steer a terminal, JSON that stays exact, cells, durations.

The one place where text from the API or a user is made safe to show (escape); stdlib only, so that every
module that prints can use it without loading a renderer.
"""

from __future__ import annotations

import json
import re
from typing import Any

# What would steer a terminal or forge the layout if printed as is: C0 and C1 controls and DEL (cursor moves,
# colours, titles, fake lines), bidi overrides and isolates (text that reads backwards), line and paragraph
# separators; and lone surrogates, which no UTF-8 stream can carry at all.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# In JSON text these can only stand inside strings, where \uXXXX means the same character: JSON output stays
# exact, and a C1 CSI (\x9b), a bidi override or U+2028 in a server's data cannot act on a terminal or split a line.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def escape(text: str) -> str:
    """Text for people: `\\x1b`, `\\n`, `\\u202e` shown as such, so an id or a server's message cannot move the
    cursor, recolour the terminal or fake a line. Everything printable (accents, emoji) stays as it is."""
    return _UNSAFE.sub(_shown, text)


def encodable(text: str) -> str:
    """Data kept exact (csv, piped ids): only a lone surrogate, unprintable as UTF-8, becomes its escape."""
    return _SURROGATE.sub(_shown, text)


def json_text(data: Any, **options) -> str:
    """json.dumps escapes the C0 controls itself; the rest of what could act on a terminal is escaped alike."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def minutes(seconds: Any) -> str:
    """m:ss, the way people read call durations; anything but a number of seconds is shown as the API gave it
    (a server's "abc", -5 or 1e999 must not crash the panel)."""
    if seconds is None or seconds == "":
        return ""
    if isinstance(seconds, str) and seconds.isascii() and seconds.isdigit() and len(seconds) < 19:
        seconds = int(seconds)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds < float("inf"):
        return cell(seconds)
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
