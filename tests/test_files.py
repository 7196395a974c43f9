"""Writing files whole, with the mode an ordinary write gives."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import write_tree
from generator.files import write_atomic


@pytest.fixture
def umask() -> Iterator[None]:
    """A known umask for the test, the previous one restored afterwards."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _ordinary(path: Path) -> int:
    path.write_text("x")
    return _mode(path)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_the_mode_of_an_ordinary_write(mask: int, expected: int, tmp_path: Path, umask: None) -> None:
    os.umask(mask)
    write_atomic(tmp_path / "page.md", "text")
    assert (tmp_path / "page.md").read_text() == "text"
    assert _mode(tmp_path / "page.md") == expected == _ordinary(tmp_path / "plain.md")


def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert _mode(path) == 0o640


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()], ids=["oserror", "interrupt"])
def test_a_failed_write_leaves_the_old_file_and_nothing_else(
    error: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "page.md"
    path.write_text("old")

    def failing(*args: object) -> None:
        raise error

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(type(error)):
        write_atomic(path, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["page.md"]
    assert path.read_text() == "old"


def test_write_tree_pages_are_readable_like_other_build_output(tmp_path: Path, umask: None) -> None:
    written, _, _ = write_tree(tmp_path / "generated", {"en/a.md": "a", "zh_CN/a.md": "b", "index.md": "c"})
    assert written == ["en/a.md", "index.md", "zh_CN/a.md"]
    modes = {p.relative_to(tmp_path).as_posix(): _mode(p) for p in (tmp_path / "generated").rglob("*") if p.is_file()}
    assert modes == {"generated/en/a.md": 0o644, "generated/zh_CN/a.md": 0o644, "generated/index.md": 0o644}
