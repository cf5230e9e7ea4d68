"""The ticket window's Payments tab over a real database: deposits, paying one back, and
the checkout that bills the ticket, applies its deposits and closes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.items import ItemInput
from desktop.services.sales_types import PaymentInput
from desktop.services.ticket_parts import PartInput
from desktop.services.ticket_work import LabourInput
from desktop.services.tickets import TicketDetail, TicketInput
from desktop.views.sales.payment import PaymentDialog
from desktop.views.tickets.checkout import CheckoutDialog
from desktop.views.tickets.deposit import DepositDialog, RefundDepositDialog
from desktop.views.tickets.detail import TicketWindow


@pytest.fixture
def ticket(shop_services: Services) -> TicketDetail:
    customer = shop_services.customers.create(CustomerInput(first_name="Omar", last_name="Haddad"))
    return shop_services.tickets.create(
        TicketInput(customer.id, problem="Keyboard dead", estimate_labour=5000)
    )


def _window(services: Services, bus, tasks, qtbot, ticket: TicketDetail) -> TicketWindow:
    window = TicketWindow(services, bus, tasks, ticket.id)
    qtbot.addWidget(window)
    window.tabs.setCurrentWidget(window.payments_tab)
    return window


def test_take_a_deposit_and_see_it_in_the_header_and_the_tab(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    tab = window.payments_tab
    assert window.due.text() == "Estimate $50.00"
    dialog = tab.take_deposit()
    assert isinstance(dialog, DepositDialog)
    dialog.fields.amount.setText("twenty")
    assert not dialog.take()
    assert dialog.errors.message("deposit_amount") == "Enter an amount like $25.00."
    dialog.fields.amount.setText("20")
    dialog.fields.method.setCurrentIndex(dialog.fields.method.findData("bkash"))
    assert not dialog.take()
    assert "reference" in dialog.errors.message("deposit_reference")
    dialog.fields.reference.setText("TX-4471")
    with qtbot.waitSignal(bus.data_changed) as published:
        assert dialog.take()
    assert ticket.id in published.args[0].tickets
    assert window.due.text() == "Due $30.00 of the estimate\nDeposit paid $20.00"
    assert tab.deposits_table.rowCount() == 1
    assert tab.deposits_table.item(0, 1).text() == "bKash"
    assert tab.deposits_table.item(0, 2).text() == "$20.00"
    assert "Deposits paid: $20.00" in tab.summary.text()
    assert tab.refund_button.isEnabled() and tab.checkout_button.isEnabled()


def test_pay_back_a_deposit_of_a_cancelled_repair(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    shop_services.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 3000)])
    cancelled = next(s for s in shop_services.tickets.statuses() if s.category == "cancelled")
    shop_services.tickets.change_status(ticket.id, cancelled.id)
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    tab = window.payments_tab
    assert not tab.deposit_button.isEnabled()
    dialog = tab.refund_deposit()
    assert isinstance(dialog, RefundDepositDialog)
    assert dialog.amount.text() == "$30.00"
    assert not dialog.refund()
    assert dialog.errors.message("reason") == "This field is required."
    dialog.reason.setText("Repair cancelled")
    with qtbot.waitSignal(bus.data_changed):
        assert dialog.refund()
    assert [tab.deposits_table.item(row, 2).text() for row in range(2)] == ["$30.00", "-$30.00"]
    assert not tab.refund_button.isEnabled()
    assert shop_services.tickets.get(ticket.id).amount_due == 0


def test_check_out_applies_the_deposit_gives_change_and_closes_the_ticket(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    battery = shop_services.items.create(ItemInput("Laptop battery", sell_price=4500)).item
    shop_services.stock.receive(battery.id, 2, 2000)
    shop_services.ticket_parts.add(ticket.id, PartInput(battery.id))
    shop_services.ticket_work.add_labour(ticket.id, LabourInput("Fit battery", flat_amount=3500))
    shop_services.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 3000)])
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    assert window.due.text() == "Due $50.00\nDeposit paid $30.00"
    checkout = window.payments_tab.check_out()
    assert isinstance(checkout, CheckoutDialog)
    assert checkout.lines.rowCount() == 2
    assert checkout.lines.item(1, 0).text() == "Laptop battery"
    assert (checkout.total_label.text(), checkout.deposit_label.text()) == ("$80.00", "-$30.00")
    assert checkout.due_label.text() == "$50.00"
    payment = checkout.take_payment()
    assert isinstance(payment, PaymentDialog)
    assert payment.due_label.text() == "Due $50.00"
    payment.method.setCurrentIndex(payment.method.findData("cash"))
    payment.amount.setText("60")
    assert payment.add_tender()
    with (
        qtbot.waitSignal(checkout.receipt_requested) as receipt,
        qtbot.waitSignal(bus.data_changed),
    ):
        qtbot.mouseClick(payment.confirm_button, Qt.MouseButton.LeftButton)
    document, open_drawer, automatic = receipt.args
    assert open_drawer and automatic
    document_id = document.id
    assert checkout.result_label.text() == "S-A-000001 completed. Change $10.00"
    assert not checkout.pay_button.isVisibleTo(checkout)
    sale = shop_services.sales.document(document_id)
    assert [(p.method_name, p.amount) for p in sale.payments] == [
        ("Cash", 5000),
        ("Deposit on T-A-10001", 3000),
    ]
    assert window.due.text() == "Paid (S-A-000001)"
    assert window.status.currentText() == "Closed"
    tab = window.payments_tab
    assert tab.document_table.rowCount() == 2
    assert tab.document_heading.text() == "Sale S-A-000001: total $80.00, paid $80.00"
    assert not tab.checkout_button.isEnabled() and not tab.deposit_button.isEnabled()
    assert shop_services.stock.on_hand(battery.id) == 1  # taken once, when it was fitted
    assert tab.check_out() is None
    assert "already checked out on S-A-000001" in tab.errors.text()


def test_a_bill_the_deposit_covers_completes_without_a_payment(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    shop_services.ticket_payments.take_deposit(ticket.id, [PaymentInput("card", 6000)])
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    assert window.due.text() == "Owed to the customer $10.00\nDeposit paid $60.00"
    checkout = window.payments_tab.check_out()
    assert checkout is not None
    assert checkout.pay_button.text() == "Complete checkout"
    assert checkout.left_label.isVisibleTo(checkout)
    assert "$10.00 more than the bill" in checkout.left_label.text()
    with qtbot.waitSignal(checkout.checked_out) as done:
        qtbot.mouseClick(checkout.pay_button, Qt.MouseButton.LeftButton)
    assert done.args[0].document.balance == 0
    assert window.due.text() == "Owed to the customer $10.00"
    assert "Deposit left to pay back: $10.00" in window.payments_tab.summary.text()
    assert window.payments_tab.refund_button.isEnabled()


def test_a_ticket_that_charges_nothing_says_so(shop_services: Services, bus, tasks, qtbot) -> None:
    customer = shop_services.customers.create(CustomerInput(last_name="Free"))
    ticket = shop_services.tickets.create(TicketInput(customer.id, problem="Look at it"))
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    assert window.payments_tab.check_out() is None
    assert "charges nothing" in window.payments_tab.errors.text()


def test_a_ticket_left_on_account_shows_the_invoice_balance(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    cart = shop_services.ticket_payments.checkout_cart(ticket.id)
    shop_services.sales.complete(
        cart, [PaymentInput("card", 2000), PaymentInput("on_account", 3000)]
    )
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    assert window.due.text() == "Due $30.00 on INV-A-000001"
    assert window.status.currentText() == "Completed"
    tab = window.payments_tab
    assert tab.document_heading.text() == "Invoice INV-A-000001: total $50.00, paid $20.00"
    assert "Due: $30.00" in tab.summary.text()
