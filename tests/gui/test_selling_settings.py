"""Settings → Selling, Tax rates and Payment methods, on a real database."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from desktop.services import journal
from desktop.services.container import Services
from desktop.views.settings.page import SettingsPage
from desktop.views.settings.payment_methods import PaymentMethodsSection
from desktop.views.settings.selling import SellingSection
from desktop.views.settings.tax_rates import TaxRatesSection
from tests.conftest import gui_sign_in_as


def _selling(services: Services, bus, tasks, qtbot) -> SellingSection:
    section = SellingSection(services, bus, tasks)
    qtbot.addWidget(section)
    return section


def _tax_rates(services: Services, bus, qtbot) -> TaxRatesSection:
    section = TaxRatesSection(services, bus)
    qtbot.addWidget(section)
    return section


def _methods(services: Services, bus, qtbot) -> PaymentMethodsSection:
    section = PaymentMethodsSection(services, bus)
    qtbot.addWidget(section)
    return section


def _choose(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))


# -- selling ----------------------------------------------------------------------------


def test_owner_saves_selling_settings_and_sees_them_again(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    section = _selling(shop_services, bus, tasks, qtbot)
    assert section.refund_limit.text() == "$50.00"
    assert section.cash_rounding.currentText() == "No rounding"
    section.prices_include_tax.setChecked(False)
    _choose(section.rounding_mode, "document")
    _choose(section.cash_rounding, 5)
    assert section.cash_rounding.currentText() == "$0.05"
    section.tips_allowed.setChecked(True)
    section.invoice_prefix.clear()
    qtbot.keyClicks(section.invoice_prefix, "fac")
    assert "FAC-A-000123" in section.prefix_example.text()
    section.payment_terms_days.setValue(30)
    section.bank_details.setPlainText("IBAN DE00 1234")
    section.tax_ids.setPlainText("VAT 123\n\nEORI 456")
    section.invoice_footer.setPlainText("Thank you.")
    section.receipt_footer.setPlainText("Keep this receipt.")
    section.front_desk_discount_limit.setValue(5)
    section.technician_discount_limit.setValue(2.5)
    section.refund_limit.setText("200")
    with qtbot.waitSignal(bus.data_changed):
        qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert section.saved.text() == "Saved."
    settings = shop_services.sales_settings.selling()
    assert (settings.prices_include_tax, settings.rounding_mode, settings.cash_rounding) == (
        False,
        "document",
        5,
    )
    assert (settings.invoice_prefix, settings.payment_terms_days) == ("FAC", 30)
    assert settings.tax_ids == "VAT 123\nEORI 456"
    assert (settings.front_desk_discount_limit_bp, settings.technician_discount_limit_bp) == (
        500,
        250,
    )
    assert (settings.refund_limit, settings.tips_allowed) == (20_000, True)
    again = _selling(shop_services, bus, tasks, qtbot)
    assert again.invoice_prefix.text() == "FAC"
    assert again.refund_limit.text() == "$200.00"
    assert again.cash_rounding.currentData() == 5
    assert again.receipt_footer.toPlainText() == "Keep this receipt."


def test_selling_mistakes_show_at_their_fields(shop_services: Services, bus, tasks, qtbot) -> None:
    section = _selling(shop_services, bus, tasks, qtbot)
    section.refund_limit.setText("lots")
    assert not section.save()
    assert "amount" in section.errors.message("refund_limit")
    section.refund_limit.setText("50")
    section.invoice_prefix.setText("S")
    section.receipt_footer.setPlainText("x" * 501)
    assert not section.save()
    assert "sales" in section.errors.message("invoice_prefix")
    assert "Too long" in section.errors.message("receipt_footer")
    assert shop_services.sales_settings.selling().invoice_prefix == "INV"


def test_the_journal_check_names_an_altered_entry(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    with shop_services.ctx.uow() as tx:
        journal.append(tx.session, shop_services.ctx, "drawer_open", {"reason": "float"})
        journal.append(tx.session, shop_services.ctx, "pay_in", {"amount": 500})
        tx.commit()
    section = _selling(shop_services, bus, tasks, qtbot)
    qtbot.mouseClick(section.check_journal_button, Qt.MouseButton.LeftButton)
    assert "intact: 2 entries" in section.journal_result.text()
    connection = sqlite3.connect(shop_services.path)
    with connection:
        connection.execute("UPDATE journal_entries SET payload = '{}' WHERE seq = 2")
    connection.close()
    section.check_journal()
    assert "Station A, entry 2 (pay_in) was altered." in section.journal_result.text()
    assert section.check_journal_button.isEnabled()


# -- tax rates --------------------------------------------------------------------------


def test_owner_changes_tax_rates_and_the_shop_default_follows(
    shop_services: Services, bus, tasks, qtbot, gui_paths
) -> None:
    page = SettingsPage(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(page)
    page.set_page("tax_rates")
    section = page.tax_rates
    assert list(section.names) == ["standard", "reduced", "zero", "exempt"]
    assert not section.rates["zero"].isEnabled()
    assert not section.rates["exempt"].isEnabled()
    section.rates["standard"].setValue(15)
    section.names["reduced"].setText("Reduced (food)")
    section.rates["reduced"].setValue(7.5)
    with qtbot.waitSignal(bus.data_changed):
        qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    rates = {t.code: (t.name, t.rate_bp) for t in shop_services.sales_settings.tax_classes()}
    assert rates["standard"] == ("Standard", 1500)
    assert rates["reduced"] == ("Reduced (food)", 750)
    assert shop_services.shop.profile().default_tax_rate_bp == 1500
    assert page.shop.tax_rate.text() == "15.00"
    section.names["reduced"].setText("  ")
    assert not section.save()
    assert section.errors.message("reduced.name") == "This field is required."


# -- payment methods --------------------------------------------------------------------


def test_owner_adds_renames_moves_retires_and_restores_a_method(
    shop_services: Services, bus, qtbot
) -> None:
    section = _methods(shop_services, bus, qtbot)
    count = section.methods.count()
    assert section.selected_code() == "cash"
    assert not section.restore_button.isEnabled()
    section.start_new()
    qtbot.keyClicks(section.name, "Amex")
    _choose(section.kind, "card")
    section.needs_reference.setChecked(True)
    with qtbot.waitSignal(bus.data_changed):
        qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert section.methods.count() == count + 1
    assert section.selected_code() == "amex"
    assert "asks for a reference" in section.methods.currentItem().text()
    section.name.setText("American Express")
    assert section.save()
    assert section.selected_code() == "amex"
    assert section.move_method(-1)
    codes = [m.code for m in shop_services.sales_settings.payment_methods()]
    assert codes.index("amex") == count - 1
    assert section.retire()
    assert "retired" in section.methods.currentItem().text()
    assert not section.retire_button.isEnabled()
    assert not section.up_button.isEnabled()  # retired methods stay below those in use
    assert section.restore()
    method = {m.code: m for m in shop_services.sales_settings.payment_methods()}["amex"]
    assert (method.name, method.active, method.needs_reference) == ("American Express", True, True)


def test_method_rules_show_in_the_form(shop_services: Services, bus, qtbot) -> None:
    section = _methods(shop_services, bus, qtbot)
    assert section.selected_code() == "cash"
    assert not section.retire()
    assert "cash method must stay in use" in section.errors.general.text()
    section.start_new()
    section.name.setText("Gift card balance")
    _choose(section.kind, "store_credit")
    assert not section.save()
    assert "“Store credit”" in section.errors.message("kind")
    section.name.setText("")
    assert not section.save()
    assert section.errors.message("name") == "This field is required."


# -- who may ----------------------------------------------------------------------------


def test_front_desk_sees_selling_settings_read_only(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    gui_sign_in_as(shop_services, "fiona", "front_desk")
    selling = _selling(shop_services, bus, tasks, qtbot)
    assert not selling.save_button.isEnabled()
    assert not selling.invoice_prefix.isEnabled()
    assert not selling.refund_limit.isEnabled()
    assert not selling.permission_note.isHidden()
    assert not selling.check_journal_button.isEnabled()
    assert selling.invoice_prefix.text() == "INV"
    rates = _tax_rates(shop_services, bus, qtbot)
    assert not rates.save_button.isEnabled()
    assert not rates.names["standard"].isEnabled()
    assert not rates.permission_note.isHidden()
    methods = _methods(shop_services, bus, qtbot)
    assert methods.methods.count() > 0
    for widget in (methods.name, methods.save_button, methods.new_button, methods.retire_button):
        assert not widget.isEnabled()
    assert not methods.permission_note.isHidden()


def test_a_manager_may_check_the_journal_but_not_change_selling(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    gui_sign_in_as(shop_services, "maria", "manager")
    selling = _selling(shop_services, bus, tasks, qtbot)
    assert not selling.save_button.isEnabled()
    assert selling.check_journal_button.isEnabled()
    selling.check_journal()
    assert "intact: 0 entries" in selling.journal_result.text()
