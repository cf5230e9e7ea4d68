from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import select

from desktop.models import StockMovement
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.errors import ValidationError
from desktop.services.items import ItemInput
from desktop.services.permissions import Permission
from desktop.services.returns import ReturnLine
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import DocumentView, PaymentInput, PaymentStatus
from tests.unit.conftest import STAFF_PASSWORD, add_staff, sign_in_as


def _item(shop: Services, name: str, price: int, stock: int = 10) -> uuid.UUID:
    item = shop.items.create(ItemInput(name, sell_price=price, cost_price=price // 3))
    shop.stock.receive(item.item.id, stock, price // 3)
    return item.item.id


def _sell(shop: Services, lines, payments, customer_id=None) -> DocumentView:
    cart = shop.sales.new_cart()
    built = tuple(shop.sales.line_for_item(i, q) for i, q in lines)
    cart = replace(cart, lines=built, customer_id=customer_id)
    return shop.sales.complete(cart, payments).document


def test_refund_part_of_a_line_back_to_stock_in_cash(shop: Services):
    cable = _item(shop, "Cable", 999)
    sale = _sell(shop, [(cable, 3)], [PaymentInput("cash", 2997)])
    line = sale.lines[0].id
    note = shop.returns.refund(
        sale.id, [ReturnLine(line, 1)], [PaymentInput("cash", 999)], "Wrong colour"
    )
    assert note.number == "CN-A-000001" and note.original_number == sale.number
    assert note.total == 999 and note.balance == 0
    assert note.payments[0].amount == -999
    assert shop.stock.on_hand(cable) == 8
    left = shop.returns.returnable(sale.id)[0]
    assert (left.sold, left.returned, left.left) == (3, 1, 2)
    assert shop.sales.document(sale.id).credit_notes == ("CN-A-000001",)
    assert shop.journal.verify().intact


def test_returning_every_unit_one_by_one_credits_exactly_what_was_charged(shop: Services):
    cable = _item(shop, "Cable", 1000)
    cart = replace(shop.sales.new_cart(), lines=(shop.sales.line_for_item(cable, 3),))
    from desktop.services.pricing import Discount

    cart = replace(cart, discount=Discount("amount", 1))  # 2999 over 3 units
    sale = shop.sales.complete(cart, [PaymentInput("card", 2999)]).document
    line = sale.lines[0].id
    totals = []
    for _ in range(3):
        plan = shop.returns.plan(sale.id, [ReturnLine(line, 1)])
        note = shop.returns.refund(
            sale.id, [ReturnLine(line, 1)], [PaymentInput("card", plan.to_refund)], "Faulty"
        )
        totals.append(note.total)
    assert sum(totals) == 2999
    with pytest.raises(ValidationError) as error:
        shop.returns.refund(sale.id, [ReturnLine(line, 1)], [], "Again")
    assert "Only 0" in error.value.errors["lines.0.quantity"]


def test_faulty_units_are_written_off_not_restocked(shop: Services):
    battery = _item(shop, "Battery", 3000)
    sale = _sell(shop, [(battery, 1)], [PaymentInput("cash", 3000)])
    shop.returns.refund(
        sale.id,
        [ReturnLine(sale.lines[0].id, 1, restock=False)],
        [PaymentInput("cash", 3000)],
        "Swollen",
    )
    assert shop.stock.on_hand(battery) == 9
    with shop.ctx.uow() as tx:
        kinds = tx.session.scalars(
            select(StockMovement.kind).where(StockMovement.item_id == battery)
        ).all()
    assert sorted(kinds) == ["receive", "return", "sale", "write_off"]


def test_refund_as_store_credit_needs_a_customer(shop: Services):
    case = _item(shop, "Case", 1500)
    anonymous = _sell(shop, [(case, 1)], [PaymentInput("cash", 1500)])
    with pytest.raises(ValidationError) as error:
        shop.returns.refund(
            anonymous.id,
            [ReturnLine(anonymous.lines[0].id, 1)],
            [PaymentInput("store_credit", 1500)],
            "Gift",
        )
    assert "customer" in error.value.errors["refunds.0.method"]
    customer = shop.customers.create(CustomerInput(first_name="Ana")).id
    sale = _sell(shop, [(case, 1)], [PaymentInput("cash", 1500)], customer)
    shop.returns.refund(
        sale.id, [ReturnLine(sale.lines[0].id, 1)], [PaymentInput("store_credit", 1500)], "Gift"
    )
    assert shop.sales.store_credit(customer) == 1500


def test_a_return_on_an_unpaid_invoice_lowers_what_is_owed_first(shop: Services):
    customer = shop.customers.create(CustomerInput(first_name="Ana")).id
    screen = _item(shop, "Screen", 9000)
    invoice = _sell(
        shop,
        [(screen, 2)],
        [PaymentInput("cash", 4000), PaymentInput("on_account", 14000)],
        customer,
    )
    plan = shop.returns.plan(invoice.id, [ReturnLine(invoice.lines[0].id, 1)])
    assert (plan.credit, plan.against_balance, plan.to_refund) == (9000, 9000, 0)
    note = shop.returns.refund(invoice.id, [ReturnLine(invoice.lines[0].id, 1)], [], "One too many")
    assert note.balance == 0
    after = shop.sales.document(invoice.id)
    assert after.balance == 5000 and after.payment_status() is PaymentStatus.PARTIAL


def test_refunds_must_add_up_and_respect_the_limit(shop: Services):
    add_staff(shop, "desk", "front_desk")
    add_staff(shop, "boss", "manager")
    phone = _item(shop, "Refurbished phone", 20000)
    sale = _sell(shop, [(phone, 1)], [PaymentInput("card", 20000)])
    line = [ReturnLine(sale.lines[0].id, 1)]
    sign_in_as(shop, "desk")
    with pytest.raises(ValidationError) as error:
        shop.returns.refund(sale.id, line, [PaymentInput("card", 100)], "Broken")
    assert "add up" in error.value.errors["refunds"]
    with pytest.raises(ApprovalRequired):
        shop.returns.refund(sale.id, line, [PaymentInput("card", 20000)], "Broken")
    boss = shop.accounts.authorize("boss", STAFF_PASSWORD, Permission.APPROVE_SALES)
    note = shop.returns.refund(sale.id, line, [PaymentInput("card", 20000)], "Broken", boss)
    assert note.total == 20000
    with pytest.raises(ValidationError):
        shop.returns.refund(sale.id, line, [PaymentInput("card", 1)], "")


def test_only_completed_documents_can_be_refunded(shop: Services):
    cable = _item(shop, "Cable", 1000)
    cart = replace(shop.sales.new_cart(), lines=(shop.sales.line_for_item(cable, 1),))
    shop.sales.hold(cart)
    with pytest.raises(ValidationError):
        shop.returns.returnable(cart.id)
