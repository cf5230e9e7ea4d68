"""Posting stock by hand from an item's panel: adjust, write off, transfer, and a new
location. Each dialog calls one ``StockService`` method; what it refuses shows at the field."""

from __future__ import annotations

import uuid
from enum import StrEnum

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.items import MAX_QUANTITY
from desktop.services.stock import Location
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, with_error


class StockAction(StrEnum):
    ADJUST = "adjust"
    WRITE_OFF = "write_off"
    TRANSFER = "transfer"


class StockActionDialog(QDialog):
    """One stock posting for one item. Adjust takes units up or down with a reason; write
    off takes units out with a reason; transfer moves units between two locations."""

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        item_id: uuid.UUID,
        item_name: str,
        action: StockAction,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._item_id = item_id
        self.action = action
        self.posted = False
        titles = {
            StockAction.ADJUST: self.tr("Adjust stock of {name}"),
            StockAction.WRITE_OFF: self.tr("Write off {name}"),
            StockAction.TRANSFER: self.tr("Move {name} to another location"),
        }
        self.setWindowTitle(titles[action].format(name=item_name))
        self.errors = FieldErrors(error_label(self))
        locations: list[Location] = services.stock.locations()
        self.location = QComboBox()
        self.to_location = QComboBox()
        for location in locations:
            self.location.addItem(location.name, location.id)
            self.to_location.addItem(location.name, location.id)
        if len(locations) > 1:
            self.to_location.setCurrentIndex(1)
        self.quantity = QSpinBox()
        if action is StockAction.ADJUST:
            self.quantity.setRange(-MAX_QUANTITY, MAX_QUANTITY)
            self.quantity.setToolTip(self.tr("Units found (+) or missing (−)"))
        else:
            self.quantity.setRange(1, MAX_QUANTITY)
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(
            self.tr("Optional") if action is StockAction.TRANSFER else self.tr("Required")
        )
        form = QFormLayout()
        form.addRow(
            self.tr("From") if action is StockAction.TRANSFER else self.tr("Location"),
            with_error(self.errors, "location", self.location),
        )
        if action is StockAction.TRANSFER:
            form.addRow(self.tr("To"), with_error(self.errors, "to_location", self.to_location))
        else:
            self.to_location.hide()
        form.addRow(self.tr("Units"), with_error(self.errors, "quantity", self.quantity))
        form.addRow(self.tr("Reason"), with_error(self.errors, "reason", self.reason))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Post"))
        buttons.accepted.connect(self.post)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)

    def post(self) -> None:
        stock = self._services.stock
        location_id = self.location.currentData()
        try:
            if self.action is StockAction.ADJUST:
                stock.adjust(self._item_id, self.quantity.value(), self.reason.text(), location_id)
            elif self.action is StockAction.WRITE_OFF:
                stock.write_off(
                    self._item_id, self.quantity.value(), self.reason.text(), location_id
                )
            else:
                stock.transfer(
                    self._item_id,
                    location_id,
                    self.to_location.currentData(),
                    self.quantity.value(),
                    self.reason.text(),
                )
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.posted = True
        self._bus.publish(Changes(stock=frozenset({self._item_id})))
        self.accept()


class AddLocationDialog(QDialog):
    """A new place to keep stock (a back room, a van)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.added: Location | None = None
        self.setWindowTitle(self.tr("Add a stock location"))
        self.errors = FieldErrors(error_label(self))
        self.name = QLineEdit()
        self.name.setMaxLength(60)
        self.name.setPlaceholderText(self.tr("e.g. Back room, Van 1"))
        form = QFormLayout()
        form.addRow(self.tr("Name"), with_error(self.errors, "name", self.name))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)

    def add(self) -> None:
        try:
            self.added = self._services.stock.add_location(self.name.text())
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.accept()
