"""Paper a document can be made for: sheets, thermal rolls and label stock.

Plain values only (no ReportLab here), so settings screens can list them cheaply.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

MM = 72 / 25.4  # PDF points per millimetre


class ThermalWidth(IntEnum):
    """A thermal roll by its width in millimetres."""

    MM58 = 58
    MM80 = 80

    @property
    def columns(self) -> int:
        """Characters per line in the printer's normal font (font A)."""
        return 32 if self is ThermalWidth.MM58 else 48

    @property
    def dots(self) -> int:
        """Printable width of the head in dots at 203 dpi."""
        return 384 if self is ThermalWidth.MM58 else 576

    @property
    def printable_mm(self) -> float:
        return 48.0 if self is ThermalWidth.MM58 else 72.0


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"
    THERMAL_80 = "thermal_80"
    THERMAL_58 = "thermal_58"

    @property
    def label(self) -> str:
        return {
            Paper.A4: "A4",
            Paper.LETTER: "Letter",
            Paper.THERMAL_80: "Receipt roll 80 mm",
            Paper.THERMAL_58: "Receipt roll 58 mm",
        }[self]

    @property
    def thermal(self) -> ThermalWidth | None:
        """The roll width of a thermal paper; None for sheets."""
        return {Paper.THERMAL_80: ThermalWidth.MM80, Paper.THERMAL_58: ThermalWidth.MM58}.get(self)

    @property
    def sheet_size(self) -> tuple[float, float]:
        """Page width and height in points (thermal: width only, height 0 = fitted)."""
        if self is Paper.A4:
            return (210 * MM, 297 * MM)
        if self is Paper.LETTER:
            return (8.5 * 72, 11 * 72)
        return (float(self.thermal or 0) * MM, 0.0)


class LabelSize(StrEnum):
    """Common die-cut and continuous label sizes, width x height in millimetres."""

    L62X29 = "62x29"
    L57X32 = "57x32"
    L102X51 = "102x51"

    @property
    def mm(self) -> tuple[int, int]:
        width, height = self.value.split("x")
        return int(width), int(height)

    @property
    def label(self) -> str:
        width, height = self.mm
        return f"{width} × {height} mm"

    @property
    def points(self) -> tuple[float, float]:
        width, height = self.mm
        return width * MM, height * MM


DEFAULT_LABEL_SIZE = LabelSize.L62X29
