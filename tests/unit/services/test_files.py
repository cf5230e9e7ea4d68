from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from desktop.services.files import write_atomically, write_new_file


def test_new_files_never_replace_one_another(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        written = list(
            pool.map(
                lambda n: write_new_file(tmp_path, "label", ".pdf", f"copy {n}".encode()),
                range(20),
            )
        )
    assert len(set(written)) == 20
    assert sorted(p.read_text() for p in written) == sorted(f"copy {n}" for n in range(20))
    assert sorted(p.name for p in tmp_path.iterdir())[:2] == ["label-10.pdf", "label-11.pdf"]
    assert not list(tmp_path.glob(".benchside-*"))  # no temporary file left behind


def test_atomic_write_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "photo.jpg"
    target.write_bytes(b"old" * 1000)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["photo.jpg"]
