"""Staff accounts: add, edit, reset passwords; everyone changes their own password."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.accounts import UserInfo
from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission, Role
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label


class FormDialog(QDialog):
    """A small form whose Save runs ``on_save``; its errors stay in the dialog."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(380)
        self.errors = FieldErrors(error_label())
        self.form = QFormLayout()
        self.on_save: Callable[[], None] = lambda: None
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)

    def add_field(self, field: str, title: str, widget: QWidget) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(self.errors.add(field, error_label()))
        self.form.addRow(title, box)

    def save(self) -> None:
        self.errors.clear()
        try:
            self.on_save()
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.accept()


def password_field() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class UsersSettings(QWidget):
    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._users: list[UserInfo] = []
        self.dialog: QDialog | None = None
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("Status")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton(self.tr("Add…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.reset_button = QPushButton(self.tr("Reset password…"))
        self.own_password_button = QPushButton(self.tr("Change my password…"))
        self.recovery_button = QPushButton(self.tr("New recovery code…"))
        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.own_password_button.clicked.connect(self.change_own_password)
        self.recovery_button.clicked.connect(self.new_recovery_code)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.reset_button,
            self.own_password_button,
            self.recovery_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.reload()

    def reload(self) -> None:
        can = self._services.ctx.can
        manage = can(Permission.MANAGE_STAFF)
        self._users = self._services.accounts.list_users() if manage else []
        self.table.setRowCount(len(self._users))
        for row, user in enumerate(self._users):
            status = self.tr("Active") if user.active else self.tr("Inactive")
            if user.must_change_password:
                status += self.tr(" · must change password")
            for column, text in enumerate(
                (user.username, user.display_name, Role(user.role).label, status)
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setVisible(manage)
        for button in (self.add_button, self.edit_button):
            button.setVisible(manage)
        self.reset_button.setVisible(can(Permission.RESET_PASSWORDS))
        self.recovery_button.setVisible(can(Permission.MANAGE_OWNERS))

    def selected_user(self) -> UserInfo | None:
        row = self.table.currentRow()
        return self._users[row] if 0 <= row < len(self._users) else None

    def _role_combo(self, current: str = Role.TECHNICIAN.value) -> QComboBox:
        combo = QComboBox()
        for role in Role:
            if role is Role.OWNER and not self._services.ctx.can(Permission.MANAGE_OWNERS):
                continue
            combo.addItem(self.tr(role.label), role.value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo

    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _changed(self) -> None:
        self.reload()
        self._bus.publish(Changes(users=True))

    def add_user(self) -> FormDialog:
        dialog = FormDialog(self.tr("Add user"), self)
        dialog.username = QLineEdit()  # type: ignore[attr-defined]
        dialog.display_name = QLineEdit()  # type: ignore[attr-defined]
        dialog.role = self._role_combo()  # type: ignore[attr-defined]
        dialog.password = password_field()  # type: ignore[attr-defined]
        dialog.add_field("username", self.tr("User name"), dialog.username)  # type: ignore[attr-defined]
        dialog.add_field("display_name", self.tr("Name"), dialog.display_name)  # type: ignore[attr-defined]
        dialog.add_field("role", self.tr("Role"), dialog.role)  # type: ignore[attr-defined]
        dialog.add_field("password", self.tr("First password"), dialog.password)  # type: ignore[attr-defined]
        dialog.on_save = lambda: self._services.accounts.add_user(
            dialog.username.text(),  # type: ignore[attr-defined]
            dialog.display_name.text(),  # type: ignore[attr-defined]
            dialog.role.currentData(),  # type: ignore[attr-defined]
            dialog.password.text(),  # type: ignore[attr-defined]
        )
        dialog.accepted.connect(self._changed)
        return self._open(dialog)

    def edit_user(self) -> FormDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = FormDialog(self.tr("Edit %1").replace("%1", user.username), self)
        name = QLineEdit(user.display_name)
        role = self._role_combo(user.role)
        active = QCheckBox(self.tr("May sign in"))
        active.setChecked(user.active)
        dialog.add_field("display_name", self.tr("Name"), name)
        dialog.add_field("role", self.tr("Role"), role)
        dialog.add_field("active", "", active)
        user_id: uuid.UUID = user.id
        dialog.on_save = lambda: self._services.accounts.update_user(
            user_id, name.text(), role.currentData(), active.isChecked()
        )
        dialog.accepted.connect(self._changed)
        return self._open(dialog)

    def reset_password(self) -> FormDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = FormDialog(self.tr("Reset password of %1").replace("%1", user.username), self)
        note = QLabel(self.tr("They will have to choose a new password when they next sign in."))
        note.setWordWrap(True)
        dialog.form.addRow(note)
        temporary = password_field()
        dialog.add_field("password", self.tr("Temporary password"), temporary)
        dialog.on_save = lambda: self._services.accounts.reset_password(user.id, temporary.text())
        dialog.accepted.connect(self._changed)
        return self._open(dialog)

    def change_own_password(self) -> FormDialog:
        dialog = FormDialog(self.tr("Change my password"), self)
        current, new, again = password_field(), password_field(), password_field()
        dialog.add_field("current_password", self.tr("Current password"), current)
        dialog.add_field("new_password", self.tr("New password"), new)
        dialog.add_field("repeat", self.tr("New password again"), again)

        def save() -> None:
            if new.text() != again.text():
                raise ValidationError({"repeat": self.tr("The two new passwords differ.")})
            self._services.accounts.change_own_password(current.text(), new.text())

        dialog.on_save = save
        dialog.accepted.connect(lambda: self.status.setText(self.tr("Your password was changed.")))
        return self._open(dialog)

    def new_recovery_code(self, confirm: bool = True) -> str | None:
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("New recovery code"),
                self.tr("Make a new owner recovery code? The old one stops working."),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        try:
            code = self._services.accounts.new_recovery_code()
        except BenchsideError as problem:
            self.status.setText(str(problem))
            return None
        self.status.setText(
            self.tr("Your new recovery code (shown only now; write it down): %1").replace(
                "%1", code
            )
        )
        return code
