"""The period picker the reports and the dashboard share."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate

from desktop.services.report_periods import PeriodKind, period
from desktop.views.period_bar import PeriodBar

TODAY = date(2026, 3, 18)  # a Wednesday


def _bar(qtbot, **kw) -> PeriodBar:
    bar = PeriodBar(today=lambda: TODAY, **kw)
    qtbot.addWidget(bar)
    bar.show()
    return bar


def test_each_kind_gives_its_period_and_only_custom_shows_the_dates(qtbot):
    bar = _bar(qtbot)
    assert bar.current_kind() is PeriodKind.THIS_MONTH
    assert bar.period() == period(PeriodKind.THIS_MONTH, TODAY)
    assert not bar.first.isVisible() and not bar.last.isVisible()
    with qtbot.waitSignal(bar.period_changed) as changed:
        bar.kind.setCurrentIndex(bar.kind.findData(PeriodKind.LAST_MONTH))
    assert changed.args[0] == period(PeriodKind.LAST_MONTH, TODAY)
    with qtbot.waitSignal(bar.period_changed) as changed:
        bar.kind.setCurrentIndex(bar.kind.findData(PeriodKind.CUSTOM))
    # The custom range starts from the period shown before.
    assert (changed.args[0].first, changed.args[0].last) == (date(2026, 2, 1), date(2026, 2, 28))
    assert bar.first.isVisible() and bar.last.isVisible()


def test_weeks_start_on_the_locales_first_day(qtbot):
    monday = _bar(qtbot, locale="de_DE", kind=PeriodKind.THIS_WEEK).period()
    sunday = _bar(qtbot, locale="en_US", kind=PeriodKind.THIS_WEEK).period()
    assert monday is not None and monday.first == date(2026, 3, 16)
    assert sunday is not None and sunday.first == date(2026, 3, 15)


def test_a_bad_custom_range_shows_why_and_emits_nothing(qtbot):
    bar = _bar(qtbot)
    bar.set_period(PeriodKind.CUSTOM, date(2026, 3, 1), date(2026, 3, 10))
    with qtbot.assertNotEmitted(bar.period_changed):
        bar.last.setDate(QDate(2026, 2, 20))
    assert bar.period() is None
    assert bar.error.isVisible() and bar.error.text() == "The last day comes before the first."
    with qtbot.assertNotEmitted(bar.period_changed):
        bar.first.setDate(QDate(2000, 1, 1))
        bar.last.setDate(QDate(2026, 3, 1))
    assert bar.error.text() == "Choose at most ten years."
    with qtbot.waitSignal(bar.period_changed):
        bar.first.setDate(QDate(2026, 2, 1))
    assert not bar.error.isVisible()


def test_set_period_shows_it_without_emitting(qtbot):
    bar = _bar(qtbot)
    with qtbot.assertNotEmitted(bar.period_changed):
        shown = bar.set_period(PeriodKind.CUSTOM, date(2026, 1, 5), date(2026, 1, 9))
        assert bar.set_period(PeriodKind.TODAY) == period(PeriodKind.TODAY, TODAY)
        assert bar.set_period("custom", date(2026, 1, 9), date(2026, 1, 5)) is None
    assert shown == period(PeriodKind.CUSTOM, TODAY, date(2026, 1, 5), date(2026, 1, 9))
    assert bar.error.isVisible()
