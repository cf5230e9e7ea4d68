"""The chosen item beside the list: stock per location, its movement history, where it
was used, serials and lots in stock, and the stock actions the user may take."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import NotFound
from desktop.services.items import ItemDetail
from desktop.services.money import format_money
from desktop.services.permissions import Permission
from desktop.views.bus import DataBus
from desktop.views.forms import read_only_rows
from desktop.views.inventory.stock_actions import (
    AddLocationDialog,
    StockAction,
    StockActionDialog,
)
from desktop.views.itemmodels.movements import MovementTableModel


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    read_only_rows(table, single=False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))


class ItemPanel(QWidget):
    edit_requested = Signal(object)  # item id
    labels_requested = Signal(object)  # item id

    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self.item: ItemDetail | None = None
        self.dialog: QDialog | None = None  # the stock dialog last opened

        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.total = QLabel()

        self.levels = _table([self.tr("Location"), self.tr("On hand"), self.tr("Average cost")])
        self.movements_model = MovementTableModel(services.stock, self)
        self.movements = QTableView()
        self.movements.setModel(self.movements_model)
        self.movements.verticalHeader().hide()
        self.movements.horizontalHeader().setStretchLastSection(True)
        self.movements.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.tickets = _table([self.tr("Ticket"), self.tr("Units"), self.tr("Status")])
        self.orders = _table(
            [self.tr("Order"), self.tr("Supplier"), self.tr("Units"), self.tr("Status")]
        )
        used = QWidget()
        used_layout = QVBoxLayout(used)
        used_layout.setContentsMargins(0, 0, 0, 0)
        used_layout.addWidget(QLabel(self.tr("Tickets")))
        used_layout.addWidget(self.tickets)
        used_layout.addWidget(QLabel(self.tr("Purchase orders")))
        used_layout.addWidget(self.orders)
        self.serials = QListWidget()
        self.lots = _table([self.tr("Lot"), self.tr("Expires"), self.tr("On hand")])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.levels, self.tr("Stock"))
        self.tabs.addTab(self.movements, self.tr("History"))
        self.tabs.addTab(used, self.tr("Used in"))
        self.tabs.addTab(self.serials, self.tr("Serials"))
        self.tabs.addTab(self.lots, self.tr("Lots"))

        self.edit_button = QPushButton(self.tr("Edit…"))
        self.labels_button = QPushButton(self.tr("Print labels…"))
        self.adjust_button = QPushButton(self.tr("Adjust…"))
        self.write_off_button = QPushButton(self.tr("Write off…"))
        self.transfer_button = QPushButton(self.tr("Transfer…"))
        self.add_location_button = QPushButton(self.tr("Add location…"))
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.labels_button.clicked.connect(self._on_labels_button_clicked)
        self.adjust_button.clicked.connect(lambda: self.open_action(StockAction.ADJUST))
        self.write_off_button.clicked.connect(lambda: self.open_action(StockAction.WRITE_OFF))
        self.transfer_button.clicked.connect(lambda: self.open_action(StockAction.TRANSFER))
        self.add_location_button.clicked.connect(self.add_location)
        first = QHBoxLayout()
        for button in (self.edit_button, self.labels_button):
            first.addWidget(button)
        first.addStretch(1)
        second = QHBoxLayout()
        for button in (
            self.adjust_button,
            self.write_off_button,
            self.transfer_button,
            self.add_location_button,
        ):
            second.addWidget(button)
        second.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.total)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addWidget(self.tabs, 1)
        bus.data_changed.connect(self._on_bus_data_changed)
        self.show_item(None)

    def _money(self, amount: int) -> str:
        shop = self._services.shop.profile()
        return format_money(amount, shop.currency, shop.locale)

    def show_item(self, item_id: uuid.UUID | None) -> None:
        """Show this item (None: nothing chosen); an item deleted meanwhile shows nothing."""
        item = None
        if item_id is not None:
            try:
                item = self._services.items.get(item_id)
            except NotFound:
                item = None
        self.item = item
        if item is None:
            self.title.setText(self.tr("No item chosen"))
            self.subtitle.setText(self.tr("Choose an item in the list or scan its barcode."))
            self.total.clear()
            for table in (self.levels, self.tickets, self.orders, self.lots):
                table.setRowCount(0)
            self.serials.clear()
            self.movements_model.show_item(None)
            self._update_buttons()
            return
        self.title.setText(
            item.name if item.active else self.tr("{name} (archived)").format(name=item.name)
        )
        codes = ", ".join(b.code for b in item.barcodes)
        details = [item.sku, item.category, item.brand, codes, item.bin_location]
        self.subtitle.setText(" · ".join(part for part in details if part))
        self._load_stock(item)
        self._update_buttons()

    def _load_stock(self, item: ItemDetail) -> None:
        stock = self._services.stock
        lists = self._services.item_lists
        price = self.tr("Price {price}").format(price=self._money(item.sell_price))
        if item.kind == "stock":
            units = stock.on_hand(item.id)
            self.total.setText(
                self.tr("{units} on hand · {price}").format(units=units, price=price)
            )
        else:
            self.total.setText(self.tr("Service · {price}").format(price=price))
        _fill(
            self.levels,
            [
                (level.location_name, str(level.on_hand), self._money(level.average_cost))
                for level in stock.levels(item.id)
            ],
        )
        self.movements_model.show_item(item.id)
        _fill(
            self.tickets,
            [
                (use.ticket_number, str(use.quantity), use.status)
                for use in lists.ticket_uses(item.id)
            ],
        )
        _fill(
            self.orders,
            [
                (use.order_number, use.supplier_name, str(use.quantity), use.status)
                for use in lists.order_uses(item.id)
            ],
        )
        self.serials.clear()
        if item.serialized:
            self.serials.addItems(stock.serials_in_stock(item.id))
        _fill(
            self.lots,
            [
                (
                    lot.code or "—",
                    lot.expires_on.isoformat() if lot.expires_on else "",
                    str(lot.on_hand),
                )
                for lot in lists.lots(item.id)
            ],
        )
        self.tabs.setTabVisible(3, item.serialized)
        self.tabs.setTabVisible(4, item.track_expiry)

    def _update_buttons(self) -> None:
        can = self._services.ctx.can
        chosen = self.item is not None
        stocked = chosen and self.item is not None and self.item.kind == "stock"
        self.edit_button.setEnabled(chosen)
        self.labels_button.setEnabled(chosen)
        for button in (self.adjust_button, self.write_off_button):
            button.setVisible(can(Permission.ADJUST_STOCK))
            button.setEnabled(stocked)
        self.transfer_button.setEnabled(stocked and can(Permission.RECEIVE_STOCK))
        self.add_location_button.setVisible(can(Permission.ADJUST_STOCK))

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if self.item is None:
            return
        if changes.everything or self.item.id in changes.items or self.item.id in changes.stock:
            self.show_item(self.item.id)
        elif changes.users:
            self._update_buttons()

    # -- actions ----------------------------------------------------------------------

    def _on_edit_button_clicked(self) -> None:
        if self.item is not None:
            self.edit_requested.emit(self.item.id)

    def _on_labels_button_clicked(self) -> None:
        if self.item is not None:
            self.labels_requested.emit(self.item.id)

    def open_action(self, action: StockAction) -> StockActionDialog | None:
        if self.item is None or self.item.kind != "stock":
            return None
        dialog = StockActionDialog(
            self._services, self._bus, self.item.id, self.item.name, action, self
        )
        self._open(dialog)
        return dialog

    def add_location(self) -> AddLocationDialog:
        dialog = AddLocationDialog(self._services, self)
        dialog.accepted.connect(lambda: self.show_item(self.item.id if self.item else None))
        self._open(dialog)
        return dialog

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
