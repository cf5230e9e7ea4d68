"""Handing one message to the outside world: an SMTP server for email, an HTTP SMS gateway.

Each function either returns (the message was accepted) or raises ``DeliveryError`` saying
whether a retry can help and whether the message may have arrived anyway. ``on_handover``
is called just before the step after which the other side may have accepted the message.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.services.errors import DeliveryError

if TYPE_CHECKING:  # smtplib, ssl and httpx are imported on first use (start-up time)
    import smtplib

TIMEOUT_SECONDS = 10.0
SECURITY_MODES = ("none", "starttls", "ssl")
SMS_FORMATS = ("json", "form")


@dataclass(frozen=True)
class MessagingConfig:
    """How the shop sends email and SMS (the Settings → Messages form)."""

    email_enabled: bool = False
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # none | starttls | ssl
    smtp_username: str = ""
    smtp_password: str = ""
    from_address: str = ""
    sms_enabled: bool = False
    sms_url: str = ""
    sms_token: str = ""
    sms_format: str = "json"  # json: {"to", "message"}; form: to=...&message=...


@dataclass(frozen=True)
class OutgoingAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingEmail:
    message_id: uuid.UUID
    to: str
    subject: str
    body: str
    sender_name: str = ""
    attachments: Sequence[OutgoingAttachment] = field(default_factory=tuple)


def message_id_header(message_id: uuid.UUID, from_address: str) -> str:
    """The Message-ID of an outbox email: the same on every attempt, so a copy that did
    arrive twice is recognisable as the same message."""
    domain = from_address.rpartition("@")[2] or "benchside.invalid"
    return f"<{message_id}@{domain}>"


def _no_op() -> None:
    pass


def build_email(config: MessagingConfig, email: OutgoingEmail) -> bytes:
    from email.message import EmailMessage
    from email.utils import formataddr, formatdate

    message = EmailMessage()
    message["From"] = formataddr((email.sender_name, config.from_address))
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id_header(email.message_id, config.from_address)
    message.set_content(email.body)
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    # SMTP lines end in CRLF: smtplib sends bytes as they are, and servers refuse bare LF
    # (a message past 1000 bytes then reads as one overlong line).
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def send_email(
    config: MessagingConfig,
    email: OutgoingEmail,
    on_handover: Callable[[], None] = _no_op,
) -> None:
    """Deliver ``email`` to the configured SMTP server. Raises ``DeliveryError``."""
    import smtplib
    import ssl

    if not config.smtp_host or not config.from_address:
        raise DeliveryError("Email is not set up: enter the mail server and the from address.")
    data = build_email(config, email)
    where = f"{config.smtp_host}:{config.smtp_port}"
    handed_over = accepted = False
    try:
        with _connect(config) as smtp:
            if config.smtp_username:
                smtp.login(config.smtp_username, config.smtp_password)
            code, reply = smtp.mail(config.from_address)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, config.from_address)
            code, reply = smtp.rcpt(email.to)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({email.to: (code, reply)})
            on_handover()
            handed_over = True
            # smtplib returns, rather than raises, the server's verdict on the message.
            code, reply = smtp.data(data)
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
            accepted = True
    except smtplib.SMTPRecipientsRefused as refused:
        code, reply = next(iter(refused.recipients.values()))
        raise DeliveryError(
            f"The mail server refused the address {email.to}: {code} {_text(reply)}",
            permanent=code >= 500,
        ) from refused
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(
            f"The mail server refused the user name or password ({error.smtp_code})."
        ) from error
    except smtplib.SMTPSenderRefused as error:
        raise DeliveryError(
            f"The mail server refused the from address {config.from_address}: "
            f"{error.smtp_code} {_text(error.smtp_error)}"
        ) from error
    except smtplib.SMTPDataError as error:
        raise DeliveryError(
            f"The mail server refused the message: {error.smtp_code} {_text(error.smtp_error)}",
            permanent=error.smtp_code >= 500,
        ) from error
    except smtplib.SMTPNotSupportedError as error:
        raise DeliveryError(
            f"The mail server at {where} does not offer STARTTLS; choose another security."
        ) from error
    except ssl.SSLError as error:
        raise DeliveryError(
            f"No secure connection to {where} ({error.reason}). Check the port and security."
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        if accepted:
            return  # the server took the message; only saying goodbye (QUIT) went wrong
        if handed_over:
            raise DeliveryError(
                f"The connection to {where} broke while the message was handed over "
                f"({_describe(error)}); it may have arrived. Check with the customer "
                "before sending it again.",
                uncertain=True,
            ) from error
        problem = _describe(error)
        raise DeliveryError(f"Cannot reach the mail server {where} ({problem}).") from error


def _connect(config: MessagingConfig) -> smtplib.SMTP:
    import smtplib
    import ssl

    context = ssl.create_default_context()
    if config.smtp_security == "ssl":
        return smtplib.SMTP_SSL(
            config.smtp_host, config.smtp_port, timeout=TIMEOUT_SECONDS, context=context
        )
    smtp = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=TIMEOUT_SECONDS)
    try:
        smtp.ehlo()
        if config.smtp_security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror
    return text


def send_sms(
    config: MessagingConfig,
    message_id: uuid.UUID,
    to: str,
    text: str,
    on_handover: Callable[[], None] = _no_op,
) -> None:
    """Post one SMS to the configured gateway. Raises ``DeliveryError``.

    JSON: ``POST {"to": ..., "message": ...}``; form: ``to=...&message=...``; both with
    ``Authorization: Bearer <token>`` and an ``Idempotency-Key`` the gateway may honour.
    """
    import httpx

    if not config.sms_url:
        raise DeliveryError("SMS is not set up: enter the SMS gateway address.")
    headers = {"Idempotency-Key": str(message_id)}
    if config.sms_token:
        headers["Authorization"] = f"Bearer {config.sms_token}"
    payload = {"to": to, "message": text}
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS) as client:
            request = (
                client.build_request("POST", config.sms_url, json=payload, headers=headers)
                if config.sms_format == "json"
                else client.build_request("POST", config.sms_url, data=payload, headers=headers)
            )
            on_handover()
            response = client.send(request)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as error:
        # No connection was made: the gateway cannot have seen the message.
        raise DeliveryError(f"Cannot reach the SMS gateway ({_describe(error)}).") from error
    except httpx.HTTPError as error:
        raise DeliveryError(
            f"The connection to the SMS gateway broke ({_describe(error)}); the SMS may have "
            "been sent. Check with the customer before sending it again.",
            uncertain=True,
        ) from error
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = f"{status} {response.reason_phrase}: {response.text.strip()[:200]}".rstrip(": ")
    retry = status in (408, 429) or status >= 500
    if retry:
        raise DeliveryError(f"The SMS gateway is busy or failing ({detail}).")
    raise DeliveryError(f"The SMS gateway refused the message ({detail}).", permanent=True)
