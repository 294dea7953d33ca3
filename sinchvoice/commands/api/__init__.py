"""The `api` area: raw authenticated requests."""
