"""Rows of a long list read in blocks as the view asks for them (customers, items).

The list knows its true total, so the scroll bar is honest. A block is read by keyset
after the previous block when that one is cached (scrolling down), else by offset (the
scroll bar was dragged far ahead); the least recently used blocks are dropped.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

BLOCK_SIZE = 200
MAX_BLOCKS = 50


class KeysetRow(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def sort_name(self) -> str: ...


Row = TypeVar("Row", bound=KeysetRow)
# read(after=(sort name, id) of the previous row, or None; offset) -> up to BLOCK_SIZE rows
Reader = Callable[[tuple[str, uuid.UUID] | None, int], list[Row]]


class Blocks(Generic[Row]):
    def __init__(self, read: Reader[Row]) -> None:
        self._read = read
        self._blocks: OrderedDict[int, list[Row]] = OrderedDict()
        self.total = 0
        self.fetches = 0  # blocks read; tests check the laziness with it

    def reset(self, read: Reader[Row], total: int, first_block: list[Row] | None) -> None:
        """Another list (a new query or filter): its reader, its total, perhaps its first
        block already read off the GUI thread."""
        self._read = read
        self.total = total
        self._blocks.clear()
        if first_block is not None:
            self._blocks[0] = first_block

    def row(self, row: int) -> Row | None:
        if not 0 <= row < self.total:
            return None
        block = self._block(row // BLOCK_SIZE)
        offset = row % BLOCK_SIZE
        return block[offset] if offset < len(block) else None

    def row_of(self, row_id: uuid.UUID) -> int | None:
        """The row of ``row_id`` among the blocks already read, if any."""
        for number, block in self._blocks.items():
            for offset, found in enumerate(block):
                if found.id == row_id:
                    return number * BLOCK_SIZE + offset
        return None

    def cached(self) -> int:
        return len(self._blocks)

    def _block(self, number: int) -> list[Row]:
        block = self._blocks.get(number)
        if block is not None:
            self._blocks.move_to_end(number)
            return block
        previous = self._blocks.get(number - 1)
        if previous and len(previous) == BLOCK_SIZE:
            block = self._read((previous[-1].sort_name, previous[-1].id), 0)
        else:
            block = self._read(None, number * BLOCK_SIZE)
        self.fetches += 1
        self._blocks[number] = block
        while len(self._blocks) > MAX_BLOCKS:
            self._blocks.popitem(last=False)
        return block
