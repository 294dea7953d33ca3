"""Request body checks: JSON parsing, JSON Schema against the packaged spec, then Sinch's semantic limits."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator

from sinchvoice import limits, spec
from sinchvoice.sandbox.problems import Problem, invalid, missing

CALLOUT_NAMES = {"ttsCallout": "TTS", "conferenceCallout": "Conference", "customCallout": "Custom"}


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as inf, which no JSON encoder can write back
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def loads_strict(body: bytes):
    """Standard JSON only: NaN, Infinity, numbers that overflow to infinity and lone surrogates are refused,
    and nesting too deep to parse is a ValueError, not a 500. What this returns can always be written back."""
    try:
        document = json.loads(body.decode("utf-8"), parse_constant=_no_constants, parse_float=_finite)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    _check_strings(document)
    return document


def _check_strings(document) -> None:
    """`"\\ud800"` is valid JSON syntax but not Unicode: refuse it before it reaches a response or the journal."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("a string holds a lone surrogate (not Unicode)") from None


def parse_json(body: bytes):
    if not body.strip():
        raise missing("Request body is missing")
    try:
        return loads_strict(body)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise invalid(f"Malformed JSON: {exc}") from None


@lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(spec.schema(name))


def check_schema(name_or_validator: str | Draft202012Validator, document) -> None:
    """The first schema error, as Sinch words it: a missing required property is 40002, the rest 40001.
    A contract schema is named; the live layout's own schemas (sandbox/schemas.py) are passed compiled.
    A schema may carry `x-message` beside a keyword to say in plain words what that keyword wants."""
    validator = (
        _validator(name_or_validator) if isinstance(name_or_validator, str) else name_or_validator
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: (len(e.absolute_path), e.message))
    if not errors:
        return
    error = errors[0]
    where = ".".join(str(p) for p in error.absolute_path) or "body"
    explained = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    message = (explained or f"{where}: {error.message}")[:300]
    raise (missing if error.validator == "required" else invalid)(message)


def is_url(value: str) -> bool:
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_destination(destination: dict) -> None:
    endpoint = destination["endpoint"]
    if not endpoint.strip():
        raise missing("destination.endpoint is missing")
    if destination["type"] in ("number", "did"):
        if not endpoint.startswith("+"):
            raise Problem(400, 40005, f"Invalid number '{endpoint[:32]}': missing leading plus")
        if not limits.E164.fullmatch(endpoint):
            raise invalid(f"Invalid number '{endpoint[:32]}': not E.164 (+ then 1-15 digits, no leading 0)")


def check_callout(doc: dict) -> dict:
    """A contract callout body -> the order State.create_call places: who calls whom, for how long, which
    events; both layouts produce the same keys, so the state never reads a request body itself."""
    check_schema("CalloutRequest", doc)
    method = doc["method"]
    body = doc.get(method)
    if body is None:
        raise missing(f"{CALLOUT_NAMES[method]} callout information missing")
    check_destination(body["destination"])
    {"ttsCallout": _check_tts, "conferenceCallout": check_conference, "customCallout": _check_custom}[
        method
    ](body)
    order = {
        "cli": body["cli"],
        "destination": dict(body["destination"]),
        "custom": "",
        "enableAce": body.get("enableAce", False),
        "enableDice": body.get("enableDice", False),
    }
    if method == "ttsCallout":
        order["text"] = body["text"]
    elif method == "conferenceCallout":
        order.update(conferenceId=body["conferenceId"], limit=body.get("maxDuration"))
    else:
        ace = body.get("ace") or ""
        order["ace"] = ace if is_url(ace) else ""
    return order


def _check_tts(body: dict) -> None:
    text = body["text"]
    if not text.strip():
        raise missing("TTS text missing")
    if len(text) > limits.MAX_TTS:
        raise invalid(f"TTS text is {len(text)} characters (limit {limits.MAX_TTS})")


def check_conference(body: dict) -> None:
    conference_id = body["conferenceId"]
    if not conference_id.strip():
        raise missing("conferenceId missing")
    if len(conference_id) > limits.MAX_CONFERENCE_ID:
        raise invalid(f"conferenceId is {len(conference_id)} characters (limit {limits.MAX_CONFERENCE_ID})")
    check_dtmf(body.get("dtmf"))
    check_max_duration(body.get("maxDuration"))
    if body.get("mohClass") is not None and body["mohClass"] not in limits.MOH_CLASSES:
        raise invalid(f"mohClass must be one of {', '.join(limits.MOH_CLASSES)}")
    if len(body.get("greeting", "")) > limits.MAX_TTS:
        raise invalid(f"greeting is over {limits.MAX_TTS} characters")


def check_dtmf(dtmf) -> None:
    """An empty string plays nothing and is accepted; anything else must be digits, #, * and w only."""
    if dtmf and not limits.DTMF.fullmatch(dtmf):
        raise invalid("dtmf may only contain 0-9, #, * and w")


def check_max_duration(max_duration) -> None:
    if max_duration is not None and not 0 < max_duration <= limits.MAX_DURATION:
        raise invalid(f"maxDuration must be between 1 and {limits.MAX_DURATION} seconds")


def _check_custom(body: dict) -> None:
    for field in ("ice", "ace", "pie"):
        value = body.get(field)
        if value is None or is_url(value):
            continue
        try:
            document = json.loads(value)
        except ValueError:
            raise invalid(f"customCallout.{field} is neither a URL nor a SVAML JSON document") from None
        if not isinstance(document, dict):
            raise invalid(f"customCallout.{field} must be a SVAML object")


def check_svaml_update(doc: dict) -> str:
    """A PATCH on a live call: exactly one action, and only hangup/continue/park (names compared without case,
    as the platform does). Returns the action's documented name."""
    check_schema("SVAMLControl", doc)
    action = doc.get("action")
    if action is None:
        raise missing("SVAML action missing")
    name = action.get("name")
    if not name:
        raise missing("SVAML action name missing")
    known = limits.canonical(name, limits.PATCH_ACTIONS)
    if known is None:
        raise invalid(f"Action '{name[:40]}' is not allowed on a call update (use hangup, continue or park)")
    check_instructions(doc.get("instructions", []), limits.INSTRUCTIONS)
    return known


def check_instructions(instructions: list, allowed: tuple[str, ...]) -> list[str]:
    """The documented names of the instructions, each one of `allowed` (compared without case)."""
    names = []
    for instruction in instructions:
        name = limits.canonical(instruction.get("name"), allowed)
        if name is None:
            shown = str(instruction.get("name"))[:40]
            raise invalid(f"SVAML instruction '{shown}' is not allowed here (use {', '.join(allowed)})")
        names.append(name)
    return names


def check_participant_command(doc: dict) -> str:
    check_schema("ManageParticipantRequest", doc)
    if "command" not in doc:
        *others, last = limits.PARTICIPANT_COMMANDS
        raise missing(f"command missing ({', '.join(others)} or {last})")
    return doc["command"]


def check_number_configuration(doc: dict, number: str) -> None:
    check_schema("NumberConfiguration", doc)
    if "number" in doc and doc["number"] != number:
        raise invalid("number in the body differs from the number in the path")
    if "applicationKey" in doc and not doc["applicationKey"].strip():
        raise invalid("applicationKey is empty")


def check_callbacks(doc: dict) -> None:
    check_schema("ApplicationCallbacks", doc)
    for role, value in doc.get("url", {}).items():
        if role in ("primary", "fallback") and value and not is_url(value):
            raise invalid(f"url.{role} is not an http(s) URL")
