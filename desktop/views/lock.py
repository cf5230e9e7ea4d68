"""Idle lock and quick user switch at the counter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.services.accounts import LoginResult
from desktop.services.container import Services
from desktop.services.errors import AuthenticationFailed, LoginThrottled
from desktop.views.forms import error_label
from desktop.views.passwords import password_edit, throttled_message

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """An application event filter: any input restarts the timer; silence emits ``idled``."""

    idled = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idled)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        """0 turns the idle lock off."""
        self._timer.stop()
        self._timer.setInterval(max(0, minutes) * 60_000)
        if minutes > 0:
            self._timer.start()

    def set_interval_ms(self, msecs: int) -> None:
        self._timer.setInterval(msecs)
        self._timer.start()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._timer.interval() > 0:
            self._timer.start()
        return False


class LockDialog(QDialog):
    """Covers the main window until the user, or another user, signs in again.

    ``result_login`` is set when a different user signed in (a switch).
    """

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.result_login: LoginResult | None = None
        actor = services.ctx.actor
        self._current = actor.username if actor else ""
        self.setWindowTitle(self.tr("Benchside is locked"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Locked"), self)
        font = heading.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        form = QFormLayout()
        self.user = QComboBox(self)
        for username, display in services.accounts.active_usernames():
            self.user.addItem(f"{display} ({username})", username)
        index = self.user.findData(self._current)
        if index >= 0:
            self.user.setCurrentIndex(index)
        self.user.currentIndexChanged.connect(self._on_user_current_index_changed)
        self.password = password_edit(self)
        form.addRow(self.tr("User:"), self.user)
        form.addRow(self.tr("Password:"), self.password)
        layout.addLayout(form)
        self.error = error_label(self)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.unlock = buttons.addButton(self.tr("Unlock"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.submit)
        layout.addWidget(buttons)
        self._on_user_current_index_changed()
        self.setMinimumWidth(380)
        self.password.setFocus()

    def switch_to(self, username: str) -> None:
        index = self.user.findData(username)
        if index >= 0:
            self.user.setCurrentIndex(index)

    def _on_user_current_index_changed(self, _index: int = 0) -> None:
        if self.user.currentData() == self._current:
            self.message.setText(self.tr("Enter your password to continue."))
            self.unlock.setText(self.tr("Unlock"))
        else:
            self.message.setText(
                self.tr("Sign in as another user: the current user is signed out.")
            )
            self.unlock.setText(self.tr("Switch user"))
        self.error.hide()

    def submit(self) -> None:
        username = self.user.currentData()
        password = self.password.text()
        self.password.clear()
        try:
            if username == self._current:
                if not self._services.accounts.verify_current_password(password):
                    raise AuthenticationFailed(self.tr("Wrong password."))
            else:
                self.result_login = self._services.accounts.login(username, password)
        except LoginThrottled as exc:
            self._fail(throttled_message(self, exc))
        except AuthenticationFailed as exc:
            self._fail(str(exc))
        else:
            self.accept()

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.password.setFocus()

    def reject(self) -> None:
        # Escape and the close button must not unlock the station.
        return
