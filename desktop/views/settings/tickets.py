"""Ticket settings (owner): intake terms, the default warranty, and the statuses."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.services.tickets import StatusCategory, StatusInfo
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, with_error

ID_ROLE = Qt.ItemDataRole.UserRole


def category_labels() -> dict[str, str]:
    return {category: category.label for category in StatusCategory}


class TicketSettings(QWidget):
    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._statuses: list[StatusInfo] = []
        self.errors = FieldErrors(error_label())
        self.status_errors = FieldErrors(error_label())
        self.saved = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self._terms_box())
        layout.addWidget(self._statuses_box(), 1)
        self.reload()

    def _terms_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Intake"))
        self.terms = QPlainTextEdit()
        self.terms.setMaximumHeight(120)
        self.warranty_days = QSpinBox()
        self.warranty_days.setRange(0, 3650)
        self.warranty_days.setSuffix(self.tr(" days"))
        self.parts_mode = QComboBox()
        self.parts_mode.addItem(self.tr("Take them out of stock at once"), "consume")
        self.parts_mode.addItem(self.tr("Reserve them until the repair is ready"), "reserve")
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save_terms)
        form = QFormLayout(box)
        form.addRow(
            self.tr("Terms the customer agrees to"),
            with_error(self.errors, "ticket_terms", self.terms),
        )
        form.addRow(
            self.tr("Repair warranty"),
            with_error(self.errors, "warranty_days", self.warranty_days),
        )
        form.addRow(
            self.tr("Parts put on a ticket"),
            with_error(self.errors, "ticket_parts_mode", self.parts_mode),
        )
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved, 1)
        form.addRow("", self.errors.general)
        form.addRow("", row)
        return box

    def _statuses_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Statuses"))
        self.status_list = QListWidget()
        self.status_list.currentRowChanged.connect(self._on_status_list_current_row_changed)
        self.name = QLineEdit()
        self.category = QComboBox()
        for value, label in category_labels().items():
            self.category.addItem(self.tr(label), value.value)
        self.notify = QCheckBox(self.tr("Tell the customer when a ticket gets here"))
        self.up_button = QPushButton(self.tr("Move up"))
        self.down_button = QPushButton(self.tr("Move down"))
        self.retire_button = QPushButton(self.tr("Retire"))
        self.new_button = QPushButton(self.tr("New status"))
        self.save_status_button = QPushButton(self.tr("Save status"))
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.retire_button.clicked.connect(self.retire)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.save_status_button.clicked.connect(self.save_status)
        moves = QVBoxLayout()
        for button in (self.up_button, self.down_button, self.retire_button):
            moves.addWidget(button)
        moves.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.status_list, 1)
        top.addLayout(moves)
        form = QFormLayout()
        form.addRow(self.tr("Name"), with_error(self.status_errors, "name", self.name))
        form.addRow(self.tr("Category"), with_error(self.status_errors, "category", self.category))
        form.addRow("", self.notify)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_status_button)
        buttons.addStretch(1)
        hint = QLabel(
            self.tr(
                "The category decides what a status means: overdue tickets, the warranty "
                "start, and who may close or reopen."
            )
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addLayout(top, 1)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.status_errors.general)
        layout.addLayout(buttons)
        return box

    # -- loading ----------------------------------------------------------------------

    def reload(self, select: uuid.UUID | None = None) -> None:
        profile = self._services.shop.profile()
        self.terms.setPlainText(profile.ticket_terms)
        self.warranty_days.setValue(profile.warranty_days)
        self.parts_mode.setCurrentIndex(max(self.parts_mode.findData(profile.ticket_parts_mode), 0))
        current = select or self._selected_id()
        self._statuses = self._services.tickets.statuses()
        labels = category_labels()
        self.status_list.blockSignals(True)
        self.status_list.clear()
        for status in self._statuses:
            text = f"{status.name}  ·  {self.tr(labels[StatusCategory(status.category)])}"
            if status.notify_customer:
                text += "  ·  " + self.tr("tells the customer")
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, str(status.id))
            self.status_list.addItem(item)
        self.status_list.blockSignals(False)
        ids = [str(s.id) for s in self._statuses]
        row = ids.index(str(current)) if current is not None and str(current) in ids else 0
        self.status_list.setCurrentRow(row)
        self._on_status_list_current_row_changed(row)
        self._apply_permissions()

    def _apply_permissions(self) -> None:
        may_shop = self._services.ctx.can(Permission.MANAGE_SHOP)
        may_statuses = self._services.ctx.can(Permission.MANAGE_TICKET_STATUSES)
        self.terms.setReadOnly(not may_shop)
        self.warranty_days.setEnabled(may_shop)
        self.parts_mode.setEnabled(may_shop)
        self.save_button.setEnabled(may_shop)
        for widget in (
            self.name,
            self.category,
            self.notify,
            self.up_button,
            self.down_button,
            self.retire_button,
            self.new_button,
            self.save_status_button,
        ):
            widget.setEnabled(may_statuses)

    def _selected_id(self) -> uuid.UUID | None:
        item = self.status_list.currentItem()
        return uuid.UUID(item.data(ID_ROLE)) if item is not None else None

    def _on_status_list_current_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self._statuses):
            return
        status = self._statuses[row]
        self.name.setText(status.name)
        self.category.setCurrentIndex(max(self.category.findData(status.category), 0))
        self.notify.setChecked(status.notify_customer)
        self.status_errors.clear()

    def _on_new_clicked(self) -> None:
        self.status_list.clearSelection()
        self.status_list.setCurrentRow(-1)
        self.name.clear()
        self.notify.setChecked(False)
        self.name.setFocus()

    # -- saving -----------------------------------------------------------------------

    def _act(self, errors: FieldErrors, fn: Callable[[], object]) -> bool:
        errors.clear()
        try:
            fn()
        except ValidationError as invalid:
            errors.show(invalid.errors)
            return False
        except BenchsideError as problem:
            errors.show_general(str(problem))
            return False
        self._bus.publish(Changes(shop=True))
        return True

    def save_terms(self) -> bool:
        ok = self._act(
            self.errors,
            lambda: self._services.shop.update_ticket_settings(
                self.terms.toPlainText(),
                self.warranty_days.value(),
                self.parts_mode.currentData(),
            ),
        )
        self.saved.setText(self.tr("Saved.") if ok else "")
        return ok

    def save_status(self) -> bool:
        status_id = self._selected_id()
        saved: list[StatusInfo] = []

        def save() -> None:
            saved.append(
                self._services.ticket_statuses.save_status(
                    self.name.text(),
                    self.category.currentData(),
                    self.notify.isChecked(),
                    status_id,
                )
            )

        if not self._act(self.status_errors, save):
            return False
        self.reload(saved[0].id)
        return True

    def move(self, step: int) -> bool:
        row = self.status_list.currentRow()
        target = row + step
        if not (0 <= row < len(self._statuses) and 0 <= target < len(self._statuses)):
            return False
        ordered = [s.id for s in self._statuses]
        ordered[row], ordered[target] = ordered[target], ordered[row]
        if not self._act(
            self.status_errors, lambda: self._services.ticket_statuses.reorder_statuses(ordered)
        ):
            return False
        self.reload(ordered[target])
        return True

    def retire(self) -> bool:
        status_id = self._selected_id()
        if status_id is None:
            return False
        if not self._act(
            self.status_errors,
            lambda: self._services.ticket_statuses.deactivate_status(status_id),
        ):
            return False
        self.reload()
        return True
