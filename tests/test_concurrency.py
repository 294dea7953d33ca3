"""Two runs at once: every read-modify-write of the config and secrets files happens under a lock, re-reading."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SENTINEL_SECRET
from tests.terminal import Terminal

KEY = "aaaa1111-2222-4333-8444-555555555555"
SECRETS = [f"U2VjcmV0{n}A==" for n in range(10)]  # base64, one per profile


def env_for(tmp_path) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "SINCHVOICE_CONFIG_DIR": str(tmp_path / "config"), "SINCHVOICE_STATE_DIR": str(tmp_path / "state")}


def login_process(tmp_path, profile: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sinchvoice", "-p", profile, "auth", "login", "--insecure-storage", "--no-verify",
         "--key", KEY, "--secret-stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_for(tmp_path))


def test_ten_parallel_logins_keep_ten_profiles_and_secrets(tmp_path):
    processes = [login_process(tmp_path, f"p{n}") for n in range(10)]
    for n, proc in enumerate(processes):  # all ten answer at once, then race to save
        proc.stdin.write(SECRETS[n] + "\n")
        proc.stdin.close()
    for n, proc in enumerate(processes):
        proc.wait(timeout=120)  # what they print is a line or two: it fits in the pipes meanwhile
        err = proc.stderr.read()
        proc.stdout.close(), proc.stderr.close()
        assert proc.returncode == 0, err
        assert f"Logged in as profile 'p{n}'" in err
    config = json.loads((tmp_path / "config" / "config.json").read_text())
    assert sorted(config["profiles"]) == [f"p{n}" for n in range(10)]
    assert config["active"] in config["profiles"]
    secrets = json.loads((tmp_path / "config" / "secrets.json").read_text())
    assert secrets == {f"p{n}": SECRETS[n] for n in range(10)}
    history = (tmp_path / "state" / "history" / "profiles").read_text().split()
    assert sorted(history) == [f"p{n}" for n in range(10)]
    leftovers = [p.name for p in (tmp_path / "config").iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temporary files left behind


def test_a_login_waiting_at_its_prompt_keeps_a_profile_saved_meanwhile(tmp_path):
    env = env_for(tmp_path)
    waiting = Terminal("-p", "slow", "auth", "login", "--insecure-storage", "--no-verify", env=env)
    waiting.expect("Application key: ")
    waiting.type(KEY + "\n")
    waiting.expect("Application secret: ")
    fast = login_process(tmp_path, "fast")
    _, err = fast.communicate(SECRETS[1] + "\n", timeout=60)
    assert fast.returncode == 0, err
    waiting.type(SENTINEL_SECRET + "\n")
    assert waiting.finish() == 0, waiting.screen
    config = json.loads((tmp_path / "config" / "config.json").read_text())
    assert sorted(config["profiles"]) == ["fast", "slow"]
    assert config["active"] == "fast"  # the first profile saved became active; the later login left it so
    assert json.loads((tmp_path / "config" / "secrets.json").read_text()) == {
        "fast": SECRETS[1], "slow": SENTINEL_SECRET}
    assert SENTINEL_SECRET not in waiting.screen  # the hidden prompt did not echo it


def test_a_logout_and_a_switch_meanwhile_are_kept_too(tmp_path):
    env = env_for(tmp_path)
    for n in range(3):
        proc = login_process(tmp_path, f"p{n}")
        assert proc.communicate(SECRETS[n] + "\n", timeout=60)[0] is not None and proc.returncode == 0
    waiting = Terminal("-p", "p3", "auth", "login", "--insecure-storage", "--no-verify", "--key", KEY, env=env)
    waiting.expect("Application secret: ")
    for args in (["-p", "p0", "auth", "logout"], ["auth", "switch", "p2"]):
        done = subprocess.run([sys.executable, "-m", "sinchvoice", *args], capture_output=True, text=True, env=env,
                              timeout=60)
        assert done.returncode == 0, done.stderr
    waiting.type(SECRETS[3] + "\n")
    assert waiting.finish() == 0, waiting.screen
    config = json.loads((tmp_path / "config" / "config.json").read_text())
    assert (sorted(config["profiles"]), config["active"]) == (["p1", "p2", "p3"], "p2")
    assert sorted(json.loads((tmp_path / "config" / "secrets.json").read_text())) == ["p1", "p2", "p3"]


def test_a_lock_held_too_long_is_a_temporary_error_and_nothing_changes(tmp_path):
    from sinchvoice.config import ConfigStore
    from sinchvoice.errors import TemporaryError
    from sinchvoice.files import locked

    store = ConfigStore(tmp_path)
    store.save_profile("a", {"application_key": KEY})
    with locked(tmp_path):  # another run in the middle of its change (flock: per open file, even in one process)
        with pytest.raises(TemporaryError, match=f"another sinchvoice run has held {tmp_path / 'lock'} for 0.05 s; "
                                                 "nothing was changed"):
            with locked(tmp_path, wait=0.05):
                pass
    assert json.loads((tmp_path / "config.json").read_text())["profiles"] == {"a": {"application_key": KEY}}
