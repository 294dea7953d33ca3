"""The live layout (live-platform.md) operation by operation over loopback HTTP, signed and basic; and that the
spec layout keeps the contract's paths and shapes and answers 404 to the live-only paths."""

from __future__ import annotations

import json

import pytest

from sinchvoice.sandbox import defaults
from tests.sandbox_fixture import sandbox_handle
from tests.sandbox_support import CLI, TO, callout, conference, custom, tts, validate

KEY = defaults.KEY
NUMBERS = "/v1/configuration/numbers"
CALLBACKS = f"/v1/configuration/callbacks/applications/{KEY}"
QUERY = "/v1/calling/query/number"
SEEDED_LIVE = [
    {"number": "+46700000100", "applicationkey": KEY, "capability": "voice"},
    {"number": "+46700000101", "applicationkey": KEY, "capability": "voice"},
    {"number": "+46700000102", "capability": "voice"},
    {"number": "+46700000103", "applicationkey": KEY, "capability": "sms"},
]


@pytest.fixture
def live(sandbox_live):
    return sandbox_live


@pytest.fixture
def spec(sandbox_spec):
    return sandbox_spec


@pytest.fixture(params=["signed", "basic"])
def auth(request):
    return request.param


@pytest.fixture
def client(live, auth):
    with live.client(auth) as client:
        yield client


def error(response) -> tuple[int, int]:
    return response.status_code, response.json()["errorCode"]


def numbers(client) -> dict:
    return {n["number"]: n for n in client.get(NUMBERS).json()["numbers"]}


# ---- configuration: numbers -----------------------------------------------------------------------


def test_list_numbers_has_lower_case_applicationkey_absent_when_unassigned(live, client, auth):
    response = client.get(NUMBERS)
    assert (response.status_code, response.json()) == (200, {"numbers": SEEDED_LIVE})
    assert (live.requests()[0]["path"], live.requests()[0]["auth"]) == (NUMBERS, auth)


def test_assign_many_numbers_in_one_request(live, client):
    body = {"numbers": ["+46700000102", "+46700000101"], "applicationkey": "another-app", "capability": "sms"}
    response = client.post(NUMBERS, json=body)
    assert (response.status_code, response.content) == (204, b"")
    listed = numbers(client)
    assert listed["+46700000102"] == {"number": "+46700000102", "applicationkey": "another-app", "capability": "sms"}
    assert listed["+46700000101"] == {"number": "+46700000101", "applicationkey": "another-app", "capability": "sms"}
    assert listed["+46700000100"] == SEEDED_LIVE[0]
    assert live.requests()[0]["body"] == body


def test_assign_keeps_the_capability_when_none_is_given(client):
    assert client.post(NUMBERS, json={"numbers": ["+46700000103"], "applicationkey": KEY}).status_code == 204
    assert numbers(client)["+46700000103"]["capability"] == "sms"


def test_assign_with_one_unknown_number_changes_nothing(client):
    body = {"numbers": ["+46700000102", "+46799999999"], "applicationkey": KEY}
    response = client.post(NUMBERS, json=body)
    assert error(response) == (404, 40400)
    assert "+46799999999" in response.json()["message"]
    assert "applicationkey" not in numbers(client)["+46700000102"]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"applicationkey": KEY}, 400, 40002),
    ({"numbers": ["+46700000102"]}, 400, 40002),
    ({"numbers": [], "applicationkey": KEY}, 400, 40001),
    ({"numbers": "+46700000102", "applicationkey": KEY}, 400, 40001),
    ({"numbers": [46700000102], "applicationkey": KEY}, 400, 40001),
    ({"numbers": ["46700000102"], "applicationkey": KEY}, 400, 40005),
    ({"numbers": ["+46700000102\n"], "applicationkey": KEY}, 400, 40001),  # `$` would have let it through
    ({"numbers": ["+46700000102"], "applicationkey": " "}, 400, 40001),
    ({"numbers": ["+46700000102"], "applicationkey": KEY, "capability": "fax"}, 400, 40001),
    ({"numbers": ["+46700000102"], "applicationKey": KEY}, 400, 40002),  # the contract's spelling is not live
], ids=["no-numbers", "no-key", "empty-list", "not-a-list", "not-strings", "no-plus", "trailing-newline",
        "blank-key", "bad-capability", "camel-case-key"])
def test_assign_validation(client, body, status, code):
    assert error(client.post(NUMBERS, json=body)) == (status, code)
    assert "applicationkey" not in numbers(client)["+46700000102"]


def test_unassign_takes_a_json_body(live, client):
    body = {"number": "+46700000101", "applicationkey": KEY, "capability": "voice"}
    response = client.request("DELETE", NUMBERS, json=body)
    assert (response.status_code, response.content) == (204, b"")
    assert numbers(client)["+46700000101"] == {"number": "+46700000101", "capability": "voice"}
    assert (live.requests()[0]["method"], live.requests()[0]["body"]) == ("DELETE", body)


def test_unassign_a_free_number_changes_nothing(client):
    body = {"number": "+46700000102", "applicationkey": KEY}
    assert client.request("DELETE", NUMBERS, json=body).status_code == 204
    assert numbers(client)["+46700000102"] == SEEDED_LIVE[2]


@pytest.mark.parametrize(("body", "status", "code"), [
    (None, 400, 40002),
    ({"number": "+46799999999", "applicationkey": KEY}, 404, 40400),
    ({"number": "+46700000100", "applicationkey": "another-app"}, 400, 40003),
    ({"number": "+46700000100"}, 400, 40002),
    ({"number": "+46700000100\n", "applicationkey": KEY}, 400, 40001),
], ids=["no-body", "unknown-number", "other-application", "no-key", "trailing-newline"])
def test_unassign_validation(client, body, status, code):
    response = client.request("DELETE", NUMBERS, json=body) if body else client.delete(NUMBERS)
    assert error(response) == (status, code)
    assert numbers(client)["+46700000100"] == SEEDED_LIVE[0]


def test_the_contract_paths_stay_served_in_the_live_layout_with_the_contract_shapes(client):
    response = client.get("/calling/v1/configuration/numbers/+46700000100")
    assert response.json() == {"number": "+46700000100", "applicationKey": KEY, "capability": "voice"}
    assert client.delete("/calling/v1/configuration/numbers/+46700000100").status_code == 200
    assert numbers(client)["+46700000100"] == {"number": "+46700000100", "capability": "voice"}
    validate("NumberList", client.get("/calling/v1/configuration/numbers").json())


# ---- configuration: callbacks and the number query ---------------------------------------------------


def test_callback_urls_on_the_configuration_path(live, client):
    assert client.get(CALLBACKS).json() == {"url": {}}
    body = {"url": {"primary": "https://example.test/cb", "fallback": "https://fallback.test/cb"}}
    assert client.post(CALLBACKS, json=body).status_code == 200
    assert client.get(CALLBACKS).json() == body
    assert live.state()["callbacks"] == body
    assert client.post(CALLBACKS, json={"url": {"primary": "ftp://x"}}).json()["errorCode"] == 40001


def test_callback_urls_of_another_application_are_not_found(client):
    path = "/v1/configuration/callbacks/applications/00000000-0000-4000-8000-000000000000"
    assert error(client.get(path)) == (404, 40400)
    assert error(client.post(path, json={"url": {"primary": "https://x.test/"}})) == (404, 40400)


@pytest.mark.parametrize(("number", "expected"), [
    ("+46701234567", {"countryId": "SE", "numberType": "Mobile"}),
    ("%2B4681234567", {"countryId": "SE", "numberType": "Fixed"}),
    ("+12025550123", {"countryId": "US", "numberType": "Fixed"}),
    ("+88212345678", {"countryId": "ZZ", "numberType": "Unknown"}),
])
def test_query_number(client, number, expected):
    response = client.get(f"{QUERY}/{number}")
    normalized = number.replace("%2B", "+")
    rate = {"currencyId": "EUR", "amount": 0.025}
    assert response.json() == {"number": {**expected, "normalizedNumber": normalized, "restricted": False,
                                          "rate": rate}}


@pytest.mark.parametrize(("number", "code"), [("46701234567", 40005), ("+4670abc", 40001), ("+46701%0A", 40001)])
def test_query_number_refuses_what_is_not_e164(client, number, code):
    assert error(client.get(f"{QUERY}/{number}")) == (400, code)


# ---- calls: shapes, the call leg ------------------------------------------------------------------------


def test_get_call_has_parties_as_objects_and_custom(client):
    call_id = callout(client, tts(custom="ticket-42"))
    assert client.get(f"/calling/v1/calls/id/{call_id}").json() == {
        "from": {"type": "number", "endpoint": CLI},
        "to": {"type": "number", "endpoint": TO},
        "domain": "pstn",
        "callId": call_id,
        "duration": 0,
        "status": "ONGOING",
        "result": "N/A",
        "reason": "N/A",
        "timestamp": "2026-01-01T00:00:00.000Z",
        "custom": "ticket-42",
        "userRate": {"currencyId": "EUR", "amount": 0.025},
        "debit": {"currencyId": "EUR", "amount": 0.0},
    }


@pytest.mark.parametrize("leg", ["caller", "callee", "both"])
def test_call_leg_plays_and_says(live, client, leg):
    call_id = callout(client, custom())
    live.advance(3)
    body = {"instructions": [{"name": "playFiles", "ids": ["[Welcome]"], "locale": "en-US"},
                             {"name": "say", "text": "Hello", "locale": "en-US"}]}
    response = client.patch(f"/calling/v1/calls/id/{call_id}/leg/{leg}", json=body)
    assert (response.status_code, response.content) == (200, b"")
    assert live.requests()[-1]["body"] == body
    assert client.get(f"/calling/v1/calls/id/{call_id}").json()["status"] == "ONGOING"


def test_call_leg_names_are_compared_without_case_and_hangup_ends_the_call(live, client):
    call_id = callout(client, custom())
    live.advance(3)
    body = {"instructions": [{"name": "SAY", "text": "Bye"}], "action": {"name": "Hangup"}}
    assert client.patch(f"/calling/v1/calls/id/{call_id}/leg/both", json=body).status_code == 200
    info = client.get(f"/calling/v1/calls/id/{call_id}").json()
    assert (info["status"], info["reason"]) == ("FINAL", "MANAGERHANGUP")


@pytest.mark.parametrize(("leg", "body", "code"), [
    ("side", {"instructions": [{"name": "say", "text": "hi"}]}, 40001),
    ("caller", {}, 40002),
    ("caller", {"instructions": []}, 40001),
    ("caller", {"instructions": [{"name": "sendDtmf", "value": "1"}]}, 40001),
    ("caller", {"instructions": [{"name": "say"}]}, 40002),
    ("caller", {"instructions": [{"name": "say", "text": "a" * 601}]}, 40001),
    ("caller", {"instructions": [{"name": "playFiles", "ids": []}]}, 40001),
    ("caller", {"instructions": [{"name": "say", "text": "hi"}], "action": {"name": "connectPstn"}}, 40001),
], ids=["unknown-leg", "no-instructions", "empty-instructions", "sendDtmf", "say-without-text", "say-601",
        "no-files", "connect-action"])
def test_call_leg_validation(live, client, leg, body, code):
    call_id = callout(client, custom())
    assert error(client.patch(f"/calling/v1/calls/id/{call_id}/leg/{leg}", json=body)) == (400, code)


def test_call_leg_of_an_unknown_or_ended_call_is_404(live, client):
    body = {"instructions": [{"name": "say", "text": "hi"}]}
    assert error(client.patch("/calling/v1/calls/id/nope/leg/caller", json=body)) == (404, 40400)
    call_id = callout(client, tts(to="+46700000001"))  # busy: final after 2 s
    live.advance(2)
    assert error(client.patch(f"/calling/v1/calls/id/{call_id}/leg/caller", json=body)) == (404, 40400)


# ---- conferences ------------------------------------------------------------------------------------------


def test_conference_participants_are_keyed_by_id(live, client):
    call_id = callout(client, conference("room-1"))
    live.advance(3)
    assert client.get("/calling/v1/conferences/id/room-1").json() == {
        "participants": [{"cli": TO, "id": call_id, "duration": 1, "muted": False, "onhold": False}]
    }
    assert live.state()["conferences"][0]["conferenceId"] == "room-1"


@pytest.mark.parametrize("moh", ["ring", "music1", "music2", "music3"])
def test_hold_with_music_on_hold(live, client, moh):
    call_id = callout(client, conference("room-2"))
    live.advance(2)
    path = f"/calling/v1/conferences/id/room-2/{call_id}"
    response = client.patch(path, json={"command": "onhold", "moh": moh})
    assert (response.status_code, response.content) == (200, b"")
    assert client.get("/calling/v1/conferences/id/room-2").json()["participants"][0]["onhold"] is True
    assert client.patch(path, json={"command": "resume"}).status_code == 200
    assert client.get("/calling/v1/conferences/id/room-2").json()["participants"][0]["onhold"] is False


@pytest.mark.parametrize(("body", "code", "message"), [
    ({"command": "mute", "moh": "ring"}, 40001, "moh is only allowed with the command onhold"),
    ({"command": "onhold", "moh": "jazz"}, 40001, "music on hold must be ring, music1, music2 or music3"),
    ({"moh": "ring"}, 40002, "body: 'command' is a required property"),
])
def test_moh_rules(live, client, body, code, message):
    call_id = callout(client, conference("room-3"))
    live.advance(2)
    response = client.patch(f"/calling/v1/conferences/id/room-3/{call_id}", json=body)
    assert (error(response), response.json()["message"]) == ((400, code), message)
    assert client.get("/calling/v1/conferences/id/room-3").json()["participants"][0]["onhold"] is False


# ---- callouts: the live bodies ------------------------------------------------------------------------------


def place(live, client, method: str, body: dict) -> dict:
    response = client.post("/calling/v1/callouts", json={"method": method, method: body})
    assert (response.status_code, list(response.json())) == (200, ["callId"]), response.text
    return next(c for c in live.state()["calls"] if c["callId"] == response.json()["callId"])


def test_tts_callout_with_prompts_and_the_live_fields(live, client):
    body = {"cli": CLI, "destination": {"type": "number", "endpoint": TO}, "dtmf": "1w2", "domain": "pstn",
            "custom": "c", "locale": "en-US", "prompts": "#ssml[<speak>Disk almost full on db one</speak>]",
            "enableAce": False, "enableDice": False, "enablePie": True}
    call = place(live, client, "ttsCallout", body)
    assert (call["to"], call["custom"]) == ({"type": "number", "endpoint": TO}, "c")
    live.advance(2 + 2)  # rings 2 s, then 6 words take 2.4 s, rounded up to 3
    assert client.get(f"/calling/v1/calls/id/{call['callId']}").json()["status"] == "ONGOING"
    live.advance(1)
    assert client.get(f"/calling/v1/calls/id/{call['callId']}").json()["reason"] == "CALLERHANGUP"


def test_tts_callout_needs_text_or_prompts(client):
    body = {"destination": {"type": "number", "endpoint": TO}, "prompts": " "}
    assert error(client.post("/calling/v1/callouts", json={"method": "ttsCallout", "ttsCallout": body})) == (
        400, 40002)


def test_conference_callout_with_the_live_fields(live, client):
    body = {"destination": {"type": "Number", "endpoint": TO}, "conferenceId": "room-4",
            "conferenceDtmfOptions": {"mode": "detect", "maxDigits": 4, "timeoutMills": 3000}, "dtmf": "#",
            "maxDuration": 60, "enablePie": True, "locale": "en-US", "greeting": "Welcome", "mohClass": "music1",
            "custom": "x", "domain": "PSTN"}
    call = place(live, client, "conferenceCallout", body)
    assert (call["from"], call["to"]) == ({"type": "number", "endpoint": "private"}, {"type": "number",
                                                                                       "endpoint": TO})
    live.advance(62)
    info = client.get(f"/calling/v1/calls/id/{call['callId']}").json()
    assert (info["status"], info["reason"], info["duration"]) == ("FINAL", "TIMEOUT", 60)


@pytest.mark.parametrize(("action", "expected"), [
    ({"name": "connectPstn", "number": "+46709876543", "cli": "+46700000101"},
     ({"type": "number", "endpoint": "+46700000101"}, {"type": "number", "endpoint": "+46709876543"})),
    ({"name": "ConnectPSTN", "number": "+46709876543"},
     ({"type": "number", "endpoint": "private"}, {"type": "number", "endpoint": "+46709876543"})),
    ({"name": "connectSip", "destination": {"type": "Sip", "endpoint": "alice@sip.example.com"}},
     ({"type": "number", "endpoint": "private"}, {"type": "sip", "endpoint": "alice@sip.example.com"})),
    ({"name": "connectMXP", "destination": {"type": "username", "endpoint": "alice"}},
     ({"type": "number", "endpoint": "private"}, {"type": "username", "endpoint": "alice"})),
], ids=["connectPstn", "any-case", "connectSip", "connectMxp"])
def test_custom_callout_with_inline_ice_and_no_destination_calls_whom_the_ice_says(live, client, action, expected):
    ice = json.dumps({"instructions": [{"name": "Say", "text": "Hi"}], "action": action})
    call = place(live, client, "customCallout", {"ice": ice, "custom": "c", "maxDuration": 30})
    assert (call["from"], call["to"]) == expected
    live.advance(40)
    assert client.get(f"/calling/v1/calls/id/{call['callId']}").json()["reason"] == "TIMEOUT"


def test_custom_callout_accepts_connect_stream_and_urls(live, client):
    ice = json.dumps({"action": {"name": "connectStream", "destination": {"type": "Websocket",
                                                                          "endpoint": "wss://x.test/ws"}}})
    body = {"cli": CLI, "destination": {"type": "number", "endpoint": TO}, "ice": ice,
            "ace": "https://x.test/ace", "pie": "https://x.test/pie", "dtmf": "1"}
    assert place(live, client, "customCallout", body)["to"] == {"type": "number", "endpoint": TO}


@pytest.mark.parametrize(("body", "code"), [
    ({"ice": json.dumps({"action": {"name": "connectConf", "conferenceId": "x"}})}, 40002),
    ({}, 40002),
    ({"ice": json.dumps({"action": {"name": "teleport"}})}, 40001),
    ({"ice": json.dumps({"instructions": [{"name": "dance"}], "action": {"name": "hangup"}})}, 40001),
    ({"ice": json.dumps({"action": {"name": "connectPstn", "number": "+46709876543\n"}})}, 40001),
    ({"ice": "not svaml"}, 40001),
    ({"ice": "[1]"}, 40001),
    ({"destination": {"type": "did", "endpoint": TO}, "ice": "https://x.test/ice"}, 40001),
    ({"destination": {"type": "number", "endpoint": TO}, "maxDuration": 14401}, 40001),
    ({"destination": {"type": "number", "endpoint": TO}, "dtmf": "1\n"}, 40001),
], ids=["conf-names-nobody", "nothing", "unknown-action", "unknown-instruction", "newline-number", "garbage",
        "array", "did", "max-duration", "dtmf-newline"])
def test_custom_callout_validation(live, client, body, code):
    response = client.post("/calling/v1/callouts", json={"method": "customCallout", "customCallout": body})
    assert error(response) == (400, code), response.text
    assert live.state()["calls"] == []


def test_e164_with_a_trailing_newline_is_refused_in_both_layouts(live, spec):
    for sandbox in (live, spec):
        with sandbox.client("signed") as client:
            response = client.post("/calling/v1/callouts", json=tts(to="+46700000000\n"))
            assert error(response) == (400, 40001)


# ---- the spec layout, and ids holding slashes ---------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("GET", NUMBERS), ("POST", NUMBERS), ("DELETE", NUMBERS), ("GET", CALLBACKS), ("POST", CALLBACKS),
    ("GET", f"{QUERY}/+46701234567"), ("PATCH", "/calling/v1/calls/id/x/leg/caller"),
])
def test_the_spec_layout_does_not_serve_the_live_only_paths(spec, method, path):
    with spec.client("signed") as client:
        response = client.request(method, path, json={"numbers": ["+46700000102"], "applicationkey": KEY})
    assert error(response) == (404, 40400)


def test_the_spec_layout_keeps_the_contract_shapes(spec):
    with spec.client("basic") as client:
        call_id = callout(client, conference("room-5"))
        spec.advance(2)
        validate("CallInformation", client.get(f"/calling/v1/calls/id/{call_id}").json())
        assert client.get("/calling/v1/conferences/id/room-5").json()["participants"][0]["callId"] == call_id
        assert client.get("/calling/v1/configuration/numbers").json()["numbers"][0]["applicationKey"] == KEY


@pytest.mark.parametrize("layout", ["live", "spec"])
@pytest.mark.parametrize("path", ["/calling/v1/conferences/id/a%2Fb", "/calling/v1/conferences/id/a/b"])
def test_a_conference_id_with_a_slash_is_an_unknown_conference(layout, path):
    with sandbox_handle(layout) as sandbox, sandbox.client("signed") as client:
        response = client.get(path)
        assert (error(response), response.json()["message"]) == ((404, 40400), "Conference not found")


def test_a_slash_encoded_in_an_id_stays_one_segment(live, client):
    call_id = callout(client, conference("a/b"))
    live.advance(2)
    participants = client.get("/calling/v1/conferences/id/a%2Fb").json()["participants"]
    assert [p["id"] for p in participants] == [call_id]


def test_a_method_an_existing_resource_does_not_take_is_405(live, client):
    call_id = callout(client, conference("room-6"))
    live.advance(2)
    response = client.get(f"/calling/v1/conferences/id/room-6/{call_id}")
    assert (error(response), response.headers["allow"]) == ((405, 40001), "DELETE, PATCH")
    assert error(client.delete(f"/calling/v1/calls/id/{call_id}")) == (405, 40001)


# ---- hostile bodies: every field of every live body replaced by every JSON type ---------------------------

VALID = {
    ("POST", "/calling/v1/callouts"): [
        {"method": "ttsCallout", "ttsCallout": {"cli": CLI, "destination": {"type": "number", "endpoint": TO},
                                                "prompts": "#tts[hi]", "dtmf": "1", "domain": "pstn"}},
        {"method": "conferenceCallout", "conferenceCallout": {
            "destination": {"type": "number", "endpoint": TO}, "conferenceId": "c", "mohClass": "ring",
            "conferenceDtmfOptions": {"mode": "detect", "maxDigits": 2, "timeoutMills": 10}, "maxDuration": 5}},
        {"method": "customCallout", "customCallout": {
            "ice": json.dumps({"instructions": [{"name": "say", "text": "x"}],
                               "action": {"name": "connectPstn", "number": TO, "cli": CLI}}),
            "ace": "https://x.test/", "maxDuration": 5}},
    ],
    ("PATCH", "/calling/v1/calls/id/{call}/leg/caller"): [
        {"instructions": [{"name": "playFiles", "ids": ["a"]}, {"name": "say", "text": "x"}],
         "action": {"name": "continue"}}],
    ("PATCH", "/calling/v1/conferences/id/hostile/{call}"): [{"command": "onhold", "moh": "ring"}],
    ("POST", NUMBERS): [{"numbers": ["+46700000102"], "applicationkey": KEY, "capability": "voice"}],
    ("DELETE", NUMBERS): [{"number": "+46700000101", "applicationkey": KEY, "capability": "voice"}],
    ("POST", CALLBACKS): [{"url": {"primary": "https://x.test/", "fallback": "https://y.test/"}}],
}
WRONG = [None, 0, -1, 1.5, 10**30, True, "", "x", "+46700000000\n", [], [None], {}, {"name": None}]


def mutations(document, path=()):
    """(path, body) with one leaf or container of `document` swapped for each value of WRONG, or dropped."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield from ((p, {**document, key: v}) for p, v in mutations(value, (*path, key)))
            yield (*path, key, "dropped"), {k: v for k, v in document.items() if k != key}
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from ((p, [*document[:index], v, *document[index + 1:]]) for p, v in
                        mutations(value, (*path, index)))
    if path:
        for wrong in WRONG:
            yield path, wrong


@pytest.mark.parametrize("route", list(VALID), ids=[f"{m} {p}" for m, p in VALID])
def test_hostile_live_bodies_get_4xx_never_500(live, route):
    method, template = route
    with live.client("signed") as client:
        call_id = callout(client, conference("hostile"))
        live.advance(2)
        path = template.replace("{call}", call_id)
        statuses = set()
        for valid in VALID[route]:
            for where, body in [((), valid), *mutations(valid)]:
                response = client.request(method, path, content=json.dumps(body).encode(),
                                          headers={"content-type": "application/json"})
                assert response.status_code < 500, (where, body, response.text)
                if response.status_code >= 400:
                    assert set(response.json()) == {"errorCode", "message", "reference"}, where
                statuses.add(response.status_code)
    assert statuses & {200, 204} and statuses & {400}  # the valid bodies pass, the broken ones are refused


def test_hostile_inline_ice_gets_4xx_never_500(live):
    ice = {"instructions": [{"name": "say", "text": "x", "locale": "en-US"}],
           "action": {"name": "connectSip", "destination": {"type": "sip", "endpoint": "a@b.test"}, "cli": CLI}}
    statuses = set()
    with live.client("basic") as client:
        for where, document in [((), ice), *mutations(ice)]:
            body = {"method": "customCallout", "customCallout": {"ice": json.dumps(document)}}
            response = client.post("/calling/v1/callouts", json=body)
            assert response.status_code < 500, (where, document, response.text)
            statuses.add(response.status_code)
    assert statuses == {200, 400}
