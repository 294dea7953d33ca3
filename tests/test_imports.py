"""Issue 16: each command loads only what it uses. A fresh interpreter runs a representative command against the
sandbox and reports, at exit, which heavy modules it loaded and whether it built a verifying TLS context; the
modules listed here must not be among them, so a stray import fails the suite (the benchmark measures the cost)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

FROM, TO = "+46700000100", "+46701234567"

# What never belongs on a command's path: the servers, rich's rendering stack when nothing is rendered with it,
# the sandbox, and httpx: requests go through httpcore (wire.py), and httpx would add about 25 ms of its own and
# of what it imports (urllib.request for proxies, http.cookiejar and email for cookies). (anyio is httpcore's.)
SERVERS = {"starlette", "uvicorn", "jsonschema", "sinchvoice.sandbox", "sinchvoice.serving"}
RENDERING = {"rich", "pygments"}
HTTPX = {"httpx", "http.cookiejar", "urllib.request", "email.parser", "email.message"}

REPORT = """
import atexit, json, runpy, sys
def report():
    pools = sys.modules.get("sinchvoice.pools")
    cache = pools._tls_context.cache_info().currsize if pools else 0
    loaded = sorted({name for name in sys.modules if sys.modules[name] is not None})
    print(json.dumps({"modules": loaded, "tls_contexts": cache}), file=sys.stderr)
atexit.register(report)
sys.argv = ["sinchvoice", *ARGS]
runpy.run_module("sinchvoice", run_name="__main__")
"""


def loaded_by(args: list[str], env: dict) -> dict:
    code = REPORT.replace("ARGS", repr(args))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80", **env})
    report = json.loads(result.stderr.splitlines()[-1])
    report["exit_code"], report["stdout"] = result.returncode, result.stdout
    return report


def heavy(modules: list[str], banned: set[str]) -> list[str]:
    return [name for name in modules if name in banned or name.split(".")[0] in banned
            or any(name.startswith(prefix + ".") for prefix in banned)]


@pytest.fixture
def env(sandbox, tmp_path):
    return {**sandbox.env(), "SINCHVOICE_CONFIG_DIR": str(tmp_path), "SINCHVOICE_FROM": FROM,
            "SINCHVOICE_NO_HISTORY": "1"}


@pytest.mark.parametrize("name, args", [
    ("calls get -o json", ["calls", "get", "CALL", "-o", "json"]),
    ("callouts tts -q", ["callouts", "tts", "--to", TO, "--text", "Disk full on db-1", "-q"]),
    ("numbers list -o csv", ["applications", "numbers", "list", "-o", "csv"]),
])
def test_an_api_command_loads_no_server_no_rich_no_httpx_and_no_tls_for_a_loopback_url(env, sandbox, name, args):
    if "CALL" in args:
        placed = subprocess.run([sys.executable, "-m", "sinchvoice", "callouts", "tts", "--to", TO, "--text", "hi",
                                 "-q"], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT),
                                                                              **env}, timeout=60)
        args = [placed.stdout.strip() if a == "CALL" else a for a in args]
    report = loaded_by(args, env)
    assert report["exit_code"] == 0, report
    assert report["stdout"].strip()  # the command did its job: an id, a document, rows
    assert heavy(report["modules"], SERVERS | RENDERING | HTTPX | {"typer", "click"}) == []  # sinchvoice.fastpath
    assert "httpcore" in report["modules"]  # ... and the checks above saw a real request
    assert report["tls_contexts"] == 1  # one context, the no-CA-store one for http:// (the CA load is 25 ms)
    from sinchvoice.pools import tls_for

    assert tls_for(sandbox.base_url).cert_store_stats()["x509_ca"] == 0


def test_httpx_where_it_is_still_used_comes_without_its_command_line():
    """`listen` forwards with httpx: sinchvoice/__init__.py keeps httpx's click/rich/pygments CLI out of it."""
    code = ("import sys, sinchvoice, httpx; "
            "print(sorted(m for m in ('click', 'rich', 'pygments') if m in sys.modules), sys.modules['httpx._main'])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (result.returncode, result.stdout) == (0, "[] None\n"), result.stderr


@pytest.mark.parametrize("args", [["--help"], ["calls", "--help"], ["applications", "numbers", "-h"], ["--version"]])
def test_help_and_version_load_not_even_typer(env, args):
    """The root's and groups' help come from help_pages.py (tests/test_help_pages.py keeps them exact)."""
    report = loaded_by(args, env)
    assert report["exit_code"] == 0 and report["stdout"].startswith(("Usage: sinchvoice", "sinchvoice "))
    assert heavy(report["modules"], SERVERS | RENDERING | {"typer", "httpx", "httpcore", "keyring", "ssl"}) == []
    assert [name for name in report["modules"] if name.startswith("sinchvoice.commands")] == []


def test_a_command_loads_its_own_area_only(env):
    report = loaded_by(["calls", "get", "--help"], env)
    assert report["exit_code"] == 0
    areas = {name.split(".")[2] for name in report["modules"] if name.startswith("sinchvoice.commands.")}
    assert areas == {"calls"}
