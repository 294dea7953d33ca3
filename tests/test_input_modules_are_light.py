"""The input-checking modules sit on the CLI startup path, so they must import only the stdlib."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = {"httpx", "rich", "keyring", "starlette", "uvicorn", "jsonschema", "typer", "click"}


def test_importing_them_pulls_in_nothing_heavy():
    code = (
        "import json, sys; import sinchvoice.destinations, sinchvoice.inputs, sinchvoice.svaml; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert HEAVY.isdisjoint(json.loads(out))
