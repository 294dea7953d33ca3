"""Settings: the config file's shape is checked once, settings load only when needed, timeouts have a range."""

import json

import pytest

from tests.conftest import run_subprocess

KEY = "669E367E-6BBA-48AB-AF15-266871C28135"
SECRET = "BeIukql3pTKJ8RGL5zo0DA=="
FIX = "hint: fix or delete the file, then run sinchvoice auth login"


@pytest.fixture
def config(tmp_path):
    """Write TEXT as the config file; returns its path."""
    path = tmp_path / "config" / "config.json"

    def write(text: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def profile(**fields) -> str:
    return json.dumps({"active": "default", "profiles": {"default": {"application_key": KEY, **fields}}})


BAD_SHAPES = [
    ("[]", "the file must hold a JSON object, not an array"),
    ("null", "the file must hold a JSON object, not null"),
    ('"profiles"', "the file must hold a JSON object, not a string"),
    ("3", "the file must hold a JSON object, not a number"),
    ('{"profiles": []}', '"profiles" must be an object, not an array'),
    ('{"profiles": null}', '"profiles" must be an object, not null'),
    ('{"profiles": "default"}', '"profiles" must be an object, not a string'),
    ('{"active": 1, "profiles": {}}', '"active" must be a profile name (a string), not a number'),
    ('{"active": ["a"], "profiles": {}}', '"active" must be a profile name (a string), not an array'),
    ('{"active": "", "profiles": {}}', '"active" must be a profile name, not empty'),
    ('{"profiles": {"default": []}}', 'profile "default" must be an object, not an array'),
    ('{"profiles": {"default": "key"}}', 'profile "default" must be an object, not a string'),
    ('{"profiles": {"default": null}}', 'profile "default" must be an object, not null'),
    (profile(timeout="30"), 'profile "default": "timeout" must be a number of seconds, not a string'),
    (profile(timeout=True), 'profile "default": "timeout" must be a number of seconds, not true'),
    (profile(timeout=None), 'profile "default": "timeout" must be a number of seconds, not null'),
    (profile(timeout=0), 'profile "default": "timeout" must be from 0.1 to 3600 seconds, not 0'),
    (profile(timeout=-1), 'profile "default": "timeout" must be from 0.1 to 3600 seconds, not -1'),
    (profile(timeout=1e300), 'profile "default": "timeout" must be from 0.1 to 3600 seconds, not 1e+300'),
    (profile(timeout=1e-9), 'profile "default": "timeout" must be from 0.1 to 3600 seconds, not 1e-09'),
    (profile(timeout=float("nan")), 'profile "default": "timeout" must be from 0.1 to 3600 seconds, not nan'),
    (profile(timeout=float("inf")), 'profile "default": "timeout" must be from 0.1 to 3600 seconds, not inf'),
    (profile(region=1), 'profile "default": "region" must be one of global, euc1, use1, sae1, apse1, apse2, '
                        'not a number'),
    (profile(region="mars"), 'profile "default": "region" must be one of global, euc1, use1, sae1, apse1, apse2, '
                             "not 'mars'"),
    (profile(auth="digest"), "profile \"default\": \"auth\" must be one of signed, basic, not 'digest'"),
    (profile(auth=None), 'profile "default": "auth" must be one of signed, basic, not null'),
    (profile(secret_storage="disk"), "profile \"default\": \"secret_storage\" must be one of keyring, file, "
                                     "not 'disk'"),
    (profile(base_url=8080), 'profile "default": "base_url" must be a string, not a number'),
    (profile(base_url=""), 'profile "default": "base_url" must not be empty'),
    (profile(base_url=["https://x"]), 'profile "default": "base_url" must be a string, not an array'),
    (profile(**{"from": 46700000000}), 'profile "default": "from" must be a string, not a number'),
    (profile(application_key={"k": 1}), 'profile "default": "application_key" must be a string, not an object'),
    ("{", "not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("", "not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
]


@pytest.mark.parametrize("text, problem", BAD_SHAPES, ids=lambda v: str(v)[:40])
@pytest.mark.parametrize("args", [["auth", "status"], ["auth", "list"], ["--dry-run", "api", "GET", "/p"]],
                         ids=lambda a: " ".join(a))
def test_a_config_file_of_the_wrong_shape_is_one_error_naming_the_file(cli, config, text, problem, args):
    path = config(text)
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"error: {path}: {problem}", FIX]


def test_invalid_utf8_and_unreadable_files_are_named_too(cli, config, tmp_path):
    path = config("")
    path.write_bytes(b'{"profiles": {"\xff": {}}}')
    result = cli("auth", "list")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {path}: not valid UTF-8 text", FIX]
    path.unlink()
    path.mkdir()
    result = cli("auth", "list")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {path}: cannot read it: Is a directory", FIX]


def test_the_json_error_object_follows_with_o_json(cli, config):
    path = config("[]")
    result = cli("-o", "json", "auth", "list")
    assert result.exit_code == 2
    assert json.loads(result.stderr.splitlines()[-1])["error"]["message"] == (
        f"{path}: the file must hold a JSON object, not an array")


def test_unknown_keys_are_left_alone(cli, config):
    """A newer version may add settings; an older one ignores them rather than refusing the file."""
    config(json.dumps({"active": "default", "later": [1], "profiles": {"default": {
        "application_key": KEY, "region": "euc1", "colour": "blue"}}}))
    result = cli("-o", "json", "auth", "list")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["region"] == "euc1"


def test_a_good_profile_timeout_is_used(cli, config, monkeypatch):
    config(profile(timeout=12.5, region="euc1"))
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli("-o", "json", "auth", "status")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["baseUrl"] == "https://calling-euc1.api.sinch.com"


# ---- commands that need no settings never read the file ------------------------------------------------------

NO_SETTINGS_NEEDED = [
    ["--help"],
    ["calls", "--help"],
    ["auth", "login", "--help"],
    ["applications", "numbers", "list", "--help"],
    ["completion", "show", "bash"],
    ["sandbox", "--help"],
    ["signature", "sign", "--path", "/cb", "--body", "{}", "--timestamp", "2014-09-24T10:59:41Z"],
    ["signature", "verify", "--path", "/cb", "--body", "{}", "--timestamp", "2014-09-24T10:59:41Z",
     "--header", "authorization: application x:y"],
]


@pytest.mark.parametrize("args", NO_SETTINGS_NEEDED, ids=lambda a: " ".join(a))
def test_commands_that_need_no_settings_work_with_a_broken_config(cli, config, monkeypatch, args):
    config('{"profiles": []}')
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli(*args)
    assert "profiles" not in result.stderr
    assert result.exit_code in (0, 1), result.stderr  # verify says "invalid" (1) for the made-up signature
    assert result.stdout


def test_api_with_every_setting_given_reads_no_config(cli, config, monkeypatch):
    config("null")
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli("--dry-run", "--base-url", "https://gw.example", "--auth", "basic", "--timeout", "5",
                 "--api-layout", "live", "api", "GET", "/p")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "GET https://gw.example/p"
    configuration = cli("--dry-run", "--base-url", "https://gw.example", "--auth", "basic", "--timeout", "5",
                        "--api-layout", "spec", "api", "GET", "/v1/configuration/numbers")
    assert configuration.stdout.splitlines()[0] == "GET https://gw.example/v1/configuration/numbers"


def test_help_works_with_a_broken_config_in_a_fresh_process(tmp_path):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.json").write_text("[]")
    env = {"SINCHVOICE_CONFIG_DIR": str(tmp_path / "cfg")}
    for args in (["--help"], ["calls", "--help"], ["completion", "show", "zsh"]):
        result = run_subprocess(*args, env=env)
        assert (result.returncode, result.stderr) == (0, ""), args
    broken = run_subprocess("auth", "list", env=env)
    assert (broken.returncode, broken.stderr.splitlines()) == (2, [
        f"error: {tmp_path / 'cfg' / 'config.json'}: the file must hold a JSON object, not an array", FIX])


# ---- --timeout, SINCHVOICE_TIMEOUT --------------------------------------------------------------------------

TIMEOUT_HINT = "hint: give seconds from 0.1 to 3600, e.g. 30 (the default)"


@pytest.mark.parametrize("value, shown", [
    ("nan", "nan"), ("inf", "inf"), ("-inf", "-inf"), ("-1", "-1"), ("0", "0"), ("1e300", "1e+300"),
    ("1e-9", "1e-09"), ("0.09", "0.09"), ("3601", "3601"),
])
def test_timeout_out_of_range_is_a_usage_error(cli, monkeypatch, value, shown):
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    result = cli("--timeout", value, "--dry-run", "api", "GET", "/p")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"error: --timeout must be from 0.1 to 3600 seconds, not {shown}",
                                          TIMEOUT_HINT]
    from_env = cli("--dry-run", "api", "GET", "/p", env={"SINCHVOICE_TIMEOUT": value})
    assert (from_env.exit_code, from_env.stdout) == (2, "")
    assert from_env.stderr.splitlines() == [
        f"error: SINCHVOICE_TIMEOUT must be from 0.1 to 3600 seconds, not {shown}", TIMEOUT_HINT]


@pytest.mark.parametrize("value", ["abc", "30s", "1,5"])
def test_a_timeout_that_is_not_a_number_names_its_source(cli, value):
    result = cli("--timeout", value, "auth", "list")
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        f"error: --timeout {value!r} is not a number of seconds", TIMEOUT_HINT])
    result = cli("auth", "list", env={"SINCHVOICE_TIMEOUT": value})
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        f"error: SINCHVOICE_TIMEOUT {value!r} is not a number of seconds", TIMEOUT_HINT])


@pytest.mark.parametrize("value", ["0.1", "3600", "2.5", "30"])
def test_timeouts_in_range_are_accepted(cli, monkeypatch, value):
    monkeypatch.setenv("SINCH_APPLICATION_KEY", KEY)
    monkeypatch.setenv("SINCH_APPLICATION_SECRET", SECRET)
    assert cli("--timeout", value, "--dry-run", "api", "GET", "/p").exit_code == 0


@pytest.mark.parametrize("text, problem", [
    ("[]", "the file must hold a JSON object, not an array"),
    ('{"default": 5}', 'the secret of profile "default" must be a string, not a number'),
    ('{"default": null}', 'the secret of profile "default" must be a string, not null'),
    ("{", "not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
])
def test_a_secrets_file_of_the_wrong_shape_is_one_error_naming_it(cli, config, tmp_path, text, problem):
    config(profile(secret_storage="file"))
    secrets = tmp_path / "config" / "secrets.json"
    secrets.write_text(text)
    result = cli("auth", "status")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"error: {secrets}: {problem}", "hint: fix or delete the file, then run sinchvoice auth login again"]


def test_the_demo_works_with_a_broken_config(tmp_path):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.json").write_text('{"profiles": []}')
    result = run_subprocess("demo", env={"SINCHVOICE_CONFIG_DIR": str(tmp_path / "cfg"),
                                         "SINCHVOICE_STATE_DIR": str(tmp_path / "state")})
    assert result.returncode == 0, result.stderr
    assert "Done." in result.stderr and "profiles" not in result.stderr
    assert (tmp_path / "cfg" / "config.json").read_text() == '{"profiles": []}'


def test_a_bad_timeout_with_o_json_carries_the_error_object(cli):
    result = cli("-o", "json", "--timeout", "nan", "auth", "list")
    assert result.exit_code == 2
    assert json.loads(result.stderr.splitlines()[-1])["error"]["message"] == (
        "--timeout must be from 0.1 to 3600 seconds, not nan")
