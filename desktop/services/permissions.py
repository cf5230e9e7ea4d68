"""Roles and what each may do. Checked in services; views hide what a role cannot do."""

from __future__ import annotations

from enum import Enum, StrEnum


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    TECHNICIAN = "technician"
    FRONT_DESK = "front_desk"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Permission(Enum):
    MANAGE_SHOP = "change the shop profile"
    MANAGE_STAFF = "manage staff accounts"
    MANAGE_OWNERS = "manage owner accounts"
    RESET_PASSWORDS = "reset staff passwords"
    EDIT_CUSTOMERS = "edit customers"
    EDIT_TICKETS = "create and work on repair tickets"
    MANAGE_TICKET_STATUSES = "change the ticket statuses"
    CLOSE_TICKETS = "close or cancel repair tickets"
    REOPEN_TICKETS = "reopen closed repair tickets"
    MERGE_CUSTOMERS = "merge customers"
    DELETE_CUSTOMERS = "delete customers"
    VIEW_PASSCODES = "see device passcodes"
    MANAGE_BACKUPS = "back up or restore the database"
    MANAGE_STATION = "change this station's settings"
    VIEW_AUDIT = "view the audit log"
    VIEW_REPORTS = "see the shop's figures and reports"
    EDIT_ITEMS = "add or change inventory items and their prices"
    RECEIVE_STOCK = "receive stock or move it between locations"
    ADJUST_STOCK = "adjust or write off stock"
    ORDER_STOCK = "manage suppliers and purchase orders"
    SELL = "sell at the counter and take payments"
    APPROVE_SALES = "approve discounts, refunds and prices above the limits"
    VOID_INVOICES = "void invoices"
    ISSUE_STORE_CREDIT = "give store credit by hand"
    RESOLVE_SYNC_CONFLICTS = "review what sync chose between two stations' edits"

    @property
    def description(self) -> str:
        return str(self.value)


# Receiving a delivery or moving parts to the van is everyday work; prices, costs and
# stock corrections (which change what the shop's stock is worth) are management's.
_EVERYONE = {
    Permission.EDIT_CUSTOMERS,
    Permission.EDIT_TICKETS,
    Permission.RECEIVE_STOCK,
    Permission.SELL,
}
_MANAGER = _EVERYONE | {
    Permission.MANAGE_STAFF,
    Permission.RESET_PASSWORDS,
    Permission.MERGE_CUSTOMERS,
    Permission.DELETE_CUSTOMERS,
    Permission.VIEW_PASSCODES,
    Permission.MANAGE_BACKUPS,
    Permission.MANAGE_STATION,
    Permission.VIEW_AUDIT,
    Permission.VIEW_REPORTS,
    Permission.CLOSE_TICKETS,
    Permission.REOPEN_TICKETS,
    Permission.EDIT_ITEMS,
    Permission.ADJUST_STOCK,
    Permission.ORDER_STOCK,
    Permission.APPROVE_SALES,
    Permission.VOID_INVOICES,
    Permission.ISSUE_STORE_CREDIT,
    Permission.RESOLVE_SYNC_CONFLICTS,
}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.MANAGER: frozenset(_MANAGER),
    Role.TECHNICIAN: frozenset(_EVERYONE | {Permission.VIEW_PASSCODES, Permission.REOPEN_TICKETS}),
    Role.FRONT_DESK: frozenset(_EVERYONE | {Permission.CLOSE_TICKETS}),
}


def allowed(role: str, permission: Permission) -> bool:
    try:
        return permission in GRANTS[Role(role)]
    except ValueError:
        return False
