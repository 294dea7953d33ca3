"""sinchvoice: a command-line tool for the Sinch Voice API."""

import sys

__version__ = "0.1.0"

# httpx's __init__ imports its own command line (httpx._main), which pulls click, rich and pygments: about
# 40 ms, wherever httpx is used (`listen` forwards with it; API requests use httpcore alone), for a module we
# never call. A None entry makes that import fail the way httpx expects
# when its CLI extra is missing (it then defines a stub `httpx.main`). tests/test_imports.py holds this.
sys.modules.setdefault("httpx._main", None)
