"""Fixed demo values of the sandbox (stdlib only: the CLI's help text imports this module)."""

from __future__ import annotations

KEY = "11111111-2222-4333-8444-555555555555"
SECRET = "c2FuZGJveHNlY3JldA=="  # base64("sandboxsecret")
HOST = "127.0.0.1"
PORT = 8700

CURRENCY = "EUR"
RATE_PER_MINUTE = 0.025
RING_SECONDS = 2.0
NOANSWER_RING_SECONDS = 30.0
CALLEE_HANGUP_AFTER = 3.0
WORDS_PER_MINUTE = 150
MIN_SPEAK_SECONDS = 2.0
MAX_BODY_BYTES = 64 * 1024
CALLBACK_TIMEOUT = 5.0

# Destination suffix -> (result, reason) forced on calls to numbers ending with it.
RESERVED_SUFFIXES = {
    "0001": ("BUSY", "N/A"),
    "0002": ("NOANSWER", "TIMEOUT"),
    "0003": ("FAILED", "GENERALERROR"),
    "0004": ("ANSWERED", "CALLEEHANGUP"),
}

SEEDED_NUMBERS = (
    {"number": "+46700000100", "applicationKey": KEY, "capability": "voice"},
    {"number": "+46700000101", "applicationKey": KEY, "capability": "voice"},
    {"number": "+46700000102", "capability": "voice"},
    {"number": "+46700000103", "applicationKey": KEY, "capability": "sms"},
)
