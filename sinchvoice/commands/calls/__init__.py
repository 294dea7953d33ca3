"""The `calls` area: see and steer one call."""
