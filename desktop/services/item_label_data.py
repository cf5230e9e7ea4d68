"""What goes on each item's price label: read from the catalog in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop.models import Item
from desktop.services.documents.item_labels import MAX_LABELS, ItemLabel
from desktop.services.errors import NotFound
from desktop.services.money import format_money
from desktop.services.shop import shop_profile
from desktop.services.text import FieldChecker

# Retail codes print as themselves; the shop's own codes print as Code 128.
RETAIL = ("ean13", "upca")


def label_barcode(item: Item) -> tuple[str, str]:
    """(code, symbology) for the label: the first EAN-13 or UPC-A barcode (what the box
    carries), else the first other barcode, else the SKU."""
    retail = [b for b in item.barcodes if b.symbology in RETAIL]
    if retail:
        return retail[0].code, retail[0].symbology
    if item.barcodes:
        return item.barcodes[0].code, "code128"
    return item.sku, "code128"


def item_labels(session: Session, requests: Sequence[tuple[uuid.UUID, int]]) -> list[ItemLabel]:
    """One ``ItemLabel`` per (item id, how many labels), in the order asked.

    Raises ``ValidationError`` (no labels, a quantity below 1, more than ``MAX_LABELS`` in
    all) and ``NotFound`` (an item deleted meanwhile)."""
    check = FieldChecker()
    if not requests:
        check.fail("items", "Choose at least one item.")
    if any(quantity < 1 for _item, quantity in requests):
        check.fail("quantity", "Print at least one label of each item.")
    elif sum(quantity for _item, quantity in requests) > MAX_LABELS:
        check.fail("quantity", f"At most {MAX_LABELS:,} labels at a time.")
    check.raise_if_any()
    ids = [item_id for item_id, _quantity in requests]
    items = {
        item.id: item
        for item in session.scalars(
            select(Item).where(Item.id.in_(ids)).options(selectinload(Item.barcodes))
        )
    }
    profile = shop_profile(session)
    labels = []
    for item_id, quantity in requests:
        item = items.get(item_id)
        if item is None:
            raise NotFound("An item to label no longer exists.")
        code, symbology = label_barcode(item)
        price = format_money(item.sell_price, profile.currency, profile.locale)
        labels.append(ItemLabel(item.name, price, code, symbology, quantity))
    return labels
