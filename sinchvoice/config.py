"""Profiles and settings: the config file on disk (JSON, 0600) and the settings every command receives."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sinchvoice.errors import UsageError

CONFIG_FILE = "config.json"
DEFAULT_PROFILE = "default"
REGIONS = ("global", "euc1", "use1", "sae1", "apse1", "apse2")
AUTH_SCHEMES = ("signed", "basic")
OUTPUT_MODES = ("table", "json", "csv")
DEFAULT_TIMEOUT = 30.0


def region_url(region: str) -> str:
    return "https://calling.api.sinch.com" if region == "global" else f"https://calling-{region}.api.sinch.com"


def write_private(path: Path, text: str) -> None:
    """Write atomically with mode 0600 inside a 0700 directory, so secrets never sit world-readable."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class ConfigStore:
    """`{"active": NAME, "profiles": {NAME: {...}}}`; non-secret values only (secrets: credentials.py)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.path = directory / CONFIG_FILE
        self._data: dict | None = None

    @property
    def data(self) -> dict:
        if self._data is None:
            self._data = self._read()
        return self._data

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {"active": None, "profiles": {}}
        except (OSError, ValueError) as exc:
            raise UsageError(
                f"cannot read {self.path}: {exc}", hint="fix or delete the file, then run sinchvoice auth login"
            ) from None
        data.setdefault("profiles", {})
        data.setdefault("active", None)
        return data

    def save(self) -> None:
        write_private(self.path, json.dumps(self.data, indent=2, sort_keys=True) + "\n")

    @property
    def active(self) -> str:
        return self.data.get("active") or DEFAULT_PROFILE

    def profile(self, name: str) -> dict:
        return self.data["profiles"].get(name, {})

    def names(self) -> list[str]:
        return sorted(self.data["profiles"])

    def put_profile(self, name: str, values: dict) -> None:
        self.data["profiles"][name] = {k: v for k, v in values.items() if v is not None}
        if not self.data.get("active"):
            self.data["active"] = name
        self.save()

    def remove_profile(self, name: str) -> None:
        self.data["profiles"].pop(name, None)
        if self.data.get("active") == name:
            self.data["active"] = next(iter(self.names()), None)
        self.save()

    def switch(self, name: str) -> None:
        if name not in self.data["profiles"]:
            known = ", ".join(self.names()) or "none"
            raise UsageError(f"no profile named {name!r} (known: {known})",
                             hint="create it with `sinchvoice -p NAME auth login`")
        self.data["active"] = name
        self.save()


@dataclass
class Settings:
    """Global options resolved once: explicit option or environment variable, then profile, then default."""

    profile: str
    region: str = "global"
    base_url: str | None = None
    auth: str = "signed"
    output: str = "table"
    quiet: bool = False
    verbose: bool = False
    dry_run: bool = False
    timeout: float = DEFAULT_TIMEOUT
    yes: bool = False
    caller_id: str | None = None
    application_key: str | None = None

    @property
    def api_url(self) -> str:
        return self.base_url or region_url(self.region)


def resolve_settings(store: ConfigStore, options: dict) -> Settings:
    """`options` holds the root command's values (typer already folded in their environment variables)."""
    name = options.get("profile") or store.active
    profile = store.profile(name)

    def pick(option: str, key: str, default):
        value = options.get(option)
        return value if value is not None else profile.get(key, default)

    timeout = pick("timeout", "timeout", DEFAULT_TIMEOUT)
    if timeout <= 0:
        raise UsageError(f"--timeout must be more than 0 seconds, not {timeout:g}", hint="e.g. --timeout 30")
    return Settings(
        profile=name,
        region=pick("region", "region", "global"),
        base_url=pick("base_url", "base_url", None),
        auth=pick("auth", "auth", "signed"),
        output=options.get("output") or "table",
        quiet=bool(options.get("quiet")),
        verbose=bool(options.get("verbose")),
        dry_run=bool(options.get("dry_run")),
        timeout=float(timeout),
        yes=bool(options.get("yes")),
        caller_id=os.environ.get("SINCHVOICE_FROM") or profile.get("from"),
        application_key=profile.get("application_key"),
    )
