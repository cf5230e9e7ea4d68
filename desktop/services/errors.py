"""Errors a user can cause. Each carries a message a shop assistant understands."""

from __future__ import annotations

from collections.abc import Mapping


class BenchsideError(Exception):
    """Base of every error the UI shows to the user instead of crashing."""


class ValidationError(BenchsideError):
    """Input was refused. ``errors`` maps a field name to its message; nothing was written."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


class PermissionDenied(BenchsideError):
    """The signed-in user's role does not allow this action."""


class NotFound(BenchsideError):
    """The record does not exist (any more)."""


class RecordInUse(BenchsideError):
    """The record has history that must stay (stock movements, sales): archive, not delete."""


class AuthenticationFailed(BenchsideError):
    """Wrong user name or password, an inactive account, or too many attempts."""


class LoginThrottled(AuthenticationFailed):
    """Too many failed attempts: the user must wait before trying again."""

    def __init__(self, seconds_left: int) -> None:
        self.seconds_left = seconds_left
        super().__init__(f"Too many failed attempts. Try again in {seconds_left} seconds.")


class Cancelled(BenchsideError):
    """Long work stopped because the user asked; nothing it was writing was kept."""


class BackupError(BenchsideError):
    """A backup could not be written or a file is not a usable Benchside backup."""


class StorageError(BenchsideError):
    """A file the shop keeps (a photo, a document) could not be written to disk."""


class DatabaseError(BenchsideError):
    """The database file cannot be opened (corrupt, newer version, locked)."""


class DatabaseTooNew(DatabaseError):
    """The database was written by a newer Benchside: update, never restore over it."""


class DeliveryError(BenchsideError):
    """An email or SMS could not be handed to the mail server or the SMS gateway.

    ``permanent``: trying again will not help (the address was refused).
    ``uncertain``: the connection broke while handing it over, so it may have arrived;
    it is not resent automatically, so that the customer never gets it twice.
    """

    def __init__(self, message: str, permanent: bool = False, uncertain: bool = False) -> None:
        self.permanent = permanent
        self.uncertain = uncertain
        super().__init__(message)


class SyncError(BenchsideError):
    """Sync with the central server did not happen; the message says why and what to do.
    Local work is never lost by it: the changes wait in the outbox."""
