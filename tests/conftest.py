from tests.sandbox_fixture import sandbox  # noqa: F401
