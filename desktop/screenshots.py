"""`benchside screenshots DIR`: render the main screens of a demo shop to PNG files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from desktop.app import create_application
from desktop.config import AppPaths
from desktop.services.container import Services


def _save(widget: QWidget, directory: Path, name: str, written: list[Path]) -> None:
    target = directory / f"{name}.png"
    widget.grab().save(str(target))
    written.append(target)


def take_screenshots(directory: Path, data_dir: Path | None = None) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    app = create_application()
    with tempfile.TemporaryDirectory(prefix="benchside-shots-") as temp:
        paths = AppPaths.at(data_dir or Path(temp) / "demo")
        paths.create()
        written = render_all(app, paths, Path(temp), directory)
    for path in written:
        print(path)
    return 0


def render_all(app: QApplication, paths: AppPaths, temp: Path, out: Path) -> list[Path]:
    from desktop.demo import DEMO_OWNER, DEMO_OWNER_PASSWORD, create_demo_shop
    from desktop.views.bus import DataBus
    from desktop.views.login import LoginDialog
    from desktop.views.main_window import PAGE_NAMES, MainWindow
    from desktop.views.setup_wizard import SetupWizard
    from desktop.views.tasks import TaskRunner

    written: list[Path] = []
    fresh = Services.open(temp / "fresh.db")
    wizard = SetupWizard(fresh)
    wizard.show()
    _save(wizard, out, "setup-wizard", written)
    wizard.close()
    fresh.close()

    services = Services.open(paths.database, backup_dir=paths.backups)
    if not services.setup.is_set_up():
        create_demo_shop(services)
    login = LoginDialog(services)
    login.username.setText(DEMO_OWNER)
    login.show()
    _save(login, out, "login", written)
    login.close()
    services.accounts.login(DEMO_OWNER, DEMO_OWNER_PASSWORD)

    tasks = TaskRunner(synchronous=True)
    bus = DataBus()
    window = MainWindow(services, bus, tasks, paths)
    window.resize(1280, 800)
    window.show()
    _save(window, out, "main-dashboard", written)
    for name in PAGE_NAMES:
        if name in {"dashboard", "customers", "settings"}:
            continue
        window.show_page(name)
        _save(window, out, f"main-{name}", written)
    customers = window.show_page("customers")
    _save(window, out, "customers", written)
    first = services.customers.search("a", limit=1)
    if first and hasattr(customers, "open_customer"):
        customers.open_customer(first[0].id)
        _save(window, out, "customer-detail", written)
        devices = services.devices.for_customer(first[0].id)
        dialogs = [
            ("customer-editor", customers.edit_customer()),
            ("customer-new", customers.new_customer()),
            ("device-editor", customers.edit_device(devices[0].id if devices else None)),
            ("customer-merge", customers.merge_customer()),
        ]
        for name, dialog in dialogs:
            if dialog is not None:
                _save(dialog, out, name, written)
                dialog.close()
    settings = window.show_page("settings")
    if hasattr(settings, "pages") and hasattr(settings, "set_page"):
        for page in settings.pages():
            settings.set_page(page)
            _save(window, out, f"settings-{page}", written)
    else:
        _save(window, out, "settings", written)
    window.show_page("dashboard")
    palette = window.open_search()
    edit = getattr(palette, "edit", None)
    if edit is not None:
        edit.setText("smith")
        run = getattr(palette, "run_search", None)
        if run is not None:
            run()
    _save(palette, out, "search-palette", written)
    palette.close()
    from desktop.views.passwords import ChangePasswordDialog

    change = ChangePasswordDialog(services, forced=True, parent=window)
    change.show()
    _save(change, out, "change-password", written)
    change.close()
    lock = window.lock()
    _save(lock, out, "lock", written)
    window.lock_dialog = None
    lock.hide()
    window.close()
    tasks.wait()
    services.close()
    return written
