"""The stock count screens on a real database: scans count, typed quantities, approval."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop.services.items import ItemInput
from desktop.services.stock_counts import CountScope
from desktop.views.inventory.counts import StartCountDialog, StockCountsTab
from desktop.views.scanning import ScanDetector
from tests.conftest import gui_sign_in_as

SCREEN_EAN = "4006381333931"


def _stocked(services, name: str, code: str, units: int):
    item = services.items.create(ItemInput(name, barcodes=[code], category="Screens")).item
    services.stock.receive(item.id, units, 1000)
    return item


def _tab(qtbot, services, bus, tasks) -> StockCountsTab:
    tab = StockCountsTab(services, bus, tasks)
    qtbot.addWidget(tab)
    return tab


def test_each_scan_counts_one_unit_and_approval_posts_the_difference(
    qtbot, shop_services, bus, tasks
) -> None:
    item = _stocked(shop_services, "iPhone 12 screen", SCREEN_EAN, 5)
    tab = _tab(qtbot, shop_services, bus, tasks)
    count = shop_services.counts.start()
    tab.reload()
    assert tab.counts.rowCount() == 1
    tab.counts.selectRow(0)
    session = tab.session
    assert session is not None and session.count_id == count.id
    for _ in range(3):
        assert tab.take_scan(shop_services.scans.resolve(SCREEN_EAN))
    assert "counted 3 (expected 5)" in session.last_scan.text()
    assert [session.lines.item(0, c).text() for c in (0, 3, 4, 5)] == [
        "iPhone 12 screen", "5", "3", "-2",
    ]  # fmt: skip
    assert "difference -2 units, -$20.00" in session.totals.text()

    assert tab.take_scan(shop_services.scans.resolve("0000000000017"))
    assert "No item has the barcode" in session.message.text()

    session.lines.selectRow(0)
    qtbot.keyClicks(session.quantity, "lots")
    qtbot.mouseClick(session.set_button, Qt.MouseButton.LeftButton)
    assert "whole number" in session.message.text()
    session.quantity.setText("4")
    qtbot.mouseClick(session.set_button, Qt.MouseButton.LeftButton)
    assert session.lines.item(0, 4).text() == "4"

    with qtbot.waitSignal(session.count_closed):
        qtbot.mouseClick(session.approve_button, Qt.MouseButton.LeftButton)
    assert shop_services.stock.on_hand(item.id) == 4
    assert not session.approve_button.isEnabled()
    assert tab.counts.item(0, 3).text() == "Approved"


def test_a_filtered_count_lists_what_is_not_counted_and_staff_cannot_approve(
    qtbot, shop_services, bus, tasks
) -> None:
    _stocked(shop_services, "Screen A", SCREEN_EAN, 2)
    _stocked(shop_services, "Screen B", "5901234123457", 1)
    count = shop_services.counts.start(scope=CountScope(category="Screens"))
    gui_sign_in_as(shop_services, "tess", "technician")
    tab = _tab(qtbot, shop_services, bus, tasks)
    session = tab.open_count(count.id)
    assert session.lines.item(0, 4).text() == "not counted"
    assert "2 not counted yet" in session.totals.text()
    assert session.isHidden() or not session.approve_button.isVisibleTo(session)
    session.take_scan(shop_services.scans.resolve(SCREEN_EAN))
    assert "1 not counted yet" in session.totals.text()
    qtbot.mouseClick(session.cancel_button, Qt.MouseButton.LeftButton)
    assert "whoever started this count or a manager" in session.message.text()
    assert shop_services.counts.get(count.id).status == "open"


def test_the_start_dialog_starts_a_count_of_a_category(qtbot, shop_services) -> None:
    _stocked(shop_services, "Screen A", SCREEN_EAN, 2)
    dialog = StartCountDialog(shop_services)
    qtbot.addWidget(dialog)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.keyClicks(dialog.category, "Nothing")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "No active stock item" in dialog.error.text()
    dialog.category.setText("screens")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.started is not None
    assert shop_services.counts.get(dialog.started).scope == "Category: screens"


class _ScannerClock:
    """Key gaps of a real scanner: 5 to 20 ms, never quite even."""

    def __init__(self) -> None:
        self.now, self.steps, self.index = 0.0, (0.005, 0.012, 0.02, 0.008), 0

    def __call__(self) -> float:
        self.now += self.steps[self.index % len(self.steps)]
        self.index += 1
        return self.now


def _scan(window, code: str) -> None:
    for char in code:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            key = QKeyEvent(kind, ord(char.upper()), Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(window, key)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        enter = QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
        QApplication.sendEvent(window, enter)


def test_scanner_keys_count_even_with_the_focus_in_the_quantity_field(
    qtbot, shop_services, bus, tasks
) -> None:
    item = _stocked(shop_services, "iPhone 12 screen", SCREEN_EAN, 5)
    count = shop_services.counts.start()
    tab = _tab(qtbot, shop_services, bus, tasks)
    session = tab.open_count(count.id)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    session.quantity.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is session.quantity)
    detector = ScanDetector(
        lambda code: tab.take_scan(shop_services.scans.resolve(code)), clock=_ScannerClock()
    )
    QApplication.instance().installEventFilter(detector)
    try:
        _scan(tab.windowHandle(), SCREEN_EAN)
        _scan(tab.windowHandle(), SCREEN_EAN)
    finally:
        QApplication.instance().removeEventFilter(detector)
    assert session.quantity.text() == ""  # the digits did not stay in the field
    [line] = shop_services.counts.sheet(count.id).counted
    assert (line.item_id, line.counted, line.expected) == (item.id, 2, 5)
