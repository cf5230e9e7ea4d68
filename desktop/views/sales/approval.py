"""A manager approves one action at the counter (a discount above the limit, a refund
over it) by typing their own name and password; nobody is signed in or out."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.context import Actor
from desktop.services.errors import BenchsideError
from desktop.services.permissions import Permission
from desktop.views.forms import error_label


class ApprovalDialog(QDialog):
    """After ``accept()``, ``approver`` is the manager who approved."""

    def __init__(self, services: Services, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Manager approval"))
        self._services = services
        self.approver: Actor | None = None
        self.username = QLineEdit(self)
        self.username.setMaxLength(50)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(200)
        self.errors = error_label(self)
        reason_label = QLabel(reason, self)
        reason_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Manager"), self.username)
        form.addRow(self.tr("Password"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Approve"))
        buttons.accepted.connect(self.approve)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(reason_label)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def approve(self) -> None:
        try:
            self.approver = self._services.accounts.authorize(
                self.username.text(), self.password.text(), Permission.APPROVE_SALES
            )
        except BenchsideError as error:
            self.password.clear()
            self.errors.setText(str(error))
            return
        self.accept()
