from __future__ import annotations

import threading
import uuid
from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import select

from desktop.models import PurchaseOrder, StockMovement
from desktop.services.container import Services
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.items import ItemInput
from desktop.services.message_sender import MessageSender
from desktop.services.printing import DocumentKind, PrintTarget, TargetType
from desktop.services.purchasing import (
    DraftRequest,
    LineInput,
    LineReceipt,
    OrderInput,
    OverReceipt,
)
from desktop.services.stock import LotInput
from desktop.services.suppliers import SupplierInput
from tests.messaging_servers import SmsGateway, SmtpServer, local_config
from tests.unit.conftest import OWNER_PASSWORD, add_staff, sign_in_as


def _supplier(shop: Services, name: str = "Parts Direct") -> uuid.UUID:
    return shop.suppliers.create(SupplierInput(name, email="orders@parts.example")).id


def _item(shop: Services, name: str = "iPhone 12 screen", **fields: object) -> uuid.UUID:
    return shop.items.create(ItemInput(name, **fields)).item.id  # type: ignore[arg-type]


def _ordered(shop: Services, supplier: uuid.UUID, *lines: LineInput) -> uuid.UUID:
    draft = shop.purchasing.create_draft(OrderInput(supplier), lines)
    return shop.purchasing.mark_ordered(draft.id).id


def test_a_draft_takes_the_supplier_cost_and_part_number_by_default(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop, cost_price=1200)
    battery = _item(shop, "iPhone 12 battery", cost_price=700)
    shop.suppliers.link_item(supplier, screen, "PD-SCR-12", 1100)
    draft = shop.purchasing.create_draft(
        OrderInput(supplier, expected_on=date(2030, 5, 1), notes="Deliver to the back door"),
        [LineInput(screen, 3), LineInput(battery, 2), LineInput(screen, 1, 999, "OTHER")],
    )
    assert draft.number == "PO-A-000001" and draft.status == "draft"
    assert [(line.supplier_sku, line.quantity, line.unit_cost) for line in draft.lines] == [
        ("PD-SCR-12", 3, 1100),
        ("", 2, 700),
        ("OTHER", 1, 999),
    ]
    assert draft.total == 3 * 1100 + 2 * 700 + 999
    assert draft.location_name == "Store" and draft.expected_on == date(2030, 5, 1)
    assert shop.purchasing.create_draft(OrderInput(supplier)).number == "PO-A-000002"


def test_draft_lines_are_added_changed_and_removed_and_only_drafts_change(shop: Services) -> None:
    supplier = _supplier(shop)
    screen, battery = _item(shop, cost_price=1000), _item(shop, "Battery", cost_price=500)
    order = shop.purchasing.create_draft(OrderInput(supplier))
    order = shop.purchasing.add_line(order.id, LineInput(screen, 2))
    order = shop.purchasing.add_line(order.id, LineInput(screen, 1))  # the same item: one line
    order = shop.purchasing.add_line(order.id, LineInput(battery, 4))
    assert [(line.item_name, line.quantity) for line in order.lines] == [
        ("iPhone 12 screen", 3),
        ("Battery", 4),
    ]
    first = order.lines[0]
    order = shop.purchasing.change_line(order.id, first.id, 5, 950, "SCR")
    assert (order.lines[0].quantity, order.lines[0].unit_cost, order.lines[0].supplier_sku) == (
        5,
        950,
        "SCR",
    )
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.change_line(order.id, first.id, 0, -5, "x" * 100)
    assert set(refused.value.errors) == {"quantity", "unit_cost", "supplier_sku"}
    order = shop.purchasing.remove_line(order.id, order.lines[1].id)
    assert [line.item_name for line in order.lines] == ["iPhone 12 screen"]
    shop.purchasing.mark_ordered(order.id)
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.add_line(order.id, LineInput(battery, 1))
    assert "only drafts" in refused.value.errors["status"]
    with pytest.raises(NotFound):
        shop.purchasing.remove_line(uuid.uuid4(), first.id)


def test_a_bad_line_refuses_the_whole_draft(shop: Services) -> None:
    supplier = _supplier(shop)
    labour = _item(shop, "Screen fitting", kind="service")
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.create_draft(
            OrderInput(supplier, notes="n" * 6000),
            [LineInput(_item(shop), 0), LineInput(labour, 1)],
        )
    assert set(refused.value.errors) == {"notes"}
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.create_draft(
            OrderInput(supplier), [LineInput(_item(shop, "Glass"), 2_000_000), LineInput(labour, 1)]
        )
    assert set(refused.value.errors) == {"lines.0.quantity", "lines.1.item"}
    assert shop.purchasing.list() == []


def test_ordering_needs_lines_and_cancelling_needs_nothing_received(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop)
    empty = shop.purchasing.create_draft(OrderInput(supplier))
    with pytest.raises(ValidationError):
        shop.purchasing.mark_ordered(empty.id)
    assert shop.purchasing.cancel(empty.id).status == "cancelled"
    order = _ordered(shop, supplier, LineInput(screen, 4, 1000))
    detail = shop.purchasing.get(order)
    assert detail.status == "ordered" and detail.ordered_at is not None
    line = detail.lines[0].id
    shop.purchasing.receive(order, [LineReceipt(line, 1)])
    with pytest.raises(ValidationError):
        shop.purchasing.cancel(order)
    closed = shop.purchasing.close(order)
    assert closed.status == "closed"
    with pytest.raises(ValidationError):
        shop.purchasing.receive(order, [LineReceipt(line, 1)])
    assert [o.status for o in shop.purchasing.list()] == ["closed", "cancelled"]
    assert [o.number for o in shop.purchasing.list(status="closed")] == [closed.number]


def test_receiving_posts_movements_and_moves_the_status(shop: Services) -> None:
    supplier = _supplier(shop)
    screen, battery = _item(shop), _item(shop, "Battery")
    order = _ordered(shop, supplier, LineInput(screen, 5, 1000), LineInput(battery, 2, 400))
    lines = shop.purchasing.get(order).lines
    after = shop.purchasing.receive(order, [LineReceipt(lines[0].id, 3)])
    assert after.status == "partial"
    assert [(line.received, line.outstanding) for line in after.lines] == [(3, 2), (0, 2)]
    assert shop.stock.on_hand(screen) == 3
    assert shop.stock.levels(screen)[0].average_cost == 1000
    [movement] = shop.stock.movements(screen)
    assert (movement.kind, movement.reference_kind, movement.reference_id) == (
        "receive",
        "purchase_order_line",
        lines[0].id,
    )
    after = shop.purchasing.receive(
        order, [LineReceipt(lines[0].id, 2), LineReceipt(lines[1].id, 2)]
    )
    assert after.status == "received"
    assert shop.stock.on_hand(battery) == 2


def test_two_stations_receiving_at_once_both_count(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop)
    order = _ordered(shop, supplier, LineInput(screen, 10, 1000))
    line = shop.purchasing.get(order).lines[0].id
    other = Services.open(shop.path)
    try:
        other.accounts.login("owner", OWNER_PASSWORD)
        start = threading.Barrier(2)
        failures: list[BaseException] = []

        def receive(services: Services) -> None:
            start.wait()
            try:
                services.purchasing.receive(order, [LineReceipt(line, 3)])
            except BaseException as error:  # reported below
                failures.append(error)

        threads = [threading.Thread(target=receive, args=(s,)) for s in (shop, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
    finally:
        other.close()
    detail = shop.purchasing.get(order)
    assert (detail.lines[0].received, detail.status) == (6, "partial")
    assert shop.stock.on_hand(screen) == 6


def test_receiving_more_than_ordered_needs_a_reason_and_is_audited(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop)
    order = _ordered(shop, supplier, LineInput(screen, 2, 1000))
    line = shop.purchasing.get(order).lines[0].id
    with pytest.raises(OverReceipt) as refused:
        shop.purchasing.receive(order, [LineReceipt(line, 3)])
    assert refused.value.line_ids == (line,)
    assert "3 received of 2 ordered" in refused.value.errors[f"lines.{line}"]
    assert shop.stock.on_hand(screen) == 0
    after = shop.purchasing.receive(order, [LineReceipt(line, 3)], "Supplier sent a spare")
    assert (after.status, after.lines[0].received, after.lines[0].outstanding) == ("received", 3, 0)
    entry = shop.audit.recent(action="purchase_over_received")[0]
    assert entry.details["reason"] == "Supplier sent a spare"
    assert entry.details["lines"][str(line)]["received"] == 3


def test_an_invoiced_cost_updates_the_item_and_line_and_is_audited(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop, cost_price=1000)
    shop.suppliers.link_item(supplier, screen, "PD-1", 1000)
    order = _ordered(shop, supplier, LineInput(screen, 4))
    line = shop.purchasing.get(order).lines[0].id
    after = shop.purchasing.receive(order, [LineReceipt(line, 4, unit_cost=1150)])
    assert after.lines[0].unit_cost == 1150
    assert shop.items.get(screen).cost_price == 1150
    assert shop.suppliers.suppliers_of(screen)[0].cost_price == 1150
    assert shop.stock.levels(screen)[0].average_cost == 1150
    entry = shop.audit.recent(action="item_price_changed")[0]
    assert entry.details["before"] == {"cost_price": 1000}
    assert entry.details["after"] == {"cost_price": 1150}
    assert entry.details["purchase_order"] == after.number


def test_lots_and_serials_are_required_where_the_item_tracks_them(shop: Services) -> None:
    supplier = _supplier(shop)
    glue = _item(shop, "B-7000 glue", track_expiry=True)
    phone = _item(shop, "Refurbished iPhone 11", serialized=True)
    order = _ordered(shop, supplier, LineInput(glue, 10, 300), LineInput(phone, 2, 20000))
    glue_line, phone_line = (line.id for line in shop.purchasing.get(order).lines)
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.receive(
            order, [LineReceipt(glue_line, 10), LineReceipt(phone_line, 2, serials=["SN1"])]
        )
    assert set(refused.value.errors) == {
        f"lines.{glue_line}.expires_on",
        f"lines.{phone_line}.serials",
    }
    after = shop.purchasing.receive(
        order,
        [
            LineReceipt(glue_line, 10, lot=LotInput("L42", date(2031, 1, 31))),
            LineReceipt(phone_line, 2, serials=["SN1", "SN2"]),
        ],
    )
    assert after.status == "received"
    assert shop.stock.serials_in_stock(phone) == ["SN1", "SN2"]
    [lot] = shop.stock.expiring(3650, today=date(2030, 1, 1))
    assert (lot.code, lot.on_hand) == ("L42", 10)


def test_a_bad_line_rolls_back_the_whole_receipt(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop)
    phone = _item(shop, "Refurbished iPhone 11", serialized=True)
    order = _ordered(shop, supplier, LineInput(screen, 5, 1000), LineInput(phone, 1, 20000))
    screen_line, phone_line = (line.id for line in shop.purchasing.get(order).lines)
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.receive(
            order, [LineReceipt(screen_line, 5, unit_cost=900), LineReceipt(phone_line, 1)]
        )
    assert set(refused.value.errors) == {f"lines.{phone_line}.serials"}
    detail = shop.purchasing.get(order)
    assert detail.status == "ordered"
    assert [(line.received, line.unit_cost) for line in detail.lines] == [(0, 1000), (0, 20000)]
    assert shop.stock.on_hand(screen) == 0
    assert shop.items.get(screen).cost_price == 0
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.receive(order, [LineReceipt(screen_line, 0, unit_cost=-1)])
    assert set(refused.value.errors) == {
        f"lines.{screen_line}.quantity",
        f"lines.{screen_line}.unit_cost",
    }


def test_a_scan_receives_one_unit_of_the_matching_line(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop, barcodes=["4006381333931"])
    battery = _item(shop, "Battery", barcodes=["036000291452"])
    order = _ordered(shop, supplier, LineInput(screen, 1, 1000))
    scanned = shop.purchasing.receive_scan(order, "4006381333931")
    assert scanned.order.line(scanned.line_id).received == 1
    assert scanned.order.status == "received"
    with pytest.raises(OverReceipt):
        shop.purchasing.receive_scan(order, "4006381333931")
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.receive_scan(order, "036000291452")
    assert refused.value.errors == {"code": "“Battery” is not on this order."}
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.receive_scan(order, "NO-SUCH-CODE")
    assert "No item has the code" in refused.value.errors["code"]
    assert shop.stock.on_hand(battery) == 0


def test_supplier_returns_are_limited_to_what_was_received(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop)
    phone = _item(shop, "Refurbished iPhone 11", serialized=True)
    order = _ordered(shop, supplier, LineInput(screen, 5, 1000), LineInput(phone, 2, 20000))
    screen_line, phone_line = (line.id for line in shop.purchasing.get(order).lines)
    shop.purchasing.receive(
        order, [LineReceipt(screen_line, 3), LineReceipt(phone_line, 2, serials=["A1", "A2"])]
    )
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.return_to_supplier(order, screen_line, 4, "")
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.return_to_supplier(order, screen_line, 4, "Dead pixels")
    assert "Only 3 unit(s)" in refused.value.errors["quantity"]
    after = shop.purchasing.return_to_supplier(order, screen_line, 2, "Dead pixels")
    assert (after.lines[0].received, after.lines[0].returned, after.lines[0].returnable) == (
        3,
        2,
        1,
    )
    assert after.lines[0].outstanding == 2  # a return does not make the rest come
    assert shop.stock.on_hand(screen) == 1
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.return_to_supplier(order, phone_line, 1, "Faulty", ["ZZ9"])
    assert "was not received on this order" in refused.value.errors["serials"]
    shop.purchasing.return_to_supplier(order, phone_line, 1, "Faulty", ["A2"])
    assert shop.stock.serials_in_stock(phone) == ["A1"]
    kinds = [m.kind for m in shop.stock.movements(phone)]
    assert kinds.count("supplier_return") == 1
    assert shop.audit.recent(action="supplier_return")[0].details["serials"] == ["A2"]


def test_suggestions_net_open_orders_and_group_by_preferred_supplier(shop: Services) -> None:
    alpha, beta = _supplier(shop, "Alpha"), _supplier(shop, "Beta")
    screen = _item(shop, "Screen", reorder_level=5, reorder_quantity=10, cost_price=1000)
    battery = _item(shop, "Battery", reorder_level=4, reorder_quantity=2, cost_price=400)
    glass = _item(shop, "Glass", reorder_level=3, reorder_quantity=6)
    _item(shop, "Plenty", reorder_level=2, reorder_quantity=5)
    _item(shop, "Never reordered")
    shop.stock.receive(screen, 2, 1000)
    for supplier in (alpha, beta):
        shop.suppliers.link_item(supplier, screen, f"{supplier}"[:8], 900)
    shop.suppliers.link_item(beta, screen, "B-SCR", 950, preferred=True)
    shop.suppliers.link_item(alpha, battery, "A-BAT", None)
    plenty_id = shop.items.search("Plenty")[0].id
    shop.stock.receive(plenty_id, 9, 100)

    groups = shop.purchasing.suggestions()
    assert [(g.supplier_name, [s.item_name for s in g.lines]) for g in groups] == [
        ("Alpha", ["Battery"]),
        ("Beta", ["Screen"]),
        ("", ["Glass"]),
    ]
    battery_tip = groups[0].lines[0]
    # 0 on hand, level 4: the reorder quantity of 2 would not lift it above the level.
    assert (battery_tip.quantity, battery_tip.unit_cost, battery_tip.supplier_sku) == (
        5,
        400,
        "A-BAT",
    )
    screen_tip = groups[1].lines[0]
    assert (screen_tip.on_hand, screen_tip.quantity, screen_tip.unit_cost) == (2, 10, 950)

    # 2 screens on a sent order: 2 + 2 is still under the level; 4 more lift it above.
    _ordered(shop, beta, LineInput(screen, 2))
    [tip] = [s for g in shop.purchasing.suggestions() for s in g.lines if s.item_id == screen]
    assert (tip.on_order, tip.quantity) == (2, 10)
    _ordered(shop, beta, LineInput(screen, 4))
    assert screen not in {s.item_id for g in shop.purchasing.suggestions() for s in g.lines}
    shop.purchasing.create_draft(OrderInput(alpha), [LineInput(glass, 50)])  # drafts do not count
    assert glass in {s.item_id for g in shop.purchasing.suggestions() for s in g.lines}


def test_drafts_from_suggestions_make_one_draft_per_supplier_or_none(shop: Services) -> None:
    alpha, beta = _supplier(shop, "Alpha"), _supplier(shop, "Beta")
    screen = _item(shop, "Screen", reorder_level=5, reorder_quantity=10, cost_price=1000)
    battery = _item(shop, "Battery", reorder_level=4, reorder_quantity=5)
    cable = _item(shop, "Cable", reorder_level=4, reorder_quantity=5)
    shop.suppliers.link_item(alpha, screen, "A-SCR", 880)
    shop.suppliers.link_item(alpha, battery)
    shop.suppliers.link_item(beta, cable)
    requests = [
        DraftRequest(alpha, screen, 10),
        DraftRequest(alpha, battery, 5),
        DraftRequest(beta, cable, 0),
    ]
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.drafts_from_suggestions(requests)
    assert set(refused.value.errors) == {f"lines.{cable}.quantity"}
    assert shop.purchasing.list() == []
    requests[2] = DraftRequest(beta, cable, 6)
    drafts = shop.purchasing.drafts_from_suggestions(requests)
    assert [(d.supplier_name, [(x.item_name, x.quantity) for x in d.lines]) for d in drafts] == [
        ("Alpha", [("Screen", 10), ("Battery", 5)]),
        ("Beta", [("Cable", 6)]),
    ]
    assert drafts[0].lines[0].unit_cost == 880 and drafts[0].lines[0].supplier_sku == "A-SCR"
    assert {d.status for d in drafts} == {"draft"}
    with pytest.raises(ValidationError):
        shop.purchasing.drafts_from_suggestions([])


def test_ordering_is_for_managers_and_receiving_for_everyone(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop, cost_price=1000)
    order = _ordered(shop, supplier, LineInput(screen, 3, 1000))
    line = shop.purchasing.get(order).lines[0].id
    add_staff(shop, "fran", "front_desk")
    sign_in_as(shop, "fran")
    with pytest.raises(PermissionDenied):
        shop.purchasing.create_draft(OrderInput(supplier))
    with pytest.raises(PermissionDenied):
        shop.purchasing.drafts_from_suggestions([DraftRequest(supplier, screen, 1)])
    with pytest.raises(PermissionDenied):
        shop.purchasing.cancel(order)
    with pytest.raises(PermissionDenied):  # a new cost is a price change
        shop.purchasing.receive(order, [LineReceipt(line, 1, unit_cost=1300)])
    assert shop.purchasing.receive(order, [LineReceipt(line, 1)]).status == "partial"
    with pytest.raises(PermissionDenied):
        shop.purchasing.return_to_supplier(order, line, 1, "Broken")


def test_movements_of_a_receipt_reference_the_line_in_the_ledger(shop: Services) -> None:
    supplier = _supplier(shop)
    screen = _item(shop)
    order = _ordered(shop, supplier, LineInput(screen, 3, 1000))
    line = shop.purchasing.get(order).lines[0].id
    shop.purchasing.receive(order, [LineReceipt(line, 1), LineReceipt(line, 2)])
    with shop.ctx.uow() as tx:
        rows = tx.session.scalars(
            select(StockMovement.quantity).where(StockMovement.reference_id == line)
        ).all()
        status = tx.session.scalar(select(PurchaseOrder.status).where(PurchaseOrder.id == order))
    assert sorted(rows) == [1, 2] and status == "received"


def test_the_order_pdf_follows_the_station_paper_and_reads_back(shop: Services) -> None:
    supplier = _supplier(shop)
    order = _ordered(shop, supplier, LineInput(_item(shop), 2, 1000))
    job = shop.printing.purchase_order_job(order)
    assert (job.kind, job.paper, job.stem) == (
        DocumentKind.PURCHASE_ORDER,
        "a4",
        "purchase-order-PO-A-000001",
    )
    shop.printing.set_target(
        DocumentKind.PURCHASE_ORDER, PrintTarget(TargetType.SYSTEM, paper="letter")
    )
    letter = shop.printing.purchase_order_job(order)
    assert letter.paper == "letter"
    assert _barcodes(letter.pdf) == ["PO-A-000001"]
    with pytest.raises(NotFound):
        shop.printing.purchase_order_job(uuid.uuid4())


def test_an_order_is_emailed_to_the_supplier_through_the_outbox(
    shop: Services, smtp: SmtpServer, gateway: SmsGateway
) -> None:
    shop.messages.save_settings(local_config(smtp, gateway))
    supplier = _supplier(shop)
    order = _ordered(shop, supplier, LineInput(_item(shop), 2, 1000))
    assert shop.purchasing.email(order, note="Deliver before Friday, please.") == (
        "orders@parts.example"
    )
    shop.purchasing.email(order, to="Backup@Parts.example")
    assert MessageSender(shop.ctx).send_due().sent == 2
    first, second = smtp.inbox
    assert first.rcpt_tos == ["orders@parts.example"]
    assert second.rcpt_tos == ["backup@parts.example"]
    assert first.message["Subject"] == "Purchase order PO-A-000001 from Fix-It Corner"
    assert "Deliver before Friday" in first.message.get_body().get_content()
    [attachment] = list(first.message.iter_attachments())
    assert attachment.get_filename() == "PO-A-000001.pdf"
    assert _barcodes(attachment.get_content()) == ["PO-A-000001"]
    assert [m.status for m in shop.messages.for_subject("purchase_order", order)] == [
        "sent",
        "sent",
    ]
    silent = shop.suppliers.create(SupplierInput("No Mail Ltd")).id
    quiet_order = _ordered(shop, silent, LineInput(_item(shop, "Glass"), 1, 100))
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.email(quiet_order)
    assert set(refused.value.errors) == {"to"}
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.email(quiet_order, to="not-an-address")
    assert set(refused.value.errors) == {"to"}


def _barcodes(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        picture = document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(picture)]
