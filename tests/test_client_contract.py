"""VoiceClient covers every operation of the spec, at exactly the spec's paths and methods."""

import re

import pytest

from sinchvoice import spec
from sinchvoice.client import VoiceClient


class RecordingTransport:
    """A seam, not an HTTP mock: records what VoiceClient asks the transport to send."""

    def __init__(self):
        self.sent = []

    def request(self, method, path, body=None, expect_object=False):
        self.sent.append((method, path, body))
        return {"callId": "c-1"}  # a usable answer for every operation, the callout's included


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


ARGUMENTS = {"call_id": "CALL", "conference_id": "CONF", "number": "+46700000100", "application_key": "APP"}
BODIES = {"createCallout": {"method": "ttsCallout"}, "updateCall": {"action": {"name": "hangup"}},
          "manageConferenceParticipant": "mute", "updateNumberConfiguration": {"capability": "voice"},
          "updateApplicationCallbacks": {"url": {"primary": "https://x"}}}

OPERATIONS = [(op["operationId"], method.upper(), path)
              for path, item in spec.load()["paths"].items() for method, op in item.items()]


def test_spec_has_13_operations():
    assert len(OPERATIONS) == 13


@pytest.mark.parametrize("operation_id, method, template", OPERATIONS)
def test_each_operation_has_a_method_at_the_spec_path(operation_id, method, template):
    transport = RecordingTransport()
    client = VoiceClient(transport)
    function = getattr(client, snake(operation_id))
    names = re.findall(r"{(\w+)}", template)
    args = [ARGUMENTS[n] for n in names]
    if operation_id in BODIES:
        args.append(BODIES[operation_id])
    function(*args)
    expected_path = template.format(**{n: ARGUMENTS[n] for n in names})
    sent_method, sent_path, body = transport.sent[0]
    assert (sent_method, sent_path) == (method, expected_path)
    if operation_id == "manageConferenceParticipant":
        assert body == {"command": "mute"}
    elif operation_id in BODIES:
        assert body == BODIES[operation_id]
    else:
        assert body is None


def test_path_segments_are_escaped():
    transport = RecordingTransport()
    VoiceClient(transport).get_call("a/b c")
    assert transport.sent[0][1] == "/calling/v1/calls/id/a%2Fb%20c"
