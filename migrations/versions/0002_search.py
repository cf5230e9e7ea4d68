"""search: FTS5 trigram indexes over customers and devices, and the device catalog seed

Revision ID: 0002_search
Revises: 0001_initial
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002_search"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# Same namespace as desktop.services.ids.CATALOG_NAMESPACE (copied: migrations are frozen).
CATALOG_NAMESPACE = uuid.UUID("6b0b2f0e-3d0b-4f7c-9a51-2f3c1c9e7a10")

CATALOG: dict[str, dict[str, list[str]]] = {
    "Phone": {
        "Apple": [
            "iPhone 11",
            "iPhone 12",
            "iPhone 12 mini",
            "iPhone 12 Pro",
            "iPhone 13",
            "iPhone 13 mini",
            "iPhone 13 Pro",
            "iPhone 13 Pro Max",
            "iPhone 14",
            "iPhone 14 Plus",
            "iPhone 14 Pro",
            "iPhone 14 Pro Max",
            "iPhone 15",
            "iPhone 15 Plus",
            "iPhone 15 Pro",
            "iPhone 15 Pro Max",
            "iPhone 16",
            "iPhone 16 Plus",
            "iPhone 16 Pro",
            "iPhone 16 Pro Max",
            "iPhone 16e",
            "iPhone 17",
            "iPhone 17 Pro",
            "iPhone 17 Pro Max",
            "iPhone Air",
            "iPhone SE (2022)",
            "iPhone XR",
            "iPhone XS",
        ],
        "Samsung": [
            "Galaxy S21",
            "Galaxy S22",
            "Galaxy S23",
            "Galaxy S23 Ultra",
            "Galaxy S24",
            "Galaxy S24 Ultra",
            "Galaxy S25",
            "Galaxy S25 Ultra",
            "Galaxy A15",
            "Galaxy A25",
            "Galaxy A35",
            "Galaxy A55",
            "Galaxy A16",
            "Galaxy A56",
            "Galaxy Z Flip6",
            "Galaxy Z Fold6",
            "Galaxy M35",
            "Galaxy Note 20",
        ],
        "Google": [
            "Pixel 7",
            "Pixel 7a",
            "Pixel 8",
            "Pixel 8 Pro",
            "Pixel 8a",
            "Pixel 9",
            "Pixel 9 Pro",
            "Pixel 9a",
            "Pixel 10",
        ],
        "Xiaomi": [
            "Redmi Note 12",
            "Redmi Note 13",
            "Redmi Note 14",
            "Redmi 13C",
            "Xiaomi 13",
            "Xiaomi 14",
            "Poco X6",
            "Poco F6",
        ],
        "OnePlus": ["OnePlus 11", "OnePlus 12", "OnePlus 13", "Nord CE 4", "Nord 4"],
        "Oppo": ["A58", "A78", "Reno 11", "Reno 12", "Find X7"],
        "Vivo": ["Y17s", "Y28", "V29", "V30", "X100"],
        "Realme": ["C55", "C67", "11 Pro", "12 Pro"],
        "Motorola": ["Moto G54", "Moto G84", "Edge 40", "Edge 50"],
        "Huawei": ["P30", "P40", "Nova 11", "Mate 60"],
        "Nokia": ["G22", "C32", "X30"],
        "Tecno": ["Spark 20", "Camon 20", "Pova 6"],
        "Infinix": ["Hot 40", "Note 40", "Smart 8"],
    },
    "Tablet": {
        "Apple": [
            "iPad (10th gen)",
            "iPad (9th gen)",
            "iPad Air (M2)",
            "iPad Air (M3)",
            "iPad Pro 11 (M4)",
            "iPad Pro 13 (M4)",
            "iPad mini (A17 Pro)",
        ],
        "Samsung": [
            "Galaxy Tab A9",
            "Galaxy Tab A9+",
            "Galaxy Tab S9",
            "Galaxy Tab S9 FE",
            "Galaxy Tab S10",
        ],
        "Lenovo": ["Tab M10", "Tab P11", "Tab P12"],
        "Amazon": ["Fire HD 8", "Fire HD 10"],
        "Xiaomi": ["Pad 6", "Redmi Pad SE"],
    },
    "Laptop": {
        "Apple": [
            "MacBook Air 13 (M1)",
            "MacBook Air 13 (M2)",
            "MacBook Air 13 (M3)",
            "MacBook Air 15 (M3)",
            "MacBook Pro 14 (M3)",
            "MacBook Pro 16 (M3)",
            "MacBook Pro 14 (M4)",
            "MacBook Air 13 (M4)",
        ],
        "Dell": [
            "Inspiron 15 3520",
            "Inspiron 14 5440",
            "Latitude 5440",
            "Latitude 7440",
            "XPS 13 9340",
            "XPS 15 9530",
            "Vostro 3520",
        ],
        "HP": [
            "Pavilion 15",
            "ProBook 450 G10",
            "EliteBook 840 G10",
            "Victus 15",
            "Envy x360",
            "HP 250 G9",
            "Omen 16",
        ],
        "Lenovo": [
            "IdeaPad 3",
            "IdeaPad 5",
            "IdeaPad Slim 3",
            "ThinkPad E14",
            "ThinkPad T14",
            "ThinkPad X1 Carbon",
            "Legion 5",
            "Yoga 7",
        ],
        "Asus": ["VivoBook 15", "ZenBook 14", "TUF Gaming F15", "ROG Strix G16", "ExpertBook B1"],
        "Acer": ["Aspire 3", "Aspire 5", "Swift Go 14", "Nitro V 15", "Predator Helios 16"],
        "Microsoft": ["Surface Laptop 5", "Surface Laptop 7", "Surface Pro 9", "Surface Pro 11"],
        "MSI": ["Modern 15", "Katana 15", "Thin GF63"],
    },
    "Console": {
        "Sony": [
            "PlayStation 4",
            "PlayStation 4 Pro",
            "PlayStation 5",
            "PlayStation 5 Slim",
            "PlayStation 5 Pro",
            "PlayStation Portal",
            "DualSense controller",
        ],
        "Microsoft": [
            "Xbox One",
            "Xbox One S",
            "Xbox Series S",
            "Xbox Series X",
            "Xbox Wireless Controller",
        ],
        "Nintendo": ["Switch", "Switch OLED", "Switch Lite", "Switch 2", "Joy-Con"],
        "Valve": ["Steam Deck", "Steam Deck OLED"],
    },
    "Smartwatch": {
        "Apple": [
            "Watch Series 8",
            "Watch Series 9",
            "Watch Series 10",
            "Watch SE",
            "Watch Ultra 2",
        ],
        "Samsung": ["Galaxy Watch6", "Galaxy Watch7", "Galaxy Watch Ultra"],
        "Google": ["Pixel Watch 2", "Pixel Watch 3"],
    },
}

SEARCH_KEYS_INSERT = "INSERT OR IGNORE INTO search_keys(entity_id) VALUES ({id})"
KEY = "(SELECT rowid FROM search_keys WHERE entity_id = {id})"

CUSTOMER_ROW = (
    "INSERT INTO customer_fts(rowid, name, company, email, phones) VALUES ("
    + KEY.format(id="{c}.id")
    + ", {c}.first_name || ' ' || {c}.last_name, {c}.company, {c}.email, "
    "(SELECT coalesce(group_concat(digits, ' '), '') FROM customer_phones "
    "WHERE customer_id = {c}.id))"
)
DEVICE_ROW = (
    "INSERT INTO device_fts(rowid, serial, imei, description) VALUES ("
    + KEY.format(id="{d}.id")
    + ", {d}.serial, {d}.imei, "
    "{d}.device_type || ' ' || {d}.brand || ' ' || {d}.model || ' ' || {d}.colour)"
)
PHONES_REFRESH = (
    "UPDATE customer_fts SET phones = (SELECT coalesce(group_concat(digits, ' '), '') "
    "FROM customer_phones WHERE customer_id = {p}.customer_id) "
    "WHERE rowid = " + KEY.format(id="{p}.customer_id")
)

TRIGGERS = [
    f"""CREATE TRIGGER customers_fts_ai AFTER INSERT ON customers BEGIN
        {SEARCH_KEYS_INSERT.format(id="new.id")};
        {CUSTOMER_ROW.format(c="new")};
    END""",
    f"""CREATE TRIGGER customers_fts_au AFTER UPDATE OF first_name, last_name, company, email
        ON customers BEGIN
        DELETE FROM customer_fts WHERE rowid = {KEY.format(id="old.id")};
        {CUSTOMER_ROW.format(c="new")};
    END""",
    f"""CREATE TRIGGER customers_fts_ad AFTER DELETE ON customers BEGIN
        DELETE FROM customer_fts WHERE rowid = {KEY.format(id="old.id")};
        DELETE FROM search_keys WHERE entity_id = old.id;
    END""",
    f"""CREATE TRIGGER customer_phones_fts_ai AFTER INSERT ON customer_phones BEGIN
        {PHONES_REFRESH.format(p="new")};
    END""",
    f"""CREATE TRIGGER customer_phones_fts_au AFTER UPDATE ON customer_phones BEGIN
        {PHONES_REFRESH.format(p="old")};
        {PHONES_REFRESH.format(p="new")};
    END""",
    f"""CREATE TRIGGER customer_phones_fts_ad AFTER DELETE ON customer_phones BEGIN
        {PHONES_REFRESH.format(p="old")};
    END""",
    f"""CREATE TRIGGER devices_fts_ai AFTER INSERT ON devices BEGIN
        {SEARCH_KEYS_INSERT.format(id="new.id")};
        {DEVICE_ROW.format(d="new")};
    END""",
    f"""CREATE TRIGGER devices_fts_au AFTER UPDATE OF serial, imei, device_type, brand, model,
        colour ON devices BEGIN
        DELETE FROM device_fts WHERE rowid = {KEY.format(id="old.id")};
        {DEVICE_ROW.format(d="new")};
    END""",
    f"""CREATE TRIGGER devices_fts_ad AFTER DELETE ON devices BEGIN
        DELETE FROM device_fts WHERE rowid = {KEY.format(id="old.id")};
        DELETE FROM search_keys WHERE entity_id = old.id;
    END""",
]
TRIGGER_NAMES = [sql.split()[2] for sql in TRIGGERS]


def upgrade() -> None:
    op.create_table(
        "search_keys",
        sa.Column("rowid", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("rowid", name=op.f("pk_search_keys")),
        sa.UniqueConstraint("entity_id", name=op.f("uq_search_keys_entity_id")),
    )
    op.execute(
        "CREATE VIRTUAL TABLE customer_fts USING fts5("
        "name, company, email, phones, tokenize='trigram')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE device_fts USING fts5(serial, imei, description, tokenize='trigram')"
    )
    for sql in TRIGGERS:
        op.execute(sql)
    # Index what an older database already holds.
    op.execute("INSERT INTO search_keys(entity_id) SELECT id FROM customers ORDER BY id")
    op.execute("INSERT INTO search_keys(entity_id) SELECT id FROM devices ORDER BY id")
    op.execute(CUSTOMER_ROW.format(c="c").replace("VALUES (", "SELECT ")[:-1] + " FROM customers c")
    op.execute(DEVICE_ROW.format(d="d").replace("VALUES (", "SELECT ")[:-1] + " FROM devices d")

    op.bulk_insert(_models_table(), _seed_rows())


def _models_table() -> sa.TableClause:
    return sa.table(
        "device_models",
        sa.column("id", sa.Uuid()),
        sa.column("device_type", sa.String()),
        sa.column("brand", sa.String()),
        sa.column("model", sa.String()),
    )


def _seed_rows() -> list[dict[str, object]]:
    return [
        {
            "id": uuid.uuid5(
                CATALOG_NAMESPACE,
                "\x1f".join(part.casefold() for part in (device_type, brand, model)),
            ),
            "device_type": device_type,
            "brand": brand,
            "model": model,
        }
        for device_type, brands in CATALOG.items()
        for brand, names in brands.items()
        for model in names
    ]


def downgrade() -> None:
    # Only the seeded catalog: models the shop added itself stay.
    seeded = [row["id"] for row in _seed_rows()]
    models = _models_table()
    op.execute(models.delete().where(models.c.id.in_(seeded)))
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE device_fts")
    op.execute("DROP TABLE customer_fts")
    op.drop_table("search_keys")
