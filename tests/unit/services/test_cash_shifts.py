"""Cash shifts: one open drawer per station, pay-ins and pay-outs, the expected cash from
the shift's payments, the closing count with its over/short and Z number, and the Z
report kept for an identical reprint."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.models import CashShift, JournalEntry, Payment, SalesDocument, SalesLine
from desktop.services import journal
from desktop.services.cash_shifts import current_shift_id
from desktop.services.container import Services
from desktop.services.denominations import LOOSE, denominations
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.numbering import next_number
from desktop.services.shift_types import MethodTakings, TaxLine
from tests.unit.conftest import add_staff, sign_in_as

METHODS = {"cash": ("cash", "Cash"), "card": ("card", "Card"), "deposit": ("deposit", "Deposit")}


def _record(
    shop: Services,
    kind: str = "sale",
    lines: Sequence[tuple[int, int, int, int]] = ((1500, 1000, 150, 0),),
    payments: Sequence[tuple[str, int]] = (),
    station: str | None = None,
    issued_at: datetime | None = None,
    tip: int = 0,
) -> uuid.UUID:
    """A sale, invoice or credit note written as the sale service writes one: the document
    with its stored totals, its lines (tax rate, net, tax, line discount), its payments
    stamped with the station's open shift (negative for a credit note) and its journal
    entry. The sale service itself lands on main later."""
    assert shop.ctx.actor is not None
    station = station or shop.ctx.station_code
    with shop.ctx.uow() as tx:
        session = tx.session
        shift = current_shift_id(session, station)
        total = sum(net + tax for _rate, net, tax, _off in lines)
        document = SalesDocument(
            kind=kind,
            number=next_number(session, station, kind),
            status="completed" if kind == "sale" else "issued",
            station_code=station,
            user_id=shop.ctx.actor.user_id,
            issued_at=issued_at or datetime.now(UTC),
            currency="USD",
            subtotal=total,
            tax_total=sum(tax for _rate, _net, tax, _off in lines),
            total=total,
        )
        session.add(document)
        session.flush()
        for position, (rate, net, tax, off) in enumerate(lines):
            session.add(
                SalesLine(
                    document_id=document.id,
                    position=position,
                    description=f"Line {position + 1}",
                    quantity=1,
                    unit_price=net + tax + off,
                    line_discount=off,
                    tax_rate_bp=rate,
                    net=net,
                    tax=tax,
                    gross=net + tax,
                )
            )
        sign = -1 if kind == "credit_note" else 1
        for code, amount in payments:
            method_kind, name = METHODS[code]
            session.add(
                Payment(
                    document_id=document.id,
                    method_code=code,
                    method_kind=method_kind,
                    method_name=name,
                    amount=sign * amount,
                    tip=tip if method_kind == "card" else 0,
                    shift_id=shift,
                    user_id=shop.ctx.actor.user_id,
                    station_code=station,
                )
            )
        journal.append(session, shop.ctx, kind, {"total": total}, document.id)
        tx.commit()
        return document.id


def _journal_kinds(shop: Services) -> list[str]:
    with shop.ctx.uow() as tx:
        return list(tx.session.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)))


def test_expected_cash_is_the_float_plus_cash_taken_and_paid_in_less_refunds_and_pay_outs(
    shop: Services,
) -> None:
    shifts = shop.cash_shifts
    opened = shifts.open_shift(10000)
    assert opened.is_open and opened.opening_float == 10000 and opened.opened_by == "Olivia Owner"
    _record(
        shop,
        lines=((1500, 2000, 300, 200), (0, 1200, 0, 0)),
        payments=[("cash", 2500), ("card", 1000)],
    )
    _record(shop, lines=((1500, 1087, 163, 0),), payments=[("cash", 1250)])
    _record(shop, "credit_note", lines=((1500, 435, 65, 0),), payments=[("cash", 500)])
    shifts.pay_in(2000, "Change from the bank")
    running = shifts.pay_out(750, "Window cleaner")
    expected = 10000 + 2500 + 1250 - 500 + 2000 - 750
    assert running.expected_cash == expected
    assert (running.sales_count, running.sales_total) == (2, 3500 + 1250)

    x = shifts.x_report()
    assert (x.title, x.expected_cash, x.counted_cash, x.over_short) == (
        "X report (not closed)",
        expected,
        None,
        None,
    )
    assert (x.sales_count, x.sales_total, x.refunds_count, x.refunds_total) == (2, 4750, 1, 500)
    assert x.discounts_total == 200
    assert x.taxes == (TaxLine(1500, 2000 + 1087 - 435, 300 + 163 - 65, 2300 + 1250 - 500),
                       TaxLine(0, 1200, 0, 1200))  # fmt: skip
    assert x.takings == (
        MethodTakings("Cash", "cash", 3, 3250),
        MethodTakings("Card", "card", 1, 1000),
    )
    assert (x.cash_takings, x.pay_ins, x.pay_outs) == (3250, 2000, 750)
    assert [(m.kind, m.amount, m.reason, m.username) for m in x.cash_movements] == [
        ("pay_in", 2000, "Change from the bank", "Olivia Owner"),
        ("pay_out", 750, "Window cleaner", "Olivia Owner"),
    ]

    # A $100 note, two $20s, four $1s and a quarter: 75 cents short.
    z = shifts.close_shift({10000: 1, 2000: 2, 100: 4, 25: 1, 5: 0}, "Quarter roll missing")
    assert (z.title, z.expected_cash, z.counted_cash, z.over_short) == (
        "Z report Z-A-00001",
        expected,
        14425,
        -75,
    )
    assert [(d.value, d.count, d.total) for d in z.denominations] == [
        (10000, 1, 10000),
        (2000, 2, 4000),
        (100, 4, 400),
        (25, 1, 25),
    ]
    assert z.note == "Quarter roll missing" and z.closed_by == "Olivia Owner"
    assert shifts.current() is None
    with shop.ctx.uow() as tx:
        stored = tx.session.get(CashShift, opened.id)
        assert stored is not None
        assert (stored.expected_cash, stored.counted_cash, stored.z_number) == (
            expected,
            14425,
            "Z-A-00001",
        )
        assert json.loads(stored.counted_denominations) == {
            "10000": 1,
            "2000": 2,
            "100": 4,
            "25": 1,
        }


def test_a_station_has_one_open_drawer_and_says_since_when_and_by_whom(shop: Services) -> None:
    shop.cash_shifts.open_shift(5000)
    with pytest.raises(ValidationError) as refused:
        shop.cash_shifts.open_shift(5000)
    message = refused.value.errors["shift"]
    assert message.startswith("The drawer is already open since ")
    assert message.endswith("(Olivia Owner).")

    shop.ctx.set_station("B")
    try:
        other = shop.cash_shifts.open_shift(0)
        assert other.station_code == "B"
        assert shop.cash_shifts.close_shift({}).z_number == "Z-B-00001"
        shop.cash_shifts.open_shift(0)
        assert shop.cash_shifts.close_shift({}).z_number == "Z-B-00002"
    finally:
        shop.ctx.set_station("A")
    assert shop.cash_shifts.close_shift({LOOSE: 5000}).z_number == "Z-A-00001"


def test_closing_twice_is_refused_and_a_stale_close_never_closes_the_next_shift(
    shop: Services,
) -> None:
    first = shop.cash_shifts.open_shift(1000)
    shop.cash_shifts.close_shift({LOOSE: 1000})
    with pytest.raises(ValidationError) as twice:
        shop.cash_shifts.close_shift({LOOSE: 1000})
    assert "not open" in twice.value.errors["shift"]

    second = shop.cash_shifts.open_shift(2000)
    with pytest.raises(ValidationError) as stale:
        shop.cash_shifts.close_shift({LOOSE: 2000}, shift_id=first.id)
    assert stale.value.errors == {"shift": "This shift is already closed (Z-A-00001)."}
    current = shop.cash_shifts.current()
    assert current is not None and current.id == second.id
    assert shop.cash_shifts.close_shift({LOOSE: 2000}, shift_id=second.id).over_short == 0


def test_a_reprinted_z_report_is_the_paper_printed_at_closing(shop: Services) -> None:
    opened = shop.cash_shifts.open_shift(10000)
    _record(shop, payments=[("cash", 1150)])
    closed = shop.cash_shifts.close_shift({10000: 1, 1000: 1, 100: 1, 25: 2}, "All good")
    # Afterwards the shop is renamed and the next shift sells more: the Z report stays.
    with shop.ctx.uow() as tx:
        from desktop.services.shop import shop_profile

        shop_profile(tx.session).name = "Renamed Repairs"
        tx.commit()
    shop.cash_shifts.open_shift(0)
    _record(shop, payments=[("cash", 990)])
    assert shop.cash_shifts.z_report(opened.id) == closed
    assert closed.shop_name == "Fix-It Corner" and closed.sales_total == 1150
    assert closed.over_short == 0
    with pytest.raises(NotFound):
        shop.cash_shifts.z_report(shop.cash_shifts.current().id)  # type: ignore[union-attr]

    recent = shop.cash_shifts.recent_shifts()
    assert [(s.z_number, s.is_open) for s in recent] == [("", True), ("Z-A-00001", False)]
    assert (recent[1].counted_cash, recent[1].sales_total, recent[1].over_short) == (11150, 1150, 0)


def test_money_events_are_journaled_and_the_chain_stays_intact(shop: Services) -> None:
    shop.cash_shifts.record_drawer_opened("Counting the float in")
    shop.cash_shifts.open_shift(10000)
    _record(shop, payments=[("cash", 1150)])
    shop.cash_shifts.pay_in(500, "Coins from the bank")
    shop.cash_shifts.pay_out(200, "Milk for the staff room")
    shop.cash_shifts.record_drawer_opened("Change for a customer")
    shop.cash_shifts.close_shift({LOOSE: 11450})
    assert _journal_kinds(shop) == [
        "drawer_open",
        "sale",
        "pay_in",
        "pay_out",
        "drawer_open",
        "z_report",
    ]
    with shop.ctx.uow() as tx:
        report = journal.verify(tx.session)
        last = tx.session.scalars(
            select(JournalEntry.payload).order_by(JournalEntry.seq.desc())
        ).first()
    assert report.intact, report.summary()
    assert last is not None
    figures = json.loads(last)
    assert (figures["z_number"], figures["expected"], figures["counted"]) == (
        "Z-A-00001",
        11450,
        11450,
    )
    assert figures["over_short"] == 0
    actions = [e.action for e in shop.audit.recent()]
    for action in (
        "cash_shift_opened",
        "cash_paid_in",
        "cash_paid_out",
        "drawer_opened",
        "cash_shift_closed",
    ):
        assert action in actions


def test_bad_amounts_reasons_and_counts_are_refused_all_at_once(shop: Services) -> None:
    with pytest.raises(ValidationError) as closed_drawer:
        shop.cash_shifts.pay_in(0, "  ")
    assert set(closed_drawer.value.errors) == {"amount", "reason", "shift"}
    with pytest.raises(ValidationError) as no_shift:
        shop.cash_shifts.x_report()
    assert "shift" in no_shift.value.errors
    with pytest.raises(ValidationError) as negative:
        shop.cash_shifts.open_shift(-1)
    assert set(negative.value.errors) == {"opening_float"}
    with pytest.raises(ValidationError):
        shop.cash_shifts.open_shift(100_000_000_01)

    shop.cash_shifts.open_shift(1000)
    with pytest.raises(ValidationError) as too_much:
        shop.cash_shifts.pay_out(1001, "Courier")
    assert too_much.value.errors == {"amount": "The drawer should hold only $10.00."}
    with pytest.raises(ValidationError) as absurd:
        shop.cash_shifts.pay_in(10**15, "x" * 10_000_000)
    assert set(absurd.value.errors) == {"amount", "reason"}
    with pytest.raises(ValidationError):
        shop.cash_shifts.record_drawer_opened("")
    with pytest.raises(ValidationError) as counts:
        shop.cash_shifts.close_shift({3: 1, 500: -1, LOOSE: 10**13}, "n" * 3000)
    assert set(counts.value.errors) == {"counted.3", "counted.500", f"counted.{LOOSE}", "note"}
    assert shop.cash_shifts.current() is not None  # nothing was closed
    with shop.ctx.uow() as tx:
        assert not tx.session.scalars(select(JournalEntry)).all()


def test_only_the_one_who_opened_the_drawer_or_a_manager_closes_it(shop: Services) -> None:
    for name, role in (("fran", "front_desk"), ("tom", "technician"), ("mia", "manager")):
        add_staff(shop, name, role)
    sign_in_as(shop, "fran")
    shop.cash_shifts.open_shift(1000)
    shop.cash_shifts.pay_in(100, "Float top-up")
    sign_in_as(shop, "tom")
    with pytest.raises(PermissionDenied) as refused:
        shop.cash_shifts.close_shift({LOOSE: 1100})
    assert "Fran opened this drawer" in str(refused.value)
    sign_in_as(shop, "mia")
    closed = shop.cash_shifts.close_shift({LOOSE: 1100})
    assert (closed.opened_by, closed.closed_by) == ("Fran", "Mia")


def test_sales_of_other_stations_or_before_the_shift_and_deposit_transfers_stay_out(
    shop: Services,
) -> None:
    _record(shop, issued_at=datetime.now(UTC) - timedelta(hours=1))
    shop.cash_shifts.open_shift(0)
    _record(shop, station="B")
    _record(shop, lines=((2000, 5000, 1000, 0),), payments=[("card", 6000)], tip=300)
    _record(shop, payments=[("deposit", 1150)])
    with shop.ctx.uow() as tx:
        journal.append(tx.session, shop.ctx, "void", {"cart": "abandoned", "lines": 2})
        tx.commit()
    x = shop.cash_shifts.x_report()
    assert (x.sales_count, x.sales_total) == (2, 6000 + 1150)
    assert x.takings == (MethodTakings("Card", "card", 1, 6000),)
    assert (x.tips_total, x.voids_count, x.expected_cash) == (300, 1, 0)


def test_denominations_cover_common_currencies_and_fall_back_to_one_amount() -> None:
    usd = denominations("usd")
    assert usd.notes[0] == 10000 and usd.coins[-1] == 1 and usd.known
    assert denominations("JPY").values[:3] == (10000, 5000, 1000)
    for code in ("EUR", "GBP", "BDT", "INR", "CAD", "AUD", "CHF"):
        values = denominations(code).values
        assert values == tuple(sorted(set(values), reverse=True)), code
    plain = denominations("XAF")
    assert not plain.known and plain.accepts(LOOSE) and not plain.accepts(500)
