"""Settings → Messages: how email and SMS are sent (with test buttons), and what the
customer receives when a ticket enters each status."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.message_templates import PLACEHOLDERS
from desktop.services.messages import MessagingConfig
from desktop.services.permissions import Permission
from desktop.services.tickets import StatusInfo
from desktop.views.forms import ERROR_STYLE, FieldErrors, error_label, with_error
from desktop.views.tasks import TaskRunner


class MessagesSettings(QWidget):
    def __init__(
        self, services: Services, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._statuses: list[StatusInfo] = []
        self.errors = FieldErrors(error_label())
        self.template_errors = FieldErrors(error_label())
        self.permission_note = QLabel(
            self.tr("Only the owner can change how messages are sent and what they say.")
        )
        self.permission_note.setWordWrap(True)
        self.settings_box = QWidget()
        settings_layout = QVBoxLayout(self.settings_box)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.addWidget(self._build_email_box())
        settings_layout.addWidget(self._build_sms_box())
        self.save_button = QPushButton(self.tr("Save sending settings"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        settings_layout.addWidget(self.errors.general)
        settings_layout.addLayout(row)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.permission_note)
        layout.addWidget(self.settings_box)
        layout.addWidget(self._build_templates_box())
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.reload()

    # -- building -------------------------------------------------------------------------

    def _build_email_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Email (SMTP)"))
        self.email_enabled = QCheckBox(self.tr("Send email to customers"))
        self.smtp_host = QLineEdit()
        self.smtp_host.setPlaceholderText("smtp.example.com")
        self.smtp_port = QSpinBox()
        self.smtp_port.setRange(1, 65535)
        self.smtp_security = QComboBox()
        for value, title in (
            ("starttls", self.tr("STARTTLS (usually port 587)")),
            ("ssl", self.tr("SSL/TLS (usually port 465)")),
            ("none", self.tr("None (local relay only)")),
        ):
            self.smtp_security.addItem(title, value)
        self.smtp_username = QLineEdit()
        self.smtp_password = QLineEdit()
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_address = QLineEdit()
        self.from_address.setPlaceholderText("repairs@example.com")
        self.test_email_to = QLineEdit()
        self.test_email_to.setPlaceholderText(self.tr("Send the test to this address"))
        self.test_email_button = QPushButton(self.tr("Send test email"))
        self.test_email_button.clicked.connect(self.send_test_email)
        self.test_email_result = QLabel()
        self.test_email_result.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow("", self.email_enabled)
        for field, title, widget in (
            ("smtp_host", self.tr("Mail server"), self.smtp_host),
            ("smtp_port", self.tr("Port"), self.smtp_port),
            ("smtp_security", self.tr("Security"), self.smtp_security),
            ("smtp_username", self.tr("User name"), self.smtp_username),
            ("smtp_password", self.tr("Password"), self.smtp_password),
            ("from_address", self.tr("From address"), self.from_address),
        ):
            form.addRow(title, with_error(self.errors, field, widget))
        form.addRow(
            self.tr("Test"),
            self._test_row(
                "test_email", self.test_email_to, self.test_email_button, self.test_email_result
            ),
        )
        return box

    def _build_sms_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("SMS gateway"))
        self.sms_enabled = QCheckBox(self.tr("Send SMS to customers"))
        self.sms_url = QLineEdit()
        self.sms_url.setPlaceholderText("https://sms.example.com/api/send")
        self.sms_token = QLineEdit()
        self.sms_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.sms_format = QComboBox()
        self.sms_format.addItem(self.tr('JSON: {"to": …, "message": …}'), "json")
        self.sms_format.addItem(self.tr("Form: to=…&message=…"), "form")
        self.test_phone = QLineEdit()
        self.test_phone.setPlaceholderText(self.tr("Send the test to this phone number"))
        self.test_sms_button = QPushButton(self.tr("Send test SMS"))
        self.test_sms_button.clicked.connect(self.send_test_sms)
        self.test_sms_result = QLabel()
        self.test_sms_result.setWordWrap(True)
        note = QLabel(
            self.tr(
                "Benchside posts each SMS to this address with the token as "
                "“Authorization: Bearer …”."
            )
        )
        note.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow("", self.sms_enabled)
        for field, title, widget in (
            ("sms_url", self.tr("Gateway address"), self.sms_url),
            ("sms_token", self.tr("Token"), self.sms_token),
            ("sms_format", self.tr("Request body"), self.sms_format),
        ):
            form.addRow(title, with_error(self.errors, field, widget))
        form.addRow("", note)
        form.addRow(
            self.tr("Test"),
            self._test_row(
                "test_phone", self.test_phone, self.test_sms_button, self.test_sms_result
            ),
        )
        return box

    def _test_row(
        self, field: str, target: QLineEdit, button: QPushButton, result: QLabel
    ) -> QWidget:
        row = QWidget()
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(target, 1)
        line.addWidget(button)
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(line)
        column.addWidget(self.errors.add(field, error_label()))
        column.addWidget(result)
        return row

    def _build_templates_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("What customers receive"))
        hint = QLabel(
            self.tr(
                "Tick the statuses that notify the customer, then write the "
                "email and the SMS they receive when a ticket enters it."
            )
        )
        hint.setWordWrap(True)
        self.status_list = QListWidget()
        self.status_list.setMaximumWidth(220)
        self.status_list.currentRowChanged.connect(self._on_status_list_current_row_changed)
        self.status_list.itemChanged.connect(self._on_status_list_item_changed)
        self.email_subject = QLineEdit()
        self.email_body = QPlainTextEdit()
        self.email_body.setMinimumHeight(120)
        self.sms_body = QPlainTextEdit()
        self.sms_body.setMaximumHeight(80)
        placeholders = QLabel(
            self.tr("Placeholders: {list}").format(
                list=", ".join("{" + name + "}" for name in PLACEHOLDERS)
            )
        )
        placeholders.setWordWrap(True)
        placeholders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_template_button = QPushButton(self.tr("Save messages for this status"))
        self.save_template_button.clicked.connect(self.save_templates)
        self.template_status = QLabel()
        editor = QFormLayout()
        editor.addRow(
            self.tr("Email subject"),
            with_error(self.template_errors, "email.subject", self.email_subject),
        )
        editor.addRow(
            self.tr("Email text"), with_error(self.template_errors, "email.body", self.email_body)
        )
        editor.addRow(
            self.tr("SMS text"), with_error(self.template_errors, "sms.body", self.sms_body)
        )
        editor.addRow("", placeholders)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_template_button)
        buttons.addWidget(self.template_status, 1)
        editor.addRow("", self.template_errors.general)
        editor.addRow("", buttons)
        row = QHBoxLayout()
        row.addWidget(self.status_list)
        row.addLayout(editor, 1)
        column = QVBoxLayout(box)
        column.addWidget(hint)
        column.addLayout(row)
        return box

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        allowed = self._services.ctx.can(Permission.MANAGE_SHOP)
        self.permission_note.setVisible(not allowed)
        self.settings_box.setVisible(allowed)
        if allowed:
            self._show_config(self._services.messages.settings())
        for widget in (
            self.email_subject,
            self.email_body,
            self.sms_body,
            self.save_template_button,
        ):
            widget.setEnabled(allowed)
        self._load_statuses()

    def _show_config(self, config: MessagingConfig) -> None:
        self.email_enabled.setChecked(config.email_enabled)
        self.smtp_host.setText(config.smtp_host)
        self.smtp_port.setValue(config.smtp_port)
        self.smtp_security.setCurrentIndex(self.smtp_security.findData(config.smtp_security))
        self.smtp_username.setText(config.smtp_username)
        self.smtp_password.setText(config.smtp_password)
        self.from_address.setText(config.from_address)
        self.sms_enabled.setChecked(config.sms_enabled)
        self.sms_url.setText(config.sms_url)
        self.sms_token.setText(config.sms_token)
        self.sms_format.setCurrentIndex(self.sms_format.findData(config.sms_format))

    def _load_statuses(self) -> None:
        current = self.current_status_id()
        can_toggle = self._services.ctx.can(Permission.MANAGE_TICKET_STATUSES)
        self._statuses = self._services.tickets.statuses()
        self.status_list.blockSignals(True)
        self.status_list.clear()
        for status in self._statuses:
            item = QListWidgetItem(status.name)
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
            if can_toggle:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            item.setCheckState(
                Qt.CheckState.Checked if status.notify_customer else Qt.CheckState.Unchecked
            )
            item.setData(Qt.ItemDataRole.UserRole, status.id)
            self.status_list.addItem(item)
        self.status_list.blockSignals(False)
        ids = [s.id for s in self._statuses]
        notifying = [i for i, s in enumerate(self._statuses) if s.notify_customer]
        row = ids.index(current) if current in ids else (notifying[0] if notifying else 0)
        self.status_list.setCurrentRow(row)
        self._on_status_list_current_row_changed(row)

    def current_status_id(self) -> uuid.UUID | None:
        item = self.status_list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)  # type: ignore[no-any-return]

    def select_status(self, name: str) -> None:
        for row, status in enumerate(self._statuses):
            if status.name == name:
                self.status_list.setCurrentRow(row)
                return
        raise KeyError(name)

    def _on_status_list_current_row_changed(self, row: int) -> None:
        self.template_errors.clear()
        self.template_status.clear()
        if not 0 <= row < len(self._statuses):
            return
        templates = self._services.messages.templates(self._statuses[row].id)
        self.email_subject.setText(templates["email"].subject)
        self.email_body.setPlainText(templates["email"].body)
        self.sms_body.setPlainText(templates["sms"].body)

    def _on_status_list_item_changed(self, item: QListWidgetItem) -> None:
        status = next(s for s in self._statuses if s.id == item.data(Qt.ItemDataRole.UserRole))
        notify = item.checkState() == Qt.CheckState.Checked
        try:
            self._services.ticket_statuses.save_status(
                status.name, status.category, notify, status.id
            )
        except BenchsideError as problem:
            self.template_errors.show_general(str(problem))
        self._load_statuses()

    # -- actions ----------------------------------------------------------------------------

    def form_config(self) -> MessagingConfig:
        return MessagingConfig(
            email_enabled=self.email_enabled.isChecked(),
            smtp_host=self.smtp_host.text(),
            smtp_port=self.smtp_port.value(),
            smtp_security=str(self.smtp_security.currentData()),
            smtp_username=self.smtp_username.text(),
            smtp_password=self.smtp_password.text(),
            from_address=self.from_address.text(),
            sms_enabled=self.sms_enabled.isChecked(),
            sms_url=self.sms_url.text(),
            sms_token=self.sms_token.text(),
            sms_format=str(self.sms_format.currentData()),
        )

    def save(self) -> None:
        self.errors.clear()
        self.status.clear()
        try:
            self._services.messages.save_settings(self.form_config())
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.status.setText(self.tr("Saved."))

    def send_test_email(self) -> None:
        to, config = self.test_email_to.text(), self.form_config()
        self._run_test(
            lambda: self._services.messages.send_test_email(to, config),
            self.test_email_button,
            self.test_email_result,
            self.tr("Test email sent to {to}. Check the inbox.").format(to=to.strip()),
        )

    def send_test_sms(self) -> None:
        to, config = self.test_phone.text(), self.form_config()
        self._run_test(
            lambda: self._services.messages.send_test_sms(to, config),
            self.test_sms_button,
            self.test_sms_result,
            self.tr("Test SMS sent to {to}.").format(to=to.strip()),
        )

    def _run_test(
        self, send: Callable[[], None], button: QPushButton, result: QLabel, success: str
    ) -> None:
        """Talk to the server off the GUI thread; the answer appears under the button."""
        self.errors.clear()
        result.setStyleSheet("")
        result.setText(self.tr("Sending…"))
        button.setEnabled(False)

        def done(_value: object) -> None:
            button.setEnabled(True)
            result.setText(success)

        def failed(error: Exception) -> None:
            button.setEnabled(True)
            result.clear()
            if isinstance(error, ValidationError):
                self.errors.show(error.errors)
            elif isinstance(error, BenchsideError):
                result.setStyleSheet(ERROR_STYLE)
                result.setText(str(error))
            else:
                raise error

        self._tasks.run(send, done, failed)

    def save_templates(self) -> None:
        status_id = self.current_status_id()
        if status_id is None:
            return
        self.template_errors.clear()
        self.template_status.clear()
        try:
            self._services.messages.save_templates(
                status_id,
                {
                    "email": (self.email_subject.text(), self.email_body.toPlainText()),
                    "sms": ("", self.sms_body.toPlainText()),
                },
            )
        except ValidationError as invalid:
            self.template_errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.template_errors.show({"general": str(problem)})
            return
        self.template_status.setText(self.tr("Saved."))
