"""Customer messages end to end: a real SMTP server and a real HTTP SMS gateway on
127.0.0.1, a real database, time driven through ``send_due(now)``."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from desktop.models import Message, Ticket, TicketStatus, TicketStatusChange
from desktop.services.container import Services
from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.services.errors import DeliveryError, PermissionDenied, ValidationError
from desktop.services.message_sender import MessageSender, retry_delay
from desktop.services.message_templates import render
from desktop.services.messages import (
    MessageInfo,
    MessagingConfig,
    OutgoingAttachment,
    enqueue_email,
    enqueue_status_messages,
)
from desktop.services.tickets import TicketDetail, TicketInput
from tests.messaging_servers import SmsGateway, SmtpServer, local_config
from tests.unit.conftest import add_staff, sign_in_as

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def config_for(smtp: SmtpServer, gateway: SmsGateway) -> MessagingConfig:
    return local_config(smtp, gateway)  # type: ignore[no-any-return]


@pytest.fixture
def messaging(shop: Services, smtp: SmtpServer, gateway: SmsGateway) -> Services:
    """The shop with email and SMS set up against the local servers."""
    shop.messages.save_settings(config_for(smtp, gateway))
    return shop


def new_ticket(
    shop: Services, email: str = "rina@example.com", phone: str = "+1 555 0100"
) -> TicketDetail:
    customer = shop.customers.create(
        CustomerInput(
            first_name="Rina",
            last_name="Das",
            email=email,
            phones=[PhoneInput(phone)] if phone else [],
        )
    )
    device = shop.devices.save(DeviceInput(customer.id, "Phone", "Samsung", "Galaxy S24"))
    return shop.tickets.create(
        TicketInput(
            customer_id=customer.id,
            device_id=device.id,
            problem="Cracked screen",
            estimate_labour=2500,
            estimate_parts=9900,
        )
    )


def status_id(shop: Services, name: str) -> uuid.UUID:
    return next(s.id for s in shop.tickets.statuses() if s.name == name)


def ready(shop: Services, ticket: TicketDetail) -> list[MessageInfo]:
    shop.tickets.change_status(ticket.id, status_id(shop, "Ready for pickup"))
    return shop.messages.for_ticket(ticket.id)


def sender(shop: Services) -> MessageSender:
    return MessageSender(shop.ctx, rng=random.Random(7))


def test_entering_a_notify_status_queues_rendered_email_and_sms(messaging: Services) -> None:
    ticket = new_ticket(messaging)
    messaging.tickets.change_status(ticket.id, status_id(messaging, "Diagnosing"))
    assert messaging.messages.for_ticket(ticket.id) == []
    email, sms = ready(messaging, ticket)
    assert (email.channel, email.recipient, email.status) == ("email", "rina@example.com", "queued")
    assert email.subject == "Fix-It Corner: your Samsung Galaxy S24 is ready for pickup"
    assert (sms.channel, sms.recipient, sms.status) == ("sms", "+1 555 0100", "queued")
    with messaging.ctx.uow() as tx:
        body = tx.session.scalar(select(Message.body).where(Message.id == sms.id))
    assert body == (
        f"Fix-It Corner: your Samsung Galaxy S24 (ticket {ticket.number}) is ready for "
        "pickup. Amount due: $124.00."
    )


def test_send_due_delivers_the_email_and_the_sms_once(
    messaging: Services, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    ticket = new_ticket(messaging)
    email, _sms = ready(messaging, ticket)
    report = sender(messaging).send_due()
    assert (report.sent, report.failed) == (2, 0)
    [received] = smtp.inbox
    assert received.rcpt_tos == ["rina@example.com"]
    assert received.mail_from == "desk@fixit.example"
    message = received.message
    assert message["Subject"] == "Fix-It Corner: your Samsung Galaxy S24 is ready for pickup"
    assert message["From"] == "Fix-It Corner <desk@fixit.example>"
    assert message["Message-ID"] == f"<{email.id}@fixit.example>"
    text = message.get_content()
    assert "Hello Rina Das," in text
    assert f"(ticket {ticket.number}) is ready for pickup" in text
    assert "Amount due: $124.00" in text
    [request] = gateway.requests
    assert request.path == "/send"
    assert request.headers["authorization"] == "Bearer gw-token-123"
    assert request.json()["to"] == "+1 555 0100"
    assert f"(ticket {ticket.number}) is ready for pickup" in request.json()["message"]
    states = messaging.messages.for_ticket(ticket.id)
    assert [(m.status, m.attempts, m.last_error) for m in states] == [("sent", 1, "")] * 2
    assert all(m.sent_at is not None for m in states)
    for _ in range(3):
        assert not sender(messaging).send_due(datetime.now(UTC) + timedelta(days=1)).anything
    assert (len(smtp.inbox), len(gateway.requests)) == (1, 1)


def test_amount_due_is_what_the_checkout_bills_less_the_deposit(
    messaging: Services, gateway: SmsGateway
) -> None:
    from desktop.services.sales_types import PaymentInput
    from desktop.services.ticket_work import LabourInput

    ticket = new_ticket(messaging)
    messaging.ticket_work.add_labour(ticket.id, LabourInput("Screen swap", flat_amount=8000))
    messaging.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 3000)])
    ready(messaging, ticket)
    sender(messaging).send_due()
    # $80.00 of labour replace the $124.00 estimate (no part was needed); $30.00 is paid.
    assert "Amount due: $50.00" in gateway.requests[0].json()["message"]


def test_server_down_fails_with_the_reason_then_delivers_once_when_back(
    messaging: Services, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    ticket = new_ticket(messaging)
    smtp.stop()
    gateway.stop()
    ready(messaging, ticket)
    now = datetime.now(UTC)
    report = sender(messaging).send_due(now)
    assert (report.sent, report.failed, report.will_retry) == (0, 2, 2)
    email, sms = messaging.messages.for_ticket(ticket.id)
    assert email.status == "failed" and email.will_retry
    assert f"Cannot reach the mail server 127.0.0.1:{smtp.port}" in email.last_error
    assert "Cannot reach the SMS gateway" in sms.last_error
    assert email.next_attempt_at is not None
    assert now + timedelta(seconds=47) < email.next_attempt_at <= now + timedelta(minutes=1)

    assert not sender(messaging).send_due(now + timedelta(seconds=30)).anything
    smtp.start()
    gateway.start()
    assert sender(messaging).send_due(now + timedelta(minutes=2)).sent == 2
    other = Services.open(messaging.path)
    try:
        other.ctx.set_station("B")
        for minutes in (3, 60, 600):
            assert not sender(messaging).send_due(now + timedelta(minutes=minutes)).anything
            assert not MessageSender(other.ctx).send_due(now + timedelta(minutes=minutes)).anything
    finally:
        other.close()
    assert (len(smtp.inbox), len(gateway.requests)) == (1, 1)
    assert [m.attempts for m in messaging.messages.for_ticket(ticket.id)] == [2, 2]


def test_only_the_station_that_queued_a_message_sends_it(
    messaging: Services, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    ticket = new_ticket(messaging)
    ready(messaging, ticket)
    other = Services.open(messaging.path)
    try:
        other.ctx.set_station("B")
        assert not MessageSender(other.ctx).send_due().anything
    finally:
        other.close()
    assert smtp.inbox == [] and gateway.requests == []
    assert sender(messaging).send_due().sent == 2


@pytest.mark.parametrize(
    ("answer", "retried"),
    [(429, True), (500, True), (503, True), (400, False), (401, False), (404, False)],
)
def test_gateway_busy_is_retried_but_a_refusal_is_final(
    messaging: Services, gateway: SmsGateway, answer: int, retried: bool
) -> None:
    ticket = new_ticket(messaging, email="")
    gateway.answers.append(answer)
    ready(messaging, ticket)
    now = datetime.now(UTC)
    report = sender(messaging).send_due(now)
    assert report.failed == 1 and report.will_retry == int(retried)
    sms = messaging.messages.for_ticket(ticket.id)[-1]
    assert sms.status == "failed" and str(answer) in sms.last_error
    assert sms.will_retry is retried
    later = sender(messaging).send_due(now + timedelta(hours=2))
    assert later.sent == int(retried)
    assert len(gateway.requests) == 1 + int(retried)


def test_recipient_refused_by_the_mail_server_is_final(
    messaging: Services, smtp: SmtpServer
) -> None:
    ticket = new_ticket(messaging, email="refused@example.com", phone="")
    ready(messaging, ticket)
    now = datetime.now(UTC)
    sender(messaging).send_due(now)
    email = messaging.messages.for_ticket(ticket.id)[0]
    assert email.status == "failed" and not email.will_retry
    assert "refused the address refused@example.com: 550" in email.last_error
    assert not sender(messaging).send_due(now + timedelta(days=1)).anything
    assert smtp.inbox == []


def test_retry_sends_a_failed_message_again(messaging: Services, smtp: SmtpServer) -> None:
    ticket = new_ticket(messaging, phone="")
    smtp.stop()
    ready(messaging, ticket)
    sender(messaging).send_due()
    smtp.start()
    email = messaging.messages.for_ticket(ticket.id)[0]
    retried = messaging.messages.retry(email.id)
    assert retried.status == "queued" and retried.attempts == 0
    assert sender(messaging).send_due().sent == 1
    with pytest.raises(ValidationError):
        messaging.messages.retry(email.id)  # already sent
    assert len(smtp.inbox) == 1


def test_gives_up_after_many_attempts(messaging: Services, smtp: SmtpServer) -> None:
    ticket = new_ticket(messaging, phone="")
    smtp.stop()
    ready(messaging, ticket)
    now = datetime.now(UTC)
    for hour in range(12):
        sender(messaging).send_due(now + timedelta(hours=hour))
    email = messaging.messages.for_ticket(ticket.id)[0]
    assert email.attempts == 10 and not email.will_retry
    assert "Gave up after 10 attempts" in email.last_error


def test_backoff_doubles_from_a_minute_up_to_an_hour() -> None:
    rng = random.Random(1)
    waits = [retry_delay(n, rng) for n in range(1, 10)]
    assert timedelta(seconds=48) <= waits[0] <= timedelta(minutes=1)
    assert timedelta(minutes=3.2) <= waits[2] <= timedelta(minutes=4)
    assert all(timedelta(minutes=48) <= w <= timedelta(hours=1) for w in waits[6:])


def test_the_same_status_event_cannot_queue_twice(messaging: Services) -> None:
    ticket = new_ticket(messaging)
    ready(messaging, ticket)
    with messaging.ctx.uow() as tx:
        change = tx.session.scalars(
            select(TicketStatusChange)
            .where(TicketStatusChange.ticket_id == ticket.id)
            .order_by(TicketStatusChange.at.desc())
        ).first()
        assert change is not None
        row = tx.session.get(Ticket, ticket.id)
        status = tx.session.get(TicketStatus, change.to_status_id)
        assert row is not None and status is not None
        assert enqueue_status_messages(tx.session, messaging.ctx, row, status, change) == []
        tx.commit()
    assert len(messaging.messages.for_ticket(ticket.id)) == 2


def test_customer_without_email_gets_no_email_and_the_ticket_says_why(
    messaging: Services, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    ticket = new_ticket(messaging, email="", phone="")
    email, sms = ready(messaging, ticket)
    assert (email.status, email.recipient) == ("failed", "")
    assert email.last_error == "The customer has no email address."
    assert sms.last_error == "The customer has no phone number."
    assert not email.will_retry
    assert not sender(messaging).send_due().anything
    with pytest.raises(ValidationError, match="address"):
        messaging.messages.retry(email.id)
    assert smtp.inbox == [] and gateway.requests == []


def test_a_switched_off_channel_queues_nothing(
    messaging: Services, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    messaging.messages.save_settings(replace(config_for(smtp, gateway), sms_enabled=False))
    ticket = new_ticket(messaging)
    assert [m.channel for m in ready(messaging, ticket)] == ["email"]


def test_a_status_without_templates_sends_nothing(messaging: Services) -> None:
    ticket = new_ticket(messaging)
    messaging.ticket_statuses.save_status(
        "Diagnosing", "in_progress", True, status_id(messaging, "Diagnosing")
    )
    messaging.tickets.change_status(ticket.id, status_id(messaging, "Diagnosing"))
    assert messaging.messages.for_ticket(ticket.id) == []


def test_templates_are_checked_when_saved(messaging: Services) -> None:
    ready_id = status_id(messaging, "Ready for pickup")
    cases = [
        ("Hi", "Dear {customer}", "body", "Unknown placeholder {customer}"),
        ("Hi {nme}", "Hello", "subject", "Unknown placeholder {nme}"),
        ("Hi", "", "body", "The message is empty."),
        ("Hi", "Due {amount_due:>10}", "body", "without anything after its name"),
        ("Hi", "Due {amount_due", "body", "is not closed"),
        ("Hi", "{customer_name.__class__}", "body", "Unknown placeholder"),
    ]
    for subject, body, field, message in cases:
        with pytest.raises(ValidationError) as refused:
            messaging.messages.save_template(ready_id, "email", subject, body)
        assert message in refused.value.errors[field]
    saved = messaging.messages.save_template(
        ready_id, "sms", "", "{{Fix-It}} {customer_name}: {device} is ready, {amount_due}."
    )
    assert messaging.messages.templates(ready_id)["sms"] == saved
    assert render(saved.body, {"customer_name": "Rina"}) == (
        "{Fix-It} Rina: {device} is ready, {amount_due}."
    )
    assert render("Oops {unknown} {", {}) == "Oops {unknown} {"


def test_a_template_saved_for_a_new_status_is_used(
    messaging: Services, gateway: SmsGateway
) -> None:
    info = messaging.ticket_statuses.save_status("Quote sent", "waiting_customer", True)
    messaging.messages.save_template(info.id, "sms", "", "Quote for {ticket_number}: {status}")
    ticket = new_ticket(messaging, email="")
    messaging.tickets.change_status(ticket.id, info.id)
    sender(messaging).send_due()
    assert gateway.requests[0].json()["message"] == f"Quote for {ticket.number}: Quote sent"
    messaging.messages.save_template(info.id, "sms", "", "")
    assert messaging.messages.templates(info.id)["sms"].body == ""


def test_settings_are_validated(messaging: Services, smtp: SmtpServer, gateway: SmsGateway) -> None:
    good = config_for(smtp, gateway)
    bad = [
        (replace(good, smtp_port=0), "smtp_port"),
        (replace(good, smtp_port=70000), "smtp_port"),
        (replace(good, sms_url="ftp://gateway.example/send"), "sms_url"),
        (replace(good, sms_url="not a url"), "sms_url"),
        (replace(good, smtp_host=""), "smtp_host"),
        (replace(good, from_address="desk"), "from_address"),
        (replace(good, smtp_security="tls1.0"), "smtp_security"),
        (replace(good, sms_format="xml"), "sms_format"),
    ]
    for config, field in bad:
        with pytest.raises(ValidationError) as refused:
            messaging.messages.save_settings(config)
        assert field in refused.value.errors
    assert messaging.messages.settings() == good
    off = MessagingConfig(smtp_port=465, smtp_security="ssl")
    assert messaging.messages.save_settings(off) == off


def test_only_the_owner_sees_and_changes_messaging_settings(messaging: Services) -> None:
    add_staff(messaging, "mia", "manager")
    sign_in_as(messaging, "mia")
    with pytest.raises(PermissionDenied):
        messaging.messages.settings()
    with pytest.raises(PermissionDenied):
        messaging.messages.save_settings(MessagingConfig())
    with pytest.raises(PermissionDenied):
        messaging.messages.save_template(status_id(messaging, "Ready for pickup"), "sms", "", "Hi")
    with pytest.raises(PermissionDenied):
        messaging.messages.send_test_sms("+1 555 0100")


def test_test_buttons_send_through_the_real_servers(
    messaging: Services, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    messaging.messages.send_test_email("owner@example.com")
    [received] = smtp.inbox
    assert received.rcpt_tos == ["owner@example.com"]
    assert received.message["Subject"] == "Fix-It Corner: test email"
    messaging.messages.send_test_sms("+1 555 0199")
    assert gateway.requests[0].json() == {
        "to": "+1 555 0199",
        "message": "Fix-It Corner: this test SMS shows that SMS works.",
    }
    form = replace(messaging.messages.settings(), sms_format="form")
    messaging.messages.send_test_sms("+1 555 0199", form)
    request = gateway.requests[1]
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["authorization"] == "Bearer gw-token-123"
    assert b"to=%2B1+555+0199" in request.body
    with pytest.raises(ValidationError):
        messaging.messages.send_test_email("not-an-address")
    smtp.stop()
    with pytest.raises(DeliveryError, match="Cannot reach the mail server"):
        messaging.messages.send_test_email("owner@example.com")
    gateway.answers.append(401)
    with pytest.raises(DeliveryError, match="refused the message \\(401"):
        messaging.messages.send_test_sms("+1 555 0199")


def test_an_interrupted_send_is_requeued_only_if_it_was_not_handed_over(
    messaging: Services, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    ticket = new_ticket(messaging)
    _email, sms = ready(messaging, ticket)
    with messaging.ctx.uow() as tx:
        connection = tx.session.connection()
        connection.execute(update(Message).values(status="sending"))
        connection.execute(
            update(Message).where(Message.id == sms.id).values(handed_over_at=datetime.now(UTC))
        )
        tx.commit()
    # As if Benchside had stopped mid-send: nothing is due until recovered.
    assert not sender(messaging).send_due().anything
    assert sender(messaging).recover_interrupted() == 2
    assert sender(messaging).send_due().sent == 1
    email_after, sms_after = messaging.messages.for_ticket(ticket.id)
    assert email_after.status == "sent" and len(smtp.inbox) == 1
    assert sms_after.status == "failed" and not sms_after.will_retry
    assert "may have arrived" in sms_after.last_error
    assert gateway.requests == []


def test_an_invoice_email_with_a_pdf_goes_through_the_same_outbox(
    messaging: Services, smtp: SmtpServer
) -> None:
    pdf = b"%PDF-1.4 invoice bytes"
    with messaging.ctx.uow() as tx:
        queued = enqueue_email(
            tx.session,
            messaging.ctx,
            to="Rina@Example.com",
            subject="Invoice INV-A-000123",
            body="Your invoice is attached.",
            dedupe_key="invoice:INV-A-000123:email:1",
            subject_kind="invoice",
            attachments=[OutgoingAttachment("INV-A-000123.pdf", "application/pdf", pdf)],
        )
        again = enqueue_email(
            tx.session,
            messaging.ctx,
            to="rina@example.com",
            subject="Invoice INV-A-000123",
            body="Your invoice is attached.",
            dedupe_key="invoice:INV-A-000123:email:1",
        )
        assert queued is not None and again is None
        tx.commit()
    assert sender(messaging).send_due().sent == 1
    [received] = smtp.inbox
    assert received.rcpt_tos == ["rina@example.com"]
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_filename() == "INV-A-000123.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf
    with messaging.ctx.uow() as tx, pytest.raises(ValidationError) as refused:
        enqueue_email(tx.session, messaging.ctx, to="x", subject="", body="", dedupe_key="k")
    assert set(refused.value.errors) == {"to", "subject", "body"}


def test_a_status_templates_are_saved_together_or_not_at_all(messaging: Services) -> None:
    ready_id = status_id(messaging, "Ready for pickup")
    before = messaging.messages.templates(ready_id)
    with pytest.raises(ValidationError) as refused:
        messaging.messages.save_templates(
            ready_id,
            {"email": ("Ready", "All good, {customer_name}"), "sms": ("", "Hi {nonsense}")},
        )
    assert set(refused.value.errors) == {"sms.body"}
    assert messaging.messages.templates(ready_id) == before


def test_a_large_attachment_arrives_whole(messaging: Services, smtp: SmtpServer) -> None:
    # Past 1000 bytes the message must leave with CRLF line ends, or a strict server
    # reads it as one overlong line and refuses it.
    pdf = bytes(range(256)) * 400
    with messaging.ctx.uow() as tx:
        enqueue_email(
            tx.session,
            messaging.ctx,
            to="rina@example.com",
            subject="Invoice INV-A-000124",
            body="Your invoice is attached.\nThank you.",
            dedupe_key="invoice:INV-A-000124:email:1",
            attachments=[OutgoingAttachment("INV-A-000124.pdf", "application/pdf", pdf)],
        )
        tx.commit()
    assert sender(messaging).send_due().sent == 1
    [received] = smtp.inbox
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_content() == pdf
