"""Create or edit a customer; field errors appear beside the fields, and a possible
duplicate is offered to open instead."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.customers import (
    CustomerDetail,
    CustomerInput,
    DuplicateCustomer,
    PhoneInput,
)
from desktop.services.errors import BenchsideError, ValidationError
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, with_error

NO_DATE = QDate(1900, 1, 1)


class PhoneRow(QWidget):
    removed = Signal(object)

    def __init__(self, number: str = "", label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = QLineEdit(number)
        self.number.setPlaceholderText(self.tr("Phone number"))
        self.label = QLineEdit(label)
        self.label.setPlaceholderText(self.tr("Label (mobile, work…)"))
        self.label.setMaximumWidth(140)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda: self.removed.emit(self))
        self.error = error_label()
        grid = QVBoxLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        line.addWidget(self.number, 1)
        line.addWidget(self.label)
        line.addWidget(self.remove_button)
        grid.addLayout(line)
        grid.addWidget(self.error)


class CustomerEditor(QDialog):
    """``customer_saved(CustomerDetail)`` after a save; ``existing_chosen(uuid)`` when the
    user prefers to open a matching customer instead of creating a duplicate."""

    customer_saved = Signal(object)
    existing_chosen = Signal(object)

    def __init__(
        self,
        services: Services,
        bus: DataBus | None = None,
        customer_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._customer_id = customer_id
        self.saved: CustomerDetail | None = None
        self.chosen_existing: uuid.UUID | None = None
        self.setWindowTitle(
            self.tr("New customer") if customer_id is None else self.tr("Edit customer")
        )
        self.setMinimumWidth(520)
        self._build()
        if customer_id is not None:
            self._load(services.customers.get(customer_id))
        else:
            self.add_phone()

    # -- layout -----------------------------------------------------------------------

    def _build(self) -> None:
        general = error_label()
        self.errors = FieldErrors(general)
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.company = QLineEdit()
        self.email = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setFixedHeight(60)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("Comma-separated, e.g. vip, business"))
        self.consent = QCheckBox(self.tr("Agrees to receive offers and news"))
        self.birth_date = QDateEdit()
        self.birth_date.setCalendarPopup(True)
        self.birth_date.setMinimumDate(NO_DATE)
        self.birth_date.setSpecialValueText(self.tr("Not given"))
        self.birth_date.setDisplayFormat("yyyy-MM-dd")
        self.birth_date.setDate(NO_DATE)

        self._phones_box = QVBoxLayout()
        self._phones_box.setContentsMargins(0, 0, 0, 0)
        self.phone_rows: list[PhoneRow] = []
        add_phone = QPushButton(self.tr("Add phone"))
        add_phone.setAutoDefault(False)
        add_phone.clicked.connect(lambda: self.add_phone())
        phones = QWidget()
        phones_layout = QVBoxLayout(phones)
        phones_layout.setContentsMargins(0, 0, 0, 0)
        phones_layout.addLayout(self._phones_box)
        phones_layout.addWidget(add_phone)
        self.phones_error = self.errors.add("phones", error_label())
        phones_layout.addWidget(self.phones_error)

        form = QFormLayout()
        for field, title, widget in (
            ("first_name", self.tr("First name"), self.first_name),
            ("last_name", self.tr("Last name"), self.last_name),
            ("company", self.tr("Company"), self.company),
            ("email", self.tr("Email"), self.email),
            ("address", self.tr("Address"), self.address),
            ("tags", self.tr("Tags"), self.tags),
            ("birth_date", self.tr("Birth date"), self.birth_date),
            ("notes", self.tr("Notes"), self.notes),
        ):
            form.addRow(title, with_error(self.errors, field, widget))
            if field == "company":
                form.addRow(self.tr("Phones"), phones)
        form.addRow("", self.consent)

        self.duplicate_panel = self._duplicate_panel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addWidget(self.duplicate_panel)
        layout.addWidget(self.buttons)

    def _duplicate_panel(self) -> QFrame:
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setStyleSheet("QFrame { background: #fff4e5; }")
        layout = QVBoxLayout(panel)
        layout.addWidget(
            QLabel(self.tr("A customer with this phone number or email already exists:"))
        )
        self.duplicate_list = QListWidget()
        self.duplicate_list.setMaximumHeight(90)
        self.duplicate_list.itemDoubleClicked.connect(lambda _item: self.open_existing())
        layout.addWidget(self.duplicate_list)
        row = QHBoxLayout()
        self.open_existing_button = QPushButton(self.tr("Open existing"))
        self.create_anyway_button = QPushButton(self.tr("Create anyway"))
        self.cancel_duplicate_button = QPushButton(self.tr("Cancel"))
        for button in (
            self.open_existing_button,
            self.create_anyway_button,
            self.cancel_duplicate_button,
        ):
            button.setAutoDefault(False)
            row.addWidget(button)
        self.open_existing_button.clicked.connect(self.open_existing)
        self.create_anyway_button.clicked.connect(lambda: self.save(allow_duplicate=True))
        self.cancel_duplicate_button.clicked.connect(self._hide_duplicates)
        layout.addLayout(row)
        panel.hide()
        return panel

    # -- phones -----------------------------------------------------------------------

    def add_phone(self, number: str = "", label: str = "") -> PhoneRow:
        row = PhoneRow(number, label)
        row.removed.connect(self._on_phone_row_removed)
        self.phone_rows.append(row)
        self._phones_box.addWidget(row)
        self._renumber_phone_errors()
        return row

    def _on_phone_row_removed(self, row: PhoneRow) -> None:
        self.phone_rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self._renumber_phone_errors()

    def _renumber_phone_errors(self) -> None:
        for index in range(len(self.phone_rows) + 1):
            self.errors.remove(f"phone_{index}")
        for index, row in enumerate(self.phone_rows):
            self.errors.add(f"phone_{index}", row.error)

    # -- data -------------------------------------------------------------------------

    def _load(self, customer: CustomerDetail) -> None:
        self.first_name.setText(customer.first_name)
        self.last_name.setText(customer.last_name)
        self.company.setText(customer.company)
        self.email.setText(customer.email)
        self.address.setPlainText(customer.address)
        self.notes.setPlainText(customer.notes)
        self.tags.setText(", ".join(customer.tags))
        self.consent.setChecked(customer.marketing_consent)
        if customer.birth_date is not None:
            born = customer.birth_date
            self.birth_date.setDate(QDate(born.year, born.month, born.day))
        for phone in customer.phones:
            self.add_phone(phone.number, phone.label)
        if not customer.phones:
            self.add_phone()

    def customer_input(self) -> CustomerInput:
        born = self.birth_date.date()
        return CustomerInput(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            company=self.company.text(),
            phones=[PhoneInput(r.number.text(), r.label.text()) for r in self.phone_rows],
            email=self.email.text(),
            address=self.address.toPlainText(),
            notes=self.notes.toPlainText(),
            tags=[t for t in self.tags.text().split(",") if t.strip()],
            marketing_consent=self.consent.isChecked(),
            birth_date=None if born == NO_DATE else born.toPython(),
        )

    def save(self, allow_duplicate: bool = False) -> None:
        """Validate and save; on problems show them and keep the dialog open."""
        self.errors.clear()
        data = self.customer_input()
        customers = self._services.customers
        try:
            if self._customer_id is None:
                saved = customers.create(data, allow_duplicate=allow_duplicate)
            else:
                saved = customers.update(self._customer_id, data)
        except DuplicateCustomer as duplicate:
            self._show_duplicates(duplicate)
            return
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.saved = saved
        if self._bus is not None:
            self._bus.publish(Changes(customers=frozenset({saved.id})))
        self.customer_saved.emit(saved)
        self.accept()

    def _show_duplicates(self, duplicate: DuplicateCustomer) -> None:
        self.duplicate_list.clear()
        for match in duplicate.matches:
            details = " · ".join(p for p in (match.phone, match.email) if p)
            item = QListWidgetItem(f"{match.name}  {details}".strip())
            item.setData(Qt.ItemDataRole.UserRole, match.id)
            self.duplicate_list.addItem(item)
        self.duplicate_list.setCurrentRow(0)
        self.duplicate_panel.show()
        self.save_button.setEnabled(False)

    def _hide_duplicates(self) -> None:
        self.duplicate_panel.hide()
        self.save_button.setEnabled(True)

    def open_existing(self) -> None:
        item = self.duplicate_list.currentItem()
        if item is None:
            return
        self.chosen_existing = item.data(Qt.ItemDataRole.UserRole)
        self.existing_chosen.emit(self.chosen_existing)
        self.reject()
