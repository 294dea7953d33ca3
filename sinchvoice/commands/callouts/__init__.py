"""The `callouts` area: place calls, one at a time or in batches (batch/)."""
