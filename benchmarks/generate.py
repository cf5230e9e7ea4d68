"""Generate a large, deterministic shop database for the benchmarks.

The schema comes from the real migrations and the shop from the real setup service; the bulk
rows (customers, their phones, devices) go in through plain ``sqlite3`` for speed, and the
search triggers the migrations installed keep the FTS indexes current as they do in the app.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import string
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from uuid6 import uuid7

from benchmarks import names
from desktop.services.text import luhn_check_digit

log = logging.getLogger(__name__)

# Bump whenever the generated data changes, so cached databases are rebuilt.
GENERATOR_VERSION = 5
SEED = 20_250_101
BATCH = 25_000
DATA_DIR = Path(__file__).resolve().parent / "data"
EPOCH = datetime(2025, 6, 30, 18, 0, 0)
HISTORY_DAYS = 5 * 365

OWNER_USERNAME = "owner"
OWNER_PASSWORD = "bench-password-1"


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    devices: int
    tickets: int
    items: int
    movements: int
    sales: int


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 2_000, 3_200, 8_000, 2_000, 20_000, 10_000),
    "small": Scale("small", 25_000, 40_000, 100_000, 20_000, 500_000, 100_000),
    "full": Scale("full", 250_000, 400_000, 1_000_000, 200_000, 5_000_000, 2_000_000),
}
TECHNICIANS = 8

CUSTOMER_COLUMNS = (
    "id, first_name, last_name, company, email, address, notes, tags, marketing_consent, "
    "birth_date, sort_name, created_at, updated_at"
)
PHONE_COLUMNS = "id, customer_id, number, digits, label, position"
DEVICE_COLUMNS = (
    "id, customer_id, device_type, brand, model, serial, imei, colour, passcode, notes, "
    "created_at, updated_at"
)

Row = tuple[Any, ...]


@dataclass(frozen=True)
class GeneratedCustomer:
    row: Row
    phones: list[Row]


# -- values ---------------------------------------------------------------------------


def new_id() -> str:
    """A UUIDv7 as SQLAlchemy stores it in SQLite: 32 lower-case hex digits."""
    return str(uuid7().hex)


def db_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def sort_name(first: str, last: str, company: str) -> str:
    return " ".join(f"{last} {first} {company}".lower().split())


def random_imei(rng: random.Random) -> str:
    payload = "35" + "".join(rng.choices(string.digits, k=12))
    return payload + luhn_check_digit(payload)


def random_serial(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_uppercase + string.digits, k=rng.randint(10, 12)))


def random_phone(rng: random.Random) -> str:
    """A phone number in one of the formats people type at the counter."""
    style = rng.random()
    if style < 0.35:
        area, prefix, line = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
        return f"+1 ({area}) {prefix}-{line:04d}"
    if style < 0.65:
        operator, rest = rng.choice("3456789"), rng.randint(0, 999_999)
        return f"01{operator}{rng.randint(10, 99)}-{rest:06d}"
    if style < 0.9:
        area, prefix, line = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
        return f"{area} {prefix} {line:04d}"
    return f"+44 7{rng.randint(100, 999)} {rng.randint(100_000, 999_999)}"


def digits_only(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def random_moment(rng: random.Random) -> datetime:
    return EPOCH - timedelta(seconds=rng.randint(0, HISTORY_DAYS * 86_400))


def random_company(rng: random.Random) -> str:
    suffix = rng.choice(names.COMPANY_SUFFIXES)
    words = [rng.choice(names.COMPANY_WORDS), rng.choice(names.COMPANY_KINDS), suffix]
    return " ".join(word for word in words if word)


def random_address(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return ""
    return f"{rng.randint(1, 400)} {rng.choice(names.STREETS)}, {rng.choice(names.CITIES)}"


def random_tags(rng: random.Random) -> str:
    if rng.random() < 0.85:
        return ""
    return ",".join(sorted(set(rng.sample(names.TAGS, rng.randint(1, 2)))))


def random_birth_date(rng: random.Random) -> str | None:
    if rng.random() < 0.7:
        return None
    return (date(1950, 1, 1) + timedelta(days=rng.randint(0, 55 * 365))).isoformat()


# -- rows -----------------------------------------------------------------------------


def make_customer(rng: random.Random) -> GeneratedCustomer:
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
    company = random_company(rng) if rng.random() < 0.2 else ""
    email = ""
    if rng.random() < 0.8:
        email = f"{first}.{last}{rng.randint(1, 999)}@example.com".lower()
    created = db_time(random_moment(rng))
    customer_id = new_id()
    notes = "Prefers a call before any repair." if rng.random() < 0.05 else ""
    row = (
        customer_id, first, last, company, email, random_address(rng), notes,
        random_tags(rng), int(rng.random() < 0.3), random_birth_date(rng),
        sort_name(first, last, company), created, created,
    )  # fmt: skip
    phones = [make_phone(rng, customer_id, position) for position in range(rng.randint(1, 3))]
    return GeneratedCustomer(row, phones)


def make_phone(rng: random.Random, customer_id: str, position: int) -> Row:
    number = random_phone(rng)
    label = names.PHONE_LABELS[0] if position == 0 else rng.choice(names.PHONE_LABELS)
    return (new_id(), customer_id, number, digits_only(number), label, position)


def pick_device_kind(rng: random.Random) -> tuple[str, str, str]:
    weights = [weight for _, weight, _ in names.DEVICES]
    device_type, _, brands = rng.choices(names.DEVICES, weights=weights)[0]
    brand = rng.choice(sorted(brands))
    return device_type, brand, rng.choice(brands[brand])


def make_device(rng: random.Random, customer_id: str) -> Row:
    device_type, brand, model = pick_device_kind(rng)
    imei = random_imei(rng) if device_type == "Phone" else ""
    passcode = "".join(rng.choices(string.digits, k=6)) if rng.random() < 0.3 else ""
    created = db_time(random_moment(rng))
    return (
        new_id(), customer_id, device_type, brand, model, random_serial(rng), imei,
        rng.choice(names.COLOURS), passcode, "", created, created,
    )  # fmt: skip


# -- writing --------------------------------------------------------------------------


def batches(total: int, size: int = BATCH) -> Iterator[int]:
    """Sizes of consecutive batches that add up to ``total``."""
    done = 0
    while done < total:
        step = min(size, total - done)
        yield step
        done += step


def insert_customers(connection: sqlite3.Connection, rng: random.Random, count: int) -> list[str]:
    """Insert customers and their phones; returns the customer ids in insertion order.

    Phones go in before their customers: the customer insert trigger then indexes all of a
    customer's phones at once, and the phone insert trigger finds no index row to refresh
    yet, instead of rewriting the customer's FTS row once per phone.
    """
    ids: list[str] = []
    for size in batches(count):
        generated = [make_customer(rng) for _ in range(size)]
        phones = [phone for customer in generated for phone in customer.phones]
        with connection:
            connection.executemany(
                f"INSERT INTO customer_phones ({PHONE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                phones,
            )
            connection.executemany(
                f"INSERT INTO customers ({CUSTOMER_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [customer.row for customer in generated],
            )
        ids.extend(customer.row[0] for customer in generated)
        log.info("customers: %d / %d", len(ids), count)
    return ids


def insert_devices(
    connection: sqlite3.Connection, rng: random.Random, customer_ids: Sequence[str], count: int
) -> None:
    done = 0
    for size in batches(count):
        rows = [make_device(rng, rng.choice(customer_ids)) for _ in range(size)]
        with connection:
            connection.executemany(
                f"INSERT INTO devices ({DEVICE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        done += size
        log.info("devices: %d / %d", done, count)


def scalar(connection: sqlite3.Connection, sql: str) -> int:
    return int(connection.execute(sql).fetchone()[0])


def check_search_index(connection: sqlite3.Connection, scale: Scale) -> None:
    """Fail loudly if the bulk load left the FTS indexes or foreign keys inconsistent."""
    problems = []
    expected = {
        "SELECT count(*) FROM customers": scale.customers,
        "SELECT count(*) FROM customer_fts": scale.customers,
        "SELECT count(*) FROM customer_fts WHERE phones = ''": 0,
        "SELECT count(*) FROM devices": scale.devices,
        "SELECT count(*) FROM device_fts": scale.devices,
        "SELECT count(*) FROM search_keys": scale.customers + scale.devices + scale.items,
        "SELECT count(*) FROM tickets": scale.tickets,
        "SELECT count(*) FROM items": scale.items,
        "SELECT count(*) FROM item_fts": scale.items,
        "SELECT count(*) FROM stock_movements": scale.movements,
        "SELECT count(*) FROM stock_levels WHERE on_hand != (SELECT coalesce(sum(quantity), 0) "
        "FROM stock_movements m WHERE m.item_id = stock_levels.item_id)": 0,
        "SELECT count(*) FROM tickets t LEFT JOIN devices d ON d.id = t.device_id "
        "WHERE d.customer_id IS NOT t.customer_id": 0,
    }
    for sql, want in expected.items():
        got = scalar(connection, sql)
        if got != want:
            problems.append(f"{sql}: {got}, expected {want}")
    phones_indexed = scalar(
        connection,
        "SELECT count(*) FROM customers c JOIN search_keys k ON k.entity_id = c.id "
        "JOIN customer_fts f ON f.rowid = k.rowid "
        "WHERE f.phones = (SELECT group_concat(digits, ' ') FROM customer_phones "
        "WHERE customer_id = c.id)",
    )
    if phones_indexed != scale.customers:
        problems.append(f"phones indexed for {phones_indexed} of {scale.customers} customers")
    if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
        problems.append("foreign key check failed")
    if problems:
        raise RuntimeError("generated database is inconsistent: " + "; ".join(problems))


def create_schema_and_shop(path: Path) -> None:
    """Empty database -> migrated schema -> shop, owner and station via the real services."""
    from desktop.services.container import Services
    from desktop.services.database import create_database_engine, upgrade
    from desktop.services.setup import ShopSetup

    path.touch()
    engine = create_database_engine(path)
    upgrade(engine)
    engine.dispose()
    services = Services.open(path)
    try:
        services.setup.create_shop(
            ShopSetup(
                shop_name="Bench Shop",
                currency="USD",
                owner_username=OWNER_USERNAME,
                owner_display_name="Owner",
                owner_password=OWNER_PASSWORD,
                station_code="A",
                station_name="Counter",
            )
        )
        services.accounts.login(OWNER_USERNAME, OWNER_PASSWORD)
        for n in range(TECHNICIANS):
            role = "manager" if n == 0 else "technician"
            services.accounts.add_user(f"tech{n}", f"Technician {n}", role, OWNER_PASSWORD)
    finally:
        services.close()


def bulk_load(path: Path, scale: Scale) -> None:
    rng = random.Random(SEED)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")
        connection.isolation_level = "DEFERRED"
        customer_ids = insert_customers(connection, rng, scale.customers)
        insert_devices(connection, rng, customer_ids, scale.devices)
        from benchmarks.generate_tickets import insert_tickets

        insert_tickets(connection, rng, scale.tickets)
        from benchmarks.generate_inventory import insert_items, insert_movements

        items = insert_items(connection, rng, scale.items)
        insert_movements(connection, rng, items, scale.movements)
        check_search_index(connection, scale)
        connection.execute("ANALYZE")
        connection.execute("PRAGMA optimize")
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


# -- cache ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetInfo:
    generator_version: int
    scale: str
    customers: int
    devices: int
    seconds: float
    tickets: int = 0
    items: int = 0
    movements: int = 0
    sales: int = 0


def metadata_path(db_path: Path) -> Path:
    return db_path.with_suffix(".json")


def cached_info(db_path: Path, scale: Scale) -> DatasetInfo | None:
    """The cached dataset's description, if it exists and matches this generator and scale
    (its sales may still differ: see ``has_sales``)."""
    meta = metadata_path(db_path)
    if not db_path.exists() or not meta.exists():
        return None
    try:
        info = DatasetInfo(**json.loads(meta.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return None
    wanted = (GENERATOR_VERSION, scale.name, scale.customers, scale.devices, scale.tickets)
    have = (info.generator_version, info.scale, info.customers, info.devices, info.tickets)
    wanted += (scale.items, scale.movements)
    have += (info.items, info.movements)
    if have != wanted:
        return None
    return info


def has_sales(info: DatasetInfo, scale: Scale) -> bool:
    return info.sales == scale.sales


def write_info(db_path: Path, info: DatasetInfo) -> None:
    metadata_path(db_path).write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")


def remove_database(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    metadata_path(db_path).unlink(missing_ok=True)


def generate(db_path: Path, scale: Scale) -> DatasetInfo:
    """Build the dataset at ``db_path`` (replacing what is there)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    building = db_path.with_name(db_path.name + ".building")
    remove_database(building)
    remove_database(db_path)
    started = time.perf_counter()
    create_schema_and_shop(building)
    bulk_load(building, scale)
    from benchmarks.generate_reports import add_reports
    from benchmarks.generate_sales import add_sales

    add_sales(building, scale.sales)
    add_reports(building, scale)
    building.replace(db_path)
    info = DatasetInfo(
        GENERATOR_VERSION, scale.name, scale.customers, scale.devices,
        round(time.perf_counter() - started, 1), scale.tickets, scale.items, scale.movements,
        scale.sales,
    )  # fmt: skip
    write_info(db_path, info)
    return info


def ensure_dataset(scale: Scale, data_dir: Path = DATA_DIR) -> tuple[Path, DatasetInfo]:
    """The path of a database for ``scale``, generating it unless a matching one is cached."""
    db_path = data_dir / f"{scale.name}.db"
    info = cached_info(db_path, scale)
    # The report layer is built over the sales: a dataset with other sales is rebuilt whole.
    if info is None or not has_sales(info, scale):
        log.info("generating %s dataset at %s", scale.name, db_path)
        info = generate(db_path, scale)
    return db_path, info
