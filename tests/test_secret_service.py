"""auth login, status and logout against a real Secret Service: gnome-keyring in a private D-Bus session.

The secret must be in the keyring (read back with secret-tool, libsecret's own client) and in no file on disk.
Skipped, with the reason, where gnome-keyring, dbus-run-session or secret-tool are not installed (.ci/run
installs them when it runs as root).
"""

import base64
import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SENTINEL_SECRET

KEY = "aaaa1111-2222-4333-8444-555555555555"
TOOLS = ("gnome-keyring-daemon", "dbus-run-session", "secret-tool")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"no {', '.join(MISSING)} (apt-get install gnome-keyring "
                                                      "dbus libsecret-tools; .ci/run does)")

# Runs inside `dbus-run-session`: unlock a keyring with a known password, prove the Secret Service answers,
# then the CLI commands given; each step's stdout, stderr and exit code go to files in $OUT.
SESSION = r"""
printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >"$OUT/daemon" 2>&1 \
  || { echo "gnome-keyring-daemon --unlock failed: $(cat "$OUT/daemon")" >"$OUT/unavailable"; exit 0; }
printf probe | secret-tool store --label=probe sinchvoice-test probe 2>"$OUT/probe" \
  && [ "$(secret-tool lookup sinchvoice-test probe)" = probe ] \
  || { echo "the Secret Service did not store a probe: $(cat "$OUT/probe")" >"$OUT/unavailable"; exit 0; }
step() { name=$1; shift; "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null; echo $? >"$OUT/$name.rc"; }
"""
LOGIN = r"""
printf '%s\n' "$SECRET" | "$PYTHON" -m sinchvoice auth login --key "$KEY" --secret-stdin --no-verify \
  >"$OUT/login.out" 2>"$OUT/login.err"; echo $? >"$OUT/login.rc"
step status "$PYTHON" -m sinchvoice -o json auth status
step lookup secret-tool lookup service sinchvoice username default
"""
LOGOUT = r"""
step status "$PYTHON" -m sinchvoice -o json auth status
step logout "$PYTHON" -m sinchvoice auth logout
step lookup secret-tool lookup service sinchvoice username default
"""


def in_session(tmp_path, name: str, commands: str) -> dict:
    """Run a shell session (SESSION + COMMANDS) in its own D-Bus; returns {step: (rc, stdout, stderr)}."""
    out = tmp_path / "out" / name
    out.mkdir(parents=True)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path / "home"), "XDG_RUNTIME_DIR": str(runtime),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring", "OUT": str(out),
           "KEYRING_PASSWORD": "test-keyring-password", "SECRET": SENTINEL_SECRET, "KEY": KEY,
           "PYTHON": sys.executable}
    proc = subprocess.Popen(["dbus-run-session", "--", "sh", "-c", SESSION + commands], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the bus and the keyring daemon with it
        proc.communicate()
        steps = sorted(os.listdir(out))
        raise AssertionError(f"the D-Bus session did not finish within 120 s; steps so far: {steps}") from None
    if (out / "unavailable").exists():
        pytest.skip(f"no working Secret Service here: {(out / 'unavailable').read_text().strip()}")
    assert proc.returncode == 0, err
    steps = {}
    for rc in out.glob("*.rc"):
        step = rc.stem
        steps[step] = (int(rc.read_text()), (out / f"{step}.out").read_text(), (out / f"{step}.err").read_text())
    return steps


def files_holding(roots, needles: list[bytes]) -> list[str]:
    return [str(path) for root in roots for path in root.rglob("*")
            if path.is_file() and any(n in path.read_bytes() for n in needles)]


def test_login_status_logout_with_a_real_gnome_keyring(tmp_path, monkeypatch):
    config, state = tmp_path / "config", tmp_path / "state"
    monkeypatch.setenv("SINCHVOICE_CONFIG_DIR", str(config))
    monkeypatch.setenv("SINCHVOICE_STATE_DIR", str(state))

    steps = in_session(tmp_path, "login", LOGIN)
    assert steps["login"] == (0, "", "Logged in as profile 'default': key aaaa…5555 not checked (--no-verify); secret "
                                     f"saved in the system keyring, profile in {config / 'config.json'}\n")
    rc, out, err = steps["status"]
    assert (rc, err) == (0, "")
    assert json.loads(out)["secret"] == "system keyring" and json.loads(out)["credentialsFrom"] == "profile"
    assert steps["lookup"][:2] == (0, SENTINEL_SECRET)  # libsecret's own client finds it in the keyring

    # On disk: the profile without the secret, no secrets file; the keyring's own file holds it encrypted only.
    assert json.loads((config / "config.json").read_text())["profiles"]["default"] == {
        "application_key": KEY, "secret_storage": "keyring"}
    assert not (config / "secrets.json").exists()
    assert (tmp_path / "home" / ".local" / "share" / "keyrings").is_dir()
    needles, places = [SENTINEL_SECRET.encode(), base64.b64decode(SENTINEL_SECRET)], [config, state, tmp_path / "home"]
    assert files_holding(places, needles) == []

    # A new session (the daemon started again, the same keyring file): still there, then logged out.
    steps = in_session(tmp_path, "logout", LOGOUT)
    assert steps["status"][0] == 0 and json.loads(steps["status"][1])["secret"] == "system keyring"
    assert steps["logout"] == (0, "", "Logged out: profile 'default' removed\n")
    assert steps["lookup"][:2] == (1, "")  # gone from the keyring
    assert json.loads((config / "config.json").read_text())["profiles"] == {}
    assert files_holding(places, needles) == []
