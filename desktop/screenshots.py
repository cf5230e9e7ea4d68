"""`benchside screenshots DIR`: render the main screens of a demo shop to PNG files."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QWidget

from desktop.app import create_application
from desktop.config import AppPaths
from desktop.services.container import Services


def _save(widget: QWidget, directory: Path, name: str, written: list[Path]) -> None:
    target = directory / f"{name}.png"
    QApplication.processEvents()  # widgets added to a shown layout appear on the next turn
    widget.grab().save(str(target))
    written.append(target)


def take_screenshots(directory: Path, data_dir: Path | None = None) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    app = create_application()
    with tempfile.TemporaryDirectory(prefix="benchside-shots-") as temp:
        paths = AppPaths.at(data_dir or Path(temp) / "demo")
        paths.create()
        written = render_all(app, paths, Path(temp), directory)
    for path in written:
        print(path)
    return 0


def render_all(app: QApplication, paths: AppPaths, temp: Path, out: Path) -> list[Path]:
    from desktop.demo import DEMO_OWNER, DEMO_OWNER_PASSWORD, create_demo_shop
    from desktop.views.bus import DataBus
    from desktop.views.login import LoginDialog
    from desktop.views.main_window import PAGE_NAMES, MainWindow
    from desktop.views.setup_wizard import SetupWizard
    from desktop.views.tasks import TaskRunner

    written: list[Path] = []
    fresh = Services.open(temp / "fresh.db")
    wizard = SetupWizard(fresh)
    wizard.show()
    _save(wizard, out, "setup-wizard", written)
    wizard.close()
    fresh.close()

    services = Services.open(paths.database, backup_dir=paths.backups)
    if not services.setup.is_set_up():
        create_demo_shop(services)
    login = LoginDialog(services)
    login.username.setText(DEMO_OWNER)
    login.show()
    _save(login, out, "login", written)
    login.close()
    services.accounts.login(DEMO_OWNER, DEMO_OWNER_PASSWORD)

    tasks = TaskRunner(synchronous=True)
    bus = DataBus()
    window = MainWindow(services, bus, tasks, paths)
    window.resize(1280, 800)
    window.show()
    _save(window, out, "main-dashboard", written)
    for name in PAGE_NAMES:
        if name in {"dashboard", "customers", "settings"}:
            continue
        window.show_page(name)
        _save(window, out, f"main-{name}", written)
    customers = window.show_page("customers")
    _save(window, out, "customers", written)
    first = services.customers.search("a", limit=1)
    if first and hasattr(customers, "open_customer"):
        customers.open_customer(first[0].id)
        _save(window, out, "customer-detail", written)
        devices = services.devices.for_customer(first[0].id)
        dialogs = [
            ("customer-editor", customers.edit_customer()),
            ("customer-new", customers.new_customer()),
            ("device-editor", customers.edit_device(devices[0].id if devices else None)),
            ("customer-merge", customers.merge_customer()),
        ]
        for name, dialog in dialogs:
            if dialog is not None:
                _save(dialog, out, name, written)
                dialog.close()
    _ticket_screens(services, window, out, written)
    _inventory_screens(services, window, out, written)
    _sales_screens(services, window, out, written)
    _report_screens(window, out, written)
    settings = window.show_page("settings")
    if hasattr(settings, "pages") and hasattr(settings, "set_page"):
        for page in settings.pages():
            settings.set_page(page)
            _save(window, out, f"settings-{page}", written)
    else:
        _save(window, out, "settings", written)
    from desktop.screenshots_sync import sync_screens

    sync_screens(services, temp, lambda widget, name: _save(widget, out, name, written))
    window.show_page("dashboard")
    palette = window.open_search()
    edit = getattr(palette, "edit", None)
    if edit is not None:
        edit.setText("smith")
        run = getattr(palette, "run_search", None)
        if run is not None:
            run()
    _save(palette, out, "search-palette", written)
    palette.close()
    from desktop.views.passwords import ChangePasswordDialog

    change = ChangePasswordDialog(services, forced=True, parent=window)
    change.show()
    _save(change, out, "change-password", written)
    change.close()
    lock = window.lock()
    _save(lock, out, "lock", written)
    window.lock_dialog = None
    lock.hide()
    window.close()
    tasks.wait()
    services.close()
    return written


def _ticket_screens(services: Services, window: QWidget, out: Path, written: list[Path]) -> None:
    """The intake dialog filled in for a returning customer, and an open ticket."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    from desktop.views.main_window import MainWindow

    assert isinstance(window, MainWindow)
    customer = services.customers.search("smith", limit=1) or services.customers.page(limit=1)
    intake = window.new_ticket(customer[0].id)
    intake.resize(1180, 860)
    intake.add_problem("Cracked screen")  # type: ignore[attr-defined]
    intake.condition["Powers on"].setChecked(True)  # type: ignore[attr-defined]
    intake.condition["Screen cracked"].setChecked(True)  # type: ignore[attr-defined]
    intake.accessories["Case"].setChecked(True)  # type: ignore[attr-defined]
    intake.estimate_labour.setText("45.00")  # type: ignore[attr-defined]
    intake.estimate_parts.setText("129.00")  # type: ignore[attr-defined]
    pad = intake.signature  # type: ignore[attr-defined]
    points = [QPointF(40 + x * 6, 80 + ((x * 7) % 23) - (x % 5) * 4) for x in range(50)]
    for kind, point in [("press", points[0])] + [("move", p) for p in points[1:]]:
        event_type = {
            "press": QMouseEvent.Type.MouseButtonPress,
            "move": QMouseEvent.Type.MouseMove,
        }[kind]
        event = QMouseEvent(
            event_type,
            point,
            point,
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        pad.mousePressEvent(event) if kind == "press" else pad.mouseMoveEvent(event)
    pad.mouseReleaseEvent(event)
    intake.show()
    _save(intake, out, "ticket-intake", written)
    intake.close()
    busy = [t for t in services.tickets.page(limit=40) if t.technician] or services.tickets.page()
    # A returning device shows every part of the screen, its history included.
    busy.sort(key=lambda t: not services.tickets.device_history(t.id))
    if busy:
        ticket = window.open_ticket(busy[0].id)
        ticket.resize(1180, 820)
        _save(ticket, out, "ticket-detail", written)
        tabs = getattr(ticket, "tabs", None)
        if tabs is not None:
            for index, name in ((2, "ticket-notes"), (5, "ticket-device-history")):
                tabs.setCurrentIndex(index)
                _save(ticket, out, name, written)
        ticket.close()
    window.show_page("tickets")  # type: ignore[attr-defined]


def _inventory_screens(services: Services, window: QWidget, out: Path, written: list[Path]) -> None:
    """The item list with a part chosen, its history, the editor, labels and stock alerts."""
    from desktop.services.item_lists import ItemFilter
    from desktop.views.main_window import MainWindow

    assert isinstance(window, MainWindow)
    page = window.show_page("inventory")
    items = getattr(page, "items", None)
    if items is None:
        return
    rows = services.item_lists.page(ItemFilter(text="battery"))
    if rows:
        page.show_item(rows[0].id)  # type: ignore[attr-defined]
        items.search.clear()
        items.run_search(then_select=rows[0].id)
    _save(window, out, "inventory-items", written)
    items.panel.tabs.setCurrentIndex(1)
    _save(window, out, "inventory-item-history", written)
    items.panel.tabs.setCurrentIndex(0)
    for name, dialog in (
        ("item-editor", items.edit_item()),
        ("print-labels", items.print_labels()),
    ):
        if dialog is not None:
            _save(dialog, out, name, written)
            dialog.close()
    page.tabs.setCurrentWidget(page.alerts)  # type: ignore[attr-defined]
    _save(window, out, "inventory-stock-alerts", written)
    _purchasing_screens(services, window, page, out, written)
    page.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]


def _purchasing_screens(
    services: Services, window: QWidget, page: Any, out: Path, written: list[Path]
) -> None:
    """Purchase orders with the order on its way, receiving it, suppliers, and the count
    in progress (the full demo shop has them)."""
    page.tabs.setCurrentWidget(page.orders)
    orders = services.purchasing.list()
    if orders:
        page.orders.select_order(orders[0].id)
    _save(window, out, "inventory-purchase-orders", written)
    if orders:
        for name, dialog in (
            ("purchase-order-editor", page.orders.open_order(orders[0].id)),
            ("purchase-order-receive", page.orders.receive_order()),
        ):
            if dialog is not None:
                _save(dialog, out, name, written)
                dialog.close()
    page.tabs.setCurrentWidget(page.suppliers)
    _save(window, out, "inventory-suppliers", written)
    page.tabs.setCurrentWidget(page.counts)
    counts = services.counts.counts()
    if counts:
        page.counts.open_count(counts[0].id)
    _save(window, out, "inventory-stock-count", written)


def _sales_screens(services: Services, window: QWidget, out: Path, written: list[Path]) -> None:
    """A sale being rung up, its payment half taken, and a return from the first sale."""
    from desktop.services.item_lists import ItemFilter
    from desktop.services.pricing import Discount

    page = window.show_page("sales")  # type: ignore[attr-defined]
    rows = [
        r
        for r in services.item_lists.page(ItemFilter(), limit=60)
        if r.on_hand > 2 and r.sell_price
    ][:3]
    for row in rows:
        page.add_item(row.id)
    if rows:
        page.model.setData(page.model.index(0, 1), "2")
        last = len(page.model.cart.lines) - 1
        page.model.replace_line(
            last, replace(page.model.cart.lines[last], discount=Discount("percent", 1000))
        )
    _save(window, out, "sales-counter", written)
    payment = page.take_payment()
    if payment is not None:
        payment.method.setCurrentIndex(payment.method.findData("card"))
        payment.amount.setText(page.money.show(page.model.totals.total // 2).strip())
        payment.add_tender()
        payment.method.setCurrentIndex(payment.method.findData("cash"))
        payment.amount.setText(page.money.show(page.model.totals.total).strip())
        _save(payment, out, "sales-payment", written)
        payment.reject()
    page.new_sale()
    dialog = window.start_return("S-A-000001")  # type: ignore[attr-defined]
    if dialog is not None:
        dialog.quantities[0].setValue(1)
        _save(dialog, out, "sales-return", written)
        dialog.reject()


def _report_screens(window: QWidget, out: Path, written: list[Path]) -> None:
    """Sales by item this month (the demo shop sells on the day it is made), and the
    audit log."""
    from datetime import date

    from desktop.services.report_periods import PeriodKind, period
    from desktop.views.main_window import MainWindow
    from desktop.views.reports.page import AUDIT_KEY, ReportsPage

    assert isinstance(window, MainWindow)
    page = window.show_page("reports")
    if not isinstance(page, ReportsPage):
        return
    page.open_report("sales_by_item", period(PeriodKind.THIS_MONTH, date.today()))
    _save(window, out, "reports", written)
    page.open_report(AUDIT_KEY)
    _save(window, out, "audit-log", written)
