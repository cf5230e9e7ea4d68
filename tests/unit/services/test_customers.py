from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from desktop.models import OutboxEntry
from desktop.services.container import Services
from desktop.services.customers import CustomerInput, DuplicateCustomer, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.ticket_types import TicketInput
from tests.unit.conftest import add_staff, sign_in_as


def jane(**overrides: object) -> CustomerInput:
    values: dict[str, object] = {
        "first_name": "Jane",
        "last_name": "Doe",
        "company": "Acme Fixers",
        "phones": [PhoneInput("+1 (555) 201-3344", "mobile")],
        "email": "Jane.Doe@Example.com",
        "tags": ["VIP", " vip ", "Corporate"],
    }
    values.update(overrides)
    return CustomerInput(**values)  # type: ignore[arg-type]


def test_create_cleans_and_normalises_fields(shop: Services) -> None:
    created = shop.customers.create(jane(first_name="  Ja\x07ne\n"))
    assert created.first_name == "Ja ne"
    assert created.email == "jane.doe@example.com"
    assert created.tags == ("corporate", "vip")
    assert created.phones[0].number == "+1 (555) 201-3344"
    assert shop.customers.get(created.id) == created


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": "x" * 5000}, "first_name"),
        ({"phones": [PhoneInput("call me maybe")]}, "phone_0"),
        ({"email": "jane.example.com"}, "email"),
        ({"birth_date": date.today() + timedelta(days=1)}, "birth_date"),
        ({"first_name": "", "last_name": "", "company": ""}, "last_name"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    shop: Services, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        shop.customers.create(jane(**overrides))
    assert field in error.value.errors
    assert shop.customers.count() == 0


def test_search_finds_name_part_phone_digits_email_and_company(shop: Services) -> None:
    created = shop.customers.create(jane())
    shop.customers.create(
        CustomerInput(first_name="Bob", last_name="Stone", phones=[PhoneInput("017 1122 3344")])
    )
    for query in ["ane", "jane do", "201-33", "5552013", "(555) 201", "example.com", "acme fix"]:
        found = shop.customers.search(query)
        assert [c.id for c in found] == [created.id], query
    assert [c.name for c in shop.customers.search("1122")] == ["Bob Stone"]
    assert shop.customers.search("nobody-like-this") == []
    assert [c.name for c in shop.customers.search("st")] == ["Bob Stone"]


def test_search_survives_fts_syntax_in_the_query(shop: Services) -> None:
    shop.customers.create(jane())
    for query in ['"', "AND OR NOT", "jane*", "a:b", "(", "x" * 10_000]:
        shop.customers.search(query)


def test_duplicate_phone_or_email_is_offered(shop: Services) -> None:
    first = shop.customers.create(jane())
    with pytest.raises(DuplicateCustomer) as dup:
        shop.customers.create(CustomerInput(last_name="Other", phones=[PhoneInput("555-201-3344")]))
    assert [m.id for m in dup.value.matches] == [first.id]
    with pytest.raises(DuplicateCustomer):
        shop.customers.create(CustomerInput(last_name="Other", email="JANE.DOE@example.com"))
    shop.customers.create(
        CustomerInput(last_name="Other", phones=[PhoneInput("5552013344")]), allow_duplicate=True
    )
    assert shop.customers.count() == 2


def test_list_pages_by_keyset_and_offset_agree(shop: Services) -> None:
    for index in range(25):
        shop.customers.create(CustomerInput(first_name=f"P{index:02d}", last_name="Person"))
    shop.customers.create(CustomerInput(last_name="Aardvark"))
    whole = shop.customers.page(limit=100)
    assert whole[0].name == "Aardvark"
    first = shop.customers.page(limit=10)
    second = shop.customers.page(after=(first[-1].sort_name, first[-1].id), limit=10)
    jumped = shop.customers.page(offset=10, limit=10)
    assert second == jumped == whole[10:20]
    assert shop.customers.count() == 26
    assert shop.customers.count("person") == 25
    assert len(shop.customers.page("person", limit=100)) == 25


def _outbox(services: Services, after: int = 0) -> list[OutboxEntry]:
    with services.ctx.uow() as tx:
        entries = list(
            tx.session.scalars(
                select(OutboxEntry).where(OutboxEntry.seq > after).order_by(OutboxEntry.seq)
            )
        )
        tx.session.expunge_all()
        return entries


def _last_seq(services: Services) -> int:
    entries = _outbox(services)
    return entries[-1].seq if entries else 0


def test_create_edit_delete_write_exactly_the_expected_outbox_entries(shop: Services) -> None:
    start = _last_seq(shop)
    created = shop.customers.create(jane(tags=[]))
    entries = _outbox(shop, start)
    assert [(e.table_name, e.op) for e in entries] == [
        ("customers", "insert"),
        ("customer_phones", "insert"),
    ]
    assert len({e.txn_id for e in entries}) == 1
    inserted = json.loads(entries[0].fields)
    assert inserted["first_name"] == "Jane"
    assert inserted["id"] == str(created.id)
    assert entries[0].user_id == shop.ctx.actor.user_id  # type: ignore[union-attr]
    assert entries[0].station_code == "A"

    start = _last_seq(shop)
    shop.customers.update(created.id, jane(first_name="Janet", tags=[]))
    entries = _outbox(shop, start)
    assert [(e.table_name, e.op) for e in entries] == [("customers", "update")]
    assert set(json.loads(entries[0].fields)) == {"first_name", "sort_name", "updated_at"}

    start = _last_seq(shop)
    shop.customers.delete(created.id)
    entries = _outbox(shop, start)
    assert sorted((e.table_name, e.op) for e in entries) == [
        ("audit_events", "insert"),
        ("customer_phones", "delete"),
        ("customers", "delete"),
    ]
    with shop.ctx.uow() as tx:
        tombstones = tx.session.execute(text("SELECT table_name FROM sync_tombstones")).all()
    assert sorted(t[0] for t in tombstones) == ["customer_phones", "customers"]
    hlcs = [e.hlc for e in _outbox(shop)]
    assert hlcs == sorted(hlcs)


def test_rolled_back_transaction_writes_no_outbox_entry(shop: Services) -> None:
    start = _last_seq(shop)
    with pytest.raises(RuntimeError), shop.ctx.uow() as tx:
        from desktop.models import Customer

        tx.session.add(Customer(first_name="Ghost", sort_name="ghost"))
        tx.session.flush()
        assert _count_outbox_in(tx.session) > start
        raise RuntimeError("power cut")
    assert _outbox(shop, start) == []
    assert shop.customers.count() == 0


def _count_outbox_in(session: object) -> int:
    return int(session.execute(text("SELECT max(seq) FROM sync_outbox")).scalar())  # type: ignore[attr-defined]


def test_merge_moves_devices_and_phones_then_deletes_the_other(shop: Services) -> None:
    keep = shop.customers.create(CustomerInput(first_name="Ann", last_name="Lee"))
    other = shop.customers.create(
        CustomerInput(
            first_name="Annie",
            last_name="Lee",
            email="ann@example.com",
            phones=[PhoneInput("0171 555 0001")],
            tags=["repeat"],
            notes="Prefers SMS",
        )
    )
    device = shop.devices.save(DeviceInput(other.id, "Phone", "Apple", "iPhone 13"))
    result = shop.customers.merge(keep.id, other.id)
    assert result.kept.email == "ann@example.com"
    assert result.kept.phones[0].number == "0171 555 0001"
    assert result.kept.tags == ("repeat",)
    assert "Prefers SMS" in result.kept.notes
    assert result.kept.device_count == 1
    assert shop.devices.get(device.id).customer_id == keep.id
    with pytest.raises(NotFound):
        shop.customers.get(other.id)
    assert [c.id for c in shop.customers.search("0171555")] == [keep.id]


def test_merge_takes_the_tickets_along_and_delete_refuses_a_customer_with_history(
    shop: Services,
) -> None:
    keep = shop.customers.create(CustomerInput(first_name="Ann", last_name="Lee"))
    other = shop.customers.create(CustomerInput(first_name="Annie", last_name="Lee"))
    ticket = shop.tickets.create(TicketInput(other.id, problem="Cracked screen"))
    with pytest.raises(ValidationError, match="tickets or sales"):
        shop.customers.delete(other.id)
    assert shop.customers.get(other.id).first_name == "Annie"
    shop.customers.merge(keep.id, other.id)
    assert shop.tickets.get(ticket.id).customer_id == keep.id
    with pytest.raises(NotFound):
        shop.customers.get(other.id)
    with shop.ctx.engine.connect() as connection:
        moved = connection.execute(
            select(OutboxEntry.row_id).where(
                OutboxEntry.table_name == "tickets", OutboxEntry.op == "update"
            )
        ).scalars()
        assert ticket.id in set(moved)


def test_a_customer_with_store_credit_is_neither_merged_nor_deleted(shop: Services) -> None:
    keep = shop.customers.create(CustomerInput(first_name="Ann", last_name="Lee"))
    other = shop.customers.create(CustomerInput(first_name="Annie", last_name="Lee"))
    shop.invoices.issue_store_credit(other.id, 500, "Goodwill")
    with pytest.raises(ValidationError, match="store credit"):
        shop.customers.merge(keep.id, other.id)
    with pytest.raises(ValidationError, match="store credit"):
        shop.customers.delete(other.id)
    assert shop.sales.store_credit(other.id) == 500


def test_merge_needs_a_manager(shop: Services) -> None:
    a = shop.customers.create(CustomerInput(last_name="One"))
    b = shop.customers.create(CustomerInput(last_name="Two"))
    add_staff(shop, "fred", "front_desk")
    sign_in_as(shop, "fred")
    with pytest.raises(PermissionDenied):
        shop.customers.merge(a.id, b.id)
    with pytest.raises(PermissionDenied):
        shop.customers.delete(a.id)


def test_signed_out_user_cannot_create(shop: Services) -> None:
    shop.accounts.logout()
    with pytest.raises(PermissionDenied):
        shop.customers.create(jane())
