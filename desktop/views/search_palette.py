"""The Ctrl+K palette: type anything (or scan a ticket), pick a customer, device or ticket
with the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.customers import CustomerSummary
from desktop.services.devices import DeviceInfo
from desktop.services.tickets import TicketSummary
from desktop.views.tasks import TaskRunner

DEBOUNCE_MS = 150
LIMIT = 15
KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
OWNER_ROLE = Qt.ItemDataRole.UserRole + 2


class SearchPalette(QDialog):
    """``customer_chosen(uuid)``; ``device_chosen(uuid)`` followed by the owner's
    ``customer_chosen`` when a device is picked."""

    customer_chosen = Signal(object)
    device_chosen = Signal(object)
    ticket_chosen = Signal(object)

    def __init__(
        self, services: Services, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self.setWindowTitle(self.tr("Search"))
        self.setMinimumWidth(560)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(
            self.tr("Ticket number, customer name, phone, email, serial or IMEI")
        )
        self.edit.installEventFilter(self)
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._choose)
        self.hint = QLabel(self.tr("↑ ↓ to move, Enter to open, Esc to close"))
        self.hint.setStyleSheet("color: palette(mid);")
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.edit.textChanged.connect(self._timer.start)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.hint)

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.edit.selectAll()
        self.edit.setFocus()

    def run_search(self) -> None:
        self._timer.stop()
        query = self.edit.text().strip()
        if not query:
            self.results.clear()
            return
        customers, devices = self._services.customers, self._services.devices
        tickets = self._services.tickets

        def work() -> tuple[list[CustomerSummary], list[DeviceInfo], list[TicketSummary]]:
            return (
                customers.search(query, LIMIT),
                devices.search(query, LIMIT),
                tickets.search_numbers(query, LIMIT),
            )

        self._tasks.run(work, lambda found: self._show(query, *found), self._show_error)

    def _show(
        self,
        query: str,
        customers: list[CustomerSummary],
        devices: list[DeviceInfo],
        tickets: list[TicketSummary],
    ) -> None:
        if query != self.edit.text().strip():
            return
        self.results.clear()
        for ticket in tickets:
            text = self.tr("Ticket: {number}  {customer} · {device} · {status}").format(
                number=ticket.number,
                customer=ticket.customer_name,
                device=ticket.device,
                status=ticket.status_name,
            )
            item = QListWidgetItem(text)
            item.setData(KIND_ROLE, "ticket")
            item.setData(ID_ROLE, ticket.id)
            self.results.addItem(item)
        for customer in customers:
            details = "  ".join(p for p in (customer.phone, customer.email, customer.company) if p)
            item = QListWidgetItem(self.tr("Customer: %1").replace("%1", customer.name))
            item.setToolTip(details)
            if details:
                item.setText(f"{item.text()}   {details}")
            item.setData(KIND_ROLE, "customer")
            item.setData(ID_ROLE, customer.id)
            self.results.addItem(item)
        for device in devices:
            number = device.serial or device.imei
            text = self.tr("Device: %1 %2 (%3)")
            text = text.replace("%1", device.title).replace("%2", number)
            item = QListWidgetItem(text.replace("%3", device.customer_name))
            item.setData(KIND_ROLE, "device")
            item.setData(ID_ROLE, device.id)
            item.setData(OWNER_ROLE, device.customer_id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _show_error(self, problem: Exception) -> None:
        self.results.clear()
        self.results.addItem(QListWidgetItem(str(problem)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        is_key = isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
        if watched is self.edit and is_key:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                count = self.results.count()
                if count:
                    row = max(0, min(count - 1, self.results.currentRow() + step))
                    self.results.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():
                    self.run_search()
                item = self.results.currentItem()
                if item is not None:
                    self._choose(item)
                return True
        return super().eventFilter(watched, event)

    def _choose(self, item: QListWidgetItem) -> None:
        kind = item.data(KIND_ROLE)
        if kind == "customer":
            self.customer_chosen.emit(item.data(ID_ROLE))
        elif kind == "ticket":
            self.ticket_chosen.emit(item.data(ID_ROLE))
        elif kind == "device":
            self.device_chosen.emit(item.data(ID_ROLE))
            self.customer_chosen.emit(item.data(OWNER_ROLE))
        else:
            return
        self.accept()
