"""Files the shop keeps (photos, PDFs): written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _temporary_copy(folder: Path, data: bytes, create_folder: bool) -> Path:
    """``data`` in a hidden temporary file in ``folder``, flushed to disk."""
    if create_folder:
        folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".benchside-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def write_atomically(target: Path, data: bytes, create_folder: bool = False) -> None:
    """Replace ``target`` with ``data``: a reader sees the old file or the new one, never
    half of it. Raises ``OSError`` (also for a missing folder, unless ``create_folder``)."""
    temporary = _temporary_copy(target.parent, data, create_folder)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_new_file(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` as ``stem+suffix`` in ``folder`` without ever replacing a file: when
    the name is taken (a reprint, or two prints at once) a number is added. Raises
    ``OSError``."""
    temporary = _temporary_copy(folder, data, create_folder=True)
    try:
        number = 1
        while True:
            name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
            try:
                # A hard link fails if the name exists, unlike a rename: no race.
                os.link(temporary, folder / name)
            except FileExistsError:
                number += 1
                continue
            return folder / name
    finally:
        temporary.unlink(missing_ok=True)
