"""The customers screen, its editors and merge, on a real database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.views.customers.device_editor import DeviceEditor
from desktop.views.customers.editor import CustomerEditor
from desktop.views.customers.merge import MergeDialog
from desktop.views.customers.page import CustomersPage
from tests.conftest import gui_sign_in_as


def _page(qtbot, services, bus, tasks) -> CustomersPage:
    page = CustomersPage(services, bus, tasks)
    qtbot.addWidget(page)
    return page


def test_new_customer_is_saved_from_the_editor(qtbot, shop_services, bus, tasks) -> None:
    page = _page(qtbot, shop_services, bus, tasks)
    editor = page.new_customer()
    qtbot.keyClicks(editor.first_name, "Maria")
    qtbot.keyClicks(editor.last_name, "Lopez")
    qtbot.keyClicks(editor.phone_rows[0].number, "+1 555 123 4567")
    qtbot.keyClicks(editor.email, "maria@example.com")
    qtbot.keyClicks(editor.tags, "vip, business")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.saved is not None
    found = shop_services.customers.search("Lopez")
    assert [c.name for c in found] == ["Maria Lopez"]
    assert page.model.rowCount() == 1
    assert page.detail.title.text() == "Maria Lopez"
    assert page.detail.value("tags") == "business, vip"


def test_bad_email_and_phone_show_next_to_fields(qtbot, shop_services, bus, tasks) -> None:
    editor = CustomerEditor(shop_services, bus)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.last_name, "Lopez")
    qtbot.keyClicks(editor.email, "not-an-email")
    qtbot.keyClicks(editor.phone_rows[0].number, "call me maybe")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.saved is None
    assert editor.errors.message("email")
    assert "not a phone number" in editor.errors.message("phone_0")
    assert shop_services.customers.count() == 0


def test_duplicate_offers_open_existing_or_create_anyway(qtbot, shop_services, bus, tasks) -> None:
    existing = shop_services.customers.create(
        CustomerInput(last_name="Smith", phones=[PhoneInput("555 000 1111")])
    )
    editor = CustomerEditor(shop_services, bus)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.last_name, "Smyth")
    qtbot.keyClicks(editor.phone_rows[0].number, "5550001111")
    editor.save()
    assert not editor.duplicate_panel.isHidden()
    assert editor.duplicate_list.count() == 1
    with qtbot.waitSignal(editor.existing_chosen) as chosen:
        qtbot.mouseClick(editor.open_existing_button, Qt.MouseButton.LeftButton)
    assert chosen.args == [existing.id]

    again = CustomerEditor(shop_services, bus)
    qtbot.addWidget(again)
    qtbot.keyClicks(again.last_name, "Smyth")
    qtbot.keyClicks(again.phone_rows[0].number, "5550001111")
    again.save()
    qtbot.mouseClick(again.create_anyway_button, Qt.MouseButton.LeftButton)
    assert again.saved is not None
    assert shop_services.customers.count() == 2


def test_search_as_you_type_filters_the_list(qtbot, shop_services, bus, tasks) -> None:
    for last in ("Lopez", "Nguyen", "Okafor"):
        shop_services.customers.create(CustomerInput(last_name=last))
    page = _page(qtbot, shop_services, bus, tasks)
    assert page.model.rowCount() == 3
    qtbot.keyClicks(page.search, "nguy")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert page.model.index(0, 0).data() == "Nguyen"
    page.scroll_to_end()


def test_device_editor_warns_about_imei_and_saves(qtbot, shop_services, bus, tasks) -> None:
    customer = shop_services.customers.create(CustomerInput(last_name="Lopez"))
    editor = DeviceEditor(shop_services, customer.id, bus)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.brand.lineEdit(), "Apple")
    qtbot.keyClicks(editor.model.lineEdit(), "iPhone 13")
    qtbot.keyClicks(editor.imei, "123")
    assert not editor.imei_warning.isHidden()
    editor.imei.clear()
    qtbot.keyClicks(editor.imei, "490154203237518")  # valid check digit
    assert editor.imei_warning.isHidden()
    editor.imei.setText("490154203237519")
    assert "check digit" in editor.imei_warning.text()
    qtbot.keyClicks(editor.passcode, "1234")
    editor.save()  # a warning never blocks
    assert editor.saved is not None
    assert shop_services.devices.get(editor.saved.id).passcode == "1234"
    assert "iPhone 13" in shop_services.devices.models("Apple", "Phone")


def test_front_desk_never_sees_the_stored_passcode(qtbot, shop_services, bus) -> None:
    customer = shop_services.customers.create(CustomerInput(last_name="Lopez"))
    device = shop_services.devices.save(
        DeviceInput(customer.id, "Phone", "Apple", "iPhone 13", passcode="2580")
    )
    gui_sign_in_as(shop_services, "fiona", "front_desk")
    editor = DeviceEditor(shop_services, customer.id, bus, device.id)
    qtbot.addWidget(editor)
    assert editor.passcode.text() == ""
    assert editor.passcode.echoMode().name == "Password"
    editor.save()  # an empty passcode keeps the stored one
    shop_services.accounts.login("owner", "owner-pass-1")
    assert shop_services.devices.get(device.id).passcode == "2580"


def test_merge_moves_devices_and_publishes(qtbot, shop_services, bus, tasks) -> None:
    keep = shop_services.customers.create(CustomerInput(last_name="Lopez", first_name="Maria"))
    other = shop_services.customers.create(CustomerInput(last_name="Lopes", email="m@example.com"))
    device = shop_services.devices.save(DeviceInput(other.id, "Phone", "Apple", "iPhone 13"))
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_customer(keep.id)
    dialog = page.merge_customer()
    assert isinstance(dialog, MergeDialog)
    qtbot.keyClicks(dialog.search, "lopes")
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=2000)
    dialog.results.setCurrentRow(0)
    with qtbot.waitSignal(bus.data_changed):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert shop_services.customers.count() == 1
    assert shop_services.devices.get(device.id).customer_id == keep.id
    assert page.detail.devices.count() == 1
    assert page.detail.value("email") == "m@example.com"


def test_technician_sees_no_merge_or_delete(qtbot, shop_services, bus, tasks) -> None:
    gui_sign_in_as(shop_services, "tom", "technician")
    page = _page(qtbot, shop_services, bus, tasks)
    assert page.merge_button.isHidden()
    assert page.delete_button.isHidden()


def test_search_runs_off_the_gui_thread(qtbot, shop_services, bus) -> None:
    from desktop.views.tasks import TaskRunner

    for last in ("Lopez", "Nguyen"):
        shop_services.customers.create(CustomerInput(last_name=last))
    runner = TaskRunner()
    page = _page(qtbot, shop_services, bus, runner)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=3000)
    qtbot.keyClicks(page.search, "lopez")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.count_label.text()
    runner.wait()


def test_the_account_shows_what_the_customer_owes_and_their_documents(
    qtbot, shop_services, bus, tasks
) -> None:
    from desktop.services.invoices import InvoiceDraft
    from desktop.services.sales_types import CartLine, PaymentInput

    customer = shop_services.customers.create(CustomerInput(first_name="Rita", last_name="Sousa"))
    invoices = shop_services.invoices
    first = invoices.issue(
        invoices.create_draft(InvoiceDraft(customer.id, (CartLine("Repair", 1, 8000),))).id
    )
    invoices.pay(first.id, [PaymentInput("card", 3000)])
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_customer(customer.id)
    account = page.detail.account
    assert account.owed.text() == "$50.00"
    assert account.store_credit.text() == "$0.00"
    assert account.history.rowCount() == 1
    assert account.history.item(0, 0).text() == "Invoice INV-A-000001"
    assert account.history.item(0, 4).text() == "Partially paid"
    with qtbot.waitSignal(account.document_requested) as opened:
        account.history.cellDoubleClicked.emit(0, 0)
    assert opened.args == [first.id]
    dialog = page.give_store_credit()
    assert dialog is not None
    dialog.amount.setText("15")
    dialog.give()
    assert "Say why" in dialog.errors.message("reason")
    dialog.reason.setText("Late repair")
    dialog.give()
    assert dialog.balance == 1500
    assert account.store_credit.text() == "$15.00"
