"""The lazy, keyset-paged invoice table model over a real database."""

from __future__ import annotations

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.invoice_lists import InvoiceFilter, InvoiceStatus
from desktop.services.invoices import InvoiceDraft
from desktop.services.sales_types import CartLine
from desktop.views.itemmodels.invoices import InvoiceTableModel
from desktop.views.itemmodels.keyset import PAGE_SIZE


def _money(amount: int) -> str:
    return f"{amount / 100:.2f}"


def test_drafts_come_first_then_the_issued_ones_page_by_page(
    shop_services: Services, qtmodeltester
) -> None:
    customer = shop_services.customers.create(CustomerInput(first_name="Ann", last_name="Zed"))
    invoices = shop_services.invoices
    issued = []
    for n in range(3):
        draft = invoices.create_draft(InvoiceDraft(customer.id, (CartLine(f"Job {n}", 1, 100),)))
        issued.append(invoices.issue(draft.id).id)
    drafts = [
        invoices.create_draft(InvoiceDraft(customer.id, (CartLine(f"Quote {n}", 1, 5),))).id
        for n in range(PAGE_SIZE + 1)
    ]
    model = InvoiceTableModel(invoices, _money)
    model.set_filter(InvoiceFilter())
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    model.fetchMore()
    assert model.fetches == 2 and not model.canFetchMore()
    qtmodeltester.check(model)
    ids = [model.invoice(row).id for row in range(model.rowCount())]  # type: ignore[union-attr]
    assert ids == [*reversed(drafts), *reversed(issued)]
    assert model.index(PAGE_SIZE + 1, 0).data() == "INV-A-000003"
    assert model.index(PAGE_SIZE + 1, 4).data() == "1.00"
    model.set_filter(InvoiceFilter(InvoiceStatus.ISSUED))
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and not model.canFetchMore()
