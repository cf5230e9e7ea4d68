from __future__ import annotations

import codecs
import csv
import io
import json
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from desktop.models import ItemSupplier, OutboxEntry, StockMovement, Supplier
from desktop.services.container import Services
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.item_import import ImportOptions, rejected_rows_csv, suggested_mapping
from desktop.services.items import ItemInput
from desktop.services.spreadsheets import MAX_ROWS, read_table
from tests.unit.conftest import add_staff, sign_in_as

HEADER = ["Name", "SKU", "EAN", "Category", "Cost", "Price", "Qty", "Supplier", "Supplier SKU"]


def _csv(path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_headers_suggest_a_mapping() -> None:
    assert suggested_mapping([*HEADER, "Barcode 2", "Notes"]) == (
        "name",
        "sku",
        "barcodes",
        "category",
        "cost_price",
        "sell_price",
        "opening_stock",
        "supplier_name",
        "supplier_sku",
        "barcodes",
        "",
    )


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ";")],
)
def test_csv_files_are_read_in_any_common_encoding_and_delimiter(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = _csv(
        tmp_path / "items.csv",
        [["Name", "Price"], ["Écran iPhone 12", "89,50"], ["Café “Deluxe”", "3"]],
        delimiter,
        encoding,
    )
    table = read_table(path)
    assert table.headers == ("Name", "Price")
    assert table.rows == (("Écran iPhone 12", "89,50"), ("Café “Deluxe”", "3"))
    assert table.delimiter == delimiter


def test_import_creates_items_barcodes_suppliers_and_opening_stock_in_one_go(
    shop: Services, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "items.csv",
        [
            HEADER,
            ["iPhone 12 screen", "scr-12", "4006381333931", "Screens", "20.00", "89.50", "5",
             "Parts Co", "PC-1"],
            ["Galaxy battery", "", "5901234123457", "Batteries", "7", "25", "", "parts co", "PC-2"],
        ],
    )  # fmt: skip
    table = read_table(path)
    mapping = suggested_mapping(table.headers)
    preview = shop.item_import.preview(table, mapping)
    assert [(r.line, r.action, r.sku) for r in preview] == [
        (2, "create", "SCR-12"),
        (3, "create", ""),
    ]
    report = shop.item_import.import_items(table, mapping)
    assert (report.created, report.updated, report.skipped, report.rejected) == (2, 0, 0, ())
    screen = shop.items.find_by_barcode("4006381333931")
    battery = shop.items.find_by_barcode("5901234123457")
    assert screen is not None and battery is not None
    assert (screen.sku, screen.cost_price, screen.sell_price) == ("SCR-12", 2000, 8950)
    assert battery.sku == "ITM-A-000001"
    assert shop.stock.on_hand(screen.id) == 5
    assert shop.stock.levels(screen.id)[0].average_cost == 2000
    assert [m.reason for m in shop.stock.movements(screen.id)] == ["Opening stock"]
    assert [i.id for i in shop.items.search("iphone")] == [screen.id]
    assert report.changes.items == frozenset({screen.id, battery.id})
    with shop.ctx.uow() as tx:
        assert tx.session.scalars(select(Supplier.name)).all() == ["Parts Co"]
        assert tx.session.scalar(select(func.count()).select_from(ItemSupplier)) == 2
        captured = dict(
            tx.session.execute(
                select(OutboxEntry.table_name, func.count())
                .where(OutboxEntry.table_name.in_(["items", "item_barcodes", "stock_movements"]))
                .group_by(OutboxEntry.table_name)
            ).all()
        )
    assert captured == {"items": 2, "item_barcodes": 2, "stock_movements": 1}


def test_bad_rows_are_refused_with_reasons_and_written_to_a_rejected_file(
    shop: Services, tmp_path: Path
) -> None:
    shop.items.create(ItemInput("Old screen", sku="OLD-1", barcodes=["4006381333931"]))
    path = _csv(
        tmp_path / "items.csv",
        [
            HEADER,
            ["", "A-1", "", "", "1", "2", "", "", ""],  # no name
            ["Bad EAN", "A-2", "4006381333932", "", "1", "2", "", "", ""],
            ["Taken EAN", "A-3", "4006381333931", "", "1", "2", "", "", ""],
            ["Negative", "A-4", "", "", "-1", "2", "", "", ""],
            ["Formula", "A-5", "", "", "=1+1", "2", "", "", ""],
            ["Fine", "A-6", "5901234123457", "", "1", "2", "", "", ""],
            ["Same SKU", "a-6", "", "", "1", "2", "", "", ""],
            ["Same EAN", "A-7", "5901234123457", "", "1", "2", "", "", ""],
            ['=HYPERLINK("x")', "A-8", "", "", "1", "2", "three", "", ""],
        ],
    )
    table = read_table(path)
    report = shop.item_import.import_items(table, suggested_mapping(table.headers))
    assert report.created == 1
    reasons = {r.line: r.errors for r in report.rejected}
    assert set(reasons) == {2, 3, 4, 5, 6, 8, 9, 10}
    assert "name" in reasons[2]
    assert "check digit" in reasons[3]["barcodes"]
    assert "already belongs" in reasons[4]["barcodes"]
    assert "cost_price" in reasons[5]
    assert "formula" in reasons[6]["cost_price"].lower()
    assert "line 7" in reasons[8]["sku"]
    assert "line 7" in reasons[9]["barcodes"]
    assert "opening_stock" in reasons[10]

    rejected = list(
        csv.reader(io.StringIO(rejected_rows_csv(table, report.rejected).decode("utf-8-sig")))
    )
    assert rejected[0] == [*HEADER, "Error"]
    assert [row[1] for row in rejected[1:]] == [
        "A-1",
        "A-2",
        "A-3",
        "A-4",
        "A-5",
        "a-6",
        "A-7",
        "A-8",
    ]
    assert rejected[-1][0] == '\'=HYPERLINK("x")'  # escaped for the spreadsheet it opens in
    assert rejected[-1][-1].startswith("Opening stock:")


def test_rows_for_existing_skus_are_skipped_or_update_the_item(
    shop: Services, tmp_path: Path
) -> None:
    old = shop.items.create(
        ItemInput("Old name", sku="S-1", sell_price=100, category="Screens", cost_price=40)
    ).item
    path = _csv(tmp_path / "items.csv", [["Name", "SKU", "Price"], ["New name", "s-1", "2.50"]])
    table = read_table(path)
    mapping = suggested_mapping(table.headers)
    skipped = shop.item_import.import_items(table, mapping)
    assert (skipped.created, skipped.skipped) == (0, 1)
    assert shop.items.get(old.id).name == "Old name"
    updated = shop.item_import.import_items(table, mapping, ImportOptions(existing="update"))
    assert updated.updated == 1
    item = shop.items.get(old.id)
    assert (item.name, item.sell_price) == ("New name", 250)
    assert (item.category, item.cost_price) == ("Screens", 40)  # not in the file: kept
    assert shop.audit.recent(action="item_price_changed")[0].details["after"] == {"sell_price": 250}


def test_wrong_mappings_and_files_are_refused_with_a_clear_message(
    shop: Services, tmp_path: Path
) -> None:
    table = read_table(_csv(tmp_path / "a.csv", [["Price", "Colour"], ["1", "red"]]))
    with pytest.raises(ValidationError, match="item name"):
        shop.item_import.preview(table, suggested_mapping(table.headers))
    with pytest.raises(ValidationError, match="one column only"):
        shop.item_import.preview(table, ("name", "name"))
    with pytest.raises(ValidationError, match="every column"):
        shop.item_import.preview(table, ("name",))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError, match="empty"):
        read_table(empty)
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)
    with pytest.raises(ValidationError, match="50 MB"):
        read_table(big)
    many = tmp_path / "many.csv"
    many.write_text("Name\n" + "x\n" * (MAX_ROWS + 1))
    with pytest.raises(ValidationError, match="200,000 rows"):
        read_table(many)
    not_excel = tmp_path / "fake.xlsx"
    not_excel.write_bytes(b"PK not really")
    with pytest.raises(ValidationError, match="not an Excel"):
        read_table(not_excel)


def test_importing_is_for_managers(shop: Services, tmp_path: Path) -> None:
    table = read_table(_csv(tmp_path / "a.csv", [["Name"], ["Screen"]]))
    add_staff(shop, "tess", "technician")
    sign_in_as(shop, "tess")
    with pytest.raises(PermissionDenied):
        shop.item_import.import_items(table, ("name",))
    with pytest.raises(PermissionDenied):
        shop.item_export.export("csv")


def test_xlsx_files_are_read_without_running_formulas(shop: Services, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Item name", "Price", "Stock", "Barcode"])
    sheet.append(["Screen", 12.5, 3, 4006381333931])
    sheet.append(["Battery", "=A1*2", 1, None])
    path = tmp_path / "items.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.rows[0] == ("Screen", "12.5", "3", "4006381333931")
    # The formula was never calculated, so it has no value: it is not run to get one.
    assert table.rows[1] == ("Battery", "", "1", "")
    assert shop.item_import.import_items(table, suggested_mapping(table.headers)).created == 2
    screen = shop.items.find_by_barcode("4006381333931")
    assert screen is not None and screen.sell_price == 1250


def test_export_has_stock_and_cost_and_escapes_formulas_in_both_formats(
    shop: Services, tmp_path: Path
) -> None:
    evil = shop.items.create(ItemInput('=HYPERLINK("http://x","y")', sku="@SUM", cost_price=150))
    shop.items.create(ItemInput("+plus", sku="-minus", brand="-5"))
    shop.stock.receive(evil.item.id, 2, 100)
    shop.stock.receive(evil.item.id, 2, 200)
    rows = list(csv.reader(io.StringIO(shop.item_export.export("csv").decode("utf-8-sig"))))
    assert rows[0][:2] == ["SKU", "Name"]
    by_sku = {row[0]: row for row in rows[1:]}
    assert by_sku["'@SUM"][1] == '\'=HYPERLINK("http://x","y")'
    assert by_sku["'@SUM"][13:15] == ["4", "1.50"]
    assert (by_sku["'-MINUS"][1], by_sku["'-MINUS"][4]) == ("'+plus", "-5")

    path = tmp_path / "items.xlsx"
    path.write_bytes(shop.item_export.export("xlsx"))
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in values for v in row)
    assert ["'@SUM", '\'=HYPERLINK("http://x","y")'] in [row[:2] for row in values]

    # An export imports back, the escapes taken off again.
    table = read_table(path)
    preview = shop.item_import.preview(table, suggested_mapping(table.headers))
    assert {r.sku for r in preview} == {"@SUM", "-MINUS"}
    assert {r.action for r in preview} == {"skip"}


def test_a_hundred_thousand_rows_import_in_one_transaction(shop: Services, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "SKU", "Cost", "Price", "Stock"])
        writer.writerows(
            [f"Part {n}", f"P-{n}", "1.00", "2.50", str(n % 3)] for n in range(100_000)
        )
    table = read_table(path)
    with shop.ctx.uow() as tx:
        before = tx.session.scalar(select(func.count(func.distinct(OutboxEntry.txn_id))))
    started = time.perf_counter()
    steps: list[tuple[int, int]] = []
    report = shop.item_import.import_items(
        table,
        suggested_mapping(table.headers),
        progress=lambda done, total: steps.append((done, total)),
    )
    elapsed = time.perf_counter() - started
    assert len(steps) > 10 and steps == sorted(steps) and steps[-1] == (100_000, 100_000)
    assert (report.created, report.rejected) == (100_000, ())
    assert shop.items.count() == 100_000
    assert elapsed < 120
    with shop.ctx.uow() as tx:
        stocked = tx.session.scalar(select(func.sum(StockMovement.quantity)))
        txns = tx.session.scalar(select(func.count(func.distinct(OutboxEntry.txn_id))))
    assert stocked == sum(n % 3 for n in range(100_000))
    assert txns == before + 1  # the whole import is one transaction


def test_utf16_with_bom_from_excel_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Name\tPrice\nÉcran\t1\n".encode("utf-16-le"))
    assert read_table(path).rows == (("Écran", "1"),)


def test_imported_rows_reach_the_outbox_as_the_item_form_would_write_them(
    shop: Services, tmp_path: Path
) -> None:
    by_form = shop.items.create(ItemInput("Form item", barcodes=["4006381333931"])).item
    table = read_table(_csv(tmp_path / "a.csv", [["Name", "EAN"], ["File item", "5901234123457"]]))
    shop.item_import.import_items(table, suggested_mapping(table.headers))
    by_file = shop.items.find_by_barcode("5901234123457")
    assert by_file is not None
    with shop.ctx.uow() as tx:
        entries = {
            (row_id, table_name): json.loads(fields)
            for row_id, table_name, fields in tx.session.execute(
                select(OutboxEntry.row_id, OutboxEntry.table_name, OutboxEntry.fields).where(
                    OutboxEntry.table_name.in_(["items", "item_barcodes"])
                )
            )
        }
    form_item, file_item = entries[(by_form.id, "items")], entries[(by_file.id, "items")]
    assert set(form_item) == set(file_item)
    assert file_item["name"] == "File item" and file_item["id"] == str(by_file.id)
    barcode_fields = [f for (_, t), f in entries.items() if t == "item_barcodes"]
    assert len(barcode_fields) == 2 and set(barcode_fields[0]) == set(barcode_fields[1])
