"""Files and folders the CLI creates are private whatever the umask; the completion script is 0644."""

import os
import stat
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SENTINEL_SECRET

KEY = "aaaa1111-2222-4333-8444-555555555555"


def run(*args, env: dict, umask: int, input: str | None = None):
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                **env}
    return subprocess.run([sys.executable, "-m", "sinchvoice", *args], capture_output=True, text=True,
                          env=full_env, input=input, timeout=60, umask=umask)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def login_and_remember(env: dict, umask: int) -> None:
    result = run("auth", "login", "--insecure-storage", "--no-verify", "--key", KEY, "--secret-stdin",
                 env=env, umask=umask, input=SENTINEL_SECRET + "\n")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077], ids=oct)
def test_config_and_state_are_private_including_the_parents_created(tmp_path, umask):
    config, state = tmp_path / "a" / "b" / "config", tmp_path / "s" / "t" / "state"
    login_and_remember({"SINCHVOICE_CONFIG_DIR": str(config), "SINCHVOICE_STATE_DIR": str(state)}, umask)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", config, tmp_path / "s", tmp_path / "s" / "t", state,
                   state / "history"):
        assert mode(folder) == 0o700, folder
    for file in (config / "config.json", config / "secrets.json", config / "lock", state / "history" / "profiles",
                 state / "lock"):
        assert mode(file) == 0o600, file


@pytest.mark.parametrize("umask", [0o000, 0o077], ids=oct)
def test_the_default_xdg_folders_are_private_too(tmp_path, monkeypatch, umask):
    monkeypatch.delenv("SINCHVOICE_CONFIG_DIR")
    monkeypatch.delenv("SINCHVOICE_STATE_DIR")
    home = tmp_path / "home"
    home.mkdir()
    login_and_remember({"HOME": str(home)}, umask)
    for folder in (home / ".config", home / ".config" / "sinchvoice", home / ".local", home / ".local" / "state",
                   home / ".local" / "state" / "sinchvoice"):
        assert mode(folder) == 0o700, folder
    assert mode(home / ".config" / "sinchvoice" / "secrets.json") == 0o600


@pytest.mark.parametrize("umask", [0o000, 0o077], ids=oct)
def test_existing_files_are_made_private_again_when_rewritten(tmp_path, umask):
    config = tmp_path / "config"
    config.mkdir(mode=0o755)
    os.chmod(config, 0o755)
    (config / "config.json").write_text('{"profiles": {}}')
    os.chmod(config / "config.json", 0o644)
    login_and_remember({"SINCHVOICE_CONFIG_DIR": str(config), "SINCHVOICE_STATE_DIR": str(tmp_path / "st")}, umask)
    assert (mode(config), mode(config / "config.json")) == (0o700, 0o600)


@pytest.mark.parametrize("umask", [0o000, 0o077], ids=oct)
@pytest.mark.parametrize("shell, relative", [("bash", "data/bash-completion/completions/sinchvoice"),
                                             ("zsh", "data/zsh/site-functions/_sinchvoice"),
                                             ("fish", "xdgconfig/fish/completions/sinchvoice.fish")])
def test_the_completion_script_is_readable_and_never_writable_by_others(tmp_path, umask, shell, relative):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "xdgconfig"),
           "HOME": str(tmp_path / "home"), "SINCHVOICE_STATE_DIR": str(tmp_path / "state")}
    for _ in range(2):  # a fresh install, then over an existing script
        result = run("completion", "install", shell, env=env, umask=umask)
        assert result.returncode == 0, result.stderr
        script = tmp_path / relative
        assert mode(script) == 0o644
    for folder in script.relative_to(tmp_path).parents:
        if folder != folder.parent:  # the folders the install created
            assert mode(tmp_path / folder) == 0o755, folder
