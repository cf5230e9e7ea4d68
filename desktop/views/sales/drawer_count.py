"""Closing the shift: count the drawer note by note and coin by coin, see the counted
total against what the drawer should hold as it is typed, and close with a note."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.cash_shifts import MAX_NOTE
from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.denominations import LOOSE, denominations
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.shift_types import ShiftReport, ShiftSummary
from desktop.views.bus import DataBus
from desktop.views.formatting import local_time
from desktop.views.forms import ERROR_STYLE, FieldErrors, error_label, with_error
from desktop.views.inventory.money_input import ShopMoney

MAX_PIECES = 100_000  # of one note or coin
BIG = "font-size: 18px; font-weight: 600;"
EXACT_STYLE = "color: #1e7b34;"
OVER_STYLE = "color: #9a6700;"


class DrawerCountDialog(QDialog):
    """Count the open shift's drawer and close it. ``report`` holds the Z report once
    the shift is closed."""

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        shift: ShiftSummary,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self.shift = shift
        self.money = ShopMoney(services)
        self.report: ShiftReport | None = None
        self.setWindowTitle(self.tr("Close the shift and count the drawer"))
        self.errors = FieldErrors(error_label(self))
        self.counts: dict[int, QLineEdit] = {}
        self._amounts: dict[int, QLabel] = {}
        known = denominations(self.money.currency)

        opened = QLabel(
            self.tr("Drawer opened {when} by {who} with a float of {amount}.").format(
                when=local_time(shift.opened_at),
                who=shift.opened_by or self.tr("someone"),
                amount=self.money.show(shift.opening_float),
            )
        )
        opened.setWordWrap(True)
        self.loose = QLineEdit()
        self.loose.setMaxLength(40)
        self.loose.setPlaceholderText(self.money.show(0))
        self.loose.textChanged.connect(self._on_loose_text_changed)
        self.loose_error = error_label()
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("Optional: why the drawer is over or short"))
        self.note.setFixedHeight(60)
        self.counted_label = QLabel()
        self.expected_label = QLabel(self.money.show(shift.expected_cash))
        self.difference_label = QLabel()
        for label in (self.counted_label, self.expected_label, self.difference_label):
            label.setStyleSheet(BIG)
            label.setAlignment(Qt.AlignmentFlag.AlignRight)

        totals = QFormLayout()
        totals.addRow(self.tr("Counted"), self.counted_label)
        totals.addRow(self.tr("Expected in the drawer"), self.expected_label)
        totals.addRow(self.tr("Over / short"), self.difference_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.close_button.setText(self.tr("Close shift"))
        buttons.accepted.connect(self.close_shift)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(opened)
        if known.known:
            layout.addWidget(self._count_table(known.notes, known.coins), 1)
            loose_label = self.tr("Other cash counted as an amount (coin rolls)")
        else:
            loose_label = self.tr("Cash counted")
        form = QFormLayout()
        form.addRow(loose_label, with_error(self.errors, "loose", self.loose))
        form.addRow(self.tr("Note"), with_error(self.errors, "note", self.note))
        layout.addLayout(form)
        layout.addLayout(totals)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.resize(460, 640)
        self._refresh()

    def _count_table(self, notes: tuple[int, ...], coins: tuple[int, ...]) -> QScrollArea:
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        row = 0
        for heading, values in ((self.tr("Notes"), notes), (self.tr("Coins"), coins)):
            if not values:
                continue
            title = QLabel(heading)
            title.setStyleSheet("font-weight: 600;")
            grid.addWidget(title, row, 0, 1, 3)
            row += 1
            for value in values:
                # A plain field, not a spin box: typing "2" over a shown "0" must give 2.
                count = QLineEdit()
                count.setValidator(QIntValidator(0, MAX_PIECES, count))
                count.setPlaceholderText("0")
                count.setAlignment(Qt.AlignmentFlag.AlignRight)
                count.setAccessibleName(self.tr("How many of %s") % self.money.show(value))
                count.textChanged.connect(self._refresh)
                amount = QLabel()
                amount.setAlignment(Qt.AlignmentFlag.AlignRight)
                grid.addWidget(QLabel(self.money.show(value)), row, 0)
                grid.addWidget(count, row, 1)
                grid.addWidget(amount, row, 2)
                self.counts[value] = count
                self._amounts[value] = amount
                row += 1
        box = QWidget()
        box.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(box)
        return scroll

    # -- the running total -----------------------------------------------------------------

    def loose_amount(self) -> int | None:
        """The amount typed as a whole, in minor units; None when it is not an amount."""
        try:
            amount = self.money.parse(self.loose.text())
        except ValueError:
            return None
        return amount if amount >= 0 else None

    def count_of(self, value: int) -> int:
        text = self.counts[value].text().strip()
        return int(text) if text.isdigit() else 0

    def counted(self) -> dict[int, int]:
        """What the service is given: each note or coin counted, the loose amount as that
        many minor units."""
        counted = {value: count for value in self.counts if (count := self.count_of(value))}
        loose = self.loose_amount() or 0
        if loose:
            counted[LOOSE] = counted.get(LOOSE, 0) + loose
        return counted

    def counted_total(self) -> int:
        return sum(value * count for value, count in self.counted().items())

    def _on_loose_text_changed(self, _text: str) -> None:
        valid = self.loose_amount() is not None
        self.loose.setStyleSheet("" if valid else ERROR_STYLE)
        self._refresh()

    def _refresh(self, _text: str = "") -> None:
        for value, amount in self._amounts.items():
            amount.setText(self.money.show(value * self.count_of(value)))
        total = self.counted_total()
        difference = total - self.shift.expected_cash
        self.counted_label.setText(self.money.show(total))
        if difference == 0:
            self.difference_label.setText(self.tr("Exact"))
            self.difference_label.setStyleSheet(BIG + EXACT_STYLE)
        elif difference > 0:
            self.difference_label.setText(self.tr("Over %s") % self.money.show(difference))
            self.difference_label.setStyleSheet(BIG + OVER_STYLE)
        else:
            self.difference_label.setText(self.tr("Short %s") % self.money.show(-difference))
            self.difference_label.setStyleSheet(BIG + ERROR_STYLE)
        self.close_button.setEnabled(self.loose_amount() is not None)

    # -- closing ---------------------------------------------------------------------------

    def close_shift(self) -> None:
        """Close the shift with this count; on success ``report`` is the Z report."""
        if self.loose_amount() is None:
            self.errors.show({"loose": self.tr("Enter an amount, or leave it empty.")})
            return
        try:
            self.report = self._services.cash_shifts.close_shift(
                self.counted(), self.note.toPlainText()[: MAX_NOTE * 2], shift_id=self.shift.id
            )
        except ValidationError as invalid:
            loose = f"counted.{LOOSE}" if LOOSE not in self.counts else ""
            self.errors.show({"loose" if k == loose else k: v for k, v in invalid.errors.items()})
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self._bus.publish(Changes(cash_shift=True))
        self.accept()
