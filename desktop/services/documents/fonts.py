"""The fonts documents are set in: DejaVu Sans or Arial when the system has them (they
cover accented, Greek and Cyrillic names), else the PDF core font Helvetica."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import NamedTuple

_CANDIDATES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
)
_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
)


class FontPair(NamedTuple):
    regular: str
    bold: str


def _folders() -> list[Path]:
    folders = list(_FOLDERS)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import os

        folders.insert(0, Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    return folders


@cache
def document_fonts() -> FontPair:
    """Registers the first usable TrueType pair with ReportLab (once) and names it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for folder in _folders():
        for regular, bold in _CANDIDATES:
            regular_path, bold_path = folder / regular, folder / bold
            if not (regular_path.is_file() and bold_path.is_file()):
                continue
            try:
                pdfmetrics.registerFont(TTFont("BenchsideSans", str(regular_path)))
                pdfmetrics.registerFont(TTFont("BenchsideSans-Bold", str(bold_path)))
            except (TTFError, OSError):
                continue
            return FontPair("BenchsideSans", "BenchsideSans-Bold")
    return FontPair("Helvetica", "Helvetica-Bold")
