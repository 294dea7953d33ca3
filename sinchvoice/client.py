"""VoiceClient: one method per operationId of the spec; the API's paths live here and nowhere else."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sinchvoice.errors import UsageError

CALLOUTS = "/calling/v1/callouts"
CALL = "/calling/v1/calls/id/{call_id}"
CONFERENCE = "/calling/v1/conferences/id/{conference_id}"
PARTICIPANT = "/calling/v1/conferences/id/{conference_id}/{call_id}"
NUMBERS = "/calling/v1/configuration/numbers"
NUMBER = "/calling/v1/configuration/numbers/{number}"
CALLBACKS = "/calling/v1/configuration/callbacks/applications/{application_key}"

# What each path value is called in messages, and where to find a good one.
SEGMENTS = {
    "call_id": ("call id", "check the call id: callouts print it, and `sinchvoice conferences get CONF` lists "
                           "participants"),
    "conference_id": ("conference id", "check the conference id: it is the --conference-id of the callouts"),
    "number": ("number", "give the number in E.164 form, e.g. +46700000100"),
    "application_key": ("application key", "check --app, or the profile's key (sinchvoice auth status)"),
}


def check_segment(value: str, name: str) -> str:
    """A value that will be one URL path segment, or a UsageError (exit 2, nothing sent).

    `.` and `..` are refused, not encoded: httpx folds them into the parent path, which turned
    `conferences kick CONF .` into kick-all. Encoding them is no way out: httpx 0.28 does send `%2E` as is,
    but RFC 3986 (6.2.2.2) lets any server or proxy decode it and fold it the same way. Control characters
    and text that is not UTF-8 cannot be a real id. Everything else, `/ ? # %` included, is percent-encoded
    by `_path` (a literal `%2E` typed by a user travels as `%252E`).
    """
    from sinchvoice.inputs import check_identifier

    what, hint = SEGMENTS[name]
    return check_identifier(str(value), f"the {what}", hint=hint)


def _path(template: str, **values: str) -> str:
    # "+" stays literal so E.164 numbers read naturally in traces; everything else unsafe is escaped.
    return template.format(**{k: quote(check_segment(v, k), safe="+") for k, v in values.items()})


def call_id_of(answer: Any) -> str:
    """The call id a callout's answer carries (`callId`, or `callid` as the live platform may spell it).

    An accepted callout without a usable one may still ring a phone: exit 7, never an empty id on stdout.
    """
    from sinchvoice.answers import callout_maybe_placed

    call_id = answer.get("callId", answer.get("callid")) if isinstance(answer, dict) else None
    if not isinstance(call_id, str) or not call_id.strip():
        raise callout_maybe_placed("the answer has no call id")
    try:
        check_segment(call_id, "call_id")
    except UsageError:
        raise callout_maybe_placed("the answer has no usable call id") from None
    if any(c.isspace() for c in call_id):
        raise callout_maybe_placed("the answer has no usable call id")
    return call_id


class VoiceClient:
    """Thin: builds paths and bodies' envelopes, returns the API's JSON as dicts."""

    def __init__(self, transport):
        self.transport = transport

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Raw escape hatch for `sinchvoice api`: same auth, retries and error mapping."""
        return self.transport.request(method, path, body)

    def _read(self, method: str, path: str, body: Any = None) -> dict | None:
        """An operation that answers with a JSON object: anything else is the server misbehaving."""
        return self.transport.request(method, path, body, expect_object=True)

    # Callouts
    def create_callout(self, body: dict) -> dict | None:
        """The API's answer, checked to carry a usable call id (see `call_id_of`); None in --dry-run."""
        answer = self._read("POST", CALLOUTS, body)
        if answer is not None:
            call_id_of(answer)
        return answer

    # Calls
    def get_call(self, call_id: str) -> dict:
        return self._read("GET", _path(CALL, call_id=call_id))

    def update_call(self, call_id: str, svaml: dict) -> dict:
        return self.transport.request("PATCH", _path(CALL, call_id=call_id), svaml)

    # Conferences
    def get_conference(self, conference_id: str) -> dict:
        return self._read("GET", _path(CONFERENCE, conference_id=conference_id))

    def kick_all_from_conference(self, conference_id: str) -> dict:
        return self.transport.request("DELETE", _path(CONFERENCE, conference_id=conference_id))

    def manage_conference_participant(self, conference_id: str, call_id: str, command: str) -> dict:
        path = _path(PARTICIPANT, conference_id=conference_id, call_id=call_id)
        return self.transport.request("PATCH", path, {"command": command})

    def kick_participant_from_conference(self, conference_id: str, call_id: str) -> dict:
        return self.transport.request("DELETE", _path(PARTICIPANT, conference_id=conference_id, call_id=call_id))

    # Applications
    def get_numbers(self) -> dict:
        return self._read("GET", NUMBERS)

    def get_number_configuration(self, number: str) -> dict:
        return self._read("GET", _path(NUMBER, number=number))

    def update_number_configuration(self, number: str, configuration: dict) -> dict:
        return self.transport.request("POST", _path(NUMBER, number=number), configuration)

    def unassign_number(self, number: str) -> dict:
        return self.transport.request("DELETE", _path(NUMBER, number=number))

    def get_application_callbacks(self, application_key: str) -> dict:
        return self._read("GET", _path(CALLBACKS, application_key=application_key))

    def update_application_callbacks(self, application_key: str, callbacks: dict) -> dict:
        return self.transport.request("POST", _path(CALLBACKS, application_key=application_key), callbacks)

    def close(self) -> None:
        self.transport.close()
