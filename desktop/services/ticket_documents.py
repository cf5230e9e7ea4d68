"""What the claim receipt and the device label of a ticket show, read from the database,
so that the app, the command line and tests fill the documents the same way."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    Customer,
    CustomerPhone,
    Device,
    ShopProfile,
    TicketSignature,
    User,
)
from desktop.services.customers import display_name
from desktop.services.shop import shop_profile
from desktop.services.ticket_charges import deposits_paid
from desktop.services.ticket_types import existing_ticket

if TYPE_CHECKING:
    from desktop.services.documents.tickets import ClaimReceipt, DeviceLabel, ShopHeader


def shop_header(profile: ShopProfile) -> ShopHeader:
    """The shop's header for every document, sales documents' fields included."""
    from desktop.services.documents.tickets import ShopHeader

    return ShopHeader(
        name=profile.name,
        address=profile.address,
        phone=profile.phone,
        email=profile.email,
        tax_id=profile.tax_id,
        logo=profile.logo,
        tax_ids=tuple(line.strip() for line in profile.tax_ids.splitlines() if line.strip()),
        bank_details=profile.bank_details.strip(),
        invoice_footer=profile.invoice_footer.strip(),
        receipt_footer=profile.receipt_footer.strip(),
        locale=profile.locale,
    )


def condition_lines(stored: str) -> tuple[str, ...]:
    """The ticket's condition checklist and notes as receipt lines (``Powers on: yes``)."""
    condition = json.loads(stored or "{}")
    items = condition.get("items", {})
    lines = [f"{name}: {'yes' if value else 'no'}" for name, value in items.items()]
    notes = str(condition.get("notes", "")).strip()
    if notes:
        lines.append(f"Notes: {notes}")
    return tuple(lines)


def ticket_documents(session: Session, ticket_id: uuid.UUID) -> tuple[ClaimReceipt, DeviceLabel]:
    """The claim receipt (with the shop's terms and the customer's intake signature) and
    the device label of a ticket. Raises ``NotFound``."""
    from desktop.services.documents.tickets import ClaimReceipt, DeviceLabel

    ticket = existing_ticket(session, ticket_id)
    profile = shop_profile(session)
    customer = session.get(Customer, ticket.customer_id)
    assert customer is not None  # a foreign key
    phone = session.scalar(
        select(CustomerPhone.number)
        .where(CustomerPhone.customer_id == customer.id)
        .order_by(CustomerPhone.position)
        .limit(1)
    )
    device = session.get(Device, ticket.device_id) if ticket.device_id else None
    technician = session.get(User, ticket.assigned_to_id) if ticket.assigned_to_id else None
    signature = session.scalar(
        select(TicketSignature)
        .where(TicketSignature.ticket_id == ticket.id, TicketSignature.purpose == "intake")
        .order_by(TicketSignature.at.desc())
        .limit(1)
    )
    name = display_name(customer.first_name, customer.last_name, customer.company)
    device_title = ""
    if device is not None:
        device_title = " ".join(p for p in (device.brand, device.model) if p) or device.device_type
    claim = ClaimReceipt(
        shop=shop_header(profile),
        ticket_number=ticket.number,
        created_at=ticket.created_at,
        customer_name=name,
        customer_phone=phone or "",
        device=device_title,
        serial=device.serial if device else "",
        imei=device.imei if device else "",
        problem=ticket.problem,
        accessories=tuple(a for a in ticket.accessories.split(", ") if a),
        condition=condition_lines(ticket.condition),
        estimate_total=ticket.estimate_labour + ticket.estimate_parts,
        currency=profile.currency,
        locale=profile.locale,
        promised_at=ticket.promised_at,
        technician=technician.display_name if technician else "",
        terms=profile.ticket_terms,
        signature_png=signature.image_png if signature else None,
        signed_at=signature.at if signature else None,
        deposit=deposits_paid(session, ticket.id),
    )
    label = DeviceLabel(
        ticket_number=ticket.number,
        customer_name=name,
        device=device_title,
        created_at=ticket.created_at,
        locale=profile.locale,
    )
    return claim, label
