"""The drawer at the counter: the closing count with its live over/short, the drawer
menu following the shift, and the small drawer dialogs showing what they refuse."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.changes import Changes
from desktop.services.denominations import LOOSE
from desktop.views.sales.drawer import (
    CashMovementDialog,
    DrawerMenu,
    NoSaleDialog,
    OpenShiftDialog,
)
from desktop.views.sales.drawer_count import DrawerCountDialog
from tests.conftest import gui_sign_in_as


def _menu(qtbot, services, bus, tasks) -> DrawerMenu:
    menu = DrawerMenu(services, bus, tasks)
    qtbot.addWidget(menu)
    return menu


def test_typed_counts_show_over_or_short_and_closing_prints_the_z_report(
    qtbot, shop_services, bus, tasks
) -> None:
    shop_services.cash_shifts.open_shift(10000)
    shop_services.cash_shifts.pay_in(2000, "Change from the bank")
    menu = _menu(qtbot, shop_services, bus, tasks)
    assert "should hold $120.00" in menu.state_action.text()
    assert menu.close_action.isEnabled() and not menu.open_shift_action.isEnabled()

    dialog = menu.close_shift()
    assert isinstance(dialog, DrawerCountDialog)
    assert dialog.expected_label.text() == "$120.00"
    assert dialog.difference_label.text() == "Short $120.00"
    assert "#b3261e" in dialog.difference_label.styleSheet()
    qtbot.keyClicks(dialog.counts[10000], "1")
    qtbot.keyClicks(dialog.counts[1000], "2")
    assert dialog.counted_label.text() == "$120.00"
    assert dialog.difference_label.text() == "Exact"
    qtbot.keyClicks(dialog.counts[25], "3")
    qtbot.keyClicks(dialog.loose, "1.25")
    assert dialog.counted() == {10000: 1, 1000: 2, 25: 3, LOOSE: 125}
    assert dialog.difference_label.text() == "Over $2.00"
    qtbot.keyClicks(dialog.note, "Customer left change")

    with qtbot.waitSignal(bus.data_changed):
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.report is not None
    assert (dialog.report.z_number, dialog.report.over_short) == ("Z-A-00001", 200)
    assert dialog.report.note == "Customer left change"
    assert shop_services.cash_shifts.current() is None
    assert menu.open_shift_action.isEnabled() and not menu.close_action.isEnabled()
    assert not menu.pay_in_action.isEnabled() and "Drawer closed" in menu.state_action.text()
    # No report printer is set up at this station: the Z report opens in the preview.
    preview = menu.printer.last_preview
    assert preview is not None and preview.windowTitle() == "Report"
    assert preview.page_count() == 1


def test_an_amount_that_is_not_money_stops_the_close(qtbot, shop_services, bus, tasks) -> None:
    shop_services.cash_shifts.open_shift(500)
    dialog = _menu(qtbot, shop_services, bus, tasks).close_shift()
    assert dialog is not None
    qtbot.keyClicks(dialog.loose, "4006381333931abc")  # a scan into the wrong field
    assert not dialog.close_button.isEnabled()
    dialog.close_shift()
    assert dialog.errors.message("loose") == "Enter an amount, or leave it empty."
    assert shop_services.cash_shifts.current() is not None


def test_someone_else_s_drawer_is_closed_only_by_a_manager(
    qtbot, shop_services, bus, tasks
) -> None:
    shop_services.cash_shifts.open_shift(1000)
    gui_sign_in_as(shop_services, "tom", "technician")
    dialog = _menu(qtbot, shop_services, bus, tasks).close_shift()
    assert dialog is not None
    dialog.counts[1000].setText("1")
    dialog.close_shift()
    assert "only they or a manager can close it" in dialog.errors.general.text()
    assert shop_services.cash_shifts.current() is not None


def test_the_drawer_dialogs_show_what_is_refused_at_the_field(
    qtbot, shop_services, bus, tasks
) -> None:
    opening = OpenShiftDialog(shop_services, bus)
    qtbot.addWidget(opening)
    qtbot.keyClicks(opening.float_amount, "lots")
    opening.submit()
    assert opening.errors.message("opening_float").startswith("Enter an amount")
    opening.float_amount.setText("-5")
    opening.submit()
    assert "from zero" in opening.errors.message("opening_float")
    opening.float_amount.setText("150")
    with qtbot.waitSignal(bus.data_changed):
        opening.submit()
    assert opening.succeeded

    again = OpenShiftDialog(shop_services, bus)
    qtbot.addWidget(again)
    again.float_amount.setText("10")
    again.submit()
    assert again.errors.general.text().startswith("The drawer is already open since")

    paying_out = CashMovementDialog(shop_services, bus, "pay_out")
    qtbot.addWidget(paying_out)
    paying_out.amount_edit.setText("1,000")
    paying_out.submit()
    assert paying_out.errors.message("reason") == "This field is required."
    assert paying_out.errors.message("amount") == "The drawer should hold only $150.00."
    paying_out.amount_edit.setText("40")
    qtbot.keyClicks(paying_out.reason, "Courier")
    paying_out.submit()
    assert paying_out.succeeded

    no_sale = NoSaleDialog(shop_services, bus)
    qtbot.addWidget(no_sale)
    no_sale.submit()
    assert no_sale.errors.message("reason") == "This field is required."
    no_sale.reason.setCurrentIndex(0)
    no_sale.submit()
    assert no_sale.succeeded
    current = shop_services.cash_shifts.current()
    assert current is not None and current.expected_cash == 11000
    assert [e.action for e in shop_services.audit.recent(limit=3)] == [
        "drawer_opened",
        "cash_paid_out",
        "cash_shift_opened",
    ]


def test_the_x_report_opens_in_the_preview(qtbot, shop_services, bus, tasks) -> None:
    menu = _menu(qtbot, shop_services, bus, tasks)
    assert not menu.x_report_action.isEnabled()
    shop_services.cash_shifts.open_shift(2500)
    bus.publish(Changes(cash_shift=True))  # as the dialog that opened it would
    assert menu.x_report_action.isEnabled()
    menu.x_report_action.trigger()
    preview = menu.printer.last_preview
    assert preview is not None and preview.page_count() == 1
