"""Station tokens and one-time enrollment codes: random, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

# Crockford's base32: no I, L, O or U, so a code read aloud or off paper is typed right.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_LENGTH = 10


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token or code is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A station bearer token (256 random bits)."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """A one-time enrollment code, 10 Crockford base32 characters shown as ``XXXXX-XXXXX``."""
    raw = "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_code(typed: str) -> str:
    """The code as stored: upper case, separators dropped, look-alike letters as digits."""
    kept = "".join(ch for ch in typed.upper() if ch.isalnum())
    return kept.translate(_LOOKALIKES)


def code_digest(typed: str) -> str:
    return digest(normalize_code(typed))
