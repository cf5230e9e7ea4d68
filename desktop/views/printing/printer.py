"""Print a document on this station's printer for its kind, off the GUI thread where it
can block, and never lose it: when printing fails the counter is offered the preview or
a PDF file instead."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.services.container import Services
from desktop.services.errors import BenchsideError
from desktop.services.files import write_atomically
from desktop.services.printing import (
    DocumentKind,
    PrintError,
    PrintJob,
    PrintResult,
    PrintTarget,
    TargetType,
)
from desktop.views.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.services.sales_types import DocumentView
    from desktop.views.printing.preview import PdfPreviewDialog


class DocumentPrinter(QObject):
    """``print_ticket_document(DocumentKind.CLAIM_RECEIPT, ticket_id)`` and the like.

    Emits ``printed(message)`` when a job reached its printer or folder and
    ``failed(message)`` when it did not (after offering the preview or a PDF file).
    """

    printed = Signal(str)
    failed = Signal(str)

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._window = parent
        self.last_preview: PdfPreviewDialog | None = None
        self.last_problem: QMessageBox | None = None

    def print_ticket_document(self, kind: DocumentKind, ticket_id: uuid.UUID) -> None:
        """Render the ticket's document for this station's printer and print it."""
        self._tasks.run(
            lambda: self._services.printing.ticket_job(kind, ticket_id),
            self.print_job,
            self._on_render_failed,
            owner=self,
        )

    def preview_ticket_document(self, kind: DocumentKind, ticket_id: uuid.UUID) -> None:
        """Render the ticket's document for this station's paper and show it on screen."""
        self._tasks.run(
            lambda: self._services.printing.ticket_job(kind, ticket_id),
            self.preview,
            self._on_render_failed,
            owner=self,
        )

    def print_purchase_order(self, order_id: uuid.UUID) -> None:
        """Render the purchase order for this station's printer and print it."""
        self._tasks.run(
            lambda: self._services.printing.purchase_order_job(order_id),
            self.print_job,
            self._on_render_failed,
            owner=self,
        )

    def preview_purchase_order(self, order_id: uuid.UUID) -> None:
        """Render the purchase order on this station's paper and show it on screen."""
        self._tasks.run(
            lambda: self._services.printing.purchase_order_job(order_id),
            self.preview,
            self._on_render_failed,
            owner=self,
        )

    def print_sales_document(self, document: DocumentView, open_drawer: bool = False) -> None:
        """Render the sale, invoice or credit note for this station's printer and print
        it; with ``open_drawer`` an ESC/POS receipt opens the cash drawer as it prints."""
        self._tasks.run(
            lambda: self._services.printing.sales_document_job(document, open_drawer=open_drawer),
            self.print_job,
            self._on_render_failed,
            owner=self,
        )

    def preview_sales_document(
        self, document: DocumentView, kind: DocumentKind | None = None
    ) -> None:
        """Render the document on this station's paper for ``kind`` (receipt or invoice;
        by default the one it prints on) and show it on screen."""
        self._tasks.run(
            lambda: self._services.printing.sales_document_job(document, kind),
            self.preview,
            self._on_render_failed,
            owner=self,
        )

    def open_drawer(self) -> None:
        """Open the cash drawer through the receipt printer, off the GUI thread."""
        self._tasks.run(
            self._services.printing.open_drawer,
            lambda _result: self.printed.emit(self.tr("The cash drawer is open.")),
            self._on_render_failed,
            owner=self,
        )

    def print_job(self, job: PrintJob, target: PrintTarget | None = None) -> None:
        """Send a rendered job to ``target`` (default: the station's target of its kind)."""
        chosen = target if target is not None else self._services.printing.target(job.kind)
        if chosen.type is TargetType.NONE:
            self.preview(job)
            return
        if chosen.type is TargetType.SYSTEM:
            from desktop.views.printing.system import print_pdf

            try:
                print_pdf(job.pdf, chosen.printer_name, chosen.copies, job.stem)
            except PrintError as problem:
                self._offer_alternatives(job, str(problem))
                return
            self.printed.emit(self.tr("Sent to %s.") % chosen.describe())
            return
        self._tasks.run(
            lambda: self._services.printing.send(job.kind, job, target),
            self._on_sent,
            lambda error: self._on_send_failed(job, error),
            owner=self,
        )

    def preview(self, job: PrintJob) -> PdfPreviewDialog:
        from desktop.views.printing.preview import PdfPreviewDialog

        dialog = PdfPreviewDialog(job.pdf, job.kind.label, job.stem, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_preview = dialog
        dialog.open()
        return dialog

    def save_pdf(self, job: PrintJob, path: Path | None = None) -> Path | None:
        """Save the job's PDF where the user chooses (or at ``path``)."""
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(
                self._window, self.tr("Save as PDF"), f"{job.stem}.pdf", "PDF (*.pdf)"
            )
            if not name:
                return None
            path = Path(name)
        try:
            write_atomically(path, job.pdf)
        except OSError as error:
            self.failed.emit(self.tr("Could not save the PDF: %s") % (error.strerror or error))
            return None
        self.printed.emit(self.tr("Saved %s.") % path.name)
        return path

    def _on_sent(self, result: PrintResult) -> None:
        self.printed.emit(result.message)

    def _on_render_failed(self, error: Exception) -> None:
        if not isinstance(error, BenchsideError):  # a programming error: crash loudly
            raise error
        self.failed.emit(str(error))

    def _on_send_failed(self, job: PrintJob, error: Exception) -> None:
        if not isinstance(error, PrintError):
            raise error
        self._offer_alternatives(job, str(error))

    def _offer_alternatives(self, job: PrintJob, message: str) -> None:
        """Tell what went wrong and offer the preview or a PDF file instead."""
        box = QMessageBox(self._window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Could not print"))
        box.setText(message)
        box.setInformativeText(self.tr("The document is not lost: open it or save it as a PDF."))
        preview = box.addButton(self.tr("Open preview"), QMessageBox.ButtonRole.AcceptRole)
        save = box.addButton(self.tr("Save PDF instead…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        preview.clicked.connect(lambda: self.preview(job))
        save.clicked.connect(lambda: self.save_pdf(job))
        self.last_problem = box
        self.failed.emit(message)
        box.open()
