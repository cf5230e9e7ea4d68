"""The counter sale on a real database: scan, edit, discount, pay, change, return."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop.services.changes import Changes
from desktop.services.items import ItemInput
from desktop.services.pricing import Discount
from desktop.views.sales.page import SalesPage
from desktop.views.sales.payment import PaymentDialog
from desktop.views.sales.returns import ReturnDialog

CASE_EAN = "4006381333931"


def _page(qtbot, services, bus, tasks) -> SalesPage:
    page = SalesPage(services, bus, tasks)
    qtbot.addWidget(page)
    page.show()
    return page


def _stocked(services, name: str, price: int, code: str = "", units: int = 5):
    item = services.items.create(
        ItemInput(name, sell_price=price, cost_price=price // 4, barcodes=[code] if code else [])
    ).item
    services.stock.receive(item.id, units, price // 4)
    return item


def test_scans_add_lines_and_a_second_scan_adds_a_unit(qtbot, shop_services, bus, tasks):
    _stocked(shop_services, "Phone case", 1500, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    for _ in range(2):
        assert page.take_scan(shop_services.scans.resolve(CASE_EAN))
    assert page.model.rowCount() == 1
    assert page.model.cart.lines[0].quantity == 2
    assert page.total_label.text() == "$30.00"
    assert not page.take_scan(shop_services.scans.resolve("0000000000017"))


def test_cash_sale_shows_change_and_takes_stock(qtbot, shop_services, bus, tasks):
    case = _stocked(shop_services, "Phone case", 1500, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    page.take_scan(shop_services.scans.resolve(CASE_EAN))
    dialog = page.take_payment()
    assert isinstance(dialog, PaymentDialog)
    dialog.amount.setText("20")
    with qtbot.waitSignal(page.receipt_requested) as printed:
        assert dialog.add_tender()
        assert dialog.change_label.text() == "Change $5.00"
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    document, open_drawer, automatic = printed.args
    assert open_drawer and automatic
    document_id = document.id
    assert "S-A-000001" in page.last_sale_label.text()
    assert "Change $5.00" in page.last_sale_label.text()
    assert page.model.rowCount() == 0
    assert shop_services.stock.on_hand(case.id) == 4
    assert shop_services.sales.document(document_id).balance == 0


def test_split_payment_needs_the_reference_of_mobile_money(qtbot, shop_services, bus, tasks):
    _stocked(shop_services, "Screen", 9000, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    page.take_scan(shop_services.scans.resolve(CASE_EAN))
    dialog = page.take_payment()
    assert dialog is not None
    dialog.method.setCurrentIndex(dialog.method.findData("card"))
    dialog.amount.setText("50")
    assert dialog.add_tender()
    assert not dialog.confirm_button.isEnabled()
    dialog.method.setCurrentIndex(dialog.method.findData("bkash"))
    assert dialog.amount.text() == "$40.00"
    assert not dialog.add_tender()
    assert "reference" in dialog.errors.text()
    dialog.reference.setText("8HX77Q")
    assert dialog.add_tender()
    with qtbot.waitSignal(page.sale_completed) as done:
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    sale = done.args[0]
    assert [(p.method_name, p.amount, p.reference) for p in sale.payments] == [
        ("Card", 5000, ""),
        ("bKash", 4000, "8HX77Q"),
    ]


def test_quantity_price_and_discounts_retotal_live(qtbot, shop_services, bus, tasks):
    _stocked(shop_services, "Cable", 1000, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    page.take_scan(shop_services.scans.resolve(CASE_EAN))
    assert page.model.setData(page.model.index(0, 1), "3")
    assert not page.model.setData(page.model.index(0, 1), "0")
    assert not page.model.setData(page.model.index(0, 2), "-5")
    assert page.total_label.text() == "$30.00"
    assert page.model.setData(page.model.index(0, 2), "1.00")
    assert "below its cost ($2.50)" in page.errors.text()
    assert page.model.setData(page.model.index(0, 2), "10.00")
    page.model.update_cart(discount=Discount("percent", 10001))
    assert page.total_label.text() == "—"
    assert "100 %" in page.errors.text()
    assert not page.pay_button.isEnabled()


def test_a_scanned_receipt_opens_its_return(qtbot, shop_services, bus, tasks):
    case = _stocked(shop_services, "Phone case", 1500, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    page.take_scan(shop_services.scans.resolve(CASE_EAN))
    dialog = page.take_payment()
    assert dialog is not None
    with qtbot.waitSignal(page.sale_completed):
        dialog.confirm()
    with qtbot.waitSignal(page.return_requested) as asked:
        assert page.take_scan(shop_services.scans.resolve("S-A-000001"))
    original = shop_services.sales.find(asked.args[0])
    returns = ReturnDialog(shop_services, original)
    qtbot.addWidget(returns)
    ok = returns.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    returns.quantities[0].setValue(1)
    assert returns.credit_label.text() == "$15.00"
    returns.refund()
    assert "Say why" in returns.errors.text()
    returns.reason.setText("Wrong model")
    with qtbot.waitSignal(returns.refunded) as refunded:
        returns.refund()
    assert refunded.args[0].number == "CN-A-000001"
    assert shop_services.stock.on_hand(case.id) == 5


def test_cart_model_passes_the_model_tester(qtbot, qtmodeltester, shop_services, bus, tasks):
    _stocked(shop_services, "Cable", 1000, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    page.take_scan(shop_services.scans.resolve(CASE_EAN))
    page.model.update_cart(discount=Discount("percent", 1000))
    qtmodeltester.check(page.model)


def test_a_whole_sale_from_the_keyboard(qtbot, shop_services, bus, tasks):
    _stocked(shop_services, "Tempered glass", 1200, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page, Qt.Key.Key_F2)
    assert page.picker.search.hasFocus()
    qtbot.keyClicks(page.picker.search, "Tempered")
    page.picker.run_search()
    qtbot.keyClick(page.picker.search, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1
    qtbot.keyClick(page, Qt.Key.Key_F12)
    dialog = page.payment_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.amount.hasFocus)
    dialog.amount.setText("20")
    with qtbot.waitSignal(page.sale_completed):
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        if dialog.isVisible():
            qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert "Change $8.00" in page.last_sale_label.text()


def test_the_drawer_state_follows_the_shift_and_the_cash_taken(qtbot, shop_services, bus, tasks):
    _stocked(shop_services, "Cable", 1000, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    assert "Drawer closed" in page.drawer_label.text()
    shop_services.cash_shifts.open_shift(5000)
    bus.publish(Changes(shop=True))
    assert "should hold $50.00" in page.drawer_label.text()
    page.take_scan(shop_services.scans.resolve(CASE_EAN))
    dialog = page.take_payment()
    assert dialog is not None
    with qtbot.waitSignal(page.sale_completed):
        dialog.confirm()
    assert "should hold $60.00" in page.drawer_label.text()


def test_a_note_goes_on_the_sale_and_any_receipt_can_be_printed_again(
    qtbot, shop_services, bus, tasks
):
    _stocked(shop_services, "Cable", 1000, CASE_EAN)
    page = _page(qtbot, shop_services, bus, tasks)
    page.take_scan(shop_services.scans.resolve(CASE_EAN))
    qtbot.keyClicks(page.notes, "Gift wrap")
    dialog = page.take_payment()
    assert dialog is not None
    dialog.method.setCurrentIndex(dialog.method.findData("card"))
    dialog.amount.setText("10")
    assert dialog.add_tender()
    with qtbot.waitSignal(page.sale_completed) as done:
        dialog.confirm()
    assert done.args[0].notes == "Gift wrap"
    assert page.notes.text() == ""
    with qtbot.waitSignal(page.receipt_requested) as again:
        page.reprint_by_number("s-a-000001")
    assert again.args[0].number == "S-A-000001" and list(again.args[1:]) == [False, False]
    page.reprint_by_number("S-A-999999")
    assert "No sale or invoice" in page.errors.text()
    returns = ReturnDialog(shop_services, done.args[0])
    qtbot.addWidget(returns)
    assert returns.method.currentData() == "card"
