"""The `auth` area: profiles and credentials."""
