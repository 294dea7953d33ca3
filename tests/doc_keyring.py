"""A keyring backend in one private JSON file, for the documentation examples' `auth login` runs.

The examples run the real CLI in subprocesses; an in-memory keyring would forget each secret when its process
ends, and the test machine has no Secret Service. Select it with
PYTHON_KEYRING_BACKEND=tests.doc_keyring.FileKeyring and DOC_KEYRING_FILE=PATH (the repository root on
PYTHONPATH).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def _file(self) -> Path:
        return Path(os.environ["DOC_KEYRING_FILE"])

    def _load(self) -> dict:
        try:
            return json.loads(self._file.read_text())
        except FileNotFoundError:
            return {}

    def _save(self, data: dict) -> None:
        fd = os.open(self._file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)

    def get_password(self, service, username):
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}\0{username}"] = password
        self._save(data)

    def delete_password(self, service, username):
        data = self._load()
        data.pop(f"{service}\0{username}", None)
        self._save(data)
