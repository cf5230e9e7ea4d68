"""The Ctrl+K palette finds customers and devices and is driven by the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.views.search_palette import SearchPalette


def test_keyboard_chooses_a_device_and_its_owner(qtbot, shop_services, tasks) -> None:
    owner = shop_services.customers.create(
        CustomerInput(last_name="Serrano", phones=[PhoneInput("555 222 3333")])
    )
    other = shop_services.customers.create(CustomerInput(last_name="Serrat"))
    device = shop_services.devices.save(
        DeviceInput(owner.id, "Phone", "Apple", "iPhone 13", serial="SERRA77")
    )
    palette = SearchPalette(shop_services, tasks)
    qtbot.addWidget(palette)
    palette.show()
    qtbot.keyClicks(palette.edit, "serra")
    qtbot.waitUntil(lambda: palette.results.count() == 3, timeout=2000)
    assert palette.results.currentRow() == 0
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)  # stays on the last row
    assert palette.results.currentRow() == 2
    emitted: list[tuple[str, object]] = []
    palette.device_chosen.connect(lambda d: emitted.append(("device", d)))
    palette.customer_chosen.connect(lambda c: emitted.append(("customer", c)))
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    assert emitted == [("device", device.id), ("customer", owner.id)]
    assert palette.result() == palette.DialogCode.Accepted
    assert other.id != owner.id


def test_enter_on_a_customer_emits_it(qtbot, shop_services, tasks) -> None:
    maria = shop_services.customers.create(CustomerInput(first_name="Maria", last_name="Lopez"))
    palette = SearchPalette(shop_services, tasks)
    qtbot.addWidget(palette)
    palette.show()
    qtbot.keyClicks(palette.edit, "lopez")
    qtbot.waitUntil(lambda: palette.results.count() == 1, timeout=2000)
    with qtbot.waitSignal(palette.customer_chosen) as chosen:
        qtbot.keyClick(palette.edit, Qt.Key.Key_Enter)
    assert chosen.args == [maria.id]
