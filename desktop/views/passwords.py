"""Change one's own password (forced after a reset by a manager)."""

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
from desktop.services.errors import AuthenticationFailed, ValidationError
from desktop.views.forms import FieldErrors, error_label


def password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ChangePasswordDialog(QDialog):
    def __init__(self, services: Services, forced: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.setWindowTitle(self.tr("Change password"))
        layout = QVBoxLayout(self)
        if forced:
            note = QLabel(
                self.tr("Your password was reset. Choose a new password before you continue."),
                self,
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        self.current = password_edit(self)
        self.new = password_edit(self)
        self.confirm = password_edit(self)
        self._errors = FieldErrors(error_label(self))
        form.addRow(self.tr("Current password:"), self.current)
        form.addRow("", self._errors.add("current", error_label(self)))
        form.addRow(self.tr("New password:"), self.new)
        form.addRow("", self._errors.add("new_password", error_label(self)))
        form.addRow(self.tr("Repeat new password:"), self.confirm)
        form.addRow("", self._errors.add("confirm", error_label(self)))
        layout.addLayout(form)
        layout.addWidget(self._errors.general)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        if self.new.text() != self.confirm.text():
            self._errors.show({"confirm": self.tr("The two new passwords differ.")})
            return
        try:
            self._services.accounts.change_own_password(self.current.text(), self.new.text())
        except AuthenticationFailed as exc:
            self._errors.show({"current": str(exc)})
        except ValidationError as exc:
            self._errors.show(exc.errors)
        else:
            self.accept()
