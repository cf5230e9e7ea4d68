"""First start: the shop profile, the owner account, this station, the recovery code; or,
on a PC that joins a shop with a sync server, the join page (``setup_join``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.services.container import Services
from desktop.services.errors import ValidationError
from desktop.services.passwords import password_problem
from desktop.services.setup import ShopSetup, check_shop_fields, check_username
from desktop.services.text import FieldChecker
from desktop.views.forms import FieldErrors, error_label
from desktop.views.passwords import password_edit
from desktop.views.setup_join import (
    JOIN_PAGE,
    OWNER_PAGE,
    RECOVERY_PAGE,
    SHOP_PAGE,
    START_PAGE,
    STATION_PAGE,
    JoinLink,
    JoinPage,
    StartPage,
)

CURRENCIES = ("USD", "EUR", "GBP", "BDT", "INR", "CAD", "AUD", "PKR", "AED", "ZAR", "NGN")


class _FormPage(QWizardPage):
    """A page whose fields show the service's validation messages beneath them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        self.errors = FieldErrors(error_label(self))
        outer.addWidget(self.errors.general)

    def row(self, field: str, label: str, widget: QWidget) -> None:
        self.form.addRow(label, widget)
        self.form.addRow("", self.errors.add(field, error_label(self)))

    def check(self, checker: FieldChecker) -> bool:
        try:
            checker.raise_if_any()
        except ValidationError as exc:
            self.errors.show(exc.errors)
            return False
        self.errors.clear()
        return True


class ShopPage(_FormPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Your shop"))
        self.setSubTitle(self.tr("How the shop appears on receipts and invoices."))
        self.name = QLineEdit(self)
        self.address = QPlainTextEdit(self)
        self.address.setFixedHeight(60)
        self.phone = QLineEdit(self)
        self.email = QLineEdit(self)
        self.tax_id = QLineEdit(self)
        self.currency = QComboBox(self)
        self.currency.addItems(CURRENCIES)
        self.prices_include_tax = QCheckBox(self.tr("Prices include tax"), self)
        self.prices_include_tax.setChecked(True)
        self.tax_rate = QDoubleSpinBox(self)
        self.tax_rate.setRange(0, 100)
        self.tax_rate.setDecimals(2)
        self.tax_rate.setSuffix(" %")
        self.logo_path = QLineEdit(self)
        self.logo_path.setReadOnly(True)
        choose = QPushButton(self.tr("Choose…"), self)
        choose.clicked.connect(self._on_choose_clicked)
        logo_row = QWidget(self)
        logo_row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        logo_layout = QHBoxLayout(logo_row)
        logo_layout.setContentsMargins(0, 0, 0, 0)
        logo_layout.addWidget(self.logo_path)
        logo_layout.addWidget(choose)
        self.row("shop_name", self.tr("Shop name:"), self.name)
        self.row("address", self.tr("Address:"), self.address)
        self.row("phone", self.tr("Phone:"), self.phone)
        self.row("email", self.tr("Email:"), self.email)
        self.row("tax_id", self.tr("Tax id:"), self.tax_id)
        self.row("currency", self.tr("Currency:"), self.currency)
        self.row("prices_include_tax", "", self.prices_include_tax)
        self.row("default_tax_rate", self.tr("Default tax rate:"), self.tax_rate)
        self.row("logo", self.tr("Logo:"), logo_row)

    def _on_choose_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the shop logo"), "", self.tr("Images (*.png *.jpg *.jpeg)")
        )
        if path:
            self.logo_path.setText(path)

    def logo(self) -> bytes | None:
        path = self.logo_path.text()
        if not path:
            return None
        try:
            return Path(path).read_bytes()
        except OSError:
            return None

    def validatePage(self) -> bool:
        checker = FieldChecker()
        if self.logo_path.text() and self.logo() is None:
            checker.fail("logo", self.tr("The logo file cannot be read."))
        check_shop_fields(checker, self.wizard().shop_setup())  # type: ignore[attr-defined]
        return self.check(checker)


class OwnerPage(_FormPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Owner account"))
        self.setSubTitle(self.tr("The owner can do everything, including managing staff."))
        self.username = QLineEdit(self)
        self.display_name = QLineEdit(self)
        self.password = password_edit(self)
        self.confirm = password_edit(self)
        self.row("owner_username", self.tr("User name:"), self.username)
        self.row("owner_display_name", self.tr("Your name:"), self.display_name)
        self.row("owner_password", self.tr("Password:"), self.password)
        self.row("confirm", self.tr("Repeat password:"), self.confirm)

    def validatePage(self) -> bool:
        checker = FieldChecker()
        check_username(checker, "owner_username", self.username.text())
        checker.line("owner_display_name", self.display_name.text(), 100, required=True)
        problem = password_problem(self.password.text())
        if problem:
            checker.fail("owner_password", problem)
        elif self.password.text() != self.confirm.text():
            checker.fail("confirm", self.tr("The two passwords differ."))
        return self.check(checker)


class StationPage(_FormPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("This station"))
        self.setSubTitle(
            self.tr(
                "Each PC at the counter is a station. Its code appears in ticket and "
                "invoice numbers (T-A-10001), so every station needs its own code."
            )
        )
        self.name = QLineEdit(self.tr("Counter"), self)
        self.code = QLineEdit("A", self)
        self.code.setMaxLength(4)
        self.row("station_name", self.tr("Station name:"), self.name)
        self.row("station_code", self.tr("Station code:"), self.code)

    def validatePage(self) -> bool:
        return self.wizard().create_shop()  # type: ignore[attr-defined,no-any-return]


class RecoveryPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Owner recovery code"))
        self.setSubTitle(
            self.tr(
                "If the owner password is ever forgotten, this code resets it. It is shown "
                "only now: print it or write it down and keep it somewhere safe."
            )
        )
        layout = QVBoxLayout(self)
        self.code = QLabel(self)
        font = self.code.font()
        font.setFamily("monospace")
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.code.setFont(font)
        layout.addWidget(self.code)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        layout.addWidget(self.print_button)
        self.written_down = QCheckBox(self.tr("I have written it down"), self)
        self.registerField("written_down*", self.written_down)
        layout.addWidget(self.written_down)
        layout.addStretch()

    def initializePage(self) -> None:
        self.code.setText(self.wizard().recovery_code or "")  # type: ignore[attr-defined]

    def nextId(self) -> int:
        return -1

    def _on_print_button_clicked(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.recovery_document().print_(printer)

    def recovery_document(self) -> QTextDocument:
        wizard = self.wizard()
        document = QTextDocument(self)
        document.setPlainText(
            self.tr(
                "Benchside owner recovery code\n\nShop: {shop}\nOwner: {owner}\n\n"
                "Recovery code: {code}\n\nKeep this paper somewhere safe. The code resets "
                "the owner password once; afterwards a new code is shown."
            ).format(
                shop=wizard.shop.name.text(),  # type: ignore[attr-defined]
                owner=wizard.owner.username.text(),  # type: ignore[attr-defined]
                code=wizard.recovery_code,  # type: ignore[attr-defined]
            )
        )
        return document


class SetupWizard(QWizard):
    """Accepted once the shop exists and the recovery code was acknowledged, or (with
    ``join``) once a shop joined from the sync server has loaded. A PC that began
    joining opens straight at the join page and goes on loading."""

    def __init__(
        self, services: Services, parent: QWidget | None = None, join: JoinLink | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.recovery_code: str | None = None
        self.setWindowTitle(self.tr("Set up Benchside"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.shop = ShopPage(self)
        self.owner = OwnerPage(self)
        self.station = StationPage(self)
        self.recovery = RecoveryPage(self)
        self.start: StartPage | None = None
        self.join: JoinPage | None = None
        if join is not None:
            self.start = StartPage(self)
            self.join = JoinPage(services, join, self)
            self.setPage(START_PAGE, self.start)
            self.setPage(JOIN_PAGE, self.join)
        pages = ((SHOP_PAGE, self.shop), (OWNER_PAGE, self.owner), (STATION_PAGE, self.station))
        for page_id, page in (*pages, (RECOVERY_PAGE, self.recovery)):
            self.setPage(page_id, page)
        if join is not None and (join.connection.enrolled or services.setup.joining()):
            self.setStartId(JOIN_PAGE)
        self.currentIdChanged.connect(self._on_current_id_changed)
        self.resize(620, 560)

    def _on_current_id_changed(self, page_id: int) -> None:
        # Only the recovery page may not be left: the join page keeps Back and Cancel.
        last = page_id == RECOVERY_PAGE
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, last)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, last)

    def shop_setup(self) -> ShopSetup:
        shop, owner, station = self.shop, self.owner, self.station
        return ShopSetup(
            shop_name=shop.name.text(),
            currency=shop.currency.currentText(),
            owner_username=owner.username.text(),
            owner_display_name=owner.display_name.text(),
            owner_password=owner.password.text(),
            station_code=station.code.text(),
            station_name=station.name.text(),
            address=shop.address.toPlainText(),
            phone=shop.phone.text(),
            email=shop.email.text(),
            tax_id=shop.tax_id.text(),
            prices_include_tax=shop.prices_include_tax.isChecked(),
            default_tax_rate_bp=round(shop.tax_rate.value() * 100),
            logo=shop.logo(),
        )

    def create_shop(self) -> bool:
        if self.recovery_code is not None:
            return True
        try:
            self.recovery_code = self._services.setup.create_shop(self.shop_setup())
        except ValidationError as exc:
            for page in (self.shop, self.owner, self.station):
                page.errors.show(exc.errors, unknown_to_general=False)
            station_fields = {"station_code", "station_name"}
            elsewhere = [m for f, m in exc.errors.items() if f not in station_fields]
            if elsewhere:
                self.station.errors.show_general(
                    self.tr("Please go back and correct: {problems}").format(
                        problems=" ".join(elsewhere)
                    )
                )
            return False
        return True

    def reject(self) -> None:
        # Once the shop exists the recovery code must be acknowledged before leaving.
        if self.recovery_code is None:
            if self.join is not None:
                self.join.stop_loading()  # goes on at the next start
            super().reject()
