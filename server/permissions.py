"""Who may change what, checked on the server as well as on the station.

The station checks permissions in its services; the server checks again for the tables
that decide who can do anything (staff, the shop, its taxes and payment methods, its
stations), so a tampered or buggy station cannot promote anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg
from psycopg.rows import DictRow

GUARDED_TABLES = frozenset({"users", "shop_profile", "tax_classes", "payment_methods", "stations"})
# A user may edit their own row (name, password) but not these.
SELF_LOCKED_FIELDS = frozenset({"role", "active"})
MANAGING_ROLES = frozenset({"owner", "manager"})


@dataclass(frozen=True)
class Staff:
    """The shop's users as mirrored before the transaction: role and active flag by id."""

    users: dict[uuid.UUID, tuple[str, bool]]
    shop_has_users: bool

    def may_manage(self, user_id: uuid.UUID) -> bool:
        role, active = self.users.get(user_id, ("", False))
        return active and role in MANAGING_ROLES


def load_staff(
    db: psycopg.Connection[DictRow], shop_id: uuid.UUID, user_ids: Iterable[uuid.UUID]
) -> Staff:
    """The users among ``user_ids`` and whether the shop has any user at all (2 queries)."""
    wanted = list(set(user_ids))
    rows = db.execute(
        "SELECT id, role, active FROM users WHERE shop_id = %s AND id = ANY(%s)",
        (shop_id, wanted),
    ).fetchall()
    any_user = db.execute("SELECT 1 FROM users WHERE shop_id = %s LIMIT 1", (shop_id,)).fetchone()
    return Staff(
        {r["id"]: (r["role"] or "", bool(r["active"])) for r in rows}, any_user is not None
    )


@dataclass(frozen=True)
class Attempt:
    """What a permission check needs to know of one change."""

    table: str
    row_id: uuid.UUID
    op: str
    fields: frozenset[str]
    user_id: uuid.UUID | None
    append_only: bool
    row_exists: bool


def refusal(attempt: Attempt, staff: Staff) -> str | None:
    """Why ``attempt`` is not allowed, as a sentence, or None when it is.

    Everyday tables take changes made with or without a signed-in user (a message
    sent in the background, a station's own row); only the guarded tables ask who.
    """
    if attempt.table not in GUARDED_TABLES or not staff.shop_has_users:
        # A shop with no users yet is being set up by its first station.
        return None
    if attempt.user_id is None:
        if attempt.op == "insert" and not attempt.row_exists:
            return None
        return f"A change to {attempt.table} was made without a signed-in user."
    if staff.may_manage(attempt.user_id):
        return None
    if (
        attempt.table == "users"
        and attempt.row_id == attempt.user_id
        and attempt.op == "update"
        and not attempt.fields & SELF_LOCKED_FIELDS
    ):
        return None
    return f"Only an active owner or manager may change {attempt.table}."
