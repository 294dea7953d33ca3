"""Profiles and settings: the config file on disk (JSON, 0600, shape checked on load) and the settings commands read."""

from __future__ import annotations

import json
import os
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from sinchvoice.errors import SinchVoiceError, UsageError
from sinchvoice.files import json_kind, locked, read_json, write_private

CONFIG_FILE = "config.json"
DEFAULT_PROFILE = "default"


class Choice(str, Enum):
    """A setting with a fixed set of values: compared as a member, printed and sent as its plain value."""

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


class Region(Choice):
    global_ = "global"
    euc1 = "euc1"
    use1 = "use1"
    sae1 = "sae1"
    apse1 = "apse1"
    apse2 = "apse2"


class AuthScheme(Choice):
    signed = "signed"
    basic = "basic"


class ApiLayout(Choice):
    live = "live"  # the running platform's paths and shapes
    spec = "spec"  # the contract file's


class OutputMode(Choice):
    table = "table"
    json = "json"
    csv = "csv"


REGIONS = tuple(member.value for member in Region)
AUTH_SCHEMES = tuple(member.value for member in AuthScheme)
OUTPUT_MODES = tuple(member.value for member in OutputMode)
SECRET_STORAGES = ("keyring", "file")
API_LAYOUTS = tuple(member.value for member in ApiLayout)
DEFAULT_LAYOUT = ApiLayout.live
# Numbers and callback URLs live on one global host, whatever the region (live-platform.md "Two hosts").
CONFIG_URL = "https://callingapi.sinch.com"
DEFAULT_TIMEOUT = 30.0
MIN_TIMEOUT, MAX_TIMEOUT = 0.1, 3600.0
TIMEOUT_HINT = "give seconds from 0.1 to 3600, e.g. 30 (the default)"
FIX_HINT = "fix or delete the file, then run sinchvoice auth login"


def region_url(region: str) -> str:
    return "https://calling.api.sinch.com" if region == Region.global_ else f"https://calling-{region}.api.sinch.com"


def timeout_problem(seconds: float) -> str | None:
    if not MIN_TIMEOUT <= seconds <= MAX_TIMEOUT:  # NaN fails every comparison
        return f"must be from {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g} seconds, not {seconds:g}"
    return None


def parse_timeout(text: str, source: str) -> float:
    """--timeout or SINCHVOICE_TIMEOUT (SOURCE names which): nan, inf, 0, 1e300 and 1e-9 are usage errors."""
    try:
        seconds = float(text)
    except ValueError:
        raise UsageError(f"{source} {text!r} is not a number of seconds", hint=TIMEOUT_HINT) from None
    problem = timeout_problem(seconds)
    if problem:
        raise UsageError(f"{source} {problem}", hint=TIMEOUT_HINT)
    return seconds


def _text(value) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {json_kind(value)}"
    return None if value else "must not be empty"


def _one_of(*choices: str):
    def check(value) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        shown = repr(value) if isinstance(value, str) else json_kind(value)
        return f"must be one of {', '.join(choices)}, not {shown}"

    return check


def _seconds(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number of seconds, not {json_kind(value)}"
    return timeout_problem(value)


# What each profile key may hold. Unknown keys (from a newer version) are left alone.
PROFILE_RULES = {"application_key": _text, "region": _one_of(*REGIONS), "base_url": _text,
                 "config_base_url": _text, "api_layout": _one_of(*API_LAYOUTS),
                 "auth": _one_of(*AUTH_SCHEMES), "from": _text, "secret_storage": _one_of(*SECRET_STORAGES),
                 "timeout": _seconds}


def config_problem(data) -> str | None:
    """What is wrong with a parsed config file, in one phrase; None when it can be used."""
    if not isinstance(data, dict):
        return f"the file must hold a JSON object, not {json_kind(data)}"
    active = data.get("active")
    if active is not None and not isinstance(active, str):
        return f'"active" must be a profile name (a string), not {json_kind(active)}'
    if active == "":
        return '"active" must be a profile name, not empty'
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        return f'"profiles" must be an object, not {json_kind(profiles)}'
    for name, values in profiles.items():
        if not isinstance(values, dict):
            return f"profile {json.dumps(name)} must be an object, not {json_kind(values)}"
        for key, check in PROFILE_RULES.items():
            problem = check(values[key]) if key in values else None
            if problem:
                return f'profile {json.dumps(name)}: "{key}" {problem}'
    return None


class ConfigStore:
    """`{"active": NAME, "profiles": {NAME: {...}}}`; non-secret values only (secrets: credentials.py).

    Read once, on first use. Every change re-reads the file under the folder's lock, then replaces it atomically.
    """

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
        data = read_json(self.path, config_problem, FIX_HINT) or {}
        data.setdefault("profiles", {})
        data.setdefault("active", None)
        return data

    def _change(self, change) -> None:
        with locked(self.directory):
            data = self._read()
            change(data)
            try:
                write_private(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n")
            except OSError as exc:
                raise SinchVoiceError(f"cannot write {self.path}: {exc.strerror or exc}; nothing was changed",
                                      hint=f"check that {self.directory} is a folder you can write to") from None
        self._data = data

    @property
    def active(self) -> str:
        return self.data.get("active") or DEFAULT_PROFILE

    def profile(self, name: str) -> dict:
        return self.data["profiles"].get(name, {})

    def names(self) -> list[str]:
        return sorted(self.data["profiles"])

    def save_profile(self, name: str, values: dict) -> None:
        """Merge VALUES into profile NAME as the file holds it now; None removes a key."""

        def change(data):
            merged = {**data["profiles"].get(name, {}), **values}
            data["profiles"][name] = {k: v for k, v in merged.items() if v is not None}
            if not data.get("active"):
                data["active"] = name

        self._change(change)

    def remove_profile(self, name: str) -> None:
        def change(data):
            data["profiles"].pop(name, None)
            if data.get("active") == name:
                data["active"] = next(iter(sorted(data["profiles"])), None)

        self._change(change)

    def switch(self, name: str) -> None:
        def change(data):
            if name not in data["profiles"]:
                known = ", ".join(sorted(data["profiles"])) or "none"
                raise UsageError(f"no profile named {name!r} (known: {known})",
                                 hint="create it with `sinchvoice -p NAME auth login`")
            data["active"] = name

        self._change(change)


class Options(NamedTuple):
    """The root command's values (typer folded in their environment variables); None where not given."""

    profile: str | None = None
    region: Region | None = None
    base_url: str | None = None
    config_base_url: str | None = None
    api_layout: ApiLayout | None = None
    auth: AuthScheme | None = None
    timeout: float | None = None
    output: OutputMode = OutputMode.table
    quiet: bool = False
    verbose: bool = False
    dry_run: bool = False
    yes: bool = False
    on_command_line: frozenset = frozenset()  # names given as options, not from environment variables


class Settings:
    """Global options resolved on first use: the option or its environment variable, then the profile, then the default.

    The flags never need the config file, and a value is looked up in the profile only when neither the option
    nor its variable gave it, so commands that need no profile (help, completion, sandbox, signature with
    environment credentials) never read the file, and a broken file cannot stop them.
    """

    def __init__(self, store: ConfigStore, options: Options):
        self.store, self.options = store, options
        self.output, self.quiet, self.verbose = options.output, options.quiet, options.verbose
        self.dry_run, self.yes = options.dry_run, options.yes

    @cached_property
    def profile(self) -> str:
        return self.options.profile or self.store.active

    def _pick(self, name: str, default):
        given = getattr(self.options, name)
        return given if given is not None else self.store.profile(self.profile).get(name, default)

    @property
    def region(self) -> Region:
        return Region(self._pick("region", Region.global_))

    @property
    def base_url(self) -> str | None:
        return self._pick("base_url", None)

    @property
    def config_base_url(self) -> str | None:
        return self._pick("config_base_url", None)

    @property
    def api_layout(self) -> ApiLayout:
        return ApiLayout(self._pick("api_layout", DEFAULT_LAYOUT))

    @property
    def auth(self) -> AuthScheme:
        return AuthScheme(self._pick("auth", AuthScheme.signed))

    @property
    def timeout(self) -> float:
        return float(self._pick("timeout", DEFAULT_TIMEOUT))

    @property
    def caller_id(self) -> str | None:
        return os.environ.get("SINCHVOICE_FROM") or self.store.profile(self.profile).get("from")

    @property
    def application_key(self) -> str | None:
        return self.store.profile(self.profile).get("application_key")

    @property
    def api_url(self) -> str:
        """The traffic host: calls, callouts, conferences (regional)."""
        return self.base_url or region_url(self.region)

    @property
    def config_url(self) -> str:
        """The configuration host (numbers, callback URLs): --config-base-url, else a --base-url (a sandbox or a
        gateway serves both), else the one global host. Level by level, so a base URL typed now beats a
        configuration URL saved in the profile for another server."""
        given = self.options.config_base_url or self.options.base_url
        if given:
            return given
        profile = self.store.profile(self.profile)
        return profile.get("config_base_url") or profile.get("base_url") or CONFIG_URL

    def given_on_command_line(self, name: str) -> bool:
        return name in self.options.on_command_line
