"""Selling settings: tax rates, payment methods and the selling part of the shop profile."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from desktop.models import PaymentMethod
from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.ids import stable_id
from desktop.services.numbering import next_number
from desktop.services.sales_settings import (
    PAYMENT_KINDS,
    SellingSettings,
    TaxClassChange,
    next_invoice_number,
)
from desktop.services.setup import ShopSetup
from desktop.services.shop import ShopService
from desktop.services.tax_classes import tax_rates
from tests.unit.conftest import OWNER_PASSWORD, add_staff, sign_in_as


def _setup(services: Services, rate_bp: int) -> ShopSetup:
    return ShopSetup(
        shop_name="Fix-It Corner",
        currency="USD",
        owner_username="owner",
        owner_display_name="Olivia Owner",
        owner_password=OWNER_PASSWORD,
        default_tax_rate_bp=rate_bp,
    )


def _rates(services: Services) -> dict[str, int]:
    with services.ctx.uow() as tx:
        return tax_rates(tx.session)


def _profile_update(services: Services, rate_bp: int) -> None:
    info = services.shop.profile()
    data = ShopSetup(
        shop_name=info.name,
        currency=info.currency,
        owner_username="",
        owner_display_name="",
        owner_password="",
        locale=info.locale,
        default_tax_rate_bp=rate_bp,
    )
    services.shop.update_profile(data, info.idle_lock_minutes)


# -- tax classes ------------------------------------------------------------------------


def test_a_new_shop_charges_its_default_rate_in_the_standard_class(fresh: Services) -> None:
    fresh.setup.create_shop(_setup(fresh, 825))
    fresh.accounts.login("owner", OWNER_PASSWORD)
    classes = fresh.sales_settings.tax_classes()
    assert [c.code for c in classes] == ["standard", "reduced", "zero", "exempt"]
    assert _rates(fresh) == {"standard": 825, "reduced": 0, "zero": 0, "exempt": 0}


def test_tax_rates_and_names_round_trip(shop: Services) -> None:
    saved = shop.sales_settings.update_tax_classes(
        [TaxClassChange("reduced", "Reduced (food)", 500), TaxClassChange("zero", "Exports", 0)]
    )
    assert saved.changes == Changes(shop=True)
    by_code = {c.code: c for c in shop.sales_settings.tax_classes()}
    assert (by_code["reduced"].name, by_code["reduced"].rate_bp) == ("Reduced (food)", 500)
    assert by_code["zero"].name == "Exports"
    assert _rates(shop)["reduced"] == 500
    assert [c.name for c in saved.value] == [c.name for c in shop.sales_settings.tax_classes()]
    entry = shop.audit.recent(action="tax_classes_changed")[0]
    assert entry.details["changed"]["reduced"]["rate_bp"] == [0, 500]


def test_the_standard_rate_is_the_shop_default_rate_both_ways(shop: Services) -> None:
    shop.sales_settings.update_tax_classes([TaxClassChange("standard", "Standard", 1500)])
    assert shop.shop.profile().default_tax_rate_bp == 1500
    _profile_update(shop, 2000)
    assert _rates(shop)["standard"] == 2000
    assert shop.shop.profile().default_tax_rate_bp == 2000


def test_a_refused_profile_leaves_the_standard_rate_alone(shop: Services) -> None:
    with pytest.raises(ValidationError):
        _profile_update(shop, 10_001)
    assert _rates(shop)["standard"] == 0


def test_tax_class_mistakes_are_named_together_and_nothing_is_saved(shop: Services) -> None:
    with pytest.raises(ValidationError) as refused:
        shop.sales_settings.update_tax_classes(
            [
                TaxClassChange("standard", "Standard", 10_001),
                TaxClassChange("reduced", "   ", 500),
                TaxClassChange("zero", "Zero rated", 100),
                TaxClassChange("exempt", "standard", 0),
            ]
        )
    assert set(refused.value.errors) == {
        "standard.rate_bp",
        "standard.name",  # the name "exempt" would share
        "reduced.name",
        "zero.rate_bp",
        "exempt.name",
    }
    assert "charge no tax" in refused.value.errors["zero.rate_bp"]
    assert _rates(shop) == {"standard": 0, "reduced": 0, "zero": 0, "exempt": 0}
    with pytest.raises(ValidationError) as unknown:
        shop.sales_settings.update_tax_classes([TaxClassChange("luxury", "Luxury", 2500)])
    assert "code" in unknown.value.errors
    with pytest.raises(ValidationError):
        shop.sales_settings.update_tax_classes(
            [TaxClassChange("reduced", "A", 1), TaxClassChange("reduced", "B", 2)]
        )


# -- payment methods --------------------------------------------------------------------


def test_the_kinds_offered_are_those_the_table_accepts() -> None:
    (check,) = [c for c in PaymentMethod.__table__.constraints if str(c.name).endswith("_kind")]
    assert re.findall(r"'(\w+)'", str(check.sqltext)) == list(PAYMENT_KINDS)


def test_methods_are_listed_in_use_first_in_the_owners_order(shop: Services) -> None:
    methods = shop.sales_settings.payment_methods()
    assert methods[0].code == "cash"
    shop.sales_settings.retire_payment_method("other")
    codes = [m.code for m in shop.sales_settings.payment_methods()]
    assert codes[-1] == "other"
    shop.sales_settings.reorder_payment_methods(["card", "cash"])
    codes = [m.code for m in shop.sales_settings.payment_methods()]
    assert codes[:2] == ["card", "cash"]
    assert codes[-1] == "other"


def test_a_new_method_gets_a_code_from_its_name_that_never_changes(shop: Services) -> None:
    saved = shop.sales_settings.add_payment_method("Card (Amex)", "card", needs_reference=True)
    method = saved.value
    assert (method.code, method.kind, method.needs_reference) == ("card_amex", "card", True)
    assert method.id == stable_id("payment_method", "card_amex")
    assert [m.code for m in shop.sales_settings.payment_methods()][-1] == "card_amex"
    renamed = shop.sales_settings.update_payment_method("card_amex", "Amex", "card", False)
    assert (renamed.value.code, renamed.value.name) == ("card_amex", "Amex")
    assert not renamed.value.needs_reference
    again = shop.sales_settings.add_payment_method("Card  Amex!", "card")
    assert again.value.code == "card_amex_2"
    foreign = shop.sales_settings.add_payment_method("বিকাশ মার্চেন্ট", "mobile")
    assert foreign.value.code == "method"
    actions = [e.action for e in shop.audit.recent()]
    assert "payment_method_added" in actions and "payment_method_changed" in actions


def test_method_names_must_be_new(shop: Services) -> None:
    with pytest.raises(ValidationError) as taken:
        shop.sales_settings.add_payment_method(" card ", "card")
    assert taken.value.errors == {"name": "A payment method has this name."}
    shop.sales_settings.add_payment_method("Voucher", "other")
    shop.sales_settings.retire_payment_method("voucher")
    with pytest.raises(ValidationError) as retired:
        shop.sales_settings.add_payment_method("VOUCHER", "other")
    assert "restore it instead" in retired.value.errors["name"]
    with pytest.raises(ValidationError) as both:
        shop.sales_settings.add_payment_method("", "cheque")
    assert set(both.value.errors) == {"name", "kind"}
    with pytest.raises(ValidationError) as huge:
        shop.sales_settings.add_payment_method("x" * 10_000_000, "other")
    assert "Too long" in huge.value.errors["name"]


def test_the_last_cash_method_stays_in_use(shop: Services) -> None:
    with pytest.raises(ValidationError) as retire:
        shop.sales_settings.retire_payment_method("cash")
    assert "cash" in retire.value.errors["method"]
    with pytest.raises(ValidationError) as change:
        shop.sales_settings.update_payment_method("cash", "Cash", "card", False)
    assert "cash" in change.value.errors["kind"]
    assert shop.sales_settings.payment_methods()[0].kind == "cash"
    shop.sales_settings.add_payment_method("Cash (USD notes)", "cash")
    shop.sales_settings.retire_payment_method("cash")
    assert not {m.code: m for m in shop.sales_settings.payment_methods()}["cash"].active


def test_one_store_credit_and_one_on_account_method(shop: Services) -> None:
    with pytest.raises(ValidationError) as second:
        shop.sales_settings.add_payment_method("Gift balance", "store_credit")
    assert "“Store credit”" in second.value.errors["kind"]
    with pytest.raises(ValidationError):
        shop.sales_settings.update_payment_method("other", "Other", "on_account", False)
    shop.sales_settings.retire_payment_method("store_credit")
    shop.sales_settings.add_payment_method("Gift balance", "store_credit")
    with pytest.raises(ValidationError) as restore:
        shop.sales_settings.restore_payment_method("store_credit")
    assert "“Gift balance”" in restore.value.errors["method"]


def test_reorder_refuses_repeats_and_unknown_codes(shop: Services) -> None:
    before = [m.code for m in shop.sales_settings.payment_methods()]
    with pytest.raises(ValidationError):
        shop.sales_settings.reorder_payment_methods(["card", "card"])
    with pytest.raises(NotFound):
        shop.sales_settings.reorder_payment_methods(["card", "cheque"])
    with pytest.raises(NotFound):
        shop.sales_settings.retire_payment_method("cheque")
    assert [m.code for m in shop.sales_settings.payment_methods()] == before


# -- selling settings -------------------------------------------------------------------


def test_selling_settings_round_trip_and_are_audited(shop: Services) -> None:
    settings = shop.sales_settings.selling()
    assert (settings.invoice_prefix, settings.rounding_mode, settings.cash_rounding) == (
        "INV",
        "line",
        0,
    )
    wanted = replace(
        settings,
        prices_include_tax=False,
        rounding_mode="document",
        cash_rounding=5,
        invoice_prefix=" fac ",
        payment_terms_days=30,
        invoice_footer="Thank you!\r\nCome again.",
        receipt_footer="No refunds without receipt.",
        bank_details="IBAN DE00 1234",
        tax_ids="  VAT 123 \n\n  EORI   456 ",
        front_desk_discount_limit_bp=500,
        technician_discount_limit_bp=250,
        refund_limit=20_000,
        tips_allowed=True,
    )
    saved = shop.sales_settings.update_selling(wanted)
    assert saved.changes == Changes(shop=True)
    expected = replace(
        wanted,
        invoice_prefix="FAC",
        invoice_footer="Thank you!\nCome again.",
        tax_ids="VAT 123\nEORI 456",
    )
    assert saved.value == expected
    assert shop.sales_settings.selling() == expected
    assert not shop.shop.profile().prices_include_tax
    details = shop.audit.recent(action="selling_settings_changed")[0].details
    assert details["changed"]["refund_limit"] == [5000, 20_000]


def test_every_wrong_selling_field_is_named(shop: Services) -> None:
    before = shop.sales_settings.selling()
    wrong = SellingSettings(
        prices_include_tax=True,
        rounding_mode="sometimes",
        cash_rounding=3,
        invoice_prefix="IN-V",
        payment_terms_days=400,
        invoice_footer="x" * 10_000_000,
        receipt_footer="y" * 501,
        bank_details="z" * 1001,
        tax_ids="\n".join(f"ID {n}" for n in range(7)),
        front_desk_discount_limit_bp=10_001,
        technician_discount_limit_bp=-1,
        refund_limit=-5,
        tips_allowed=False,
    )
    with pytest.raises(ValidationError) as refused:
        shop.sales_settings.update_selling(wrong)
    assert set(refused.value.errors) == {
        "rounding_mode",
        "cash_rounding",
        "invoice_prefix",
        "payment_terms_days",
        "invoice_footer",
        "receipt_footer",
        "bank_details",
        "tax_ids",
        "front_desk_discount_limit_bp",
        "technician_discount_limit_bp",
        "refund_limit",
    }
    assert shop.sales_settings.selling() == before


@pytest.mark.parametrize(
    ("prefix", "message"),
    [("S", "sales"), ("cn", "credit notes"), ("T", "tickets"), ("", "letters"), ("INVOICE", "6")],
)
def test_the_invoice_prefix_is_letters_no_other_kind_uses(
    shop: Services, prefix: str, message: str
) -> None:
    settings = replace(shop.sales_settings.selling(), invoice_prefix=prefix)
    with pytest.raises(ValidationError) as refused:
        shop.sales_settings.update_selling(settings)
    assert message in refused.value.errors["invoice_prefix"]


def test_invoice_numbers_use_the_prefix_and_continue_the_series(shop: Services) -> None:
    with shop.ctx.uow() as tx:
        assert next_invoice_number(tx.session, "A") == "INV-A-000001"
        tx.commit()
    shop.sales_settings.update_selling(replace(shop.sales_settings.selling(), invoice_prefix="FAC"))
    with shop.ctx.uow() as tx:
        assert next_invoice_number(tx.session, "A") == "FAC-A-000002"
        assert next_number(tx.session, "A", "sale") == "S-A-000001"
        assert next_number(tx.session, "A", "credit_note", prefix=None) == "CN-A-000001"
        tx.commit()


def test_cash_rounding_of_one_minor_unit_is_none(shop: Services) -> None:
    saved = shop.sales_settings.update_selling(
        replace(shop.sales_settings.selling(), cash_rounding=1)
    )
    assert saved.value.cash_rounding == 0


# -- who may ----------------------------------------------------------------------------


def test_front_desk_reads_but_cannot_change(shop: Services) -> None:
    add_staff(shop, "fiona", "front_desk")
    sign_in_as(shop, "fiona")
    settings = shop.sales_settings.selling()
    assert shop.sales_settings.tax_classes()
    assert shop.sales_settings.payment_methods()
    with pytest.raises(PermissionDenied):
        shop.sales_settings.update_selling(settings)
    with pytest.raises(PermissionDenied):
        shop.sales_settings.update_tax_classes([TaxClassChange("standard", "S", 100)])
    with pytest.raises(PermissionDenied):
        shop.sales_settings.add_payment_method("Cheque", "other")
    with pytest.raises(PermissionDenied):
        shop.sales_settings.retire_payment_method("card")


def test_nobody_signed_in_reads_nothing(shop: Services) -> None:
    shop.accounts.logout()
    with pytest.raises(PermissionDenied):
        shop.sales_settings.selling()
    with pytest.raises(PermissionDenied):
        shop.sales_settings.payment_methods()
    assert ShopService(shop.ctx).profile().name == "Fix-It Corner"
