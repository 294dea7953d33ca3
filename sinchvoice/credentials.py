"""Resolve, store and delete credentials: environment first, then the profile (secret in the keyring)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from sinchvoice.config import ConfigStore
from sinchvoice.errors import AuthError
from sinchvoice.files import json_kind, locked, read_json, write_private

KEYRING_SERVICE = "sinchvoice"
SECRETS_FILE = "secrets.json"
ENV_KEY = "SINCH_APPLICATION_KEY"
ENV_SECRET = "SINCH_APPLICATION_SECRET"


class Credentials:
    """An application key and secret. Not a tuple: nothing that prints, formats or serialises one (json.dumps,
    `%` formatting, a traceback's locals) can reach the secret."""

    __slots__ = ("key", "secret", "source")

    def __init__(self, key: str, secret: str, source: str):
        if not (key.isascii() and key.isprintable()) or " " in key:  # it goes into a header, as it is
            raise AuthError(f"the application key (from the {source}) has characters an HTTP header cannot carry",
                            hint="copy the key exactly from the Sinch dashboard: it looks like "
                                 "11111111-2222-4333-8444-555555555555")
        self.key, self.secret = key, secret
        self.source = source  # "environment", "keyring" or "file": where the secret came from

    def __repr__(self) -> str:  # never let a secret reach a log or a traceback
        return f"Credentials(key={self.key!r}, secret='***', source={self.source!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Credentials) and (self.key, self.secret, self.source) == (
            other.key, other.secret, other.source)

    def __hash__(self) -> int:
        return hash((self.key, self.secret, self.source))


class KeyringUnavailable(Exception):
    """The system keyring can't be used: fail/null backend, an error, or no answer within the timeout."""


def _with_timeout(function, timeout: float):
    """Run a keyring call in a daemon thread: a locked or absent Secret Service must not hang the CLI."""
    result: dict = {}

    def target():
        try:
            result["value"] = function()
        except Exception as exc:  # any backend failure means "no usable keyring"
            result["error"] = exc

    worker = threading.Thread(target=target, daemon=True, name="keyring")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise KeyringUnavailable(f"the system keyring did not answer within {timeout:g} s")
    if isinstance(result.get("error"), KeyringUnavailable):
        raise result["error"]
    if "error" in result:
        raise KeyringUnavailable(f"the system keyring failed: {type(result['error']).__name__}")
    return result.get("value")


def _usable_backend():
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    chained = getattr(backend, "backends", None)
    if isinstance(backend, (fail.Keyring, null.Keyring)) or chained == []:
        raise KeyringUnavailable(f"no usable system keyring (backend {type(backend).__module__})")
    return backend


class SecretStore:
    """Secrets per profile: in the keyring, or (only when asked) in a 0600 file beside the config."""

    def __init__(self, config_dir: Path, keyring_timeout: float):
        self.file = config_dir / SECRETS_FILE
        self.timeout = keyring_timeout

    def keyring_check(self) -> None:
        _with_timeout(_usable_backend, self.timeout)

    def put(self, profile: str, secret: str, storage: str) -> None:
        """Store, then remove any copy in the other place: moving to the keyring must not leave plain text."""
        if storage == "file":
            self._change_file(lambda secrets: secrets.__setitem__(profile, secret))
        else:
            _with_timeout(lambda: _usable_backend().set_password(KEYRING_SERVICE, profile, secret), self.timeout)
        self.delete(profile, "keyring" if storage == "file" else "file", best_effort=True)

    def get(self, profile: str, storage: str) -> str | None:
        if storage == "file":
            return self._file_secrets().get(profile)
        return _with_timeout(lambda: _usable_backend().get_password(KEYRING_SERVICE, profile), self.timeout)

    def delete(self, profile: str, storage: str, best_effort: bool = False) -> None:
        if storage == "file":
            if profile in self._file_secrets():
                self._change_file(lambda secrets: secrets.pop(profile, None))
            return

        def remove():
            backend = _usable_backend()
            if backend.get_password(KEYRING_SERVICE, profile) is not None:
                backend.delete_password(KEYRING_SERVICE, profile)

        try:
            _with_timeout(remove, self.timeout)
        except KeyringUnavailable:
            if not best_effort:
                raise

    def delete_everywhere(self, profile: str) -> None:
        """Logout: whichever place the secret was in (raises KeyringUnavailable after clearing the file)."""
        self.delete(profile, "file")
        self.delete(profile, "keyring")

    def _file_secrets(self) -> dict:
        return read_json(self.file, _secrets_problem, SECRETS_HINT) or {}

    def _change_file(self, change) -> None:
        """Read-modify-write under the config folder's lock, re-reading inside it: parallel logins keep every secret."""
        with locked(self.file.parent):
            secrets = self._file_secrets()
            change(secrets)
            write_private(self.file, json.dumps(secrets, indent=2) + "\n")


SECRETS_HINT = "fix or delete the file, then run sinchvoice auth login again"


def _secrets_problem(data) -> str | None:
    if not isinstance(data, dict):
        return f"the file must hold a JSON object, not {json_kind(data)}"
    for profile, secret in data.items():
        if not isinstance(secret, str):
            return f"the secret of profile {json.dumps(profile)} must be a string, not {json_kind(secret)}"
    return None


NO_CREDENTIALS_HINT = (
    f"run `sinchvoice auth login`, or set {ENV_KEY} and {ENV_SECRET} "
    "(for the offline sandbox: `sinchvoice sandbox` prints them)"
)


def from_environment() -> Credentials | None:
    """Both variables, or None when neither is set (an empty one counts as unset); half of them is an error."""
    env_key, env_secret = os.environ.get(ENV_KEY), os.environ.get(ENV_SECRET)
    if not (env_key or env_secret):
        return None
    if not (env_key and env_secret):
        missing = ENV_SECRET if env_key else ENV_KEY
        raise AuthError(f"{missing} is not set (the other half of the credentials is)",
                        hint=f"set both {ENV_KEY} and {ENV_SECRET}, or neither")
    return Credentials(env_key, env_secret, "environment")


def resolve(store: ConfigStore, secrets: SecretStore, profile_name: str) -> Credentials:
    """Environment variables win over the profile; both must be complete or it is an error, never a guess."""
    from_env = from_environment()
    if from_env is not None:
        return from_env
    profile = store.profile(profile_name)
    key = profile.get("application_key")
    known = store.names()
    if not key and known and profile_name not in known:  # a typo'd -p: say which names exist
        raise AuthError(f"no profile named {profile_name!r} (known: {', '.join(known)})",
                        hint=f"pick one with -p, or create it with `sinchvoice -p {profile_name} auth login`")
    if not key:
        raise AuthError(f"no credentials for profile {profile_name!r}", hint=NO_CREDENTIALS_HINT)
    storage = profile.get("secret_storage", "keyring")
    try:
        secret = secrets.get(profile_name, storage)
    except KeyringUnavailable as exc:
        raise AuthError(f"cannot read the secret of profile {profile_name!r}: {exc}",
                        hint=NO_CREDENTIALS_HINT) from None
    if not secret:
        raise AuthError(f"the secret of profile {profile_name!r} is missing from the {storage}",
                        hint=NO_CREDENTIALS_HINT)
    return Credentials(key, secret, storage)


def mask(value: str) -> str:
    """Show enough of an application key to recognise it; secrets are never shown at all."""
    return value if len(value) <= 8 else f"{value[:4]}…{value[-4:]}"
