"""Tables and fields of the database in the words a shop manager uses, and values and
times as sync's review screens show them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

_CONTEXT = "SyncWords"

# Tables a manager meets in conflicts and refused changes; any other is spelled out from
# its name.
_TABLES = {
    "customers": "Customer",
    "customer_phones": "Customer phone",
    "devices": "Device",
    "device_models": "Device model",
    "items": "Item",
    "item_barcodes": "Item barcode",
    "item_suppliers": "Item supplier",
    "suppliers": "Supplier",
    "tickets": "Ticket",
    "ticket_notes": "Ticket note",
    "ticket_parts": "Ticket part",
    "ticket_labour_lines": "Ticket labour",
    "ticket_statuses": "Ticket status",
    "users": "Staff member",
    "shop_profile": "Shop profile",
    "stations": "Station",
    "payment_methods": "Payment method",
    "tax_classes": "Tax rate",
    "purchase_orders": "Purchase order",
    "purchase_order_lines": "Purchase order line",
    "stock_counts": "Stock count",
    "stock_locations": "Stock location",
    "sales_documents": "Sale or invoice",
    "sales_lines": "Sale line",
    "payments": "Payment",
    "stock_movements": "Stock movement",
    "message_templates": "Message template",
    "messages": "Message",
    "sync_conflicts": "Sync conflict",
}

_FIELDS = {
    "first_name": "first name",
    "last_name": "last name",
    "sku": "SKU",
    "code": "code",
    "username": "user name",
    "display_name": "name",
    "sell_price": "selling price",
    "cost_price": "cost price",
    "email": "email",
    "phone": "phone",
    "notes": "notes",
    "status_id": "status",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def table_words(table: str) -> str:
    """``customers`` -> "Customer"."""
    known = _TABLES.get(table)
    if known is not None:
        return _tr(known)
    return table.replace("_", " ").capitalize()


def table_plural(table: str) -> str:
    """``stock_movements`` -> "stock movements": what a load of the shop is busy with."""
    return table.strip("_").replace("_", " ")


def field_words(field: str) -> str:
    """``first_name`` -> "first name"."""
    known = _FIELDS.get(field)
    if known is not None:
        return _tr(known)
    return field.replace("_", " ")


def value_words(value: Any) -> str:
    """A synced value as text: empty for null, yes/no, plain text unquoted."""
    if value is None:
        return _tr("(empty)")
    if isinstance(value, bool):
        return _tr("yes") if value else _tr("no")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def local_time(moment: datetime | None) -> str:
    """A UTC moment in this PC's local time; naive values are taken as UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
