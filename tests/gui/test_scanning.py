"""The keyboard-wedge scanner detector over real key events sent to a real window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.tickets import TicketInput
from desktop.views.scanning import ScanDetector


class _Clock:
    """Advances by ``step_ms`` on every reading: a person (slow) or a scanner (fast)."""

    def __init__(self, step_ms: float) -> None:
        self.now, self.step = 0.0, step_ms / 1000

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _form(qtbot) -> tuple[QWidget, QLineEdit]:
    form = QWidget()
    field = QLineEdit()
    QVBoxLayout(form).addWidget(field)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    return form, field


def _type(form: QWidget, text: str) -> None:
    """Key presses as the system delivers them: to the window, which passes them on."""
    window = form.windowHandle()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            key = QKeyEvent(kind, ord(char.upper()), Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(window, key)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        enter = QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
        QApplication.sendEvent(window, enter)


def _detector(taken: list[str], step_ms: float, accept: bool = True) -> ScanDetector:
    def handler(code: str) -> bool:
        taken.append(code)
        return accept

    detector = ScanDetector(handler, clock=_Clock(step_ms))
    QApplication.instance().installEventFilter(detector)
    return detector


def test_a_fast_burst_ending_in_enter_is_a_scan_and_leaves_no_junk(qtbot) -> None:
    form, field = _form(qtbot)
    field.setText("Smi")
    taken: list[str] = []
    detector = _detector(taken, step_ms=8)
    try:
        _type(form, "T-A-10001")
    finally:
        QApplication.instance().removeEventFilter(detector)
    assert taken == ["T-A-10001"]
    assert field.text() == "Smi"


def test_typing_by_hand_is_not_a_scan(qtbot) -> None:
    form, field = _form(qtbot)
    taken: list[str] = []
    detector = _detector(taken, step_ms=180)
    try:
        _type(form, "T-A-10001")
    finally:
        QApplication.instance().removeEventFilter(detector)
    assert taken == [] and field.text() == "T-A-10001"


def test_a_code_nobody_takes_stays_where_it_was_typed(qtbot) -> None:
    form, field = _form(qtbot)
    taken: list[str] = []
    detector = _detector(taken, step_ms=5, accept=False)
    pressed: list[bool] = []
    field.returnPressed.connect(lambda: pressed.append(True))
    try:
        _type(form, "4006381333931")
    finally:
        QApplication.instance().removeEventFilter(detector)
    assert taken == ["4006381333931"]
    assert field.text() == "4006381333931" and pressed == [True]


def test_scanning_a_ticket_number_anywhere_opens_the_ticket(
    qtbot, shop_services: Services, bus, tasks, gui_paths
) -> None:
    from desktop.views.main_window import MainWindow

    customer = shop_services.customers.create(CustomerInput(last_name="Scan"))
    ticket = shop_services.tickets.create(TicketInput(customer.id, problem="Screen"))
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    window.scans._clock = _Clock(5)  # a scanner's pace, whatever the machine's speed
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("customers")
    page.search.setFocus()  # type: ignore[attr-defined]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)  # type: ignore[attr-defined]
    _type(window, "t-a-10001")
    assert ticket.id in window.ticket_windows
    assert page.search.text() == ""  # type: ignore[attr-defined]
    window.close()


def _press(form: QWidget, text: str, suffix: Qt.Key = Qt.Key.Key_Return) -> None:
    window = form.windowHandle()
    for char in text:
        key = QKeyEvent(
            QEvent.Type.KeyPress, ord(char.upper()), Qt.KeyboardModifier.NoModifier, char
        )
        QApplication.sendEvent(window, key)
    end = "\t" if suffix == Qt.Key.Key_Tab else "\r"
    QApplication.sendEvent(
        window, QKeyEvent(QEvent.Type.KeyPress, suffix, Qt.KeyboardModifier.NoModifier, end)
    )


def test_a_scanner_set_to_tab_and_a_prefix_is_recognised(qtbot) -> None:
    from desktop.services.scanner_settings import ScannerSettings

    form, _field = _form(qtbot)
    taken: list[str] = []
    detector = ScanDetector(
        lambda code: taken.append(code) or True,
        ScannerSettings(suffix="tab", prefix="~"),
        clock=_Clock(12),
    )
    QApplication.instance().installEventFilter(detector)
    try:
        _press(form, "~4006381333931", Qt.Key.Key_Tab)
        _press(form, "4006381333931", Qt.Key.Key_Tab)  # no prefix: not this scanner
        _press(form, "~4006381333931", Qt.Key.Key_Return)  # Enter is not its suffix
    finally:
        QApplication.instance().removeEventFilter(detector)
    assert taken == ["4006381333931"]
    assert detector.last_burst is not None and not detector.last_burst.is_scan


def test_scanner_settings_page_saves_and_tells_a_scan_from_typing(
    qtbot, shop_services: Services, bus
) -> None:
    from desktop.services.changes import Changes
    from desktop.views.settings.scanner import ScannerPage

    page = ScannerPage(shop_services, bus)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.max_gap.setValue(40)
    page.min_length.setValue(8)
    with qtbot.waitSignal(bus.data_changed) as published:
        assert page.save()
    assert published.args == [Changes(station=True)]
    assert shop_services.scanner.get().max_gap_ms == 40

    page.activateWindow()
    page.test_field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.test_field)
    page.detector._clock = _Clock(9)
    _press(page, "4006381333931")
    assert page.result.text().startswith("Scanned “4006381333931”: 13 keys")
    assert page.test_field.text() == ""
    page.detector._clock = _Clock(150)
    _press(page, "hello there")
    assert page.result.text() == (
        "Typed “hello there”, not a scan: 11 keys, the slowest 150 ms apart."
    )


def test_an_item_scanned_into_an_open_ticket_becomes_a_part(
    qtbot, shop_services: Services, bus, tasks, gui_paths
) -> None:
    from desktop.services.items import ItemInput
    from desktop.views.main_window import MainWindow

    customer = shop_services.customers.create(CustomerInput(last_name="Parts"))
    ticket = shop_services.tickets.create(TicketInput(customer.id, problem="Battery"))
    battery = shop_services.items.create(
        ItemInput("Galaxy S21 battery", sell_price=3500, barcodes=["4006381333931"])
    ).item
    shop_services.stock.receive(battery.id, 4, 1500)
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    window.scans._clock = _Clock(8)
    window.show()
    ticket_window = window.open_ticket(ticket.id)
    qtbot.waitExposed(ticket_window)
    ticket_window.activateWindow()
    notes = ticket_window.notes_tab.note  # a text field that is not a scan target
    ticket_window.tabs.setCurrentWidget(ticket_window.notes_tab)
    notes.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    _type(ticket_window, "4006381333931")
    assert ticket_window.tabs.currentWidget() is ticket_window.parts_tab
    assert [(p.name, p.quantity) for p in ticket_window.parts_tab.parts] == [
        ("Galaxy S21 battery", 1)
    ]
    assert notes.toPlainText() == ""
    assert shop_services.stock.on_hand(battery.id) == 3
    assert ticket_window.due.text() == "Due $35.00"
    window.close()
