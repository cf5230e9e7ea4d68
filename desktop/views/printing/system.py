"""Printing a PDF on a printer installed on this computer, through Qt, without a dialog.

Each page is rendered with QtPdf at the printer's resolution and painted onto a
``QPrinter`` whose page size is the PDF page's, so nothing is scaled or cut off.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from desktop.services.printing import PrintError


def load_pdf(pdf: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A loaded QPdfDocument and the buffer it reads from (keep both alive together)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(None)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise PrintError("The document could not be opened for printing.")
    return document, buffer


MAX_DPI = 300


def system_printer(name: str) -> QPrinter:
    """A high-resolution QPrinter for the installed printer ``name`` (empty = default)."""
    if name:
        if name not in QPrinterInfo.availablePrinterNames():
            raise PrintError(
                f"The printer {name} is not installed on this computer (any more). "
                "Choose another one in Settings → Printers."
            )
        info = QPrinterInfo.printerInfo(name)
    else:
        info = QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise PrintError("No printer is installed on this computer.")
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    # Pages are painted as pictures: past 300 dpi they only cost memory (an A4 page at
    # 1200 dpi is a 560 MB image), not sharpness a receipt or invoice needs.
    printer.setResolution(min(printer.resolution(), MAX_DPI))
    return printer


def _page_layout(document: QPdfDocument, page: int) -> QPageLayout:
    size = QPageSize(
        document.pagePointSize(page), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch
    )
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))


def paint_pdf(document: QPdfDocument, printer: QPrinter) -> None:
    """Paint every page of ``document`` on ``printer``. Raises ``PrintError``."""
    if document.pageCount() == 0:
        raise PrintError("The document has no pages.")
    printer.setFullPage(True)
    printer.setPageLayout(_page_layout(document, 0))
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("The printer could not start the job. Is it on and ready?")
    try:
        for page in range(document.pageCount()):
            if page:
                printer.setPageLayout(_page_layout(document, page))
                if not printer.newPage():
                    raise PrintError("The printer stopped in the middle of the job.")
            points = document.pagePointSize(page)
            dpi = printer.resolution()
            pixels = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            image = document.render(page, pixels)
            target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
            scale = min(target.width() / pixels.width(), target.height() / pixels.height())
            painter.drawImage(
                QRectF(QPointF(0, 0), QSize(pixels.width(), pixels.height()).toSizeF() * scale),
                image,
            )
    finally:
        painter.end()


def print_pdf(pdf: bytes, printer_name: str, copies: int = 1, title: str = "Benchside") -> None:
    """Print ``pdf`` on the installed printer ``printer_name``. Raises ``PrintError``."""
    printer = system_printer(printer_name)
    printer.setDocName(title)
    printer.setCopyCount(copies)
    document, buffer = load_pdf(pdf)
    try:
        paint_pdf(document, printer)
    finally:
        document.close()
        buffer.close()
