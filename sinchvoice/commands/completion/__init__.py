"""The `completion` area: print or install the generated shell completion scripts."""
