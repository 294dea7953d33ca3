"""auth login/status/list/switch/logout, credential precedence, and headless keyring behaviour."""

import json
import stat
import threading

import pytest

from sinchvoice.config import ConfigStore
from sinchvoice.credentials import KeyringUnavailable, SecretStore, resolve
from sinchvoice.errors import AuthError
from tests.conftest import SENTINEL_SECRET, run_subprocess

KEY = "aaaa1111-2222-4333-8444-555555555555"
OTHER_KEY = "bbbb1111-2222-4333-8444-555555555555"


def login(cli, *extra, key=KEY, secret=SENTINEL_SECRET):
    return cli("auth", "login", "--key", key, "--secret-stdin", "--no-verify", *extra, input=secret + "\n")


def test_login_stores_key_in_config_and_secret_in_keyring(cli, isolated, tmp_path):
    result = login(cli, "--from", "+46700000001")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Logged in as profile 'default': key aaaa…5555 not checked (--no-verify); secret saved "
                             f"in the system keyring, profile in {tmp_path / 'config' / 'config.json'}\n")
    config = json.loads((tmp_path / "config" / "config.json").read_text())
    assert config == {"active": "default", "profiles": {"default": {
        "application_key": KEY, "from": "+46700000001", "secret_storage": "keyring"}}}
    assert isolated.passwords == {("sinchvoice", "default"): SENTINEL_SECRET}
    assert stat.S_IMODE((tmp_path / "config" / "config.json").stat().st_mode) == 0o600
    assert SENTINEL_SECRET not in (tmp_path / "config" / "config.json").read_text()


def test_status_shows_where_the_secret_lives(cli):
    login(cli)
    result = cli("-o", "json", "auth", "status")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "profile": "default", "applicationKey": "aaaa…5555", "secret": "system keyring",
        "credentialsFrom": "profile", "auth": "signed", "region": "global", "apiLayout": "live",
        "baseUrl": "https://calling.api.sinch.com", "configBaseUrl": "https://callingapi.sinch.com", "callerId": None}
    plain = cli("auth", "status")
    assert plain.stdout.splitlines() == [
        "sinchvoice auth", "profile            default", "application key    aaaa…5555",
        "secret             system keyring", "auth               signed", "API layout         live",
        "API                https://calling.api.sinch.com", "configuration API  https://callingapi.sinch.com",
        "caller ID          (none)"]


def test_status_without_credentials_exits_4(cli):
    result = cli("auth", "status")
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == "error: no credentials for profile 'default'"


@pytest.mark.parametrize("env, profile_flag, expected", [
    ({"SINCH_APPLICATION_KEY": "envkey", "SINCH_APPLICATION_SECRET": "ZW52"}, None, ("envkey", "environment")),
    ({"SINCH_APPLICATION_KEY": "envkey", "SINCH_APPLICATION_SECRET": "ZW52"}, "work", ("envkey", "environment")),
    ({}, None, (KEY, "keyring")),
    ({}, "work", (OTHER_KEY, "keyring")),
    ({"SINCHVOICE_PROFILE": "work"}, None, (OTHER_KEY, "keyring")),
    ({"SINCH_APPLICATION_KEY": "envkey"}, None, AuthError),
    ({"SINCH_APPLICATION_SECRET": "ZW52"}, None, AuthError),
])
def test_credentials_precedence(cli, monkeypatch, env, profile_flag, expected):
    login(cli)
    login(cli, "-p", "work", key=OTHER_KEY)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    args = (["-p", profile_flag] if profile_flag else []) + ["-o", "json", "auth", "status"]
    result = cli(*args)
    if expected is AuthError:
        assert result.exit_code == 4
        assert "is not set (the other half of the credentials is)" in result.stderr
        return
    body = json.loads(result.stdout)
    assert (body["applicationKey"], body["credentialsFrom"]) == (
        expected[0] if len(expected[0]) <= 8 else expected[0][:4] + "…" + expected[0][-4:],
        "environment" if expected[1] == "environment" else "profile")


def test_list_switch_logout(cli, isolated):
    login(cli)
    login(cli, "-p", "work", key=OTHER_KEY)
    assert cli("-q", "auth", "list").stdout == "default\nwork\n"
    assert cli("auth", "list").stdout.splitlines()[1].startswith("*  default")
    assert cli("auth", "switch", "work").exit_code == 0
    assert json.loads(cli("-o", "json", "auth", "status").stdout)["profile"] == "work"
    bad = cli("auth", "switch", "nope")
    assert (bad.exit_code, bad.stderr.splitlines()[0]) == (2, "error: no profile named 'nope' (known: default, work)")
    assert cli("auth", "logout").exit_code == 0
    assert ("sinchvoice", "work") not in isolated.passwords
    assert cli("-q", "auth", "list").stdout == "default\n"
    assert json.loads(cli("-o", "json", "auth", "status").stdout)["profile"] == "default"


def test_login_rejects_bad_input_before_storing(cli, isolated):
    result = login(cli, secret="not-base64!")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: the application secret is not base64")
    result = login(cli, "--from", "0046700")
    assert result.exit_code == 2
    assert isolated.passwords == {}
    no_tty = cli("auth", "login", "--no-verify")
    assert no_tty.exit_code == 2
    assert no_tty.stderr.splitlines()[0] == "error: Application key is required and stdin is not a terminal"


def test_login_prompts_with_hidden_secret_on_a_tty(cli, isolated):
    result = cli("auth", "login", "--no-verify", input=f"{KEY}\n{SENTINEL_SECRET}\n", tty=True)
    assert result.exit_code == 0, result.stderr
    assert isolated.passwords[("sinchvoice", "default")] == SENTINEL_SECRET
    assert SENTINEL_SECRET not in result.stdout + result.stderr


HEADLESS = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_headless_login_refuses_without_insecure_storage(tmp_path):
    env = {**HEADLESS, "SINCHVOICE_CONFIG_DIR": str(tmp_path / "cfg")}
    refused = run_subprocess("auth", "login", "--key", KEY, "--secret-stdin", "--no-verify", env=env,
                             input=SENTINEL_SECRET + "\n")
    assert refused.returncode == 4
    assert refused.stderr.splitlines()[0].startswith("error: cannot store the secret safely: no usable system keyring")
    assert "--insecure-storage" in refused.stderr
    assert not (tmp_path / "cfg" / "secrets.json").exists()

    stored = run_subprocess("auth", "login", "--key", KEY, "--secret-stdin", "--no-verify", "--insecure-storage",
                            env=env, input=SENTINEL_SECRET + "\n")
    assert stored.returncode == 0, stored.stderr
    secrets = tmp_path / "cfg" / "secrets.json"
    assert stored.stderr.splitlines()[0] == f"warning: the secret is stored unencrypted in {secrets} (mode 0600)"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets.parent.stat().st_mode) == 0o700
    assert json.loads(secrets.read_text()) == {"default": SENTINEL_SECRET}

    status = run_subprocess("auth", "status", env=env)
    assert status.returncode == 0
    assert "warning: the secret of profile 'default' is stored unencrypted" in status.stderr
    assert SENTINEL_SECRET not in status.stdout + status.stderr


def test_hung_keyring_times_out(tmp_path, monkeypatch):
    """A Secret Service that never answers must not hang the CLI."""
    import keyring

    from tests.memory_keyring import MemoryKeyring

    release = threading.Event()

    class Hanging(MemoryKeyring):
        def get_password(self, service, username):
            release.wait(5)
            return None

    keyring.set_keyring(Hanging())
    store = ConfigStore(tmp_path)
    store.save_profile("default", {"application_key": KEY, "secret_storage": "keyring"})
    secrets = SecretStore(tmp_path, keyring_timeout=0.2)
    with pytest.raises(AuthError, match="did not answer within 0.2 s"):
        resolve(store, secrets, "default")
    with pytest.raises(KeyringUnavailable, match="did not answer within 0.2 s"):
        secrets.get("default", "keyring")
    release.set()


def test_list_as_csv_has_named_columns_and_a_boolean(cli):
    login(cli)
    login(cli, "-p", "work", key=OTHER_KEY)
    assert cli("-o", "csv", "auth", "list").stdout.splitlines() == [
        "profile,active,applicationKey,region,secretStorage",
        "default,true,aaaa…5555,global,keyring",
        "work,false,bbbb…5555,global,keyring"]


def test_moving_a_profile_to_the_keyring_removes_the_plaintext_copy(cli, isolated, tmp_path, monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert login(cli, "--insecure-storage").exit_code == 0
    secrets = tmp_path / "config" / "secrets.json"
    assert json.loads(secrets.read_text()) == {"default": SENTINEL_SECRET}
    monkeypatch.undo()
    keyring.set_keyring(isolated)
    monkeypatch.setenv("SINCHVOICE_CONFIG_DIR", str(tmp_path / "config"))
    assert login(cli).exit_code == 0
    assert json.loads(secrets.read_text()) == {}
    assert isolated.passwords == {("sinchvoice", "default"): SENTINEL_SECRET}
    assert cli("auth", "logout").exit_code == 0
    assert isolated.passwords == {}


def test_a_failed_secret_store_leaves_no_profile(cli, isolated, tmp_path):
    class Refusing(type(isolated)):
        def set_password(self, service, username, password):
            raise RuntimeError("locked")

    import keyring

    keyring.set_keyring(Refusing())
    result = login(cli)
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == "error: storing the secret failed: the system keyring failed: RuntimeError"
    assert not (tmp_path / "config" / "config.json").exists()


def test_status_as_csv_uses_the_json_field_names(cli):
    login(cli)
    assert cli("-o", "csv", "auth", "status").stdout.splitlines() == [
        "profile,applicationKey,secret,credentialsFrom,auth,region,apiLayout,baseUrl,configBaseUrl,callerId",
        "default,aaaa…5555,system keyring,profile,signed,global,live,https://calling.api.sinch.com,"
        "https://callingapi.sinch.com,"]


def saved_profile(tmp_path, name="default") -> dict:
    return json.loads((tmp_path / "config" / "config.json").read_text())["profiles"][name]


def test_login_saves_options_from_the_command_line_not_the_environment(cli, tmp_path):
    env = {"SINCHVOICE_BASE_URL": "http://127.0.0.1:9", "SINCHVOICE_REGION": "euc1", "SINCHVOICE_AUTH": "basic",
           "SINCHVOICE_TIMEOUT": "5", "SINCHVOICE_FROM": "+46700000001"}
    result = cli("auth", "login", "--key", KEY, "--secret-stdin", "--no-verify", input=SENTINEL_SECRET + "\n",
                 env=env)
    assert result.exit_code == 0, result.stderr
    assert saved_profile(tmp_path) == {"application_key": KEY, "secret_storage": "keyring"}
    status = json.loads(cli("-o", "json", "auth", "status").stdout)
    assert (status["baseUrl"], status["auth"], status["callerId"]) == ("https://calling.api.sinch.com", "signed", None)


@pytest.mark.parametrize("where", ["before", "after"])
def test_login_saves_global_options_given_on_the_command_line(cli, tmp_path, where):
    options = ["--base-url", "http://127.0.0.1:9", "--region", "euc1", "--auth", "basic"]
    login_args = ["auth", "login", "--key", KEY, "--secret-stdin", "--no-verify", "--from", "+46700000001"]
    args = [*options, *login_args] if where == "before" else [*login_args, *options]
    result = cli(*args, input=SENTINEL_SECRET + "\n", env={"SINCHVOICE_REGION": "use1"})
    assert result.exit_code == 0, result.stderr
    assert saved_profile(tmp_path) == {"application_key": KEY, "secret_storage": "keyring",
                                       "base_url": "http://127.0.0.1:9", "region": "euc1", "auth": "basic",
                                       "from": "+46700000001"}


def test_logging_in_again_keeps_what_was_saved_unless_given_again(cli, tmp_path):
    assert login(cli, "--region", "euc1", "--from", "+46700000001").exit_code == 0
    again = cli("auth", "login", "--key", OTHER_KEY, "--secret-stdin", "--no-verify", input=SENTINEL_SECRET + "\n",
                env={"SINCHVOICE_REGION": "use1", "SINCHVOICE_BASE_URL": "http://127.0.0.1:9"})
    assert again.exit_code == 0, again.stderr
    assert saved_profile(tmp_path) == {"application_key": OTHER_KEY, "secret_storage": "keyring", "region": "euc1",
                                       "from": "+46700000001"}
    assert login(cli, "--auth", "basic").exit_code == 0
    assert saved_profile(tmp_path)["auth"] == "basic" and saved_profile(tmp_path)["region"] == "euc1"


@pytest.mark.parametrize("piped, error", [
    (b"\xff\xfe\n", "error: --secret-stdin: standard input is not UTF-8 text"),
    (b"QUJD" * 1000 + b"\n", "error: the secret on standard input is 4000 characters long; a Sinch application "
                             "secret is far shorter (at most 512 accepted)"),
    (b"", "error: the application key and secret must not be empty"),
])
def test_secret_stdin_refuses_what_cannot_be_a_secret_and_saves_nothing(tmp_path, piped, error):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "SINCHVOICE_CONFIG_DIR": str(tmp_path / "c")}
    result = subprocess.run([sys.executable, "-m", "sinchvoice", "auth", "login", "--key", KEY, "--secret-stdin",
                             "--no-verify", "--insecure-storage"], input=piped, capture_output=True, env=env,
                            timeout=60)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.splitlines()[0] == error
    assert not (tmp_path / "c" / "config.json").exists()


def test_secret_stdin_takes_the_first_line_only(cli, isolated):
    assert login(cli, secret=SENTINEL_SECRET + "\nsomething else").exit_code == 0
    assert isolated.passwords == {("sinchvoice", "default"): SENTINEL_SECRET}


def test_login_says_what_it_checked_and_where_it_saved(cli, sandbox, tmp_path):
    env = {"SINCHVOICE_BASE_URL": sandbox.base_url, "SINCHVOICE_CONFIG_BASE_URL": sandbox.base_url}
    result = cli("auth", "login", "--key", sandbox.key, "--secret-stdin", input=sandbox.secret + "\n", env=env)
    assert result.exit_code == 0, result.stderr
    key = f"{sandbox.key[:4]}…{sandbox.key[-4:]}"
    assert result.stderr == (f"Logged in as profile 'default': key {key} checked against {sandbox.base_url} (read the "
                             f"numbers); secret saved in the system keyring, profile in "
                             f"{tmp_path / 'config' / 'config.json'}\n")
    assert [(r["method"], r["auth"]) for r in sandbox.requests()] == [("GET", "signed")]


def test_login_without_a_network_names_no_verify(cli):
    from tests.sandbox_support import closed_port_url

    dead = closed_port_url().rsplit("/", 1)[0]
    result = cli("--config-base-url", dead, "auth", "login", "--key", KEY, "--secret-stdin",
                 input=SENTINEL_SECRET + "\n")
    assert (result.exit_code, result.sleeps) == (75, [])
    assert result.stderr.splitlines() == [
        f"error: could not connect to {dead}: connection refused (nothing listens there)",
        "hint: start the sandbox with `sinchvoice sandbox`, or check --config-base-url; or log in without the "
        "check: add --no-verify"]


def test_list_without_profiles_says_how_to_add_one(cli):
    result = cli("auth", "list")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == ("no profiles yet: add one with `sinchvoice auth login` "
                             "(or `sinchvoice -p NAME auth login`)\n")
    assert cli("-o", "json", "auth", "list").stdout == "[]\n"


def test_an_unknown_profile_lists_the_known_ones(cli):
    login(cli, key=KEY)
    cli("-p", "work", "auth", "login", "--key", OTHER_KEY, "--secret-stdin", "--no-verify",
        input=SENTINEL_SECRET + "\n")
    result = cli("-p", "wrok", "auth", "status")
    assert result.exit_code == 4
    assert result.stderr.splitlines() == ["error: no profile named 'wrok' (known: default, work)",
                                          "hint: pick one with -p, or create it with `sinchvoice -p wrok auth login`"]


def test_a_profile_given_while_environment_credentials_win_is_warned_about(cli):
    login(cli)
    env = {"SINCH_APPLICATION_KEY": "envkey", "SINCH_APPLICATION_SECRET": "ZW52"}
    result = cli("-p", "default", "-o", "json", "auth", "status", env=env)
    assert result.exit_code == 0
    assert result.stderr == ("warning: -p default is not used: SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET "
                             "are set, and they win over profiles\n")
    assert cli("-o", "json", "auth", "status", env=env).stderr == ""  # no -p: nothing to warn about


def test_logout_of_a_file_stored_profile_does_not_warn_about_the_keyring(cli, isolated, monkeypatch):
    from sinchvoice.credentials import SecretStore

    login(cli, "--insecure-storage")

    def no_keyring(self, profile, storage):
        if storage == "keyring":
            raise KeyringUnavailable("no usable system keyring")

    monkeypatch.setattr(SecretStore, "delete", no_keyring)  # a machine without a keyring: the file is all there is
    result = cli("auth", "logout")
    assert (result.exit_code, result.stderr) == (0, "Logged out: profile 'default' removed\n")
