"""The rates the tax classes charge now, read by selling and kept in step with the shop.

The shop profile's default rate and the "standard" class are one number shown in two
places (the shop form and the tax table). Whoever changes one changes the other in the
same transaction, so a sale never taxes at a rate the owner did not see. This module has
no service of its own so that the shop profile, the setup wizard and the selling settings
can all use it without importing each other.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import TaxClass
from desktop.services.errors import NotFound

STANDARD = "standard"
# Zero-rated and exempt goods charge no tax by definition; only their names may change.
UNTAXED = ("zero", "exempt")


def tax_rates(session: Session) -> dict[str, int]:
    """Each tax class's code and its rate in basis points (1500 == 15.00 %)."""
    rows = session.execute(select(TaxClass.code, TaxClass.rate_bp))
    return {row.code: row.rate_bp for row in rows}


def set_standard_rate(session: Session, rate_bp: int) -> None:
    """Give the standard class ``rate_bp`` in the caller's transaction (the caller sets
    the profile's default rate). Raises ``NotFound`` when the class is missing."""
    standard = session.scalar(select(TaxClass).where(TaxClass.code == STANDARD))
    if standard is None:
        raise NotFound("The standard tax class is missing. Restore the latest backup.")
    if standard.rate_bp != rate_bp:
        standard.rate_bp = rate_bp
