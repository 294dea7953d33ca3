"""The `demo` area: the narrated tour against an in-process sandbox."""
