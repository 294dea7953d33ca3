"""VoiceClient in both layouts: every operation of the contract at exactly its path, method and body (spec), and
every operation of live-platform.md the CLI uses at the platform's (live)."""

import re

import pytest

from sinchvoice import spec
from sinchvoice.client import VoiceClient
from sinchvoice.errors import NotFoundError, UsageError


class RecordingTransport:
    """A seam, not an HTTP mock: records what VoiceClient asks the transport to send."""

    def __init__(self, answer=None):
        self.sent = []
        self.answer = answer if answer is not None else {"callId": "c-1"}  # usable by every operation

    def request(self, method, path, body=None, expect_object=False):
        self.sent.append((method, path, body))
        return self.answer


CALLOUT = {"method": "ttsCallout", "ttsCallout": {"cli": "+46700000100", "text": "Hi"}}
SVAML = {"action": {"name": "hangup"}}
LEG = {"instructions": [{"name": "say", "text": "Hi"}]}
URLS = {"url": {"primary": "https://x.test/"}}
NUMBER = "+46700000100"
SPEC_NUMBER = f"/calling/v1/configuration/numbers/{NUMBER}"

# operationId -> (how the client is asked, the body it must send)
SPEC = {
    "createCallout": (lambda c: c.create_callout(CALLOUT), CALLOUT),
    "getCall": (lambda c: c.get_call("CALL"), None),
    "updateCall": (lambda c: c.update_call("CALL", SVAML), SVAML),
    "getConference": (lambda c: c.get_conference("CONF"), None),
    "kickAllFromConference": (lambda c: c.kick_all_from_conference("CONF"), None),
    "manageConferenceParticipant": (lambda c: c.manage_conference_participant("CONF", "CALL", "onhold", "ring"),
                                    {"command": "onhold"}),  # the contract has no moh
    "kickParticipantFromConference": (lambda c: c.kick_participant_from_conference("CONF", "CALL"), None),
    "getNumbers": (lambda c: c.get_numbers(), None),
    "getNumberConfiguration": (lambda c: c.get_number(NUMBER), None),
    "updateNumberConfiguration": (lambda c: c.assign_numbers([NUMBER], "APP", "voice"),
                                  {"applicationKey": "APP", "capability": "voice"}),
    "unassignNumber": (lambda c: c.unassign_number(NUMBER, "APP", "voice"), None),
    "getApplicationCallbacks": (lambda c: c.get_application_callbacks("APP"), None),
    "updateApplicationCallbacks": (lambda c: c.update_application_callbacks("APP", URLS), URLS),
}
ARGUMENTS = {"call_id": "CALL", "conference_id": "CONF", "number": NUMBER, "application_key": "APP"}
OPERATIONS = [(op["operationId"], method.upper(), path)
              for path, item in spec.load()["paths"].items() for method, op in item.items()]


def test_spec_has_13_operations_and_the_client_covers_each():
    assert len(OPERATIONS) == 13
    assert {operation_id for operation_id, _, _ in OPERATIONS} == set(SPEC)


@pytest.mark.parametrize("operation_id, method, template", OPERATIONS)
def test_each_contract_operation_at_the_spec_path(operation_id, method, template):
    transport = RecordingTransport()
    ask, body = SPEC[operation_id]
    ask(VoiceClient(transport, "spec"))
    expected_path = template.format(**{n: ARGUMENTS[n] for n in re.findall(r"{(\w+)}", template)})
    assert transport.sent == [(method, expected_path, body)]


LIVE = [  # (what the client is asked, method, path, body): live-platform.md's table
    (lambda c: c.create_callout(CALLOUT), "POST", "/calling/v1/callouts", CALLOUT),
    (lambda c: c.get_call("CALL"), "GET", "/calling/v1/calls/id/CALL", None),
    (lambda c: c.update_call("CALL", SVAML), "PATCH", "/calling/v1/calls/id/CALL", SVAML),
    (lambda c: c.manage_call_leg("CALL", "callee", LEG), "PATCH", "/calling/v1/calls/id/CALL/leg/callee", LEG),
    (lambda c: c.get_conference("CONF"), "GET", "/calling/v1/conferences/id/CONF", None),
    (lambda c: c.kick_all_from_conference("CONF"), "DELETE", "/calling/v1/conferences/id/CONF", None),
    (lambda c: c.kick_participant_from_conference("CONF", "CALL"), "DELETE", "/calling/v1/conferences/id/CONF/CALL",
     None),
    (lambda c: c.manage_conference_participant("CONF", "CALL", "onhold", "music1"), "PATCH",
     "/calling/v1/conferences/id/CONF/CALL", {"command": "onhold", "moh": "music1"}),
    (lambda c: c.manage_conference_participant("CONF", "CALL", "mute", "music1"), "PATCH",
     "/calling/v1/conferences/id/CONF/CALL", {"command": "mute"}),  # moh goes only with onhold
    (lambda c: c.get_numbers(), "GET", "/v1/configuration/numbers", None),
    (lambda c: c.assign_numbers([NUMBER, "+46700000101"], "APP", "sms"), "POST", "/v1/configuration/numbers",
     {"numbers": [NUMBER, "+46700000101"], "applicationkey": "APP", "capability": "sms"}),
    (lambda c: c.assign_numbers([NUMBER], "APP"), "POST", "/v1/configuration/numbers",
     {"numbers": [NUMBER], "applicationkey": "APP"}),
    (lambda c: c.unassign_number(NUMBER, "APP", "voice"), "DELETE", "/v1/configuration/numbers",
     {"number": NUMBER, "applicationkey": "APP", "capability": "voice"}),
    (lambda c: c.get_application_callbacks("APP"), "GET", "/v1/configuration/callbacks/applications/APP", None),
    (lambda c: c.update_application_callbacks("APP", URLS), "POST", "/v1/configuration/callbacks/applications/APP",
     URLS),
]


@pytest.mark.parametrize("ask, method, path, body", LIVE)
def test_each_live_operation_at_the_platform_path(ask, method, path, body):
    transport = RecordingTransport()
    ask(VoiceClient(transport))  # live is the default
    assert transport.sent == [(method, path, body)]


def test_live_get_number_is_the_list_filtered():
    listed = {"numbers": [None, "x", {"number": NUMBER, "applicationkey": "APP", "capability": "voice", "new": 1}]}
    transport = RecordingTransport(listed)
    client = VoiceClient(transport, "live")
    assert client.get_number(NUMBER) == listed["numbers"][2]
    with pytest.raises(NotFoundError):
        client.get_number("+46700000199")
    assert transport.sent == [("GET", "/v1/configuration/numbers", None)] * 2


def test_a_live_assignment_carries_at_most_100_numbers():
    client = VoiceClient(RecordingTransport())
    numbers = [f"+4670000{i:04d}" for i in range(101)]
    client.assign_numbers(numbers[:100], "APP")
    with pytest.raises(ValueError):
        client.assign_numbers(numbers, "APP")
    with pytest.raises(ValueError):
        VoiceClient(RecordingTransport(), "spec").assign_numbers(numbers[:2], "APP")


@pytest.mark.parametrize("layout, body, refused", [
    ("spec", {"method": "ttsCallout", "ttsCallout": {"prompts": "#tts[x]", "dtmf": "1"}}, "dtmf, prompts"),
    ("spec", {"method": "customCallout", "customCallout": {"custom": "x"}}, "custom"),
    ("live", {"method": "customCallout", "customCallout": {"text": "x"}}, "text"),
])
def test_a_field_the_layout_lacks_is_refused_before_sending(layout, body, refused):
    transport = RecordingTransport()
    with pytest.raises(UsageError) as info:
        VoiceClient(transport, layout).create_callout(body)
    assert info.value.message == f"{body['method']} has no {refused} in the {layout} layout"
    assert transport.sent == []


def test_the_contract_has_no_call_leg_operation():
    transport = RecordingTransport()
    with pytest.raises(UsageError):
        VoiceClient(transport, "spec").manage_call_leg("CALL", "both", LEG)
    assert transport.sent == []


def test_path_segments_are_escaped():
    transport = RecordingTransport()
    VoiceClient(transport).get_call("a/b c")
    assert transport.sent[0][1] == "/calling/v1/calls/id/a%2Fb%20c"
