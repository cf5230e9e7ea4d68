"""Settings → Messages and the background dispatcher, against a real SMTP server and a
local SMS gateway."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.container import Services
from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.message_sender import SendReport
from desktop.services.messages import MessagingConfig
from desktop.services.tickets import TicketInput
from desktop.views.messaging import INTERVAL_MS, MessageDispatcher
from desktop.views.settings.messages import MessagesSettings
from desktop.views.settings.page import SettingsPage
from tests.conftest import gui_sign_in_as
from tests.messaging_servers import SmsGateway, SmtpServer, local_config


def _page(qtbot, services, tasks) -> MessagesSettings:
    page = MessagesSettings(services, tasks)
    qtbot.addWidget(page)
    return page


def _fill(page: MessagesSettings, smtp: SmtpServer, gateway: SmsGateway) -> None:
    page.email_enabled.setChecked(True)
    page.smtp_host.setText("127.0.0.1")
    page.smtp_port.setValue(smtp.port)
    page.smtp_security.setCurrentIndex(page.smtp_security.findData("none"))
    page.from_address.setText("desk@fixit.example")
    page.sms_enabled.setChecked(True)
    page.sms_url.setText(gateway.url)
    page.sms_token.setText("gw-token")


def test_the_settings_page_lists_messages(qtbot, shop_services, bus, tasks, gui_paths) -> None:
    page = SettingsPage(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(page)
    page.set_page("messages")
    assert page.current_page() == "messages"


def test_owner_tests_and_saves_email_and_sms_settings(
    qtbot, shop_services: Services, tasks, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    page = _page(qtbot, shop_services, tasks)
    assert page.permission_note.isHidden()
    _fill(page, smtp, gateway)
    qtbot.keyClicks(page.test_email_to, "owner@example.com")
    qtbot.mouseClick(page.test_email_button, Qt.MouseButton.LeftButton)
    assert "Test email sent" in page.test_email_result.text()
    assert smtp.inbox[0].rcpt_tos == ["owner@example.com"]
    qtbot.keyClicks(page.test_phone, "+1 555 0100")
    qtbot.mouseClick(page.test_sms_button, Qt.MouseButton.LeftButton)
    assert "Test SMS sent" in page.test_sms_result.text()
    assert gateway.requests[0].headers["authorization"] == "Bearer gw-token"

    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Saved."
    saved = shop_services.messages.settings()
    assert (saved.smtp_port, saved.sms_url, saved.email_enabled) == (smtp.port, gateway.url, True)


def test_problems_show_next_to_the_fields(
    qtbot, shop_services: Services, tasks, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    page = _page(qtbot, shop_services, tasks)
    _fill(page, smtp, gateway)
    page.sms_url.setText("gateway.example")
    page.save()
    assert "web address" in page.errors.message("sms_url")
    assert shop_services.messages.settings() == MessagingConfig()
    page.test_email_to.setText("nobody")
    page.send_test_email()
    assert page.errors.message("test_email")
    page.sms_url.setText(gateway.url)
    smtp.stop()
    page.test_email_to.setText("owner@example.com")
    page.send_test_email()
    assert "Cannot reach the mail server" in page.test_email_result.text()
    assert page.test_email_button.isEnabled()


def test_owner_edits_the_templates_and_which_statuses_notify(
    qtbot, shop_services: Services, tasks
) -> None:
    page = _page(qtbot, shop_services, tasks)
    page.select_status("Ready for pickup")
    assert "{device}" in page.email_subject.text()
    assert "{amount_due}" in page.sms_body.toPlainText()
    page.sms_body.setPlainText("Ready: {ticket_no}")
    page.save_template_button.click()
    assert "Unknown placeholder {ticket_no}" in page.template_errors.message("sms.body")
    page.sms_body.setPlainText("Ready: {ticket_number}, {amount_due}")
    page.save_template_button.click()
    assert page.template_status.text() == "Saved."
    ready_id = page.current_status_id()
    assert ready_id is not None
    assert shop_services.messages.templates(ready_id)["sms"].body == (
        "Ready: {ticket_number}, {amount_due}"
    )

    page.select_status("Diagnosing")
    row = page.status_list.currentRow()
    page.status_list.item(row).setCheckState(Qt.CheckState.Checked)
    diagnosing = next(s for s in shop_services.tickets.statuses() if s.name == "Diagnosing")
    assert diagnosing.notify_customer
    assert page.current_status_id() == diagnosing.id


def test_staff_cannot_see_the_sending_settings(qtbot, shop_services: Services, tasks) -> None:
    gui_sign_in_as(shop_services, "tom", "technician")
    page = _page(qtbot, shop_services, tasks)
    assert not page.permission_note.isHidden()
    assert page.settings_box.isHidden()
    assert not page.save_template_button.isEnabled()
    flags = page.status_list.item(0).flags()
    assert not flags & Qt.ItemFlag.ItemIsUserCheckable


def test_the_dispatcher_sends_the_outbox_in_the_background(
    qtbot, shop_services: Services, tasks, bus, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    shop_services.messages.save_settings(local_config(smtp, gateway))
    customer = shop_services.customers.create(
        CustomerInput(first_name="Rina", email="rina@example.com", phones=[PhoneInput("555 0100")])
    )
    ticket = shop_services.tickets.create(TicketInput(customer.id, problem="Battery"))
    ready = next(s for s in shop_services.tickets.statuses() if s.name == "Ready for pickup")
    shop_services.tickets.change_status(ticket.id, ready.id)

    dispatcher = MessageDispatcher(shop_services.message_sender, tasks, bus)
    reports: list[SendReport] = []
    dispatcher.messages_sent.connect(reports.append)
    dispatcher.start()
    assert dispatcher.timer.isActive() and dispatcher.timer.interval() == INTERVAL_MS
    assert [r.sent for r in reports] == [2]
    assert len(smtp.inbox) == 1 and len(gateway.requests) == 1
    assert [m.status for m in shop_services.messages.for_ticket(ticket.id)] == ["sent", "sent"]
    dispatcher.send_now()
    assert len(reports) == 1  # nothing more to send, nothing reported
    dispatcher.stop()
    assert not dispatcher.timer.isActive()
