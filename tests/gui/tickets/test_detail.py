"""The ticket window over a real database: status, technician, work, labour, notes,
photos, signatures, device history, and two editors of one ticket."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QMessageBox

from desktop.models import TicketStatus
from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.devices import DeviceInput
from desktop.services.tickets import TicketDetail, TicketInput
from desktop.views.tickets.detail import TicketWindow
from tests.conftest import gui_sign_in_as


@pytest.fixture
def ticket(shop_services: Services) -> TicketDetail:
    customer = shop_services.customers.create(CustomerInput(first_name="Omar", last_name="Haddad"))
    device = shop_services.devices.save(
        DeviceInput(customer.id, "Laptop", "Lenovo", "ThinkPad T14", serial="PF3ABC12")
    )
    return shop_services.tickets.create(
        TicketInput(customer.id, device.id, problem="Keyboard dead", estimate_labour=5000)
    )


def _window(services: Services, bus, tasks, qtbot, ticket_id) -> TicketWindow:
    window = TicketWindow(services, bus, tasks, ticket_id)
    qtbot.addWidget(window)
    return window


def _status_index(window: TicketWindow, category: str) -> int:
    statuses = window.services().tickets.statuses()
    wanted = next(s for s in statuses if s.category == category)
    return window.status.findData(str(wanted.id))


def test_shows_the_ticket_and_changes_status_and_technician(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    shop_services.accounts.add_user("tech", "Tess Tech", "technician", "staff-pass-1")
    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    assert window.title.text() == "T-A-10001"
    assert "Omar Haddad" in window.summary.text() and "S/N PF3ABC12" in window.summary.text()
    assert window.due.text() == "Estimate $50.00"
    window.status.setCurrentIndex(_status_index(window, "in_progress"))
    window.status_note.setText("Started")
    with qtbot.waitSignal(bus.data_changed):
        assert window.change_status()
    assert window.ticket.status.category == "in_progress"
    window.technician.setCurrentIndex(window.technician.findText("Tess Tech"))
    assert window.assign()
    assert window.ticket.assigned_to_id is not None
    texts = [window.notes_tab.timeline.item(i).text() for i in range(3)]
    assert "Assigned to Tess Tech" in texts[0]
    assert texts[1].endswith(f"New → {window.ticket.status.name}: Started")


def test_refused_status_change_is_explained_and_undone(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail, monkeypatch
) -> None:
    gui_sign_in_as(shop_services, "tech", "technician")
    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    window.status.setCurrentIndex(_status_index(window, "cancelled"))
    assert not window.change_status()
    assert shown and "close or cancel" in shown[0]
    assert window.status.currentData() == str(ticket.status.id)


def test_work_is_saved_and_bad_amounts_are_shown(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    window.diagnosis.setPlainText("Liquid under the keyboard")
    window.estimate_parts.setText("abc")
    assert window.save_work() is None
    assert window.errors.message("estimate_parts")
    window.estimate_parts.setText("89.90")
    window.warranty_days.setValue(180)
    saved = window.save_work()
    assert saved is not None
    detail = shop_services.tickets.get(ticket.id)
    assert (detail.diagnosis, detail.estimate_parts, detail.warranty_days) == (
        "Liquid under the keyboard",
        8990,
        180,
    )
    assert not window.notice.isVisibleTo(window)


def test_two_windows_on_one_ticket_keep_both_edits(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    here = _window(shop_services, bus, tasks, qtbot, ticket.id)
    there = _window(shop_services, bus, tasks, qtbot, ticket.id)
    there.work_done.setPlainText("Replaced keyboard")  # unsaved while the other saves
    here.diagnosis.setPlainText("Keyboard ribbon torn")
    assert here.save_work() is not None
    assert there.notice.isVisibleTo(there)  # told that the ticket changed elsewhere
    assert there.work_done.toPlainText() == "Replaced keyboard"  # the edit is kept
    saved = there.save_work()
    assert saved is not None and saved.theirs == {"diagnosis": "Keyboard ribbon torn"}
    detail = shop_services.tickets.get(ticket.id)
    assert (detail.diagnosis, detail.work_done) == ("Keyboard ribbon torn", "Replaced keyboard")
    assert there.diagnosis.toPlainText() == "Keyboard ribbon torn"
    assert "diagnosis" in there.notice.text().lower()


def test_labour_lines_and_notes(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    labour = window.labour_tab
    labour.description.setText("Keyboard replacement")
    labour.amount.setText("60")
    assert labour.add_line()
    labour.by_time.setChecked(True)
    labour.description.setText("Cleaning")
    labour.minutes.setValue(30)
    labour.rate.setText("40")
    assert labour.add_line()
    assert labour.table.rowCount() == 2
    assert labour.total.text() == "Labour total: $80.00"
    assert window.due.text() == "Due $80.00"
    labour.description.setText("")
    assert not labour.add_line()
    assert labour.errors.message("labour_description")
    labour.table.selectRow(0)
    assert labour.remove_selected()
    assert labour.table.rowCount() == 1

    notes = window.notes_tab
    notes.note.setPlainText("Customer asked for the old keyboard back")
    notes.customer_visible.setChecked(True)
    assert notes.add_note()
    assert "Note for the customer" in notes.timeline.item(0).text()
    assert not notes.add_note()  # empty
    assert notes.errors.message("body")


def test_photos_are_added_in_the_background_and_removed(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail, tmp_path: Path, monkeypatch
) -> None:
    photo = tmp_path / "front.png"
    Image.new("RGB", (3000, 2000), "navy").save(photo)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"nope")
    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    window.photos_tab.add_photos([photo])
    assert window.photos_tab.photos.count() == 1
    window.photos_tab.add_photos([broken])
    assert "not a photo" in window.photos_tab.errors.general.text()
    window.photos_tab.photos.setCurrentRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    assert window.photos_tab.remove_selected()
    assert window.photos_tab.photos.count() == 0


def test_estimate_approved_by_phone_and_signature(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    tab = window.signatures_tab
    assert "not approved yet" in tab.estimate_text.text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Mrs Haddad", True))
    assert tab.approve_by_phone()
    assert "approved by phone by Mrs Haddad" in tab.estimate_text.text()
    dialog = tab.sign_estimate()
    from tests.gui.tickets.test_intake import _sign

    _sign(qtbot, dialog.pad)  # type: ignore[attr-defined]
    dialog.accept()
    assert "approved by signature" in tab.estimate_text.text()
    assert tab.estimate_image.pixmap() is not None and not tab.estimate_image.pixmap().isNull()


def test_device_history_lists_earlier_repairs_and_opens_them(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    again = shop_services.tickets.create(
        TicketInput(ticket.customer_id, ticket.device_id, problem="Fan noise")
    )
    window = _window(shop_services, bus, tasks, qtbot, again.id)
    history = window.history_tab
    assert history.table.rowCount() == 1
    assert history.table.item(0, 0).text() == ticket.number
    with qtbot.waitSignal(window.open_ticket_requested) as opened:
        history._on_table_cell_double_clicked(0, 0)
    assert opened.args == [ticket.id]


def test_reloads_when_someone_else_changes_the_ticket(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    shop_services.tickets.add_note(ticket.id, "From the other counter")
    bus.publish(Changes(tickets=frozenset({ticket.id})))
    assert "From the other counter" in window.notes_tab.timeline.item(0).text()


def test_messages_tab_shows_sent_and_failed_messages_and_sends_again(
    shop_services: Services, bus, tasks, qtbot, smtp, gateway
) -> None:
    from desktop.services.customers import PhoneInput
    from desktop.views.messaging import MessageDispatcher
    from tests.messaging_servers import local_config

    shop_services.messages.save_settings(local_config(smtp, gateway))
    gateway.answers.append(400)  # the gateway refuses the first SMS for good
    customer = shop_services.customers.create(
        CustomerInput(
            first_name="Rina", email="rina@example.com", phones=[PhoneInput("+1 555 0100")]
        )
    )
    ticket = shop_services.tickets.create(TicketInput(customer.id, problem="Screen"))
    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    assert window.messages_tab.empty.isVisibleTo(window.messages_tab)
    window.status.setCurrentIndex(_status_index(window, "ready"))
    dispatcher = MessageDispatcher(shop_services.message_sender, tasks, bus)
    assert window.change_status()
    dispatcher.send_now()  # what the app's timer does every 30 s
    tab = window.messages_tab
    states = {tab.table.item(r, 1).text(): tab.table.item(r, 3).text() for r in range(2)}
    assert states["Email"] == "Sent"
    assert states["SMS"].startswith("Failed")
    assert len(smtp.inbox) == 1
    row = next(r for r in range(2) if tab.table.item(r, 1).text() == "SMS")
    tab.table.selectRow(row)
    assert tab.retry_selected()
    assert tab.table.item(row, 3).text() == "Queued"
    dispatcher.send_now()
    assert tab.table.item(row, 3).text() == "Sent"
    assert len(gateway.requests) == 2 and len(smtp.inbox) == 1


def test_escape_asks_before_dropping_unsaved_work(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail, monkeypatch
) -> None:
    from PySide6.QtCore import Qt

    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    window.show()
    window.diagnosis.setPlainText("Half-written diagnosis")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save]
    asked: list[str] = []

    def answer(_parent, _title, text, *_buttons):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible() and asked  # Cancel: the window stays with the text
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()
    assert shop_services.tickets.get(ticket.id).diagnosis == "Half-written diagnosis"


def test_own_changes_are_not_news_from_elsewhere_and_a_retired_status_still_shows(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    window = _window(shop_services, bus, tasks, qtbot, ticket.id)
    window.diagnosis.setPlainText("Unsaved while adding a note")
    window.notes_tab.note.setPlainText("Called the customer")
    assert window.notes_tab.add_note()
    assert not window.notice.isVisibleTo(window)
    assert window.diagnosis.toPlainText() == "Unsaved while adding a note"
    assert window.save_work() is not None  # nothing left to ask about when the test ends

    # Another station retired a status while this ticket was in it (as sync may bring).
    spare = shop_services.ticket_statuses.save_status("On hold", "waiting_customer")
    shop_services.tickets.change_status(ticket.id, spare.id)
    with shop_services.ctx.uow() as tx:
        tx.session.get(TicketStatus, spare.id).active = False  # type: ignore[union-attr]
        tx.commit()
    other = _window(shop_services, bus, tasks, qtbot, ticket.id)
    assert other.status.currentText() == "On hold"
    assert other.status.currentData() == str(spare.id)
