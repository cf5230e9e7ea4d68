"""Settings → Selling: prices and tax rounding, cash, invoices and receipts, the limits
above which a manager must step in (owner), and a check of the money journal (managers)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.journal import JournalReport
from desktop.services.permissions import Permission
from desktop.services.sales_settings import (
    CASH_ROUNDING_STEPS,
    MAX_PAYMENT_TERMS_DAYS,
    SellingSettings,
)
from desktop.views.bus import DataBus
from desktop.views.forms import (
    ERROR_STYLE,
    FieldErrors,
    basis_points,
    error_label,
    percent_field,
    set_basis_points,
    with_error,
)
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.tasks import TaskRunner


def _text_box(height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setFixedHeight(height)
    return box


class SellingSection(QWidget):
    def __init__(
        self, services: Services, bus: DataBus, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self._money = ShopMoney(services)
        self.errors = FieldErrors(error_label())
        self.permission_note = QLabel(self.tr("Only the owner can change how the shop sells."))
        self.saved = QLabel()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self._settings_boxes = [
            self._prices_box(),
            self._cash_box(),
            self._invoices_box(),
            self._receipts_box(),
            self._limits_box(),
        ]
        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.permission_note)
        for box in self._settings_boxes:
            column.addWidget(box)
        column.addWidget(self.errors.general)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved, 1)
        column.addLayout(row)
        column.addWidget(self._journal_box())
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.reload()

    def _form(self, title: str, rows: list[tuple[str, str, QWidget]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for field, label, widget in rows:
            form.addRow(label, with_error(self.errors, field, widget))
        return box

    def _prices_box(self) -> QGroupBox:
        self.prices_include_tax = QCheckBox(self.tr("Prices include tax"))
        self.rounding_mode = QComboBox()
        self.rounding_mode.addItem(self.tr("On each line"), "line")
        self.rounding_mode.addItem(self.tr("Once per rate, on the whole document"), "document")
        return self._form(
            self.tr("Prices and tax"),
            [
                ("prices_include_tax", "", self.prices_include_tax),
                ("rounding_mode", self.tr("Round tax"), self.rounding_mode),
            ],
        )

    def _cash_box(self) -> QGroupBox:
        self.cash_rounding = QComboBox()
        self.tips_allowed = QCheckBox(
            self.tr("A card or transfer paying more than is due may leave the rest as a tip")
        )
        return self._form(
            self.tr("Cash and tips"),
            [
                ("cash_rounding", self.tr("Round cash totals to"), self.cash_rounding),
                ("tips_allowed", "", self.tips_allowed),
            ],
        )

    def _invoices_box(self) -> QGroupBox:
        self.invoice_prefix = QLineEdit()
        self.invoice_prefix.setMaxLength(6)
        self.invoice_prefix.setMaximumWidth(100)
        self.invoice_prefix.textChanged.connect(self._on_invoice_prefix_text_changed)
        self.prefix_example = QLabel()
        self.payment_terms_days = QSpinBox()
        self.payment_terms_days.setRange(0, MAX_PAYMENT_TERMS_DAYS)
        self.payment_terms_days.setSuffix(self.tr(" days"))
        self.payment_terms_days.setMaximumWidth(120)
        self.bank_details = _text_box()
        self.tax_ids = _text_box(60)
        self.tax_ids.setPlaceholderText(self.tr("One per line, printed under the shop's tax id"))
        self.invoice_footer = _text_box()
        prefix = QHBoxLayout()
        prefix.setContentsMargins(0, 0, 0, 0)
        prefix.addWidget(self.invoice_prefix)
        prefix.addWidget(self.prefix_example, 1)
        prefix_row = QWidget()
        prefix_row.setLayout(prefix)
        return self._form(
            self.tr("Invoices"),
            [
                ("invoice_prefix", self.tr("Number prefix"), prefix_row),
                ("payment_terms_days", self.tr("Payment due after"), self.payment_terms_days),
                ("bank_details", self.tr("Bank details"), self.bank_details),
                ("tax_ids", self.tr("Further tax ids"), self.tax_ids),
                ("invoice_footer", self.tr("Footer"), self.invoice_footer),
            ],
        )

    def _receipts_box(self) -> QGroupBox:
        self.receipt_footer = _text_box()
        return self._form(
            self.tr("Receipts"), [("receipt_footer", self.tr("Footer"), self.receipt_footer)]
        )

    def _limits_box(self) -> QGroupBox:
        self.front_desk_discount_limit = percent_field()
        self.technician_discount_limit = percent_field()
        self.refund_limit = QLineEdit()
        self.refund_limit.setMaximumWidth(160)
        box = self._form(
            self.tr("Above these, a manager signs off"),
            [
                (
                    "front_desk_discount_limit_bp",
                    self.tr("Front desk discount"),
                    self.front_desk_discount_limit,
                ),
                (
                    "technician_discount_limit_bp",
                    self.tr("Technician discount"),
                    self.technician_discount_limit,
                ),
                ("refund_limit", self.tr("Refund"), self.refund_limit),
            ],
        )
        return box

    def _journal_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Journal"))
        note = QLabel(
            self.tr(
                "Every sale, payment, refund and drawer opening is chained in the journal. "
                "The check tells whether anything was changed or removed behind the app's back."
            )
        )
        note.setWordWrap(True)
        self.check_journal_button = QPushButton(self.tr("Check the journal"))
        self.check_journal_button.clicked.connect(self.check_journal)
        self.journal_result = QLabel()
        self.journal_result.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(note)
        row = QHBoxLayout()
        row.addWidget(self.check_journal_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.journal_result)
        return box

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        self._money = ShopMoney(self._services)
        settings = self._services.sales_settings.selling()
        self.prices_include_tax.setChecked(settings.prices_include_tax)
        self._choose(self.rounding_mode, settings.rounding_mode)
        self._fill_cash_rounding(settings.cash_rounding)
        self.tips_allowed.setChecked(settings.tips_allowed)
        self.invoice_prefix.setText(settings.invoice_prefix)
        self.payment_terms_days.setValue(settings.payment_terms_days)
        self.bank_details.setPlainText(settings.bank_details)
        self.tax_ids.setPlainText(settings.tax_ids)
        self.invoice_footer.setPlainText(settings.invoice_footer)
        self.receipt_footer.setPlainText(settings.receipt_footer)
        set_basis_points(self.front_desk_discount_limit, settings.front_desk_discount_limit_bp)
        set_basis_points(self.technician_discount_limit, settings.technician_discount_limit_bp)
        self.refund_limit.setText(self._money.show(settings.refund_limit))
        self._apply_permissions()

    def _apply_permissions(self) -> None:
        allowed = self._services.ctx.can(Permission.MANAGE_SHOP)
        for box in self._settings_boxes:
            box.setEnabled(allowed)
        self.save_button.setEnabled(allowed)
        self.permission_note.setVisible(not allowed)
        may_check = self._services.ctx.can(Permission.VIEW_AUDIT)
        self.check_journal_button.setEnabled(may_check)
        if not may_check:
            self.journal_result.setStyleSheet("")
            self.journal_result.setText(self.tr("Managers and the owner check the journal."))

    @staticmethod
    def _choose(combo: QComboBox, value: object) -> None:
        combo.setCurrentIndex(max(combo.findData(value), 0))

    def _fill_cash_rounding(self, current: int) -> None:
        self.cash_rounding.clear()
        steps = list(CASH_ROUNDING_STEPS)
        if current not in steps:  # set at another station by a newer Benchside
            steps.append(current)
        for step in steps:
            label = self.tr("No rounding") if step == 0 else self._money.show(step)
            self.cash_rounding.addItem(label, step)
        self._choose(self.cash_rounding, current)

    def _on_invoice_prefix_text_changed(self, text: str) -> None:
        station = self._services.ctx.station_code
        example = f"{text.strip().upper() or 'INV'}-{station}-000123"
        self.prefix_example.setText(self.tr("Invoices are numbered like %1").replace("%1", example))

    # -- saving -----------------------------------------------------------------------

    def _settings(self) -> SellingSettings | None:
        try:
            refund_limit = self._money.parse(self.refund_limit.text())
        except ValueError:
            self.errors.show({"refund_limit": self.tr("Enter an amount such as 50.00.")})
            return None
        return SellingSettings(
            prices_include_tax=self.prices_include_tax.isChecked(),
            rounding_mode=self.rounding_mode.currentData(),
            cash_rounding=self.cash_rounding.currentData(),
            invoice_prefix=self.invoice_prefix.text(),
            payment_terms_days=self.payment_terms_days.value(),
            invoice_footer=self.invoice_footer.toPlainText(),
            receipt_footer=self.receipt_footer.toPlainText(),
            bank_details=self.bank_details.toPlainText(),
            tax_ids=self.tax_ids.toPlainText(),
            front_desk_discount_limit_bp=basis_points(self.front_desk_discount_limit),
            technician_discount_limit_bp=basis_points(self.technician_discount_limit),
            refund_limit=refund_limit,
            tips_allowed=self.tips_allowed.isChecked(),
        )

    def save(self) -> bool:
        self.errors.clear()
        self.saved.clear()
        settings = self._settings()
        if settings is None:
            return False
        try:
            saved = self._services.sales_settings.update_selling(settings)
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return False
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return False
        self._bus.publish(saved.changes)
        self.reload()
        self.saved.setText(self.tr("Saved."))
        return True

    # -- the journal ------------------------------------------------------------------

    def check_journal(self) -> None:
        self.check_journal_button.setEnabled(False)
        self.journal_result.setStyleSheet("")
        self.journal_result.setText(self.tr("Checking every entry…"))
        self._tasks.run(
            self._services.journal.verify,
            self._on_journal_verified,
            self._on_journal_failed,
            owner=self,
        )

    def _on_journal_verified(self, report: JournalReport) -> None:
        self.check_journal_button.setEnabled(True)
        self.journal_result.setStyleSheet("" if report.intact else ERROR_STYLE)
        self.journal_result.setText(report.summary())

    def _on_journal_failed(self, problem: Exception) -> None:
        self.check_journal_button.setEnabled(True)
        if not isinstance(problem, BenchsideError):
            raise problem
        self.journal_result.setStyleSheet(ERROR_STYLE)
        self.journal_result.setText(str(problem))
