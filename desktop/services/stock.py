"""Stock: the ledger of movements and what it says is on hand, where, at what average cost.

Every change is a new ``StockMovement``; ``stock_levels`` follows by trigger (migration
0008), so this module never writes a level. Negative stock is allowed: two counters
offline can sell the last unit twice, and refusing the second sale would only hide it.
It is recorded and listed by ``negative_stock`` instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, literal_column, select, true
from sqlalchemy.orm import Session

from desktop.models import Item, ItemStock, StockLevel, StockLocation, StockLot, StockMovement
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
    "supplier_return",
)
MAX_SERIAL = 64


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
    lot_id: uuid.UUID | None = None
    serial: str = ""


@dataclass(frozen=True)
class LotInput:
    """The batch units arrive in: its code on the box and when it expires."""

    code: str = ""
    expires_on: date | None = None


@dataclass(frozen=True)
class ExpiringLot:
    lot_id: uuid.UUID
    item_id: uuid.UUID
    name: str
    sku: str
    code: str
    expires_on: date
    on_hand: int


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
        lot_id=row.lot_id,
        serial=row.serial,
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
        *,
        lot: LotInput | None = None,
        serials: Sequence[str] = (),
    ) -> StockChange:
        """Book units in (a delivery); ``unit_cost`` (minor units, None if unknown) moves the
        average cost. An item that tracks expiry needs the ``lot`` with its expiry date; a
        serialized item needs one serial per unit (each becomes a movement of one unit).
        Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.RECEIVE_STOCK)
        check = FieldChecker()
        self._check_quantity(check, "quantity", quantity)
        if unit_cost is not None and not 0 <= unit_cost <= MAX_MONEY:
            check.fail("unit_cost", "The cost cannot be negative or absurdly large.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            change = receive_units(
                tx.session,
                self.ctx,
                actor,
                item_id,
                quantity,
                unit_cost,
                location_id or DEFAULT_LOCATION_ID,
                reference,
                lot,
                serials,
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
            out = record_movement(
                tx.session,
                self.ctx,
                actor,
                item_id,
                from_location_id,
                -quantity,
                "transfer_out",
                reason=reason,
            )
            into = record_movement(
                tx.session,
                self.ctx,
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
            return levels_where(tx.session, StockLevel.item_id == item_id)

    def movements(
        self,
        item_id: uuid.UUID,
        limit: int = 100,
        before: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[Movement]:
        """The item's newest movements first; ``before`` = (at, id) of the last one shown
        continues further back (keyset), so years of history load as far as someone reads."""
        statement = select(StockMovement).where(StockMovement.item_id == item_id)
        if before is not None:
            statement = statement.where(
                (StockMovement.at < before[0])
                | ((StockMovement.at == before[0]) & (StockMovement.id < before[1]))
            )
        statement = statement.order_by(StockMovement.at.desc(), StockMovement.id.desc()).limit(
            limit
        )
        with self.ctx.uow() as tx:
            return [_movement(row) for row in tx.session.scalars(statement)]

    def low_stock(self, limit: int = 200) -> list[LowStock]:
        """Active stock items with a low-stock threshold whose units over all locations are
        at or below it, fewest first (see ``low_stock_items``)."""
        with self.ctx.uow() as tx:
            return low_stock_items(tx.session, limit)

    def expiring(self, within_days: int, today: date | None = None) -> list[ExpiringLot]:
        """Lots still in stock that expire within ``within_days`` days (or already have),
        soonest first."""
        last_day = (today or date.today()) + timedelta(days=within_days)
        with self.ctx.uow() as tx:
            return expiring_lots(tx.session, last_day)

    def serials_in_stock(
        self, item_id: uuid.UUID, location_id: uuid.UUID | None = None
    ) -> list[str]:
        """The serials of a serialized item that are on the shelf, in order."""
        held = func.sum(StockMovement.quantity)
        statement = (
            select(StockMovement.serial)
            .where(StockMovement.item_id == item_id, StockMovement.serial != "")
            .group_by(StockMovement.serial)
            .having(held > 0)
            .order_by(StockMovement.serial)
        )
        if location_id is not None:
            statement = statement.where(StockMovement.location_id == location_id)
        with self.ctx.uow() as tx:
            return list(tx.session.scalars(statement))

    def negative_stock(self) -> list[Level]:
        """Every item and location that has sold or used more than it had: to recount."""
        with self.ctx.uow() as tx:
            return levels_where(tx.session, StockLevel.on_hand < 0)

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
            change = record_movement(
                tx.session,
                self.ctx,
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


# -- reading inside another service's transaction ------------------------------------------


def levels_where(session: Session, condition: ColumnElement[bool]) -> list[Level]:
    """The stock levels that meet ``condition``, by location name."""
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


def low_stock_items(session: Session, limit: int) -> list[LowStock]:
    """Active stock items with a low-stock threshold whose units over all locations are
    at or below it, fewest first. Reads the ``item_stock`` rows the 0010 triggers flag,
    through their partial index."""
    statement = (
        select(Item, ItemStock.on_hand)
        .join(ItemStock, ItemStock.item_id == Item.id)
        .where(ItemStock.low == true())  # "= 1": the partial index's own condition
        .order_by(ItemStock.on_hand, Item.sort_name)
        .limit(limit)
    )
    return [
        LowStock(
            item.id,
            item.name,
            item.sku,
            int(units),
            item.low_stock_threshold,
            item.reorder_quantity,
        )
        for item, units in session.execute(statement)
    ]


def expiring_lots(session: Session, last_day: date) -> list[ExpiringLot]:
    """Lots still in stock (over all locations) that expire on or before ``last_day``,
    soonest first."""
    held = func.sum(StockMovement.quantity)
    statement = (
        select(StockLot, Item.name, Item.sku, held)
        .join(StockMovement, StockMovement.lot_id == StockLot.id)
        .join(Item, Item.id == StockLot.item_id)
        .where(StockLot.expires_on <= last_day)
        .group_by(StockLot.id)
        .having(held > 0)
        .order_by(StockLot.expires_on, Item.sort_name)
    )
    return [
        ExpiringLot(lot.id, lot.item_id, name, sku, lot.code, lot.expires_on, int(units))
        for lot, name, sku, units in session.execute(statement)
        if lot.expires_on is not None
    ]


# -- writing the ledger inside another service's transaction -----------------------------


def stock_item_ids(session: Session, item_ids: Iterable[uuid.UUID | None]) -> set[uuid.UUID]:
    """Which of ``item_ids`` are stocked items (services have no stock)."""
    wanted = {item_id for item_id in item_ids if item_id is not None}
    if not wanted:
        return set()
    return set(session.scalars(select(Item.id).where(Item.id.in_(wanted), Item.kind == "stock")))


def record_movement(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    item_id: uuid.UUID,
    location_id: uuid.UUID,
    quantity: int,
    kind: str,
    *,
    unit_cost: int | None = None,
    reason: str = "",
    reference: StockReference | None = None,
    lot_id: uuid.UUID | None = None,
    serial: str = "",
) -> StockChange:
    """Insert one movement after checking its item and location; the caller commits.

    Units of an expiring item leaving without a lot are taken from its lots, soonest
    expiry first (one movement per lot). A serial leaving must be in stock at that
    location. Raises ``NotFound``, ``ValidationError``."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound("This item no longer exists.")
    if item.kind != "stock":
        raise ValidationError({"item": f"“{item.name}” is a service; it has no stock."})
    if session.get(StockLocation, location_id) is None:
        raise NotFound("This stock location no longer exists.")
    if serial and quantity < 0:
        if quantity != -1:
            raise ValidationError({"serial": "A serial number is one unit."})
        if serial_on_hand(session, item_id, serial, location_id) <= 0:
            raise ValidationError({"serial": f"{serial} is not in stock here for “{item.name}”."})
    portions: list[tuple[int, uuid.UUID | None]] = [(quantity, lot_id)]
    if quantity < 0 and lot_id is None and item.track_expiry:
        portions = _take_from_lots(session, item_id, location_id, -quantity)
    last: StockMovement | None = None
    for portion, portion_lot in portions:
        last = StockMovement(
            item_id=item_id,
            location_id=location_id,
            quantity=portion,
            kind=kind,
            unit_cost=unit_cost,
            reason=reason,
            reference_kind=reference.kind if reference else "",
            reference_id=reference.id if reference else None,
            user_id=actor.user_id,
            station_code=ctx.station_code,
            lot_id=portion_lot,
            serial=serial,
        )
        session.add(last)
    session.flush()
    assert last is not None
    level = session.scalar(
        select(StockLevel.on_hand).where(
            StockLevel.item_id == item_id, StockLevel.location_id == location_id
        )
    )
    return StockChange(_movement(last), int(level or 0))


def receive_units(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    item_id: uuid.UUID,
    quantity: int,
    unit_cost: int | None,
    location_id: uuid.UUID,
    reference: StockReference | None = None,
    lot: LotInput | None = None,
    serials: Sequence[str] = (),
    kind: str = "receive",
) -> StockChange:
    """Book ``quantity`` units in, with their lot and serials as the item requires; the
    caller commits. Raises ``ValidationError`` (missing expiry, wrong or repeated
    serials), ``NotFound``."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound("This item no longer exists.")
    check = FieldChecker()
    lot_id = None
    if item.track_expiry:
        lot_code = check.line("lot", lot.code if lot else "", 64)
        if lot is None or lot.expires_on is None:
            check.fail("expires_on", f"“{item.name}” tracks expiry: enter the expiry date.")
        else:
            lot_id = _lot(session, item_id, lot_code, lot.expires_on)
    cleaned = [s.strip() for s in serials if s.strip()]
    if item.serialized:
        if len(cleaned) != quantity:
            check.fail(
                "serials",
                f"“{item.name}” is serialized: scan or type one serial per unit "
                f"({len(cleaned)} of {quantity}).",
            )
        for serial in cleaned:
            if len(serial) > MAX_SERIAL:
                check.fail("serials", f"A serial is at most {MAX_SERIAL} characters.")
            elif cleaned.count(serial) > 1:
                check.fail("serials", f"{serial} is listed twice.")
            elif serial_on_hand(session, item_id, serial) > 0:
                check.fail("serials", f"{serial} is already in stock.")
    elif cleaned:
        check.fail("serials", f"“{item.name}” is not serialized.")
    check.raise_if_any()
    if not item.serialized:
        return record_movement(
            session,
            ctx,
            actor,
            item_id,
            location_id,
            quantity,
            kind,
            unit_cost=unit_cost,
            reference=reference,
            lot_id=lot_id,
        )
    change: StockChange | None = None
    for serial in cleaned:
        change = record_movement(
            session,
            ctx,
            actor,
            item_id,
            location_id,
            1,
            kind,
            unit_cost=unit_cost,
            reference=reference,
            lot_id=lot_id,
            serial=serial,
        )
    assert change is not None
    return change


def serial_on_hand(
    session: Session, item_id: uuid.UUID, serial: str, location_id: uuid.UUID | None = None
) -> int:
    """Units of this serial in stock (1 or 0; more would be a receiving error)."""
    statement = select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
        StockMovement.serial == serial, StockMovement.item_id == item_id
    )
    if location_id is not None:
        statement = statement.where(StockMovement.location_id == location_id)
    return int(session.scalar(statement) or 0)


def _lot(session: Session, item_id: uuid.UUID, code: str, expires_on: date) -> uuid.UUID:
    found = session.scalar(
        select(StockLot.id).where(
            StockLot.item_id == item_id, StockLot.code == code, StockLot.expires_on == expires_on
        )
    )
    if found is not None:
        return found
    lot = StockLot(item_id=item_id, code=code, expires_on=expires_on)
    session.add(lot)
    session.flush()
    return lot.id


def _take_from_lots(
    session: Session, item_id: uuid.UUID, location_id: uuid.UUID, units: int
) -> list[tuple[int, uuid.UUID | None]]:
    """Split ``units`` leaving over the lots that hold them, soonest expiry first; what
    no lot holds leaves without one."""
    held = func.sum(StockMovement.quantity)
    statement = (
        select(StockLot.id, held)
        .join(StockMovement, StockMovement.lot_id == StockLot.id)
        .where(StockLot.item_id == item_id, StockMovement.location_id == location_id)
        .group_by(StockLot.id)
        .having(held > 0)
        .order_by(StockLot.expires_on, StockLot.id)
    )
    portions: list[tuple[int, uuid.UUID | None]] = []
    for lot_id, available in session.execute(statement):
        if units <= 0:
            break
        take = min(units, int(available))
        portions.append((-take, lot_id))
        units -= take
    if units > 0:
        portions.append((-units, None))
    return portions
