"""Shared fixtures: the repository root and a scratch copy of the project."""

from __future__ import annotations

import os
import shutil
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
