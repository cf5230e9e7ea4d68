"""The customers screen: list, detail, editors and merge."""
