"""Shared fixtures: the repository root and a scratch copy of the project."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

# MindSpore reads its log level once, on import: errors only, as apimap's own commands do
os.environ.setdefault("GLOG_v", "3")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project: the real templates and docs, and an empty mappings folder."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build", "generated"))
    (tmp_path / "mappings").mkdir()
    return tmp_path


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served on loopback while the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
