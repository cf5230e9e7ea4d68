"""New ticket at the counter: customer, device, problem, condition, estimate, deposit,
signature."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.money import format_money, parse_money
from desktop.services.printing import DocumentKind, TargetType
from desktop.services.sales_types import PaymentInput
from desktop.services.ticket_payments import DepositTaken
from desktop.services.tickets import TicketDetail, TicketInput
from desktop.views.bus import DataBus
from desktop.views.customers.matches import show_matches
from desktop.views.formatting import local_date
from desktop.views.forms import FieldErrors, error_label, row_widget, with_error
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.tickets.choices import add_priorities, add_technicians
from desktop.views.tickets.deposit import DepositFields, deposit_methods
from desktop.views.tickets.detail_tabs import PHOTO_FILTER
from desktop.views.tickets.signature_pad import SignaturePad

COMMON_PROBLEMS = (
    "Cracked screen",
    "Battery drains fast",
    "Charging port",
    "Water damage",
    "No power",
    "Software / won't boot",
    "Camera",
    "Speaker / microphone",
    "Buttons",
    "Data recovery",
)
CONDITION_ITEMS = (
    "Powers on",
    "Screen cracked",
    "Back cracked",
    "Scratches",
    "Dents",
    "Water indicator tripped",
    "Missing screws",
    "Buttons work",
    "Touch works",
    "Cameras work",
)
ACCESSORIES = ("Charger", "Cable", "Case", "SIM card", "Memory card", "Stylus", "Box")
ID_ROLE = Qt.ItemDataRole.UserRole


class IntakeDialog(QDialog):
    """``ticket_created(TicketDetail)`` once the ticket is saved."""

    ticket_created = Signal(object)

    def __init__(
        self,
        services: Services,
        bus: DataBus | None = None,
        customer_id: uuid.UUID | None = None,
        device_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._shop = services.shop.profile()
        self.customer_id: uuid.UUID | None = None
        self.warranty_offered = False
        self.photo_files: list[Path] = []
        self.created: TicketDetail | None = None
        self.deposit_taken: DepositTaken | None = None
        self.deposit_problem: QMessageBox | None = None
        self.setWindowTitle(self.tr("New repair ticket"))
        self.errors = FieldErrors(error_label())
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._run_search)
        self._build()
        self.resize(1080, 760)
        if customer_id is not None:
            self.choose_customer(customer_id, device_id)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)

    # -- layout -----------------------------------------------------------------------

    def _build(self) -> None:
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._customer_box())
        left.addWidget(self._device_box())
        left.addWidget(self._problem_box(), 1)
        right.addWidget(self._condition_box())
        right.addWidget(self._estimate_box())
        right.addWidget(self._deposit_box())
        right.addWidget(self._terms_box(), 1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        body = QWidget()
        body.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)

        self.print_claim = QCheckBox(self.tr("Print the claim receipt"))
        self.print_label = QCheckBox(self.tr("Print the device label"))
        printing = self._services.printing
        for box, kind in (
            (self.print_claim, DocumentKind.CLAIM_RECEIPT),
            (self.print_label, DocumentKind.DEVICE_LABEL),
        ):
            target = printing.target(kind)
            box.setChecked(target.type is not TargetType.NONE)
            box.setToolTip(target.describe())
        self.photos_button = QPushButton(self.tr("Photos of the device…"))
        self.photos_button.clicked.connect(self.choose_photos)
        self.photos_label = QLabel()
        prints = QHBoxLayout()
        prints.addWidget(self.photos_button)
        prints.addWidget(self.photos_label)
        prints.addStretch(1)
        prints.addWidget(self.print_claim)
        prints.addWidget(self.print_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Create ticket"))
        self.save_button.setToolTip(self.tr("Ctrl+Enter"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(prints)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)

    def _customer_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Customer"))
        self.customer_search = QLineEdit()
        self.customer_search.setPlaceholderText(self.tr("Name, phone or email…"))
        self.customer_search.setClearButtonEnabled(True)
        self.customer_search.textEdited.connect(lambda _t: self._search_timer.start())
        self.customer_search.returnPressed.connect(self._on_customer_search_return_pressed)
        self.customer_results = QListWidget()
        self.customer_results.setMaximumHeight(140)
        self.customer_results.hide()
        self.customer_results.itemActivated.connect(self._on_customer_results_item_activated)
        self.customer_results.itemClicked.connect(self._on_customer_results_item_activated)
        self.customer_label = QLabel(self.tr("No customer chosen"))
        self.customer_label.setStyleSheet("font-weight: 600;")
        self.new_customer_button = QPushButton(self.tr("New customer…"))
        self.new_customer_button.clicked.connect(self.new_customer)
        row = QHBoxLayout()
        row.addWidget(self.customer_search, 1)
        row.addWidget(self.new_customer_button)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.customer_results)
        layout.addWidget(with_error(self.errors, "customer", self.customer_label))
        return box

    def _device_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Device"))
        self.device = QComboBox()
        self.device.currentIndexChanged.connect(self._on_device_current_index_changed)
        self.new_device_button = QPushButton(self.tr("New device…"))
        self.new_device_button.clicked.connect(self.new_device)
        self.new_device_button.setEnabled(False)
        self.passcode = QLineEdit()
        self.passcode.setPlaceholderText(self.tr("PIN, password, or pattern like 1-5-9-6"))
        self.warranty = QCheckBox()
        self.warranty.setVisible(False)
        self.warranty.setStyleSheet("color: #8a5300; font-weight: 600;")
        row = QHBoxLayout()
        row.addWidget(self.device, 1)
        row.addWidget(self.new_device_button)
        form = QFormLayout(box)
        form.addRow(self.tr("Device"), with_error(self.errors, "device", row_widget(row)))
        form.addRow(self.tr("Passcode"), with_error(self.errors, "passcode", self.passcode))
        form.addRow("", self.warranty)
        return box

    def _problem_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Problem"))
        grid = QGridLayout()
        for index, problem in enumerate(COMMON_PROBLEMS):
            button = QPushButton(self.tr(problem))
            button.setObjectName("commonProblem")
            button.clicked.connect(lambda _c=False, p=problem: self.add_problem(self.tr(p)))
            grid.addWidget(button, index // 3, index % 3)
        self.problem = QPlainTextEdit()
        self.problem.setPlaceholderText(self.tr("What the customer says is wrong"))
        self.problem.setTabChangesFocus(True)
        layout = QVBoxLayout(box)
        layout.addLayout(grid)
        layout.addWidget(with_error(self.errors, "problem", self.problem), 1)
        return box

    def _condition_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Condition and accessories"))
        grid = QGridLayout()
        self.condition: dict[str, QCheckBox] = {}
        for index, item in enumerate(CONDITION_ITEMS):
            check = QCheckBox(self.tr(item))
            self.condition[item] = check
            grid.addWidget(check, index // 3, index % 3)
        self.condition_notes = QLineEdit()
        self.condition_notes.setPlaceholderText(self.tr("Other marks, damage, notes"))
        accessories = QGridLayout()
        self.accessories: dict[str, QCheckBox] = {}
        for index, item in enumerate(ACCESSORIES):
            check = QCheckBox(self.tr(item))
            self.accessories[item] = check
            accessories.addWidget(check, index // 4, index % 4)
        self.other_accessories = QLineEdit()
        self.other_accessories.setPlaceholderText(self.tr("Other items left, comma separated"))
        layout = QVBoxLayout(box)
        layout.addLayout(grid)
        layout.addWidget(with_error(self.errors, "condition_notes", self.condition_notes))
        layout.addWidget(QLabel(self.tr("Left with the device:")))
        layout.addLayout(accessories)
        layout.addWidget(self.other_accessories)
        return box

    def _estimate_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Estimate and promise"))
        self.estimate_labour = QLineEdit()
        self.estimate_parts = QLineEdit()
        for edit in (self.estimate_labour, self.estimate_parts):
            edit.setPlaceholderText(format_money(0, self._shop.currency, self._shop.locale))
            edit.textChanged.connect(self._update_total)
        self.estimate_total = QLabel()
        self.promise = QCheckBox(self.tr("Promise a time"))
        self.promised_at = QDateTimeEdit()
        self.promised_at.setCalendarPopup(True)
        self.promised_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        tomorrow = QDateTime.currentDateTime().addDays(1)
        tomorrow.setTime(QTime(17, 0))
        self.promised_at.setDateTime(tomorrow)
        self.promised_at.setEnabled(False)
        self.promise.toggled.connect(self.promised_at.setEnabled)
        self.promise.toggled.connect(lambda _on: self._update_promise_warning())
        self.promised_at.dateTimeChanged.connect(lambda _d: self._update_promise_warning())
        self.promise_warning = QLabel()
        self.promise_warning.setStyleSheet("color: #8a5300;")
        self.promise_warning.hide()
        self.priority = QComboBox()
        add_priorities(self.priority)
        self.priority.setCurrentIndex(1)
        self.technician = QComboBox()
        self.technician.addItem(self.tr("Unassigned"), None)
        add_technicians(self.technician, self._services)
        promise = QHBoxLayout()
        promise.addWidget(self.promise)
        promise.addWidget(self.promised_at, 1)
        form = QFormLayout(box)
        form.addRow(
            self.tr("Labour"), with_error(self.errors, "estimate_labour", self.estimate_labour)
        )
        form.addRow(
            self.tr("Expected parts"),
            with_error(self.errors, "estimate_parts", self.estimate_parts),
        )
        form.addRow(self.tr("Estimate total"), self.estimate_total)
        form.addRow(
            self.tr("Promised"),
            with_error(self.errors, "promised_at", row_widget(promise), self.promise_warning),
        )
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(self.tr("Technician"), with_error(self.errors, "assigned_to", self.technician))
        self._update_total()
        return box

    def _deposit_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Deposit (optional)"))
        methods = deposit_methods(self._services.sales.payment_methods())
        self.deposit = DepositFields(ShopMoney(self._services), methods, self.errors)
        layout = QVBoxLayout(box)
        layout.addWidget(self.deposit)
        return box

    def _terms_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Terms and signature"))
        self.terms = QPlainTextEdit(self._shop.ticket_terms)
        self.terms.setReadOnly(True)
        self.terms.setMaximumHeight(90)
        self.consent = QCheckBox(self.tr("The customer has read and agrees to these terms"))
        self.signer_name = QLineEdit()
        self.signer_name.setPlaceholderText(self.tr("Name of the person signing"))
        self.signature = SignaturePad()
        self.signature.changed.connect(self._on_signature_changed)
        clear = QPushButton(self.tr("Clear signature"))
        clear.clicked.connect(self.signature.clear)
        row = QHBoxLayout()
        row.addWidget(self.signer_name, 1)
        row.addWidget(clear)
        layout = QVBoxLayout(box)
        layout.addWidget(self.terms)
        layout.addWidget(with_error(self.errors, "signature_consent", self.consent))
        layout.addWidget(with_error(self.errors, "signature", self.signature))
        layout.addLayout(row)
        return box

    # -- customer and device --------------------------------------------------------

    def _run_search(self) -> None:
        self.customer_results.clear()
        text = self.customer_search.text().strip()
        if not text:
            return
        try:
            found = self._services.customers.search(text, limit=20)
        except BenchsideError as error:
            self.errors.show_general(str(error))
            return
        self.customer_results.setVisible(bool(found))
        show_matches(self.customer_results, found)

    def _on_customer_search_return_pressed(self) -> None:
        self._search_timer.stop()
        self._run_search()
        item = self.customer_results.currentItem()
        if item is not None:
            self._on_customer_results_item_activated(item)

    def _on_customer_results_item_activated(self, item: QListWidgetItem) -> None:
        self.choose_customer(item.data(ID_ROLE))

    def choose_customer(self, customer_id: uuid.UUID, device_id: uuid.UUID | None = None) -> None:
        customer = self._services.customers.get(customer_id)
        self.customer_id = customer.id
        phone = customer.phones[0].number if customer.phones else ""
        self.customer_label.setText(" · ".join(p for p in (customer.name, phone) if p))
        if not self.signer_name.text():
            self.signer_name.setText(customer.name)
        self.customer_results.clear()
        self.customer_results.hide()
        self.new_device_button.setEnabled(True)
        self._fill_devices(device_id)
        self.problem.setFocus()

    def _fill_devices(self, select: uuid.UUID | None = None) -> None:
        self.device.blockSignals(True)
        self.device.clear()
        self.device.addItem(self.tr("Choose the device…"), None)
        if self.customer_id is not None:
            for device in self._services.devices.for_customer(self.customer_id):
                extra = device.imei or device.serial
                self.device.addItem(f"{device.title}  {extra}".strip(), str(device.id))
        index = self.device.findData(str(select)) if select is not None else -1
        self.device.setCurrentIndex(index if index >= 0 else min(1, self.device.count() - 1))
        self.device.blockSignals(False)
        self._on_device_current_index_changed(self.device.currentIndex())

    def _on_device_current_index_changed(self, _index: int) -> None:
        device_id = self._device_id()
        matches = self._services.tickets.warranty_matches(device_id) if device_id else []
        self.warranty_offered = bool(matches)
        self.warranty.setVisible(self.warranty_offered)
        if matches:
            match = matches[0]
            self.warranty.setText(
                self.tr("Comeback: under warranty of {number} until {date}").format(
                    number=match.number, date=local_date(match.until)
                )
            )
            self.warranty.setChecked(True)

    def _device_id(self) -> uuid.UUID | None:
        return _uuid(self.device.currentData())

    def new_customer(self) -> QDialog:
        from desktop.views.customers.editor import CustomerEditor

        editor = CustomerEditor(self._services, self._bus, parent=self)
        editor.customer_saved.connect(lambda saved: self.choose_customer(saved.id))
        editor.existing_chosen.connect(self.choose_customer)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open()
        return editor

    def new_device(self) -> QDialog | None:
        from desktop.views.customers.device_editor import DeviceEditor

        if self.customer_id is None:
            return None
        editor = DeviceEditor(self._services, self.customer_id, self._bus, parent=self)
        editor.device_saved.connect(lambda saved: self._fill_devices(saved.id))
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open()
        return editor

    # -- inputs -----------------------------------------------------------------------

    def add_problem(self, text: str) -> None:
        current = self.problem.toPlainText().strip()
        if text.lower() in current.lower():
            return
        self.problem.setPlainText(f"{current}\n{text}".strip() if current else text)
        self.problem.moveCursor(self.problem.textCursor().MoveOperation.End)

    def _money(self, field: str, edit: QLineEdit, problems: dict[str, str]) -> int:
        try:
            return parse_money(edit.text(), self._shop.currency, self._shop.locale)
        except ValueError:
            problems[field] = self.tr("Enter an amount like {example}.").format(
                example=format_money(2500, self._shop.currency, self._shop.locale)
            )
            return 0

    def _update_total(self) -> None:
        total = 0
        for edit in (self.estimate_labour, self.estimate_parts):
            try:
                total += parse_money(edit.text(), self._shop.currency, self._shop.locale)
            except ValueError:
                self.estimate_total.setText(self.tr("—"))
                return
        self.estimate_total.setText(format_money(total, self._shop.currency, self._shop.locale))

    def _promised(self) -> datetime | None:
        if not self.promise.isChecked():
            return None
        return self.promised_at.dateTime().toPython().astimezone().astimezone(UTC)

    def _update_promise_warning(self) -> None:
        promised = self._promised()
        past = promised is not None and promised < datetime.now(UTC)
        self.promise_warning.setText(self.tr("This time is already in the past."))
        self.promise_warning.setVisible(past)

    def _on_signature_changed(self) -> None:
        if not self.signature.is_empty():
            self.consent.setChecked(True)

    def choose_photos(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Photos of the device"), "", self.tr(PHOTO_FILTER)
        )
        self.set_photos([Path(f) for f in files])

    def set_photos(self, files: list[Path]) -> None:
        """Photos to attach once the ticket exists (they are scaled in the background)."""
        self.photo_files = list(files)
        self.photos_label.setText(self.tr("%n photo(s)", "", len(files)) if files else "")

    def documents_to_print(self) -> list[DocumentKind]:
        """What the counter asked to print for the new ticket."""
        chosen = [
            (self.print_claim, DocumentKind.CLAIM_RECEIPT),
            (self.print_label, DocumentKind.DEVICE_LABEL),
        ]
        return [kind for box, kind in chosen if box.isChecked()]

    def ticket_input(self) -> TicketInput:
        """What the form says, as the service takes it. Raises ``ValidationError``."""
        problems: dict[str, str] = {}
        labour = self._money("estimate_labour", self.estimate_labour, problems)
        parts = self._money("estimate_parts", self.estimate_parts, problems)
        if self.customer_id is None:
            problems["customer"] = self.tr("Find the customer or create a new one.")
        elif self._device_id() is None:
            problems["device"] = self.tr("Choose the device, or add it with New device….")
        if problems:
            raise ValidationError(problems)
        accessories = [name for name, box in self.accessories.items() if box.isChecked()]
        accessories += [a.strip() for a in self.other_accessories.text().split(",") if a.strip()]
        assert self.customer_id is not None
        return TicketInput(
            customer_id=self.customer_id,
            device_id=self._device_id(),
            problem=self.problem.toPlainText(),
            condition={name: box.isChecked() for name, box in self.condition.items()},
            condition_notes=self.condition_notes.text(),
            accessories=accessories,
            estimate_labour=labour,
            estimate_parts=parts,
            promised_at=self._promised(),
            priority=self.priority.currentData(),
            assigned_to_id=_uuid(self.technician.currentData()),
            signature_consent=self.consent.isChecked(),
            flag_warranty=self.warranty_offered and self.warranty.isChecked(),
            passcode=self.passcode.text(),
            signature_png=self.signature.to_png(),
            signer_name=self.signer_name.text(),
        )

    def deposit_input(self) -> PaymentInput | None:
        """The deposit to take once the ticket exists, if one was entered. Raises
        ``ValidationError``."""
        return None if self.deposit.is_empty() else self.deposit.payment()

    def save(self, confirm_past: bool = True) -> TicketDetail | None:
        self.errors.clear()
        problems: dict[str, str] = {}
        data: TicketInput | None = None
        deposit: PaymentInput | None = None
        try:
            data = self.ticket_input()
        except ValidationError as error:
            problems.update(error.errors)
        try:
            deposit = self.deposit_input()
        except ValidationError as error:
            problems.update(error.errors)
        if problems or data is None:
            self.errors.show(problems)
            return None
        promised = data.promised_at
        if (
            confirm_past
            and promised is not None
            and promised < datetime.now(UTC)
            and QMessageBox.question(
                self,
                self.tr("Promised time"),
                self.tr("The promised time is in the past. Create the ticket anyway?"),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return None
        try:
            created = self._services.tickets.create(data)
        except ValidationError as error:
            self.errors.show(error.errors)
            return None
        except BenchsideError as error:
            self.errors.show_general(str(error))
            return None
        self.created = created
        if deposit is not None:
            self._take_deposit(created, deposit)
        if self._bus is not None:
            self._bus.publish(
                Changes(tickets=frozenset({created.id}), customers=frozenset({created.customer_id}))
            )
        self.ticket_created.emit(created)
        self.accept()
        return created

    def _take_deposit(self, ticket: TicketDetail, deposit: PaymentInput) -> None:
        """The ticket is written first and stays whatever happens to the deposit: a
        deposit refused now (its method retired meanwhile, say) is reported, and can be
        taken on the ticket's Payments tab. Taken before the claim receipt is printed,
        so the receipt shows it."""
        try:
            self.deposit_taken = self._services.ticket_payments.take_deposit(ticket.id, [deposit])
        except BenchsideError as error:
            reason = str(error)
            if isinstance(error, ValidationError):
                reason = " ".join(error.errors.values())
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Deposit not taken"),
                self.tr(
                    "Ticket {number} was created, but the deposit was not taken: {reason}\n"
                    "Take it on the ticket's Payments tab."
                ).format(number=ticket.number, reason=reason),
                QMessageBox.StandardButton.Ok,
                self.parentWidget(),
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.deposit_problem = box
            box.open()


def _uuid(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None
