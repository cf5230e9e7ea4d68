"""Timed scenarios. Each returns one metric: the service's figure and its plain-SQL floor.

The floor runs the same statements the service runs, written by hand against a plain
``sqlite3`` connection, so the ratio value / floor shows what the service layers cost.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks import gui
from benchmarks.generate import OWNER_PASSWORD, OWNER_USERNAME, DatasetInfo
from benchmarks.names import COMPANY_SUFFIXES

if TYPE_CHECKING:
    from desktop.services.container import Services

SEARCH_QUERIES = 200
SEARCH_LIMIT = 50
SEARCH_PASSES = 3
PAGE_SIZE = 100
LIST_REPEATS = 20
FAR_ROW = 200_000
QUERY_SEED = 7

SUMMARY_COLUMNS = (
    "c.id, c.first_name, c.last_name, c.company, c.email, c.sort_name, "
    "(SELECT p.number FROM customer_phones p WHERE p.customer_id = c.id "
    "ORDER BY p.position LIMIT 1) AS phone"
)


@dataclass(frozen=True)
class Measurement:
    """What a scenario measured; the runner adds the name's target and unit."""

    value: float
    floor: float | None


@dataclass
class BenchContext:
    db_path: Path
    info: DatasetInfo
    _services: Services | None = None

    @property
    def services(self) -> Services:
        """The real service graph on the dataset, signed in as the owner (opened once)."""
        if self._services is None:
            from desktop.services.container import Services

            self._services = Services.open(self.db_path)
            self._services.accounts.login(OWNER_USERNAME, OWNER_PASSWORD)
        return self._services

    @contextmanager
    def plain_connection(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.db_path)
        try:
            yield connection
        finally:
            connection.close()

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None


# -- timing ---------------------------------------------------------------------------


def elapsed_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def p95(samples: Sequence[float]) -> float:
    """95th percentile by the nearest-rank method."""
    ordered = sorted(samples)
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]


def median_ms(action: Callable[[], object], repeats: int = LIST_REPEATS) -> float:
    """Median of ``repeats`` timed runs after one untimed warm-up run."""
    action()
    return statistics.median(elapsed_ms(action) for _ in range(repeats))


# -- search queries -------------------------------------------------------------------


def fragment(rng: random.Random, value: str, shortest: int, longest: int) -> str:
    """A piece of ``value`` as someone would type it: 3-6 letters from somewhere inside."""
    size = min(len(value), rng.randint(shortest, longest))
    start = rng.randint(0, len(value) - size)
    return value[start : start + size]


def sample_customers(connection: sqlite3.Connection, rng: random.Random, count: int) -> list[Any]:
    total = int(connection.execute("SELECT max(rowid) FROM customers").fetchone()[0])
    rowids = [rng.randint(1, total) for _ in range(count)]
    marks = ",".join("?" * len(rowids))
    return connection.execute(
        "SELECT c.first_name, c.last_name, c.company, c.email, "
        "(SELECT group_concat(digits, ' ') FROM customer_phones WHERE customer_id = c.id) "
        f"FROM customers c WHERE c.rowid IN ({marks})",
        rowids,
    ).fetchall()


def query_for(rng: random.Random, kind: str, row: Sequence[str]) -> str:
    first, last, company, email, phones = row
    if kind == "first":
        return fragment(rng, first, 3, 6).lower()
    if kind == "last":
        return fragment(rng, last, 3, 6).lower()
    if kind == "phone":
        return fragment(rng, rng.choice(phones.split()), 4, 7)
    if kind == "email" and email:
        return fragment(rng, email.split("@")[0], 4, 8)
    if kind == "company" and company:
        words = [w for w in company.split() if len(w) >= 3 and w not in COMPANY_SUFFIXES]
        return fragment(rng, rng.choice(words), 3, 6).lower()
    return f"{first} {fragment(rng, last, 3, 6)}".lower()


def search_queries(connection: sqlite3.Connection, count: int = SEARCH_QUERIES) -> list[str]:
    """Deterministic, varied queries: name parts, phone digits, emails, companies, pairs."""
    rng = random.Random(QUERY_SEED)
    kinds = ["first", "last", "phone", "email", "company", "pair"]
    company_rows = connection.execute(
        "SELECT first_name, last_name, company, email, '' FROM customers "
        "WHERE company != '' LIMIT 500"
    ).fetchall()
    queries: list[str] = []
    for index, row in enumerate(sample_customers(connection, rng, count * 2)):
        if len(queries) == count:
            break
        kind = kinds[index % len(kinds)]
        if kind == "company":
            row = rng.choice(company_rows)
        queries.append(query_for(rng, kind, row))
    return queries


# -- search floor: the service's statements by hand -------------------------------------


def fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def floor_match(query: str) -> tuple[str, list[str]] | None:
    """The FTS MATCH expression and LIKE patterns the customer search builds for ``query``.

    Digits-only input searches the phone column; otherwise every token of three or more
    characters is an FTS phrase and shorter ones are LIKE filters. None for input the FTS
    index cannot serve (no token of three characters).
    """
    cleaned = " ".join(query.split())
    digits = "".join(ch for ch in cleaned if ch.isdigit())
    if not any(ch.isalpha() for ch in cleaned) and len(digits) >= 3:
        return f"phones : {fts_phrase(digits)}", []
    tokens = cleaned.split()
    long_tokens = [t for t in tokens if len(t) >= 3]
    if not long_tokens:
        return None
    likes = ["%" + t.replace("%", "\\%").replace("_", "\\_") + "%" for t in tokens if len(t) < 3]
    return " AND ".join(fts_phrase(t) for t in long_tokens), likes


def floor_search(connection: sqlite3.Connection, query: str, limit: int) -> list[Any]:
    built = floor_match(query)
    if built is None:
        return []
    match, likes = built
    where = "customer_fts MATCH ?"
    for _ in likes:
        where += " AND (name LIKE ? ESCAPE '\\' OR company LIKE ? ESCAPE '\\')"
    params: list[object] = [match, *(p for like in likes for p in (like, like)), limit]
    return connection.execute(
        f"SELECT {SUMMARY_COLUMNS} FROM (SELECT rowid FROM customer_fts WHERE {where} "
        "ORDER BY rowid DESC LIMIT ?) m "
        "JOIN search_keys k ON k.rowid = m.rowid JOIN customers c ON c.id = k.entity_id "
        "ORDER BY m.rowid DESC",
        params,
    ).fetchall()


def customer_search_p95_ms(ctx: BenchContext) -> Measurement:
    with ctx.plain_connection() as connection:
        queries = search_queries(connection)
        floor_samples = measure_each(queries, lambda q: floor_search(connection, q, SEARCH_LIMIT))
    customers = ctx.services.customers
    samples = measure_each(queries, lambda q: customers.search(q, limit=SEARCH_LIMIT))
    return Measurement(p95(samples), p95(floor_samples))


def measure_each(queries: Sequence[str], run: Callable[[str], object]) -> list[float]:
    """Each query's time: the median of ``SEARCH_PASSES`` timed passes over all queries,
    after one untimed pass (a warm cache, as at the counter). The median keeps a query
    that is slow but drops a pause that merely happened to hit it."""
    for query in queries:
        run(query)
    passes = [[elapsed_ms(partial(run, query)) for query in queries] for _ in range(SEARCH_PASSES)]
    return [statistics.median(times) for times in zip(*passes, strict=True)]


# -- the customer list ----------------------------------------------------------------


def floor_page(connection: sqlite3.Connection, offset: int, limit: int = PAGE_SIZE) -> list[Any]:
    return connection.execute(
        f"SELECT {SUMMARY_COLUMNS} FROM customers c ORDER BY c.sort_name, c.id LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()


def customer_list_first_page_ms(ctx: BenchContext) -> Measurement:
    with ctx.plain_connection() as connection:

        def floor() -> None:
            connection.execute("SELECT count(*) FROM customers").fetchone()
            floor_page(connection, 0)

        floor_ms = median_ms(floor)
    customers = ctx.services.customers

    def service() -> None:
        customers.count("")
        customers.page(limit=PAGE_SIZE)

    return Measurement(median_ms(service), floor_ms)


def far_offset(customers: int) -> int:
    """Row 200,000 at full scale; 80 % of the way down smaller lists."""
    return FAR_ROW if customers > FAR_ROW else int(customers * 0.8)


def customer_list_row_200000_ms(ctx: BenchContext) -> Measurement:
    offset = far_offset(ctx.info.customers)
    with ctx.plain_connection() as connection:
        floor_ms = median_ms(lambda: floor_page(connection, offset))
    customers = ctx.services.customers
    return Measurement(median_ms(lambda: customers.page(offset=offset, limit=PAGE_SIZE)), floor_ms)


# -- the app as a user starts it --------------------------------------------------------


def cold_start_to_login_ms(ctx: BenchContext) -> Measurement:
    with gui.app_data_dir(ctx.db_path) as data_dir:
        value = gui.median_start_ms(gui.app_command(data_dir), gui.app_env())
    floor = gui.median_start_ms(gui.import_qt_command(), gui.app_env())
    return Measurement(value, floor)


def peak_memory_customer_list_mb(ctx: BenchContext) -> Measurement:
    with gui.app_data_dir(ctx.db_path) as data_dir:
        # A first start makes the day's backup, so that the measured run is the list alone.
        gui.run_once_ms(gui.app_command(data_dir), gui.app_env())
        env = gui.app_env(
            BENCHSIDE_BENCH_LOGIN=f"{OWNER_USERNAME}:{OWNER_PASSWORD}",
            BENCHSIDE_OPEN_SCREEN="customers",
        )
        return Measurement(gui.peak_rss_mb(gui.app_command(data_dir), env), None)


# -- documents ----------------------------------------------------------------------


def sample_claim() -> Any:
    """A claim receipt as long as a busy counter writes them, with a logo."""
    from datetime import UTC, datetime, timedelta

    from desktop.sample_documents import sample_seller
    from desktop.services.documents.tickets import ClaimReceipt
    from desktop.services.setup import DEFAULT_TICKET_TERMS

    received = datetime(2024, 6, 11, 13, 5, tzinfo=UTC)
    return ClaimReceipt(
        shop=sample_seller(),
        ticket_number="T-A-10001",
        created_at=received,
        customer_name="Zoë Müller",
        customer_phone="+1 555 201 4432",
        device="Apple iPhone 13",
        serial="F17GH2KLQ1",
        imei="356938035643809",
        problem="Dropped on concrete: the screen is cracked and touch fails at the bottom. " * 3,
        accessories=("Case", "Charger"),
        condition=("Powers on: yes", "Screen cracked: yes", "Water damage: no"),
        estimate_total=18_900,
        currency="USD",
        locale="en_US",
        promised_at=received + timedelta(days=2),
        technician="Tom Technician",
        terms=DEFAULT_TICKET_TERMS,
    )


def claim_receipt_pdf_ms(ctx: BenchContext) -> Measurement:
    from desktop.services.documents.paper import Paper
    from desktop.services.documents.tickets import claim_receipt_pdf

    claim = sample_claim()
    return Measurement(median_ms(lambda: claim_receipt_pdf(claim, Paper.A4)), None)


def claim_receipt_escpos_ms(ctx: BenchContext) -> Measurement:
    from desktop.services.documents.paper import ThermalWidth
    from desktop.services.documents.tickets import claim_receipt_escpos

    claim = sample_claim()
    return Measurement(median_ms(lambda: claim_receipt_escpos(claim, ThermalWidth.MM80)), None)


SCENARIOS: dict[str, Callable[[BenchContext], Measurement]] = {
    "customer_search_p95_ms": customer_search_p95_ms,
    "customer_list_first_page_ms": customer_list_first_page_ms,
    "customer_list_row_200000_ms": customer_list_row_200000_ms,
    "cold_start_to_login_ms": cold_start_to_login_ms,
    "peak_memory_customer_list_mb": peak_memory_customer_list_mb,
    "claim_receipt_pdf_ms": claim_receipt_pdf_ms,
    "claim_receipt_escpos_ms": claim_receipt_escpos_ms,
}

# Scenarios of later screens live in their own modules and join the list here.
from benchmarks import ticket_scenarios  # noqa: E402

SCENARIOS.update(ticket_scenarios.SCENARIOS)

from benchmarks import inventory_scenarios  # noqa: E402

SCENARIOS.update(inventory_scenarios.SCENARIOS)

from benchmarks import inventory_gui_scenarios  # noqa: E402

SCENARIOS.update(inventory_gui_scenarios.SCENARIOS)

from benchmarks import sales_scenarios  # noqa: E402

SCENARIOS.update(sales_scenarios.SCENARIOS)

from benchmarks import sales_document_scenarios  # noqa: E402

SCENARIOS.update(sales_document_scenarios.SCENARIOS)

from benchmarks import invoice_scenarios  # noqa: E402

SCENARIOS.update(invoice_scenarios.SCENARIOS)

from benchmarks import report_scenarios  # noqa: E402

SCENARIOS.update(report_scenarios.SCENARIOS)
