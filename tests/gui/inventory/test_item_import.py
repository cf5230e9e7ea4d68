"""The import dialog and the export helper on a real database and real files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from desktop.services.items import ItemInput
from desktop.views.inventory.item_import import ImportDialog, export_items_to


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "items.csv"
    path.write_text(
        "Product;Code;EAN;Retail price;Colour\n"
        "iPhone 12 screen;S-1;4006381333931;89,50;black\n"
        "Bad EAN;S-2;4006381333932;1;red\n"
        "Galaxy battery;S-3;;25;blue\n",
        encoding="cp1252",
    )
    return path


def test_mapping_preview_import_and_rejected_rows(
    qtbot, shop_services, bus, tasks, tmp_path
) -> None:
    dialog = ImportDialog(shop_services, bus, tasks)
    qtbot.addWidget(dialog)
    dialog.load_file(_file(tmp_path))
    assert dialog.mapping_chosen() == ("name", "sku", "barcodes", "sell_price", "")
    assert [dialog.preview.item(r, 1).text() for r in range(3)] == ["added", "refused", "added"]
    assert "check digit" in dialog.preview.item(1, 3).text()

    # Taking the name away: nothing can be imported, and the dialog says why.
    dialog.combos[0].setCurrentIndex(0)
    assert "item name" in dialog.message.text()
    assert not dialog.import_button.isEnabled()
    dialog.combos[0].setCurrentIndex(dialog.combos[0].findData("name"))
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(bus.data_changed) as published:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "2 added" in dialog.message.text() and "1 refused" in dialog.message.text()
    assert len(published.args[0].items) == 2
    screen = shop_services.items.find_by_barcode("4006381333931")
    assert screen is not None and screen.sell_price == 8950
    assert dialog.save_rejected_button.isEnabled()
    rejected = tmp_path / "rejected.csv"
    dialog.save_rejected(rejected)
    rows = list(csv.reader(io.StringIO(rejected.read_text(encoding="utf-8-sig"))))
    assert rows[0][-1] == "Error" and rows[1][:2] == ["Bad EAN", "S-2"]


def test_an_unreadable_file_is_reported_in_the_dialog(
    qtbot, shop_services, bus, tasks, tmp_path
) -> None:
    dialog = ImportDialog(shop_services, bus, tasks)
    qtbot.addWidget(dialog)
    dialog.load_file(tmp_path / "missing.csv")
    assert "cannot be opened" in dialog.message.text()
    assert not dialog.import_button.isEnabled()


def test_export_writes_an_escaped_workbook(qtbot, shop_services, tasks, tmp_path) -> None:
    shop_services.items.create(ItemInput("=cmd|' /C calc'!A0", sku="X-1"))
    path = tmp_path / "items.xlsx"
    written: list[Path] = []
    export_items_to(shop_services, tasks, path, written.append)
    assert written == [path]
    sheet = load_workbook(path).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2))][:2] == ["X-1", "'=cmd|' /C calc'!A0"]
