"""The invoices screen on a real database: the list and its filters, the editor from a
draft to an issued invoice, taking payment in parts, voiding and deleting."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from PySide6.QtCore import Qt
from sqlalchemy import update

from desktop.models import SalesDocument
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.invoice_lists import InvoiceStatus
from desktop.services.invoices import InvoiceDraft
from desktop.services.items import ItemInput
from desktop.services.sales_types import CartLine, PaymentInput
from desktop.views.invoices.editor import InvoiceEditor
from desktop.views.invoices.line_dialog import LineDialog
from desktop.views.invoices.page import InvoicesPage
from desktop.views.sales.payment import PaymentDialog


def _page(qtbot, services, bus, tasks) -> InvoicesPage:
    page = InvoicesPage(services, bus, tasks)
    qtbot.addWidget(page)
    page.show()
    return page


def _customer(services: Services, first: str = "Rita", last: str = "Sousa") -> uuid.UUID:
    return services.customers.create(
        CustomerInput(first_name=first, last_name=last, email=f"{first.lower()}@example.com")
    ).id


def _issued(services: Services, customer: uuid.UUID, amount: int = 10000) -> uuid.UUID:
    draft = services.invoices.create_draft(
        InvoiceDraft(customer, (CartLine("Board repair", 1, amount),))
    )
    return services.invoices.issue(draft.id).id


def _numbers(page: InvoicesPage) -> list[str]:
    return [page.model.index(row, 0).data() for row in range(page.model.rowCount())]


def test_the_list_shows_each_status_and_filters_by_it_and_by_text(
    qtbot, shop_services, bus, tasks, qtmodeltester
):
    rita, ahmed = _customer(shop_services), _customer(shop_services, "Ahmed", "Karim")
    unpaid = _issued(shop_services, rita)
    paid = _issued(shop_services, ahmed)
    shop_services.invoices.pay(paid, [PaymentInput("card", 10000)])
    late = _issued(shop_services, ahmed)
    with shop_services.ctx.uow() as tx:
        tx.session.execute(
            update(SalesDocument)
            .where(SalesDocument.id == late)
            .values(due_date=date.today() - timedelta(days=2))
        )
        tx.commit()
    shop_services.invoices.create_draft(InvoiceDraft(rita, (CartLine("Quote", 1, 500),)))
    page = _page(qtbot, shop_services, bus, tasks)
    qtmodeltester.check(page.model)
    assert _numbers(page) == ["(draft)", "INV-A-000003", "INV-A-000002", "INV-A-000001"]
    assert page.count_label.text() == "4 invoice(s)"
    statuses = [page.model.index(row, 7).data() for row in range(4)]
    assert statuses == ["Draft", "Overdue", "Paid", "Issued"]
    assert page.model.index(2, 6).data() == "$0.00"
    assert page.model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    page.status.setCurrentIndex(page.status.findData(InvoiceStatus.OVERDUE))
    assert _numbers(page) == ["INV-A-000003"]
    page.status.setCurrentIndex(0)
    page.search.setText("karim")
    page.reload()
    assert _numbers(page) == ["INV-A-000003", "INV-A-000002"]
    page.search.setText("INV-A-000001")
    page.reload()
    assert _numbers(page) == ["INV-A-000001"]
    page.table.selectRow(0)
    assert page.current_id == unpaid
    assert page.detail.title.text() == "Invoice INV-A-000001"
    assert page.detail.value("balance") == "$100.00"
    assert page.detail.pay_button.isVisible() and not page.detail.edit_button.isVisible()


def test_the_editor_makes_a_draft_then_issues_it(qtbot, shop_services, bus, tasks):
    customer = _customer(shop_services)
    battery = shop_services.items.create(ItemInput("Battery", sell_price=4000)).item
    shop_services.stock.receive(battery.id, 5, 1000)
    page = _page(qtbot, shop_services, bus, tasks)
    editor = page.new_invoice()
    assert isinstance(editor, InvoiceEditor)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Choose the customer" in editor.errors.message("customer")
    editor.set_customer(customer, "Rita Sousa")
    editor._on_picker_item_chosen(shop_services.items.get(battery.id))
    dialog = editor.add_line()
    assert isinstance(dialog, LineDialog)
    dialog.description.setText("Diagnosis")
    dialog.price.setText("25")
    dialog.take()
    assert not dialog.isVisible()
    assert editor.model.rowCount() == 2
    assert editor.total_label.text() == "$65.00"
    editor.discount.setText("10%")
    editor._on_discount_editing_finished()
    assert editor.total_label.text() == "$58.50"
    saved = editor.save()
    assert saved is not None and saved.status == "draft"
    assert _numbers(page) == ["(draft)"]
    with qtbot.waitSignal(editor.invoice_issued) as issued:
        qtbot.mouseClick(editor.issue_button, Qt.MouseButton.LeftButton)
    view = issued.args[0]
    assert (view.number, view.total) == ("INV-A-000001", 5850)
    assert shop_services.stock.on_hand(battery.id) == 4
    assert _numbers(page) == ["INV-A-000001"]
    assert page.detail.title.text() == "Invoice INV-A-000001"


def test_a_line_typed_wrong_is_refused_at_its_field(qtbot, shop_services, bus, tasks):
    editor = InvoiceEditor(shop_services, bus, tasks)
    qtbot.addWidget(editor)
    dialog = editor.add_line()
    dialog.price.setText("twelve")
    dialog.discount.setText("lots")
    dialog.take()
    assert dialog.line is None
    assert all(dialog.errors.message(f) for f in ("description", "price", "discount"))


def test_payment_in_two_parts_then_the_invoice_is_paid(qtbot, shop_services, bus, tasks):
    invoice = _issued(shop_services, _customer(shop_services))
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_invoice(invoice)
    dialog = page.take_payment()
    assert isinstance(dialog, PaymentDialog)
    assert dialog.confirm_button.isEnabled()
    dialog.method.setCurrentIndex(dialog.method.findData("card"))
    dialog.amount.setText("30")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.detail.value("balance") == "$70.00"
    assert page.model.index(0, 7).data() == "Partially paid"
    cash = page.take_payment()
    assert cash is not None and cash.due == 7000
    cash.method.setCurrentIndex(cash.method.findData("cash"))
    cash.amount.setText("100")
    qtbot.mouseClick(cash.confirm_button, Qt.MouseButton.LeftButton)
    assert page.detail.value("balance") == "$0.00"
    assert "Give back $30.00 in change." in page.notice.text()
    assert page.model.index(0, 7).data() == "Paid"
    assert not page.detail.pay_button.isEnabled()
    assert not page.detail.void_button.isEnabled()
    assert "credit note" in page.detail.void_button.toolTip()


def test_void_and_delete_from_the_pane(qtbot, shop_services, bus, tasks):
    customer = _customer(shop_services)
    invoice = _issued(shop_services, customer)
    draft = shop_services.invoices.create_draft(InvoiceDraft(customer, (CartLine("Q", 1, 1),)))
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_invoice(invoice)
    assert page.void_invoice("  ") is None
    assert "Say why" in page.notice.text()
    voided = page.void_invoice("Duplicate of INV-A-000002")
    assert voided is not None and voided.status == "void"
    assert page.detail.status.text() == "Void: Duplicate of INV-A-000002"
    assert not page.detail.pay_button.isVisible()
    page.open_invoice(draft.id)
    assert page.detail.edit_button.isVisible()
    page.delete_draft(confirm=False)
    assert page.detail.invoice is None
    assert _numbers(page) == ["INV-A-000001"]


def test_a_held_sale_opens_as_a_draft_invoice(qtbot, shop_services, bus, tasks):
    from dataclasses import replace

    customer = _customer(shop_services)
    cart = replace(
        shop_services.sales.new_cart(),
        lines=(CartLine("Screen protector", 2, 1500),),
        customer_id=customer,
    )
    shop_services.sales.hold(cart, "Fleet")
    page = _page(qtbot, shop_services, bus, tasks)
    editor = page.invoice_held_sale(cart.id)
    assert isinstance(editor, InvoiceEditor)
    assert editor.customer_label.text() == "Rita Sousa"
    assert editor.total_label.text() == "$30.00"
    assert _numbers(page) == ["(draft)"]
    assert shop_services.sales.held() == []


def test_in_the_main_window_an_invoice_previews_and_a_customer_opens_their_invoice(
    qtbot, shop_services, bus, tasks, gui_paths
):
    from desktop.views.main_window import MainWindow

    customer = _customer(shop_services)
    invoice = _issued(shop_services, customer)
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("invoices")
    assert isinstance(page, InvoicesPage)
    page.open_invoice(invoice)
    qtbot.mouseClick(page.detail.preview_button, Qt.MouseButton.LeftButton)
    preview = window.document_printer.last_preview
    assert preview is not None and preview.windowTitle() == "Invoice"
    assert preview.page_count() == 1
    preview.close()
    page.current_id = None
    customers = window.show_page("customers")
    customers.open_customer(customer)
    customers.detail.account.history.cellDoubleClicked.emit(0, 0)
    assert window.current_page_name() == "invoices"
    assert page.current_id == invoice
