"""Small form helpers shared by dialogs: a red message under a field, the set of them
that a ``ValidationError`` fills in, percent fields, and the read-only lists screens
show."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QDoubleSpinBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #b3261e;"


def error_label(parent: QWidget | None = None) -> QLabel:
    """A hidden red label that shows one field's problem."""
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class FieldErrors:
    """Shows each message of a ``ValidationError`` next to its field.

    Messages for fields without a label of their own go to the ``general`` label.
    """

    def __init__(self, general: QLabel) -> None:
        self._labels: dict[str, QLabel] = {}
        self._general = general

    def add(self, field: str, label: QLabel) -> QLabel:
        self._labels[field] = label
        return label

    def remove(self, field: str) -> None:
        self._labels.pop(field, None)

    def clear(self) -> None:
        for label in (*self._labels.values(), self._general):
            label.clear()
            label.hide()

    def show(self, errors: Mapping[str, str], unknown_to_general: bool = True) -> None:
        """Show each message at its field; others go to the general label unless
        ``unknown_to_general`` is False (a wizard page showing only its own fields)."""
        self.clear()
        leftovers = []
        for field, message in errors.items():
            label = self._labels.get(field)
            if label is None:
                leftovers.append(message)
            else:
                label.setText(message)
                label.show()
        if leftovers and unknown_to_general:
            self.show_general("\n".join(leftovers))

    def show_general(self, message: str) -> None:
        self._general.setText(message)
        self._general.show()

    def message(self, field: str) -> str:
        label = self._labels.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    @property
    def general(self) -> QLabel:
        return self._general


def with_error(errors: FieldErrors, field: str, widget: QWidget, *below: QWidget) -> QWidget:
    """``widget`` with its error label (and any ``below`` widgets) underneath, for a form row."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    for extra in below:
        column.addWidget(extra)
    column.addWidget(errors.add(field, error_label()))
    return box


def row_widget(layout: QBoxLayout) -> QWidget:
    """A layout of several widgets as one widget, to put in a form row."""
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget


def percent_field(parent: QWidget | None = None) -> QDoubleSpinBox:
    """0.00 to 100.00 %: what the services keep as basis points (see ``basis_points``)."""
    box = QDoubleSpinBox(parent)
    box.setRange(0, 100)
    box.setDecimals(2)
    box.setSuffix(" %")
    box.setMaximumWidth(120)
    return box


def basis_points(box: QDoubleSpinBox) -> int:
    return round(box.value() * 100)


def set_basis_points(box: QDoubleSpinBox, value: int) -> None:
    box.setValue(value / 100)


def read_only_rows(table: QTableView, single: bool = True) -> QTableView:
    """A table that lists rows to pick (one, or several with ``single`` False) and never
    edits them in place, without row numbers."""
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    return table
