"""Delivering the outbox: due messages of this station go to the mail server or the SMS
gateway, failures are retried with backoff, and nothing is sent twice.

How a message is sent once:

1. Claim: one short transaction moves it from queued/failed to ``sending``, but only if it
   is still due and still ours (a compare-and-set), so two senders never both take it.
   Only the station that queued a message sends it, so stations never race for it.
2. Just before the step after which the other side may accept it (SMTP ``DATA``, the HTTP
   request), ``handed_over_at`` is written.
3. The outcome (sent, or failed with the reason and the next attempt) is written.

If Benchside stops between 1 and 3, ``recover_interrupted`` finds the message in
``sending`` at the next start. Without ``handed_over_at`` the server cannot have it, and
it is queued again. With it, the customer may already have it: we choose *at most once*
and mark it failed with an explanation instead of resending, because a repeated SMS or
"ready for pickup" email confuses a customer more than a missing one that staff can see
on the ticket and send again. Emails carry a Message-ID made from the message id, so a
copy that does arrive twice is recognisable as the same message.

The ``sending`` state and ``handed_over_at`` are written with plain UPDATEs and are
therefore not synced: other stations only ever see queued, sent or failed.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from desktop.models import Message, MessageAttachment, ShopProfile
from desktop.models.base import utc_now
from desktop.services.context import ServiceContext
from desktop.services.errors import DeliveryError
from desktop.services.message_transport import (
    MessagingConfig,
    OutgoingAttachment,
    OutgoingEmail,
    send_email,
    send_sms,
)
from desktop.services.messages import load_settings

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
MAX_ATTEMPTS = 10  # about four hours of trying before a person has to look
BATCH = 50
RETRYABLE = ("queued", "failed")


@dataclass(frozen=True)
class SendReport:
    """What one run of the outbox did."""

    sent: int = 0
    failed: int = 0  # failed in this run, whether or not they will be retried
    will_retry: int = 0
    errors: tuple[str, ...] = ()

    @property
    def anything(self) -> bool:
        return bool(self.sent or self.failed)


def retry_delay(attempts: int, rng: random.Random) -> timedelta:
    """Wait 1, 2, 4 … minutes after each failed attempt, at most an hour, minus up to a
    fifth at random so that messages failed together do not all retry together."""
    exponent = min(max(attempts - 1, 0), 12)
    wait = min(FIRST_RETRY * 2**exponent, LONGEST_WAIT)
    return timedelta(seconds=wait.total_seconds() * rng.uniform(0.8, 1.0))


class MessageSender:
    """Sends this station's due messages. ``settings`` overrides the saved settings."""

    def __init__(
        self,
        ctx: ServiceContext,
        settings: MessagingConfig | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.ctx = ctx
        self._settings = settings
        self._rng = rng or random.Random()

    def send_due(self, now: datetime | None = None) -> SendReport:
        """Deliver every message of this station that is due at ``now``; returns counts.

        Delivery problems are recorded on the messages, never raised.
        """
        now = now or utc_now()
        sent = failed = retrying = 0
        errors: list[str] = []
        config = self._config()
        for _round in range(1000):
            due = self._due(now)
            if not due:
                break
            for message_id in due:
                if not self._claim(message_id, now):
                    continue
                error = self._deliver(message_id, config)
                will_retry = self._record(message_id, error, now)
                if error is None:
                    sent += 1
                else:
                    failed += 1
                    retrying += will_retry
                    errors.append(str(error))
        return SendReport(sent, failed, retrying, tuple(errors))

    def recover_interrupted(self, now: datetime | None = None) -> int:
        """At start-up: settle messages a stopped Benchside left in ``sending`` (see the
        module docstring). Returns how many there were."""
        now = now or utc_now()
        with self.ctx.uow() as tx:
            stuck = list(
                tx.session.scalars(
                    select(Message).where(
                        Message.station_code == self.ctx.station_code,
                        Message.status == "sending",
                    )
                )
            )
            for message in stuck:
                if message.handed_over_at is None:
                    message.status, message.next_attempt_at = "queued", now
                else:
                    message.attempts += 1
                    message.status, message.next_attempt_at = "failed", None
                    message.last_error = (
                        "Sending was interrupted while the message was handed over; it may "
                        "have arrived. Check with the customer before sending it again."
                    )
                    message.handed_over_at = None
            tx.commit()
        return len(stuck)

    # -- steps ------------------------------------------------------------------------------

    def _config(self) -> MessagingConfig:
        if self._settings is not None:
            return self._settings
        with self.ctx.uow() as tx:
            return load_settings(tx.session)

    def _due(self, now: datetime) -> list[uuid.UUID]:
        with self.ctx.uow() as tx:
            return list(
                tx.session.scalars(
                    select(Message.id)
                    .where(
                        Message.station_code == self.ctx.station_code,
                        Message.status.in_(RETRYABLE),
                        Message.next_attempt_at <= now,
                    )
                    .order_by(Message.next_attempt_at, Message.id)
                    .limit(BATCH)
                )
            )

    def _claim(self, message_id: uuid.UUID, now: datetime) -> bool:
        with self.ctx.uow() as tx:
            result = tx.session.connection().execute(
                update(Message)
                .where(
                    Message.id == message_id,
                    Message.station_code == self.ctx.station_code,
                    Message.status.in_(RETRYABLE),
                    Message.next_attempt_at <= now,
                )
                .values(status="sending", handed_over_at=None)
            )
            tx.commit()
            return result.rowcount == 1

    def _mark_handed_over(self, message_id: uuid.UUID) -> None:
        with self.ctx.uow() as tx:
            tx.session.connection().execute(
                update(Message).where(Message.id == message_id).values(handed_over_at=utc_now())
            )
            tx.commit()

    def _outgoing(self, message_id: uuid.UUID) -> tuple[str, OutgoingEmail]:
        """The message's channel and content, read before any network work starts."""
        with self.ctx.uow() as tx:
            message = tx.session.get(Message, message_id)
            assert message is not None
            attachments = tuple(
                OutgoingAttachment(a.filename, a.content_type, a.data)
                for a in tx.session.scalars(
                    select(MessageAttachment)
                    .where(MessageAttachment.message_id == message_id)
                    .order_by(MessageAttachment.id)
                )
            )
            shop = tx.session.scalar(select(ShopProfile.name).limit(1)) or ""
            email = OutgoingEmail(
                message.id, message.recipient, message.subject, message.body, shop, attachments
            )
            return message.channel, email

    def _deliver(self, message_id: uuid.UUID, config: MessagingConfig) -> DeliveryError | None:
        channel, email = self._outgoing(message_id)

        def handover() -> None:
            self._mark_handed_over(message_id)

        try:
            if channel == "email":
                if not config.email_enabled:
                    raise DeliveryError("Sending email is switched off in Settings → Messages.")
                send_email(config, email, handover)
            else:
                if not config.sms_enabled:
                    raise DeliveryError("Sending SMS is switched off in Settings → Messages.")
                send_sms(config, message_id, email.to, email.body, handover)
        except DeliveryError as error:
            log.info("message %s not delivered: %s", message_id, error)
            return error
        except Exception:
            # A bug, not a delivery problem: settle the message, then fail loudly.
            self._record(
                message_id, DeliveryError("Unexpected error while sending.", uncertain=True), None
            )
            raise
        return None

    def _record(
        self, message_id: uuid.UUID, error: DeliveryError | None, now: datetime | None
    ) -> bool:
        """Write the outcome; True when the message will be tried again."""
        now = now or utc_now()
        with self.ctx.uow() as tx:
            message = tx.session.get(Message, message_id)
            assert message is not None
            message.attempts += 1
            message.handed_over_at = None
            retry = False
            if error is None:
                message.status, message.sent_at, message.last_error = "sent", now, ""
                message.next_attempt_at = None
            else:
                retry = not (error.permanent or error.uncertain)
                message.status, message.last_error = "failed", str(error)
                if retry and message.attempts >= MAX_ATTEMPTS:
                    retry = False
                    message.last_error += f" Gave up after {message.attempts} attempts."
                message.next_attempt_at = (
                    now + retry_delay(message.attempts, self._rng) if retry else None
                )
            tx.commit()
            return retry
