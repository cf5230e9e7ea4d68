"""A believable demo shop, created through the real services (deterministic, seeded)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from desktop.demo_parts import create_demo_parts, create_demo_purchasing
from desktop.demo_sales import create_demo_sales
from desktop.models import Ticket, TicketAssignment, TicketNote, TicketStatusChange
from desktop.services.container import Services
from desktop.services.customers import CustomerInput, DuplicateCustomer, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.services.permissions import Role
from desktop.services.setup import ShopSetup
from desktop.services.text import luhn_check_digit
from desktop.services.ticket_work import BenchFields, LabourInput
from desktop.services.tickets import TicketInput

DEMO_OWNER = "owner"
DEMO_OWNER_PASSWORD = "demo-owner-1"
DEMO_STAFF_PASSWORD = "demo-staff-1"
DEMO_STAFF = (
    ("maria", "Maria Manager", Role.MANAGER),
    ("tom", "Tom Technician", Role.TECHNICIAN),
    ("tariq", "Tariq Rahman", Role.TECHNICIAN),
    ("fiona", "Fiona Front", Role.FRONT_DESK),
)

_FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Chris",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Aisha",
    "Omar",
    "Priya",
    "Arjun",
    "Mei",
    "Hiroshi",
    "Sofia",
    "Lucas",
    "Fatima",
    "Ahmed",
    "Elena",
    "Ivan",
]
_LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Khan",
    "Patel",
    "Nguyen",
    "Chen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Novak",
    "Haddad",
    "Kowalski",
]
_COMPANIES = (
    "Acme Logistics",
    "Greenleaf Dental",
    "Harbor Cafe",
    "Northside Realty",
    "Pixel Print Shop",
    "Riverside School",
    "Summit Legal LLP",
    "Blue Door Bakery",
)
_TAGS = ("vip", "business", "warranty", "student", "slow-payer", "referral")
_DEVICES = (
    ("Phone", "Apple", ("iPhone 12", "iPhone 13", "iPhone 14 Pro", "iPhone SE (2022)")),
    ("Phone", "Samsung", ("Galaxy S21", "Galaxy S23", "Galaxy A54", "Galaxy Z Flip5")),
    ("Phone", "Google", ("Pixel 7", "Pixel 8 Pro")),
    ("Tablet", "Apple", ("iPad Air (5th gen)", "iPad 9th gen")),
    ("Laptop", "Lenovo", ("ThinkPad T14", "IdeaPad 5")),
    ("Laptop", "Apple", ("MacBook Air M1", "MacBook Pro 14")),
    ("Console", "Nintendo", ("Switch OLED",)),
    ("Console", "Sony", ("PlayStation 5",)),
)
_COLOURS = ("Black", "White", "Blue", "Silver", "Graphite", "Green", "")
_STREETS = ("Main St", "Oak Ave", "High St", "Station Rd", "Park Lane", "Elm St")


def luhn_complete(body: str) -> str:
    """``body`` (14 digits) plus its Luhn check digit: a valid IMEI."""
    return body + luhn_check_digit(body)


def create_demo_shop(
    services: Services,
    customers: int = 60,
    devices: int = 80,
    tickets: int = 45,
    parts: int | None = None,
) -> None:
    """Set up the demo shop, its staff, customers, devices, repair tickets and parts
    catalog (``parts`` items at most; None: all of it, with suppliers, an order on its
    way, parts on the repairs in progress and a count half done). Leaves the owner
    signed in."""
    rng = random.Random(20240611)
    services.setup.create_shop(
        ShopSetup(
            shop_name="Benchside Demo Repairs",
            currency="USD",
            owner_username=DEMO_OWNER,
            owner_display_name="Dana Owner",
            owner_password=DEMO_OWNER_PASSWORD,
            station_name="Front counter",
            address="12 Market Street\nSpringfield",
            phone="+1 555 0100",
            email="hello@demo-repairs.example",
            tax_id="US-12-3456789",
            prices_include_tax=False,
            default_tax_rate_bp=825,
        )
    )
    services.accounts.login(DEMO_OWNER, DEMO_OWNER_PASSWORD)
    _add_staff(services)
    customer_ids = [_add_customer(services, rng, n) for n in range(customers)]
    for n in range(devices):
        _add_device(services, rng, customer_ids[n % len(customer_ids)], n)
    _add_tickets(services, rng, tickets)
    create_demo_parts(services, rng, parts)
    if parts is None:
        create_demo_purchasing(services)
        create_demo_sales(services)


def _add_staff(services: Services) -> None:
    temporary = "temporary-pass-1"
    for username, display, role in DEMO_STAFF:
        services.accounts.add_user(username, display, role.value, temporary)
    for username, _display, _role in DEMO_STAFF:
        services.accounts.login(username, temporary)
        services.accounts.change_own_password(temporary, DEMO_STAFF_PASSWORD)
    services.accounts.login(DEMO_OWNER, DEMO_OWNER_PASSWORD)


def _add_customer(services: Services, rng: random.Random, n: int) -> object:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    company = rng.choice(_COMPANIES) if rng.random() < 0.2 else ""
    phones = [PhoneInput(f"+1 555 {200 + n:03d} {rng.randrange(1000, 9999)}", "mobile")]
    if rng.random() < 0.25:
        phones.append(PhoneInput(f"+1 555 {700 + n:03d} {rng.randrange(1000, 9999)}", "work"))
    email = f"{first}.{last}{n}@example.com".lower() if rng.random() < 0.7 else ""
    tags = tuple(rng.sample(_TAGS, rng.choice((0, 0, 1, 2))))
    data = CustomerInput(
        first_name=first,
        last_name=last,
        company=company,
        phones=phones,
        email=email,
        address=f"{rng.randrange(1, 300)} {rng.choice(_STREETS)}, Springfield",
        tags=tags,
        marketing_consent=rng.random() < 0.4,
    )
    try:
        return services.customers.create(data).id
    except DuplicateCustomer:
        return services.customers.create(data, allow_duplicate=True).id


def _add_device(services: Services, rng: random.Random, customer_id: object, n: int) -> None:
    device_type, brand, models = rng.choice(_DEVICES)
    imei = ""
    if device_type == "Phone" and rng.random() < 0.7:
        imei = luhn_complete("35" + "".join(str(rng.randrange(10)) for _ in range(12)))
    serial = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10))
    services.devices.save(
        DeviceInput(
            customer_id=customer_id,  # type: ignore[arg-type]
            device_type=device_type,
            brand=brand,
            model=rng.choice(models),
            serial=serial,
            imei=imei,
            colour=rng.choice(_COLOURS),
            passcode=str(rng.randrange(1000, 999999)) if rng.random() < 0.3 else "",
            notes="Screen cracked in the top corner." if n % 9 == 0 else "",
        )
    )


_PROBLEMS = (
    ("Cracked screen", "Replaced the display assembly", 4500, 12900),
    ("Battery drains fast, shuts down at 30%", "Replaced the battery", 2500, 4900),
    ("Does not charge", "Cleaned and replaced the charging port", 3500, 1900),
    ("Dropped in water", "Ultrasonic clean, replaced the speaker", 6000, 2500),
    ("No power", "Replaced the power IC", 8000, 1500),
    ("Stuck on the logo after an update", "Restored the software, data kept", 3000, 0),
    ("Rear camera blurry", "Replaced the rear camera module", 3000, 5900),
    ("Keyboard keys not working", "Replaced the top case keyboard", 6000, 8900),
)
_NOTES = (
    "Customer needs it back before the weekend.",
    "Part ordered from the supplier, arrives Thursday.",
    "Called the customer: approved the estimate.",
    "Tested OK for 24 hours.",
)


def _add_tickets(services: Services, rng: random.Random, count: int) -> None:
    """Tickets over the last five weeks in every status, some late, some with labour."""
    statuses = services.tickets.statuses()
    technicians = [
        u.id for u in services.accounts.list_users() if u.role in ("technician", "manager")
    ]
    customer_devices = [
        (d.customer_id, d.id)
        for c in services.customers.page(limit=count * 2)
        for d in services.devices.for_customer(c.id)[:1]
    ]
    now = datetime.now(UTC)
    for n in range(min(count, len(customer_devices))):
        # Every few tickets a device comes back: the ticket screen shows its history.
        customer_id, device_id = customer_devices[n - 5 if n % 7 == 6 else n]
        problem, work, labour, parts = _PROBLEMS[n % len(_PROBLEMS)]
        age = timedelta(days=35 * (count - n) / count, hours=rng.randrange(0, 8))
        ticket = services.tickets.create(
            TicketInput(
                customer_id=customer_id,
                device_id=device_id,
                problem=problem,
                condition={"Powers on": n % 5 != 0, "Scratches": n % 3 == 0},
                accessories=("Case",) if n % 4 == 0 else (),
                estimate_labour=labour,
                estimate_parts=parts,
                promised_at=now - age + timedelta(days=rng.choice((1, 2, 3, 5))),
                priority=rng.choice(("normal", "normal", "normal", "high", "urgent", "low")),
                assigned_to_id=rng.choice(technicians) if n % 6 else None,
                signature_consent=True,
            )
        )
        status = statuses[min(len(statuses) - 1, int(rng.random() ** 1.5 * len(statuses)))]
        if n >= count - 8:
            status = statuses[rng.randrange(0, 3)]  # the newest are still on the bench
        if status.category not in ("open", "cancelled"):
            services.ticket_work.update_work(
                ticket.id,
                BenchFields(
                    diagnosis=f"Confirmed: {problem.lower()}.",
                    work_done=work if status.category in ("ready", "completed", "closed") else "",
                    estimate_labour=labour,
                    estimate_parts=parts,
                    promised_at=ticket.promised_at,
                    priority=ticket.priority,
                ),
            )
            services.ticket_work.add_labour(ticket.id, LabourInput(work, flat_amount=labour))
        if status.id != ticket.status.id:  # after the work: a closed ticket's charges are final
            services.tickets.change_status(ticket.id, status.id)
        if n % 3 == 0:
            services.tickets.add_note(ticket.id, _NOTES[n % len(_NOTES)], n % 2 == 0)
        _backdate(services, ticket.id, age)


def _backdate(services: Services, ticket_id: object, age: timedelta) -> None:
    """Spread the demo tickets over past weeks, as if they had come in then.

    Demo data only: a bulk UPDATE skips the sync outbox, which a new demo shop never sends.
    """
    with services.ctx.uow() as tx:
        session = tx.session
        created, completed = session.execute(
            select(Ticket.created_at, Ticket.completed_at).where(Ticket.id == ticket_id)
        ).one()
        later = {"completed_at": completed - age / 2} if completed is not None else {}
        session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(created_at=created - age, **later)
            .execution_options(synchronize_session=False)
        )
        events = [
            (at, table, row_id)
            for table in (TicketStatusChange, TicketAssignment, TicketNote)
            for row_id, at in session.execute(
                select(table.id, table.at).where(table.ticket_id == ticket_id)
            )
        ]
        # The first events happened at intake; the later ones over the days after it.
        for index, (_at, table, row_id) in enumerate(sorted(events, key=lambda e: e[0])):
            moved = created - age + (age / 2) * index / max(1, len(events) - 1)
            session.execute(
                update(table)
                .where(table.id == row_id)
                .values(at=moved if index > 1 else created - age)
                .execution_options(synchronize_session=False)
            )
        tx.commit()
