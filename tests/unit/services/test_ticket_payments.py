"""Deposits on repair tickets and the checkout that bills them, on a real database."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from desktop.models import JournalEntry, Payment, ShopProfile, StockMovement, TaxClass
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.errors import ValidationError
from desktop.services.items import ItemInput
from desktop.services.permissions import Permission
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import PaymentInput, PaymentStatus
from desktop.services.ticket_parts import PartInput
from desktop.services.ticket_work import LabourInput
from desktop.services.tickets import TicketDetail, TicketInput
from tests.unit.conftest import OWNER_PASSWORD, STAFF_PASSWORD, add_staff, sign_in_as


@pytest.fixture
def ticket(shop: Services) -> TicketDetail:
    customer = shop.customers.create(CustomerInput(first_name="Ana", last_name="Lima"))
    return shop.tickets.create(
        TicketInput(customer.id, problem="Cracked screen", estimate_labour=5000)
    )


def _set_profile(shop: Services, **values: object) -> None:
    with shop.ctx.uow() as tx:
        tx.session.execute(update(ShopProfile).values(**values))
        tx.commit()


def _set_rate(shop: Services, code: str, rate_bp: int) -> None:
    with shop.ctx.uow() as tx:
        tx.session.execute(update(TaxClass).where(TaxClass.code == code).values(rate_bp=rate_bp))
        tx.commit()


def _reserve_parts(shop: Services) -> None:
    profile = shop.shop.profile()
    shop.shop.update_ticket_settings(profile.ticket_terms, profile.warranty_days, "reserve")


def _screen(shop: Services, price: int = 9000, tax_class: str = "standard") -> uuid.UUID:
    item = shop.items.create(
        ItemInput("iPhone 13 screen", cost_price=4000, sell_price=price, tax_class=tax_class)
    )
    shop.stock.receive(item.item.id, 3, 4000)
    return item.item.id


def _labour(shop: Services, ticket: TicketDetail, amount: int, text: str = "Screen swap") -> None:
    shop.ticket_work.add_labour(ticket.id, LabourInput(text, flat_amount=amount))


def _due(shop: Services, ticket: TicketDetail) -> int:
    return shop.tickets.get(ticket.id).amount_due


def _checkout(shop: Services, ticket: TicketDetail, *payments: PaymentInput):
    cart = shop.ticket_payments.checkout_cart(ticket.id)
    return shop.sales.complete(cart, list(payments))


def _category(shop: Services, ticket: TicketDetail) -> str:
    return shop.tickets.get(ticket.id).status.category


def _ledger(shop: Services, item_id: uuid.UUID) -> list[tuple[str, int]]:
    with shop.ctx.uow() as tx:
        rows = tx.session.execute(
            select(StockMovement.kind, StockMovement.quantity)
            .where(StockMovement.item_id == item_id)
            .order_by(StockMovement.at, StockMovement.id)
        )
        return [(kind, quantity) for kind, quantity in rows]


def _journal(shop: Services) -> list[tuple[str, dict[str, object]]]:
    with shop.ctx.uow() as tx:
        rows = tx.session.execute(
            select(JournalEntry.kind, JournalEntry.payload).order_by(JournalEntry.seq)
        )
        return [(kind, json.loads(payload)) for kind, payload in rows]


# -- deposits --------------------------------------------------------------------------


def test_several_partial_deposits_add_up_and_are_journaled(
    shop: Services, ticket: TicketDetail
) -> None:
    cash = shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 2000, 5000)])
    assert (cash.change, cash.open_drawer, cash.deposits) == (3000, True, 2000)
    split = shop.ticket_payments.take_deposit(
        ticket.id, [PaymentInput("card", 1000), PaymentInput("bkash", 500, reference="TX77")]
    )
    assert not split.open_drawer and split.deposits == 3500
    assert [(p.method_name, p.amount, p.reference) for p in split.payments] == [
        ("Card", 1000, ""),
        ("bKash", 500, "TX77"),
    ]
    assert [p.amount for p in shop.ticket_payments.deposits(ticket.id)] == [2000, 1000, 500]
    assert _due(shop, ticket) == 5000 - 3500
    assert shop.tickets.get(ticket.id).deposits == 3500
    assert [(kind, entry["ticket"]) for kind, entry in _journal(shop)] == [
        ("payment", "T-A-10001"),
        ("payment", "T-A-10001"),
    ]
    assert shop.journal.verify().intact


def test_a_bad_deposit_names_every_problem_and_writes_nothing(
    shop: Services, ticket: TicketDetail
) -> None:
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.take_deposit(
            ticket.id,
            [PaymentInput("bkash", 500), PaymentInput("cheque", 100), PaymentInput("card", -5)],
        )
    assert set(error.value.errors) >= {
        "payments.0.reference",
        "payments.1.method",
        "payments.2.amount",
    }
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("on_account", 1000)])
    assert "on account" in error.value.errors["payments.0.method"]
    with pytest.raises(ValidationError):
        shop.ticket_payments.take_deposit(ticket.id, [])
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("store_credit", 1000)])
    assert "store credit" in error.value.errors["payments"]
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("card", 10**12)])
    assert "too large" in error.value.errors["payments"]
    assert shop.ticket_payments.deposits(ticket.id) == []
    assert _journal(shop) == []


def test_a_closed_ticket_takes_no_deposit(shop: Services, ticket: TicketDetail) -> None:
    closed = next(s.id for s in shop.tickets.statuses() if s.category == "closed")
    shop.tickets.change_status(ticket.id, closed)
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 1000)])
    assert error.value.errors["ticket"] == "T-A-10001 is closed."


# -- checkout ---------------------------------------------------------------------------


def test_the_checkout_cart_bills_labour_and_parts_with_their_tax_to_the_cent(
    shop: Services, ticket: TicketDetail
) -> None:
    _set_profile(shop, prices_include_tax=False)
    _set_rate(shop, "standard", 1500)
    _set_rate(shop, "reduced", 500)
    _labour(shop, ticket, 4999)
    _labour(shop, ticket, 1234, "Cleaning")
    screen = _screen(shop, price=1299, tax_class="reduced")
    part = shop.ticket_parts.add(ticket.id, PartInput(screen, quantity=2))
    cart = shop.ticket_payments.checkout_cart(ticket.id)
    assert cart.ticket_id == ticket.id and cart.customer_id == ticket.customer_id
    assert [
        (line.description, line.quantity, line.unit_price, line.tax_class, line.source_kind)
        for line in cart.lines
    ] == [
        ("Screen swap", 1, 4999, "standard", "ticket_labour"),
        ("Cleaning", 1, 1234, "standard", "ticket_labour"),
        ("iPhone 13 screen", 2, 1299, "reduced", "ticket_part"),
    ]
    assert cart.lines[2].source_id == part.id and cart.lines[2].item_id == screen
    # 15 % of 49.99 is 7.4985 → 7.50; of 12.34 is 1.851 → 1.85; 5 % of 25.98 is 1.299 → 1.30.
    plan = shop.ticket_payments.plan_checkout(ticket.id)
    assert (plan.totals.tax_total, plan.totals.total, plan.due) == (1065, 9896, 9896)
    assert _due(shop, ticket) == 9896
    done = shop.sales.complete(cart, [PaymentInput("card", 9896)])
    view = done.document
    assert (view.number, view.subtotal, view.tax_total, view.total) == (
        "S-A-000001",
        8831,
        1065,
        9896,
    )
    assert [(band.rate_bp, band.tax) for band in view.bands] == [(500, 130), (1500, 935)]
    assert view.ticket_number == "T-A-10001"
    assert _due(shop, ticket) == 0


def test_a_ticket_with_neither_labour_nor_parts_is_billed_its_estimate(
    shop: Services, ticket: TicketDetail
) -> None:
    [line] = shop.ticket_payments.checkout_cart(ticket.id).lines
    assert (line.description, line.unit_price, line.source_kind) == (
        "Repair T-A-10001 as estimated",
        5000,
        "ticket_estimate",
    )
    nothing = shop.tickets.create(TicketInput(ticket.customer_id, problem="Look at it"))
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.checkout_cart(nothing.id)
    assert "charges nothing" in error.value.errors["ticket"]


def test_deposits_count_as_paid_and_the_tickets_deposit_goes_back_to_zero(
    shop: Services, ticket: TicketDetail
) -> None:
    _labour(shop, ticket, 12000)
    shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 3000)])
    plan = shop.ticket_payments.plan_checkout(ticket.id)
    assert (plan.deposit, plan.due, plan.deposit_left) == (3000, 9000, 0)
    with pytest.raises(ValidationError) as error:  # the deposit is already counted
        shop.sales.complete(plan.cart, [PaymentInput("card", 12000)])
    assert "cannot pay more" in error.value.errors["payments.0.amount"]
    done = shop.sales.complete(plan.cart, [PaymentInput("card", 9000)])
    view = done.document
    assert [(p.method_kind, p.method_name, p.amount) for p in view.payments] == [
        ("card", "Card", 9000),
        ("deposit", "Deposit on T-A-10001", 3000),
    ]
    assert view.paid == 12000 and view.payment_status() is PaymentStatus.PAID
    overview = shop.ticket_payments.overview(ticket.id)
    assert overview.deposit_balance == 0 and overview.amount_due == 0
    assert overview.document is not None and overview.document.number == "S-A-000001"
    assert [(p.method_name, p.amount) for p in overview.deposits] == [
        ("Cash", 3000),
        ("Applied to S-A-000001", -3000),
    ]
    with shop.ctx.uow() as tx:
        moved = tx.session.execute(
            select(Payment.shift_id, Payment.amount).where(Payment.method_kind == "deposit")
        ).all()
    assert sorted(amount for _shift, amount in moved) == [-3000, 3000]
    assert all(shift is None for shift, _amount in moved)  # not takings of any drawer
    kinds = _journal(shop)
    assert [kind for kind, _payload in kinds] == ["payment", "sale"]
    assert ["deposit", 3000, 0, 0, 0] in kinds[1][1]["payments"]  # type: ignore[operator]
    assert shop.journal.verify().intact


def test_a_used_part_is_not_taken_from_stock_a_second_time(
    shop: Services, ticket: TicketDetail
) -> None:
    screen = _screen(shop)
    shop.ticket_parts.add(ticket.id, PartInput(screen))
    assert shop.stock.on_hand(screen) == 2
    _checkout(shop, ticket, PaymentInput("cash", 9000))
    assert shop.stock.on_hand(screen) == 2
    assert _ledger(shop, screen) == [("receive", 3), ("ticket_part", -1)]


def test_reserved_parts_leave_stock_at_checkout(shop: Services, ticket: TicketDetail) -> None:
    _reserve_parts(shop)
    screen = _screen(shop)
    part = shop.ticket_parts.add(ticket.id, PartInput(screen))
    assert (part.status, shop.stock.on_hand(screen)) == ("reserved", 3)
    _checkout(shop, ticket, PaymentInput("cash", 9000))
    assert [p.status for p in shop.ticket_parts.parts(ticket.id)] == ["used"]
    assert shop.stock.on_hand(screen) == 2
    assert _ledger(shop, screen) == [("receive", 3), ("ticket_part", -1)]
    assert shop.ticket_parts.reserved(screen) == 0


def test_a_paid_ticket_is_closed_as_picked_up(shop: Services, ticket: TicketDetail) -> None:
    _labour(shop, ticket, 5000)
    _checkout(shop, ticket, PaymentInput("cash", 5000))
    detail = shop.tickets.get(ticket.id)
    assert (detail.status.name, detail.status.category) == ("Closed", "closed")
    assert detail.completed_at is not None  # the warranty runs from the pickup
    assert detail.history[-1].text == "New → Closed: Paid and picked up (S-A-000001)"
    assert (detail.checkout_number, detail.amount_due) == ("S-A-000001", 0)


def test_on_account_leaves_the_ticket_completed_with_the_invoice_balance(
    shop: Services, ticket: TicketDetail
) -> None:
    _labour(shop, ticket, 8000)
    shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("card", 1000)])
    done = _checkout(shop, ticket, PaymentInput("cash", 2000), PaymentInput("on_account", 5000))
    invoice = done.document
    assert (invoice.number, invoice.balance) == ("INV-A-000001", 5000)
    detail = shop.tickets.get(ticket.id)
    assert detail.status.category == "completed"
    assert detail.history[-1].text.endswith("Picked up, the rest on account (INV-A-000001)")
    assert detail.amount_due == 5000 == shop.ticket_payments.overview(ticket.id).amount_due
    shop.invoices.pay(invoice.id, [PaymentInput("card", 2000)])
    assert shop.tickets.get(ticket.id).status.category == "completed"
    shop.invoices.pay(invoice.id, [PaymentInput("card", 3000)])
    paid = shop.tickets.get(ticket.id)
    assert paid.status.category == "closed" and paid.amount_due == 0
    assert paid.history[-1].text.endswith("Paid and picked up (INV-A-000001)")


def test_amount_due_at_every_step(shop: Services, ticket: TicketDetail) -> None:
    assert _due(shop, ticket) == 5000  # the estimate
    shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 2000)])
    assert _due(shop, ticket) == 3000
    _labour(shop, ticket, 8000)
    assert _due(shop, ticket) == 6000  # the labour charged replaces the estimate
    screen = _screen(shop, price=3000)
    shop.ticket_parts.add(ticket.id, PartInput(screen))
    assert _due(shop, ticket) == 9000
    shop.ticket_payments.refund_deposit(ticket.id, "cash", 500, "Part cheaper than quoted")
    assert _due(shop, ticket) == 9500
    _checkout(shop, ticket, PaymentInput("card", 4000), PaymentInput("on_account", 5500))
    assert _due(shop, ticket) == 5500
    assert shop.tickets.get(ticket.id).deposits == 0


def test_a_ticket_is_checked_out_once(shop: Services, ticket: TicketDetail) -> None:
    _labour(shop, ticket, 5000)
    first = shop.ticket_payments.checkout_cart(ticket.id)
    second = shop.ticket_payments.checkout_cart(ticket.id)
    shop.sales.complete(first, [PaymentInput("cash", 5000)])
    assert shop.sales.complete(first, [PaymentInput("cash", 5000)]).already_completed
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(second, [PaymentInput("cash", 5000)])
    assert error.value.errors["ticket"] == "T-A-10001 was already checked out on S-A-000001."
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.checkout_cart(ticket.id)
    assert "S-A-000001" in error.value.errors["ticket"]
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 100)])
    assert "T-A-10001" in error.value.errors["ticket"]


def test_a_cart_older_than_the_tickets_charges_is_refused(
    shop: Services, ticket: TicketDetail
) -> None:
    _labour(shop, ticket, 5000)
    cart = shop.ticket_payments.checkout_cart(ticket.id)
    _labour(shop, ticket, 1500, "Cleaning")
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(cart, [PaymentInput("cash", 5000)])
    assert "changed meanwhile" in error.value.errors["lines"]
    counter = shop.sales.new_cart()
    with pytest.raises(ValidationError) as error:  # a ticket's part sold over the counter
        shop.sales.complete(replace(counter, lines=cart.lines), [PaymentInput("cash", 5000)])
    assert "lines" in error.value.errors
    assert shop.tickets.get(ticket.id).checkout_id is None
    assert _journal(shop) == []


def test_a_deposit_larger_than_the_bill_leaves_the_rest_to_pay_back(
    shop: Services, ticket: TicketDetail
) -> None:
    _labour(shop, ticket, 8000)
    shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("card", 10000)])
    plan = shop.ticket_payments.plan_checkout(ticket.id)
    assert (plan.deposit, plan.due, plan.deposit_left) == (8000, 0, 2000)
    done = shop.sales.complete(plan.cart, [])
    assert done.document.balance == 0
    assert _category(shop, ticket) == "closed"
    assert _due(shop, ticket) == -2000  # the shop owes it
    shop.ticket_payments.refund_deposit(ticket.id, "card", 2000, "Repair cost less")
    assert _due(shop, ticket) == 0


# -- refunds of deposits ----------------------------------------------------------------


def test_a_deposit_refund_never_exceeds_what_is_left_and_big_ones_need_a_manager(
    shop: Services, ticket: TicketDetail
) -> None:
    add_staff(shop, "desk", "front_desk")
    add_staff(shop, "boss", "manager")
    shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 8000)])
    sign_in_as(shop, "desk")
    payments = shop.ticket_payments
    with pytest.raises(ValidationError) as error:
        payments.refund_deposit(ticket.id, "on_account", 9000, "")
    assert set(error.value.errors) == {"amount", "method", "reason"}
    assert error.value.errors["amount"] == "Only $80.00 of the deposit is left to pay back."
    with pytest.raises(ValidationError) as error:
        payments.refund_deposit(ticket.id, "bkash", 1000, "Cancelled")
    assert "reference" in error.value.errors["reference"]
    with pytest.raises(ApprovalRequired):
        payments.refund_deposit(ticket.id, "cash", 6000, "Repair cancelled")
    manager = shop.accounts.authorize("boss", STAFF_PASSWORD, Permission.APPROVE_SALES)
    refund = payments.refund_deposit(
        ticket.id, "cash", 6000, "Repair cancelled", approved_by=manager
    )
    assert (refund.amount, refund.method_name, refund.username) == (-6000, "Cash", "desk")
    payments.refund_deposit(ticket.id, "store_credit", 2000, "Keeps it for later")
    assert shop.sales.store_credit(ticket.customer_id) == 2000
    with pytest.raises(ValidationError) as error:
        payments.refund_deposit(ticket.id, "cash", 1, "Again")
    assert error.value.errors["amount"] == "No deposit is left on this ticket."
    assert shop.tickets.get(ticket.id).deposits == 0
    assert [kind for kind, _payload in _journal(shop)] == ["payment", "refund", "refund"]
    shop.accounts.logout()
    shop.accounts.login("owner", OWNER_PASSWORD)
    refunds = [e for e in shop.audit.recent() if e.action == "deposit_refunded"]
    assert [(e.details["amount"], e.details["approved_by"]) for e in refunds] == [
        (2000, ""),
        (6000, "boss"),
    ]
    assert shop.journal.verify().intact


def test_the_claim_receipt_shows_the_deposit_paid(shop: Services, ticket: TicketDetail) -> None:
    from desktop.services.ticket_documents import ticket_documents

    shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 2500)])
    shop.ticket_payments.refund_deposit(ticket.id, "cash", 500, "Less than thought")
    with shop.ctx.uow() as tx:
        claim, _label = ticket_documents(tx.session, ticket.id)
    assert claim.deposit == 2000


def test_a_cancelled_repair_owes_only_the_work_charged_not_its_estimate(
    shop: Services, ticket: TicketDetail
) -> None:
    shop.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 2000)])
    cancelled = next(s.id for s in shop.tickets.statuses() if s.category == "cancelled")
    shop.tickets.change_status(ticket.id, cancelled)
    assert _due(shop, ticket) == -2000  # the deposit is the customer's again
    with pytest.raises(ValidationError) as error:
        shop.ticket_payments.checkout_cart(ticket.id)
    assert "charges nothing" in error.value.errors["ticket"]
    other = shop.tickets.create(
        TicketInput(ticket.customer_id, problem="No power", estimate_labour=9000)
    )
    _labour(shop, other, 1500, "Diagnosis")
    shop.tickets.change_status(other.id, cancelled)
    assert _due(shop, other) == 1500
    done = _checkout(shop, other, PaymentInput("cash", 1500))
    assert done.document.total == 1500
    assert _category(shop, other) == "cancelled"  # it keeps its status; the history says so
    assert shop.tickets.get(other.id).history[-1].text == "Paid and picked up (S-A-000001)"
