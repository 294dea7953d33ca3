"""The Voice API's limits and names, in one place for the CLI and the sandbox (stdlib only)."""

from __future__ import annotations

import re

MAX_TTS = 600  # characters of TTS text (Sinch's default limit)
MAX_CONFERENCE_ID = 64  # characters
MAX_DURATION = 14400  # seconds (4 hours), maxDuration of a call

# Tuples, not sets: their order is the order error messages list them in.
MOH_CLASSES = ("ring", "music1", "music2", "music3")
PATCH_ACTIONS = ("hangup", "continue", "park")  # the only actions an update of a live call accepts
INSTRUCTIONS = ("playFiles", "say", "sendDtmf", "setCookie", "answer", "startRecording", "stopRecording")
ACTIONS = (
    "hangup", "continue", "connectPstn", "connectMxp", "connectConf", "connectSip", "connectStream", "runMenu",
    "park",
)
LEG_INSTRUCTIONS = ("playFiles", "say")  # what the call-leg operation plays to one side of a call
CALL_LEGS = ("caller", "callee", "both")
PARTICIPANT_COMMANDS = ("mute", "unmute", "onhold", "resume")
CAPABILITIES = ("voice", "sms")

# Patterns without anchors: always use fullmatch(). `re.match` with `$` would let a trailing newline through.
E164 = re.compile(r"\+[1-9][0-9]{0,14}")
DTMF = re.compile(r"[0-9#*w]+")  # w is a 500 ms pause


def canonical(name: object, names: tuple[str, ...]) -> str | None:
    """The documented spelling of an SVAML name compared without case (`ConnectConf` -> `connectConf`)."""
    if not isinstance(name, str) or not name.isascii():  # no Unicode case folding: ſ is not s
        return None
    folded = name.lower()
    return next((known for known in names if known.lower() == folded), None)
