"""Request body checks: JSON parsing, JSON Schema against the packaged spec, then Sinch's semantic limits."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator

from sinchvoice import spec
from sinchvoice.sandbox.problems import Problem, invalid, missing

E164 = re.compile(r"^\+[1-9][0-9]{0,14}$")
DTMF = re.compile(r"^[0-9#*w]*$")
MAX_TTS = 600
MAX_CONFERENCE_ID = 64
MAX_DURATION = 14400
MOH_CLASSES = {"ring", "music1", "music2", "music3"}
PATCH_ACTIONS = {"hangup", "continue", "park"}
INSTRUCTIONS = {"playFiles", "say", "sendDtmf", "setCookie", "answer", "startRecording", "stopRecording"}
CALLOUT_NAMES = {"ttsCallout": "TTS", "conferenceCallout": "Conference", "customCallout": "Custom"}


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def loads_strict(body: bytes):
    """Standard JSON only: NaN/Infinity are refused, and nesting too deep to parse is a ValueError, not a 500."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except RecursionError:
        raise ValueError("nested too deeply") from None


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


def check_schema(name: str, document) -> None:
    """The first schema error, as Sinch words it: a missing required property is 40002, the rest 40001."""
    errors = sorted(_validator(name).iter_errors(document), key=lambda e: (len(e.absolute_path), e.message))
    if not errors:
        return
    error = errors[0]
    where = ".".join(str(p) for p in error.absolute_path) or "body"
    message = f"{where}: {error.message}"[:300]
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
        if not E164.match(endpoint):
            raise invalid(f"Invalid number '{endpoint[:32]}': not E.164 (+ then 1-15 digits, no leading 0)")


def check_callout(doc: dict) -> None:
    check_schema("CalloutRequest", doc)
    method = doc["method"]
    body = doc.get(method)
    if body is None:
        raise missing(f"{CALLOUT_NAMES[method]} callout information missing")
    check_destination(body["destination"])
    {"ttsCallout": _check_tts, "conferenceCallout": _check_conference, "customCallout": _check_custom}[
        method
    ](body)


def _check_tts(body: dict) -> None:
    text = body["text"]
    if not text.strip():
        raise missing("TTS text missing")
    if len(text) > MAX_TTS:
        raise invalid(f"TTS text is {len(text)} characters (limit {MAX_TTS})")


def _check_conference(body: dict) -> None:
    conference_id = body["conferenceId"]
    if not conference_id.strip():
        raise missing("conferenceId missing")
    if len(conference_id) > MAX_CONFERENCE_ID:
        raise invalid(f"conferenceId is {len(conference_id)} characters (limit {MAX_CONFERENCE_ID})")
    if not DTMF.match(body.get("dtmf", "")):
        raise invalid("dtmf may only contain 0-9, #, * and w")
    max_duration = body.get("maxDuration")
    if max_duration is not None and not 0 < max_duration <= MAX_DURATION:
        raise invalid(f"maxDuration must be between 1 and {MAX_DURATION} seconds")
    if body.get("mohClass") is not None and body["mohClass"] not in MOH_CLASSES:
        raise invalid(f"mohClass must be one of {', '.join(sorted(MOH_CLASSES))}")
    if len(body.get("greeting", "")) > MAX_TTS:
        raise invalid(f"greeting is over {MAX_TTS} characters")


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
    """A PATCH on a live call: exactly one action, and only hangup/continue/park. Returns the action name."""
    check_schema("SVAMLControl", doc)
    action = doc.get("action")
    if action is None:
        raise missing("SVAML action missing")
    name = action.get("name")
    if not name:
        raise missing("SVAML action name missing")
    if name not in PATCH_ACTIONS:
        raise invalid(f"Action '{name[:40]}' is not allowed on a call update (use hangup, continue or park)")
    for instruction in doc.get("instructions", []):
        if instruction.get("name") not in INSTRUCTIONS:
            raise invalid(f"Unknown SVAML instruction '{str(instruction.get('name'))[:40]}'")
    return name


def check_participant_command(doc: dict) -> str:
    check_schema("ManageParticipantRequest", doc)
    if "command" not in doc:
        raise missing("command missing (mute, unmute, onhold or resume)")
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
