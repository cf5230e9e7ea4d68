"""The period picker of the reports and the dashboard: Today, This week, This month, Last
month or a custom range of days.

``PeriodBar`` is one self-contained row: a combo of the period kinds and, for a custom
range, two date fields with a red message beside them when the range is not one
(``report_periods.period`` decides; its ``ValidationError`` text is shown as it is).

- ``period_changed(Period)`` is emitted when the user picks another period or edits a
  custom range into a valid one; never for a bad range.
- ``period()`` is the period shown now, worked out on each call (so "Today" follows the
  clock past midnight), or ``None`` while the custom range is bad.
- ``set_period(kind, first, last)`` shows a period from code (a drill-down, a saved
  choice) without emitting: the caller already knows what it asked for.

``today`` (a callable) and ``locale`` (the first day of the week) are arguments so that
tests and a shop in another country get the weeks they expect.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from desktop.services.errors import ValidationError
from desktop.services.report_periods import Period, PeriodKind, period
from desktop.views.forms import error_label

# The earliest day the date fields offer; a shop's records do not go further back.
EARLIEST = QDate(2000, 1, 1)


class PeriodBar(QWidget):
    period_changed = Signal(object)  # Period

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
        locale: str = "en_US",
        kind: PeriodKind = PeriodKind.THIS_MONTH,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._locale = locale
        self.kind = QComboBox(self)
        for value, text in (
            (PeriodKind.TODAY, self.tr("Today")),
            (PeriodKind.THIS_WEEK, self.tr("This week")),
            (PeriodKind.THIS_MONTH, self.tr("This month")),
            (PeriodKind.LAST_MONTH, self.tr("Last month")),
            (PeriodKind.CUSTOM, self.tr("Custom range")),
        ):
            self.kind.addItem(text, value)
        self.first = self._date_edit(self.tr("First day"))
        self.last = self._date_edit(self.tr("Last day"))
        self.dash = QLabel("–", self)
        self.error = error_label(self)
        self.error.setWordWrap(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.first)
        layout.addWidget(self.dash)
        layout.addWidget(self.last)
        layout.addWidget(self.error)
        self.set_period(kind)
        self.kind.currentIndexChanged.connect(self._on_kind_current_index_changed)
        self.first.dateChanged.connect(self._on_dates_changed)
        self.last.dateChanged.connect(self._on_dates_changed)

    def _date_edit(self, tip: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(EARLIEST)
        edit.setToolTip(tip)
        return edit

    # -- reading and setting ----------------------------------------------------------

    def current_kind(self) -> PeriodKind:
        return PeriodKind(self.kind.currentData())

    def period(self) -> Period | None:
        """The period shown, or None while the custom range is not a valid one."""
        try:
            return self._worked_out()
        except ValidationError:
            return None

    def set_period(
        self, kind: PeriodKind | str, first: date | None = None, last: date | None = None
    ) -> Period | None:
        """Show ``kind`` (with ``first`` and ``last`` for a custom range; for another kind
        the fields take that period's days). Emits nothing; returns the period, or None
        when the range is bad (its message is shown)."""
        kind = PeriodKind(kind)
        widgets = (self.kind, self.first, self.last)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.kind.setCurrentIndex(self.kind.findData(kind))
            if kind is not PeriodKind.CUSTOM:
                shown = period(kind, self._today(), locale=self._locale)
                first, last = shown.first, shown.last
            if first is not None:
                self.first.setDate(QDate(first.year, first.month, first.day))
            if last is not None:
                self.last.setDate(QDate(last.year, last.month, last.day))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._show_custom(kind is PeriodKind.CUSTOM)
        return self._checked()

    # -- reacting to the user ---------------------------------------------------------

    def _on_kind_current_index_changed(self, _index: int) -> None:
        kind = self.current_kind()
        if kind is not PeriodKind.CUSTOM:
            # The fields follow, so "Custom range" starts from the period last shown.
            self.set_period(kind)
        self._show_custom(kind is PeriodKind.CUSTOM)
        self._emit_if_valid()

    def _on_dates_changed(self, _date: QDate) -> None:
        self._emit_if_valid()

    def _emit_if_valid(self) -> None:
        chosen = self._checked()
        if chosen is not None:
            self.period_changed.emit(chosen)

    def _checked(self) -> Period | None:
        """The period, with the message beside the fields cleared or shown."""
        try:
            chosen = self._worked_out()
        except ValidationError as problem:
            self.error.setText("\n".join(problem.errors.values()))
            self.error.show()
            return None
        self.error.clear()
        self.error.hide()
        return chosen

    def _worked_out(self) -> Period:
        kind = self.current_kind()
        if kind is PeriodKind.CUSTOM:
            first, last = _day(self.first.date()), _day(self.last.date())
            return period(kind, self._today(), first, last, locale=self._locale)
        return period(kind, self._today(), locale=self._locale)

    def _show_custom(self, custom: bool) -> None:
        for widget in (self.first, self.dash, self.last):
            widget.setVisible(custom)
        if not custom:
            self.error.hide()


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
