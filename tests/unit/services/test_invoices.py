from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import select, update

from desktop.models import JournalEntry, SalesDocument, ShopProfile, StockMovement
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.invoice_lists import InvoiceFilter, InvoiceStatus
from desktop.services.invoices import InvoiceDraft
from desktop.services.items import ItemInput
from desktop.services.message_sender import MessageSender
from desktop.services.permissions import Permission
from desktop.services.pricing import Discount
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import CartLine, PaymentInput
from tests.messaging_servers import SmsGateway, SmtpServer, local_config
from tests.unit.conftest import OWNER_PASSWORD, STAFF_PASSWORD, add_staff, sign_in_as


def _set_profile(shop: Services, **values: object) -> None:
    with shop.ctx.uow() as tx:
        tx.session.execute(update(ShopProfile).values(**values))
        tx.commit()


def _item(shop: Services, name: str, price: int, stock: int = 5, cost: int = 0) -> uuid.UUID:
    item = shop.items.create(ItemInput(name, cost_price=cost, sell_price=price)).item
    if stock:
        shop.stock.receive(item.id, stock, cost)
    return item.id


def _customer(shop: Services, first: str = "Rita", last: str = "Sousa", **kw) -> uuid.UUID:
    return shop.customers.create(CustomerInput(first_name=first, last_name=last, **kw)).id


def _line(shop: Services, item_id: uuid.UUID, quantity: int = 1) -> CartLine:
    return shop.sales.line_for_item(item_id, quantity)


def _labour(amount: int, description: str = "Diagnosis and repair") -> CartLine:
    return CartLine(description, 1, amount)


def _issued(shop: Services, customer: uuid.UUID, *lines: CartLine, **kw) -> uuid.UUID:
    draft = shop.invoices.create_draft(InvoiceDraft(customer, lines or (_labour(10000),), **kw))
    return shop.invoices.issue(draft.id).id


def _make_overdue(shop: Services, invoice_id: uuid.UUID, days: int = 3) -> None:
    with shop.ctx.uow() as tx:
        tx.session.execute(
            update(SalesDocument)
            .where(SalesDocument.id == invoice_id)
            .values(due_date=date.today() - timedelta(days=days))
        )
        tx.commit()


def test_a_draft_is_edited_freely_and_leaves_no_financial_trace(shop: Services):
    customer = _customer(shop)
    case = _item(shop, "Phone case", 1500)
    draft = shop.invoices.create_draft(
        InvoiceDraft(customer, (_line(shop, case, 2), _labour(4000)), notes="Fleet of 2")
    )
    assert (draft.number, draft.status, draft.total) == ("", "draft", 7000)
    edited = shop.invoices.update_draft(
        draft.id,
        InvoiceDraft(
            customer,
            (_labour(4000, "Screen repair"), _line(shop, case, 1), _labour(500, "Cleaning")),
            notes="Only one case after all",
            discount=Discount("amount", 1000),
        ),
    )
    assert [line.description for line in edited.lines] == [
        "Screen repair",
        "Phone case",
        "Cleaning",
    ]
    assert (edited.total, edited.discount_total, edited.notes) == (
        5000,
        1000,
        "Only one case after all",
    )
    held = shop.invoices.draft(draft.id)
    assert held.discount == Discount("amount", 1000) and held.due_date is None
    shop.invoices.delete_draft(draft.id)
    with pytest.raises(NotFound):
        shop.invoices.document(draft.id)
    assert shop.stock.on_hand(case) == 5
    with shop.ctx.uow() as tx:
        assert tx.session.scalars(select(JournalEntry)).all() == []


def test_a_draft_reports_every_problem_at_once(shop: Services):
    with pytest.raises(ValidationError) as refused:
        shop.invoices.create_draft(
            InvoiceDraft(
                None,
                (CartLine("   ", 1, 100), CartLine("Cable", 1, 10**12)),
                notes="x" * 5000,
                due_date=date.today() - timedelta(days=1),
            )
        )
    assert set(refused.value.errors) == {
        "customer",
        "lines.0.description",
        "lines.1.unit_price",
        "notes",
        "due_date",
    }
    with pytest.raises(ValidationError) as refused:
        shop.invoices.create_draft(InvoiceDraft(_customer(shop), ()))
    assert refused.value.errors == {"lines": "Add at least one item to the invoice."}
    with pytest.raises(NotFound):
        shop.invoices.create_draft(InvoiceDraft(uuid.uuid4(), (_labour(100),)))
    with shop.ctx.uow() as tx:
        assert tx.session.scalars(select(SalesDocument)).all() == []


def test_issuing_numbers_it_with_the_shops_prefix_takes_stock_and_journals(shop: Services):
    _set_profile(shop, invoice_prefix="FAC", payment_terms_days=30)
    customer = _customer(shop)
    battery = _item(shop, "Battery", 4000)
    first = shop.invoices.create_draft(InvoiceDraft(customer, (_line(shop, battery, 2),)))
    second = shop.invoices.create_draft(
        InvoiceDraft(customer, (_labour(2500),), due_date=date.today() + timedelta(days=3))
    )
    issued = shop.invoices.issue(first.id)
    assert issued.number == "FAC-A-000001" and issued.status == "issued"
    assert issued.due_date == date.today() + timedelta(days=30)
    assert issued.issued_at is not None
    assert shop.invoices.issue(second.id).due_date == date.today() + timedelta(days=3)
    assert shop.stock.on_hand(battery) == 3
    with shop.ctx.uow() as tx:
        reference = tx.session.execute(
            select(StockMovement.reference_kind, StockMovement.reference_id).where(
                StockMovement.kind == "sale"
            )
        ).one()
    assert tuple(reference) == ("invoice", issued.id)
    assert shop.journal.verify().intact
    assert [e.entity_id for e in shop.audit.recent(action="invoice_issued")] == [
        "FAC-A-000002",
        "FAC-A-000001",
    ]


def test_an_issued_invoice_cannot_change(shop: Services):
    customer = _customer(shop)
    invoice = _issued(shop, customer)
    for attempt in (
        lambda: shop.invoices.update_draft(invoice, InvoiceDraft(customer, (_labour(1),))),
        lambda: shop.invoices.delete_draft(invoice),
        lambda: shop.invoices.issue(invoice),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "cannot change" in refused.value.errors["invoice"]
    assert shop.invoices.document(invoice).total == 10000


def test_the_journal_names_an_issued_invoice_edited_behind_the_apps_back(shop: Services):
    invoice = _issued(shop, _customer(shop))
    with shop.ctx.uow() as tx:
        tx.session.execute(update(SalesDocument).where(SalesDocument.id == invoice).values(total=1))
        tx.commit()
    assert "INV-A-000001: its total was changed" in shop.journal.verify().summary()


def test_a_discount_beyond_the_role_needs_a_manager_to_issue(shop: Services):
    add_staff(shop, "desk", "front_desk")
    add_staff(shop, "boss", "manager")
    customer = _customer(shop)
    sign_in_as(shop, "desk")
    draft = shop.invoices.create_draft(
        InvoiceDraft(customer, (_labour(10000),), discount=Discount("percent", 5000))
    )
    with pytest.raises(ApprovalRequired):
        shop.invoices.issue(draft.id)
    manager = shop.accounts.authorize("boss", STAFF_PASSWORD, Permission.APPROVE_SALES)
    assert shop.invoices.issue(draft.id, approved_by=manager).total == 5000


def test_part_payments_until_paid(shop: Services):
    customer = _customer(shop)
    invoice = _issued(shop, customer)
    first = shop.invoices.pay(invoice, [PaymentInput("card", 3000)])
    assert first.document.balance == 7000 and not first.open_drawer
    assert [r.id for r in shop.invoices.page(InvoiceFilter(InvoiceStatus.PARTIAL))] == [invoice]
    with pytest.raises(ValidationError) as refused:
        shop.invoices.pay(invoice, [PaymentInput("card", 8000)])
    assert "cannot pay more" in refused.value.errors["payments.0.amount"]
    done = shop.invoices.pay(invoice, [PaymentInput("cash", 7000, tendered=10000)])
    assert (done.document.balance, done.change, done.open_drawer) == (0, 3000, True)
    assert [p.amount for p in done.document.payments] == [3000, 7000]
    assert [r.status for r in shop.invoices.page()] == [InvoiceStatus.PAID]
    with pytest.raises(ValidationError) as refused:
        shop.invoices.pay(invoice, [PaymentInput("cash", 100)])
    assert refused.value.errors == {"payments": "Invoice INV-A-000001 is already paid."}
    with pytest.raises(ValidationError):
        shop.invoices.pay(invoice, [])
    assert _journal(shop) == ["invoice", "payment", "payment"]
    assert shop.journal.verify().intact


def _journal(shop: Services) -> list[str]:
    """The kinds of the journal's entries, oldest first."""
    with shop.ctx.uow() as tx:
        return list(tx.session.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)))


def test_the_last_cash_payment_rounds_to_the_smallest_coin(shop: Services):
    _set_profile(shop, cash_rounding=5)
    invoice = _issued(shop, _customer(shop), _labour(1233))
    part = shop.invoices.pay(invoice, [PaymentInput("cash", 1002)])
    assert (part.document.rounding, part.document.balance) == (0, 231)
    rest = shop.invoices.pay(invoice, [PaymentInput("cash", 230)])
    assert (rest.document.rounding, rest.document.balance) == (-1, 0)
    assert shop.journal.verify().intact


def test_a_draft_or_void_invoice_cannot_be_paid(shop: Services):
    customer = _customer(shop)
    draft = shop.invoices.create_draft(InvoiceDraft(customer, (_labour(500),)))
    with pytest.raises(ValidationError) as refused:
        shop.invoices.pay(draft.id, [PaymentInput("cash", 500)])
    assert "Issue the invoice" in refused.value.errors["invoice"]
    invoice = _issued(shop, customer)
    shop.invoices.void(invoice, "Typed for the wrong customer")
    with pytest.raises(ValidationError) as refused:
        shop.invoices.pay(invoice, [PaymentInput("cash", 500)])
    assert refused.value.errors == {"invoice": "This invoice is void; it cannot be paid."}


def test_a_sale_left_on_account_is_paid_like_an_invoice(shop: Services):
    customer = _customer(shop)
    cable = _item(shop, "Cable", 4000)
    cart = replace(shop.sales.new_cart(), lines=(_line(shop, cable),), customer_id=customer)
    sold = shop.sales.complete(cart, [PaymentInput("cash", 1000), PaymentInput("on_account", 3000)])
    assert shop.invoices.customer_account(customer).owed == 3000
    with pytest.raises(ValidationError) as refused:
        shop.invoices.pay(sold.document.id, [PaymentInput("on_account", 3000)])
    assert "cannot be put on account" in refused.value.errors["payments.0.method"]
    paid = shop.invoices.pay(sold.document.id, [PaymentInput("card", 3000)])
    assert paid.document.balance == 0
    assert shop.invoices.customer_account(customer).owed == 0


def test_voiding_needs_a_reason_no_payments_and_returns_the_stock(shop: Services):
    add_staff(shop, "desk", "front_desk")
    customer = _customer(shop)
    screen = _item(shop, "Screen", 9000)
    invoice = _issued(shop, customer, _line(shop, screen, 2))
    paid = _issued(shop, customer, _labour(1000))
    shop.invoices.pay(paid, [PaymentInput("card", 500)])
    draft = shop.invoices.create_draft(InvoiceDraft(customer, (_labour(100),)))
    assert shop.stock.on_hand(screen) == 3
    with pytest.raises(ValidationError) as refused:
        shop.invoices.void(invoice, "  ")
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(ValidationError) as refused:
        shop.invoices.void(paid, "Wrong price")
    assert "Refund the payments with a credit note first" in refused.value.errors["invoice"]
    with pytest.raises(ValidationError) as refused:
        shop.invoices.void(draft.id, "Not needed")
    assert "delete it" in refused.value.errors["invoice"]
    sign_in_as(shop, "desk")
    with pytest.raises(PermissionDenied):
        shop.invoices.void(invoice, "Customer cancelled")
    shop.accounts.logout()
    shop.accounts.login("owner", OWNER_PASSWORD)
    voided = shop.invoices.void(invoice, "Customer cancelled")
    assert (voided.status, voided.void_reason, voided.balance) == (
        "void",
        "Customer cancelled",
        0,
    )
    assert shop.stock.on_hand(screen) == 5
    with shop.ctx.uow() as tx:
        back = tx.session.execute(
            select(StockMovement.quantity, StockMovement.reference_id).where(
                StockMovement.kind == "return"
            )
        ).one()
    assert tuple(back) == (2, invoice)
    with pytest.raises(ValidationError):
        shop.invoices.void(invoice, "Again")
    assert shop.journal.verify().intact
    assert shop.audit.recent(action="invoice_voided")[0].details["reason"] == ("Customer cancelled")


def test_overdue_is_an_issued_invoice_with_a_balance_past_its_due_date(shop: Services):
    customer = _customer(shop)
    late = _issued(shop, customer)
    late_but_paid = _issued(shop, customer)
    shop.invoices.pay(late_but_paid, [PaymentInput("card", 10000)])
    on_time = _issued(shop, customer)
    for invoice in (late, late_but_paid):
        _make_overdue(shop, invoice)
    overdue = shop.invoices.page(InvoiceFilter(InvoiceStatus.OVERDUE))
    assert [r.id for r in overdue] == [late]
    assert shop.invoices.count(InvoiceFilter(InvoiceStatus.OVERDUE)) == 1
    statuses = {r.id: r.status for r in shop.invoices.page()}
    assert statuses == {
        late: InvoiceStatus.OVERDUE,
        late_but_paid: InvoiceStatus.PAID,
        on_time: InvoiceStatus.ISSUED,
    }


def test_the_list_filters_by_status_customer_text_and_dates_in_keyset_pages(shop: Services):
    rita = _customer(shop, "Rita", "Sousa")
    ahmed = _customer(shop, "Ahmed", "Karim", company="Karim Logistics")
    invoices = [_issued(shop, rita if n % 2 else ahmed) for n in range(5)]
    shop.invoices.pay(invoices[0], [PaymentInput("card", 10000)])
    shop.invoices.void(invoices[1], "Duplicate")
    draft = shop.invoices.create_draft(InvoiceDraft(rita, (_labour(100),)))
    newest_first = [draft.id, *reversed(invoices)]
    assert [r.id for r in shop.invoices.page()] == newest_first
    assert shop.invoices.count() == 6
    pages = [shop.invoices.page(limit=4)]
    last = pages[0][-1].summary
    pages.append(shop.invoices.page(after=(last.issued_at, last.id), limit=4))
    assert [r.id for page in pages for r in page] == newest_first
    first_two = shop.invoices.page(limit=1)
    assert shop.invoices.page(after=(None, first_two[0].id), limit=2)[0].id == invoices[4]
    by_status = {
        status: [r.id for r in shop.invoices.page(InvoiceFilter(status))]
        for status in InvoiceStatus
    }
    assert by_status[InvoiceStatus.DRAFT] == [draft.id]
    assert by_status[InvoiceStatus.PAID] == [invoices[0]]
    assert by_status[InvoiceStatus.VOID] == [invoices[1]]
    assert by_status[InvoiceStatus.ISSUED] == [invoices[4], invoices[3], invoices[2]]
    assert by_status[InvoiceStatus.PARTIAL] == []
    for status, rows in by_status.items():
        assert shop.invoices.count(InvoiceFilter(status)) == len(rows)
    assert {r.id for r in shop.invoices.page(InvoiceFilter(customer_id=rita))} == {
        invoices[1],
        invoices[3],
        draft.id,
    }
    assert [r.id for r in shop.invoices.page(InvoiceFilter(text="inv-a-000003"))] == [invoices[2]]
    logistics = shop.invoices.page(InvoiceFilter(text="logist"))
    assert [r.summary.customer_name for r in logistics] == ["Ahmed Karim"] * 3
    assert shop.invoices.count(InvoiceFilter(text="logist")) == 3
    assert shop.invoices.page(InvoiceFilter(text="x" * 100_000)) == []
    today = date.today()
    assert shop.invoices.count(InvoiceFilter(issued_from=today, issued_to=today)) == 6
    assert shop.invoices.count(InvoiceFilter(issued_to=today - timedelta(days=1))) == 0
    with pytest.raises(ValidationError):
        shop.invoices.page(InvoiceFilter(issued_from=today, issued_to=today - timedelta(days=1)))


def test_a_held_sale_becomes_a_draft_invoice(shop: Services):
    glass = _item(shop, "Glass protector", 1500)
    cart = replace(shop.sales.new_cart(), lines=(_line(shop, glass, 3),), notes="For the van")
    shop.sales.hold(cart, "Fleet order")
    with pytest.raises(ValidationError) as refused:
        shop.invoices.from_held_sale(cart.id)
    assert set(refused.value.errors) == {"customer"}
    assert [h.id for h in shop.sales.held()] == [cart.id]
    customer = _customer(shop)
    draft = shop.invoices.from_held_sale(cart.id, customer)
    assert (draft.kind.value, draft.status, draft.notes, draft.hold_label) == (
        "invoice",
        "draft",
        "For the van",
        "",
    )
    assert [(line.description, line.quantity) for line in draft.lines] == [("Glass protector", 3)]
    assert shop.sales.held() == []
    with pytest.raises(ValidationError):
        shop.invoices.from_held_sale(cart.id, customer)
    assert shop.invoices.issue(draft.id).number == "INV-A-000001"
    assert shop.stock.on_hand(glass) == 2


def test_a_customers_account_owes_the_balances_of_their_issued_invoices(shop: Services):
    customer = _customer(shop)
    other = _customer(shop, "Ahmed", "Karim")
    unpaid = _issued(shop, customer)
    part = _issued(shop, customer, _labour(5000))
    shop.invoices.pay(part, [PaymentInput("card", 2000)])
    shop.invoices.void(_issued(shop, customer), "Duplicate")
    shop.invoices.create_draft(InvoiceDraft(customer, (_labour(99999),)))
    _issued(shop, other)
    counter = replace(shop.sales.new_cart(), lines=(_labour(700, "Cable"),), customer_id=customer)
    shop.sales.complete(counter, [PaymentInput("card", 1000, overpayment="credit")])
    account = shop.invoices.customer_account(customer)
    assert (account.name, account.owed, account.store_credit) == ("Rita Sousa", 13000, 300)
    assert [r.summary.kind.value for r in account.history] == [
        "invoice",
        "sale",
        "invoice",
        "invoice",
        "invoice",
    ]
    assert [r.status for r in account.history] == [
        InvoiceStatus.DRAFT,
        InvoiceStatus.PAID,
        InvoiceStatus.VOID,
        InvoiceStatus.PARTIAL,
        InvoiceStatus.ISSUED,
    ]
    assert account.history[-1].id == unpaid
    with pytest.raises(NotFound):
        shop.invoices.customer_account(uuid.uuid4())


def test_store_credit_by_hand_is_for_managers_audited_and_journaled(shop: Services):
    add_staff(shop, "desk", "front_desk")
    customer = _customer(shop)
    with pytest.raises(ValidationError) as refused:
        shop.invoices.issue_store_credit(customer, -500, "")
    assert set(refused.value.errors) == {"amount", "reason"}
    with pytest.raises(ValidationError):
        shop.invoices.issue_store_credit(customer, 10**13, "Typo")
    with pytest.raises(NotFound):
        shop.invoices.issue_store_credit(uuid.uuid4(), 500, "Goodwill")
    assert shop.invoices.issue_store_credit(customer, 2500, "Late repair, goodwill") == 2500
    assert shop.invoices.customer_account(customer).store_credit == 2500
    entry = shop.audit.recent(action="store_credit_issued")[0]
    assert entry.details == {"amount": 2500, "reason": "Late repair, goodwill"}
    assert _journal(shop) == ["store_credit"]
    sign_in_as(shop, "desk")
    with pytest.raises(PermissionDenied):
        shop.invoices.issue_store_credit(customer, 100, "Because")
    # ... but anyone may let the customer spend it.
    invoice = _issued(shop, customer, _labour(2000))
    paid = shop.invoices.pay(invoice, [PaymentInput("store_credit", 2000)])
    assert paid.document.balance == 0
    assert shop.invoices.customer_account(customer).store_credit == 500


def test_an_invoice_is_emailed_as_a_pdf_and_its_delivery_shows_on_it(
    shop: Services, smtp: SmtpServer, gateway: SmsGateway
):
    shop.messages.save_settings(local_config(smtp, gateway))
    customer = _customer(shop, email="rita@example.com")
    invoice = _issued(shop, customer)
    shop.invoices.pay(invoice, [PaymentInput("card", 2500)])
    draft = shop.invoices.create_draft(InvoiceDraft(customer, (_labour(100),)))
    with pytest.raises(ValidationError) as refused:
        shop.invoices.email(draft.id)
    assert "Issue the invoice" in refused.value.errors["invoice"]
    assert shop.invoices.email(invoice) == "rita@example.com"
    assert [m.status for m in shop.messages.for_subject("invoice", invoice)] == ["queued"]
    shop.invoices.email(invoice, to="refused@example.com")
    MessageSender(shop.ctx).send_due()
    [received] = smtp.inbox
    assert received.rcpt_tos == ["rita@example.com"]
    assert received.message["Subject"] == "Invoice INV-A-000001 from Fix-It Corner"
    body = received.message.get_body().get_content()
    assert "Dear Rita Sousa" in body and "$75.00 still to pay" in body
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_filename() == "INV-A-000001.pdf"
    assert "INV-A-000001" in _barcodes(attachment.get_content())
    sent, failed = shop.messages.for_subject("invoice", invoice)
    assert sent.status == "sent"
    assert failed.status == "failed" and not failed.will_retry
    assert "refused the address refused@example.com" in failed.last_error
    silent = _customer(shop, "Ahmed", "Karim")
    with pytest.raises(ValidationError) as refused:
        shop.invoices.email(_issued(shop, silent))
    assert set(refused.value.errors) == {"to"}
    with pytest.raises(ValidationError) as refused:
        shop.invoices.email(invoice, to="not an address")
    assert set(refused.value.errors) == {"to"}


def _barcodes(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        picture = document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(picture)]
