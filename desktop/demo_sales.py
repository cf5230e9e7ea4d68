"""The demo shop's counter: a morning of sales paid in cash, by card and by mobile money,
one put on a customer's account, one return, and a sale on hold."""

from __future__ import annotations

from dataclasses import replace

from desktop.services.container import Services
from desktop.services.item_lists import ItemFilter
from desktop.services.pricing import Discount
from desktop.services.returns import ReturnLine
from desktop.services.sales_types import Cart, PaymentInput


def create_demo_sales(services: Services) -> None:
    """Sales over the demo catalog; needs the owner signed in and the parts in stock."""
    sales = services.sales
    rows = [r for r in services.item_lists.page(ItemFilter(), limit=60) if r.kind == "stock"]
    stocked = [r for r in rows if r.on_hand > 3 and r.sell_price > 0][:8]
    if len(stocked) < 4:
        return
    customers = services.customers.page(limit=3)

    def cart(*picks: tuple[int, int], **changes: object) -> Cart:
        lines = tuple(sales.line_for_item(stocked[i].id, quantity) for i, quantity in picks)
        return replace(sales.new_cart(), lines=lines, **changes)  # type: ignore[arg-type]

    def paid_in_cash(c: Cart) -> list[PaymentInput]:
        total = sales.totals(c).total
        return [PaymentInput("cash", total, tendered=-(-total // 2000) * 2000)]

    first = cart((0, 1), (1, 2))
    sold = sales.complete(first, paid_in_cash(first)).document
    card = cart((2, 1))
    sales.complete(card, [PaymentInput("card", sales.totals(card).total)])
    split = cart((3, 1), (1, 1), discount=Discount("percent", 500))
    total = sales.totals(split).total
    sales.complete(
        split,
        [
            PaymentInput("bkash", total // 2, reference="8HX77Q2K"),
            PaymentInput("cash", total - total // 2),
        ],
    )
    if customers:
        owed = cart((0, 2), customer_id=customers[0].id)
        total = sales.totals(owed).total
        sales.complete(
            owed, [PaymentInput("cash", total // 4), PaymentInput("on_account", total - total // 4)]
        )
    back = [ReturnLine(sold.lines[1].id, 1)]
    refund = services.returns.plan(sold.id, back).to_refund
    services.returns.refund(sold.id, back, [PaymentInput("cash", refund)], "Wrong model")
    sales.hold(cart((2, 1), (3, 1)), "Picks up the case at five")
