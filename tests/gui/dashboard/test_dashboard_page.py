"""The dashboard over a real database: figures, charts, drilling down, and what each
role sees."""

from __future__ import annotations

from dataclasses import replace

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.items import ItemInput
from desktop.services.report_periods import Period, PeriodKind
from desktop.services.sales_types import PaymentInput
from desktop.services.tickets import TicketInput
from desktop.views.dashboard import DashboardPage
from tests.conftest import gui_sign_in_as


def _sell(services: Services, price: int, method: str = "cash") -> None:
    item = services.items.create(ItemInput("Case", cost_price=price // 4, sell_price=price))
    services.stock.receive(item.item.id, 2, price // 4)
    sales = services.sales
    cart = replace(sales.new_cart(), lines=(sales.line_for_item(item.item.id),))
    sales.complete(cart, [PaymentInput(method, sales.totals(cart).total)])


def _page(services: Services, bus: object, tasks: object, qtbot) -> DashboardPage:
    page = DashboardPage(services, bus, tasks)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    return page


def test_a_manager_sees_this_months_figures_and_charts(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    _sell(shop_services, 2500)
    _sell(shop_services, 1500, "card")
    customer = shop_services.customers.create(CustomerInput(first_name="Ann", last_name="Zed"))
    shop_services.tickets.create(TicketInput(customer.id, problem="Screen"))
    page = _page(shop_services, bus, tasks, qtbot)
    assert page.tiles["revenue"].value.text() == "$40.00"
    assert page.tiles["revenue"].change.text() == "New this period"
    assert page.tiles["tickets"].value.text() == "1"
    assert page.tiles["open"].value.text() == "1"
    revenue = page.charts["revenue"].bar_values()[0]
    assert sum(revenue) == 40.0 and len(revenue) == page.current_period().days
    assert page.charts["statuses"].bar_values() == [[1, 0, 0, 0, 0, 0, 0, 0]]
    methods = page.charts["methods"].chart().series()[0]
    assert sorted(round(s.value(), 2) for s in methods.slices()) == [15.0, 25.0]


def test_the_period_picker_reloads_and_a_bad_range_keeps_the_figures(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    _sell(shop_services, 2500)
    page = _page(shop_services, bus, tasks, qtbot)
    today = page.current_period().last
    now = page.figures.now  # type: ignore[union-attr]
    page.period_bar.kind.setCurrentIndex(page.period_bar.kind.findData(PeriodKind.LAST_MONTH))
    assert page.tiles["revenue"].value.text() == "$0.00"
    assert page.figures.now is now  # type: ignore[union-attr]  # the period only is read
    page.period_bar.kind.setCurrentIndex(page.period_bar.kind.findData(PeriodKind.CUSTOM))
    page.period_bar.first.setDate(today)
    page.period_bar.last.setDate(today.replace(year=today.year - 1))
    assert page.period_bar.period() is None
    assert page.tiles["revenue"].value.text() in {"$0.00", "$25.00"}  # unchanged, no crash


def test_clicking_figures_and_bars_asks_for_the_list_behind_them(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    _sell(shop_services, 2500)
    page = _page(shop_services, bus, tasks, qtbot)
    asked: list[tuple[object, ...]] = []
    page.tickets_requested.connect(lambda where, caption: asked.append(("tickets", where)))
    page.report_requested.connect(lambda key, period: asked.append(("report", key, period)))
    page.tiles["overdue"].clicked.emit()
    page.tiles["revenue"].clicked.emit()
    page.charts["statuses"].click_bar(0, 4)  # the "Ready" bar
    day = page.current_period().last
    index = (day - page.current_period().first).days
    page.charts["revenue"].click_bar(0, index)
    assert asked[0][0] == "tickets" and asked[0][1].overdue  # type: ignore[union-attr]
    assert asked[1][:2] == ("report", "sales_by_day")
    assert asked[2][1].categories == frozenset({"ready"})  # type: ignore[union-attr]
    key, period = asked[3][1:]
    assert key == "sales_by_item" and isinstance(period, Period)
    assert (period.first, period.last) == (day, day)


def test_a_technician_sees_their_own_bench_only(shop_services: Services, bus, tasks, qtbot) -> None:
    gui_sign_in_as(shop_services, "tom", "technician")
    page = _page(shop_services, bus, tasks, qtbot)
    assert not page.charts and "revenue" not in page.tiles
    assert page.tiles["my_queue"].value.text() == "0"
    assert page.tiles["my_labour"].value.text() == "$0.00"


def test_front_desk_sees_the_stock_lists_only(shop_services: Services, bus, tasks, qtbot) -> None:
    gui_sign_in_as(shop_services, "fay", "front_desk")
    page = _page(shop_services, bus, tasks, qtbot)
    assert not page.tiles and not page.period_bar.isVisibleTo(page)


def test_the_main_window_opens_what_a_figure_or_a_bar_stands_for(
    shop_services: Services, bus, tasks, gui_paths, qtbot
) -> None:
    from desktop.views.main_window import MainWindow

    _sell(shop_services, 2500)
    customer = shop_services.customers.create(CustomerInput(first_name="Ann", last_name="Zed"))
    shop_services.tickets.create(TicketInput(customer.id, problem="Screen"))
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    dashboard = window.page("dashboard")
    dashboard.tiles["open"].clicked.emit()  # type: ignore[attr-defined]
    assert window.current_page_name() == "tickets"
    tickets = window.page("tickets")
    assert tickets.shown_label.text() == "Showing: Open"  # type: ignore[attr-defined]
    assert tickets.model.rowCount() == 1  # type: ignore[attr-defined]
    tickets.clear_shown()  # type: ignore[attr-defined]
    assert not tickets.shown_bar.isVisibleTo(tickets)  # type: ignore[attr-defined]
    dashboard.tiles["revenue"].clicked.emit()  # type: ignore[attr-defined]
    assert window.current_page_name() == "reports"
    reports = window.page("reports")
    shown = reports.report  # type: ignore[attr-defined]
    assert shown is not None and shown.key == "sales_by_day"


def test_another_user_signing_in_gets_their_own_dashboard(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    from desktop.services.changes import Changes

    _sell(shop_services, 2500)
    page = _page(shop_services, bus, tasks, qtbot)
    assert page.tiles["revenue"].value.text() == "$25.00"
    gui_sign_in_as(shop_services, "tom", "technician")  # the lock screen, another user
    page.show()
    bus.publish(Changes(everything=True))
    assert "revenue" not in page.tiles and not page.charts
    assert page.tiles["my_queue"].value.text() == "0"
    assert page.message.text() == ""


def test_every_bar_has_its_own_label_over_long_and_crossing_periods(
    shop_services: Services, bus, tasks, qtbot
) -> None:
    from datetime import date

    from PySide6.QtCharts import QBarCategoryAxis

    page = _page(shop_services, bus, tasks, qtbot)
    for first, last, bars in (
        (date(2025, 11, 25), date(2026, 11, 24), 13),  # by month, November twice
        (date(2026, 1, 10), date(2026, 2, 23), 45),  # by day, across two months
    ):
        page.period_bar.set_period(PeriodKind.CUSTOM, first, last)
        page.reload()
        chart = page.charts["revenue"].chart()
        axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
        assert axis.count() == bars == len(page.charts["revenue"].bar_values()[0])
