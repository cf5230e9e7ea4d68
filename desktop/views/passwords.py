"""Change one's own password (forced after a reset by a manager)."""

from __future__ import annotations

from collections.abc import Callable

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
from desktop.services.errors import AuthenticationFailed, LoginThrottled, ValidationError
from desktop.views.forms import FieldErrors, error_label


def password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def add_new_password_rows(
    form: QFormLayout, errors: FieldErrors, parent: QWidget
) -> tuple[QLineEdit, QLineEdit]:
    """ "New password" and "Repeat new password" rows with their error labels."""
    new, confirm = password_edit(parent), password_edit(parent)
    form.addRow(parent.tr("New password:"), new)
    form.addRow("", errors.add("new_password", error_label(parent)))
    form.addRow(parent.tr("Repeat new password:"), confirm)
    form.addRow("", errors.add("confirm", error_label(parent)))
    return new, confirm


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK runs ``on_ok`` (which accepts when it succeeds); Cancel rejects."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def passwords_differ(dialog: QDialog, errors: FieldErrors, new: str, confirm: str) -> bool:
    """Show that the two typed new passwords differ; True when they do."""
    if new == confirm:
        return False
    errors.show({"confirm": dialog.tr("The two new passwords differ.")})
    return True


def throttled_message(widget: QWidget, exc: LoginThrottled) -> str:
    return widget.tr("Too many failed attempts. Try again in {seconds} seconds.").format(
        seconds=exc.seconds_left
    )


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
        self._errors = FieldErrors(error_label(self))
        form.addRow(self.tr("Current password:"), self.current)
        form.addRow("", self._errors.add("current", error_label(self)))
        self.new, self.confirm = add_new_password_rows(form, self._errors, self)
        layout.addLayout(form)
        layout.addWidget(self._errors.general)
        layout.addWidget(ok_cancel(self, self.submit))

    def submit(self) -> None:
        if passwords_differ(self, self._errors, self.new.text(), self.confirm.text()):
            return
        try:
            self._services.accounts.change_own_password(self.current.text(), self.new.text())
        except AuthenticationFailed as exc:
            self._errors.show({"current": str(exc)})
        except ValidationError as exc:
            self._errors.show(exc.errors)
        else:
            self.accept()
