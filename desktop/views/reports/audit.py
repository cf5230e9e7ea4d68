"""The audit log on the reports screen: who did what sensitive thing, when and where,
filtered by period, action, person and text, read newest first a page at a time."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.accounts import UserInfo
from desktop.services.audit import AuditCursor, AuditEntry, AuditFilter, AuditPage
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.views.formatting import local_time
from desktop.views.forms import ERROR_STYLE, read_only_rows
from desktop.views.period_bar import PeriodBar
from desktop.views.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
SEARCH_DEBOUNCE_MS = 250
# Longer details are cut on screen; the tooltip holds them all.
DETAILS_SHOWN = 120
ID_WIDTH = 130


def details_summary(details: dict[str, Any], limit: int = DETAILS_SHOWN) -> str:
    """``key: value, key: value`` in the order recorded, cut to ``limit`` characters."""
    text = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in details.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AuditTableModel(QAbstractTableModel):
    """The entries read so far; ``append`` adds the next page at the bottom."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self._titles = (
            self.tr("Time"),
            self.tr("User"),
            self.tr("Station"),
            self.tr("Action"),
            self.tr("Record"),
            self.tr("Id"),
            self.tr("Details"),
        )

    def replace(self, entries: tuple[AuditEntry, ...]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def append(self, entries: tuple[AuditEntry, ...]) -> None:
        if not entries:
            return
        first = len(self.entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self.entries.extend(entries)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._titles)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(entry, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return entry.entity_id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6:
            return details_summary(entry.details, limit=4000)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._titles)
        ):
            return self._titles[section]
        return None

    @staticmethod
    def _cell(entry: AuditEntry, column: int) -> str:
        return (
            local_time(entry.at),
            entry.username,
            entry.station_code,
            entry.action.replace("_", " "),
            entry.entity.replace("_", " "),
            entry.entity_id,
            details_summary(entry.details),
        )[column]


class _MiddleElided(QStyledItemDelegate):
    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class AuditLogView(QWidget):
    """Filters, the events newest first and "Load more" for the page after (keyset
    paging on the service's cursor). Reads off the GUI thread."""

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        locale: str = "en_US",
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self.page_size = page_size
        self.next: AuditCursor | None = None
        self._read = 0  # the newest read; answers to older filters are dropped
        self._where = AuditFilter()
        self.model = AuditTableModel(self)
        self._build(locale)
        self.reload()

    def _build(self, locale: str) -> None:
        self.period_bar = PeriodBar(self, locale=locale)
        self.period_bar.period_changed.connect(lambda _period: self.reload())
        self.action = QComboBox(self)
        self.action.addItem(self.tr("All actions"), "")
        self.action.currentIndexChanged.connect(lambda _index: self.reload())
        self.user = QComboBox(self)
        self.user.addItem(self.tr("Everyone"), None)
        self.user.currentIndexChanged.connect(lambda _index: self.reload())
        self.search = QLineEdit(self)
        self.search.setMaxLength(100)
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Name, record id or details"))
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        heading = QLabel(self.tr("Audit log"), self)
        font = heading.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        heading.setFont(font)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        self.table = read_only_rows(QTableView(self))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        # Record ids are long UUIDs that differ at the end: cut in the middle, whole in
        # the tooltip.
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(5, ID_WIDTH)
        self.table.setItemDelegateForColumn(5, _MiddleElided(self.table))
        self.count_label = QLabel(self)
        self.more_button = QPushButton(self.tr("Load more"), self)
        self.more_button.setEnabled(False)
        self.more_button.clicked.connect(lambda: self.load_more())
        filters = QHBoxLayout()
        filters.addWidget(self.period_bar)
        filters.addWidget(self.action)
        filters.addWidget(self.user)
        filters.addWidget(self.search, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    # -- filters ----------------------------------------------------------------------

    def current_filter(self) -> AuditFilter | None:
        """What the filters ask for, or None while the custom range is bad."""
        chosen = self.period_bar.period()
        if chosen is None:
            return None
        start, end = chosen.bounds()
        user = self.user.currentData()
        return AuditFilter(
            start=start,
            end=end,
            action=str(self.action.currentData() or ""),
            user_id=user if isinstance(user, uuid.UUID) else None,
            text=self.search.text()[:100],
        )

    def _fill_choices(self, actions: list[str], users: list[UserInfo]) -> None:
        """The action and user lists, keeping what was chosen."""
        for combo, choices in (
            (self.action, [(a.replace("_", " "), a) for a in actions]),
            (self.user, [(u.display_name, u.id) for u in users]),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in choices:
                combo.addItem(text, value)
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    # -- reading ----------------------------------------------------------------------

    def reload(self) -> None:
        """The first page for the filters, with fresh action and user lists."""
        self._timer.stop()
        where = self.current_filter()
        if where is None:
            return  # the period bar says what is wrong
        self._read += 1
        read, audit, accounts, limit = (
            self._read,
            self._services.audit,
            self._services,
            self.page_size,
        )

        def work() -> tuple[list[str], list[UserInfo], AuditPage]:
            return audit.actions(), accounts.accounts.list_users(), audit.page(where, None, limit)

        self._where = where
        self.more_button.setEnabled(False)
        self._say(self.tr("Reading the log…"))
        self._tasks.run(
            work,
            lambda found: self._on_first_page(read, *found),
            lambda error: self._on_read_failed(read, error),
            owner=self,
        )

    def load_more(self) -> None:
        """The next page after the last event shown."""
        if self.next is None:
            return
        read, audit, where, after = self._read, self._services.audit, self._where, self.next
        limit = self.page_size
        self.more_button.setEnabled(False)
        self._tasks.run(
            lambda: audit.page(where, after, limit),
            lambda page: self._on_next_page(read, page),
            lambda error: self._on_read_failed(read, error),
            owner=self,
        )

    def _on_first_page(
        self, read: int, actions: list[str], users: list[UserInfo], page: AuditPage
    ) -> None:
        if read != self._read:
            return
        self._fill_choices(actions, users)
        self.model.replace(page.entries)
        self._after_page(page)

    def _on_next_page(self, read: int, page: AuditPage) -> None:
        if read != self._read:
            return  # the filters changed meanwhile
        self.model.append(page.entries)
        self._after_page(page)

    def _after_page(self, page: AuditPage) -> None:
        self.next = page.next
        self.more_button.setEnabled(page.next is not None)
        shown = len(self.model.entries)
        self.count_label.setText(
            self.tr("%n event(s) shown", "", shown)
            + ("" if page.next is None else " " + self.tr("(more to load)"))
        )
        self._say("" if shown else self.tr("No events match these filters."))

    def _on_read_failed(self, read: int, error: Exception) -> None:
        if read != self._read:
            return
        if not isinstance(error, BenchsideError):
            raise error
        text = (
            "\n".join(error.errors.values()) if isinstance(error, ValidationError) else str(error)
        )
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)
        self.message.show()

    def _say(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.message.setVisible(bool(text))
