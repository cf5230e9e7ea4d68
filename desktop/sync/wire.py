"""The wire format of sync: one change to one row, and the column values as JSON carries them.

A change is what the outbox captured (``desktop.sync.capture``), in the same shape on the
station, on the wire and in the server's change log. Values travel as JSON: UUIDs, dates
and times as ISO text, bytes as base64; ``to_python`` turns them back per column type and
refuses anything that does not fit, so a bad payload is refused before it is written.
"""

from __future__ import annotations

import base64
import binascii
import functools
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, Integer, LargeBinary, String, Table, Text, Uuid

if TYPE_CHECKING:
    from desktop.sync.schema import TableInfo

OPS = ("insert", "update", "delete")


class WireError(ValueError):
    """A change or value that cannot be read; the message says what and where."""


def wire_value(value: Any) -> Any:
    """A column value as it travels in JSON."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


@dataclass(frozen=True)
class Change:
    """One captured change to one row of a syncable table."""

    change_id: uuid.UUID
    txn_id: uuid.UUID
    table: str
    row_id: uuid.UUID
    op: str
    fields: Mapping[str, Any]
    hlc: str
    station: str
    user_id: uuid.UUID | None = None
    base_seq: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "change_id": str(self.change_id),
            "txn_id": str(self.txn_id),
            "table": self.table,
            "row_id": str(self.row_id),
            "op": self.op,
            "fields": dict(self.fields),
            "hlc": self.hlc,
            "station": self.station,
            "user_id": str(self.user_id) if self.user_id else None,
            "base_seq": self.base_seq,
        }

    @classmethod
    def from_json(cls, obj: Any) -> Change:
        """Read a change; raises ``WireError`` naming the first thing wrong with it."""
        if not isinstance(obj, Mapping):
            raise WireError("A change must be a JSON object.")
        op = _text(obj, "op", 10)
        if op not in OPS:
            raise WireError(f"Unknown operation {op!r}: use insert, update or delete.")
        fields = obj.get("fields", {})
        if not isinstance(fields, Mapping) or not all(isinstance(k, str) for k in fields):
            raise WireError("A change's fields must be an object of column names.")
        base_seq = obj.get("base_seq", 0)
        if not isinstance(base_seq, int) or isinstance(base_seq, bool) or base_seq < 0:
            raise WireError("base_seq must be a whole number of at least 0.")
        user = obj.get("user_id")
        return cls(
            change_id=_uuid(obj, "change_id"),
            txn_id=_uuid(obj, "txn_id"),
            table=_text(obj, "table", 64),
            row_id=_uuid(obj, "row_id"),
            op=op,
            fields=dict(fields),
            hlc=check_hlc(_text(obj, "hlc", 40)),
            station=_text(obj, "station", 8),
            user_id=None if user is None else _uuid(obj, "user_id"),
            base_seq=base_seq,
        )


@dataclass(frozen=True)
class Transaction:
    """The changes of one local transaction: they arrive together or not at all."""

    txn_id: uuid.UUID
    station_seq: int
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "txn_id": str(self.txn_id),
            "station_seq": self.station_seq,
            "changes": [change.to_json() for change in self.changes],
        }


def check_hlc(text: str) -> str:
    """``text`` if it is a clock value in our fixed-width form, else ``WireError``."""
    wall, _, rest = text.partition("-")
    counter, _, station = rest.partition("-")
    if not (len(wall) == 16 and wall.isdigit() and len(counter) == 5 and counter.isdigit()):
        raise WireError(f"{text!r} is not a clock value.")
    if not station or len(station) > 8:
        raise WireError(f"{text!r} does not name a station.")
    return text


def _text(obj: Mapping[str, Any], key: str, longest: int) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value or len(value) > longest:
        raise WireError(f"{key} must be text of 1 to {longest} characters.")
    return value


def _uuid(obj: Mapping[str, Any], key: str) -> uuid.UUID:
    value = obj.get(key)
    try:
        return uuid.UUID(value) if isinstance(value, str) else uuid.UUID(int=-1)
    except ValueError:
        pass
    raise WireError(f"{key} must be a UUID.")


def to_python(info: TableInfo, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Wire values of ``info``'s columns as Python values; ``WireError`` for an unknown
    column or a value that does not fit its column."""
    readers = _readers(info)
    values: dict[str, Any] = {}
    for name, value in fields.items():
        reader = readers.get(name)
        if reader is None:
            raise WireError(f"{info.name} has no field {name!r}.")
        read, may_be_empty = reader
        if value is None:
            if not may_be_empty:
                raise WireError(f"{info.name}.{name} cannot be empty.")
            values[name] = None
            continue
        try:
            values[name] = read(value)
        except (TypeError, ValueError, binascii.Error) as exc:
            raise WireError(f"{info.name}.{name}: {value!r:.60} is not a valid value.") from exc
    return values


_Reader = tuple[Callable[[Any], Any], bool]
_READERS: dict[Table, dict[str, _Reader]] = {}


def _readers(info: TableInfo) -> dict[str, _Reader]:
    """Per column of ``info``: the function reading its wire values and whether it may be
    empty. Chosen once per table: telling the column type apart for every value cost
    more than reading most values."""
    readers = _READERS.get(info.table)
    if readers is None:
        readers = {
            name: (_reader(column.type), column.nullable or column.primary_key)
            for name, column in info.columns.items()
        }
        _READERS[info.table] = readers
    return readers


def _reader(sa_type: Any) -> Callable[[Any], Any]:
    if isinstance(sa_type, Boolean):
        return _boolean
    if isinstance(sa_type, Integer):
        return _whole_number
    if isinstance(sa_type, Uuid):
        return uuid.UUID
    if isinstance(sa_type, String | Text):
        return functools.partial(_text_value, getattr(sa_type, "length", None))
    if isinstance(sa_type, Date) and not isinstance(sa_type, LargeBinary):
        return date.fromisoformat
    if isinstance(sa_type, LargeBinary):
        return _bytes
    try:
        timed = _is_time(sa_type)
    except NotImplementedError:
        # A type that cannot name its Python type: each of its values is refused.
        return functools.partial(_convert_time, sa_type)
    return _utc_moment if timed else functools.partial(_convert_time, sa_type)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not a boolean")
    return value


def _whole_number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not a whole number")
    return value


def _text_value(length: int | None, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    if length is not None and len(value) > length:
        raise ValueError(f"longer than {length} characters")
    return value


def _bytes(value: Any) -> bytes:
    return base64.b64decode(value, validate=True)


def _is_time(sa_type: Any) -> bool:
    python_type = getattr(sa_type, "python_type", None)
    return python_type is datetime or getattr(sa_type, "impl", None) is not None


def _utc_moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a time without its zone")
    return moment.astimezone(UTC)


def _convert_time(sa_type: Any, value: Any) -> Any:
    if _is_time(sa_type):
        return _utc_moment(value)
    raise TypeError(f"unsupported column type {sa_type!r}")
