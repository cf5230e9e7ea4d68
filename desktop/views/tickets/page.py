"""The tickets screen: counts per status, filters for the bench, and the ticket list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError
from desktop.services.permissions import Role
from desktop.services.tickets import StatusInfo, TicketFilter, TicketSummary
from desktop.views.bus import DataBus
from desktop.views.itemmodels.keyset import PAGE_SIZE
from desktop.views.itemmodels.tickets import TicketTableModel
from desktop.views.tasks import TaskRunner
from desktop.views.tickets.choices import add_priorities, add_technicians

ANYONE = "anyone"
UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class _Loaded:
    statuses: list[StatusInfo]
    counts: dict[uuid.UUID, int]
    total: int
    first_page: list[TicketSummary]


class TicketsPage(QWidget):
    results_shown = Signal(int)  # number of tickets matching the filters
    ticket_activated = Signal(object)  # ticket id, to open it
    new_ticket_requested = Signal()

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self._status_id: uuid.UUID | None = None  # None = all statuses
        self._statuses: list[StatusInfo] = []
        self._status_buttons: dict[uuid.UUID | None, QPushButton] = {}
        self._loading = False
        # A figure opened from the dashboard: exactly these tickets, until cleared.
        self._shown: TicketFilter | None = None

        self.model = TicketTableModel(services.tickets, self)
        self.shown_label = QLabel()
        self.shown_clear = QPushButton(self.tr("Show the bench again"))
        self.shown_clear.clicked.connect(lambda _c=False: self.clear_shown())
        self.shown_bar = QWidget()
        shown_row = QHBoxLayout(self.shown_bar)
        shown_row.setContentsMargins(0, 0, 0, 0)
        shown_row.addWidget(self.shown_label)
        shown_row.addWidget(self.shown_clear)
        shown_row.addStretch(1)
        self.shown_bar.hide()

        self.status_group = QButtonGroup(self)
        self.status_group.setExclusive(True)
        self.status_row = QHBoxLayout()
        self.status_row.setSpacing(6)
        self.all_button = self._status_button(None)
        self.status_row.addWidget(self.all_button)
        self.status_row.addStretch(1)
        self.all_button.setChecked(True)

        self.my_queue = QCheckBox(self.tr("My queue"))
        self.my_queue.setToolTip(self.tr("Only the tickets assigned to you"))
        self.technician = QComboBox()
        self.technician.setMinimumWidth(160)
        self.priority = QComboBox()
        self.priority.addItem(self.tr("Any priority"), None)
        add_priorities(self.priority)
        self.overdue = QCheckBox(self.tr("Overdue only"))
        self.count_label = QLabel()
        self._fill_technicians()

        actor = services.ctx.actor
        is_technician = actor is not None and actor.role == Role.TECHNICIAN.value
        self.my_queue.setVisible(is_technician)
        self.my_queue.setChecked(is_technician)
        self.technician.setEnabled(not is_technician)

        self.my_queue.toggled.connect(self._on_my_queue_toggled)
        self.technician.currentIndexChanged.connect(lambda _i: self.reload())
        self.priority.currentIndexChanged.connect(lambda _i: self.reload())
        self.overdue.toggled.connect(lambda _on: self.reload())

        filters = QHBoxLayout()
        filters.addWidget(self.my_queue)
        filters.addWidget(QLabel(self.tr("Technician:")))
        filters.addWidget(self.technician)
        filters.addWidget(QLabel(self.tr("Priority:")))
        filters.addWidget(self.priority)
        filters.addWidget(self.overdue)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        self.new_button = QPushButton(self.tr("New ticket"))
        self.new_button.setToolTip(self.tr("Ctrl+N"))
        self.new_button.clicked.connect(lambda _c=False: self.new_ticket_requested.emit())
        filters.addWidget(self.new_button)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.activated.connect(self._on_table_activated)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((110, 170, 150, 130, 80, 130, 130)):
            self.table.setColumnWidth(column, width)

        # Many statuses must not force a wide window: the row scrolls sideways instead.
        strip = QWidget()
        strip.setLayout(self.status_row)
        self.status_row.setContentsMargins(0, 0, 0, 0)
        self.status_scroll = QScrollArea()
        self.status_scroll.setWidget(strip)
        self.status_scroll.setWidgetResizable(True)
        self.status_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.status_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status_scroll.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status_scroll.setFixedHeight(
            self.all_button.sizeHint().height()
            + self.status_scroll.horizontalScrollBar().sizeHint().height()
            + 4
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_scroll)
        layout.addWidget(self.shown_bar)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        bus.data_changed.connect(self._on_bus_data_changed)
        self.reload()

    # -- filters ----------------------------------------------------------------------

    def _status_button(self, status_id: uuid.UUID | None) -> QPushButton:
        button = QPushButton()
        button.setCheckable(True)
        button.clicked.connect(lambda _checked=False, s=status_id: self.show_status(s))
        self.status_group.addButton(button)
        self._status_buttons[status_id] = button
        return button

    def _fill_technicians(self) -> None:
        current = self.technician.currentData()
        self.technician.blockSignals(True)
        try:
            self.technician.clear()
            self.technician.addItem(self.tr("Anyone"), ANYONE)
            self.technician.addItem(self.tr("Unassigned"), UNASSIGNED)
            add_technicians(self.technician, self._services)
            index = self.technician.findData(current)
            self.technician.setCurrentIndex(max(index, 0))
        finally:
            self.technician.blockSignals(False)

    def _on_my_queue_toggled(self, on: bool) -> None:
        self.technician.setEnabled(not on)
        self.reload()

    def show_status(self, status_id: uuid.UUID | None) -> None:
        """List only the tickets in ``status_id`` (all tickets when None)."""
        self._status_id = status_id
        button = self._status_buttons.get(status_id)
        if button is not None:
            button.setChecked(True)
        self.reload()

    def show_tickets(self, where: TicketFilter, caption: str) -> None:
        """List exactly ``where`` (a figure clicked on the dashboard) under ``caption``,
        until the bench's own filters are asked for again."""
        self._shown = where
        self.shown_label.setText(self.tr("Showing: {what}").format(what=caption))
        self.shown_bar.show()
        self.reload()

    def clear_shown(self) -> None:
        self._shown = None
        self.shown_bar.hide()
        self.reload()

    def current_filter(self) -> TicketFilter:
        if self._shown is not None:
            return self._shown
        technician_id: uuid.UUID | None = None
        unassigned = False
        actor = self._services.ctx.actor
        if self.my_queue.isChecked() and actor is not None:
            technician_id = actor.user_id
        else:
            choice = self.technician.currentData()
            if choice == UNASSIGNED:
                unassigned = True
            elif choice and choice != ANYONE:
                technician_id = uuid.UUID(choice)
        return TicketFilter(
            status_ids=frozenset({self._status_id}) if self._status_id is not None else None,
            technician_id=technician_id,
            unassigned=unassigned,
            priority=self.priority.currentData(),
            overdue=self.overdue.isChecked(),
        )

    # -- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the status counts and the first page off the GUI thread, then show them."""
        where = self.current_filter()
        tickets = self._services.tickets

        def work() -> _Loaded:
            return _Loaded(
                tickets.statuses(),
                tickets.counts_by_status(),
                tickets.count(where),
                tickets.page(where, limit=PAGE_SIZE),
            )

        self._tasks.run(work, lambda loaded: self._show(where, loaded), self._show_error)

    def _show(self, where: TicketFilter, loaded: _Loaded) -> None:
        if where != self.current_filter():
            return  # the filters changed meanwhile; a newer load is on its way
        self._update_status_buttons(loaded.statuses, loaded.counts)
        self.model.apply_result(where, loaded.first_page)
        self.count_label.setText(self.tr("%n ticket(s)", "", loaded.total))
        self.results_shown.emit(loaded.total)

    def _update_status_buttons(
        self, statuses: list[StatusInfo], counts: dict[uuid.UUID, int]
    ) -> None:
        if [s.id for s in statuses] != [s.id for s in self._statuses]:
            for status_id, button in list(self._status_buttons.items()):
                if status_id is not None:
                    self.status_group.removeButton(button)
                    self.status_row.removeWidget(button)
                    button.deleteLater()
                    del self._status_buttons[status_id]
            for position, status in enumerate(statuses, start=1):
                self.status_row.insertWidget(position, self._status_button(status.id))
            if self._status_id not in self._status_buttons:
                self._status_id = None
        self._statuses = list(statuses)
        self.all_button.setText(self.tr("All ({count})").format(count=sum(counts.values())))
        for status in statuses:
            self._status_buttons[status.id].setText(
                self.tr("{name} ({count})").format(name=status.name, count=counts.get(status.id, 0))
            )
        self._status_buttons[self._status_id].setChecked(True)

    def _show_error(self, error: Exception) -> None:
        if not isinstance(error, BenchsideError):
            raise error
        QMessageBox.warning(self, self.tr("Tickets"), str(error))

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.users or changes.everything:
            self._fill_technicians()
        self.reload()

    def _on_table_activated(self, index: QModelIndex) -> None:
        ticket_id = self.model.ticket_id(index.row())
        if ticket_id is not None:
            self.ticket_activated.emit(ticket_id)

    def status_button(self, status_id: uuid.UUID | None) -> QPushButton:
        return self._status_buttons[status_id]

    def choose_technician(self, user_id: uuid.UUID | None) -> None:
        """Pick a technician in the filter (None = anyone)."""
        data = ANYONE if user_id is None else str(user_id)
        self.technician.setCurrentIndex(max(self.technician.findData(data), 0))
