"""`demo`: the main job end to end on an in-process sandbox."""


def demo() -> None:
    """Run a narrated tour on a built-in sandbox (not built yet)."""
    raise SystemExit("sinchvoice demo is not built yet")
