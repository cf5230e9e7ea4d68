"""The tabs of the ticket window below the work: labour, notes, photos, signatures and the
device's history. Each shows a ``TicketDetail`` and acts through the window's services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.messages import MessageInfo
from desktop.services.money import parse_money
from desktop.services.ticket_parts import PartInput, TicketPartView
from desktop.services.ticket_work import LabourInput
from desktop.services.tickets import TicketDetail, TicketSummary
from desktop.views.formatting import local_time
from desktop.views.forms import FieldErrors, error_label, with_error
from desktop.views.tickets.signature_pad import SignaturePad

if TYPE_CHECKING:
    from desktop.views.tickets.detail import TicketWindow

ID_ROLE = Qt.ItemDataRole.UserRole
THUMBNAIL = QSize(160, 120)
PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.heic *.webp *.bmp *.tif *.tiff)"


class _Tab(QWidget):
    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.ticket: TicketDetail | None = None
        self.errors = FieldErrors(error_label())

    def show_ticket(self, ticket: TicketDetail) -> None:
        self.ticket = ticket

    def act(self, title: str, fn: Callable[[], object]) -> bool:
        """Run a service call, show what went wrong, and tell everyone what changed."""
        self.errors.clear()
        try:
            result = fn()
        except ValidationError as error:
            self.errors.show(error.errors)
            return False
        except BenchsideError as error:
            QMessageBox.warning(self, title, str(error))
            return False
        if isinstance(result, TicketDetail):
            self.window_.show_detail(result)
        self.window_.published()
        return True


class LabourTab(_Tab):
    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Description"), self.tr("Time"), self.tr("Amount")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.total = QLabel()
        self.total.setStyleSheet("font-weight: 600;")
        self.description = QLineEdit()
        self.description.setPlaceholderText(self.tr("e.g. Screen replacement"))
        self.by_time = QRadioButton(self.tr("Time"))
        self.flat = QRadioButton(self.tr("Flat price"))
        self.flat.setChecked(True)
        kind = QButtonGroup(self)
        kind.addButton(self.by_time)
        kind.addButton(self.flat)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 100_000)
        self.minutes.setValue(30)
        self.minutes.setSuffix(self.tr(" min"))
        self.rate = QLineEdit()
        self.rate.setPlaceholderText(self.tr("per hour"))
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("price"))
        self.by_time.toggled.connect(self._update_kind)
        self.add_button = QPushButton(self.tr("Add labour"))
        self.add_button.clicked.connect(self.add_line)
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.description.returnPressed.connect(self.add_line)
        entry = QHBoxLayout()
        entry.addWidget(with_error(self.errors, "labour_description", self.description), 3)
        entry.addWidget(self.flat)
        entry.addWidget(with_error(self.errors, "labour_amount", self.amount), 1)
        entry.addWidget(self.by_time)
        entry.addWidget(with_error(self.errors, "labour_minutes", self.minutes))
        entry.addWidget(with_error(self.errors, "labour_rate", self.rate), 1)
        entry.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addLayout(entry)
        layout.addWidget(self.errors.general)
        self._update_kind()

    def _update_kind(self) -> None:
        timed = self.by_time.isChecked()
        self.minutes.setEnabled(timed)
        self.rate.setEnabled(timed)
        self.amount.setEnabled(not timed)

    def show_ticket(self, ticket: TicketDetail) -> None:
        super().show_ticket(ticket)
        self.table.setRowCount(len(ticket.labour))
        for row, line in enumerate(ticket.labour):
            time = ""
            if line.minutes is not None:
                time = self.tr("{minutes} min at {rate}/h").format(
                    minutes=line.minutes, rate=self.window_.money(line.hourly_rate)
                )
            cells = (line.description, time, self.window_.money(line.amount))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, line.id)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.total.setText(
            self.tr("Labour total: {amount}").format(amount=self.window_.money(ticket.labour_total))
        )

    def labour_input(self) -> LabourInput:
        shop = self.window_.shop
        field, text = ("labour_rate", self.rate.text())
        if not self.by_time.isChecked():
            field, text = ("labour_amount", self.amount.text())
        try:
            money = parse_money(text, shop.currency, shop.locale)
        except ValueError as error:
            raise ValidationError({field: self.tr("Enter an amount.")}) from error
        if self.by_time.isChecked():
            return LabourInput(self.description.text(), self.minutes.value(), hourly_rate=money)
        return LabourInput(self.description.text(), flat_amount=money)

    def add_line(self) -> bool:
        assert self.ticket is not None
        ticket_id = self.ticket.id

        def add() -> object:
            return self.window_.services().ticket_work.add_labour(ticket_id, self.labour_input())

        if not self.act(self.tr("Add labour"), add):
            return False
        self.description.clear()
        self.amount.clear()
        self.description.setFocus()
        return True

    def remove_selected(self) -> bool:
        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            return False
        line_id = item.data(ID_ROLE)
        return self.act(
            self.tr("Remove labour"),
            lambda: self.window_.services().ticket_work.remove_labour(line_id),
        )


class PartsTab(_Tab):
    """Parts used in the repair: found by search or by scanning their barcode anywhere in
    the ticket window, each used (out of stock) or reserved as the shop has chosen."""

    COLUMNS = ("Part", "SKU", "Serial", "Qty", "Unit price", "Amount", "Stock")

    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.parts: list[TicketPartView] = []
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.total = QLabel()
        self.total.setStyleSheet("font-weight: 600;")
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a part by name, SKU or barcode, or scan it"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self.add_found)
        self.found = QListWidget()
        self.found.setMaximumHeight(120)
        self.found.hide()
        self.found.itemActivated.connect(lambda _item: self.add_found())
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 999)
        self.quantity.setPrefix(self.tr("× "))
        self.add_button = QPushButton(self.tr("Add part"))
        self.add_button.clicked.connect(self.add_found)
        self.use_button = QPushButton(self.tr("Use now"))
        self.use_button.setToolTip(self.tr("Take a reserved part out of stock now"))
        self.use_button.clicked.connect(self.use_selected)
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.setToolTip(self.tr("A used part goes back into stock"))
        self.remove_button.clicked.connect(self.remove_selected)
        entry = QHBoxLayout()
        entry.addWidget(with_error(self.errors, "item", self.search), 1)
        entry.addWidget(with_error(self.errors, "quantity", self.quantity))
        entry.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.use_button)
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addLayout(entry)
        layout.addWidget(self.found)
        layout.addWidget(self.errors.general)
        self._update_buttons()

    def show_ticket(self, ticket: TicketDetail) -> None:
        super().show_ticket(ticket)
        self.parts = self.window_.services().ticket_parts.parts(ticket.id)
        self.table.setRowCount(len(self.parts))
        states = {"used": self.tr("Used"), "reserved": self.tr("Reserved")}
        for row, part in enumerate(self.parts):
            cells = (
                part.name,
                part.sku,
                part.serial,
                str(part.quantity),
                self.window_.money(part.unit_price),
                self.window_.money(part.amount),
                states.get(part.status, part.status),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, part.id)
                if 3 <= column <= 5:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.total.setText(
            self.tr("Parts total: {amount}").format(
                amount=self.window_.money(sum(p.amount for p in self.parts))
            )
        )
        self._update_buttons()

    def _selected(self) -> TicketPartView | None:
        row = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self.parts[row] if selected and 0 <= row < len(self.parts) else None

    def _update_buttons(self) -> None:
        part = self._selected()
        self.remove_button.setEnabled(part is not None)
        self.use_button.setEnabled(part is not None and part.status == "reserved")

    def _on_search_text_changed(self, text: str) -> None:
        self.found.clear()
        if not text.strip():
            self.found.hide()
            return
        for item in self.window_.services().items.search(text, limit=20):
            entry = QListWidgetItem(f"{item.name}  ·  {item.sku}")
            entry.setData(ID_ROLE, item.id)
            self.found.addItem(entry)
        self.found.setVisible(self.found.count() > 0)
        if self.found.count():
            self.found.setCurrentRow(0)

    def add_found(self) -> bool:
        """Add the highlighted search result (Enter takes the first)."""
        entry = self.found.currentItem()
        if entry is None:
            if self.search.text().strip():
                text = self.search.text().strip()[:60]
                self.errors.show_general(self.tr("No part matches “{text}”.").format(text=text))
            return False
        return self.add_item(entry.data(ID_ROLE), self.quantity.value())

    def add_item(self, item_id: uuid.UUID, quantity: int = 1) -> bool:
        """Put ``quantity`` of the item on the ticket; a serialized item asks which unit."""
        assert self.ticket is not None
        services = self.window_.services()
        serial = ""
        if services.items.get(item_id).serialized:
            chosen = self.ask_serial(services.stock.serials_in_stock(item_id))
            if chosen is None:
                return False
            serial, quantity = chosen, 1
        ticket_id = self.ticket.id
        data = PartInput(item_id, quantity, serial=serial)
        if not self.act(self.tr("Add part"), lambda: services.ticket_parts.add(ticket_id, data)):
            return False
        self.window_.published(stock=frozenset({item_id}))
        self.search.clear()
        self.quantity.setValue(1)
        return True

    def ask_serial(self, serials: list[str]) -> str | None:
        """Which unit of a serialized part: one on the shelf, or a serial typed or scanned."""
        serial, ok = QInputDialog.getItem(
            self,
            self.tr("Serial number"),
            self.tr("Serial or IMEI of the unit used:"),
            serials,
            0,
            True,
        )
        return serial.strip() if ok and serial.strip() else None

    def use_selected(self) -> bool:
        parts = self.window_.services().ticket_parts
        return self._on_selected(self.tr("Use part"), parts.use)

    def remove_selected(self) -> bool:
        parts = self.window_.services().ticket_parts
        return self._on_selected(self.tr("Remove part"), parts.remove)

    def _on_selected(self, title: str, fn: Callable[[uuid.UUID], object]) -> bool:
        part = self._selected()
        if part is None or not self.act(title, lambda: fn(part.id)):
            return False
        self.window_.published(stock=frozenset({part.item_id}))
        return True


class NotesTab(_Tab):
    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)
        self.timeline.setAlternatingRowColors(True)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("Add a note…"))
        self.note.setMaximumHeight(90)
        self.customer_visible = QCheckBox(self.tr("The customer may see this note"))
        self.add_button = QPushButton(self.tr("Add note"))
        self.add_button.clicked.connect(self.add_note)
        row = QHBoxLayout()
        row.addWidget(self.customer_visible)
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(with_error(self.errors, "body", self.note))
        layout.addLayout(row)
        layout.addWidget(self.errors.general)

    def show_ticket(self, ticket: TicketDetail) -> None:
        super().show_ticket(ticket)
        self.timeline.clear()
        for entry in reversed(ticket.history):
            who = f" — {entry.author}" if entry.author else ""
            if entry.kind == "note":
                kind = (
                    self.tr("Note for the customer") if entry.customer_visible else self.tr("Note")
                )
            elif entry.kind == "status":
                kind = self.tr("Status")
            else:
                kind = self.tr("Technician")
            item = QListWidgetItem(f"{local_time(entry.at)}  {kind}{who}\n{entry.text}")
            if entry.kind != "note":
                item.setForeground(Qt.GlobalColor.darkGray)
            self.timeline.addItem(item)

    def add_note(self) -> bool:
        assert self.ticket is not None
        ticket_id, body = self.ticket.id, self.note.toPlainText()
        visible = self.customer_visible.isChecked()
        if not self.act(
            self.tr("Add note"),
            lambda: self.window_.services().tickets.add_note(ticket_id, body, visible),
        ):
            return False
        self.note.clear()
        self.customer_visible.setChecked(False)
        self.window_.reload()
        return True


class PhotosTab(_Tab):
    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.photos = QListWidget()
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(THUMBNAIL)
        self.photos.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.photos.setSpacing(8)
        self.photos.itemActivated.connect(self._on_photos_item_activated)
        self._thumbnails: dict[uuid.UUID, QIcon] = {}
        self.add_button = QPushButton(self.tr("Add photos…"))
        self.add_button.clicked.connect(self.choose_photos)
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.state = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.state, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.photos, 1)
        layout.addLayout(row)
        layout.addWidget(self.errors.general)

    def show_ticket(self, ticket: TicketDetail) -> None:
        super().show_ticket(ticket)
        self.photos.clear()
        attachments = self.window_.services().attachments
        for photo in ticket.attachments:
            icon = self._thumbnails.get(photo.id)
            if icon is None:  # read each photo once, not on every reload
                pixmap = QPixmap(str(attachments.path(photo)))
                icon = QIcon(pixmap.scaled(THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio))
                self._thumbnails[photo.id] = icon
            label = photo.caption or local_time(photo.at)
            item = QListWidgetItem(icon, label)
            item.setData(ID_ROLE, photo)
            item.setToolTip(f"{photo.original_name} · {photo.width}×{photo.height}")
            self.photos.addItem(item)
        if not ticket.attachments:
            self.state.setText(self.tr("No photos yet."))

    def choose_photos(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Photos of the device"), "", self.tr(PHOTO_FILTER)
        )
        self.add_photos([Path(f) for f in files])

    def add_photos(self, files: list[Path]) -> None:
        """Scale and copy the photos off the GUI thread (a phone photo can be 20 MB)."""
        if not files or self.ticket is None:
            return
        ticket_id = self.ticket.id
        attachments = self.window_.services().attachments
        self.state.setText(self.tr("Adding %n photo(s)…", "", len(files)))
        self.add_button.setEnabled(False)

        def work() -> int:
            for file in files:
                attachments.add_photo(ticket_id, file)
            return len(files)

        self.window_.tasks().run(work, self._on_added, self._on_failed, owner=self)

    def _on_added(self, count: int) -> None:
        self.add_button.setEnabled(True)
        self.state.setText(self.tr("%n photo(s) added.", "", count))
        self.window_.reload()
        self.window_.published()

    def _on_failed(self, error: Exception) -> None:
        self.add_button.setEnabled(True)
        if not isinstance(error, BenchsideError):
            raise error
        message = (
            "\n".join(error.errors.values()) if isinstance(error, ValidationError) else str(error)
        )
        self.state.setText("")
        self.errors.show_general(message)
        self.window_.reload()

    def _on_photos_item_activated(self, item: QListWidgetItem) -> None:
        photo = item.data(ID_ROLE)
        path = self.window_.services().attachments.path(photo)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def remove_selected(self) -> bool:
        item = self.photos.currentItem()
        if item is None:
            return False
        photo_id = item.data(ID_ROLE).id
        if (
            QMessageBox.question(self, self.tr("Remove photo"), self.tr("Remove this photo?"))
            != QMessageBox.StandardButton.Yes
        ):
            return False
        ok = self.act(
            self.tr("Remove photo"),
            lambda: self.window_.services().attachments.remove(photo_id),
        )
        self.window_.reload()
        return ok


class SignatureDialog(QDialog):
    """The customer signs the estimate on screen."""

    def __init__(self, title: str, text: str, signer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        explanation = QLabel(text)
        explanation.setWordWrap(True)
        self.pad = SignaturePad()
        self.signer = QLineEdit(signer)
        self.error = error_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        clear = QPushButton(self.tr("Clear"))
        clear.clicked.connect(self.pad.clear)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.signer)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.pad)
        layout.addWidget(clear, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _on_accepted(self) -> None:
        if self.pad.is_empty():
            self.error.setText(self.tr("Please sign in the box first."))
            self.error.show()
            return
        self.accept()


class SignaturesTab(_Tab):
    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.intake_image = QLabel()
        self.intake_image.setMinimumHeight(90)
        self.intake_text = QLabel()
        self.estimate_image = QLabel()
        self.estimate_image.setMinimumHeight(90)
        self.estimate_text = QLabel()
        self.estimate_text.setWordWrap(True)
        self.sign_button = QPushButton(self.tr("Customer signs the estimate…"))
        self.sign_button.clicked.connect(self.sign_estimate)
        self.phone_button = QPushButton(self.tr("Approved by phone…"))
        self.phone_button.clicked.connect(self.approve_by_phone)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.phone_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading(self.tr("At intake")))
        layout.addWidget(self.intake_text)
        layout.addWidget(self.intake_image)
        layout.addWidget(_heading(self.tr("Estimate approval")))
        layout.addWidget(self.estimate_text)
        layout.addWidget(self.estimate_image)
        layout.addLayout(buttons)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)

    def _show_signature(self, ticket: TicketDetail, purpose: str, image: QLabel) -> str:
        signature = ticket.signature(purpose)
        if signature is None:
            image.clear()
            return ""
        png = self.window_.services().ticket_work.signature_png(signature.id)
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        image.setPixmap(pixmap.scaledToHeight(90, Qt.TransformationMode.SmoothTransformation))
        return self.tr("Signed by {name} on {when}").format(
            name=signature.signer_name or self.tr("the customer"), when=local_time(signature.at)
        )

    def show_ticket(self, ticket: TicketDetail) -> None:
        super().show_ticket(ticket)
        signed = self._show_signature(ticket, "intake", self.intake_image)
        if not signed:
            signed = (
                self.tr("The customer agreed to the terms without signing on screen.")
                if ticket.signature_consent
                else self.tr("Not signed.")
            )
        self.intake_text.setText(signed)
        estimate = self.window_.money(ticket.estimate_total)
        self._show_signature(ticket, "estimate", self.estimate_image)
        if ticket.estimate_approval == "signature":
            text = self.tr("Estimate of {amount} approved by signature on {when}.")
        elif ticket.estimate_approval == "phone":
            text = self.tr("Estimate of {amount} approved by phone by {who} on {when}.")
            self.estimate_image.clear()
        else:
            text = self.tr("Estimate of {amount} not approved yet.")
        self.estimate_text.setText(
            text.format(
                amount=estimate,
                who=ticket.estimate_approved_by,
                when=local_time(ticket.estimate_approved_at),
            )
        )

    def sign_estimate(self) -> QDialog:
        assert self.ticket is not None
        ticket = self.ticket
        dialog = SignatureDialog(
            self.tr("Approve the estimate"),
            self.tr("I approve the repair of {device} for an estimated {amount}.").format(
                device=self.window_.device_title(), amount=self.window_.money(ticket.estimate_total)
            ),
            ticket.customer_name,
            self,
        )

        def signed() -> None:
            png, name = dialog.pad.to_png(), dialog.signer.text()
            self.act(
                self.tr("Signature"),
                lambda: self.window_.services().ticket_work.sign(ticket.id, "estimate", png, name),
            )

        dialog.accepted.connect(signed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def approve_by_phone(self) -> bool:
        assert self.ticket is not None
        ticket_id = self.ticket.id
        who, ok = QInputDialog.getText(
            self,
            self.tr("Approved by phone"),
            self.tr("Who approved the estimate on the phone?"),
            text=self.ticket.customer_name,
        )
        if not ok:
            return False
        return self.act(
            self.tr("Approved by phone"),
            lambda: self.window_.services().ticket_work.approve_estimate_by_phone(ticket_id, who),
        )


class DeviceHistoryTab(_Tab):
    open_ticket_requested = Signal(object)

    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Ticket"),
                self.tr("Received"),
                self.tr("Device"),
                self.tr("Customer"),
                self.tr("Status"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(self._on_table_cell_double_clicked)
        self.empty = QLabel(self.tr("No other tickets for this device or customer."))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Earlier tickets for this device (by serial or IMEI) and this customer"))
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

    def show_ticket(self, ticket: TicketDetail) -> None:
        super().show_ticket(ticket)
        rows: list[TicketSummary] = self.window_.services().tickets.device_history(ticket.id)
        self.table.setRowCount(len(rows))
        for row, summary in enumerate(rows):
            cells = (
                summary.number,
                local_time(summary.created_at),
                summary.device,
                summary.customer_name,
                summary.status_name,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, summary.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not rows)

    def _on_table_cell_double_clicked(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            ticket_id: uuid.UUID = item.data(ID_ROLE)
            self.open_ticket_requested.emit(ticket_id)


class MessagesTab(_Tab):
    """The customer's emails and SMS about this ticket: queued, sent, or failed and why."""

    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Queued"), self.tr("By"), self.tr("To"), self.tr("State"), self.tr("Sent")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.retry_button = QPushButton(self.tr("Send again"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.empty = QLabel(
            self.tr(
                "No messages. Customers hear from the shop when a ticket enters a status "
                "marked in Settings → Messages."
            )
        )
        self.empty.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.retry_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        layout.addWidget(self.errors.general)

    def state_text(self, message: MessageInfo) -> str:
        if message.status == "sent":
            return self.tr("Sent")
        if message.status in ("queued", "sending"):
            return self.tr("Queued")
        reason = message.last_error or self.tr("unknown reason")
        if message.will_retry:
            return self.tr("Failed, will retry at {when}: {reason}").format(
                when=local_time(message.next_attempt_at), reason=reason
            )
        return self.tr("Failed: {reason}").format(reason=reason)

    def show_ticket(self, ticket: TicketDetail) -> None:
        super().show_ticket(ticket)
        messages = self.window_.services().messages.for_ticket(ticket.id)
        self.table.setRowCount(len(messages))
        for row, message in enumerate(messages):
            cells = (
                local_time(message.created_at),
                self.tr("Email") if message.channel == "email" else self.tr("SMS"),
                message.recipient,
                self.state_text(message),
                local_time(message.sent_at),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, str(message.id))
                if column == 3 and message.status == "failed":
                    item.setForeground(QColor("#9b1c14"))
                    item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not messages)
        self.retry_button.setEnabled(any(m.status == "failed" for m in messages))

    def retry_selected(self) -> bool:
        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            return False
        message_id = uuid.UUID(item.data(ID_ROLE))
        if not self.act(
            self.tr("Send again"),
            lambda: self.window_.services().messages.retry(message_id),
        ):
            return False
        self.window_.reload()
        return True


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600; font-size: 12pt; margin-top: 8px;")
    return label
