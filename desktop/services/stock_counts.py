"""Stock counts: count the shelves of one location, then post the differences.

A count remembers, per item, what the ledger said the moment the item was first counted
(``expected``) and what the counter found (``counted``). Approval posts ``counted -
expected`` as one ``count`` movement per item, so a sale or a delivery booked while the
count runs stays in the stock instead of being overwritten by a stale total.

Two stations counting the same count: a line's id is derived from the count and the item
(``stable_id``), so two stations that count the same item offline create the same row and
sync merges it instead of refusing a duplicate. ``counted`` travels as a value, so a scan
adds one to the value the station sees; when two stations scan the same item before they
have synced, the later value wins field by field and the sync conflict log shows the
other for a manager to review. Split big counts by shelf (bin prefix) or category so each
station counts its own items, and nothing is ever lost in a merge.

Serialized items are counted in units like any other item, not by serial.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Item,
    ItemBarcode,
    StockCount,
    StockCountLine,
    StockLevel,
    StockLocation,
    User,
)
from desktop.models.base import utc_now
from desktop.services import audit, barcodes
from desktop.services.changes import Changes
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.ids import stable_id
from desktop.services.items import MAX_QUANTITY, normalized_sku
from desktop.services.numbering import next_number
from desktop.services.permissions import Permission
from desktop.services.stock import DEFAULT_LOCATION_ID, StockReference, record_movement
from desktop.services.text import FieldChecker

ALL_ITEMS = "All stock items"
# How many not-yet-counted items a summary lists by name; the total is always given.
UNCOUNTED_LISTED = 500
MAX_SCOPE_ITEMS = 20_000


@dataclass(frozen=True)
class CountScope:
    """What to count; all empty means every active stock item (lines made as counted)."""

    category: str = ""
    brand: str = ""
    bin_prefix: str = ""
    item_ids: Sequence[uuid.UUID] = ()

    @property
    def is_everything(self) -> bool:
        return not (self.category or self.brand or self.bin_prefix or self.item_ids)


@dataclass(frozen=True)
class CountSummary:
    id: uuid.UUID
    number: str
    location_id: uuid.UUID
    location_name: str
    status: str  # open | approved | cancelled
    scope: str
    notes: str
    started_by: str
    approved_by: str
    created_at: datetime
    approved_at: datetime | None


@dataclass(frozen=True)
class CountLineView:
    item_id: uuid.UUID
    name: str
    sku: str
    bin_location: str
    expected: int | None  # None: not counted yet
    counted: int | None
    average_cost: int  # minor units, at the first count

    @property
    def variance(self) -> int:
        if self.counted is None or self.expected is None:
            return 0
        return self.counted - self.expected

    @property
    def variance_value(self) -> int:
        return self.variance * self.average_cost


@dataclass(frozen=True)
class CountSheet:
    """A count with its counted lines, what is still to count, and the totals."""

    count: CountSummary
    counted: tuple[CountLineView, ...]
    uncounted: tuple[CountLineView, ...]  # at most UNCOUNTED_LISTED, by bin and name
    uncounted_total: int
    expected_units: int
    counted_units: int
    variance_units: int
    variance_value: int


@dataclass(frozen=True)
class CountedLine:
    """The line a scan or a typed quantity changed, for the screen to show."""

    count_id: uuid.UUID
    line: CountLineView


@dataclass(frozen=True)
class CountPosted:
    count: CountSummary
    movements: int
    changes: Changes = field(default_factory=Changes)


def line_id(count_id: uuid.UUID, item_id: uuid.UUID) -> uuid.UUID:
    """The same on every station, so lines counted offline on two stations merge."""
    return stable_id("stock_count_line", str(count_id), str(item_id))


class StockCountService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- starting and listing ----------------------------------------------------------------

    def start(
        self,
        location_id: uuid.UUID | None = None,
        scope: CountScope | None = None,
        notes: str = "",
    ) -> CountSummary:
        """Open a count at a location (the store by default). A filtered scope lists its
        items up front, so the ones nobody counted show; counting everything adds each item
        as it is counted. Raises ``ValidationError`` (nothing in scope, bad filter),
        ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.RECEIVE_STOCK)
        scope = scope or CountScope()
        check = FieldChecker()
        category = check.line("category", scope.category, 100)
        brand = check.line("brand", scope.brand, 100)
        bin_prefix = check.line("bin_prefix", scope.bin_prefix, 50)
        notes = check.text("notes", notes, 10_000)
        if len(scope.item_ids) > MAX_SCOPE_ITEMS:
            check.fail("items", f"At most {MAX_SCOPE_ITEMS:,} items in one count.")
        check.raise_if_any()
        location_id = location_id or DEFAULT_LOCATION_ID
        with self.ctx.uow() as tx:
            location = tx.session.get(StockLocation, location_id)
            if location is None or not location.active:
                raise NotFound("This stock location no longer exists.")
            item_ids: list[uuid.UUID] = []
            if not scope.is_everything:
                item_ids = self._items_in_scope(tx.session, category, brand, bin_prefix, scope)
                if not item_ids:
                    raise ValidationError({"scope": "No active stock item matches this choice."})
            count = StockCount(
                number=next_number(tx.session, self.ctx.station_code, "stock_count"),
                location_id=location_id,
                scope=_scope_text(category, brand, bin_prefix, len(scope.item_ids))[:500],
                notes=notes,
                started_by=actor.user_id,
            )
            tx.session.add(count)
            tx.session.flush()
            tx.session.add_all(
                StockCountLine(id=line_id(count.id, i), count_id=count.id, item_id=i)
                for i in item_ids
            )
            tx.commit()
            return self._summary(tx.session, count)

    def counts(self, status: str | None = None, limit: int = 200) -> list[CountSummary]:
        """The newest counts first, optionally only those of one status."""
        statement = select(StockCount).order_by(StockCount.created_at.desc()).limit(limit)
        if status is not None:
            statement = statement.where(StockCount.status == status)
        with self.ctx.uow() as tx:
            return [self._summary(tx.session, c) for c in tx.session.scalars(statement)]

    def get(self, count_id: uuid.UUID) -> CountSummary:
        """The count. Raises ``NotFound``."""
        with self.ctx.uow() as tx:
            return self._summary(tx.session, self._count(tx.session, count_id))

    # -- counting ----------------------------------------------------------------------------

    def count_scan(self, count_id: uuid.UUID, code: str) -> CountedLine:
        """Count one more unit of the item a scanned barcode (or SKU label) names.

        Raises ``ValidationError`` (unknown code, a service, an item outside the count, a
        closed count), ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.RECEIVE_STOCK)
        # A paste of a whole page is cut first: it is refused either way.
        cleaned = barcodes.normalized(code[: barcodes.MAX_LENGTH * 4])
        if not cleaned or len(cleaned) > barcodes.MAX_LENGTH:
            raise ValidationError({"code": "This is not a barcode."})
        with self.ctx.uow() as tx:
            count = self._open_count(tx.session, count_id)
            item = tx.session.scalar(
                select(Item).join(ItemBarcode).where(ItemBarcode.code == cleaned)
            ) or tx.session.scalar(select(Item).where(Item.sku == normalized_sku(cleaned)))
            if item is None:
                raise ValidationError({"code": f"No item has the barcode {cleaned}."})
            line = self._line_for(tx.session, count, item)
            line.counted = (line.counted or 0) + 1
            line.counted_at = utc_now()
            tx.session.flush()
            view = _line_view(line, item)
            tx.commit()
            return CountedLine(count.id, view)

    def set_counted(self, count_id: uuid.UUID, item_id: uuid.UUID, quantity: int) -> CountedLine:
        """Record the units found of an item, replacing what was counted before.

        Raises ``ValidationError`` (a negative or absurd quantity, an item outside the
        count, a closed count), ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.RECEIVE_STOCK)
        if not 0 <= quantity <= MAX_QUANTITY:
            raise ValidationError({"counted": f"Between 0 and {MAX_QUANTITY:,} units."})
        with self.ctx.uow() as tx:
            count = self._open_count(tx.session, count_id)
            item = tx.session.get(Item, item_id)
            if item is None:
                raise NotFound("This item no longer exists.")
            line = self._line_for(tx.session, count, item)
            line.counted = quantity
            line.counted_at = utc_now()
            tx.session.flush()
            view = _line_view(line, item)
            tx.commit()
            return CountedLine(count.id, view)

    # -- reading -----------------------------------------------------------------------------

    def sheet(self, count_id: uuid.UUID) -> CountSheet:
        """Expected, counted and variance (units and value at average cost) per counted
        item, with totals, and what is still to count. Raises ``NotFound``."""
        with self.ctx.uow() as tx:
            count = self._count(tx.session, count_id)
            rows = tx.session.execute(
                select(StockCountLine, Item)
                .join(Item, Item.id == StockCountLine.item_id)
                .where(StockCountLine.count_id == count.id, StockCountLine.counted.is_not(None))
                .order_by(Item.bin_location, Item.sort_name, Item.id)
            ).all()
            counted = tuple(_line_view(line, item) for line, item in rows)
            uncounted_total, uncounted = self._uncounted(tx.session, count)
            return CountSheet(
                count=self._summary(tx.session, count),
                counted=counted,
                uncounted=uncounted,
                uncounted_total=uncounted_total,
                expected_units=sum(line.expected or 0 for line in counted),
                counted_units=sum(line.counted or 0 for line in counted),
                variance_units=sum(line.variance for line in counted),
                variance_value=sum(line.variance_value for line in counted),
            )

    # -- closing -----------------------------------------------------------------------------

    def approve(self, count_id: uuid.UUID, uncounted_as_zero: bool = False) -> CountPosted:
        """Post each counted item's variance as a ``count`` movement, all in one go, and
        close the count. With ``uncounted_as_zero`` the items not counted are taken as
        found missing (their stock at this location goes to zero); otherwise they are left
        alone. Goes to the audit log. Raises ``ValidationError`` (closed count),
        ``NotFound``, ``PermissionDenied`` (below manager)."""
        actor = self.ctx.require(Permission.ADJUST_STOCK)
        with self.ctx.uow() as tx:
            count = self._open_count(tx.session, count_id)
            if uncounted_as_zero:
                self._zero_uncounted(tx.session, count)
            moved = self._post_variances(tx.session, count, actor)
            count.status = "approved"
            count.approved_by = actor.user_id
            count.approved_at = utc_now()
            audit.record(
                tx.session,
                self.ctx,
                "stock_count_approved",
                "stock_count",
                str(count.id),
                number=count.number,
                movements=len(moved),
                uncounted_as_zero=uncounted_as_zero,
                units=sum(moved.values()),
            )
            tx.commit()
            return CountPosted(
                self._summary(tx.session, count),
                len(moved),
                Changes(stock=frozenset(moved), stock_counts=frozenset({count.id})),
            )

    def cancel(self, count_id: uuid.UUID) -> CountSummary:
        """Close a count without posting anything. Whoever started it or a manager may.
        Raises ``ValidationError`` (already closed), ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.RECEIVE_STOCK)
        with self.ctx.uow() as tx:
            count = self._open_count(tx.session, count_id)
            if count.started_by != actor.user_id and not self.ctx.can(Permission.ADJUST_STOCK):
                raise PermissionDenied(
                    "Only whoever started this count or a manager may cancel it."
                )
            count.status = "cancelled"
            audit.record(
                tx.session,
                self.ctx,
                "stock_count_cancelled",
                "stock_count",
                str(count.id),
                number=count.number,
            )
            tx.commit()
            return self._summary(tx.session, count)

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _items_in_scope(
        session: Session, category: str, brand: str, bin_prefix: str, scope: CountScope
    ) -> list[uuid.UUID]:
        statement = select(Item.id).where(Item.active.is_(True), Item.kind == "stock")
        if category:
            statement = statement.where(func.lower(Item.category) == category.lower())
        if brand:
            statement = statement.where(func.lower(Item.brand) == brand.lower())
        if bin_prefix:
            escaped = bin_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            statement = statement.where(Item.bin_location.like(f"{escaped}%", escape="\\"))
        if scope.item_ids:
            statement = statement.where(Item.id.in_(list(dict.fromkeys(scope.item_ids))))
        return list(session.scalars(statement.limit(MAX_SCOPE_ITEMS + 1)))[:MAX_SCOPE_ITEMS]

    @staticmethod
    def _count(session: Session, count_id: uuid.UUID) -> StockCount:
        count = session.get(StockCount, count_id)
        if count is None:
            raise NotFound("This stock count no longer exists.")
        return count

    def _open_count(self, session: Session, count_id: uuid.UUID) -> StockCount:
        count = self._count(session, count_id)
        if count.status != "open":
            raise ValidationError({"count": f"{count.number} is {count.status}: it is closed."})
        return count

    def _line_for(self, session: Session, count: StockCount, item: Item) -> StockCountLine:
        """The item's line, made on first count in a count of everything; the first count
        takes the snapshot of what the ledger says is here now."""
        if item.kind != "stock":
            raise ValidationError({"code": f"“{item.name}” is a service; it is not counted."})
        line = session.get(StockCountLine, line_id(count.id, item.id)) or session.scalar(
            select(StockCountLine).where(
                StockCountLine.count_id == count.id, StockCountLine.item_id == item.id
            )
        )
        if line is None:
            if count.scope != ALL_ITEMS:
                raise ValidationError(
                    {"code": f"“{item.name}” is not part of this count ({count.scope})."}
                )
            line = StockCountLine(id=line_id(count.id, item.id), count_id=count.id, item_id=item.id)
            session.add(line)
        if line.expected is None:
            line.expected, line.average_cost = _on_hand_and_cost(session, item, count.location_id)
        return line

    def _uncounted(
        self, session: Session, count: StockCount
    ) -> tuple[int, tuple[CountLineView, ...]]:
        """Items of the count nobody counted: its open lines, or for a count of everything
        the items the ledger says are here."""
        if count.scope == ALL_ITEMS:
            condition = and_(
                StockLevel.location_id == count.location_id,
                StockLevel.on_hand != 0,
                ~select(StockCountLine.id)
                .where(
                    StockCountLine.count_id == count.id,
                    StockCountLine.item_id == StockLevel.item_id,
                    StockCountLine.counted.is_not(None),
                )
                .exists(),
            )
            base = select(Item, StockLevel).join(StockLevel, StockLevel.item_id == Item.id)
            base = base.where(condition, Item.kind == "stock")
        else:
            base = (
                select(Item, StockLevel)
                .join(StockCountLine, StockCountLine.item_id == Item.id)
                .outerjoin(
                    StockLevel,
                    and_(
                        StockLevel.item_id == Item.id,
                        StockLevel.location_id == count.location_id,
                    ),
                )
                .where(StockCountLine.count_id == count.id, StockCountLine.counted.is_(None))
            )
        total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
        rows = session.execute(
            base.order_by(Item.bin_location, Item.sort_name, Item.id).limit(UNCOUNTED_LISTED)
        ).all()
        listed = tuple(
            CountLineView(
                item.id,
                item.name,
                item.sku,
                item.bin_location,
                None,
                None,
                level.average_cost if level is not None else item.cost_price,
            )
            for item, level in rows
        )
        return total, listed

    def _zero_uncounted(self, session: Session, count: StockCount) -> None:
        """Count every item not counted as found with zero units, snapshotting now."""
        if count.scope == ALL_ITEMS:
            missing = session.scalars(
                select(Item)
                .join(StockLevel, StockLevel.item_id == Item.id)
                .where(
                    StockLevel.location_id == count.location_id,
                    StockLevel.on_hand != 0,
                    Item.kind == "stock",
                )
            ).all()
        else:
            missing = session.scalars(
                select(Item)
                .join(StockCountLine, StockCountLine.item_id == Item.id)
                .where(StockCountLine.count_id == count.id, StockCountLine.counted.is_(None))
            ).all()
        now = utc_now()
        for item in missing:
            line = self._line_for(session, count, item)
            if line.counted is None:
                line.counted = 0
                line.counted_at = now

    def _post_variances(
        self, session: Session, count: StockCount, actor: Actor
    ) -> dict[uuid.UUID, int]:
        """One ``count`` movement per line whose variance is not zero: item -> units."""
        session.flush()
        lines = session.scalars(
            select(StockCountLine)
            .where(StockCountLine.count_id == count.id, StockCountLine.counted.is_not(None))
            .order_by(StockCountLine.item_id)
        ).all()
        # Load the items and the location at once, and hold them (the session keeps only
        # weak references): record_movement then finds each in the session, not the file.
        item_ids = [line.item_id for line in lines]
        held: list[object] = [session.get(StockLocation, count.location_id)]
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start : start + 500]
            held.extend(session.scalars(select(Item).where(Item.id.in_(chunk))))
        reference = StockReference("stock_count", count.id)
        moved: dict[uuid.UUID, int] = {}
        for line in lines:
            assert line.counted is not None
            variance = line.counted - (line.expected or 0)
            if variance == 0:
                continue
            record_movement(
                session,
                self.ctx,
                actor,
                line.item_id,
                count.location_id,
                variance,
                "count",
                # Units found come in at the cost the count valued them at.
                unit_cost=line.average_cost if variance > 0 and line.average_cost else None,
                reason=f"Stock count {count.number}",
                reference=reference,
            )
            moved[line.item_id] = variance
        return moved

    @staticmethod
    def _summary(session: Session, count: StockCount) -> CountSummary:
        location = session.get(StockLocation, count.location_id)
        wanted = [i for i in (count.started_by, count.approved_by) if i]
        names: dict[uuid.UUID, str] = {
            user_id: name
            for user_id, name in session.execute(
                select(User.id, User.display_name).where(User.id.in_(wanted))
            )
        }
        return CountSummary(
            id=count.id,
            number=count.number,
            location_id=count.location_id,
            location_name=location.name if location is not None else "",
            status=count.status,
            scope=count.scope,
            notes=count.notes,
            started_by=names.get(count.started_by, "") if count.started_by else "",
            approved_by=names.get(count.approved_by, "") if count.approved_by else "",
            created_at=count.created_at,
            approved_at=count.approved_at,
        )


def _on_hand_and_cost(session: Session, item: Item, location_id: uuid.UUID) -> tuple[int, int]:
    """What the ledger says is at the location now, and the cost to value a difference at:
    the average cost there, else the item's cost price (never received here)."""
    level = session.get(StockLevel, (item.id, location_id))
    if level is None:
        return 0, item.cost_price
    return level.on_hand, level.average_cost or item.cost_price


def _line_view(line: StockCountLine, item: Item) -> CountLineView:
    return CountLineView(
        item.id,
        item.name,
        item.sku,
        item.bin_location,
        line.expected,
        line.counted,
        line.average_cost,
    )


def _scope_text(category: str, brand: str, bin_prefix: str, listed: int) -> str:
    parts = []
    if category:
        parts.append(f"Category: {category}")
    if brand:
        parts.append(f"Brand: {brand}")
    if bin_prefix:
        parts.append(f"Bin: {bin_prefix}…")
    if listed:
        parts.append(f"{listed} chosen items")
    return ", ".join(parts) or ALL_ITEMS


__all__ = [
    "ALL_ITEMS",
    "CountLineView",
    "CountPosted",
    "CountScope",
    "CountSheet",
    "CountSummary",
    "CountedLine",
    "StockCountService",
]
