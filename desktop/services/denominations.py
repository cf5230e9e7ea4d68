"""The notes and coins of a currency, in minor units, for counting a drawer.

Only what is in everyday circulation is listed, each value once (where a value exists as
both a note and a coin, it is counted on one row). A currency not listed here is counted
as one amount; so is anything that does not fit a row (a roll of coins, foreign notes
kept aside): an amount typed as a whole is that many of the smallest unit, the
``LOOSE`` row.
"""

from __future__ import annotations

from dataclasses import dataclass

# One minor unit: an amount counted as a whole is this many of it.
LOOSE = 1


@dataclass(frozen=True)
class Denominations:
    currency: str
    notes: tuple[int, ...]  # largest first
    coins: tuple[int, ...]  # largest first

    @property
    def values(self) -> tuple[int, ...]:
        return self.notes + self.coins

    @property
    def known(self) -> bool:
        """Whether the drawer can be counted note by note (else as one amount)."""
        return bool(self.notes or self.coins)

    def accepts(self, value: int) -> bool:
        """Whether a count may name ``value``: one of the rows, or the loose amount."""
        return value == LOOSE or value in self.values


_TABLE: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "USD": ((10000, 5000, 2000, 1000, 500, 100), (50, 25, 10, 5, 1)),
    "EUR": ((20000, 10000, 5000, 2000, 1000, 500), (200, 100, 50, 20, 10, 5, 2, 1)),
    "GBP": ((5000, 2000, 1000, 500), (200, 100, 50, 20, 10, 5, 2, 1)),
    "BDT": ((100000, 50000, 20000, 10000, 5000, 2000, 1000), (500, 200, 100)),
    "INR": ((50000, 20000, 10000, 5000, 2000, 1000), (500, 200, 100)),
    # Canada has no pennies since 2013: cash totals round to 5 cents.
    "CAD": ((10000, 5000, 2000, 1000, 500), (200, 100, 25, 10, 5)),
    "AUD": ((10000, 5000, 2000, 1000, 500), (200, 100, 50, 20, 10, 5)),
    "CHF": ((100000, 20000, 10000, 5000, 2000, 1000), (500, 200, 100, 50, 20, 10, 5)),
    "JPY": ((10000, 5000, 1000), (500, 100, 50, 10, 5, 1)),
    "NZD": ((10000, 5000, 2000, 1000, 500), (200, 100, 50, 20, 10)),
    "SGD": ((10000, 5000, 1000, 500, 200), (100, 50, 20, 10, 5)),
}


def denominations(currency: str) -> Denominations:
    """The notes and coins of ``currency`` (an ISO code); none for a currency not listed,
    which is then counted as one amount."""
    code = currency.strip().upper()
    notes, coins = _TABLE.get(code, ((), ()))
    return Denominations(code, notes, coins)
