from __future__ import annotations

import sqlite3
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from desktop.models import Payment, SalesDocument, ShopProfile, StockMovement, TaxClass
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.errors import NotFound, ValidationError
from desktop.services.items import ItemInput
from desktop.services.permissions import Permission
from desktop.services.pricing import Discount
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import Cart, PaymentInput, PaymentStatus
from tests.unit.conftest import OWNER_PASSWORD, STAFF_PASSWORD, add_staff, sign_in_as


def _set_profile(shop: Services, **values: object) -> None:
    with shop.ctx.uow() as tx:
        tx.session.execute(update(ShopProfile).values(**values))
        tx.commit()


def _set_rate(shop: Services, code: str, rate_bp: int) -> None:
    with shop.ctx.uow() as tx:
        tx.session.execute(update(TaxClass).where(TaxClass.code == code).values(rate_bp=rate_bp))
        tx.commit()


def _item(shop: Services, name: str, price: int, cost: int = 0, stock: int = 5, **kw) -> uuid.UUID:
    item = shop.items.create(ItemInput(name, cost_price=cost, sell_price=price, **kw))
    if stock:
        shop.stock.receive(item.item.id, stock, cost)
    return item.item.id


def _cart(shop: Services, *lines: tuple[uuid.UUID, int], **kw) -> Cart:
    cart = shop.sales.new_cart()
    built = tuple(shop.sales.line_for_item(item_id, quantity) for item_id, quantity in lines)
    return replace(cart, lines=built, **kw)


def _customer(shop: Services) -> uuid.UUID:
    return shop.customers.create(CustomerInput(first_name="Rita", last_name="Sousa")).id


def test_a_cash_sale_takes_stock_gives_change_and_is_journaled(shop: Services):
    _set_rate(shop, "standard", 1500)
    case = _item(shop, "Phone case", 1150, cost=300)
    done = shop.sales.complete(_cart(shop, (case, 2)), [PaymentInput("cash", 2300, tendered=5000)])
    view = done.document
    assert view.number == "S-A-000001"
    assert (view.total, view.tax_total, view.status) == (2300, 300, "completed")
    assert done.change == 2700 and done.open_drawer
    assert view.payment_status() is PaymentStatus.PAID
    assert view.payments[0].tendered == 5000
    assert shop.stock.on_hand(case) == 3
    assert shop.journal.verify().intact


def test_completing_the_same_cart_twice_makes_one_sale(shop: Services):
    case = _item(shop, "Phone case", 1000)
    cart = _cart(shop, (case, 1))
    first = shop.sales.complete(cart, [PaymentInput("cash", 1000)])
    second = shop.sales.complete(cart, [PaymentInput("cash", 1000)])
    assert second.already_completed and second.document.number == first.document.number
    assert shop.stock.on_hand(case) == 4
    with shop.ctx.uow() as tx:
        assert len(tx.session.scalars(select(Payment)).all()) == 1


def test_split_payment_card_and_mobile_money(shop: Services):
    screen = _item(shop, "Screen", 9000)
    done = shop.sales.complete(
        _cart(shop, (screen, 1)),
        [PaymentInput("card", 5000), PaymentInput("bkash", 4000, reference="TX8842")],
    )
    assert [(p.method_name, p.amount) for p in done.document.payments] == [
        ("Card", 5000),
        ("bKash", 4000),
    ]
    assert not done.open_drawer


def test_tenders_that_do_not_settle_the_sale_are_refused_and_nothing_is_written(shop: Services):
    screen = _item(shop, "Screen", 9000)
    cart = _cart(shop, (screen, 1))
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(cart, [PaymentInput("card", 5000)])
    assert "still due" in error.value.errors["payments"]
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(cart, [PaymentInput("card", 9500)])
    assert "cannot pay more" in error.value.errors["payments.0.amount"]
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(cart, [PaymentInput("bkash", 9000)])
    assert "reference" in error.value.errors["payments.0.reference"]
    with pytest.raises(ValidationError):
        shop.sales.complete(cart, [PaymentInput("cash", -1)])
    assert shop.stock.on_hand(screen) == 5
    with shop.ctx.uow() as tx:
        assert tx.session.scalars(select(SalesDocument)).all() == []


def test_card_overpayment_may_be_a_tip_when_the_shop_allows_it(shop: Services):
    _set_profile(shop, tips_allowed=True)
    item = _item(shop, "Cable", 1000)
    done = shop.sales.complete(
        _cart(shop, (item, 1)), [PaymentInput("card", 1200, overpayment="tip")]
    )
    assert done.document.payments[0].tip == 200
    assert done.document.balance == 0


def test_card_overpayment_as_store_credit_needs_a_customer(shop: Services):
    item = _item(shop, "Cable", 1000)
    with pytest.raises(ValidationError):
        shop.sales.complete(
            _cart(shop, (item, 1)), [PaymentInput("card", 1500, overpayment="credit")]
        )
    customer = _customer(shop)
    done = shop.sales.complete(
        _cart(shop, (item, 1), customer_id=customer),
        [PaymentInput("card", 1500, overpayment="credit")],
    )
    assert done.document.balance == 0
    assert shop.sales.store_credit(customer) == 500
    # ... and the credit pays for the next sale.
    again = shop.sales.complete(
        _cart(shop, (item, 1), customer_id=customer),
        [PaymentInput("store_credit", 500), PaymentInput("cash", 500)],
    )
    assert again.document.balance == 0
    assert shop.sales.store_credit(customer) == 0
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(
            _cart(shop, (item, 1), customer_id=customer), [PaymentInput("store_credit", 1000)]
        )
    assert "only" in error.value.errors["payments"]


def test_on_account_issues_an_invoice_due_after_the_terms(shop: Services):
    item = _item(shop, "Battery", 4000)
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(_cart(shop, (item, 1)), [PaymentInput("on_account", 4000)])
    assert "customer" in error.value.errors["payments.0.method"]
    customer = _customer(shop)
    done = shop.sales.complete(
        _cart(shop, (item, 1), customer_id=customer),
        [PaymentInput("cash", 1000), PaymentInput("on_account", 3000)],
    )
    view = done.document
    assert view.number == "INV-A-000001" and view.kind.value == "invoice"
    assert view.balance == 3000 and view.payment_status() is PaymentStatus.PARTIAL
    assert view.due_date is not None
    assert view.payment_status(view.due_date.replace(year=view.due_date.year + 1)) is (
        PaymentStatus.DUE
    )


def test_cash_rounding_to_five_cents(shop: Services):
    _set_profile(shop, cash_rounding=5)
    item = _item(shop, "Screw kit", 1233)
    done = shop.sales.complete(_cart(shop, (item, 1)), [PaymentInput("cash", 1235)])
    assert (done.document.total, done.document.rounding, done.document.payable) == (1233, 2, 1235)
    card = shop.sales.complete(_cart(shop, (item, 1)), [PaymentInput("card", 1233)])
    assert card.document.rounding == 0


def test_discount_above_the_role_limit_needs_a_manager(shop: Services):
    add_staff(shop, "desk", "front_desk")
    add_staff(shop, "boss", "manager")
    item = _item(shop, "Charger", 2000)
    sign_in_as(shop, "desk")
    cart = _cart(shop, (item, 1), discount=Discount("percent", 2000))
    with pytest.raises(ApprovalRequired):
        shop.sales.complete(cart, [PaymentInput("cash", 1600)])
    small = replace(cart, id=uuid.uuid4(), discount=Discount("amount", 200))
    assert shop.sales.complete(small, [PaymentInput("cash", 1800)]).document.total == 1800
    manager = shop.accounts.authorize("boss", STAFF_PASSWORD, Permission.APPROVE_SALES)
    done = shop.sales.complete(cart, [PaymentInput("cash", 1600)], approved_by=manager)
    assert done.document.discount_total == 400
    entries = [e for e in _audit(shop) if e.action == "discount_override"]
    assert entries and entries[0].details["approved_by"] == "boss"


def _audit(shop: Services):
    shop.accounts.logout()
    shop.accounts.login("owner", OWNER_PASSWORD)
    return shop.audit.recent()


def test_selling_below_cost_needs_a_manager(shop: Services):
    add_staff(shop, "desk", "front_desk")
    item = _item(shop, "Screen", 9000, cost=5000)
    sign_in_as(shop, "desk")
    cart = _cart(shop, (item, 1))
    cheap = replace(cart, lines=(replace(cart.lines[0], unit_price=4000),))
    with pytest.raises(ApprovalRequired):
        shop.sales.complete(cheap, [PaymentInput("cash", 4000)])


def test_hold_and_resume_a_sale(shop: Services):
    item = _item(shop, "Glass protector", 1500)
    cart = _cart(shop, (item, 2), notes="Comes back at five")
    held = shop.sales.hold(cart, "Lady in red")
    assert held.status == "held" and held.number == ""
    assert [h.id for h in shop.sales.held()] == [cart.id]
    assert shop.stock.on_hand(item) == 5
    resumed = shop.sales.resume(cart.id)
    assert resumed.lines == cart.lines and resumed.notes == "Comes back at five"
    done = shop.sales.complete(resumed, [PaymentInput("cash", 3000)])
    assert done.document.number == "S-A-000001"
    assert shop.sales.held() == []


def test_voiding_an_open_sale_is_journaled(shop: Services):
    item = _item(shop, "Glass protector", 1500)
    cart = _cart(shop, (item, 1))
    shop.sales.hold(cart)
    shop.sales.void_open(cart, "Customer left")
    assert shop.sales.held() == []
    with pytest.raises(ValidationError):
        shop.sales.complete(cart, [PaymentInput("cash", 1500)])
    shop.sales.void_open(_cart(shop, (item, 1)), "Changed mind")
    report = shop.journal.verify()
    assert report.intact and report.entries == 2


def test_bad_carts_are_refused(shop: Services):
    item = _item(shop, "Cable", 1000)
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(shop.sales.new_cart(), [])
    assert "lines" in error.value.errors
    cart = _cart(shop, (item, 1))
    with pytest.raises(ValidationError) as error:
        shop.sales.complete(
            replace(cart, lines=(replace(cart.lines[0], quantity=0),)), [PaymentInput("cash", 1)]
        )
    assert "lines.0.quantity" in error.value.errors
    with pytest.raises(ValidationError):
        shop.sales.complete(
            replace(cart, discount=Discount("percent", 10001)), [PaymentInput("cash", 1)]
        )
    with pytest.raises(NotFound):
        shop.sales.complete(replace(cart, customer_id=uuid.uuid4()), [PaymentInput("cash", 1000)])


def test_a_serialized_phone_leaves_by_its_serial(shop: Services):
    phone = shop.items.create(ItemInput("iPhone 12 used", sell_price=30000, serialized=True))
    shop.stock.receive(phone.item.id, 1, 20000, serials=["356938035643809"])
    cart = _cart(shop, (phone.item.id, 1))
    wrong = replace(cart, lines=(replace(cart.lines[0], serial="111"),))
    with pytest.raises(ValidationError):
        shop.sales.complete(wrong, [PaymentInput("cash", 30000)])
    right = replace(cart, lines=(replace(cart.lines[0], serial="356938035643809"),))
    shop.sales.complete(right, [PaymentInput("cash", 30000)])
    assert shop.stock.on_hand(phone.item.id) == 0


def test_find_by_number_for_returns(shop: Services):
    item = _item(shop, "Cable", 1000)
    done = shop.sales.complete(_cart(shop, (item, 1)), [PaymentInput("cash", 1000)])
    assert shop.sales.find(" s-a-000001 ").id == done.document.id
    with pytest.raises(NotFound):
        shop.sales.find("S-A-999999")


def test_the_journal_names_an_entry_altered_behind_the_apps_back(shop: Services):
    item = _item(shop, "Cable", 1000)
    for _ in range(3):
        shop.sales.complete(_cart(shop, (item, 1)), [PaymentInput("cash", 1000)])
    connection = sqlite3.connect(shop.path)
    connection.execute(
        "UPDATE journal_entries SET payload = replace(payload, '1000', '10') WHERE seq = 2"
    )
    connection.commit()
    report = shop.journal.verify()
    assert not report.intact
    assert "Station A, entry 2 (sale) was altered" in report.summary()
    connection.execute("DELETE FROM journal_entries WHERE seq = 2")
    connection.execute("UPDATE sales_documents SET total = 1 WHERE number = 'S-A-000003'")
    connection.commit()
    connection.close()
    messages = [p.message for p in shop.journal.verify().problems]
    assert any("entry 2 was removed" in m for m in messages)
    assert any("S-A-000003: its total was changed" in m for m in messages)
    assert any("S-A-000002 has no journal entry" in m for m in messages)


def test_a_sale_in_the_ledger_references_the_document(shop: Services):
    item = _item(shop, "Cable", 1000)
    done = shop.sales.complete(_cart(shop, (item, 3)), [PaymentInput("cash", 3000)])
    with shop.ctx.uow() as tx:
        row = tx.session.execute(
            select(StockMovement.quantity, StockMovement.reference_id).where(
                StockMovement.kind == "sale"
            )
        ).one()
    assert tuple(row) == (-3, done.document.id)
