"""Composing ESC/POS slips for 58 and 80 mm receipt printers with python-escpos.

The bytes are built on python-escpos's ``Dummy`` printer, so a document is rendered the
same way whether it then goes to a network, USB, serial or Windows printer.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import textwrap
from functools import cache
from typing import Any

from escpos.capabilities import Profile
from escpos.printer import Dummy
from PIL import Image

from desktop.services.documents.paper import ThermalWidth

# Code pages nearly every ESC/POS printer has (Epson's standard table): Latin, Central
# European and Cyrillic. Multi-byte pages in the generic profile garble Latin text.
_CODE_PAGES = {
    "0": "CP437",
    "2": "CP850",
    "16": "CP1252",
    "17": "CP866",
    "18": "CP852",
    "19": "CP858",
}
# The drawer-kick pin: a drawer plugged into a receipt printer's drawer port (the RJ11/RJ12
# "DK" socket) is wired to pin 2 almost everywhere; pin 5 is for a second drawer.
DRAWER_PIN = 2
# python-escpos sends any text containing a CJK ideograph as GB18030, which only Chinese
# printers understand; such characters become "?" like every other unprintable one.
_IDEOGRAPHS = re.compile(r"[\u4e00-\u9fa5]")
# Characters that Babel and shop texts use but no code page above has, as the nearest
# printable text: French group separators, typographic minus and quotes, and the rupee
# and taka signs (written Rs and Tk where the sign cannot be printed).
_PLAIN = str.maketrans(
    {
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u202f": " ",
        "\u00a0": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u20b9": "Rs",
        "\u09f3": "Tk",
        "\uffe5": "\u00a5",
    }
)


def printable(value: str) -> str:
    """``value`` with typographic characters a receipt printer lacks made plain."""
    return value.translate(_PLAIN)


@cache
def _in_a_code_page(character: str) -> bool:
    for code_page in _CODE_PAGES.values():
        try:
            character.encode(code_page)
        except UnicodeEncodeError:
            continue
        return True
    return False


def can_print(value: str) -> bool:
    """Whether a receipt printer prints every character of ``value`` (after
    ``printable``) rather than question marks."""
    return all(_in_a_code_page(character) for character in printable(value))


def _profile(width: ThermalWidth) -> Any:
    """A generic ESC/POS profile with this roll's head width and columns."""
    data = copy.deepcopy(Profile.profile_data)
    data["name"] = f"Generic {int(width)} mm"
    data["codePages"] = dict(_CODE_PAGES)
    data["media"] = {"dpi": 203, "width": {"mm": int(width), "pixels": width.dots}}
    data["fonts"]["0"]["columns"] = width.columns
    data["fonts"]["1"]["columns"] = width.columns * 4 // 3
    profile_class = type(f"Generic{int(width)}Profile", (Profile,), {"profile_data": data})
    return profile_class(columns=width.columns, features=data["features"])


def wrap(value: str, columns: int, indent: int = 0) -> list[str]:
    """``value`` as lines of at most ``columns`` characters; paragraphs kept, long words
    broken, continuation lines indented by ``indent`` spaces."""
    lines: list[str] = []
    for paragraph in value.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(
                paragraph,
                columns,
                subsequent_indent=" " * indent,
                break_long_words=True,
                break_on_hyphens=False,
            )
            or [""]
        )
    return lines


class Slip:
    """One ESC/POS job: starts with ESC @ (so no state leaks from the previous job) and
    ends with a cut when ``finish()`` returns its bytes."""

    def __init__(self, width: ThermalWidth) -> None:
        self.width = width
        self.columns = width.columns
        self._printer = Dummy(profile=_profile(width))
        self._printer.hw("INIT")

    def _text(self, value: str) -> None:
        if value.isascii():
            # The same bytes in every code page above: no need for python-escpos to
            # look each character up (most of a receipt, and most of its time).
            self._printer._raw(value.encode("ascii"))
            return
        self._printer.text(_IDEOGRAPHS.sub("?", value))

    def style(
        self, *, align: str = "left", bold: bool = False, size: str = "normal", font: str = "a"
    ) -> None:
        """``size`` is normal, tall (double height) or big (double width and height)."""
        self._printer.set(
            align=align,
            bold=bold,
            font=font,
            normal_textsize=size == "normal",
            double_height=size in {"tall", "big"},
            double_width=size == "big",
        )

    def _columns(self, style: dict[str, Any]) -> int:
        """Characters per line in ``style``: half in double width, a third more in font B."""
        columns = self.columns
        if style.get("size") == "big":
            columns //= 2
        if style.get("font") == "b":
            columns = columns * 4 // 3
        return columns

    def line(self, value: str = "", **style: Any) -> None:
        """Wrapped text in the given style; the style is reset afterwards."""
        if style:
            self.style(**style)
        for part in wrap(printable(value), self._columns(style)):
            self._text(part + "\n")
        if style:
            self.style()

    def field(self, label: str, value: str) -> None:
        """``Label: value`` with the value's continuation lines indented."""
        if not value:
            return
        indent = min(len(label) + 2, self.columns // 3)
        for part in wrap(printable(f"{label}: {value}"), self.columns, indent):
            self._text(part + "\n")

    def pair(self, left: str, right: str = "", indent: int = 0, **style: Any) -> None:
        """``left`` with ``right`` flush right on its last line (an amount beside its
        label); when both do not fit, ``left`` wraps and ``right`` gets a line of its own.
        Continuation lines of ``left`` are indented by ``indent`` spaces."""
        if style:
            self.style(**style)
        columns = self._columns(style)
        parts = wrap(printable(left), columns, indent)
        shown = printable(right)[:columns]
        room = columns - len(parts[-1]) - len(shown)
        if shown and room >= 1:
            parts[-1] += " " * room + shown
        elif shown:
            parts.append(shown.rjust(columns))
        for part in parts:
            self._text(part + "\n")
        if style:
            self.style()

    def rule(self) -> None:
        self._text("-" * self.columns + "\n")

    def feed(self, lines: int = 1) -> None:
        self._text("\n" * lines)

    def barcode(self, value: str) -> None:
        """A hardware Code 128 (code set B) barcode of ``value``, centered, text below."""
        module = 2 if self.width is ThermalWidth.MM58 else 3
        # 11 modules per character plus start, check and stop symbols.
        if (len(value) + 3) * 11 * module > self.width.dots:
            module = 2
        # python-escpos announces the renderer it chose on stdout; keep the console quiet.
        with contextlib.redirect_stdout(io.StringIO()):
            self._printer.barcode(
                "{B" + value, "CODE128", height=72, width=module, function_type="B"
            )
        self._printer.set(align="left")

    def image(self, png: bytes, max_width: int | None = None) -> bool:
        """A picture (a signature, a logo) scaled to the head width; False when unreadable."""
        try:
            picture: Image.Image = Image.open(io.BytesIO(png))
            picture.load()
        except Exception:  # a damaged image must not stop the slip
            return False
        if picture.mode in {"RGBA", "LA", "P"}:
            picture = picture.convert("RGBA")
            white = Image.new("RGBA", picture.size, "white")
            picture = Image.alpha_composite(white, picture)
        picture = picture.convert("L")
        width = min(max_width or self.width.dots, self.width.dots)
        if picture.width != width:
            height = max(1, round(picture.height * width / picture.width))
            picture = picture.resize((width, height), Image.Resampling.LANCZOS)
        self._printer.set(align="center")
        self._printer.image(picture.convert("1"), impl="bitImageRaster")
        self._printer.set(align="left")
        return True

    def open_drawer(self) -> None:
        """The pulse that opens the cash drawer on the printer's drawer port."""
        self._printer.cashdraw(DRAWER_PIN)

    def finish(self) -> bytes:
        self._printer.cut()  # feeds the paper past the cutter first
        return bytes(self._printer.output)
