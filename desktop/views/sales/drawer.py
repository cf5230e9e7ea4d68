"""The cash drawer at the counter: open it for the day with a float, pay cash in or out,
open it without a sale, look at the X report, and close the shift with a count that
prints the Z report. ``DrawerMenu`` groups these for the sale screen to host."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from desktop.services.cash_shifts import MAX_REASON
from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, NotFound, ValidationError
from desktop.services.printing import PrintJob, PrintResult
from desktop.services.shift_types import ShiftReport, ShiftSummary
from desktop.views.bus import DataBus
from desktop.views.formatting import local_time
from desktop.views.forms import FieldErrors, error_label, with_error
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.printing.printer import DocumentPrinter
from desktop.views.sales.drawer_count import DrawerCountDialog
from desktop.views.tasks import TaskRunner

NO_SALE_REASONS = (
    "Change for a customer",
    "Checking the float",
    "Correcting a mistake",
)


class _DrawerDialog(QDialog):
    """A small form whose OK button calls one service method (``submit`` of each kind);
    what the service refuses shows at the field. ``succeeded`` is set when it went through."""

    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self.money = ShopMoney(services)
        self.succeeded = False
        self.errors = FieldErrors(error_label(self))
        self.form = QFormLayout()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons = buttons
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)

    def amount_field(self, field: str, label: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(40)
        edit.setPlaceholderText(self.money.show(0))
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.addRow(label, with_error(self.errors, field, edit))
        return edit

    def amount(self, field: str, edit: QLineEdit) -> int | None:
        """The typed amount, or None with the problem shown at the field."""
        try:
            return self.money.parse(edit.text())
        except ValueError:
            self.errors.show({field: self.tr("Enter an amount, e.g. %s.") % self.money.show(5000)})
            return None

    def call(self, action: Callable[[], object]) -> None:
        """Run the service call; on success broadcast the drawer's change and close."""
        try:
            action()
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.succeeded = True
        self._bus.publish(Changes(cash_shift=True))
        self.accept()


class OpenShiftDialog(_DrawerDialog):
    """Open the drawer for the day with the float counted into it."""

    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(services, bus, parent)
        self.setWindowTitle(self.tr("Open the drawer for the day"))
        self.float_amount = self.amount_field("opening_float", self.tr("Float in the drawer"))
        self.ok_button.setText(self.tr("Open drawer"))
        self.buttons.accepted.connect(self.submit)

    def submit(self) -> None:
        amount = self.amount("opening_float", self.float_amount)
        if amount is not None:
            self.call(lambda: self._services.cash_shifts.open_shift(amount))


class CashMovementDialog(_DrawerDialog):
    """Pay cash into the drawer (``pay_in``) or out of it (``pay_out``) with a reason."""

    def __init__(
        self, services: Services, bus: DataBus, kind: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, bus, parent)
        self.kind = kind
        paying_in = kind == "pay_in"
        self.setWindowTitle(self.tr("Pay cash in") if paying_in else self.tr("Pay cash out"))
        self.amount_edit = self.amount_field("amount", self.tr("Amount"))
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setPlaceholderText(
            self.tr("e.g. Coins from the bank") if paying_in else self.tr("e.g. Courier paid")
        )
        self.form.addRow(self.tr("Reason"), with_error(self.errors, "reason", self.reason))
        self.ok_button.setText(self.tr("Pay in") if paying_in else self.tr("Pay out"))
        self.buttons.accepted.connect(self.submit)

    def submit(self) -> None:
        amount = self.amount("amount", self.amount_edit)
        if amount is None:
            return
        shifts = self._services.cash_shifts
        move = shifts.pay_in if self.kind == "pay_in" else shifts.pay_out
        self.call(lambda: move(amount, self.reason.text()))


class NoSaleDialog(_DrawerDialog):
    """Open the drawer without a sale; the reason is journaled."""

    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(services, bus, parent)
        self.setWindowTitle(self.tr("Open the drawer without a sale"))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems([self.tr(reason) for reason in NO_SALE_REASONS])
        self.reason.setCurrentIndex(-1)
        line_edit = self.reason.lineEdit()
        line_edit.setMaxLength(MAX_REASON)
        line_edit.setPlaceholderText(self.tr("Why the drawer is opened"))
        self.form.addRow(self.tr("Reason"), with_error(self.errors, "reason", self.reason))
        self.ok_button.setText(self.tr("Open drawer"))
        self.buttons.accepted.connect(self.submit)

    def submit(self) -> None:
        reason = self.reason.currentText()
        self.call(lambda: self._services.cash_shifts.record_drawer_opened(reason))


class DrawerMenu(QMenu):
    """The drawer's actions, enabled by whether this station's shift is open. The first
    line tells since when the drawer is open and what it should hold.

    ``status_reported(message)`` carries what happened for the status bar (a printer
    that could not open the drawer, a report sent)."""

    status_reported = Signal(str)

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self.shift: ShiftSummary | None = None
        self.dialog: QDialog | None = None
        self.money = ShopMoney(services)
        self.setTitle(self.tr("Drawer"))
        self.printer = DocumentPrinter(services, tasks, self._window())
        self.printer.printed.connect(self.status_reported)
        self.printer.failed.connect(self.status_reported)
        self.state_action = self.addAction("")
        self.state_action.setEnabled(False)
        self.addSeparator()
        self.open_shift_action = self._action(
            self.tr("Open the drawer for the day…"), self.open_shift
        )
        self.pay_in_action = self._action(self.tr("Pay in…"), lambda: self.move_cash("pay_in"))
        self.pay_out_action = self._action(self.tr("Pay out…"), lambda: self.move_cash("pay_out"))
        self.no_sale_action = self._action(self.tr("Open drawer (no sale)…"), self.no_sale)
        self.addSeparator()
        self.x_report_action = self._action(self.tr("X report"), self.show_x_report)
        self.close_action = self._action(self.tr("Close the shift…"), self.close_shift)
        self.reprint_action = self._action(self.tr("Reprint the last Z report"), self.reprint_z)
        self.aboutToShow.connect(self.refresh)
        bus.data_changed.connect(self._on_bus_data_changed)
        self.refresh()

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = self.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _window(self) -> QWidget:
        parent = self.parentWidget()
        return parent if parent is not None else self

    # -- state -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the station's shift and enable what can be done with the drawer now."""
        try:
            self.shift = self._services.cash_shifts.current()
        except BenchsideError as problem:  # signed out meanwhile
            self.shift = None
            self.state_action.setText(str(problem))
        else:
            self.state_action.setText(self.describe())
        is_open = self.shift is not None
        self.open_shift_action.setEnabled(not is_open)
        for action in (self.pay_in_action, self.pay_out_action, self.x_report_action):
            action.setEnabled(is_open)
        self.close_action.setEnabled(is_open)

    def describe(self) -> str:
        shift = self.shift
        if shift is None:
            return self.tr("Drawer closed: open it for the day to take cash")
        return self.tr("Open since {when} ({who}) · should hold {amount}").format(
            when=local_time(shift.opened_at),
            who=shift.opened_by,
            amount=self.money.show(shift.expected_cash),
        )

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.cash_shift or changes.everything or changes.users:
            self.refresh()

    # -- the dialogs -----------------------------------------------------------------------

    def open_shift(self) -> OpenShiftDialog:
        dialog = OpenShiftDialog(self._services, self._bus, self._window())
        self._open(dialog)
        return dialog

    def move_cash(self, kind: str) -> CashMovementDialog:
        dialog = CashMovementDialog(self._services, self._bus, kind, self._window())
        dialog.accepted.connect(self.kick_drawer)
        self._open(dialog)
        return dialog

    def no_sale(self) -> NoSaleDialog:
        dialog = NoSaleDialog(self._services, self._bus, self._window())
        dialog.accepted.connect(self.kick_drawer)
        self._open(dialog)
        return dialog

    def close_shift(self) -> DrawerCountDialog | None:
        self.refresh()
        if self.shift is None:
            self.status_reported.emit(self.tr("The drawer is not open."))
            return None
        dialog = DrawerCountDialog(self._services, self._bus, self.shift, self._window())
        dialog.accepted.connect(lambda: self._on_count_dialog_accepted(dialog))
        self._open(dialog)
        return dialog

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def _on_count_dialog_accepted(self, dialog: DrawerCountDialog) -> None:
        if dialog.report is not None:
            self.print_report(dialog.report)

    # -- the drawer and the reports --------------------------------------------------------

    def kick_drawer(self) -> None:
        """Open the drawer through the receipt printer, off the GUI thread."""
        self._tasks.run(
            self._services.printing.open_drawer,
            self._on_drawer_kicked,
            self._on_failed,
            owner=self,
        )

    def _on_drawer_kicked(self, _result: PrintResult) -> None:
        self.status_reported.emit(self.tr("The drawer was opened."))

    def show_x_report(self) -> None:
        """The open shift's figures so far, on screen (print from the preview)."""
        self._render(self._services.cash_shifts.x_report, self.printer.preview)

    def print_report(self, report: ShiftReport) -> None:
        """Print a report on the station's report printer (the preview when none is set)."""
        self._render(lambda: report, self.printer.print_job)

    def reprint_z(self) -> None:
        """Print the station's last Z report again, exactly as it was."""
        shifts = self._services.cash_shifts

        def last_z() -> ShiftReport:
            closed = next((s for s in shifts.recent_shifts(limit=5) if not s.is_open), None)
            if closed is None:
                raise NotFound(self.tr("This station has not closed a shift yet."))
            return shifts.z_report(closed.id)

        self._render(last_z, self.printer.print_job)

    def _render(
        self, report: Callable[[], ShiftReport], then: Callable[[PrintJob], object]
    ) -> None:
        printing = self._services.printing
        self._tasks.run(
            lambda: printing.shift_report_job(report()), then, self._on_failed, owner=self
        )

    def _on_failed(self, error: Exception) -> None:
        if not isinstance(error, BenchsideError):  # a programming error: crash loudly
            raise error
        self.status_reported.emit(str(error))
