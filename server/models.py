"""The server's bookkeeping tables (``srv_*``): shops, branches, stations, enrollment
codes, the per-shop change log, row clocks, tombstones and rejected transactions.

They live in the server's own ``metadata``; ``server.mirror`` adds the mirror tables of
the desktop's syncable tables to the same metadata, so Alembic sees one schema.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _when(name: str, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


shops = Table(
    "srv_shops",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    _when("created_at"),
    # The next server sequence number to hand out; head == next_seq - 1.
    Column("next_seq", BigInteger, nullable=False, server_default=text("1")),
    # The oldest sequence number still in the change log (trim-log moves it up).
    Column("min_seq", BigInteger, nullable=False, server_default=text("1")),
    # The fingerprint of the log up to the head (see ``server.shoplog.next_chain``), and
    # of the log up to min_seq - 1, the last change trimmed away.
    Column("chain", LargeBinary, nullable=False, server_default=text("''::bytea")),
    Column("floor_chain", LargeBinary, nullable=False, server_default=text("''::bytea")),
    # The last HLC the server stamped on a change of its own (conflict rows).
    Column("clock", String(40), nullable=False, server_default=""),
)

branches = Table(
    "srv_branches",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("shop_id", Uuid, ForeignKey("srv_shops.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    _when("created_at"),
)

stations = Table(
    "srv_stations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("shop_id", Uuid, ForeignKey("srv_shops.id"), nullable=False),
    Column("branch_id", Uuid, ForeignKey("srv_branches.id"), nullable=False),
    Column("code", String(8), nullable=False),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    _when("token_expires_at", nullable=True),
    _when("revoked_at", nullable=True),
    _when("enrolled_at"),
    Column("last_station_seq", BigInteger, nullable=False, server_default=text("0")),
    _when("last_seen_at", nullable=True),
    Column("schema", String(64), nullable=False, server_default=""),
    # One live station per code; a revoked one keeps its code for the record, and a
    # reinstalled PC may take the code back.
    Index(
        "ix_srv_stations_live_code",
        "shop_id",
        "code",
        unique=True,
        postgresql_where=text("revoked_at IS NULL"),
    ),
)

enrollment_codes = Table(
    "srv_enrollment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("shop_id", Uuid, ForeignKey("srv_shops.id"), nullable=False),
    Column("branch_id", Uuid, ForeignKey("srv_branches.id"), nullable=False),
    # A station code reserved for this enrollment (``--code B``), else the server picks.
    Column("station_code", String(8), nullable=True),
    Column("station_name", String(200), nullable=False, server_default=""),
    _when("created_at"),
    _when("expires_at"),
    _when("used_at", nullable=True),
    Column("station_id", Uuid, nullable=True),
)

change_log = Table(
    "srv_change_log",
    metadata,
    Column("shop_id", Uuid, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("change_id", Uuid, nullable=False),
    Column("txn_id", Uuid, nullable=False),
    # NULL for the server's own changes (conflict rows).
    Column("station_id", Uuid, nullable=True),
    Column("station_code", String(8), nullable=False),
    Column("table_name", String(64), nullable=False),
    Column("row_id", Uuid, nullable=False),
    Column("op", String(10), nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("hlc", String(40), nullable=False),
    Column("user_id", Uuid, nullable=True),
    Column("base_seq", BigInteger, nullable=False, server_default=text("0")),
    # The fingerprint of the log up to and including this change.
    Column("chain", LargeBinary, nullable=False),
    _when("received_at"),
    UniqueConstraint("shop_id", "change_id", name="uq_srv_change_log_shop_change"),
)

row_clocks = Table(
    "srv_row_clocks",
    metadata,
    Column("shop_id", Uuid, primary_key=True),
    Column("table_name", String(64), primary_key=True),
    Column("row_id", Uuid, primary_key=True),
    # {"*": hlc of the insert, column: hlc of its last write}
    Column("clocks", JSONB, nullable=False),
    # {column: server seq of its last write}: tells a concurrent edit from a later one.
    Column("seqs", JSONB, nullable=False),
)

tombstones = Table(
    "srv_tombstones",
    metadata,
    Column("shop_id", Uuid, primary_key=True),
    Column("table_name", String(64), primary_key=True),
    Column("row_id", Uuid, primary_key=True),
    Column("hlc", String(40), nullable=False),
    Column("seq", BigInteger, nullable=False),
)

rejections = Table(
    "srv_rejections",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("shop_id", Uuid, nullable=False),
    Column("station_id", Uuid, nullable=False),
    Column("txn_id", Uuid, nullable=True),
    Column("station_seq", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("changes", JSONB, nullable=False),
    _when("received_at"),
    Index("ix_srv_rejections_shop_station", "shop_id", "station_id"),
)
