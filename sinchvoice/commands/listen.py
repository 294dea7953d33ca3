"""`listen`: receive, verify and answer Sinch callback events locally."""


def listen() -> None:
    """Receive, verify and answer callback events (not built yet)."""
    raise SystemExit("sinchvoice listen is not built yet")
