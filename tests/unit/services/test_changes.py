from __future__ import annotations

import uuid

from desktop.services.changes import Changes


def test_changes_combine_items_and_stock() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    combined = Changes(items=frozenset({a})) | Changes(stock=frozenset({b}), shop=True)
    assert combined == Changes(items=frozenset({a}), stock=frozenset({b}), shop=True)
