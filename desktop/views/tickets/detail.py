"""One ticket on screen: status, technician, bench work, labour, notes, photos, signatures,
and the device's earlier repairs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, NotFound, ValidationError
from desktop.services.money import format_money, parse_money
from desktop.services.printing import DocumentKind
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.services.ticket_work import BenchFields, WorkSaved
from desktop.services.tickets import TicketDetail, is_overdue
from desktop.views.bus import DataBus
from desktop.views.formatting import local_date, local_time
from desktop.views.forms import FieldErrors, error_label, row_widget, with_error
from desktop.views.printing.printer import DocumentPrinter
from desktop.views.tasks import TaskRunner
from desktop.views.tickets.choices import add_priorities, add_technicians
from desktop.views.tickets.detail_tabs import (
    DeviceHistoryTab,
    LabourTab,
    MessagesTab,
    NotesTab,
    PartsTab,
    PhotosTab,
    SignaturesTab,
)
from desktop.views.tickets.payments_tab import PaymentsTab

FIELD_TITLES = {
    "diagnosis": "Diagnosis",
    "work_done": "Work done",
    "estimate_labour": "Labour estimate",
    "estimate_parts": "Parts estimate",
    "promised_at": "Promised time",
    "priority": "Priority",
    "warranty_days": "Warranty",
}


class TicketWindow(QDialog):
    """A ticket, kept up to date while open. ``open_ticket_requested(uuid)`` asks the main
    window to open another ticket (from the device history); ``receipt_requested(document,
    open_drawer, automatic)`` asks for the receipt of its checkout, as the sale screen does."""

    open_ticket_requested = Signal(object)
    receipt_requested = Signal(object, bool, bool)

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        ticket_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self.ticket_id = ticket_id
        self.shop = services.shop.profile()
        self.ticket: TicketDetail = services.tickets.get(ticket_id)
        self._base = BenchFields.of(self.ticket)
        self._dirty = False
        self._publishing = False
        self.errors = FieldErrors(error_label())
        self._build()
        self._show(self.ticket)
        bus.data_changed.connect(self._on_bus_data_changed)
        self._listening = True
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_work)
        self.resize(1100, 780)

    def money(self, amount: int) -> str:
        return format_money(amount, self.shop.currency, self.shop.locale)

    # -- layout -----------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 20pt; font-weight: 700;")
        self.badges = QLabel()
        self.badges.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.due = QLabel()
        self.due.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.due.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

        self.status = QComboBox()
        for status in self._services.tickets.statuses():
            self.status.addItem(status.name, str(status.id))
        self.status_note = QLineEdit()
        self.status_note.setPlaceholderText(self.tr("Note for the status change (optional)"))
        self.change_status_button = QPushButton(self.tr("Change status"))
        self.change_status_button.clicked.connect(self.change_status)
        self.technician = QComboBox()
        self.technician.addItem(self.tr("Unassigned"), None)
        add_technicians(self.technician, self._services)
        self.technician.activated.connect(lambda _i: self.assign())

        header = QHBoxLayout()
        left = QVBoxLayout()
        title_row = QHBoxLayout()
        title_row.addWidget(self.title)
        title_row.addWidget(self.badges)
        title_row.addStretch(1)
        left.addLayout(title_row)
        left.addWidget(self.summary)
        header.addLayout(left, 1)
        header.addWidget(self.due)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Status")))
        controls.addWidget(self.status)
        controls.addWidget(self.status_note, 1)
        controls.addWidget(self.change_status_button)
        controls.addSpacing(20)
        controls.addWidget(QLabel(self.tr("Technician")))
        controls.addWidget(self.technician)
        controls.addWidget(self._print_button())

        self.tabs = QTabWidget()
        self.tabs.addTab(self._work_tab(), self.tr("Work"))
        self.labour_tab = LabourTab(self)
        self.notes_tab = NotesTab(self)
        self.photos_tab = PhotosTab(self)
        self.signatures_tab = SignaturesTab(self)
        self.history_tab = DeviceHistoryTab(self)
        self.messages_tab = MessagesTab(self)
        self.history_tab.open_ticket_requested.connect(self.open_ticket_requested)
        self.parts_tab = PartsTab(self)
        self.payments_tab = PaymentsTab(self)
        self.payments_tab.receipt_requested.connect(self.receipt_requested)
        self.tabs.addTab(self.labour_tab, self.tr("Labour"))
        self.tabs.addTab(self.parts_tab, self.tr("Parts"))
        self.tabs.addTab(self.payments_tab, self.tr("Payments"))
        self.tabs.addTab(self.notes_tab, self.tr("Notes and history"))
        self.tabs.addTab(self.photos_tab, self.tr("Photos"))
        self.tabs.addTab(self.signatures_tab, self.tr("Signatures and approval"))
        self.tabs.addTab(self.history_tab, self.tr("Device history"))
        self.tabs.addTab(self.messages_tab, self.tr("Messages"))

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "background: #fff4d6; color: #5c4200; padding: 6px; border-radius: 4px;"
        )
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(controls)
        layout.addWidget(self.notice)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.tabs, 1)

    def _print_button(self) -> QToolButton:
        self.printer = DocumentPrinter(self._services, self._tasks, self)
        self.printer.printed.connect(self._show_print_message)
        self.printer.failed.connect(self._show_print_message)
        menu = QMenu(self)
        for text, kind, preview in (
            (self.tr("Print claim receipt"), DocumentKind.CLAIM_RECEIPT, False),
            (self.tr("Print device label"), DocumentKind.DEVICE_LABEL, False),
            (self.tr("Preview claim receipt"), DocumentKind.CLAIM_RECEIPT, True),
            (self.tr("Preview device label"), DocumentKind.DEVICE_LABEL, True),
        ):
            action = menu.addAction(text)
            action.triggered.connect(
                lambda _c=False, k=kind, p=preview: self.print_document(k, preview=p)
            )
        button = QToolButton()
        button.setText(self.tr("Print"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(menu)
        self.print_menu = menu
        return button

    def print_document(self, kind: DocumentKind, preview: bool = False) -> None:
        """Print (or preview) the ticket's claim receipt or label, now or any time later."""
        if preview:
            self.printer.preview_ticket_document(kind, self.ticket_id)
        else:
            self.printer.print_ticket_document(kind, self.ticket_id)

    def _show_print_message(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.show()

    def _work_tab(self) -> QWidget:
        tab = QWidget()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.condition = QLabel()
        self.condition.setWordWrap(True)
        self.diagnosis = QPlainTextEdit()
        self.work_done = QPlainTextEdit()
        for edit in (self.diagnosis, self.work_done):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(80)
            edit.textChanged.connect(self._mark_dirty)
        self.estimate_labour = QLineEdit()
        self.estimate_parts = QLineEdit()
        for line in (self.estimate_labour, self.estimate_parts):
            line.setMaximumWidth(160)
            line.textEdited.connect(lambda _t: self._mark_dirty())
        self.promise = QCheckBox(self.tr("Promised"))
        self.promised_at = QDateTimeEdit()
        self.promised_at.setCalendarPopup(True)
        self.promised_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.promise.toggled.connect(self.promised_at.setEnabled)
        self.promise.toggled.connect(lambda _on: self._mark_dirty())
        self.promised_at.dateTimeChanged.connect(lambda _d: self._mark_dirty())
        self.priority = QComboBox()
        add_priorities(self.priority)
        self.priority.activated.connect(lambda _i: self._mark_dirty())
        self.priority.setMaximumWidth(200)
        self.promised_at.setMaximumWidth(200)
        self.warranty_days = QSpinBox()
        self.warranty_days.setRange(-1, 3650)
        self.warranty_days.setSpecialValueText(
            self.tr("Shop default ({days} days)").format(days=self.shop.warranty_days)
        )
        self.warranty_days.setSuffix(self.tr(" days"))
        self.warranty_days.valueChanged.connect(lambda _v: self._mark_dirty())
        self.warranty_days.setMaximumWidth(240)
        self.save_button = QPushButton(self.tr("Save work"))
        self.save_button.setToolTip(self.tr("Ctrl+S"))
        self.save_button.clicked.connect(self.save_work)
        promise = QHBoxLayout()
        promise.addWidget(self.promise)
        promise.addWidget(self.promised_at)
        promise.addStretch(1)
        promise_box = row_widget(promise)
        form = QFormLayout()
        form.addRow(self.tr("Problem"), self.problem)
        form.addRow(self.tr("Condition"), self.condition)
        form.addRow(self.tr("Diagnosis"), with_error(self.errors, "diagnosis", self.diagnosis))
        form.addRow(self.tr("Work done"), with_error(self.errors, "work_done", self.work_done))
        estimates = QHBoxLayout()
        estimates.addWidget(with_error(self.errors, "estimate_labour", self.estimate_labour))
        estimates.addWidget(QLabel(self.tr("Parts")))
        estimates.addWidget(with_error(self.errors, "estimate_parts", self.estimate_parts))
        estimates.addStretch(1)
        form.addRow(self.tr("Estimate: labour"), row_widget(estimates))
        form.addRow("", with_error(self.errors, "promised_at", promise_box))
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(
            self.tr("Warranty"), with_error(self.errors, "warranty_days", self.warranty_days)
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return tab

    # -- showing ----------------------------------------------------------------------

    def show_detail(self, ticket: TicketDetail) -> None:
        self._show(ticket)

    def device_title(self) -> str:
        if self.ticket.device_id is None:
            return self.tr("the device")
        return self._services.devices.get(self.ticket.device_id).title

    def _show(self, ticket: TicketDetail) -> None:
        self.ticket = ticket
        self.setWindowTitle(self.tr("Ticket {number}").format(number=ticket.number))
        self.title.setText(ticket.number)
        self.badges.setText(self._badges(ticket))
        self.summary.setText(self._summary(ticket))
        self.due.setText(self._due_text(ticket))
        if self.status.findData(str(ticket.status.id)) < 0:  # a retired status
            self.status.addItem(ticket.status.name, str(ticket.status.id))
        self.status.setCurrentIndex(self.status.findData(str(ticket.status.id)))
        assigned = str(ticket.assigned_to_id) if ticket.assigned_to_id else None
        if assigned and self.technician.findData(assigned) < 0:  # no longer on the staff
            self.technician.addItem(self.tr("Former staff member"), assigned)
        self.technician.setCurrentIndex(max(self.technician.findData(assigned), 0))
        self.problem.setText(ticket.problem)
        ticked = [name for name, on in ticket.condition.items() if on]
        condition = ", ".join(ticked) or self.tr("nothing ticked")
        if ticket.condition_notes:
            condition += f" — {ticket.condition_notes}"
        if ticket.accessories:
            condition += "\n" + self.tr("Left with it: {items}").format(
                items=", ".join(ticket.accessories)
            )
        self.condition.setText(condition)
        if not self._dirty:
            self._show_work(ticket)
        self.labour_tab.show_ticket(ticket)
        self.parts_tab.show_ticket(ticket)
        self.payments_tab.show_ticket(ticket)
        self.notes_tab.show_ticket(ticket)
        self.photos_tab.show_ticket(ticket)
        self.signatures_tab.show_ticket(ticket)
        self.history_tab.show_ticket(ticket)
        self.messages_tab.show_ticket(ticket)

    def _show_work(self, ticket: TicketDetail) -> None:
        widgets = (
            self.diagnosis,
            self.work_done,
            self.promise,
            self.promised_at,
            self.priority,
            self.warranty_days,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.diagnosis.setPlainText(ticket.diagnosis)
        self.work_done.setPlainText(ticket.work_done)
        self.estimate_labour.setText(self._money_text(ticket.estimate_labour))
        self.estimate_parts.setText(self._money_text(ticket.estimate_parts))
        self.promise.setChecked(ticket.promised_at is not None)
        self.promised_at.setEnabled(ticket.promised_at is not None)
        if ticket.promised_at is not None:
            self.promised_at.setDateTime(QDateTime(ticket.promised_at.astimezone()))
        else:
            tomorrow = QDateTime.currentDateTime().addDays(1)
            tomorrow.setTime(QTime(17, 0))
            self.promised_at.setDateTime(tomorrow)
        self.priority.setCurrentIndex(max(self.priority.findData(ticket.priority), 0))
        self.warranty_days.setValue(-1 if ticket.warranty_days is None else ticket.warranty_days)
        for widget in widgets:
            widget.blockSignals(False)
        self._base = BenchFields.of(ticket)
        self._dirty = False

    def _money_text(self, amount: int) -> str:
        return format_money(amount, self.shop.currency, self.shop.locale) if amount else ""

    def _badges(self, ticket: TicketDetail) -> str:
        parts = [
            _badge(ticket.status.name, "#e3ecf7", "#1d3f6e"),
            _badge(self.tr(ticket.priority.capitalize()), "#eeeeee", "#333333"),
        ]
        if is_overdue(ticket):
            parts.append(_badge(self.tr("Overdue"), "#fde2e1", "#9b1c14"))
        if ticket.warranty_of_id is not None:
            parts.append(_badge(self.tr("Warranty comeback"), "#fff1cc", "#6b4e00"))
        return " ".join(parts)

    def _summary(self, ticket: TicketDetail) -> str:
        lines = [f"<b>{_html(ticket.customer_name)}</b>"]
        try:
            customer = self._services.customers.get(ticket.customer_id)
            contact = [p.number for p in customer.phones[:2]] + (
                [customer.email] if customer.email else []
            )
            if contact:
                lines[0] += " · " + _html(" · ".join(contact))
        except NotFound:
            pass
        if ticket.device_id is not None:
            device = self._services.devices.get(ticket.device_id)
            ids = " · ".join(
                p
                for p in (
                    f"IMEI {device.imei}" if device.imei else "",
                    f"S/N {device.serial}" if device.serial else "",
                    device.colour,
                )
                if p
            )
            line = f"{_html(device.title)} {_html(ids)}"
            if device.passcode:
                line += " · " + self.tr("passcode: {code}").format(code=_html(device.passcode))
            lines.append(line)
        dates = [self.tr("Received {when}").format(when=local_time(ticket.created_at))]
        if ticket.promised_at:
            dates.append(self.tr("promised {when}").format(when=local_time(ticket.promised_at)))
        if ticket.warranty_until:
            dates.append(
                self.tr("warranty until {when}").format(when=local_date(ticket.warranty_until))
            )
        lines.append(" · ".join(dates))
        return "<br>".join(lines)

    def take_scan(self, result: ScanResult) -> bool:
        """An item scanned while this ticket is in front goes on it as a part."""
        if result.kind is not ScanKind.ITEM or result.id is None:
            return False
        self.tabs.setCurrentWidget(self.parts_tab)
        self.parts_tab.add_item(result.id)
        return True

    def _due_text(self, ticket: TicketDetail) -> str:
        due = ticket.amount_due
        if due < 0:
            text = self.tr("Owed to the customer {amount}").format(amount=self.money(-due))
        elif ticket.checkout_id is not None and due == 0:
            text = self.tr("Paid ({number})").format(number=ticket.checkout_number)
        elif ticket.checkout_id is not None:
            text = self.tr("Due {amount} on {number}").format(
                amount=self.money(due), number=ticket.checkout_number
            )
        elif ticket.labour or ticket.parts_total is not None:
            text = self.tr("Due {amount}").format(amount=self.money(due))
        elif ticket.deposits:
            text = self.tr("Due {amount} of the estimate").format(amount=self.money(due))
        else:
            return self.tr("Estimate {amount}").format(amount=self.money(due))
        if ticket.deposits and ticket.checkout_id is None:
            text += "\n" + self.tr("Deposit paid {amount}").format(
                amount=self.money(ticket.deposits)
            )
        return text

    def reload(self) -> None:
        try:
            self._show(self._services.tickets.get(self.ticket_id))
        except NotFound:
            self.notice.setText(self.tr("This ticket no longer exists."))
            self.notice.show()

    # -- actions ----------------------------------------------------------------------

    def _mark_dirty(self) -> None:
        self._dirty = True

    def published(
        self,
        stock: frozenset[uuid.UUID] = frozenset(),
        customers: frozenset[uuid.UUID] = frozenset(),
    ) -> None:
        """Tell every view this ticket changed (and the stock of ``stock`` items, when parts
        moved, and ``customers`` whose store credit or account moved with a payment)."""
        self._publishing = True
        try:
            self._bus.publish(
                Changes(tickets=frozenset({self.ticket_id}), stock=stock, customers=customers)
            )
        finally:
            self._publishing = False

    def _run(self, action: str, fn: Callable[[], object]) -> bool:
        """Run a service call; show its error. True when it worked."""
        self.errors.clear()
        try:
            fn()
        except ValidationError as error:
            self.errors.show(error.errors)
            return False
        except BenchsideError as error:
            QMessageBox.warning(self, action, str(error))
            return False
        return True

    def change_status(self) -> bool:
        status_id = uuid.UUID(self.status.currentData())
        note = self.status_note.text()
        if not self._run(
            self.tr("Change status"),
            lambda: self._services.tickets.change_status(self.ticket_id, status_id, note),
        ):
            self.status.setCurrentIndex(max(self.status.findData(str(self.ticket.status.id)), 0))
            return False
        self.status_note.clear()
        self.published()
        return True

    def assign(self) -> bool:
        chosen = self.technician.currentData()
        technician = uuid.UUID(chosen) if chosen else None
        if not self._run(
            self.tr("Assign"), lambda: self._services.tickets.assign(self.ticket_id, technician)
        ):
            return False
        self.published()
        return True

    def bench_fields(self) -> BenchFields:
        """The work tab as the service takes it. Raises ``ValidationError``."""
        problems: dict[str, str] = {}
        amounts: dict[str, int] = {}
        for field, edit in (
            ("estimate_labour", self.estimate_labour),
            ("estimate_parts", self.estimate_parts),
        ):
            try:
                amounts[field] = parse_money(edit.text(), self.shop.currency, self.shop.locale)
            except ValueError:
                problems[field] = self.tr("Enter an amount like {example}.").format(
                    example=self.money(2500)
                )
        if problems:
            raise ValidationError(problems)
        promised = None
        if self.promise.isChecked():
            promised = self.promised_at.dateTime().toPython().astimezone()
        days = self.warranty_days.value()
        return BenchFields(
            diagnosis=self.diagnosis.toPlainText(),
            work_done=self.work_done.toPlainText(),
            estimate_labour=amounts["estimate_labour"],
            estimate_parts=amounts["estimate_parts"],
            promised_at=_same_minute(promised, self._base.promised_at),
            priority=self.priority.currentData(),
            warranty_days=None if days < 0 else days,
        )

    def save_work(self) -> WorkSaved | None:
        self.errors.clear()
        try:
            edit = self.bench_fields()
            saved = self._services.ticket_work.update_work(self.ticket_id, edit, self._base)
        except ValidationError as error:
            self.errors.show(error.errors)
            return None
        except BenchsideError as error:
            QMessageBox.warning(self, self.tr("Save work"), str(error))
            return None
        self._dirty = False
        self._show(saved.ticket)
        self._show_merge_notice(saved)
        self.published()
        return saved

    def _show_merge_notice(self, saved: WorkSaved) -> None:
        lines = []
        if saved.theirs:
            names = ", ".join(self.tr(FIELD_TITLES[f]) for f in saved.theirs)
            lines.append(
                self.tr("Someone else changed {fields} meanwhile; their values are shown.").format(
                    fields=names
                )
            )
        for field, value in saved.overwritten.items():
            lines.append(
                self.tr(
                    "{field} was also changed by someone else (to “{value}”); yours was kept."
                ).format(field=self.tr(FIELD_TITLES[field]), value=_shown(value, self.money))
            )
        self.notice.setText("\n".join(lines))
        self.notice.setVisible(bool(lines))

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.messages:
            self.messages_tab.show_ticket(self.ticket)
        if changes.everything or self.ticket_id in changes.tickets:
            if self._dirty and not self._publishing:
                self.notice.setText(
                    self.tr(
                        "This ticket was changed elsewhere. Your unsaved work is kept; "
                        "saving keeps both your changes and theirs."
                    )
                )
                self.notice.show()
            self.reload()

    def may_close(self) -> bool:
        """Ask about unsaved work: save it, drop it, or stay. True when the window may go."""
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved work"),
            self.tr("Save the changes to the work on ticket {number}?").format(
                number=self.ticket.number
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save_work() is not None
        self._dirty = False
        return True

    def reject(self) -> None:
        # Escape lands here without a close event: it must ask about unsaved work too.
        if self.may_close():
            self._stop_listening()
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.may_close():
            event.ignore()
            return
        self._stop_listening()
        super().closeEvent(event)  # Qt's dialog goes on through reject()

    def _stop_listening(self) -> None:
        if self._listening:
            self._listening = False
            self._bus.data_changed.disconnect(self._on_bus_data_changed)

    def services(self) -> Services:
        return self._services

    def tasks(self) -> TaskRunner:
        return self._tasks


def _same_minute(edited: datetime | None, base: datetime | None) -> datetime | None:
    """The editor shows minutes: an unchanged minute keeps the stored value exactly."""
    if edited is None or base is None:
        return edited
    if edited.replace(second=0, microsecond=0) == base.replace(second=0, microsecond=0):
        return base
    return edited


def _shown(value: object, money: Callable[[int], str]) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return money(value)
    if isinstance(value, datetime):
        return local_time(value)
    return str(value)


def _badge(text: str, background: str, colour: str) -> str:
    return (
        f'<span style="background:{background}; color:{colour}; font-weight:600;">'
        f"&nbsp;{_html(text)}&nbsp;</span>"
    )


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
