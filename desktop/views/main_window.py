"""The main window: navigation, pages, status bar, shortcuts, lock and sign-out."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError
from desktop.services.permissions import Permission, Role
from desktop.services.scan_router import ScanKind
from desktop.views.bus import DataBus
from desktop.views.lock import IdleWatcher, LockDialog
from desktop.views.passwords import ChangePasswordDialog
from desktop.views.placeholder import PlaceholderPage
from desktop.views.printing.printer import DocumentPrinter
from desktop.views.scanning import ScanDetector, ScanTarget
from desktop.views.sync.controller import SyncController
from desktop.views.sync.status_bar import SyncStatusButton
from desktop.views.tasks import TaskRunner


class PathsLike(Protocol):
    @property
    def data_dir(self) -> Any: ...


PAGE_NAMES = (
    "dashboard",
    "tickets",
    "customers",
    "sales",
    "invoices",
    "inventory",
    "reports",
    "settings",
)


class MainWindow(QMainWindow):
    signed_out = Signal()

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        paths: PathsLike,
        parent: QWidget | None = None,
        sync: SyncController | None = None,
    ) -> None:
        super().__init__(parent)
        self.sync = sync if sync is not None else SyncController.for_data_dir(paths.data_dir, self)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self._paths = paths
        self._pages: dict[str, QWidget] = {}
        self.ticket_windows: dict[uuid.UUID, QDialog] = {}
        self._hidden_tickets: list[QDialog] = []
        self.lock_dialog: LockDialog | None = None
        self.search_palette: QWidget | None = None
        self.new_item_question: QMessageBox | None = None
        self.setWindowTitle(self.tr("Benchside — {shop}").format(shop=services.shop.profile().name))
        self._titles = {
            "dashboard": self.tr("Dashboard"),
            "tickets": self.tr("Tickets"),
            "customers": self.tr("Customers"),
            "sales": self.tr("Sales"),
            "invoices": self.tr("Invoices"),
            "inventory": self.tr("Inventory"),
            "reports": self.tr("Reports"),
            "settings": self.tr("Settings"),
        }
        self._build_body()
        self._build_status_bar()
        self._build_actions()
        self.idle = IdleWatcher(services.shop.profile().idle_lock_minutes, self)
        self.idle.idled.connect(self.lock)
        self.scans = ScanDetector(self.route_scan, services.scanner.get(), parent=self)
        self.document_printer = DocumentPrinter(services, tasks, self)
        self.document_printer.printed.connect(self._show_status_message)
        self.document_printer.failed.connect(self._show_status_message)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
            app.installEventFilter(self.scans)
        bus.data_changed.connect(self._on_bus_data_changed)
        self.update_user()
        self._settings = QSettings(
            str(paths.data_dir / "window.ini"), QSettings.Format.IniFormat, self
        )
        if not self.restoreGeometry(self._settings.value("main/geometry", b"")):
            self.resize(1200, 760)
        self.show_page("dashboard")

    # -- layout -------------------------------------------------------------------------

    def _build_body(self) -> None:
        body = QWidget(self)
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget(body)
        self.nav.setFixedWidth(180)
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet(
            "#navigation { font-size: 15px; border: none; background: palette(window); }"
            "#navigation::item { padding: 10px 14px; }"
        )
        for name in PAGE_NAMES:
            self.nav.addItem(self._titles[name])
        self.stack = QStackedWidget(body)
        for _name in PAGE_NAMES:
            self.stack.addWidget(QWidget(self.stack))  # replaced by the page on first visit
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

    def _build_status_bar(self) -> None:
        self.user_label = QLabel(self)
        self.station_label = QLabel(self)
        self.sync_status = SyncStatusButton(self.sync, self, services=self._services, bus=self._bus)
        bar = self.statusBar()
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.station_label)
        bar.addPermanentWidget(self.sync_status)
        station = self._services.shop.station()
        self.station_label.setText(
            self.tr("Station {code} · {name}").format(code=station.code, name=station.name)
        )

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: QKeySequence | str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.search_action = self._action(self.tr("Search…"), self.open_search, "Ctrl+K")
        self.new_ticket_action = self._action(self.tr("New ticket"), self.new_ticket, "Ctrl+N")
        self.new_customer_action = self._action(
            self.tr("New customer"), self.new_customer, "Ctrl+Shift+N"
        )
        self.lock_action = self._action(self.tr("Lock"), self.lock, "Ctrl+L")
        self.change_password_action = self._action(
            self.tr("Change password…"), self.change_password
        )
        self.sign_out_action = self._action(self.tr("Sign out"), self.sign_out)
        self.quit_action = self._action(self.tr("Quit"), self.close, QKeySequence.StandardKey.Quit)
        for index, name in enumerate(PAGE_NAMES, start=1):
            self._action(self._titles[name], lambda n=name: self.show_page(n), f"Ctrl+{index}")
        session = self.menuBar().addMenu(self.tr("&Session"))
        for action in (
            self.lock_action,
            self.change_password_action,
            self.sign_out_action,
        ):
            session.addAction(action)
        session.addSeparator()
        session.addAction(self.quit_action)
        go = self.menuBar().addMenu(self.tr("&Go"))
        go.addAction(self.search_action)
        go.addAction(self.new_ticket_action)
        go.addAction(self.new_customer_action)

    # -- pages --------------------------------------------------------------------------

    def page(self, name: str) -> QWidget:
        """The page called ``name``, created on first use (keeps start-up fast)."""
        if name not in self._pages:
            index = PAGE_NAMES.index(name)
            widget = self._create_page(name)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._pages[name] = widget
        return self._pages[name]

    def _create_page(self, name: str) -> QWidget:
        if name == "customers":
            from desktop.views.customers.page import CustomersPage

            customers = CustomersPage(self._services, self._bus, self._tasks, self.stack)
            customers.new_ticket_requested.connect(self.new_ticket)
            customers.document_requested.connect(self.show_document)
            return customers
        if name == "tickets":
            from desktop.views.tickets.page import TicketsPage

            tickets = TicketsPage(self._services, self._bus, self._tasks, self.stack)
            tickets.ticket_activated.connect(self.open_ticket)
            tickets.new_ticket_requested.connect(self.new_ticket)
            return tickets
        if name == "inventory":
            from desktop.views.inventory.page import InventoryPage

            inventory = InventoryPage(self._services, self._bus, self._tasks, self.stack)
            inventory.items.labels_ready.connect(self.document_printer.print_job)
            return inventory
        if name == "dashboard":
            from desktop.views.dashboard import DashboardPage

            dashboard = DashboardPage(self._services, self._bus, self._tasks, self.stack)
            dashboard.item_requested.connect(self.show_item)
            dashboard.tickets_requested.connect(self.show_tickets)
            dashboard.report_requested.connect(self.show_report)
            dashboard.invoices_requested.connect(lambda: self.show_page("invoices"))
            dashboard.sales_requested.connect(lambda: self.show_page("sales"))
            return dashboard
        if name == "sales":
            from desktop.views.sales.page import SalesPage

            sales = SalesPage(self._services, self._bus, self._tasks, self.stack)
            sales.return_requested.connect(self.start_return)
            sales.receipt_requested.connect(self.print_receipt)
            return sales
        if name == "invoices":
            from desktop.views.invoices.page import InvoicesPage

            invoices = InvoicesPage(self._services, self._bus, self._tasks, self.stack)
            invoices.print_requested.connect(self.document_printer.print_sales_document)
            invoices.preview_requested.connect(self.document_printer.preview_sales_document)
            return invoices
        if name == "reports":
            from desktop.views.reports.page import ReportsPage

            reports = ReportsPage(self._services, self._bus, self._tasks, self.stack)
            reports.print_requested.connect(self.document_printer.print_job)
            reports.pdf_requested.connect(self.document_printer.save_pdf)
            return reports
        if name == "settings":
            from desktop.views.settings.page import SettingsPage

            return SettingsPage(
                self._services, self._bus, self._tasks, self._paths, self.stack, self.sync
            )
        return PlaceholderPage(self._titles[name], self._coming_soon(name), self.stack)

    def _coming_soon(self, name: str) -> str:
        return {
            "sales": self.tr(
                "Counter sales: scan items, discounts, split payments, receipts on the "
                "thermal printer or as PDF, refunds and the cash drawer."
            ),
        }[name]

    def current_page_name(self) -> str:
        return PAGE_NAMES[self.stack.currentIndex()]

    def show_page(self, name: str) -> QWidget:
        widget = self.page(name)
        index = PAGE_NAMES.index(name)
        self.stack.setCurrentIndex(index)
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)
        return widget

    def _on_nav_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(PAGE_NAMES):
            self.show_page(PAGE_NAMES[row])

    # -- actions ------------------------------------------------------------------------

    def open_search(self) -> QWidget:
        from desktop.views.search_palette import SearchPalette

        if self.search_palette is None:
            palette = SearchPalette(self._services, self._tasks, self)
            palette.customer_chosen.connect(self._on_search_palette_customer_chosen)
            palette.ticket_chosen.connect(self.open_ticket)
            self.search_palette = palette
        self.search_palette.show()
        self.search_palette.raise_()
        self.search_palette.activateWindow()
        return self.search_palette

    def show_tickets(self, where: Any, caption: str) -> None:
        """The tickets screen listing ``where`` (a ``TicketFilter``) under ``caption``."""
        page = self.show_page("tickets")
        page.show_tickets(where, caption)  # type: ignore[attr-defined]

    def show_report(self, key: str, period: Any = None) -> None:
        """The report ``key`` on the reports screen, over ``period`` (a ``Period``; None:
        the screen's own)."""
        page = self.show_page("reports")
        page.open_report(key, period)  # type: ignore[attr-defined]

    def show_document(self, document_id: uuid.UUID) -> None:
        """A sale, invoice or credit note, on the invoices screen."""
        page = self.show_page("invoices")
        page.open_invoice(document_id)  # type: ignore[attr-defined]

    def _on_search_palette_customer_chosen(self, customer_id: object) -> None:
        page = self.show_page("customers")
        page.open_customer(customer_id)  # type: ignore[attr-defined]

    def new_ticket(
        self, customer_id: uuid.UUID | None = None, device_id: uuid.UUID | None = None
    ) -> QDialog:
        """The intake dialog; the new ticket opens when it is saved."""
        from desktop.views.tickets.intake import IntakeDialog

        dialog = IntakeDialog(self._services, self._bus, customer_id, device_id, self)
        dialog.ticket_created.connect(
            lambda ticket: self._on_ticket_created(
                ticket.id, dialog.documents_to_print(), dialog.photo_files
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _on_ticket_created(
        self, ticket_id: uuid.UUID, documents: list[Any], photos: list[Any]
    ) -> None:
        window = self.open_ticket(ticket_id)
        # The main window prints the intake papers: closing the ticket at once loses none.
        for kind in documents:
            self.document_printer.print_ticket_document(kind, ticket_id)
        window.photos_tab.add_photos(photos)  # type: ignore[attr-defined]

    def open_ticket(self, ticket_id: uuid.UUID) -> QDialog:
        """The ticket's window, brought to the front if it is already open."""
        from desktop.views.tickets.detail import TicketWindow

        window = self.ticket_windows.get(ticket_id)
        if window is None:
            window = TicketWindow(self._services, self._bus, self._tasks, ticket_id, self)
            window.open_ticket_requested.connect(self.open_ticket)
            window.receipt_requested.connect(self.print_receipt)
            window.finished.connect(lambda _r, t=ticket_id: self._forget_ticket_window(t))
            self.ticket_windows[ticket_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _show_status_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    def route_scan(self, code: str) -> bool:
        """A scanned code from anywhere in the app. The window or page in front that takes
        scans (a ticket adds the part, a count counts it) gets it first; otherwise a ticket
        number opens its ticket and an item barcode shows the item. True when the code was
        taken. An unknown code becomes a question to whoever may add items (is it a new
        one?) and leaves the field it was typed into; for anyone else it stays there."""
        if self.locked:
            return False
        found = self._services.scans.resolve(code)
        for target in self._scan_targets():
            if target.take_scan(found):
                return True
        if found.kind is ScanKind.TICKET and found.id is not None:
            self.open_ticket(found.id)
            return True
        if found.kind is ScanKind.ITEM and found.id is not None:
            page = self.show_page("inventory")
            if isinstance(page, ScanTarget):
                return page.take_scan(found)
        if found.kind is ScanKind.DOCUMENT:
            self.start_return(found.code)
            return True
        if found.kind is ScanKind.UNKNOWN and self._services.ctx.can(Permission.EDIT_ITEMS):
            self.offer_new_item(found.code)
            return True
        return False

    def start_return(self, number: str) -> QDialog | None:
        """The return dialog for the sale or invoice numbered ``number``."""
        from desktop.views.sales.returns import ReturnDialog

        try:
            original = self._services.sales.find(number)
            dialog = ReturnDialog(self._services, original, self)
        except BenchsideError as error:
            self._show_status_message(str(error))
            return None
        dialog.refunded.connect(self._on_return_dialog_refunded)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _on_return_dialog_refunded(self, note: Any) -> None:
        self._show_status_message(
            self.tr("Credit note {number} issued.").format(number=note.number)
        )
        items = frozenset(line.item_id for line in note.lines if line.item_id)
        documents = frozenset(d for d in (note.id, note.original_id) if d is not None)
        self._bus.publish(Changes(stock=items, documents=documents))
        refunded_cash = any(p.method_kind == "cash" and p.amount < 0 for p in note.payments)
        self.print_receipt(note, refunded_cash, automatic=True)

    def print_receipt(self, document: Any, open_drawer: bool, automatic: bool = False) -> None:
        """Print a sale's, invoice's or credit note's receipt at this station (opening the
        drawer for cash). Printed right after a sale only when the station has a receipt
        printer; without one a reprint shows it on screen instead of a window per sale."""
        from desktop.services.printing import DocumentKind as PrintKind
        from desktop.services.printing import TargetType

        if automatic and self._services.printing.target(PrintKind.RECEIPT).type is TargetType.NONE:
            self._show_status_message(
                self.tr("{number} done. No receipt printer is set; Reprint shows it.").format(
                    number=document.number
                )
            )
            return
        self.document_printer.print_sales_document(document, open_drawer)

    def offer_new_item(self, code: str) -> QMessageBox:
        """Ask, without blocking the counter, whether an unknown code is a new item."""
        if self.new_item_question is not None:
            self.new_item_question.close()
        box = QMessageBox(self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unknown barcode"))
        box.setText(self.tr("No item or ticket has the code {code}.").format(code=code))
        box.setInformativeText(self.tr("Create item with barcode {code}?").format(code=code))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.button(QMessageBox.StandardButton.Yes).clicked.connect(
            lambda: self._on_new_item_question_accepted(code)
        )
        box.finished.connect(lambda _result: self._forget_new_item_question(box))
        self.new_item_question = box
        box.open()
        return box

    def _forget_new_item_question(self, box: QMessageBox) -> None:
        if self.new_item_question is box:
            self.new_item_question = None

    def _on_new_item_question_accepted(self, code: str) -> None:
        page = self.show_page("inventory")
        new_item = getattr(page, "new_item", None)
        if new_item is not None:
            new_item(code)

    def show_item(self, item_id: uuid.UUID) -> None:
        page = self.show_page("inventory")
        show = getattr(page, "show_item", None)
        if show is not None:
            show(item_id)

    def _scan_targets(self) -> list[ScanTarget]:
        """The widgets that take scans, from the focused one out to its window, then the
        page in front."""
        targets: list[ScanTarget] = []
        widget = QApplication.focusWidget() or QApplication.activeWindow()
        while widget is not None and widget is not self:
            if isinstance(widget, ScanTarget) and widget not in targets:
                targets.append(widget)
            widget = widget.parentWidget()
        page = self.stack.currentWidget()
        if isinstance(page, ScanTarget) and page not in targets:
            targets.append(page)
        return targets

    def _forget_ticket_window(self, ticket_id: uuid.UUID) -> None:
        window = self.ticket_windows.pop(ticket_id, None)
        if window is not None:
            window.deleteLater()

    def new_customer(self) -> None:
        page = self.show_page("customers")
        create = getattr(page, "new_customer", None)
        if create is not None:
            create()

    def change_password(self, forced: bool = False) -> ChangePasswordDialog:
        dialog = ChangePasswordDialog(self._services, forced, self)
        dialog.open()
        return dialog

    def lock(self) -> LockDialog:
        """Hide the work behind the lock dialog until someone signs in again."""
        if self.lock_dialog is not None:
            return self.lock_dialog
        self.centralWidget().hide()
        # Ticket windows are windows of their own: they hide with the work behind the lock.
        self._hidden_tickets = [w for w in self.ticket_windows.values() if w.isVisible()]
        for window in self._hidden_tickets:
            window.hide()
        dialog = LockDialog(self._services, self)
        dialog.accepted.connect(self._on_lock_dialog_accepted)
        self.lock_dialog = dialog
        dialog.open()
        return dialog

    def _on_lock_dialog_accepted(self) -> None:
        dialog = self.lock_dialog
        self.lock_dialog = None
        self.centralWidget().show()
        for window in self._hidden_tickets:
            window.show()  # a user who switched in sees them reloaded with their rights
        self._hidden_tickets = []
        if dialog is None:
            return
        dialog.deleteLater()
        if dialog.result_login is not None:
            self.update_user()
            self._bus.publish(Changes(everything=True))
            if dialog.result_login.must_change_password:
                self.change_password(forced=True)

    @property
    def locked(self) -> bool:
        return self.lock_dialog is not None

    def close_ticket_windows(self) -> bool:
        """Close every ticket window, each asking about unsaved work; False if one stays."""
        return all(window.close() for window in list(self.ticket_windows.values()))

    def sign_out(self) -> None:
        if not self.close_ticket_windows():
            return
        self._services.accounts.logout()
        self.signed_out.emit()

    def update_user(self) -> None:
        actor = self._services.ctx.actor
        if actor is None:
            self.user_label.setText(self.tr("Not signed in"))
            return
        try:
            role = Role(actor.role).label
        except ValueError:
            role = actor.role
        self.user_label.setText(
            self.tr("{name} ({role})").format(name=actor.display_name, role=role)
        )

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.station or changes.everything:
            self.scans.apply(self._services.scanner.get())
        if changes.shop or changes.everything:
            profile = self._services.shop.profile()
            self.idle.set_minutes(profile.idle_lock_minutes)
            self.setWindowTitle(self.tr("Benchside — {shop}").format(shop=profile.name))
        if changes.users or changes.everything:
            self.update_user()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_ticket_windows():
            event.ignore()
            return
        self._settings.setValue("main/geometry", self.saveGeometry())
        self._settings.sync()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
            app.removeEventFilter(self.scans)
        super().closeEvent(event)
