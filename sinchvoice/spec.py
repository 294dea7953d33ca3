"""The OpenAPI contract shipped inside the package (converted from ../shared/spec/openapi.yaml)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def load() -> dict:
    return json.loads(resources.files("sinchvoice").joinpath("openapi.json").read_text("utf-8"))


def schema(name: str) -> dict:
    """A component schema with its $refs resolvable: the whole spec rides along as the root."""
    spec = load()
    return {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
