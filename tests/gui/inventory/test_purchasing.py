"""The purchase orders tab, its editor, reorder suggestions and receiving, on a real
database; scans arrive as key events through the real scanner detector."""

from __future__ import annotations

import random
import uuid
from datetime import date

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop.services.container import Services
from desktop.services.items import ItemInput
from desktop.services.purchasing import LineInput, OrderInput
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.services.suppliers import SupplierInput
from desktop.views.inventory.purchase_order_editor import PurchaseOrderEditor
from desktop.views.inventory.purchasing import PurchaseOrdersTab
from desktop.views.inventory.receiving import ReceiveDialog
from desktop.views.scanning import ScanDetector
from tests.conftest import gui_sign_in_as

SCREEN_CODE = "4006381333931"
BATTERY_CODE = "036000291452"


class _ScannerClock:
    """Each key 5 to 20 ms after the last, as a USB scanner types."""

    def __init__(self) -> None:
        self.now = 0.0
        self._rng = random.Random(3)

    def __call__(self) -> float:
        self.now += self._rng.uniform(0.005, 0.020)
        return self.now


def _scan(qtbot, dialog: ReceiveDialog, services: Services, code: str) -> None:
    """Type ``code`` + Enter into the dialog's window as a scanner does, with the detector
    handing the code to the dialog as the main window would."""
    detector = ScanDetector(
        lambda typed: dialog.take_scan(services.scans.resolve(typed)), clock=_ScannerClock()
    )
    app = QApplication.instance()
    app.installEventFilter(detector)
    try:
        window = dialog.windowHandle()
        for char in code:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                key = QKeyEvent(kind, ord(char.upper()), Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(window, key)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            enter = QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
            QApplication.sendEvent(window, enter)
    finally:
        app.removeEventFilter(detector)


def _supplier(services: Services, name: str = "Parts Direct") -> uuid.UUID:
    return services.suppliers.create(SupplierInput(name, email="orders@parts.example")).id


def _item(services: Services, name: str, **fields: object) -> uuid.UUID:
    return services.items.create(ItemInput(name, **fields)).item.id  # type: ignore[arg-type]


def _ordered(services: Services, supplier: uuid.UUID, *lines: LineInput) -> uuid.UUID:
    draft = services.purchasing.create_draft(OrderInput(supplier), lines)
    return services.purchasing.mark_ordered(draft.id).id


def _tab(qtbot, services, bus, tasks) -> PurchaseOrdersTab:
    tab = PurchaseOrdersTab(services, bus, tasks)
    qtbot.addWidget(tab)
    return tab


def _receiving(qtbot, services, bus, tasks, order_id) -> ReceiveDialog:
    tab = _tab(qtbot, services, bus, tasks)
    tab.select_order(order_id)
    dialog = tab.receive_order()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_drafts_are_made_from_reorder_suggestions(qtbot, shop_services, bus, tasks) -> None:
    alpha, beta = _supplier(shop_services, "Alpha"), _supplier(shop_services, "Beta")
    screen = _item(shop_services, "Screen", reorder_level=3, reorder_quantity=10)
    battery = _item(shop_services, "Battery", reorder_level=2, reorder_quantity=4)
    _item(shop_services, "Glass", reorder_level=2, reorder_quantity=4)  # nobody supplies it
    shop_services.suppliers.link_item(alpha, screen, "A-SCR", 900)
    shop_services.suppliers.link_item(beta, battery, "B-BAT", 300)
    tab = _tab(qtbot, shop_services, bus, tasks)
    dialog = tab.open_suggestions()
    assert dialog.summary.text() == "3 item(s) at or under their reorder level."
    assert dialog.tree.topLevelItem(2).text(0).startswith("No supplier")
    rows = dialog.line_rows()
    assert len(rows) == 2  # the item without a supplier cannot be ticked
    rows[0][1].setValue(12)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert [(d.supplier_name, d.lines[0].quantity) for d in dialog.created] == [
        ("Alpha", 12),
        ("Beta", 4),
    ]
    assert tab.model.rowCount() == 2
    assert {tab.model.index(r, 2).data() for r in range(2)} == {"Draft"}
    assert "2 draft order(s) created" in tab.message.text()


def test_a_draft_is_built_by_search_and_scan_then_ordered(qtbot, shop_services, bus, tasks) -> None:
    supplier = _supplier(shop_services)
    screen = _item(shop_services, "iPhone 12 screen", cost_price=1000, barcodes=[SCREEN_CODE])
    _item(shop_services, "iPhone 12 battery", cost_price=400)
    tab = _tab(qtbot, shop_services, bus, tasks)
    editor = tab.new_order()
    editor.expected.setDate(QDate(2030, 5, 1))
    qtbot.keyClicks(editor.picker.search, "battery")
    editor.picker.run_search()
    editor.add_quantity.setValue(3)
    qtbot.keyClick(editor.picker.search, Qt.Key.Key_Return)
    assert editor.order is not None and editor.order.number == "PO-A-000001"
    assert editor.take_scan(ScanResult(ScanKind.ITEM, SCREEN_CODE, screen))
    assert editor.take_scan(ScanResult(ScanKind.ITEM, SCREEN_CODE, screen))
    assert [(x.item_name, x.quantity) for x in editor.order.lines] == [
        ("iPhone 12 battery", 3),
        ("iPhone 12 screen", 2),
    ]
    editor.lines.item(1, 4).setText("9.50")  # edit the unit cost in the table
    assert editor.order.lines[1].unit_cost == 950
    editor.lines.item(1, 3).setText("lots")
    assert "is not a number" in editor.errors.general.text()
    assert editor.lines.item(1, 3).text() == "2"
    assert editor.total.text() == "Total: $31.00"  # 3 x 4.00 + 2 x 9.50
    editor.mark_ordered()
    order = shop_services.purchasing.get(editor.order.id)
    assert (order.status, order.expected_on, order.supplier_id) == (
        "ordered",
        date(2030, 5, 1),
        supplier,
    )
    assert not editor.adding.isEnabled() and not editor.take_scan(
        ScanResult(ScanKind.ITEM, SCREEN_CODE, screen)
    )
    assert tab.model.index(0, 2).data() == "Ordered"
    editor.close()


def test_a_scanned_box_receives_one_unit_into_its_line(qtbot, shop_services, bus, tasks) -> None:
    supplier = _supplier(shop_services)
    screen = _item(shop_services, "iPhone 12 screen", barcodes=[SCREEN_CODE])
    _item(shop_services, "iPhone 12 battery", barcodes=[BATTERY_CODE])
    order = _ordered(shop_services, supplier, LineInput(screen, 2, 1000))
    dialog = _receiving(qtbot, shop_services, bus, tasks, order)
    _scan(qtbot, dialog, shop_services, SCREEN_CODE)
    assert dialog.message.text() == "Received 1 × iPhone 12 screen (1 of 2)."
    assert dialog.table.item(0, 2).text() == "1"
    assert shop_services.stock.on_hand(screen) == 1
    _scan(qtbot, dialog, shop_services, BATTERY_CODE)
    assert dialog.error.text() == "“iPhone 12 battery” is not on this order."
    _scan(qtbot, dialog, shop_services, "UNKNOWN-CODE-77")
    assert dialog.error.text() == "No item has the code UNKNOWN-CODE-77."
    _scan(qtbot, dialog, shop_services, SCREEN_CODE)
    assert shop_services.purchasing.get(order).status == "received"
    dialog.close()


def test_receiving_more_than_ordered_asks_for_a_reason(qtbot, shop_services, bus, tasks) -> None:
    supplier = _supplier(shop_services)
    screen = _item(shop_services, "iPhone 12 screen", barcodes=[SCREEN_CODE])
    order = _ordered(shop_services, supplier, LineInput(screen, 2, 1000))
    dialog = _receiving(qtbot, shop_services, bus, tasks, order)
    dialog.inputs[0].quantity.setValue(3)
    qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)
    assert dialog.over_panel.isVisibleTo(dialog)
    assert "“iPhone 12 screen”: 3 received of 2 ordered." in dialog.over_text.text()
    assert shop_services.stock.on_hand(screen) == 0
    dialog.accept_over_receipt()  # no reason yet: nothing happens
    assert dialog.over_panel.isVisibleTo(dialog) and shop_services.stock.on_hand(screen) == 0
    qtbot.keyClicks(dialog.over_reason, "Supplier sent a spare")
    qtbot.mouseClick(dialog.accept_over_button, Qt.MouseButton.LeftButton)
    assert not dialog.over_panel.isVisibleTo(dialog)
    assert shop_services.stock.on_hand(screen) == 3
    assert dialog.message.text() == "Received 3 unit(s)."
    # A late extra scanned in asks again, then goes in with its own reason.
    _scan(qtbot, dialog, shop_services, SCREEN_CODE)
    assert dialog.over_panel.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.over_reason, "Another spare")
    dialog.accept_over_receipt()
    assert shop_services.stock.on_hand(screen) == 4
    reasons = [
        e.details["reason"] for e in shop_services.audit.recent(action="purchase_over_received")
    ]
    assert reasons == ["Another spare", "Supplier sent a spare"]
    dialog.close()


def test_lots_serials_costs_and_returns_are_entered_per_line(
    qtbot, shop_services, bus, tasks
) -> None:
    supplier = _supplier(shop_services)
    glue = _item(shop_services, "B-7000 glue", track_expiry=True)
    phone = _item(shop_services, "Refurbished iPhone 11", serialized=True, barcodes=[SCREEN_CODE])
    order = _ordered(shop_services, supplier, LineInput(glue, 5, 300), LineInput(phone, 2, 20000))
    dialog = _receiving(qtbot, shop_services, bus, tasks, order)
    glue_row, phone_row = dialog.inputs
    _scan(qtbot, dialog, shop_services, SCREEN_CODE)  # a serialized item waits for serials
    assert phone_row.quantity.value() == 1 and shop_services.stock.on_hand(phone) == 0
    phone_row.quantity.setValue(2)
    qtbot.keyClicks(phone_row.serials, "SN-1")
    glue_row.quantity.setValue(5)
    glue_row.cost.setText("3.25")
    dialog.receive()
    assert "B-7000 glue: “B-7000 glue” tracks expiry" in dialog.error.text()
    assert "Refurbished iPhone 11: “Refurbished iPhone 11” is serialized" in dialog.error.text()
    assert shop_services.stock.on_hand(glue) == 0
    glue_row.lot.setText("L7")
    glue_row.expires.setDate(QDate(2031, 1, 31))
    phone_row.serials.setText("SN-1, SN-2")
    dialog.receive()
    assert shop_services.stock.serials_in_stock(phone) == ["SN-1", "SN-2"]
    assert shop_services.items.get(glue).cost_price == 325
    assert shop_services.purchasing.get(order).status == "received"
    dialog.table.selectRow(1)
    dialog.show_return_panel()
    assert dialog.return_panel.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.return_reason, "Dead on arrival")
    qtbot.keyClicks(dialog.return_serials, "SN-2")
    dialog.return_units()
    assert shop_services.stock.serials_in_stock(phone) == ["SN-1"]
    assert dialog.message.text() == "1 unit(s) returned to the supplier."
    dialog.close()


def test_front_desk_receives_but_does_not_order(qtbot, shop_services, bus, tasks) -> None:
    supplier = _supplier(shop_services)
    order = _ordered(shop_services, supplier, LineInput(_item(shop_services, "Cable"), 2, 100))
    gui_sign_in_as(shop_services, "fran", "front_desk")
    tab = _tab(qtbot, shop_services, bus, tasks)
    tab.select_order(order)
    assert not tab.new_button.isEnabled() and not tab.suggest_button.isEnabled()
    assert not tab.email_button.isEnabled()
    assert tab.receive_button.isEnabled()


def test_the_order_list_filters_by_status_and_passes_the_model_tester(
    qtbot, qtmodeltester, shop_services, bus, tasks
) -> None:
    supplier = _supplier(shop_services)
    cable = _item(shop_services, "Cable")
    _ordered(shop_services, supplier, LineInput(cable, 2, 150))
    shop_services.purchasing.create_draft(OrderInput(supplier), [LineInput(cable, 1, 150)])
    tab = _tab(qtbot, shop_services, bus, tasks)
    assert tab.model.rowCount() == 2
    qtmodeltester.check(tab.model)
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("ordered"))
    assert [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())] == ["PO-A-000001"]
    assert tab.model.index(0, 4).data() == "$3.00"


def test_email_and_preview_from_the_editor(qtbot, shop_services, bus, tasks) -> None:
    supplier = _supplier(shop_services)
    order = _ordered(shop_services, supplier, LineInput(_item(shop_services, "Cable"), 2, 150))
    editor = PurchaseOrderEditor(shop_services, bus, tasks, order)
    qtbot.addWidget(editor)
    assert editor.email_to.text() == "orders@parts.example"
    editor.send_email()
    assert editor.message.text() == "Queued for orders@parts.example; it is sent when online."
    assert len(shop_services.messages.for_subject("purchase_order", order)) == 1
    editor.email_to.setText("nonsense")
    editor.send_email()
    assert "not an email address" in editor.errors.general.text()
    editor.printer.preview_purchase_order(order)
    preview = editor.printer.last_preview
    assert preview is not None and preview.page_count() == 1
    preview.close()


def test_labels_for_what_an_order_brought_in(qtbot, shop_services, bus, tasks) -> None:
    from desktop.services.purchase_receipts import LineReceipt

    supplier = _supplier(shop_services)
    screen = _item(shop_services, "iPhone 12 screen", barcodes=[SCREEN_CODE], sell_price=9900)
    battery = _item(shop_services, "iPhone 12 battery", barcodes=[BATTERY_CODE])
    order = _ordered(
        shop_services, supplier, LineInput(screen, 5, 1000), LineInput(battery, 3, 500)
    )
    tab = _tab(qtbot, shop_services, bus, tasks)
    tab.select_order(order)
    assert not tab.labels_button.isEnabled()  # nothing has arrived yet
    lines = shop_services.purchasing.get(order).lines
    shop_services.purchasing.receive(order, [LineReceipt(lines[0].id, 3)])
    tab.reload()
    tab.select_order(order)
    assert tab.labels_button.isEnabled()
    dialog = tab.print_labels()
    assert dialog is not None
    assert dialog.requests() == [(screen, 3)]  # the battery has not come
    dialog.close()
