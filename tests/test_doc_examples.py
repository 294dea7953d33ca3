"""Every ```sh example in README.md and docs/*.md runs as written against a sandbox, with the exit codes it states.

Each block is one bash script, run in a fresh folder with its own HOME, configuration and state, and the
environment the sandbox's export line gives (SINCHVOICE_BASE_URL and the credentials). After every command
line the script checks its exit code: 0, or N when the line's comment ends with `exit N` (the convention
CONTRIBUTING.md documents). `sinchvoice sandbox`/`sinchvoice listen` lines in the foreground stand for
"in another terminal": this module's own sandbox (in a thread, clock x20) and listener (a real
`sinchvoice listen --port 0` in the background, found by its banner) take their place, and the default
addresses 127.0.0.1:8700 and :8800 are rewritten to theirs.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sinchvoice.sandbox.clock import RealClock
from sinchvoice.sandbox.server import run_in_thread

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SPEED = 20  # a 2 s ring lasts 0.1 s: examples that wait for an answer stay quick, and long calls stay up
BLOCK_TIMEOUT = 180
FAILED = 97  # the script's own exit code for "a line exited with another code than stated"

# Examples that are not run, and why. Keyed by file and a line the block contains.
NOT_RUN = {
    ("README.md", "pip install . && sinchvoice demo"):
        "creates virtual environments and installs from the package index; `.ci/run` runs both commands",
    ("README.md", "pip install .            # or: pipx install ."):
        "installs the package; the test runs the checkout itself",
    ("sandbox.md", "sinchvoice sandbox --manual-clock"):
        "needs a sandbox whose clock stands still; this module's runs 20 times faster than real time",
}
SERVER = re.compile(r"^sinchvoice (sandbox|listen)\b")
EXPECTED = re.compile(r"(?:^|\s)#[^#]*\bexit (\d+)\s*$")  # a comment ending in "exit N"
HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")
COMMENT = re.compile(r"(^|\s)#.*$")  # a word starting with # ('#ssml[...]' is quoted, so not one)
OPENER = re.compile(r"(?:^|[;&|]|\bthen|\bdo|\belse)\s*(?:for|while|until|if|case)\b")
CLOSER = re.compile(r"(?:^|[;&|\s])(?:done|fi|esac)\b")
TOOLS = ("curl", "jq")


@dataclass
class Unit:
    """One command line (continuations joined), or one compound statement, or one here-document."""

    line: int
    text: str

    @property
    def expected(self) -> int:
        found = EXPECTED.search(self.text.splitlines()[-1])
        return int(found.group(1)) if found else 0


@dataclass
class Block:
    path: Path
    line: int
    lines: list

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.line}"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def blocks(path: Path) -> list[Block]:
    found, current = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if current is None and line.strip() == "```sh":
            current = Block(path, number + 1, [])
        elif current is not None and line.strip() == "```":
            found.append(current)
            current = None
        elif current is not None:
            current.lines.append(line)
    assert current is None, f"{path.name}: a ```sh block is never closed"
    return found


def units(block: Block) -> list[Unit]:
    """The block's commands, in order: what one exit-code check follows."""
    result, pending, start, depth, heredoc = [], [], 0, 0, None
    for offset, line in enumerate(block.lines):
        if not pending:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            start = block.line + offset
        pending.append(line)
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
        else:
            code = COMMENT.sub("", line).strip()
            depth += len(OPENER.findall(code)) - len(CLOSER.findall(code))
            opened = HEREDOC.search(code)
            heredoc = opened.group(2) if opened else None
        if heredoc is not None or depth > 0 or line.rstrip().endswith("\\"):
            continue
        result.append(Unit(start, "\n".join(pending)))
        pending, depth = [], 0
    assert not pending, f"{block.name}: the block ends inside a command"
    return result


def script(block: Block, ports: dict[str, str]) -> str:
    out = ["set -o pipefail"]
    for unit in units(block):
        text = unit.text
        if SERVER.match(text) and not text.rstrip().endswith("&"):
            out.append(f": 'in another terminal, here the test server: {block.path.name}:{unit.line}'")
            continue
        for default, actual in ports.items():
            text = text.replace(default, actual)
        out.append(text)
        out.append(f'__rc=$?; if [ "$__rc" != {unit.expected} ]; then '
                   f'echo "{block.path.name}:{unit.line}: exit $__rc, expected {unit.expected}" >&2; exit {FAILED}; fi')
    return "\n".join(out) + "\n"


def all_blocks() -> list[Block]:
    return [block for path in DOC_FILES for block in blocks(path)]


def not_run_reason(block: Block) -> str | None:
    for (name, line), reason in NOT_RUN.items():
        if block.path.name == name and any(line in text for text in block.lines):
            return reason
    return None


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The sandbox and the listener that the examples' other terminals would run."""
    with run_in_thread(clock=RealClock(speed=SPEED)) as running:
        env = {**clean_environment(), "SINCH_APPLICATION_KEY": running.key,
               "SINCH_APPLICATION_SECRET": running.secret, "PYTHONPATH": str(ROOT)}
        log = tmp_path_factory.mktemp("listen") / "listen.err"
        with open(log, "wb") as err:
            listener = subprocess.Popen([sys.executable, "-m", "sinchvoice", "listen", "--port", "0"],
                                        env=env, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        try:
            port = wait_for_banner(listener, log)
            yield running, f"127.0.0.1:{port}"
        finally:
            listener.send_signal(signal.SIGINT)
            try:
                listener.wait(30)
            except subprocess.TimeoutExpired:
                listener.kill()
                listener.wait()


def wait_for_banner(process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"receiving callbacks on http://127\.0\.0\.1:(\d+)/", log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            pytest.fail(f"sinchvoice listen ended with {process.returncode}: {log.read_text()}")
        time.sleep(0.05)  # polling a condition, bounded by the deadline
    pytest.fail(f"sinchvoice listen printed no banner within 60 s: {log.read_text()}")


def clean_environment() -> dict:
    return {name: value for name, value in os.environ.items()
            if not name.startswith(("SINCH_", "SINCHVOICE_", "XDG_"))
            and name not in ("NO_COLOR", "PYTHON_KEYRING_BACKEND")}


def run_block(block: Block, running, listener: str, work: Path) -> subprocess.CompletedProcess:
    bin_dir, home = work / "bin", work / "home"
    for folder in (bin_dir, home, work / "run"):
        folder.mkdir(parents=True)
    shim = bin_dir / "sinchvoice"  # the checkout's code, whatever is installed
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sinchvoice "$@"\n')
    shim.chmod(0o755)
    env = {
        **clean_environment(),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "SHELL": "/bin/bash",
        "SINCHVOICE_CONFIG_DIR": str(work / "config"),
        "SINCHVOICE_STATE_DIR": str(work / "state"),
        "SINCHVOICE_BASE_URL": running.base_url,
        "SINCH_APPLICATION_KEY": running.key,
        "SINCH_APPLICATION_SECRET": running.secret,
        "PYTHON_KEYRING_BACKEND": "tests.doc_keyring.FileKeyring",
        "DOC_KEYRING_FILE": str(work / "keyring.json"),
    }
    ports = {"127.0.0.1:8700": f"127.0.0.1:{running.port}", "127.0.0.1:8800": listener}
    (work / "example.sh").write_text(script(block, ports))
    out, err = work / "stdout", work / "stderr"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        # Its own process group, so whatever an example leaves in the background is ended with it.
        process = subprocess.Popen(["bash", str(work / "example.sh")], cwd=work / "run", env=env,
                                   stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, start_new_session=True)
        try:
            code = process.wait(BLOCK_TIMEOUT)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
    return subprocess.CompletedProcess(block.name, code, out.read_text(errors="replace"),
                                       err.read_text(errors="replace"))


def reset(running) -> None:
    httpx.post(f"{running.base_url}/_sandbox/reset", timeout=30).raise_for_status()


def internal_errors(running) -> int:
    return httpx.get(f"{running.base_url}/_sandbox/requests", timeout=30).json()["internalErrors"]


@pytest.mark.parametrize("block", all_blocks(), ids=lambda block: block.name)
def test_example_runs_as_written(block, servers, tmp_path):
    reason = not_run_reason(block)
    if reason:
        pytest.skip(reason)
    missing = [tool for tool in TOOLS if re.search(rf"\b{tool}\b", block.text) and shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}, not installed here")
    running, listener = servers
    reset(running)
    result = run_block(block, running, listener, tmp_path)
    assert result.returncode is not None, f"{block.name} ran over {BLOCK_TIMEOUT} s\n{result.stderr}"
    assert result.returncode == 0, f"{block.name} failed:\n{result.stderr}\n--- stdout ---\n{result.stdout}"
    assert "Traceback" not in result.stderr and "unexpected failure" not in result.stderr, result.stderr
    assert internal_errors(running) == 0


def test_an_example_that_breaks_fails(servers, tmp_path):
    """The runner itself: a wrong exit code stops the script and names the line; `# exit N` is obeyed."""
    running, listener = servers
    block = Block(Path("example.md"), 10, [
        "sinchvoice calls get no-such-call      # exit 3",
        "CALL=$(sinchvoice calls get another-call -q)",
        "echo never",
    ])
    result = run_block(block, running, listener, tmp_path)
    assert result.returncode == FAILED
    assert result.stderr.splitlines()[-1] == "example.md:11: exit 3, expected 0"
    assert "never" not in result.stdout


def test_units_follow_continuations_compounds_and_heredocs():
    block = Block(Path("x.md"), 1, [
        "# a comment",
        "sinchvoice a \\",
        "  --b   # exit 5",
        "for X in 1 2; do",
        "  case $X in 1) echo one ;; esac",
        "done",
        "cat > f <<'EOF'",
        "for",
        "EOF",
        "if true; then echo yes; fi",
    ])
    found = units(block)
    assert [(unit.line, unit.expected) for unit in found] == [(2, 5), (4, 0), (7, 0), (10, 0)]
    assert found[1].text.endswith("done") and found[2].text.endswith("EOF")


def test_every_doc_file_has_examples_and_every_skip_is_used():
    names = {block.path.name for block in all_blocks()}
    assert {"README.md", "sandbox.md", "callbacks.md", "recipes.md", "completion.md"} <= names
    used = {(b.path.name, line) for b in all_blocks() for (name, line) in NOT_RUN
            if b.path.name == name and any(line in text for text in b.lines)}
    assert used == set(NOT_RUN), f"NOT_RUN entries that match no block: {set(NOT_RUN) - used}"
