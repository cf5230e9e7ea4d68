from __future__ import annotations

import pytest

from desktop.services.container import Services
from desktop.services.numbering import next_number


def test_numbers_are_per_station_and_survive_restarts(shop: Services) -> None:
    with shop.ctx.uow() as tx:
        assert next_number(tx.session, "A", "ticket") == "T-A-10001"
        assert next_number(tx.session, "A", "ticket") == "T-A-10002"
        assert next_number(tx.session, "A", "sale") == "S-A-000001"
        assert next_number(tx.session, "B", "invoice") == "INV-B-000001"
        tx.commit()
    shop.close()
    reopened = Services.open(shop.path)
    with reopened.ctx.uow() as tx:
        assert next_number(tx.session, "A", "ticket") == "T-A-10003"
        tx.commit()


def test_a_rolled_back_document_gives_its_number_back(shop: Services) -> None:
    with pytest.raises(RuntimeError), shop.ctx.uow() as tx:
        next_number(tx.session, "A", "sale")
        raise RuntimeError("sale voided by a crash before commit")
    with shop.ctx.uow() as tx:
        assert next_number(tx.session, "A", "sale") == "S-A-000001"
