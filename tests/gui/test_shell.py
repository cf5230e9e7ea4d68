"""Setup wizard, sign-in, password change, lock, main window and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from desktop.cli import main
from desktop.config import AppPaths
from desktop.services.container import Services
from desktop.services.permissions import Role
from desktop.views.lock import LockDialog
from desktop.views.login import LoginDialog, RecoveryDialog
from desktop.views.main_window import PAGE_NAMES, MainWindow
from desktop.views.passwords import ChangePasswordDialog
from desktop.views.setup_wizard import SetupWizard
from tests.conftest import GUI_OWNER_PASSWORD, GUI_STAFF_PASSWORD


def test_setup_wizard_creates_the_shop_and_requires_the_recovery_acknowledgement(
    qtbot, tmp_path: Path
) -> None:
    services = Services.open(tmp_path / "b.db")
    wizard = SetupWizard(services)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert wizard.currentPage() is wizard.shop  # shop name is required
    assert wizard.shop.errors._labels["shop_name"].isVisibleTo(wizard.shop)
    wizard.shop.name.setText("Fix-It Corner")
    wizard.shop.currency.setCurrentText("BDT")
    wizard.next()
    assert wizard.currentPage() is wizard.owner
    wizard.owner.username.setText("owner")
    wizard.owner.display_name.setText("Olivia Owner")
    wizard.owner.password.setText("owner-pass-1")
    wizard.owner.confirm.setText("different-1")
    wizard.next()
    assert wizard.currentPage() is wizard.owner
    wizard.owner.confirm.setText("owner-pass-1")
    wizard.next()
    assert wizard.currentPage() is wizard.station
    wizard.station.code.setText("1bad")
    wizard.next()
    assert wizard.currentPage() is wizard.station
    assert not services.setup.is_set_up()
    wizard.station.code.setText("B")
    wizard.next()
    assert wizard.currentPage() is wizard.recovery
    assert services.setup.is_set_up()
    assert wizard.recovery.code.text() == wizard.recovery_code
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    wizard.recovery.written_down.setChecked(True)
    assert finish.isEnabled()
    assert "Recovery code" in wizard.recovery.recovery_document().toPlainText()
    assert services.shop.profile().currency == "BDT"
    assert services.shop.station().code == "B"
    services.close()


def test_login_succeeds_with_the_right_password(qtbot, shop_services: Services) -> None:
    shop_services.accounts.logout()
    dialog = LoginDialog(shop_services)
    qtbot.addWidget(dialog)
    dialog.username.setText("owner")
    dialog.password.setText(GUI_OWNER_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        dialog.submit()
    assert shop_services.ctx.actor is not None
    assert dialog.result_login.actor.username == "owner"


def test_login_failure_then_throttle_message(qtbot, shop_services: Services) -> None:
    shop_services.accounts.logout()
    dialog = LoginDialog(shop_services)
    qtbot.addWidget(dialog)
    dialog.username.setText("owner")
    dialog.password.setText("wrong")
    dialog.submit()
    assert "Wrong user name or password" in dialog.error.text()
    assert dialog.password.text() == ""
    for _ in range(3):
        dialog.password.setText("wrong")
        dialog.submit()
    dialog.password.setText(GUI_OWNER_PASSWORD)
    dialog.submit()
    assert "Too many failed attempts" in dialog.error.text()
    assert dialog.result() == 0


def test_owner_recovery_shows_a_new_code(qtbot, tmp_path: Path) -> None:
    from desktop.services.setup import ShopSetup

    services = Services.open(tmp_path / "b.db")
    code = services.setup.create_shop(ShopSetup("Shop", "USD", "owner", "Olivia", "owner-pass-1"))
    dialog = RecoveryDialog(services)
    qtbot.addWidget(dialog)
    dialog.username.setText("owner")
    dialog.code.setText(code.lower())
    dialog.new.setText("brand-new-pass")
    dialog.confirm.setText("brand-new-pass")
    dialog.submit()
    assert dialog.next_code and dialog.next_code != code
    assert services.accounts.login("owner", "brand-new-pass").actor.username == "owner"
    services.close()


def test_forced_password_change(qtbot, shop_services: Services) -> None:
    shop_services.accounts.add_user("tom", "Tom", Role.TECHNICIAN.value, GUI_STAFF_PASSWORD)
    result = shop_services.accounts.login("tom", GUI_STAFF_PASSWORD)
    assert result.must_change_password
    dialog = ChangePasswordDialog(shop_services, forced=True)
    qtbot.addWidget(dialog)
    dialog.current.setText(GUI_STAFF_PASSWORD)
    dialog.new.setText("short")
    dialog.confirm.setText("short")
    dialog.submit()
    assert dialog.result() == 0
    dialog.new.setText("tom-new-pass-1")
    dialog.confirm.setText("tom-new-pass-1")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        dialog.submit()
    assert not shop_services.accounts.login("tom", "tom-new-pass-1").must_change_password


@pytest.fixture
def window(qtbot, shop_services: Services, bus, tasks, gui_paths) -> MainWindow:
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    window.show()
    return window


def test_main_window_navigation_and_status_bar(window: MainWindow) -> None:
    assert window.current_page_name() == "dashboard"
    assert window.user_label.text() == "Olivia Owner (Owner)"
    assert "Station A" in window.station_label.text()
    assert window.sync_status.text() == "Sync off"
    for index, name in enumerate(PAGE_NAMES):
        window.nav.setCurrentRow(index)
        assert window.current_page_name() == name
    assert type(window.page("customers")).__name__ == "CustomersPage"
    assert type(window.page("settings")).__name__ == "SettingsPage"
    window.show_page("tickets")
    assert window.nav.currentRow() == PAGE_NAMES.index("tickets")


def test_ctrl_k_opens_search_and_a_choice_opens_the_customer(window: MainWindow) -> None:
    palette = window.open_search()
    assert palette.isVisible()
    from desktop.services.customers import CustomerInput

    customer = window._services.customers.create(CustomerInput(first_name="Ann", last_name="Lee"))
    palette.customer_chosen.emit(customer.id)
    assert window.current_page_name() == "customers"


def test_ctrl_n_intake_then_the_ticket_opens_once_and_the_palette_finds_it(
    qtbot, window: MainWindow
) -> None:
    from desktop.services.customers import CustomerInput
    from desktop.views.tickets.detail import TicketWindow
    from desktop.views.tickets.intake import IntakeDialog

    services = window._services
    from desktop.services.devices import DeviceInput

    customer = services.customers.create(CustomerInput(first_name="Ann", last_name="Lee"))
    services.devices.save(DeviceInput(customer.id, "Phone", "Apple", "iPhone 13"))
    window.new_ticket_action.trigger()
    intake = window.findChild(IntakeDialog)
    assert intake is not None and intake.isVisible()
    intake.choose_customer(customer.id)
    intake.problem.setPlainText("Screen")
    photo = window._paths.data_dir / "front.jpg"
    from PIL import Image

    Image.new("RGB", (800, 600), "grey").save(photo)
    intake.set_photos([photo])
    assert intake.photos_label.text() == "1 photo(s)"
    intake.save()
    assert len(window.ticket_windows) == 1
    ticket_id, opened = next(iter(window.ticket_windows.items()))
    assert isinstance(opened, TicketWindow) and opened.isVisible()
    assert [a.original_name for a in services.tickets.get(ticket_id).attachments] == ["front.jpg"]
    assert window.open_ticket(ticket_id) is opened  # the same window, brought forward
    palette = window.open_search()
    palette.edit.setText("t-a-1000")
    palette.run_search()
    assert palette.results.item(0).text().startswith("Ticket: T-A-10001")
    opened.close()
    assert window.ticket_windows == {}
    palette._choose(palette.results.item(0))
    assert ticket_id in window.ticket_windows


def test_lock_then_switch_user_updates_status_bar_and_publishes(
    qtbot, window: MainWindow, shop_services: Services, bus
) -> None:
    shop_services.accounts.add_user("maria", "Maria", Role.MANAGER.value, GUI_STAFF_PASSWORD)
    dialog = window.lock()
    assert isinstance(dialog, LockDialog)
    assert window.locked and not window.centralWidget().isVisible()
    dialog.reject()  # Escape does not unlock
    assert window.locked
    dialog.password.setText("wrong")
    dialog.submit()
    assert window.locked and dialog.error.text() == "Wrong password."
    dialog.switch_to("maria")
    dialog.password.setText(GUI_STAFF_PASSWORD)
    with qtbot.waitSignal(bus.data_changed, timeout=1000) as published:
        dialog.submit()
    assert published.args[0].everything
    assert not window.locked and window.centralWidget().isVisible()
    assert window.user_label.text() == "Maria (Manager)"
    assert shop_services.ctx.actor.username == "maria"


def test_unlock_with_own_password(window: MainWindow) -> None:
    dialog = window.lock()
    dialog.password.setText(GUI_OWNER_PASSWORD)
    dialog.submit()
    assert not window.locked


def test_idle_timeout_locks_the_window(qtbot, window: MainWindow) -> None:
    window.idle.set_interval_ms(20)
    qtbot.waitUntil(lambda: window.locked, timeout=2000)


def test_backup_and_restore_round_trip(tmp_path: Path, shop_services: Services, gui_paths) -> None:
    from desktop.services.customers import CustomerInput

    backup = tmp_path / "copy.db"
    assert main(["backup", str(backup), "--data-dir", str(gui_paths.data_dir)]) == 1  # no db
    data = tmp_path / "data"
    paths = AppPaths.at(data)
    paths.create()
    services = Services.open(paths.database)
    from desktop.services.setup import ShopSetup

    services.setup.create_shop(ShopSetup("Shop", "USD", "owner", "Olivia", "owner-pass-1"))
    services.accounts.login("owner", "owner-pass-1")
    services.customers.create(CustomerInput(first_name="Before"))
    assert main(["backup", str(backup), "--data-dir", str(data)]) == 0
    services.customers.create(CustomerInput(first_name="After"))
    assert services.customers.count() == 2
    services.close()

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    assert main(["restore", str(not_a_backup), "--data-dir", str(data), "--yes"]) == 1
    assert main(["restore", str(backup), "--data-dir", str(data), "--yes"]) == 0
    restored = Services.open(paths.database)
    assert restored.customers.count() == 1
    restored.close()
    assert any(p.name.startswith("before-restore-") for p in paths.backups.iterdir())


def _run_cli(args: list[str], env_extra: dict[str, str], timeout: int = 60):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_screenshots_command_writes_pngs(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    result = _run_cli(["screenshots", str(out)], {})
    assert result.returncode == 0, result.stderr
    names = {p.name for p in out.glob("*.png")}
    assert {
        "login.png",
        "setup-wizard.png",
        "main-dashboard.png",
        "customers.png",
        "lock.png",
        "main-tickets.png",
        "ticket-intake.png",
        "ticket-detail.png",
        "main-inventory.png",
        "inventory-items.png",
        "inventory-item-history.png",
        "item-editor.png",
        "print-labels.png",
        "inventory-stock-alerts.png",
        "inventory-purchase-orders.png",
        "purchase-order-editor.png",
        "purchase-order-receive.png",
        "inventory-suppliers.png",
        "inventory-stock-count.png",
        "sales-counter.png",
        "sales-payment.png",
        "sales-return.png",
    } <= names


def test_demo_start_signs_in_and_opens_customers_then_exits(tmp_path: Path) -> None:
    result = _run_cli(
        ["--demo", "--data-dir", str(tmp_path / "demo")],
        {"BENCHSIDE_EXIT_WHEN_READY": "1", "BENCHSIDE_OPEN_SCREEN": "customers"},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo" / "benchside.db").exists()
    assert (tmp_path / "demo" / "logs" / "benchside.log").exists()


def test_second_instance_activates_the_first(qtbot, tmp_path: Path) -> None:
    from desktop.app import SingleInstance

    paths = AppPaths.at(tmp_path / "data")
    paths.create()
    first = SingleInstance(paths)
    assert first.acquire()
    second = SingleInstance(paths)
    assert not second.acquire()
    with qtbot.waitSignal(first.activation_requested, timeout=3000):
        assert second.notify_running()
    first.release()
    assert SingleInstance(paths).acquire()


def test_demo_imeis_carry_a_valid_luhn_digit() -> None:
    from desktop.demo import luhn_complete
    from desktop.services.text import luhn_valid

    assert luhn_complete("49015420323751") == "490154203237518"
    assert luhn_valid(luhn_complete("35123456789012"))


def test_lock_hides_open_tickets_and_sign_out_closes_them(qtbot, window: MainWindow) -> None:
    from desktop.services.customers import CustomerInput
    from desktop.services.tickets import TicketInput

    services = window._services
    customer = services.customers.create(CustomerInput(last_name="Lock"))
    ticket = services.tickets.create(TicketInput(customer.id, problem="Screen"))
    opened = window.open_ticket(ticket.id)
    assert opened.isVisible()
    lock = window.lock()
    assert not opened.isVisible()
    lock.password.setText(GUI_OWNER_PASSWORD)
    lock.submit()
    assert opened.isVisible()
    window.sign_out()
    assert window.ticket_windows == {}
