"""The right-hand pane of the customers screen: one customer, their devices and their
account."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.customers import CustomerDetail
from desktop.services.devices import DeviceInfo
from desktop.views.customers.account import CustomerAccountSection
from desktop.views.formatting import local_time
from desktop.views.inventory.money_input import ShopMoney


class CustomerDetailPane(QWidget):
    """Shows a customer; asks the page to add or edit a device through its signals."""

    add_device_requested = Signal()
    new_ticket_requested = Signal(object, object)  # customer id, device id or None
    edit_device_requested = Signal(object)  # device id

    def __init__(self, money: ShopMoney, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.customer: CustomerDetail | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.title.setWordWrap(True)
        self._values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (
            ("company", self.tr("Company")),
            ("phones", self.tr("Phones")),
            ("email", self.tr("Email")),
            ("address", self.tr("Address")),
            ("tags", self.tr("Tags")),
            ("consent", self.tr("Marketing")),
            ("birth_date", self.tr("Birth date")),
            ("notes", self.tr("Notes")),
            ("created", self.tr("Created")),
            ("updated", self.tr("Updated")),
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._values[key] = value
            form.addRow(label, value)
        self.devices = QListWidget()
        self.devices.itemDoubleClicked.connect(self._on_devices_item_double_clicked)
        self.add_device_button = QPushButton(self.tr("Add device"))
        self.edit_device_button = QPushButton(self.tr("Edit device"))
        self.add_device_button.clicked.connect(self.add_device_requested)
        self.edit_device_button.clicked.connect(self._on_edit_device_clicked)
        self.new_ticket_button = QPushButton(self.tr("New ticket"))
        self.new_ticket_button.setToolTip(self.tr("A repair ticket for this customer and device"))
        self.new_ticket_button.clicked.connect(self._on_new_ticket_clicked)
        self.devices.currentRowChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_device_button)
        buttons.addWidget(self.edit_device_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_ticket_button)
        self.placeholder = QLabel(self.tr("Choose a customer on the left, or press New."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.title)
        body.addLayout(form)
        body.addWidget(QLabel(self.tr("Devices")))
        body.addWidget(self.devices, 1)
        body.addLayout(buttons)
        self.account = CustomerAccountSection(money)
        account_title = QLabel(self.tr("Account"))
        account_title.setStyleSheet("font-weight: 600;")
        body.addWidget(account_title)
        body.addWidget(self.account, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.body)
        self.show_customer(None, [])

    def value(self, key: str) -> str:
        return self._values[key].text()

    def show_customer(self, customer: CustomerDetail | None, devices: list[DeviceInfo]) -> None:
        self.customer = customer
        self.placeholder.setVisible(customer is None)
        self.body.setVisible(customer is not None)
        self.devices.clear()
        if customer is None or (
            self.account.account and self.account.account.customer_id != customer.id
        ):
            self.account.show_account(None)
        if customer is None:
            return
        self.title.setText(customer.name)
        phones = [f"{p.number} ({p.label})" if p.label else p.number for p in customer.phones]
        born = customer.birth_date.isoformat() if customer.birth_date else ""
        consent = (
            self.tr("Agrees to offers") if customer.marketing_consent else self.tr("No offers")
        )
        for key, text in (
            ("company", customer.company),
            ("phones", "\n".join(phones)),
            ("email", customer.email),
            ("address", customer.address),
            ("tags", ", ".join(customer.tags)),
            ("consent", consent),
            ("birth_date", born),
            ("notes", customer.notes),
            ("created", local_time(customer.created_at)),
            ("updated", local_time(customer.updated_at)),
        ):
            self._values[key].setText(text)
        for device in devices:
            extra = device.serial or device.imei
            item = QListWidgetItem(f"{device.title}  {extra}".strip())
            item.setData(Qt.ItemDataRole.UserRole, device.id)
            self.devices.addItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.edit_device_button.setEnabled(self.devices.currentItem() is not None)

    def selected_device(self) -> uuid.UUID | None:
        item = self.devices.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _on_edit_device_clicked(self) -> None:
        device = self.selected_device()
        if device is not None:
            self.edit_device_requested.emit(device)

    def _on_new_ticket_clicked(self) -> None:
        if self.customer is not None:
            self.new_ticket_requested.emit(self.customer.id, self.selected_device())

    def _on_devices_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.edit_device_requested.emit(item.data(Qt.ItemDataRole.UserRole))
