"""The `sandbox` area: serve the emulator (the emulator itself is sinchvoice.sandbox)."""
