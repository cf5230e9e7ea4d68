"""A sale the screen called done survives the process dying before the receipt prints."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from desktop.services.container import Services
from desktop.services.items import ItemInput
from tests.unit.conftest import OWNER_PASSWORD

CHILD = textwrap.dedent(
    """
    import sys, time, uuid
    from dataclasses import replace
    from pathlib import Path
    from desktop.services.container import Services
    from desktop.services.sales_types import PaymentInput

    services = Services.open(Path(sys.argv[1]))
    services.accounts.login("owner", sys.argv[2])
    cart = services.sales.new_cart()
    cart = replace(cart, lines=(services.sales.line_for_item(uuid.UUID(sys.argv[3]), 2),))
    done = services.sales.complete(cart, [PaymentInput("cash", 3000, tendered=5000)])
    print(done.document.id, flush=True)
    time.sleep(60)  # "printing": the power goes here
    """
)


def test_a_completed_sale_survives_a_kill_before_printing(shop: Services, tmp_path: Path):
    item = shop.items.create(ItemInput("Charger", sell_price=1500)).item
    shop.stock.receive(item.id, 4, 500)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(shop.path), OWNER_PASSWORD, str(item.id)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    try:
        assert child.stdout is not None
        document_id = child.stdout.readline().strip()
    finally:
        child.kill()  # SIGKILL: no clean-up runs, as when the power goes
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()
    assert document_id, "the child did not complete the sale"
    again = Services.open(shop.path)
    try:
        again.accounts.login("owner", OWNER_PASSWORD)
        sale = again.sales.find("S-A-000001")
        assert str(sale.id) == document_id
        assert (sale.total, sale.balance, sale.change_given) == (3000, 0, 2000)
        assert again.stock.on_hand(item.id) == 2
        assert again.journal.verify().intact
    finally:
        again.close()
