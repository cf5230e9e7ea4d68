"""Settings: shop profile, staff, backups, on a real database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.backups import inspect_backup
from desktop.views.settings.page import SettingsPage
from tests.conftest import gui_sign_in_as


def _page(qtbot, services, bus, tasks, paths) -> SettingsPage:
    page = SettingsPage(services, bus, tasks, paths)
    qtbot.addWidget(page)
    return page


def test_pages_can_be_chosen(qtbot, shop_services, bus, tasks, gui_paths) -> None:
    page = _page(qtbot, shop_services, bus, tasks, gui_paths)
    assert page.pages() == [
        "shop",
        "users",
        "tickets",
        "selling",
        "tax_rates",
        "payment_methods",
        "station",
        "sync",
        "printers",
        "scanner",
        "messages",
        "backups",
        "about",
    ]
    page.set_page("about")
    assert page.current_page() == "about"
    assert page.about.values["benchside"]


def test_owner_saves_the_shop_profile(qtbot, shop_services, bus, tasks, gui_paths) -> None:
    page = _page(qtbot, shop_services, bus, tasks, gui_paths)
    shop = page.shop
    shop.name.clear()
    qtbot.keyClicks(shop.name, "Fix-It Downtown")
    shop.tax_rate.setText("7.5")
    shop.idle_lock.setValue(10)
    with qtbot.waitSignal(bus.data_changed):
        qtbot.mouseClick(shop.save_button, Qt.MouseButton.LeftButton)
    profile = shop_services.shop.profile()
    assert (profile.name, profile.default_tax_rate_bp, profile.idle_lock_minutes) == (
        "Fix-It Downtown",
        750,
        10,
    )
    shop.currency.setText("XX")
    shop.save()
    assert shop.errors.message("currency")


def test_technician_cannot_edit_the_shop(qtbot, shop_services, bus, tasks, gui_paths) -> None:
    gui_sign_in_as(shop_services, "tom", "technician")
    page = _page(qtbot, shop_services, bus, tasks, gui_paths)
    assert not page.shop.save_button.isEnabled()
    assert not page.shop.name.isEnabled()
    assert page.users.add_button.isHidden()
    assert not page.users.own_password_button.isHidden()
    assert not page.backups.back_up_button.isEnabled()


def test_manager_adds_a_user(qtbot, shop_services, bus, tasks, gui_paths) -> None:
    page = _page(qtbot, shop_services, bus, tasks, gui_paths)
    dialog = page.users.add_user()
    qtbot.keyClicks(dialog.username, "tom")
    qtbot.keyClicks(dialog.display_name, "Tom Tech")
    dialog.role.setCurrentIndex(dialog.role.findData("technician"))
    qtbot.keyClicks(dialog.password, "tech-pass-123")
    dialog.save()
    users = {u.username: u.role for u in shop_services.accounts.list_users()}
    assert users["tom"] == "technician"
    assert page.users.table.rowCount() == 2


def test_back_up_now_writes_a_file(qtbot, shop_services, bus, tasks, gui_paths) -> None:
    page = _page(qtbot, shop_services, bus, tasks, gui_paths)
    target = gui_paths.backups / "manual.db"
    page.backups.back_up_to(target)
    assert target.exists()
    assert inspect_backup(target)
    assert page.backups.backups.count() == 1
