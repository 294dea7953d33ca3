"""The `signature` area: sign and verify by hand."""
