"""A box the customer signs in with a mouse, a pen or a finger.

Qt turns unhandled pen (tablet) and touch input into mouse events, and USB signature pads
present themselves as pens or mice, so following the mouse covers all of them.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor("#10244a")
MAX_IMAGE = QSize(900, 300)  # what is stored: plenty for a signature, small to keep


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[QPainterPath] = []
        self._drawing = False
        self.setMinimumSize(360, 130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setToolTip(self.tr("Sign here with the mouse, a pen or a finger"))

    def sizeHint(self) -> QSize:
        return QSize(480, 150)

    def is_empty(self) -> bool:
        return not self._strokes

    def clear(self) -> None:
        self._strokes.clear()
        self.update()
        self.changed.emit()

    # -- input ----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        path = QPainterPath(event.position())
        # A dot (a tap) still shows: a tiny segment gets a round cap.
        path.lineTo(event.position() + QPointF(0.1, 0.1))
        self._strokes.append(path)
        self._drawing = True
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing and self._strokes:
            self._strokes[-1].lineTo(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    # -- drawing ----------------------------------------------------------------------

    def _pen(self, width: float = 2.4) -> QPen:
        pen = QPen(INK, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return pen

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#9aa3ad"), 1, Qt.PenStyle.DashLine))
        baseline = self.height() - 28
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if self.is_empty():
            painter.drawText(
                QRectF(16, baseline + 4, self.width() - 32, 22),
                Qt.AlignmentFlag.AlignLeft,
                self.tr("× Sign above the line"),
            )
        painter.setPen(self._pen())
        for stroke in self._strokes:
            painter.drawPath(stroke)
        painter.setPen(QPen(QColor("#c4c9cf"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    def to_png(self) -> bytes:
        """The signature cropped to its ink on white, at most ``MAX_IMAGE``; b"" if empty."""
        if self.is_empty():
            return b""
        bounds = QRectF()
        for stroke in self._strokes:
            bounds = bounds.united(stroke.boundingRect())
        bounds.adjust(-6, -6, 6, 6)
        scale = min(1.0, MAX_IMAGE.width() / bounds.width(), MAX_IMAGE.height() / bounds.height())
        size = QSize(max(1, int(bounds.width() * scale)), max(1, int(bounds.height() * scale)))
        image = QImage(size, QImage.Format.Format_Grayscale8)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(-bounds.topLeft())
        painter.setPen(self._pen(2.4 / max(scale, 0.5)))
        for stroke in self._strokes:
            painter.drawPath(stroke)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())
