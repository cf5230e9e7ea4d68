"""Settings → Printers: where each kind of document prints at this station."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.documents.paper import LabelSize, Paper
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.services.printing import (
    BAUD_RATES,
    DocumentKind,
    PrintTarget,
    TargetType,
    check_target,
    paper_of,
)
from desktop.views.forms import FieldErrors, error_label, with_error
from desktop.views.printing.printer import DocumentPrinter
from desktop.views.tasks import TaskRunner


def _paper_label(value: str) -> str:
    if value in Paper._value2member_map_:
        return Paper(value).label
    return LabelSize(value).label


def installed_printers() -> list[str]:
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames())


class TargetEditor(QGroupBox):
    """One document kind: the kind of target, its connection fields, paper and copies."""

    def __init__(self, kind: DocumentKind, printers: list[str], parent: QWidget | None = None):
        super().__init__(self.tr(kind.label), parent)
        self.kind = kind
        self.errors = FieldErrors(error_label())
        self.type = QComboBox()
        for target_type in TargetType:
            if target_type.escpos and not kind.thermal:
                continue
            self.type.addItem(self.tr(target_type.label), target_type.value)
        self.paper = QComboBox()
        for value in kind.papers:
            self.paper.addItem(self.tr(_paper_label(value)), value)
        self.copies = QSpinBox()
        self.copies.setRange(1, 10)
        self.system_printer = QComboBox()
        self.system_printer.addItem(self.tr("Default printer"), "")
        for name in printers:
            self.system_printer.addItem(name, name)
        self.host = QLineEdit()
        self.host.setPlaceholderText("192.168.1.50")
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.usb_vendor = QLineEdit()
        self.usb_vendor.setPlaceholderText("04b8")
        self.usb_product = QLineEdit()
        self.usb_product.setPlaceholderText("0202")
        self.serial_device = QLineEdit()
        self.serial_device.setPlaceholderText("COM3 / /dev/ttyUSB0")
        self.baud_rate = QComboBox()
        for rate in BAUD_RATES:
            self.baud_rate.addItem(str(rate), rate)
        self.windows_printer = QComboBox()
        self.windows_printer.setEditable(True)
        self.windows_printer.addItems(["", *printers])
        self.folder = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._on_browse_clicked)
        self.fields = QStackedWidget()
        self._pages: dict[str, int] = {}
        self._field_keys: set[str] = set()
        self._add_page(TargetType.NONE, [])
        self._add_page(
            TargetType.SYSTEM, [(self.tr("Printer"), "printer_name", self.system_printer)]
        )
        self._add_page(
            TargetType.ESCPOS_NETWORK,
            [(self.tr("IP address"), "host", self.host), (self.tr("Port"), "port", self.port)],
        )
        self._add_page(
            TargetType.ESCPOS_USB,
            [
                (self.tr("Vendor id"), "usb_vendor_id", self.usb_vendor),
                (self.tr("Product id"), "usb_product_id", self.usb_product),
            ],
        )
        self._add_page(
            TargetType.ESCPOS_SERIAL,
            [
                (self.tr("Port"), "serial_device", self.serial_device),
                (self.tr("Speed (baud)"), "baud_rate", self.baud_rate),
            ],
        )
        self._add_page(
            TargetType.ESCPOS_WIN32,
            [(self.tr("Windows printer"), "printer_name", self.windows_printer)],
        )
        folder_row = QWidget()
        folder_layout = QHBoxLayout(folder_row)
        folder_layout.setContentsMargins(0, 0, 0, 0)
        folder_layout.addWidget(self.folder, 1)
        folder_layout.addWidget(browse)
        self._add_page(TargetType.PDF_FOLDER, [(self.tr("Folder"), "folder", folder_row)])
        self.type.currentIndexChanged.connect(self._on_type_current_index_changed)
        self.test_button = QPushButton(self.tr("Test print"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Print on"), with_error(self.errors, "type", self.type))
        form.addRow(self.fields)
        form.addRow(self.tr("Paper"), with_error(self.errors, "paper", self.paper))
        form.addRow(self.tr("Copies"), with_error(self.errors, "copies", self.copies))
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.status, 1)
        form.addRow(buttons)
        form.addRow(self.errors.general)

    def _add_page(self, target_type: TargetType, rows: list[tuple[str, str, QWidget]]) -> None:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        for label, field, widget in rows:
            key = f"{target_type.value}.{field}"
            self._field_keys.add(key)
            form.addRow(label, with_error(self.errors, key, widget))
        self._pages[target_type.value] = self.fields.addWidget(page)

    def _on_type_current_index_changed(self, _index: int) -> None:
        current = self._pages[self.type.currentData()]
        # A stack is as tall as its tallest page; let only the shown page take room.
        for index in range(self.fields.count()):
            policy = (
                QSizePolicy.Policy.Preferred if index == current else QSizePolicy.Policy.Ignored
            )
            self.fields.widget(index).setSizePolicy(policy, policy)
        self.fields.setCurrentIndex(current)
        self.fields.setVisible(self.type.currentData() != TargetType.NONE.value)
        self.fields.adjustSize()

    def _on_browse_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Folder for PDF files"))
        if chosen:
            self.folder.setText(chosen)

    def set_target(self, target: PrintTarget) -> None:
        self.type.setCurrentIndex(max(0, self.type.findData(target.type.value)))
        self._on_type_current_index_changed(0)
        self.paper.setCurrentIndex(max(0, self.paper.findData(paper_of(self.kind, target))))
        self.copies.setValue(target.copies)
        self.system_printer.setCurrentIndex(
            max(0, self.system_printer.findData(target.printer_name))
        )
        self.windows_printer.setCurrentText(target.printer_name)
        self.host.setText(target.host)
        self.port.setValue(target.port)
        self.usb_vendor.setText(f"{target.usb_vendor_id:04x}" if target.usb_vendor_id else "")
        self.usb_product.setText(f"{target.usb_product_id:04x}" if target.usb_product_id else "")
        self.serial_device.setText(target.serial_device)
        self.baud_rate.setCurrentIndex(max(0, self.baud_rate.findData(target.baud_rate)))
        self.folder.setText(target.folder)

    def target(self) -> PrintTarget:
        """The target as entered. Raises ``ValidationError`` for unreadable USB ids."""
        target_type = TargetType(self.type.currentData())
        problems: dict[str, str] = {}
        ids = []
        for field, edit in (
            ("usb_vendor_id", self.usb_vendor),
            ("usb_product_id", self.usb_product),
        ):
            try:
                ids.append(int(edit.text().strip() or "0", 16))
            except ValueError:
                ids.append(0)
                if target_type is TargetType.ESCPOS_USB:
                    problems[field] = self.tr("Enter the id as four hexadecimal digits, e.g. 04b8.")
        if problems:
            raise ValidationError(problems)
        printer_name = ""
        if target_type is TargetType.SYSTEM:
            printer_name = self.system_printer.currentData() or ""
        elif target_type is TargetType.ESCPOS_WIN32:
            printer_name = self.windows_printer.currentText()
        return PrintTarget(
            type=target_type,
            paper=self.paper.currentData(),
            copies=self.copies.value(),
            printer_name=printer_name,
            host=self.host.text(),
            port=self.port.value(),
            usb_vendor_id=ids[0],
            usb_product_id=ids[1],
            serial_device=self.serial_device.text(),
            baud_rate=self.baud_rate.currentData(),
            folder=self.folder.text(),
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        """Messages of ``PrintTarget`` fields shown at this type's widgets."""
        prefix = f"{self.type.currentData()}."
        shown = {
            (prefix + field if prefix + field in self._field_keys else field): text
            for field, text in errors.items()
        }
        self.errors.show(shown)

    def message(self, field: str) -> str:
        """The message shown at ``field`` of the current type (for tests and screenshots)."""
        return self.errors.message(f"{self.type.currentData()}.{field}") or self.errors.message(
            field
        )


class PrinterSettings(QWidget):
    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.printer = DocumentPrinter(services, tasks, self)
        printers = installed_printers()
        self.editors: dict[DocumentKind, TargetEditor] = {}
        column = QWidget()
        rows = QVBoxLayout(column)
        for kind in DocumentKind:
            editor = TargetEditor(kind, printers)
            editor.test_button.clicked.connect(lambda _=False, k=kind: self.test_print(k))
            self.editors[kind] = editor
            rows.addWidget(editor)
        rows.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(column)
        note = QLabel(
            self.tr(
                "Printers belong to this computer: each station chooses its own. Receipt "
                "printers (ESC/POS) print claim and sales receipts; everything can be saved "
                "as PDF files in a folder instead."
            )
        )
        note.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(scroll, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.status, 1)
        layout.addLayout(bottom)
        self.printer.printed.connect(self._on_printer_printed)
        self.printer.failed.connect(self._on_printer_failed)
        self._testing: DocumentKind | None = None
        self.reload()

    def reload(self) -> None:
        allowed = self._services.ctx.can(Permission.MANAGE_STATION)
        for kind, target in self._services.printing.targets().items():
            editor = self.editors[kind]
            editor.set_target(target)
            editor.setEnabled(allowed)
        self.save_button.setEnabled(allowed)

    def save(self) -> bool:
        """Save every row; rows with mistakes show them and nothing of theirs is saved."""
        self.status.clear()
        saved = True
        for kind, editor in self.editors.items():
            editor.errors.clear()
            try:
                self._services.printing.set_target(kind, editor.target())
            except ValidationError as invalid:
                editor.show_errors(invalid.errors)
                saved = False
            except BenchsideError as problem:
                editor.errors.show_general(str(problem))
                saved = False
        self.status.setText(self.tr("Saved.") if saved else self.tr("Some rows need attention."))
        return saved

    def test_print(self, kind: DocumentKind) -> None:
        """Print a test page on the row's target as entered (saved or not)."""
        editor = self.editors[kind]
        editor.errors.clear()
        editor.status.clear()
        try:
            target = check_target(kind, editor.target())
        except ValidationError as invalid:
            editor.show_errors(invalid.errors)
            return
        self._testing = kind
        editor.status.setText(self.tr("Printing a test page…"))
        job = self._services.printing.test_job(kind, target)
        self.printer.print_job(job, target)

    def _on_printer_printed(self, message: str) -> None:
        if self._testing is not None:
            self.editors[self._testing].status.setText(message)

    def _on_printer_failed(self, message: str) -> None:
        if self._testing is not None:
            self.editors[self._testing].status.setText(message)
