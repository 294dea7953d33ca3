"""VoiceClient: one method per operationId of the spec; the API's paths live here and nowhere else."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

CALLOUTS = "/calling/v1/callouts"
CALL = "/calling/v1/calls/id/{call_id}"
CONFERENCE = "/calling/v1/conferences/id/{conference_id}"
PARTICIPANT = "/calling/v1/conferences/id/{conference_id}/{call_id}"
NUMBERS = "/calling/v1/configuration/numbers"
NUMBER = "/calling/v1/configuration/numbers/{number}"
CALLBACKS = "/calling/v1/configuration/callbacks/applications/{application_key}"


def _path(template: str, **values: str) -> str:
    # "+" stays literal so E.164 numbers read naturally in traces; everything else unsafe is escaped.
    return template.format(**{k: quote(str(v), safe="+") for k, v in values.items()})


class VoiceClient:
    """Thin: builds paths and bodies' envelopes, returns the API's JSON as dicts."""

    def __init__(self, transport):
        self.transport = transport

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Raw escape hatch for `sinchvoice api`: same auth, retries and error mapping."""
        return self.transport.request(method, path, body)

    # Callouts
    def create_callout(self, body: dict) -> dict:
        return self.transport.request("POST", CALLOUTS, body)

    # Calls
    def get_call(self, call_id: str) -> dict:
        return self.transport.request("GET", _path(CALL, call_id=call_id))

    def update_call(self, call_id: str, svaml: dict) -> dict:
        return self.transport.request("PATCH", _path(CALL, call_id=call_id), svaml)

    # Conferences
    def get_conference(self, conference_id: str) -> dict:
        return self.transport.request("GET", _path(CONFERENCE, conference_id=conference_id))

    def kick_all_from_conference(self, conference_id: str) -> dict:
        return self.transport.request("DELETE", _path(CONFERENCE, conference_id=conference_id))

    def manage_conference_participant(self, conference_id: str, call_id: str, command: str) -> dict:
        path = _path(PARTICIPANT, conference_id=conference_id, call_id=call_id)
        return self.transport.request("PATCH", path, {"command": command})

    def kick_participant_from_conference(self, conference_id: str, call_id: str) -> dict:
        return self.transport.request("DELETE", _path(PARTICIPANT, conference_id=conference_id, call_id=call_id))

    # Applications
    def get_numbers(self) -> dict:
        return self.transport.request("GET", NUMBERS)

    def get_number_configuration(self, number: str) -> dict:
        return self.transport.request("GET", _path(NUMBER, number=number))

    def update_number_configuration(self, number: str, configuration: dict) -> dict:
        return self.transport.request("POST", _path(NUMBER, number=number), configuration)

    def unassign_number(self, number: str) -> dict:
        return self.transport.request("DELETE", _path(NUMBER, number=number))

    def get_application_callbacks(self, application_key: str) -> dict:
        return self.transport.request("GET", _path(CALLBACKS, application_key=application_key))

    def update_application_callbacks(self, application_key: str, callbacks: dict) -> dict:
        return self.transport.request("POST", _path(CALLBACKS, application_key=application_key), callbacks)

    def close(self) -> None:
        self.transport.close()
