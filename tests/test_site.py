from __future__ import annotations

import shutil
from pathlib import Path

from generator import Project, build

from .conftest import ROOT


def test_the_site_builds_with_warnings_as_errors(project: Path) -> None:
    for spec in (ROOT / "mappings").glob("*.yaml"):
        shutil.copy(spec, project / "mappings")
    report = build(Project(project))
    html = project / "docs" / "_build" / "html"
    for lang in ("en", "zh_CN"):
        assert (html / "generated" / lang / "index.html").is_file()
        for file in report.corpus.files:
            page = (html / "generated" / lang / f"{file.spec.torch.name}.html").read_text(encoding="utf-8")
            assert "<table" in page
    assert (html / "searchindex.js").is_file()
