"""Where this station keeps its sync token: the OS credential store (Windows Credential
Manager, macOS Keychain, Secret Service) when one works, else a file in the data folder
that only the user can read.

``keyring`` is imported on first use: looking for backends costs start-up time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.services.errors import StorageError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Benchside sync"
TOKEN_FILE = "sync-token.json"


@dataclass(frozen=True)
class StationCredentials:
    station_id: uuid.UUID
    token: str = field(repr=False)

    def to_json(self) -> str:
        return json.dumps({"station_id": str(self.station_id), "token": self.token})

    @classmethod
    def from_json(cls, text: str) -> StationCredentials:
        """Raises ``ValueError`` (or ``KeyError``/``TypeError``) for damaged text."""
        raw = json.loads(text)
        token = raw["token"]
        if not isinstance(token, str) or not token:
            raise ValueError("no token")
        return cls(uuid.UUID(raw["station_id"]), token)


def usable_keyring() -> KeyringBackend | None:
    """The OS credential store, or None when keyring only has its fail, null or
    plain-text backends (those would not keep the token any safer than our file)."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    name = f"{type(backend).__module__}.{type(backend).__qualname__}".lower()
    try:
        priority = float(backend.priority)
    except RuntimeError:  # a backend says so when it cannot work here
        return None
    if "plaintext" in name or priority <= 0:
        return None
    return backend


class TokenStore:
    """Save, load and clear this station's token and id. One entry per data folder, so a
    demo folder and the shop's folder on one PC never share a token.

    ``use_keyring=False`` always uses the file (tests, or a PC whose store misbehaves).
    """

    def __init__(self, data_dir: Path, use_keyring: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.file = self.data_dir / TOKEN_FILE
        self._use_keyring = use_keyring
        digest = hashlib.sha1(str(self.data_dir.resolve()).encode()).hexdigest()[:16]
        self._account = f"station-{digest}"

    def _keyring(self) -> KeyringBackend | None:
        return usable_keyring() if self._use_keyring else None

    def save(self, credentials: StationCredentials) -> str:
        """Store the credentials, replacing any earlier ones. Returns where they went
        ("keyring" or "file"). Raises ``StorageError`` when the file cannot be written."""
        backend = self._keyring()
        if backend is not None:
            try:
                backend.set_password(KEYRING_SERVICE, self._account, credentials.to_json())
            except Exception as exc:  # any backend failure: fall back to the file
                log.warning("credential store refused the sync token (%s); using a file", exc)
            else:
                self.file.unlink(missing_ok=True)  # never leave an older token behind
                return "keyring"
        self._write_private_file(credentials.to_json())
        return "file"

    def load(self) -> StationCredentials | None:
        """The stored credentials, or None when there are none (or they are damaged)."""
        backend = self._keyring()
        if backend is not None:
            try:
                stored = backend.get_password(KEYRING_SERVICE, self._account)
            except Exception as exc:
                log.warning("cannot read the sync token from the credential store: %s", exc)
                stored = None
            if stored:
                return _parsed(stored, "credential store")
        try:
            text = self.file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read %s: %s", self.file, exc)
            return None
        return _parsed(text, str(self.file))

    def clear(self) -> None:
        """Forget the credentials wherever they are."""
        backend = self._keyring()
        if backend is not None:
            try:
                backend.delete_password(KEYRING_SERVICE, self._account)
            except Exception as exc:  # PasswordDeleteError when there was none
                log.debug("no sync token to delete in the credential store: %s", exc)
        self.file.unlink(missing_ok=True)

    def _write_private_file(self, text: str) -> None:
        # Created with mode 0600 from the start (never world-readable, not even briefly),
        # then moved over the old file. On Windows the mode is ignored, but the user's
        # profile folder is already private to the user.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        partial = self.file.with_name(self.file.name + ".tmp")
        try:
            partial.unlink(missing_ok=True)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, self.file)
        except OSError as exc:
            raise StorageError(
                f"The station's sync key could not be saved in {self.data_dir}: {exc.strerror}"
            ) from exc


def _parsed(text: str, where: str) -> StationCredentials | None:
    try:
        return StationCredentials.from_json(text)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring a damaged sync token in %s: %s", where, exc)
        return None
