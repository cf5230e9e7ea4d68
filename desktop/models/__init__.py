"""SQLAlchemy tables, one module per aggregate. Importing this registers them all."""

from desktop.models.accounts import AuditEvent, LoginThrottle, User
from desktop.models.base import Base, Syncable
from desktop.models.customers import Customer, CustomerPhone, Device, DeviceModel
from desktop.models.inventory import (
    Item,
    ItemBarcode,
    StockLevel,
    StockLocation,
    StockMovement,
)
from desktop.models.messages import (
    Message,
    MessageAttachment,
    MessageTemplate,
    MessagingSettings,
)
from desktop.models.shop import DocumentSequence, LocalSetting, ShopProfile, Station
from desktop.models.sync import OutboxEntry, SearchKey, Tombstone
from desktop.models.tickets import (
    Ticket,
    TicketAssignment,
    TicketAttachment,
    TicketLabourLine,
    TicketNote,
    TicketSignature,
    TicketStatus,
    TicketStatusChange,
    TicketStatusCount,
)

__all__ = [
    "AuditEvent",
    "Base",
    "Customer",
    "CustomerPhone",
    "Device",
    "DeviceModel",
    "DocumentSequence",
    "Item",
    "ItemBarcode",
    "LocalSetting",
    "LoginThrottle",
    "Message",
    "MessageAttachment",
    "MessageTemplate",
    "MessagingSettings",
    "OutboxEntry",
    "SearchKey",
    "ShopProfile",
    "Station",
    "StockLevel",
    "StockLocation",
    "StockMovement",
    "Syncable",
    "Ticket",
    "TicketAssignment",
    "TicketAttachment",
    "TicketLabourLine",
    "TicketNote",
    "TicketSignature",
    "TicketStatus",
    "TicketStatusChange",
    "TicketStatusCount",
    "Tombstone",
    "User",
]
