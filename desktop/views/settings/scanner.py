"""Settings → Scanner: what makes keys a scan at this station, with a field to test it."""

from __future__ import annotations

from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.services.scanner_settings import ScannerSettings
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, row_widget, with_error
from desktop.views.scanning import Burst, ScanDetector


class ScannerPage(QWidget):
    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self.errors = FieldErrors(error_label())
        self.min_length = QSpinBox()
        self.min_length.setRange(2, 64)
        self.min_length.setSuffix(self.tr(" characters"))
        self.max_gap = QSpinBox()
        self.max_gap.setRange(5, 500)
        self.max_gap.setSuffix(self.tr(" ms"))
        self.suffix = QComboBox()
        for value, label in (
            ("enter", self.tr("Enter")),
            ("tab", self.tr("Tab")),
            ("enter_or_tab", self.tr("Enter or Tab")),
        ):
            self.suffix.addItem(label, value)
        self.prefix = QLineEdit()
        self.prefix.setMaxLength(4)
        self.prefix.setPlaceholderText(self.tr("none"))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.saved = QLabel()
        form = QFormLayout()
        form.addRow(
            self.tr("Shortest code"), with_error(self.errors, "min_length", self.min_length)
        )
        form.addRow(
            self.tr("Longest pause between keys"),
            with_error(self.errors, "max_gap_ms", self.max_gap),
        )
        form.addRow(self.tr("Code ends with"), with_error(self.errors, "suffix", self.suffix))
        form.addRow(self.tr("Code starts with"), with_error(self.errors, "prefix", self.prefix))
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.saved, 1)
        form.addRow("", row_widget(save_row))
        form.addRow("", self.errors.general)

        test = QGroupBox(self.tr("Try it"))
        self.test_field = QLineEdit()
        self.test_field.setPlaceholderText(self.tr("Click here and scan a barcode, or type"))
        self.test_field.returnPressed.connect(self._show_typed)
        self.result = QLabel(self.tr("Nothing scanned yet."))
        self.result.setWordWrap(True)
        test_layout = QVBoxLayout(test)
        test_layout.addWidget(self.test_field)
        test_layout.addWidget(self.result)
        note = QLabel(
            self.tr(
                "Scanners type a code in a few milliseconds and end it with Enter. Set the "
                "scanner to a US keyboard layout if digits come out as other characters."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(test)
        layout.addStretch(1)
        self.detector = ScanDetector(self._on_scanned, parent=self)
        self.reload()

    def reload(self) -> None:
        settings = self._services.scanner.get()
        self.min_length.setValue(settings.min_length)
        self.max_gap.setValue(settings.max_gap_ms)
        self.suffix.setCurrentIndex(max(self.suffix.findData(settings.suffix), 0))
        self.prefix.setText(settings.prefix)
        self.detector.apply(settings)
        allowed = self._services.ctx.can(Permission.MANAGE_STATION)
        for widget in (self.min_length, self.max_gap, self.suffix, self.prefix, self.save_button):
            widget.setEnabled(allowed)

    def settings(self) -> ScannerSettings:
        return ScannerSettings(
            min_length=self.min_length.value(),
            max_gap_ms=self.max_gap.value(),
            suffix=self.suffix.currentData(),
            prefix=self.prefix.text(),
        )

    def save(self) -> bool:
        self.errors.clear()
        self.saved.clear()
        try:
            saved = self._services.scanner.save(self.settings())
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return False
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return False
        self.detector.apply(saved)
        self.saved.setText(self.tr("Saved."))
        self._bus.publish(Changes(station=True))
        return True

    # -- the test field ---------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.detector)

    def hideEvent(self, event: QHideEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.detector)
        super().hideEvent(event)

    def _on_scanned(self, code: str) -> bool:
        if QApplication.focusWidget() is not self.test_field:
            return False
        self.test_field.clear()
        self._describe(self.detector.last_burst)
        return True

    def _show_typed(self) -> None:
        self._describe(self.detector.last_burst)
        self.test_field.clear()

    def _describe(self, burst: Burst | None) -> None:
        if burst is None:
            return
        if burst.is_scan:
            text = self.tr("Scanned “{code}”: {keys} keys, the slowest {gap:.0f} ms apart.")
        else:
            text = self.tr(
                "Typed “{code}”, not a scan: {keys} keys, the slowest {gap:.0f} ms apart."
            )
        self.result.setText(text.format(code=burst.code, keys=burst.keys, gap=burst.slowest_gap_ms))
