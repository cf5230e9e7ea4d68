"""Show a service's ``ValidationError`` messages next to the fields they concern."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QWidget


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.hide()
    return label


class FieldErrors:
    """Field name -> its error label; one extra label takes errors of unknown fields."""

    def __init__(self, general: QLabel) -> None:
        self._labels: dict[str, QLabel] = {}
        self.general = general

    def add(self, field: str, label: QLabel) -> QLabel:
        self._labels[field] = label
        return label

    def clear(self) -> None:
        for label in [*self._labels.values(), self.general]:
            label.clear()
            label.hide()

    def show(self, errors: Mapping[str, str], unknown_to_general: bool = True) -> None:
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
        self.general.setText(message)
        self.general.show()
