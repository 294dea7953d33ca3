"""`sandbox`: run the local Voice API emulator."""


def sandbox() -> None:
    """Run the local Voice API emulator (not built yet)."""
    raise SystemExit("sinchvoice sandbox is not built yet")
