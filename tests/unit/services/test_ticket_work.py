from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import update

from desktop.models import Ticket
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.devices import DeviceInput
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.ticket_work import BenchFields, LabourInput, labour_amount
from desktop.services.tickets import TicketDetail, TicketInput
from tests.unit.conftest import OWNER_PASSWORD, add_staff, sign_in_as


def _png(width: int = 40, height: int = 20) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def ticket(shop: Services) -> TicketDetail:
    customer = shop.customers.create(CustomerInput(first_name="Ana", last_name="Lima"))
    device = shop.devices.save(
        DeviceInput(customer.id, "Phone", "Apple", "iPhone 13", imei="356938035643809")
    )
    return shop.tickets.create(
        TicketInput(customer_id=customer.id, device_id=device.id, problem="No power")
    )


def _status(shop: Services, category: str) -> object:
    return next(s.id for s in shop.tickets.statuses() if s.category == category)


def test_technician_may_not_close_or_cancel(shop: Services, ticket: TicketDetail) -> None:
    add_staff(shop, "tech", "technician")
    sign_in_as(shop, "tech")
    for category in ("closed", "cancelled"):
        with pytest.raises(PermissionDenied):
            shop.tickets.change_status(ticket.id, _status(shop, category))  # type: ignore[arg-type]
    shop.tickets.change_status(ticket.id, _status(shop, "ready"))  # type: ignore[arg-type]
    assert shop.tickets.get(ticket.id).status.category == "ready"


def test_front_desk_closes_but_may_not_reopen(shop: Services, ticket: TicketDetail) -> None:
    add_staff(shop, "desk", "front_desk")
    add_staff(shop, "tech", "technician")
    sign_in_as(shop, "desk")
    shop.tickets.change_status(ticket.id, _status(shop, "closed"))  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        shop.tickets.change_status(ticket.id, _status(shop, "in_progress"))  # type: ignore[arg-type]
    sign_in_as(shop, "tech")
    shop.tickets.change_status(ticket.id, _status(shop, "in_progress"))  # type: ignore[arg-type]
    assert shop.tickets.get(ticket.id).status.category == "in_progress"


def test_completion_starts_the_warranty_and_a_new_ticket_is_flagged(
    shop: Services, ticket: TicketDetail
) -> None:
    shop.tickets.change_status(ticket.id, _status(shop, "completed"))  # type: ignore[arg-type]
    done = shop.tickets.get(ticket.id)
    assert done.completed_at is not None and done.warranty_until is not None
    assert done.warranty_until - done.completed_at == timedelta(days=90)

    # The same phone (same IMEI) comes back under another customer record.
    other = shop.customers.create(CustomerInput(last_name="Lima-Second"))
    again = shop.devices.save(
        DeviceInput(other.id, "Phone", "Apple", "iPhone 13", imei="356938035643809")
    )
    assert [m.number for m in shop.tickets.warranty_matches(again.id)] == [ticket.number]
    comeback = shop.tickets.create(
        TicketInput(customer_id=other.id, device_id=again.id, problem="No power again")
    )
    assert comeback.warranty_of_id == ticket.id
    not_flagged = shop.tickets.create(
        TicketInput(other.id, again.id, problem="Case", flag_warranty=False)
    )
    assert not_flagged.warranty_of_id is None


def test_expired_or_zero_warranty_is_not_flagged(shop: Services, ticket: TicketDetail) -> None:
    shop.tickets.change_status(ticket.id, _status(shop, "completed"))  # type: ignore[arg-type]
    with shop.ctx.uow() as tx:
        tx.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id)
            .values(completed_at=datetime.now(UTC) - timedelta(days=91))
        )
        tx.commit()
    assert shop.tickets.warranty_matches(ticket.device_id) == []  # type: ignore[arg-type]
    shop.ticket_work.update_work(ticket.id, BenchFields(warranty_days=365))
    assert len(shop.tickets.warranty_matches(ticket.device_id)) == 1  # type: ignore[arg-type]
    shop.ticket_work.update_work(ticket.id, BenchFields(warranty_days=0))
    assert shop.tickets.get(ticket.id).warranty_until is None


def test_two_stations_keep_each_others_fields_and_the_last_save_wins(
    shop: Services, ticket: TicketDetail
) -> None:
    opened = BenchFields.of(ticket)  # both editors opened the same ticket
    first = shop.ticket_work.update_work(
        ticket.id,
        BenchFields(**{**opened.__dict__, "diagnosis": "Dead PMIC", "priority": "high"}),
        base=opened,
    )
    assert first.theirs == {} and first.overwritten == {}
    second = shop.ticket_work.update_work(
        ticket.id,
        BenchFields(**{**opened.__dict__, "work_done": "Replaced PMIC", "priority": "urgent"}),
        base=opened,
    )
    saved = second.ticket
    assert (saved.diagnosis, saved.work_done, saved.priority) == (
        "Dead PMIC",
        "Replaced PMIC",
        "urgent",
    )
    assert second.theirs == {"diagnosis": "Dead PMIC"}
    assert second.overwritten == {"priority": "high"}


def test_labour_lines_by_time_or_flat_price(shop: Services, ticket: TicketDetail) -> None:
    assert labour_amount(LabourInput("x", minutes=45, hourly_rate=4000)) == 3000
    assert labour_amount(LabourInput("x", minutes=1, hourly_rate=50)) == 1  # 0.83 rounds up
    shop.ticket_work.add_labour(ticket.id, LabourInput("Diagnosis", flat_amount=1500))
    detail = shop.ticket_work.add_labour(
        ticket.id, LabourInput("Board repair", minutes=90, hourly_rate=6000)
    )
    assert [(line.description, line.amount) for line in detail.labour] == [
        ("Diagnosis", 1500),
        ("Board repair", 9000),
    ]
    assert detail.labour_total == 10500
    first = detail.labour[0]
    detail = shop.ticket_work.update_labour(first.id, LabourInput("Diagnosis", flat_amount=0))
    assert detail.labour_total == 9000
    detail = shop.ticket_work.remove_labour(first.id)
    assert [line.description for line in detail.labour] == ["Board repair"]
    with pytest.raises(NotFound):
        shop.ticket_work.remove_labour(first.id)


@pytest.mark.parametrize(
    "bad",
    [
        LabourInput(""),
        LabourInput("x", flat_amount=-100),
        LabourInput("x", minutes=0, hourly_rate=100),
        LabourInput("x" * 501, flat_amount=1),
    ],
)
def test_bad_labour_is_refused(shop: Services, ticket: TicketDetail, bad: LabourInput) -> None:
    with pytest.raises(ValidationError):
        shop.ticket_work.add_labour(ticket.id, bad)
    assert shop.tickets.get(ticket.id).labour == ()


def test_signatures_are_kept_and_signing_the_estimate_approves_it(
    shop: Services, ticket: TicketDetail
) -> None:
    png = _png()
    detail = shop.ticket_work.sign(ticket.id, "intake", png, "Ana Lima")
    intake = detail.signature("intake")
    assert intake is not None and detail.signature_consent
    assert shop.ticket_work.signature_png(intake.id) == png
    assert detail.estimate_approval == ""
    detail = shop.ticket_work.sign(ticket.id, "estimate", png, "Ana Lima")
    assert detail.estimate_approval == "signature" and detail.estimate_approved_at is not None
    for purpose, image in (("intake", b"not a png"), ("payment", png)):
        with pytest.raises(ValidationError):
            shop.ticket_work.sign(ticket.id, purpose, image)


def test_estimate_approved_by_phone_records_who(shop: Services, ticket: TicketDetail) -> None:
    with pytest.raises(ValidationError):
        shop.ticket_work.approve_estimate_by_phone(ticket.id, "  ")
    detail = shop.ticket_work.approve_estimate_by_phone(ticket.id, "Ana (wife)")
    assert (detail.estimate_approval, detail.estimate_approved_by) == ("phone", "Ana (wife)")


def test_a_large_photo_is_scaled_and_copied_into_the_data_dir(
    shop: Services, ticket: TicketDetail, tmp_path: Path
) -> None:
    big = tmp_path / "IMG_0001.bmp"
    Image.effect_noise((5000, 1400), 80).convert("RGB").save(big)  # ~21 MB uncompressed
    assert big.stat().st_size > 20 * 1024 * 1024
    photo = shop.attachments.add_photo(ticket.id, big, caption="Back glass")
    stored = shop.attachments.path(photo)
    assert stored.is_file() and stored.is_relative_to(shop.path.parent / "attachments")
    with Image.open(stored) as image:
        assert max(image.size) == 2048 and image.format == "JPEG"
    assert stored.stat().st_size < 3 * 1024 * 1024
    assert [a.caption for a in shop.tickets.get(ticket.id).attachments] == ["Back glass"]
    shop.attachments.remove(photo.id)
    assert not stored.exists() and shop.tickets.get(ticket.id).attachments == ()


def test_a_file_that_is_not_a_photo_leaves_nothing_behind(
    shop: Services, ticket: TicketDetail, tmp_path: Path
) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"\xff\xd8 definitely not a jpeg" * 100)
    with pytest.raises(ValidationError):
        shop.attachments.add_photo(ticket.id, fake)
    with pytest.raises(ValidationError):
        shop.attachments.add_photo(ticket.id, tmp_path / "missing.jpg")
    assert not any((shop.path.parent / "attachments").rglob("*.*"))
    assert shop.tickets.get(ticket.id).attachments == ()


def test_a_cancelled_ticket_has_no_warranty_and_only_the_desk_closes_it(
    shop: Services, ticket: TicketDetail
) -> None:
    shop.tickets.change_status(ticket.id, _status(shop, "completed"))  # type: ignore[arg-type]
    assert shop.tickets.get(ticket.id).completed_at is not None
    shop.tickets.change_status(ticket.id, _status(shop, "cancelled"))  # type: ignore[arg-type]
    assert shop.tickets.get(ticket.id).warranty_until is None
    add_staff(shop, "tech", "technician")
    sign_in_as(shop, "tech")
    with pytest.raises(PermissionDenied):  # cancelled -> closed is still closing
        shop.tickets.change_status(ticket.id, _status(shop, "closed"))  # type: ignore[arg-type]
    shop.accounts.login("owner", OWNER_PASSWORD)
    shop.tickets.change_status(ticket.id, _status(shop, "closed"))  # type: ignore[arg-type]
    closed = shop.tickets.get(ticket.id)
    assert closed.completed_at is None and closed.warranty_until is None
    assert shop.tickets.warranty_matches(ticket.device_id) == []  # type: ignore[arg-type]


def test_the_warranty_runs_from_the_last_completion(shop: Services, ticket: TicketDetail) -> None:
    shop.tickets.change_status(ticket.id, _status(shop, "completed"))  # type: ignore[arg-type]
    first = shop.tickets.get(ticket.id).completed_at
    shop.tickets.change_status(ticket.id, _status(shop, "closed"))  # type: ignore[arg-type]
    assert shop.tickets.get(ticket.id).completed_at == first  # picked up: same repair
    shop.tickets.change_status(ticket.id, _status(shop, "in_progress"))  # type: ignore[arg-type]
    shop.tickets.change_status(ticket.id, _status(shop, "completed"))  # type: ignore[arg-type]
    assert shop.tickets.get(ticket.id).completed_at > first  # type: ignore[operator]


def test_a_photo_that_cannot_be_stored_is_a_clear_error(
    shop: Services, ticket: TicketDetail, tmp_path: Path
) -> None:
    from desktop.services.errors import StorageError

    photo = tmp_path / "front.png"
    Image.new("RGB", (100, 80), "red").save(photo)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the photo folder should be")
    shop.attachments.directory = blocked
    with pytest.raises(StorageError, match="could not be stored"):
        shop.attachments.add_photo(ticket.id, photo)
    assert shop.tickets.get(ticket.id).attachments == ()


def test_a_closed_ticket_charges_stay_as_they_were(shop: Services, ticket: TicketDetail) -> None:
    line = shop.ticket_work.add_labour(ticket.id, LabourInput("Fix", flat_amount=500)).labour[0]
    shop.tickets.change_status(ticket.id, _status(shop, "closed"))  # type: ignore[arg-type]
    for attempt in (
        lambda: shop.ticket_work.add_labour(ticket.id, LabourInput("More", flat_amount=1)),
        lambda: shop.ticket_work.update_labour(line.id, LabourInput("Fix", flat_amount=1)),
        lambda: shop.ticket_work.remove_labour(line.id),
    ):
        with pytest.raises(ValidationError, match="closed"):
            attempt()
    assert shop.tickets.get(ticket.id).labour_total == 500
