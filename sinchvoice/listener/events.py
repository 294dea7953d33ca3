"""Callback events: their names, the replies the listener gives, and the fields worth showing per event."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from sinchvoice.errors import UsageError

EVENTS = ("ice", "ace", "pie", "dice", "notify")
# Only these are answered with SVAML; Sinch ignores any body on dice and notify.
SVAML_EVENTS = ("ice", "ace", "pie")
NO_REPLY_TEXT = "This is sinchvoice listen. No reply is configured for incoming calls, so this call ends now."
DEFAULT_REPLIES = {
    "ice": {"instructions": [{"name": "say", "text": NO_REPLY_TEXT, "locale": "en-US"}], "action": {"name": "hangup"}},
    "ace": {"action": {"name": "continue"}},
    "pie": {"action": {"name": "continue"}},
}


def load_replies(flags: list[str], reply_dir: str | None, stdin: TextIO | None = None,
                 warn=None) -> dict[str, tuple[dict, str]]:
    """event -> (checked SVAML, where it came from); --reply beats --reply-dir beats the defaults.

    `warn` hears of SVAML names written in another case than the documented one (Sinch takes them)."""
    from sinchvoice import svaml

    replies = {event: (doc, "default") for event, doc in DEFAULT_REPLIES.items()}
    if reply_dir is not None:
        folder = Path(reply_dir).expanduser()
        if not folder.is_dir():
            raise UsageError(f"--reply-dir {reply_dir}: no such directory", hint="name a folder holding ice.json, ...")
        for event in SVAML_EVENTS:
            path, target = folder / f"{event}.json", _reply_file(folder, f"{event}.json", reply_dir)
            if target is not None:
                replies[event] = (svaml.load(f"@{target}", what=str(path), warn=warn), str(path))
    seen: set[str] = set()
    for flag in flags:
        event, value = _split_flag(flag)
        if event in seen:
            raise UsageError(f"--reply {event} is given twice", hint="keep one reply per event")
        seen.add(event)
        replies[event] = (svaml.load(value, what=f"--reply {event}", stdin=stdin, warn=warn), "--reply")
    return replies


def _reply_file(folder: Path, name: str, shown: str) -> Path | None:
    """The file to read for `name`, if there is one: a regular file within the folder (links may point
    elsewhere in it, not out of it: a shared folder must not make the listener read /dev/zero or ~/.ssh)."""
    path = folder / name
    if not path.exists() and not path.is_symlink():
        return None
    target = path.resolve()
    if not target.is_relative_to(folder.resolve()):
        raise UsageError(f"--reply-dir {shown}: {name} links outside the folder, to {target}",
                         hint="copy the reply into the folder instead of linking to it")
    if not target.is_file():
        raise UsageError(f"--reply-dir {shown}: {name} is not a regular file",
                         hint=f"make {name} a JSON file holding the SVAML reply, or remove it")
    return target


def _split_flag(flag: str) -> tuple[str, str]:
    event, sep, value = flag.partition("=")
    event = event.strip().lower()
    if not sep or not event:
        raise UsageError(f"--reply {flag!r} is not EVENT=SVAML", hint="e.g. --reply ice=@ice.json or --reply ace=-")
    if event in ("dice", "notify"):
        raise UsageError(f"--reply {event}: {event} events take no SVAML reply",
                         hint=f"the listener answers {event} with 200 and an empty body, as Sinch expects")
    if event not in SVAML_EVENTS:
        raise UsageError(f"--reply: unknown event {event!r}; use one of: {', '.join(SVAML_EVENTS)}",
                         hint="e.g. --reply ice=@ice.json")
    return event, value


def key_fields(event: dict) -> str:
    """The few fields that say what happened, e.g. `cli=+4670... to=+4670...` for an ice."""
    name = event.get("event")
    if name == "ice":
        return _pairs(cli=event.get("cli"), to=_endpoint(event.get("to")))
    if name == "ace":
        amd = event.get("amd") if isinstance(event.get("amd"), dict) else {}
        return _pairs(amd=amd.get("status"))
    if name == "dice":
        return _pairs(result=event.get("result"), reason=event.get("reason"), duration=event.get("duration"))
    if name == "pie":
        menu = event.get("menuResult") if isinstance(event.get("menuResult"), dict) else {}
        return _pairs(menu=menu.get("menuId"), type=menu.get("type"), value=menu.get("value"),
                      input=menu.get("inputMethod"))
    if name == "notify":
        return _pairs(type=event.get("type"))
    return ""


def _endpoint(to) -> str | None:
    return to.get("endpoint") if isinstance(to, dict) else to


def _pairs(**fields) -> str:
    return " ".join(f"{name}={value}" for name, value in fields.items() if value not in (None, ""))


def reply_summary(doc) -> str:
    """`say+hangup` for a SVAML reply: its instruction names, then its action."""
    if not isinstance(doc, dict):
        return "(empty)" if doc is None else "(not SVAML)"
    names = [i.get("name", "?") for i in doc.get("instructions", []) if isinstance(i, dict)]
    action = doc.get("action")
    names.append(action.get("name", "?") if isinstance(action, dict) else "no action")
    return "+".join(str(name) for name in names)
