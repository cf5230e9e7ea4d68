"""Preview a document before (or instead of) printing it, print it on any installed
printer, or save it as a PDF file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.files import write_atomically
from desktop.services.printing import PrintError
from desktop.views.printing.system import paint_pdf


class PdfPreviewDialog(QDialog):
    def __init__(
        self, pdf: bytes, title: str, file_stem: str = "document", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 860)
        self._pdf = pdf
        self._stem = file_stem
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        close_button = QPushButton(self.tr("Close"))
        close_button.clicked.connect(self.reject)
        self.status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def page_count(self) -> int:
        return self.document.pageCount()

    def save_to(self, path: Path) -> bool:
        """Write the PDF to ``path``; False (with the reason shown) when it cannot."""
        try:
            write_atomically(path, self._pdf)
        except OSError as error:
            self.status.setText(self.tr("Could not save: %s") % (error.strerror or error))
            return False
        self.status.setText(self.tr("Saved %s.") % path.name)
        return True

    def print_to(self, printer: QPrinter) -> bool:
        try:
            paint_pdf(self.document, printer)
        except PrintError as problem:
            self.status.setText(str(problem))
            return False
        self.status.setText(self.tr("Sent to %s.") % (printer.printerName() or self.tr("printer")))
        return True

    def _on_save_button_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save as PDF"), f"{self._stem}.pdf", self.tr("PDF files (*.pdf)")
        )
        if name:
            self.save_to(Path(name))

    def _on_print_button_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)
