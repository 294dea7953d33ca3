"""callouts where the layouts differ: custom callouts' two modes, tts prompts, and fields only the platform has."""

import json

import pytest

from tests.test_callouts import CALLOUTS, FROM, ICE, TO, only_call, run, sent

COMPACT_ICE = '{"instructions":[{"name":"say","text":"Hi"}],"action":{"name":"hangup"}}'
CONNECT = json.dumps({"action": {"name": "connectPstn", "number": TO, "cli": FROM}})


# ---- custom: inline ICE calls alone on the platform ------------------------------------------------------------

def test_inline_ice_sends_only_the_svaml_and_what_was_given(cli, sandbox, tmp_path):
    (tmp_path / "ice.json").write_text(CONNECT)
    result = run(cli, sandbox, "callouts", "custom", "--ice", f"@{tmp_path / 'ice.json'}", "--ace",
                 '{"action": {"name": "continue"}}', "--pie", "https://example.com/pie", "--dtmf", "1w2",
                 "--custom", "ticket-42", "--max-duration", "120", tty=True)  # SINCHVOICE_FROM is set: not sent
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Calling whom the ICE SVAML says (custom)\n"
    assert sent(sandbox) == [("POST", CALLOUTS, "signed", {"method": "customCallout", "customCallout": {
        "ice": json.dumps(json.loads(CONNECT), separators=(",", ":")), "ace": '{"action":{"name":"continue"}}',
        "pie": "https://example.com/pie", "dtmf": "1w2", "custom": "ticket-42", "maxDuration": 120}})]
    call = only_call(sandbox)
    assert (call["from"], call["to"]) == ({"type": "number", "endpoint": FROM}, {"type": "number", "endpoint": TO})


@pytest.mark.parametrize("args, message", [
    (("--to", TO), "--to cannot go with inline ICE SVAML: the SVAML says whom to call"),
    (("--from", FROM), "--from cannot go with inline ICE SVAML: the SVAML says whom to call"),
    (("--cli", FROM), "--from cannot go with inline ICE SVAML: the SVAML says whom to call"),
])
def test_inline_ice_refuses_to_and_from_with_a_hint(cli, sandbox, args, message):
    result = run(cli, sandbox, "callouts", "custom", "--ice", CONNECT, *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {message}",
        'hint: leave out --to and --from: the ICE\'s action names the callee and caller ID, e.g. {"action": '
        '{"name": "connectPstn", "number": "+46700000000", "cli": "+46700000100"}}; or give --ice as a URL']
    assert sandbox.requests() == []


def test_an_ice_url_names_the_callee_and_caller_id_as_before(cli, sandbox):
    result = run(cli, sandbox, "callouts", "custom", "--to", TO, "--ice", "https://example.com/ice", "-q")
    assert result.exit_code == 0, result.stderr
    assert sent(sandbox)[0][3] == {"method": "customCallout", "customCallout": {
        "cli": FROM, "destination": {"type": "number", "endpoint": TO}, "ice": "https://example.com/ice"}}


def test_no_ice_on_the_platform_asks_the_application_callback(cli, sandbox):
    result = run(cli, sandbox, "callouts", "custom", "--to", TO, "-q")
    assert result.exit_code == 0, result.stderr
    assert sent(sandbox)[0][3] == {"method": "customCallout", "customCallout": {
        "cli": FROM, "destination": {"type": "number", "endpoint": TO}}}


def test_a_name_in_another_case_is_sent_with_a_warning(cli, sandbox):
    ice = json.dumps({"action": {"name": "ConnectPSTN", "number": TO}})
    result = run(cli, sandbox, "callouts", "custom", "--ice", ice, "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ('warning: --ice: action "ConnectPSTN" is documented as "connectPstn"; sent as written '
                             '(Sinch compares names without case)\n')
    assert json.loads(sent(sandbox)[0][3]["customCallout"]["ice"])["action"]["name"] == "ConnectPSTN"


# ---- custom: the contract always names the callee ---------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (("--ice", ICE), "a custom callout needs --to"),
    (("--to", TO), "a custom callout needs --ice"),
    (("--to", TO, "--ice", ICE, "--dtmf", "1"), "customCallout has no dtmf in the spec layout"),
    (("--to", TO, "--ice", ICE, "--custom", "x", "--max-duration", "5"),
     "customCallout has no custom, maxDuration in the spec layout"),
])
def test_the_contract_needs_to_and_ice_and_has_no_extras(cli, sandbox_spec, args, message):
    result = run(cli, sandbox_spec, "callouts", "custom", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: {message}"
    assert sandbox_spec.requests() == []


def test_the_contract_takes_inline_ice_with_the_callee(cli, sandbox_spec):
    ice = json.dumps({"action": {"name": "connectStream", "destination": {"type": "websocket",
                                                                          "endpoint": "wss://example.com/ws"}}})
    result = run(cli, sandbox_spec, "callouts", "custom", "--to", TO, "--ice", ice, "-q")
    assert result.exit_code == 0, result.stderr
    assert sent(sandbox_spec)[0][3]["customCallout"]["destination"] == {"type": "number", "endpoint": TO}


# ---- tts: prompts, dtmf, pie ---------------------------------------------------------------------------------

def test_tts_prompts_dtmf_and_pie_on_the_platform(cli, sandbox):
    prompts = "#ssml[<speak>Disk <emphasis>almost</emphasis> full</speak>]"
    result = run(cli, sandbox, "callouts", "tts", "--to", TO, "--prompts", "-", "--dtmf", "#1", "--pie", "-q",
                 input=prompts + "\n")
    assert result.exit_code == 0, result.stderr
    assert sent(sandbox)[0][3] == {"method": "ttsCallout", "ttsCallout": {
        "cli": FROM, "destination": {"type": "number", "endpoint": TO}, "prompts": prompts, "dtmf": "#1",
        "enablePie": True}}


@pytest.mark.parametrize("args, missing", [
    (("--prompts", "#tts[Hi]"), "prompts"),
    (("--text", "Hi", "--dtmf", "1"), "dtmf"),
    (("--text", "Hi", "--pie"), "enablePie"),
])
def test_the_contract_has_no_prompts_dtmf_or_pie_on_tts(cli, sandbox_spec, args, missing):
    result = run(cli, sandbox_spec, "callouts", "tts", "--to", TO, *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: ttsCallout has no {missing} in the spec layout",
        f"hint: leave out the option that sets {missing}, or use --api-layout live (the platform has it)"]
    assert sandbox_spec.requests() == []


@pytest.mark.parametrize("method", ["tts", "conference", "custom"])
def test_did_is_no_callout_destination(cli, any_sandbox, method):
    extra = {"tts": ("--text", "Hi"), "conference": ("--conference-id", "c"),
             "custom": ("--ice", "https://example.com/ice")}[method]
    result = run(cli, any_sandbox, "callouts", method, "--to", f"did:{TO}", *extra)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: --to 'did:{TO}': did is not a callout destination",
        f"hint: did appears only in callback events; to call the number, give it as is: --to {TO}"]
    assert any_sandbox.requests() == []
