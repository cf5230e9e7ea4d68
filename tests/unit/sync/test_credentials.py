"""The station token goes to the OS credential store when a real one works, else to a
file only the user can read."""

from __future__ import annotations

import stat
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError, PasswordSetError

from desktop.sync.credentials import TOKEN_FILE, StationCredentials, TokenStore

STATION = uuid.UUID("01932b5e-0000-7000-8000-0000000000aa")


class MemoryKeyring(KeyringBackend):
    """A working credential store that lives in memory (keyring's backend interface)."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's file backend, which keeps secrets readable on disk."""


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("the collection is locked")


@pytest.fixture
def system_keyring() -> Iterator[list[KeyringBackend]]:
    """Install a credential store for one test and put the old one back afterwards."""
    previous = keyring.get_keyring()
    installed: list[KeyringBackend] = []

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        installed.append(backend)
        return backend

    yield install  # type: ignore[misc]
    keyring.set_keyring(previous)


def test_token_goes_to_a_working_credential_store(system_keyring, tmp_path: Path) -> None:
    memory = system_keyring(MemoryKeyring())
    store = TokenStore(tmp_path)
    assert store.save(StationCredentials(STATION, "secret-1")) == "keyring"
    assert not (tmp_path / TOKEN_FILE).exists()
    assert list(memory.entries.values()) == [StationCredentials(STATION, "secret-1").to_json()]
    assert TokenStore(tmp_path).load() == StationCredentials(STATION, "secret-1")
    store.clear()
    assert memory.entries == {}
    assert store.load() is None


def test_each_data_folder_has_its_own_token(system_keyring, tmp_path: Path) -> None:
    system_keyring(MemoryKeyring())
    TokenStore(tmp_path / "shop").save(StationCredentials(STATION, "shop-token"))
    TokenStore(tmp_path / "demo").save(StationCredentials(STATION, "demo-token"))
    loaded = TokenStore(tmp_path / "shop").load()
    assert loaded is not None and loaded.token == "shop-token"


@pytest.mark.parametrize("backend", [fail.Keyring, PlaintextKeyring])
def test_without_a_real_credential_store_the_token_goes_to_a_file(
    system_keyring, tmp_path: Path, backend: type[KeyringBackend]
) -> None:
    system_keyring(backend())
    assert TokenStore(tmp_path).save(StationCredentials(STATION, "secret-2")) == "file"
    assert (tmp_path / TOKEN_FILE).is_file()
    assert TokenStore(tmp_path).load() == StationCredentials(STATION, "secret-2")


def test_a_store_that_refuses_falls_back_to_the_file(system_keyring, tmp_path: Path) -> None:
    system_keyring(BrokenKeyring())
    assert TokenStore(tmp_path).save(StationCredentials(STATION, "secret-3")) == "file"
    assert TokenStore(tmp_path).load() == StationCredentials(STATION, "secret-3")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_token_file_is_readable_only_by_the_user(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "data", use_keyring=False)
    store.save(StationCredentials(STATION, "secret-4"))
    path = tmp_path / "data" / TOKEN_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "secret-4" in path.read_text(encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_saving_again_replaces_a_readable_file_with_a_private_one(tmp_path: Path) -> None:
    path = tmp_path / TOKEN_FILE
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o644)
    TokenStore(tmp_path, use_keyring=False).save(StationCredentials(STATION, "secret-5"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert TokenStore(tmp_path, use_keyring=False).load() == StationCredentials(STATION, "secret-5")


def test_clear_removes_the_file(tmp_path: Path) -> None:
    store = TokenStore(tmp_path, use_keyring=False)
    store.save(StationCredentials(STATION, "secret-6"))
    store.clear()
    assert not (tmp_path / TOKEN_FILE).exists()
    assert store.load() is None
    store.clear()  # nothing stored: still fine


def test_a_damaged_file_reads_as_no_token(tmp_path: Path) -> None:
    (tmp_path / TOKEN_FILE).write_text('{"token": ', encoding="utf-8")
    assert TokenStore(tmp_path, use_keyring=False).load() is None


def test_the_token_never_shows_in_a_repr() -> None:
    assert "secret-7" not in repr(StationCredentials(STATION, "secret-7"))
