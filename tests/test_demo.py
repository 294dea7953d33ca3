"""`sinchvoice demo`: the main job runs end to end on its own sandbox and exits 0."""

import re
import signal
import time

import httpx

from tests.conftest import run_subprocess
from tests.spawned import Spawned

STEPS = [
    r"\$ sinchvoice callouts tts --to \+46700000123 --text 'Disk almost full on db-1\.' --wait",
    r"  \(exit code 0\)",
    r"\$ sinchvoice callouts tts --to \+46700000001 --text 'Are you there\?' --wait",
    r"error: the call was not answered: the line was busy \(BUSY\)",
    r"  \(exit code 5\)",
    r"\$ P1=\$\(sinchvoice callouts conference --to \+46700000201 --conference-id ops-bridge -q\)   # [0-9a-f-]{36}",
    r"\$ P2=\$\(sinchvoice callouts conference --to \+46700000202 --conference-id ops-bridge -q\)   # [0-9a-f-]{36}",
    r"\$ P3=\$\(sinchvoice callouts conference --to \+46700000203 --conference-id ops-bridge -q\)   # [0-9a-f-]{36}",
    r"\$ sinchvoice conferences get ops-bridge",
    r"\$ sinchvoice conferences mute ops-bridge [0-9a-f-]{36}",
    r"\$ sinchvoice conferences kick ops-bridge [0-9a-f-]{36} --yes",
    r"\$ sinchvoice conferences get ops-bridge",
    r"\$ sinchvoice conferences kick-all ops-bridge --yes",
    r"\$ sinchvoice conferences get ops-bridge",
    r"error: conference ops-bridge not found \(it ends when the last participant leaves\)",
    r"  \(exit code 3\)",
]


def test_demo_runs_the_scenario(cli):
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    position = 0
    for pattern in STEPS:  # in this order, each exactly as narrated
        position = next(i for i in range(position, len(lines)) if re.fullmatch(pattern, lines[i])) + 1
    assert "expected" not in result.stderr  # no step ended with another exit code than scripted
    out = result.stdout.splitlines()
    assert [line for line in out if line.startswith(("result", "status"))] == [
        "status    FINAL", "result    ANSWERED", "status    FINAL", "result    BUSY"]
    assert "3 participants" in out and "2 participants" in out
    muted = [line for line in out if line.endswith("yes    no")]
    assert len(muted) == 1 and "+46700000201" in muted[0]


def test_demo_needs_no_credentials_keyring_or_config(tmp_path):
    """A fresh machine: no profile, a keyring that fails, an empty HOME; the demo still works."""
    result = run_subprocess("demo", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                                         "HOME": str(tmp_path), "SINCHVOICE_CONFIG_DIR": str(tmp_path / "cfg"),
                                         "SINCHVOICE_STATE_DIR": str(tmp_path / "state")})
    assert result.returncode == 0, result.stderr
    assert "Done." in result.stderr
    assert not (tmp_path / "state").exists()  # the demo's ids stay out of the completion history


def test_ctrl_c_stops_the_demo_instead_of_going_on_to_the_next_step():
    """The demo runs the real commands in-process: a Ctrl-C reaching one of them must end the whole demo."""
    demo = Spawned("demo")
    try:
        base_url = demo.until(r"^A sandbox is serving on ")[-1].split(" on ", 1)[1].split(" ")[0]
        # Hold the next callout inside the demo's own sandbox, so the Ctrl-C lands in a step for sure.
        with httpx.Client(base_url=base_url + "/_sandbox", trust_env=False, timeout=30) as control:
            control.post("/faults", json={"method": "POST", "path": "/calling/v1/callouts", "delay": 60,
                                          "count": -1}).raise_for_status()
            deadline = time.monotonic() + 60
            while not control.get("/faults").json()["faults"][0]["fired"]:
                assert time.monotonic() < deadline, demo.seen["stderr"]
                time.sleep(0.02)
        demo.signal(signal.SIGINT)
        code, _, _ = demo.finish()
    finally:
        demo.kill()
    lines = demo.seen["stderr"]
    assert code == 130, lines
    assert lines[-1] == "interrupted" and lines.count("interrupted") == 1, lines
    held = max(i for i, line in enumerate(lines) if line.startswith("$ sinchvoice callouts "))
    after = lines[held + 1:-1]  # what the interrupted step said, if anything: no further step, no verdict
    assert not [line for line in after if line.startswith(("$ ", "  (exit code")) or re.match(r"\d\. ", line)], lines
    assert "Done." not in "\n".join(lines)


def test_the_export_line_pastes_as_is_and_piped_output_stays_in_order(tmp_path):
    import shlex
    import subprocess
    import sys

    from sinchvoice.sandbox.defaults import KEY, SECRET
    from tests.conftest import ROOT

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
           "SINCHVOICE_CONFIG_DIR": str(tmp_path / "cfg"), "SINCHVOICE_STATE_DIR": str(tmp_path / "state")}
    merged = subprocess.run([sys.executable, "-m", "sinchvoice", "demo", "--speed", "100"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)  # one pipe: 2>&1
    assert merged.returncode == 0, merged.stdout
    lines = merged.stdout.splitlines()
    export = next(line for line in lines if line.startswith("$ export "))
    words = shlex.split(export[2:])  # what a shell makes of the pasted line
    assert words[0] == "export" and dict(word.split("=", 1) for word in words[1:]) == {
        "SINCHVOICE_BASE_URL": words[1].split("=", 1)[1], "SINCH_APPLICATION_KEY": KEY,
        "SINCH_APPLICATION_SECRET": SECRET, "SINCHVOICE_FROM": "+46700000999"}
    first_get = lines.index("$ sinchvoice conferences get ops-bridge")
    assert lines[first_get + 1].startswith("call id ")  # the command's stdout right under its narration
    assert lines[first_get + 5:first_get + 7] == ["3 participants", "  (exit code 0)"]
