"""Checks of the live layout's request bodies: its JSON Schemas (schemas.py), then Sinch's limits."""

from __future__ import annotations

import re

from sinchvoice import limits
from sinchvoice.sandbox import schemas
from sinchvoice.sandbox.problems import Problem, invalid, missing
from sinchvoice.sandbox.validation import (
    CALLOUT_NAMES,
    check_conference,
    check_destination,
    check_dtmf,
    check_instructions,
    check_max_duration,
    check_schema,
    check_svaml_update,
    is_url,
    loads_strict,
)

# connect actions that say whom a custom callout calls, and how their callee becomes a destination.
CALLEE_ACTIONS = ("connectPstn", "connectSip", "connectMxp")
PROMPT_MARKUP = re.compile(r"<[^>]*>|#\w+\[|[\[\];]")


def check(name: str, document) -> None:
    check_schema(schemas.validator(name), document)


def check_callout(doc) -> dict:
    """A live callout body -> the order State.create_call places (see validation.check_callout)."""
    check("callout", doc)
    method = doc["method"]
    body = doc.get(method)
    if body is None:
        raise missing(f"{CALLOUT_NAMES[method]} callout information missing")
    check_dtmf(body.get("dtmf"))
    destination = body.get("destination")
    if destination is not None:
        destination = _destination(destination)
    if method == "ttsCallout":
        return _tts(body, destination)
    if method == "conferenceCallout":
        check_conference(body)
        return _order(body, destination, conferenceId=body["conferenceId"], limit=body.get("maxDuration"))
    return _custom(body, destination)


def _destination(destination: dict) -> dict:
    normalized = {"type": destination["type"].lower(), "endpoint": destination["endpoint"]}
    check_destination(normalized)
    return normalized


def _order(body: dict, destination: dict, **extra) -> dict:
    order = {
        "cli": body.get("cli") or "private",
        "destination": destination,
        "custom": body.get("custom", ""),
        "enableAce": body.get("enableAce", False),
        "enableDice": body.get("enableDice", False),
    }
    return {**order, **extra}


def _tts(body: dict, destination: dict) -> dict:
    text, prompts = body.get("text", ""), body.get("prompts", "")
    if not text.strip() and not prompts.strip():
        raise missing("TTS text or prompts missing")
    if len(text) > limits.MAX_TTS:
        raise invalid(f"TTS text is {len(text)} characters (limit {limits.MAX_TTS})")
    spoken = text if text.strip() else PROMPT_MARKUP.sub(" ", prompts)
    return _order(body, destination, text=spoken)


def _custom(body: dict, destination: dict | None) -> dict:
    check_max_duration(body.get("maxDuration"))
    documents = {field: _svaml(body, field) for field in ("ice", "ace", "pie")}
    cli = body.get("cli")
    if destination is None:
        destination, action_cli = _callee((documents["ice"] or {}).get("action") or {})
        cli = cli or action_cli
    ace = body.get("ace") or ""
    return _order(
        {**body, "cli": cli}, destination, limit=body.get("maxDuration"), ace=ace if is_url(ace) else ""
    )


def _svaml(body: dict, field: str) -> dict | None:
    """An inline SVAML document (None for a URL or nothing), its names known without regard to case."""
    value = body.get(field)
    if value is None or is_url(value):
        return None
    try:
        document = loads_strict(value.encode("utf-8"))
    except ValueError:
        raise invalid(f"customCallout.{field} is neither a URL nor a SVAML JSON document") from None
    if not isinstance(document, dict):
        raise invalid(f"customCallout.{field} must be a SVAML object")
    try:
        check("svaml", document)
    except Problem as problem:  # say which of ice/ace/pie was wrong
        problem.message = f"customCallout.{field}: {problem.message}"
        raise
    check_instructions(document.get("instructions", []), limits.INSTRUCTIONS)
    action = document.get("action")
    if action is not None and limits.canonical(action["name"], limits.ACTIONS) is None:
        raise invalid(f"customCallout.{field}: unknown SVAML action '{action['name'][:40]}'")
    return document


def _callee(action: dict) -> tuple[dict, str | None]:
    """Whom an inline ICE calls when the callout names nobody: its connectPstn/connectSip/connectMxp."""
    name = limits.canonical(action.get("name"), CALLEE_ACTIONS)
    cli = action.get("cli") if isinstance(action.get("cli"), str) else None  # the caller ID it shows, if any
    if name == "connectPstn" and isinstance(action.get("number"), str):
        return _destination({"type": "number", "endpoint": action["number"]}), cli
    target = action.get("destination")
    if name in ("connectSip", "connectMxp") and isinstance(target, dict) and isinstance(target.get("endpoint"), str):
        kind = "sip" if name == "connectSip" else "username"
        return _destination({"type": kind, "endpoint": target["endpoint"]}), cli
    raise missing(
        "customCallout.destination missing: give a destination, or an inline ice whose action is "
        "connectPstn (with number), connectSip or connectMxp (with destination)"
    )


def check_leg(doc) -> str | None:
    """The call-leg operation: playFiles/say instructions only; an optional action as on a call update."""
    check("leg", doc)
    names = check_instructions(doc["instructions"], limits.LEG_INSTRUCTIONS)
    for instruction, name in zip(doc["instructions"], names, strict=True):
        check(f"leg.{name}", instruction)
        if name == "say" and len(instruction["text"]) > limits.MAX_TTS:
            raise invalid(f"say text is {len(instruction['text'])} characters (limit {limits.MAX_TTS})")
    if "action" not in doc:
        return None
    return check_svaml_update({"action": doc["action"]})


def check_participant(doc) -> tuple[str, str | None]:
    check("participant", doc)
    return doc["command"], doc.get("moh")


def check_number(number: str) -> str:
    if not number.startswith("+"):
        raise Problem(400, 40005, f"Invalid number '{number[:32]}': missing leading plus")
    if not limits.E164.fullmatch(number):
        raise invalid(f"Invalid number '{number[:32]}': not E.164 (+ then 1-15 digits, no leading 0)")
    return number


def check_assign(doc) -> list[str]:
    check("assign", doc)
    if not doc["applicationkey"].strip():
        raise invalid("applicationkey is empty")
    return [check_number(number) for number in doc["numbers"]]


def check_unassign(doc) -> str:
    check("unassign", doc)
    return check_number(doc["number"])
