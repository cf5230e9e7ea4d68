"""A believable demo shop, created through the real services (deterministic, seeded)."""

from __future__ import annotations

import random

from desktop.services.container import Services
from desktop.services.customers import CustomerInput, DuplicateCustomer, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.services.permissions import Role
from desktop.services.setup import ShopSetup
from desktop.services.text import luhn_check_digit

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


def create_demo_shop(services: Services, customers: int = 60, devices: int = 80) -> None:
    """Set up the demo shop, its staff, customers and devices. Leaves the owner signed in."""
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
