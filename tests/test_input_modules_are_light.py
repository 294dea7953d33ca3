"""The input-checking modules sit on the CLI startup path, so they must import only the stdlib."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = {"httpx", "rich", "keyring", "starlette", "uvicorn", "jsonschema", "typer", "click"}


def test_importing_them_pulls_in_nothing_heavy():
    code = (
        "import json, sys; import sinchvoice.destinations, sinchvoice.inputs, sinchvoice.svaml; "
        # (a None entry is a module blocked, not loaded: sinchvoice/__init__.py blocks httpx._main)
        "print(json.dumps(sorted({m.split('.')[0] for m, v in sys.modules.items() if v is not None})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert HEAVY.isdisjoint(json.loads(out))
