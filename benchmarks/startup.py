"""Startup benchmark: median wall time of sinchvoice commands as ratios to a bare `python -c pass`.

Run: python benchmarks/startup.py [--runs N]. Startup is TAB latency, so it is measured, not asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(command: list[str], runs: int, env: dict | None = None) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    python = sys.executable
    cases = [
        ("python -c pass", [python, "-c", "pass"]),
        ("sinchvoice --version", [python, "-m", "sinchvoice", "--version"]),
        ("sinchvoice --help", [python, "-m", "sinchvoice", "--help"]),
        ("sinchvoice calls --help", [python, "-m", "sinchvoice", "calls", "--help"]),
    ]
    results = [(name, median_ms(cmd, runs, env)) for name, cmd in cases]
    results += completion_cases(runs, env)
    base = results[0][1]
    print(f"{'case':44} {'median ms':>10} {'x python':>9}")
    for name, ms in results:
        print(f"{name:44} {ms:10.1f} {ms / base:9.2f}")


def completion_cases(runs: int, env: dict) -> list[tuple[str, float]]:
    """Static bash completion for `sinchvoice calls ` versus typer's dynamic completion (starts Python)."""
    script = ROOT / "completions" / "sinchvoice.bash"
    bash = shutil.which("bash")
    if not (script.exists() and bash):
        return []
    static = (f"source {script}; COMP_WORDS=(sinchvoice calls ''); COMP_CWORD=2; COMP_LINE='sinchvoice calls ';"
              f" COMP_POINT=${{#COMP_LINE}}; _sinchvoice; echo \"${{COMPREPLY[*]}}\"")
    dynamic_env = {**env, "_SINCHVOICE_COMPLETE": "complete_bash", "COMP_WORDS": "sinchvoice calls ",
                   "COMP_CWORD": "2"}
    empty = median_ms([bash, "--norc", "-c", "true"], runs, env)
    static_ms = median_ms([bash, "--norc", "-c", static], runs, env) - empty
    dynamic_ms = median_ms([sys.executable, "-c", "import typer, typer.main; from sinchvoice.root import build_app; "
                            "typer.main.get_command(build_app())(prog_name='sinchvoice')"], runs, dynamic_env)
    return [("bash static completion `calls ` (minus bash)", static_ms),
            ("typer dynamic completion `calls `", dynamic_ms)]


if __name__ == "__main__":
    main()
