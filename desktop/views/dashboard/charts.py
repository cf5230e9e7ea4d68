"""The dashboard's charts (QtCharts): bars per day or per category, stacked bars per
technician, and a pie of payment methods. Clicking a bar or a slice emits which one, so
the page can open the list behind it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QPieSlice,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

PALETTE = ("#2f6fb3", "#e08a2e", "#3b9b6d", "#b54a4a", "#7a5cb3", "#8a8f99", "#c9a227", "#4aa3b5")
# Above this many bars the axis labels turn on their side.
UPRIGHT_LABELS = 31


class ChartView(QChartView):
    """A chart with the dashboard's look: no title bar of its own, a small legend,
    antialiased; ``bar_clicked(series, index)`` for bars and ``slice_clicked(index)`` for
    pie slices."""

    bar_clicked = Signal(int, int)  # which set (series), which category (bar)
    slice_clicked = Signal(int)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setTitle(title)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self._sets: list[QBarSet] = []
        self._reversed = False

    def show_bars(
        self,
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float]]],
        stacked: bool = False,
        horizontal: bool = False,
    ) -> None:
        """Bars over ``categories``: one set per (name, values) in ``series``; stacked,
        or lying down (long category names read better that way)."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        # Lying down, the first category goes on top (Qt draws it at the bottom).
        self._reversed = horizontal
        if horizontal:
            categories = list(reversed(categories))
            series = [(name, list(reversed(values))) for name, values in series]
        bars = (
            QStackedBarSeries()
            if stacked
            else QHorizontalBarSeries()
            if horizontal
            else QBarSeries()
        )
        self._sets = []
        for index, (name, values) in enumerate(series):
            bar_set = QBarSet(name)
            bar_set.append([float(v) for v in values])
            bar_set.setColor(QColor(PALETTE[index % len(PALETTE)]))
            bar_set.setBorderColor(QColor(PALETTE[index % len(PALETTE)]))
            bars.append(bar_set)
            self._sets.append(bar_set)
        bars.clicked.connect(self._on_bar_clicked)
        chart.addSeries(bars)
        x_axis = QBarCategoryAxis()
        x_axis.append(_thinned(categories, self.width() if not horizontal else 10_000))
        x_axis.setTruncateLabels(False)
        if len(categories) > UPRIGHT_LABELS:
            x_axis.setLabelsAngle(-90)
        font = x_axis.labelsFont()
        font.setPointSizeF(max(6.0, font.pointSizeF() - 1))
        x_axis.setLabelsFont(font)
        y_axis = QValueAxis()
        columns = list(zip(*(values for _name, values in series), strict=True))
        top = max((sum(c) if stacked else max(c) for c in columns), default=0)
        bottom = min((min(c) for c in columns), default=0)
        y_axis.setRange(min(0.0, float(bottom)), float(top) if top > 0 else 1.0)
        y_axis.applyNiceNumbers()
        if y_axis.max() - y_axis.min() <= 8:  # a few tickets: whole numbers only
            y_axis.setTickCount(int(y_axis.max() - y_axis.min()) + 1)
        y_axis.setLabelFormat("%.0f")
        category_side, value_side = Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignLeft
        if horizontal:
            category_side, value_side = value_side, category_side
        chart.addAxis(x_axis, category_side)
        bars.attachAxis(x_axis)
        chart.addAxis(y_axis, value_side)
        bars.attachAxis(y_axis)
        chart.legend().setVisible(len(series) > 1)

    def show_pie(self, slices: Sequence[tuple[str, float]]) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        pie = QPieSeries()
        total = sum(value for _label, value in slices if value > 0)
        for index, (label, value) in enumerate(slices):
            if value <= 0:
                continue  # a pie cannot show money going out; the report lists it
            share = f" {value / total:.0%}" if total else ""
            part = pie.append(f"{label}{share}", float(value))
            part.setColor(QColor(PALETTE[index % len(PALETTE)]))
            part.setProperty("index", index)
        pie.clicked.connect(self._on_slice_clicked)
        chart.addSeries(pie)
        chart.legend().setVisible(True)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)

    def bar_values(self) -> list[list[float]]:
        """The values drawn, set by set, in the order given (tests read the chart so)."""
        values = [[bar_set.at(i) for i in range(bar_set.count())] for bar_set in self._sets]
        return [list(reversed(v)) for v in values] if self._reversed else values

    def click_bar(self, set_index: int, index: int) -> None:
        """What a click on a bar does (tests, and keyboard users through the page)."""
        self.bar_clicked.emit(set_index, index)

    def _on_bar_clicked(self, index: int, bar_set: QBarSet) -> None:
        if self._reversed:
            index = bar_set.count() - 1 - index
        self.bar_clicked.emit(self._sets.index(bar_set), index)

    def _on_slice_clicked(self, part: QPieSlice) -> None:
        self.slice_clicked.emit(int(part.property("index")))


def _thinned(categories: Sequence[str], width: int) -> list[str]:
    """The categories with only every n-th one named when they cannot all be read in
    ``width`` pixels; the others get distinct invisible names (the axis needs unique
    ones)."""
    room = max(1, width // 28)
    step = -(-len(categories) // room)
    if step <= 1:
        return list(categories)
    return [
        name if index % step == 0 else "\u200b" * (index + 1)
        for index, name in enumerate(categories)
    ]
