"""Ctrl-C or Ctrl-D at any prompt, typed on a real pseudo-terminal: exit 130, `interrupted` on its own line,
nothing saved or sent."""

import json

import pytest

from tests.conftest import SENTINEL_SECRET
from tests.terminal import CTRL_C, CTRL_D, Terminal

KEY = "aaaa1111-2222-4333-8444-555555555555"


@pytest.fixture
def env(tmp_path):
    return {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "SINCHVOICE_CONFIG_DIR": str(tmp_path / "config"), "SINCHVOICE_STATE_DIR": str(tmp_path / "state")}


def lines(screen: str) -> list[str]:
    return screen.replace("\r\n", "\n").split("\n")


def assert_interrupted(terminal: Terminal, prompt: str) -> None:
    """130, and the prompt's line ended before `interrupted`, which is the last line, alone."""
    assert terminal.finish() == 130, terminal.screen
    shown = lines(terminal.screen)
    assert shown[-2:] == ["interrupted", ""], shown
    assert shown[-3].startswith(prompt) and shown[-3].rstrip() in (prompt.rstrip(), prompt + "^C"), shown


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_at_the_key_prompt(env, tmp_path, key):
    terminal = Terminal("auth", "login", "--insecure-storage", "--no-verify", env=env)
    terminal.expect_prompt("Application key: ")
    terminal.type(key)
    assert_interrupted(terminal, "Application key: ")
    assert not (tmp_path / "config" / "config.json").exists()
    assert not (tmp_path / "config" / "secrets.json").exists()


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_at_the_hidden_secret_prompt(env, tmp_path, key):
    terminal = Terminal("auth", "login", "--insecure-storage", "--no-verify", env=env)
    terminal.expect("Application key: ")
    terminal.type(KEY + "\n")
    terminal.expect_prompt("Application secret: ")
    # Ctrl-C drops what was half typed; Ctrl-D is end-of-input on an empty line (after text it would submit it)
    terminal.type("U2VudGluZWxT" + key if key == CTRL_C else key)
    assert_interrupted(terminal, "Application secret: ")
    assert "U2VudGluZWxT" not in terminal.screen  # hidden input stays hidden
    assert not (tmp_path / "config" / "config.json").exists()
    assert not (tmp_path / "config" / "secrets.json").exists()


def test_a_completed_prompt_login_saves_and_echoes_no_secret(env, tmp_path):
    terminal = Terminal("auth", "login", "--insecure-storage", "--no-verify", env=env)
    terminal.expect("Application key: ")
    terminal.type(KEY + "\n")
    terminal.expect("Application secret: ")
    terminal.type(SENTINEL_SECRET + "\n")
    assert terminal.finish() == 0, terminal.screen
    assert SENTINEL_SECRET not in terminal.screen
    assert json.loads((tmp_path / "config" / "secrets.json").read_text()) == {"default": SENTINEL_SECRET}


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_at_a_confirmation(sandbox, env, key):
    terminal = Terminal("applications", "numbers", "unassign", "+46700000100", env={**env, **sandbox.env()})
    prompt = "Unassign 1 number (+46700000100)? [y/N] "
    terminal.expect_prompt(prompt)
    terminal.type(key)
    assert_interrupted(terminal, prompt)
    assert sandbox.requests() == []


def test_a_confirmation_answered_no_still_cancels(sandbox, env):
    terminal = Terminal("applications", "numbers", "unassign", "+46700000100", env={**env, **sandbox.env()})
    terminal.expect("? [y/N] ")
    terminal.type("n\n")
    assert terminal.finish() == 1
    assert lines(terminal.screen)[-2] == "error: cancelled; nothing was changed"
    assert sandbox.requests() == []
