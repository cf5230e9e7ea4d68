"""Inventory screens: items, suppliers, purchase orders and stock counts."""
