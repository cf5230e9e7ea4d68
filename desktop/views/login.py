"""Signing in, and the owner's recovery when the password is forgotten."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.accounts import LoginResult
from desktop.services.container import Services
from desktop.services.errors import AuthenticationFailed, LoginThrottled, ValidationError
from desktop.views.forms import FieldErrors, error_label
from desktop.views.passwords import (
    add_new_password_rows,
    ok_cancel,
    password_edit,
    passwords_differ,
    throttled_message,
)


class LoginDialog(QDialog):
    """Accepted once a user signed in; ``result_login`` holds the result."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.result_login: LoginResult | None = None
        shop = services.shop.profile()
        self.setWindowTitle(self.tr("Sign in — Benchside"))
        layout = QVBoxLayout(self)
        title = QLabel(shop.name, self)
        font = title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        form = QFormLayout()
        self.username = QLineEdit(self)
        self.password = password_edit(self)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        layout.addLayout(form)
        self.error = error_label(self)
        layout.addWidget(self.error)
        forgot = QLabel(f'<a href="#">{self.tr("Forgot owner password?")}</a>', self)
        forgot.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        forgot.linkActivated.connect(self._on_forgot_link_activated)
        layout.addWidget(forgot)
        buttons = QDialogButtonBox(self)
        self.sign_in = buttons.addButton(self.tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)

    def submit(self) -> None:
        if not self.username.text().strip():
            self._fail(self.tr("Enter your user name."))
            self.username.setFocus()
            return
        try:
            self.result_login = self._services.accounts.login(
                self.username.text(), self.password.text()
            )
        except LoginThrottled as exc:
            self._fail(throttled_message(self, exc))
        except AuthenticationFailed as exc:
            self._fail(str(exc))
        else:
            self.accept()

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.password.clear()
        self.password.setFocus()

    def _on_forgot_link_activated(self, _link: str) -> None:
        RecoveryDialog(self._services, self).exec()


class RecoveryDialog(QDialog):
    """Owner name + recovery code + new password; shows the next recovery code once."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.next_code: str | None = None
        self.setWindowTitle(self.tr("Recover the owner account"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Enter the owner's user name and the recovery code written down when the "
                "shop was set up. The code can be used once; you will get a new one."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.username = QLineEdit(self)
        self.code = QLineEdit(self)
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX")
        self._errors = FieldErrors(error_label(self))
        form.addRow(self.tr("Owner user name:"), self.username)
        form.addRow(self.tr("Recovery code:"), self.code)
        self.new, self.confirm = add_new_password_rows(form, self._errors, self)
        layout.addLayout(form)
        layout.addWidget(self._errors.general)
        layout.addWidget(ok_cancel(self, self.submit))

    def submit(self) -> None:
        if passwords_differ(self, self._errors, self.new.text(), self.confirm.text()):
            return
        try:
            self.next_code = self._services.accounts.recover_owner(
                self.username.text(), self.code.text(), self.new.text()
            )
        except ValidationError as exc:
            self._errors.show(exc.errors)
            return
        except AuthenticationFailed as exc:
            self._errors.show_general(str(exc))
            return
        self.accept()
        self.show_next_code()

    def show_next_code(self) -> None:
        box = QMessageBox(self.parentWidget())
        box.setWindowTitle(self.tr("New recovery code"))
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(
            self.tr(
                "The password was changed. Your old recovery code no longer works.\n\n"
                "Write down the new recovery code and keep it somewhere safe:\n\n{code}"
            ).format(code=self.next_code)
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
