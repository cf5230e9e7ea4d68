"""For managers: what sync chose between two stations' edits (keep it or put the other
value back) and the changes made here that the server refused, with its reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.services.sync_conflicts import ConflictSide, ConflictView
from desktop.sync.outbox import RejectedTransaction
from desktop.sync.runner import SyncStatus
from desktop.views.bus import DataBus
from desktop.views.forms import error_label, read_only_rows
from desktop.views.itemmodels.rows import RowsTableModel
from desktop.views.sync.controller import SyncController
from desktop.views.sync.words import field_words, local_time, table_words, value_words


def may_review(services: Services) -> bool:
    """Whether the signed-in user may see and resolve sync's conflicts."""
    return services.ctx.can(Permission.RESOLVE_SYNC_CONFLICTS)


def _changes_for(conflict: ConflictView) -> Changes:
    """What putting a value back changed, for the views that show that record."""
    ids = frozenset({conflict.row_id})
    by_table = {
        "customers": Changes(customers=ids),
        "devices": Changes(devices=ids),
        "tickets": Changes(tickets=ids),
        "items": Changes(items=ids),
        "users": Changes(users=True),
        "shop_profile": Changes(shop=True),
    }
    return Changes(sync_review=True) | by_table.get(conflict.table_name, Changes(everything=True))


class ConflictsTab(QWidget):
    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self.model: RowsTableModel[ConflictView] = RowsTableModel(
            [
                self.tr("What"),
                self.tr("Kept value"),
                self.tr("Kept: by, when"),
                self.tr("Other value"),
                self.tr("Other: by, when"),
            ],
            self._cells,
            parent=self,
        )
        self.table = read_only_rows(QTableView(self))
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_selection_changed)
        self.empty = QLabel(self.tr("No conflicts: every edit reached every station as made."))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.error = error_label(self)
        self.keep_button = QPushButton(self.tr("Keep this"))
        self.keep_button.clicked.connect(self.keep_selected)
        self.other_button = QPushButton(self.tr("Use the other value"))
        self.other_button.clicked.connect(self.restore_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _side(self, side: ConflictSide) -> str:
        who = side.user or self.tr("someone")
        return self.tr("{who} at station {station}, {when}").format(
            who=who, station=side.station, when=local_time(side.at)
        )

    def _cells(self, conflict: ConflictView) -> list[str]:
        what = self.tr("{table}: {field}").format(
            table=table_words(conflict.table_name), field=field_words(conflict.field)
        )
        return [
            what,
            value_words(conflict.kept.value),
            self._side(conflict.kept),
            value_words(conflict.other.value),
            self._side(conflict.other),
        ]

    def reload(self) -> None:
        selected = self.selected()
        self.model.set_rows(self._services.sync_conflicts.list())
        self.empty.setVisible(not self.model.rows())
        row = self.model.row_of(selected.id) if selected is not None else None
        if row is None and self.model.rows():
            row = 0
        if row is not None:
            self.table.selectRow(row)
        self._on_selection_changed()

    def selected(self) -> ConflictView | None:
        index = self.table.currentIndex()
        return self.model.row_record(index.row()) if index.isValid() else None

    def _on_selection_changed(self, *_args: object) -> None:
        conflict = self.selected()
        self.keep_button.setEnabled(conflict is not None)
        self.other_button.setEnabled(conflict is not None and conflict.kind == "edit")
        if conflict is None:
            self.hint.clear()
        elif conflict.kind == "edit":
            self.hint.setText(
                self.tr(
                    "Two stations changed this at about the same time; sync kept the later "
                    "change. “Use the other value” puts the other one back everywhere."
                )
            )
        else:
            self.hint.setText(
                self.tr(
                    "Two records came to share this value, which must be unique; sync "
                    "changed the second one. Edit either record if needed."
                )
            )

    def keep_selected(self) -> None:
        self._resolve(keep=True)

    def restore_selected(self) -> None:
        self._resolve(keep=False)

    def _resolve(self, keep: bool) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        self.error.hide()
        conflicts = self._services.sync_conflicts
        try:
            if keep:
                conflicts.keep(conflict.id)
            else:
                conflicts.restore_other(conflict.id)
        except ValidationError as invalid:
            self._show_error(" ".join(invalid.errors.values()))
            return
        except BenchsideError as problem:
            self._show_error(str(problem))
            return
        self._bus.publish(Changes(sync_review=True) if keep else _changes_for(conflict))

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.reload()


class RefusedTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.model: RowsTableModel[RejectedTransaction] = RowsTableModel(
            [self.tr("Made"), self.tr("What"), self.tr("Changes"), self.tr("Server's reason")],
            self._cells,
            right_aligned=(2,),
            parent=self,
        )
        self.table = read_only_rows(QTableView(self))
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.empty = QLabel(self.tr("The server accepted every change made here."))
        note = QLabel(
            self.tr(
                "The server refuses a change that breaks the shop's rules (for example an "
                "edit of a payment). It stays on this PC only; other stations never see it."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def _cells(self, refused: RejectedTransaction) -> list[str]:
        return [
            local_time(refused.created_at),
            ", ".join(table_words(t) for t in refused.tables),
            str(refused.changes),
            refused.reason,
        ]

    def reload(self) -> None:
        self.model.set_rows(self._services.sync_conflicts.refused_changes())
        self.empty.setVisible(not self.model.rows())


class SyncReview(QTabWidget):
    """The two lists, kept current: they reload when data changes here and when a sync
    pass brings other counts."""

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        sync: SyncController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.conflicts = ConflictsTab(services, bus, self)
        self.refused = RefusedTab(services, self)
        self.addTab(self.conflicts, self.tr("Conflicts"))
        self.addTab(self.refused, self.tr("Refused changes"))
        self._seen: tuple[int, int] | None = None
        bus.data_changed.connect(self._on_bus_data_changed)
        if sync is not None:
            sync.bridge.status_changed.connect(self._on_bridge_status_changed)
        self.reload()

    def reload(self) -> None:
        self.conflicts.reload()
        self.refused.reload()
        self.setTabText(0, self.tr("Conflicts ({n})").format(n=len(self.conflicts.model.rows())))
        self.setTabText(
            1, self.tr("Refused changes ({n})").format(n=len(self.refused.model.rows()))
        )

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.sync_review or changes.everything:
            self.reload()

    def _on_bridge_status_changed(self, status: SyncStatus) -> None:
        counts = (status.conflicts, status.rejected)
        if counts != self._seen:
            self._seen = counts
            self.reload()


class SyncReviewDialog(QDialog):
    def __init__(
        self,
        services: Services,
        bus: DataBus,
        sync: SyncController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sync: conflicts and refused changes"))
        self.resize(900, 480)
        self.review = SyncReview(services, bus, sync, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.review, 1)
        layout.addWidget(buttons)
