"""Parse and check SVAML call-control documents locally, and build the small ones the shortcuts send."""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Callable, TextIO

from .errors import UsageError
from .inputs import CONTROL, is_text, parse_json, read_value
from .limits import ACTIONS, DTMF, INSTRUCTIONS, MAX_TTS, MOH_CLASSES, PATCH_ACTIONS, canonical

THEN_ACTIONS = ("continue", "hangup")
# The same sets as option types: the CLI checks them and shell completion offers them from the command tree.
MohClass = Enum("MohClass", {name: name for name in MOH_CLASSES}, type=str)
ThenAction = Enum("ThenAction", {name: name for name in THEN_ACTIONS}, type=str)
# A warning for names written in another case than the documented one (Sinch compares them without case).
Warn = Callable[[str], None]
LOCALE = re.compile(
    r"^(?:[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?(?:/(?:female|male))?"  # en-US/female
    r"|[A-Z][a-zß-öø-ÿ]+)$"  # a named voice: Joanna, Céline
)

TOP_LEVEL_KEYS = ("instructions", "action")
SKELETON = '{"instructions": [{"name": "say", "text": "Hello"}], "action": {"name": "hangup"}}'
LOCALE_HINT = (
    "use a language code such as en-US, sv-SE or en, optionally with /female or /male,"
    " or a voice such as Joanna"
)
DTMF_HINT = "use the digits 0-9, # and *, and w for a 500 ms pause"


def parse(text: str, *, what: str = "SVAML") -> dict:
    """Parse JSON text into a dict, reporting syntax errors by line and column."""
    if not text.strip():
        raise UsageError(f"{what} is empty", hint=f"give a SVAML document, e.g. {SKELETON}")
    doc = parse_json(text, what=what, object_pairs_hook=_no_duplicates(what))
    if not isinstance(doc, dict):
        raise UsageError(f"{what}: expected a JSON object, got {_json_type(doc)}", hint=f"e.g. {SKELETON}")
    return doc


def _no_duplicates(what: str):
    # json.loads keeps the last of two equal keys silently; a second "action" would vanish unseen.
    def hook(pairs: list[tuple[str, object]]) -> dict:
        seen: dict = {}
        for key, value in pairs:
            if key in seen:
                raise UsageError(f'{what}: key "{key}" appears twice in one object', hint="keep one of them")
            seen[key] = value
        return seen

    return hook


def _json_type(value: object) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, (int, float)) else "an object")


def check(doc: dict, *, what: str = "SVAML", actions=ACTIONS, warn: Warn | None = None) -> dict:
    """Check a parsed SVAML document against what Sinch accepts; return it unchanged.

    Names are compared without case, as Sinch does; `warn` hears of each one not written as documented.
    """
    if not isinstance(doc, dict):
        raise UsageError(f"{what}: expected a JSON object, got {_json_type(doc)}", hint=f"e.g. {SKELETON}")
    unknown = [key for key in doc if key not in TOP_LEVEL_KEYS]
    if unknown:
        keys = ", ".join(f'"{key}"' for key in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise UsageError(
            f"{what}: unknown top-level key{plural} {keys}",
            hint=_did_you_mean(unknown[0], TOP_LEVEL_KEYS) or 'SVAML has only "instructions" and "action"',
        )
    for index, instruction in enumerate(_instructions(doc, what), start=1):
        _check_instruction(instruction, f"{what}: instruction {index}", warn)
    _check_action(doc.get("action"), what, actions, warn)
    return doc


def _instructions(doc: dict, what: str) -> list:
    instructions = doc.get("instructions", [])
    if not isinstance(instructions, list):
        raise UsageError(
            f'{what}: "instructions" must be an array, not {_json_type(instructions)}',
            hint='e.g. "instructions": [{"name": "say", "text": "Hello"}]',
        )
    return instructions


def _check_action(action: object, what: str, actions, warn: Warn | None) -> None:
    if action is None:
        raise UsageError(
            f'{what}: no "action"; a SVAML document needs exactly one',
            hint='add e.g. "action": {"name": "hangup"}',
        )
    if isinstance(action, list):
        raise UsageError(f'{what}: "action" must be one object, not an array', hint="keep exactly one action")
    if not isinstance(action, dict):
        raise UsageError(
            f'{what}: "action" must be an object, not {_json_type(action)}', hint='e.g. {"name": "hangup"}'
        )
    written = _name(action, f"{what}: the action", actions)
    name = canonical(written, actions)
    if name is None:
        where = "when updating a live call" if set(actions) == set(PATCH_ACTIONS) else "here"
        if canonical(written, ACTIONS):  # a real action, just not here: a spelling suggestion would mislead
            problem, hint = f'"{written}" is not allowed {where}', None
        else:
            problem, hint = f'unknown action "{written}"', _did_you_mean(written, actions)
        raise UsageError(f"{what}: {problem}; use one of: {', '.join(actions)}", hint=hint)
    _documented(written, name, f"{what}: action", warn)
    _check_fields(action, f"{what}: action {name}")


def _documented(written: str, name: str, where: str, warn: Warn | None) -> None:
    if written != name and warn is not None:
        warn(f'{where} "{written}" is documented as "{name}"; sent as written (Sinch compares names without case)')


def _check_instruction(instruction: object, where: str, warn: Warn | None) -> None:
    if not isinstance(instruction, dict):
        raise UsageError(
            f"{where} must be an object, not {_json_type(instruction)}",
            hint='e.g. {"name": "say", "text": "Hello"}',
        )
    written = _name(instruction, where, INSTRUCTIONS)
    name = canonical(written, INSTRUCTIONS)
    if name is None:
        hint = (
            f'"{written}" is an action: put it in "action"'
            if canonical(written, ACTIONS)
            else _did_you_mean(written, INSTRUCTIONS)
        )
        raise UsageError(
            f'{where}: unknown instruction "{written}"; use one of: {", ".join(INSTRUCTIONS)}', hint=hint
        )
    _documented(written, name, where, warn)
    where = f"{where} ({name})"
    if name == "say":
        check_text(_string(instruction, "text", where), what=f'{where} "text"')
    elif name == "playFiles":
        _check_ids(instruction.get("ids"), where)
    elif name == "sendDtmf":
        check_dtmf(_string(instruction, "value", where), what=f'{where} "value"')
    _check_fields(instruction, where)


def _check_fields(element: dict, where: str) -> None:
    # Fields that may sit on several instructions and actions.
    if "locale" in element:
        check_locale(_string(element, "locale", where), what=f'{where} "locale"')
    if "moh" in element:
        check_moh(_string(element, "moh", where), what=f'{where} "moh"')


def _name(element: dict, where: str, choices) -> str:
    name = element.get("name")
    if not isinstance(name, str) or not name:
        raise UsageError(f'{where} has no "name"', hint=f'add "name" with one of: {", ".join(choices)}')
    return name


def _string(element: dict, key: str, where: str) -> str:
    value = element.get(key)
    if not isinstance(value, str):
        got = "missing" if key not in element else _json_type(value)
        raise UsageError(f'{where} needs "{key}" as a string; it is {got}', hint=f'add "{key}": "..."')
    return value


def _check_ids(ids: object, where: str) -> None:
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i.strip() for i in ids):
        raise UsageError(
            f'{where} needs "ids": a non-empty array of file ids or URLs',
            hint='e.g. "ids": ["https://example.com/welcome.wav"]',
        )


def _did_you_mean(name: str, choices) -> str | None:
    import difflib  # only on the error path

    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return f'did you mean "{by_lower[close[0]]}"?' if close else None


def check_text(text: str, what: str = "--text") -> str:
    """Return text-to-speech text stripped, if it is non-empty and within Sinch's limit."""
    stripped = text.strip()
    if not stripped:
        raise UsageError(f"{what} is empty", hint="give the words to speak")
    if not is_text(stripped):
        raise UsageError(f"{what} is not valid UTF-8 text", hint="check the terminal's encoding, or give it as @FILE")
    if len(stripped) > MAX_TTS:
        raise UsageError(
            f"{what} is {len(stripped)} characters long; text-to-speech allows at most {MAX_TTS}",
            hint="shorten it, or split it into several say instructions",
        )
    return stripped


def check_prompts(text: str, what: str = "--prompts") -> str:
    """TTS and SSML prompts as the platform takes them (`#ssml[<speak>...</speak>]`, `#tts[...]`, file ids,
    separated by `;`), stripped; the platform checks their markup."""
    stripped = text.strip()
    if not stripped:
        raise UsageError(f"{what} is empty", hint="e.g. --prompts '#ssml[<speak>Hello</speak>]'")
    if not is_text(stripped) or CONTROL.search(re.sub("[\t\r\n]", " ", stripped)):  # SSML may span lines
        raise UsageError(f"{what} has control characters or bytes that are not UTF-8",
                         hint="check the terminal's encoding, or give it as @FILE")
    return stripped


def check_locale(value: str, what: str = "--locale") -> str:
    """Return a locale or voice name in the form Sinch accepts."""
    if not value:
        raise UsageError(f"{what} is empty", hint=LOCALE_HINT)
    if LOCALE.fullmatch(value):
        return value
    suggestion = _recased_locale(value)
    hint = f"did you mean {suggestion}?" if suggestion else LOCALE_HINT
    raise UsageError(f"{what} '{value}' is not a locale or voice", hint=hint)


def _recased_locale(value: str) -> str | None:
    # en-us and EN_us are common slips for en-US; offer the canonical spelling.
    code, slash, gender = value.replace("_", "-").partition("/")
    parts = code.split("-")
    fixed = [parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]]
    candidate = "-".join(fixed) + slash + gender.lower()
    return candidate if candidate != value and "-" in candidate and LOCALE.fullmatch(candidate) else None


def check_dtmf(value: str, what: str = "--dtmf") -> str:
    """Return a DTMF sequence (0-9, #, *, w)."""
    if not value:
        raise UsageError(f"{what} is empty", hint=DTMF_HINT)
    if DTMF.fullmatch(value):
        return value
    raise UsageError(f"{what} '{value}' is not a DTMF sequence", hint=DTMF_HINT)


def check_moh(value: str, what: str = "--moh") -> str:
    """Return a music-on-hold class."""
    if value in MOH_CLASSES:
        return value
    raise UsageError(
        f"{what} '{value}' is not a music-on-hold class", hint=f"use one of: {', '.join(MOH_CLASSES)}"
    )


def load(value: str, *, what: str, actions=ACTIONS, stdin: TextIO | None = None, warn: Warn | None = None) -> dict:
    """Read SVAML given inline, as @FILE or `-`, then parse and check it."""
    return check(parse(read_value(value, what=what, stdin=stdin), what=what), what=what, actions=actions, warn=warn)


def say(text: str, locale: str | None = None, then: str = "continue") -> dict:
    """SVAML that speaks text, then continues or hangs up."""
    return {"instructions": [say_instruction(text, locale)], "action": {"name": _then(then)}}


def say_instruction(text: str, locale: str | None = None, *, what: str = "--text") -> dict:
    instruction = {"name": "say", "text": check_text(text, what)}
    if locale is not None:
        instruction["locale"] = check_locale(locale)
    return instruction


def play(urls: list[str], then: str = "continue", locale: str | None = None, *, what: str = "URL") -> dict:
    """SVAML that plays audio files from http(s) URLs, then continues or hangs up."""
    return {"instructions": [play_instruction(urls, locale, what=what)], "action": {"name": _then(then)}}


def play_instruction(urls: list[str], locale: str | None = None, *, what: str = "URL") -> dict:
    if not urls:
        raise UsageError("nothing to play", hint="give at least one https:// URL of an audio file")
    instruction = {"name": "playFiles", "ids": [_http_url(url, what) for url in urls]}
    if locale is not None:
        instruction["locale"] = check_locale(locale)
    return instruction


def hangup() -> dict:
    """SVAML that ends the call."""
    return {"action": {"name": "hangup"}}


def _then(then: str) -> str:
    if then not in THEN_ACTIONS:
        raise UsageError(
            f"--then '{then}' is not allowed; use continue or hangup",
            hint="continue keeps the call going, hangup ends it",
        )
    return then


def _http_url(url: str, what: str) -> str:
    from urllib.parse import urlsplit  # stdlib, but only the shortcuts need it

    parts = urlsplit(url.strip())
    odd = any(c.isspace() for c in url.strip()) or CONTROL.search(url) or not is_text(url)
    if odd or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{what} '{url}' is not an http(s) URL",
            hint="give the file's full URL, e.g. https://example.com/welcome.wav",
        )
    return url.strip()


def is_url(value: str) -> bool:
    """Whether a custom callout's ice/ace/pie is given as a URL (else it is SVAML, inline, @FILE or -)."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value.strip()) is not None


def callout_svaml(value: str, *, what: str, stdin: TextIO | None = None, warn: Warn | None = None) -> str:
    """A custom callout's ice/ace/pie: an https URL as is, or checked SVAML serialised as a string."""
    if is_url(value):
        return _callback_url(value, what)
    doc = load(value, what=what, actions=ACTIONS, stdin=stdin, warn=warn)
    return json.dumps(doc, separators=(",", ":"))


def _callback_url(value: str, what: str) -> str:
    from sinchvoice.urls import check_url

    hint = "give an https:// URL (http:// only on localhost, 127.0.0.0/8 or ::1) or SVAML"
    if CONTROL.search(value) or not is_text(value):  # sent as a JSON string: no real URL holds these
        raise UsageError(f"{what} {value.strip()!r} is not an absolute https:// URL", hint=hint)
    check_url(value, what, hint=hint)
    return value
