"""The package builds offline (sdist, then the wheel from it) and installs a working `sinchvoice` with completions."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from sinchvoice import __version__
from tests.conftest import ROOT

SHARED = {
    "share/bash-completion/completions/sinchvoice": "completions/sinchvoice.bash",
    "share/zsh/site-functions/_sinchvoice": "completions/_sinchvoice",
    "share/fish/vendor_completions.d/sinchvoice.fish": "completions/sinchvoice.fish",
}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """`python -m build` without isolation (offline: uses the installed hatchling); about a second."""
    missing = [name for name in ("build", "hatchling") if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (pip install '.[test]'); cannot build offline")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return out


def wheel_of(dist: Path) -> Path:
    return next(dist.glob(f"sinchvoice-{__version__}-*.whl"))


def test_wheel_holds_spec_completions_and_entry_point(dist):
    with zipfile.ZipFile(wheel_of(dist)) as wheel:
        names = set(wheel.namelist())
        data = f"sinchvoice-{__version__}.data/data/"
        assert {"sinchvoice/openapi.json", "sinchvoice/cli.py", "sinchvoice/completion_gen/bash.py"} <= names
        for installed, source in SHARED.items():
            assert wheel.read(data + installed).decode() == (ROOT / source).read_text(), installed
        entry_points = wheel.read(f"sinchvoice-{__version__}.dist-info/entry_points.txt").decode()
    assert "[console_scripts]\nsinchvoice = sinchvoice.cli:main" in entry_points
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)


def test_sdist_carries_what_the_wheel_is_built_from(dist):
    with tarfile.open(next(dist.glob("sinchvoice-*.tar.gz"))) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "sinchvoice/openapi.json", *SHARED.values()} <= names


def test_installed_wheel_runs_and_places_completions(dist, tmp_path):
    prefix = tmp_path / "prefix"
    # --ignore-installed: under .ci/run this interpreter already has sinchvoice, and newer pips would skip it.
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                              "--ignore-installed", "--prefix", str(prefix), str(wheel_of(dist))],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    for installed, source in SHARED.items():
        assert (prefix / installed).read_text() == (ROOT / source).read_text()
    purelib = sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)})
    # The installed copy first on the path; dependencies (typer...) come from this interpreter's site-packages.
    env = {"PYTHONPATH": purelib, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    script = prefix / "bin" / "sinchvoice"
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"sinchvoice {__version__}\n")
    shown = subprocess.run([str(script), "completion", "show", "fish"], capture_output=True, text=True, env=env,
                           cwd=tmp_path)
    assert (shown.returncode, shown.stdout) == (0, (ROOT / "completions/sinchvoice.fish").read_text())
    where = subprocess.run([sys.executable, "-c", "import sinchvoice; print(sinchvoice.__file__)"], env=env,
                           capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout.startswith(purelib)
