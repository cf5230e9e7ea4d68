"""Stock: the ledger of movements and what it says is on hand, where, at what average cost.

Every change is a new ``StockMovement``; ``stock_levels`` follows by trigger (migration
0008), so this module never writes a level. Negative stock is allowed: two counters
offline can sell the last unit twice, and refusing the second sale would only hide it.
It is recorded and listed by ``negative_stock`` instead.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.orm import Session

from desktop.models import Item, StockLevel, StockLocation, StockMovement
from desktop.services import audit
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import NotFound, ValidationError
from desktop.services.ids import stable_id
from desktop.services.items import MAX_QUANTITY
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker
from desktop.services.ticket_types import MAX_MONEY

# The "Store" location every shop starts with (seeded by migration 0008, same id everywhere).
DEFAULT_LOCATION_ID = stable_id("stock_location", "store")

MOVEMENT_KINDS = (
    "receive",
    "sale",
    "ticket_part",
    "return",
    "adjustment",
    "count",
    "transfer_in",
    "transfer_out",
    "write_off",
)


@dataclass(frozen=True)
class StockReference:
    """The document a movement belongs to: ``("purchase_order", id)``, ``("ticket", id)``."""

    kind: str
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class Movement:
    id: uuid.UUID
    item_id: uuid.UUID
    location_id: uuid.UUID
    quantity: int
    kind: str
    unit_cost: int | None
    reason: str
    reference_kind: str
    reference_id: uuid.UUID | None
    at: datetime
    user_id: uuid.UUID | None
    station_code: str


@dataclass(frozen=True)
class StockChange:
    """A recorded movement and what the location holds after it (negative is possible)."""

    movement: Movement
    on_hand: int


@dataclass(frozen=True)
class Level:
    item_id: uuid.UUID
    location_id: uuid.UUID
    location_name: str
    on_hand: int
    average_cost: int  # minor units


@dataclass(frozen=True)
class LowStock:
    item_id: uuid.UUID
    name: str
    sku: str
    on_hand: int  # over all locations
    low_stock_threshold: int
    reorder_quantity: int


@dataclass(frozen=True)
class Location:
    id: uuid.UUID
    name: str
    active: bool


def _movement(row: StockMovement) -> Movement:
    return Movement(
        id=row.id,
        item_id=row.item_id,
        location_id=row.location_id,
        quantity=row.quantity,
        kind=row.kind,
        unit_cost=row.unit_cost,
        reason=row.reason,
        reference_kind=row.reference_kind,
        reference_id=row.reference_id,
        at=row.at,
        user_id=row.user_id,
        station_code=row.station_code,
    )


def apply_movement(level: tuple[int, int], quantity: int, unit_cost: int | None) -> tuple[int, int]:
    """(on hand, average cost) after a movement: the rule the 0008 trigger applies.

    Units coming in with a cost move the average, rounded half up; with nothing (or less)
    on hand before, the average becomes that cost. Anything else keeps the average.
    """
    on_hand, average = level
    if quantity > 0 and unit_cost is not None:
        if on_hand <= 0:
            average = unit_cost
        else:
            total = on_hand + quantity
            average = (on_hand * average + quantity * unit_cost + total // 2) // total
    return on_hand + quantity, average


class StockService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- movements -------------------------------------------------------------------------

    def receive(
        self,
        item_id: uuid.UUID,
        quantity: int,
        unit_cost: int | None,
        location_id: uuid.UUID | None = None,
        reference: StockReference | None = None,
    ) -> StockChange:
        """Book units in (a delivery); ``unit_cost`` (minor units, None if unknown) moves the
        average cost. Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.RECEIVE_STOCK)
        check = FieldChecker()
        self._check_quantity(check, "quantity", quantity)
        if unit_cost is not None and not 0 <= unit_cost <= MAX_MONEY:
            check.fail("unit_cost", "The cost cannot be negative or absurdly large.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            change = self._record(
                tx.session,
                actor,
                item_id,
                location_id or DEFAULT_LOCATION_ID,
                quantity,
                "receive",
                unit_cost=unit_cost,
                reference=reference,
            )
            tx.commit()
            return change

    def adjust(
        self,
        item_id: uuid.UUID,
        delta: int,
        reason: str,
        location_id: uuid.UUID | None = None,
    ) -> StockChange:
        """Correct the stock by ``delta`` units (found, miscounted), with the reason why;
        it goes to the audit log. Raises ``ValidationError``, ``NotFound``,
        ``PermissionDenied``."""
        actor = self.ctx.require(Permission.ADJUST_STOCK)
        check = FieldChecker()
        reason = check.line("reason", reason, 500, required=True)
        if delta == 0 or abs(delta) > MAX_QUANTITY:
            check.fail("quantity", f"Between 1 and {MAX_QUANTITY:,} units up or down.")
        check.raise_if_any()
        return self._audited(actor, item_id, location_id, delta, "adjustment", reason)

    def write_off(
        self,
        item_id: uuid.UUID,
        quantity: int,
        reason: str,
        location_id: uuid.UUID | None = None,
    ) -> StockChange:
        """Take ``quantity`` damaged, lost or expired units out of stock, with the reason;
        it goes to the audit log. Raises ``ValidationError``, ``NotFound``,
        ``PermissionDenied``."""
        actor = self.ctx.require(Permission.ADJUST_STOCK)
        check = FieldChecker()
        reason = check.line("reason", reason, 500, required=True)
        self._check_quantity(check, "quantity", quantity)
        check.raise_if_any()
        return self._audited(actor, item_id, location_id, -quantity, "write_off", reason)

    def transfer(
        self,
        item_id: uuid.UUID,
        from_location_id: uuid.UUID,
        to_location_id: uuid.UUID,
        quantity: int,
        reason: str = "",
    ) -> tuple[StockChange, StockChange]:
        """Move units between locations: a transfer out and a transfer in, both or neither.
        The units arrive at the source's average cost. Raises ``ValidationError``,
        ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.RECEIVE_STOCK)
        check = FieldChecker()
        reason = check.line("reason", reason, 500)
        self._check_quantity(check, "quantity", quantity)
        if from_location_id == to_location_id:
            check.fail("to_location", "Choose a different location to move the stock to.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            source = tx.session.get(StockLevel, (item_id, from_location_id))
            cost = source.average_cost if source is not None and source.on_hand > 0 else None
            out = self._record(
                tx.session,
                actor,
                item_id,
                from_location_id,
                -quantity,
                "transfer_out",
                reason=reason,
            )
            into = self._record(
                tx.session,
                actor,
                item_id,
                to_location_id,
                quantity,
                "transfer_in",
                unit_cost=cost,
                reason=reason,
                reference=StockReference("stock_movement", out.movement.id),
            )
            tx.commit()
            return out, into

    # -- reading -----------------------------------------------------------------------------

    def on_hand(self, item_id: uuid.UUID, location_id: uuid.UUID | None = None) -> int:
        """Units on hand at one location, or over all locations."""
        statement = select(func.coalesce(func.sum(StockLevel.on_hand), 0)).where(
            StockLevel.item_id == item_id
        )
        if location_id is not None:
            statement = statement.where(StockLevel.location_id == location_id)
        with self.ctx.uow() as tx:
            return int(tx.session.scalar(statement) or 0)

    def levels(self, item_id: uuid.UUID) -> list[Level]:
        """The item's on hand and average cost per location that ever held it."""
        with self.ctx.uow() as tx:
            return self._levels(tx.session, StockLevel.item_id == item_id)

    def movements(self, item_id: uuid.UUID, limit: int = 100) -> list[Movement]:
        """The item's newest movements first."""
        statement = (
            select(StockMovement)
            .where(StockMovement.item_id == item_id)
            .order_by(StockMovement.at.desc(), StockMovement.id.desc())
            .limit(limit)
        )
        with self.ctx.uow() as tx:
            return [_movement(row) for row in tx.session.scalars(statement)]

    def low_stock(self, limit: int = 200) -> list[LowStock]:
        """Active stock items whose units over all locations are at or below their low-stock
        threshold (a threshold of 0 lists those out of stock), fewest first."""
        on_hand = func.coalesce(func.sum(StockLevel.on_hand), 0)
        statement = (
            select(Item, on_hand)
            .outerjoin(StockLevel, StockLevel.item_id == Item.id)
            .where(Item.active.is_(True), Item.kind == "stock")
            .group_by(Item.id)
            .having(on_hand <= Item.low_stock_threshold)
            .order_by(on_hand, Item.sort_name)
            .limit(limit)
        )
        with self.ctx.uow() as tx:
            return [
                LowStock(
                    item.id,
                    item.name,
                    item.sku,
                    int(units),
                    item.low_stock_threshold,
                    item.reorder_quantity,
                )
                for item, units in tx.session.execute(statement)
            ]

    def negative_stock(self) -> list[Level]:
        """Every item and location that has sold or used more than it had: to recount."""
        with self.ctx.uow() as tx:
            return self._levels(tx.session, StockLevel.on_hand < 0)

    def recompute_levels(self) -> dict[tuple[uuid.UUID, uuid.UUID], tuple[int, int]]:
        """(on hand, average cost) per (item, location), replayed from the whole ledger in
        the order this station stored it, to check the levels the trigger keeps."""
        statement = select(
            StockMovement.item_id,
            StockMovement.location_id,
            StockMovement.quantity,
            StockMovement.unit_cost,
        ).order_by(literal_column("stock_movements.rowid"))
        levels: dict[tuple[uuid.UUID, uuid.UUID], tuple[int, int]] = {}
        with self.ctx.uow() as tx:
            for item_id, location_id, quantity, unit_cost in tx.session.execute(statement):
                key = (item_id, location_id)
                levels[key] = apply_movement(levels.get(key, (0, 0)), quantity, unit_cost)
        return levels

    def locations(self, include_inactive: bool = False) -> list[Location]:
        statement = select(StockLocation).order_by(StockLocation.name)
        if not include_inactive:
            statement = statement.where(StockLocation.active.is_(True))
        with self.ctx.uow() as tx:
            return [Location(r.id, r.name, r.active) for r in tx.session.scalars(statement)]

    def add_location(self, name: str) -> Location:
        """A new place to keep stock (a back room, a van). Raises ``ValidationError`` (empty
        or taken name), ``PermissionDenied``."""
        self.ctx.require(Permission.ADJUST_STOCK)
        check = FieldChecker()
        name = check.line("name", name, 60, required=True)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            taken = tx.session.scalar(
                select(StockLocation.id).where(func.lower(StockLocation.name) == name.lower())
            )
            if taken is not None:
                raise ValidationError({"name": f"There is already a location called {name}."})
            location = StockLocation(name=name)
            tx.session.add(location)
            tx.commit()
            return Location(location.id, location.name, location.active)

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _check_quantity(check: FieldChecker, field: str, quantity: int) -> None:
        if not 1 <= quantity <= MAX_QUANTITY:
            check.fail(field, f"Between 1 and {MAX_QUANTITY:,} units.")

    def _audited(
        self,
        actor: Actor,
        item_id: uuid.UUID,
        location_id: uuid.UUID | None,
        quantity: int,
        kind: str,
        reason: str,
    ) -> StockChange:
        with self.ctx.uow() as tx:
            change = self._record(
                tx.session,
                actor,
                item_id,
                location_id or DEFAULT_LOCATION_ID,
                quantity,
                kind,
                reason=reason,
            )
            audit.record(
                tx.session,
                self.ctx,
                "stock_adjusted",
                "item",
                str(item_id),
                kind=kind,
                quantity=quantity,
                reason=reason,
                on_hand=change.on_hand,
            )
            tx.commit()
            return change

    def _record(
        self,
        session: Session,
        actor: Actor,
        item_id: uuid.UUID,
        location_id: uuid.UUID,
        quantity: int,
        kind: str,
        *,
        unit_cost: int | None = None,
        reason: str = "",
        reference: StockReference | None = None,
    ) -> StockChange:
        """Insert one movement after checking its item and location; the caller commits."""
        item = session.get(Item, item_id)
        if item is None:
            raise NotFound("This item no longer exists.")
        if item.kind != "stock":
            raise ValidationError({"item": f"“{item.name}” is a service; it has no stock."})
        if session.get(StockLocation, location_id) is None:
            raise NotFound("This stock location no longer exists.")
        row = StockMovement(
            item_id=item_id,
            location_id=location_id,
            quantity=quantity,
            kind=kind,
            unit_cost=unit_cost,
            reason=reason,
            reference_kind=reference.kind if reference else "",
            reference_id=reference.id if reference else None,
            user_id=actor.user_id,
            station_code=self.ctx.station_code,
        )
        session.add(row)
        session.flush()
        level = session.scalar(
            select(StockLevel.on_hand).where(
                StockLevel.item_id == item_id, StockLevel.location_id == location_id
            )
        )
        return StockChange(_movement(row), int(level or 0))

    def _levels(self, session: Session, condition: ColumnElement[bool]) -> list[Level]:
        statement = (
            select(StockLevel, StockLocation.name)
            .join(StockLocation, StockLocation.id == StockLevel.location_id)
            .where(condition)
            .order_by(StockLocation.name, StockLevel.item_id)
        )
        return [
            Level(lvl.item_id, lvl.location_id, name, lvl.on_hand, lvl.average_cost)
            for lvl, name in session.execute(statement)
        ]
