"""“Print labels…” from the list selection: quantities default to on hand, the job's
barcodes read back, and a quantity of zero leaves an item out."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp

from desktop.views.inventory.page import InventoryPage
from tests.gui.inventory.helpers import BATTERY_EAN, SCREEN_EAN, add_catalog


def _decoded(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        pictures = [page.render(scale=300 / 72).to_pil() for page in document]
    finally:
        document.close()
    return [found.text for picture in pictures for found in zxingcpp.read_barcodes(picture)]


def test_labels_of_the_selected_items_default_to_on_hand(qtbot, shop_services, bus, tasks) -> None:
    add_catalog(shop_services)
    page = InventoryPage(shop_services, bus, tasks)
    qtbot.addWidget(page)
    tab = page.items
    names = [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]
    selection = tab.table.selectionModel()
    for name in ("Galaxy S21 battery", "iPhone 12 screen", "USB-C cable"):
        index = tab.model.index(names.index(name), 0)
        selection.select(index, selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    dialog = tab.print_labels()
    assert dialog is not None
    assert [box.value() for box in dialog.quantities] == [2, 5, 1]  # negative stock: 1
    dialog.quantities[2].setValue(0)
    dialog.paper.setCurrentIndex(dialog.paper.findData("a4"))
    with qtbot.waitSignal(tab.labels_ready) as ready:
        dialog.make_job()
    job = ready.args[0]
    assert job.paper == "a4"
    assert sorted(_decoded(job.pdf)) == sorted([BATTERY_EAN] * 2 + [SCREEN_EAN] * 5)


def test_no_labels_at_all_is_refused_at_the_quantities(qtbot, shop_services, bus, tasks) -> None:
    catalog = add_catalog(shop_services)
    page = InventoryPage(shop_services, bus, tasks)
    qtbot.addWidget(page)
    dialog = page.items.print_labels([catalog["screen"].id])
    dialog.quantities[0].setValue(0)
    dialog.make_job()
    assert dialog.job is None
    assert dialog.errors.general.text() == "Choose at least one item."
    dialog.reject()
