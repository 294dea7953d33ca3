"""JSON Schemas of the live layout's request bodies that the contract file does not describe (data only).

Sources: live-platform.md and the request types of Sinch's Node SDK (@sinch/voice 1.4). Structure and types
live here; the limits (E.164, DTMF, lengths) are checked in live_checks.py with sinchvoice.limits, because a
JSON Schema `pattern` with `$` accepts a trailing newline. `x-message` says in plain words what a keyword wants.
"""

from __future__ import annotations

from functools import lru_cache

from sinchvoice import limits

STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}
# The SDK's types spell some enums in two cases ('number' | 'Number', 'pstn' | 'PSTN').
DESTINATION_TYPES = ["number", "Number", "username", "Username", "sip", "Sip"]
DOMAINS = ["pstn", "mxp", "PSTN", "MXP"]

DESTINATION = {
    "type": "object",
    "required": ["type", "endpoint"],
    "properties": {
        "type": {
            "type": "string",
            "enum": DESTINATION_TYPES,
            "x-message": "destination.type must be number, username or sip (did is not a callout destination)",
        },
        "endpoint": STRING,
    },
}
EVENTS = {"enableAce": BOOLEAN, "enableDice": BOOLEAN, "enablePie": BOOLEAN}
MOH = {
    "type": "string",
    "enum": list(limits.MOH_CLASSES),
    "x-message": f"music on hold must be {', '.join(limits.MOH_CLASSES[:-1])} or {limits.MOH_CLASSES[-1]}",
}

TTS_CALLOUT = {
    "type": "object",
    "required": ["destination"],
    "properties": {
        "cli": STRING,
        "destination": DESTINATION,
        "dtmf": STRING,
        "domain": {"type": "string", "enum": DOMAINS},
        "custom": STRING,
        "locale": STRING,
        "text": STRING,
        "prompts": STRING,
        **EVENTS,
    },
}
CONFERENCE_CALLOUT = {
    "type": "object",
    "required": ["destination", "conferenceId"],
    "properties": {
        "cli": STRING,
        "destination": DESTINATION,
        "conferenceId": STRING,
        "conferenceDtmfOptions": {
            "type": "object",
            "properties": {
                "mode": {"type": "string", "enum": ["ignore", "forward", "detect"]},
                "maxDigits": {"type": "integer", "minimum": 1, "maximum": 100},
                "timeoutMills": {"type": "integer", "minimum": 0, "maximum": 60000},
            },
        },
        "dtmf": STRING,
        "maxDuration": INTEGER,
        "locale": STRING,
        "greeting": STRING,
        "mohClass": MOH,
        "custom": STRING,
        "domain": {"type": "string", "enum": DOMAINS},
        **EVENTS,
    },
}
CUSTOM_CALLOUT = {  # everything optional: inline ICE says whom to call
    "type": "object",
    "properties": {
        "cli": STRING,
        "destination": DESTINATION,
        "dtmf": STRING,
        "custom": STRING,
        "maxDuration": INTEGER,
        "ice": STRING,
        "ace": STRING,
        "pie": STRING,
    },
}
CALLOUT = {
    "type": "object",
    "required": ["method"],
    "properties": {
        "method": {"type": "string", "enum": ["ttsCallout", "conferenceCallout", "customCallout"]},
        "ttsCallout": TTS_CALLOUT,
        "conferenceCallout": CONFERENCE_CALLOUT,
        "customCallout": CUSTOM_CALLOUT,
    },
}

NAMED = {"type": "object", "required": ["name"], "properties": {"name": STRING}}
# An inline SVAML document (a custom callout's ice/ace/pie); names are compared without case in code.
SVAML = {"type": "object", "properties": {"instructions": {"type": "array", "items": NAMED}, "action": NAMED}}
# The call-leg operation plays or says something to one side of a call.
LEG_UPDATE = {
    "type": "object",
    "required": ["instructions"],
    "properties": {
        "instructions": {
            "type": "array",
            "minItems": 1,
            "items": NAMED,
            "x-message": "instructions: give at least one playFiles or say instruction",
        },
        "action": NAMED,
    },
}
LEG_INSTRUCTIONS = {
    "playFiles": {
        "type": "object",
        "required": ["ids"],
        "properties": {"ids": {"type": "array", "minItems": 1, "items": STRING}, "locale": STRING},
    },
    "say": {"type": "object", "required": ["text"], "properties": {"text": STRING, "locale": STRING}},
}

PARTICIPANT = {
    "type": "object",
    "required": ["command"],
    "properties": {"command": {"type": "string", "enum": list(limits.PARTICIPANT_COMMANDS)}, "moh": MOH},
    # Music on hold only makes sense when putting someone on hold.
    "dependentSchemas": {
        "moh": {
            "properties": {
                "command": {"const": "onhold", "x-message": "moh is only allowed with the command onhold"}
            }
        }
    },
}

ASSIGN_NUMBERS = {
    "type": "object",
    "required": ["numbers", "applicationkey"],
    "properties": {
        "numbers": {
            "type": "array",
            "minItems": 1,
            "items": STRING,
            "x-message": "numbers: give a list of at least one E.164 number",
        },
        "applicationkey": {"type": "string", "minLength": 1},
        "capability": {"type": "string", "enum": list(limits.CAPABILITIES)},
    },
}
UNASSIGN_NUMBER = {
    "type": "object",
    "required": ["number", "applicationkey"],
    "properties": {
        "number": STRING,
        "applicationkey": {"type": "string", "minLength": 1},
        "capability": {"type": "string", "enum": list(limits.CAPABILITIES)},
    },
}

SCHEMAS = {
    "callout": CALLOUT,
    "svaml": SVAML,
    "leg": LEG_UPDATE,
    "participant": PARTICIPANT,
    "assign": ASSIGN_NUMBERS,
    "unassign": UNASSIGN_NUMBER,
    **{f"leg.{name}": schema for name, schema in LEG_INSTRUCTIONS.items()},
}


@lru_cache(maxsize=None)
def validator(name: str):
    """A compiled validator for one of SCHEMAS (checked against the metaschema once)."""
    from jsonschema import Draft202012Validator

    schema = SCHEMAS[name]
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
