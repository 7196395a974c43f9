"""The overview's filter boxes, in headless Chromium.

A site is built from one spec and the test rows; the filter is set through the
page address (``?filter=``), the same code path as typing, and the DOM after
the script ran is read back. Screenshots go to ``build/screenshots/``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import Project, build

from .conftest import DATA, ROOT, served
from .test_browser import FLAGS, find_chromium


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site of one spec and the test rows, served on loopback; yields its base URL."""
    root = tmp_path_factory.mktemp("filter-site")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("_build", "generated"))
    (root / "mappings" / "rows").mkdir(parents=True)
    shutil.copy(ROOT / "mappings" / "torch.tanh.yaml", root / "mappings")
    shutil.copy(DATA / "table" / "rows" / "torch.yaml", root / "mappings" / "rows")
    project = Project(root)
    build(project, examples=False)
    with served(project.html) as url:
        yield url


def _chromium(url: str, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [find_chromium(), *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000", *extra, url],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return result.stdout


def _rows(dom: str) -> list[tuple[bool, str]]:
    """(hidden, text) of every body row of the torch table."""
    section = dom[dom.index('id="torch"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    rows = re.findall(r"<tr([^>]*)>(.*?)</tr>", body, re.DOTALL)
    return [("hidden" in attrs, re.sub(r"<[^>]+>", "", cells)) for attrs, cells in rows]


def test_without_a_filter_every_row_shows(site: str) -> None:
    rows = _rows(_chromium(f"{site}/generated/en/index.html", "--dump-dom"))
    assert len(rows) == 6, "five test rows and the tanh spec"
    assert not any(hidden for hidden, _ in rows)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_filter_hides_rows_without_every_word(site: str, lang: str) -> None:
    dom = _chromium(f"{site}/generated/{lang}/index.html?filter=ops%20arg", "--dump-dom")
    shown = [text for hidden, text in _rows(dom) if not hidden]
    assert len(shown) == 1 and "torch.argsort" in shown[0] and "mindspore.ops.argsort" in shown[0]
    assert 'data-shown="1"' in dom
    assert 'src="../../_static/apimap-filter.js' in dom


def test_the_overview_is_readable_on_a_laptop_screen(site: str, tmp_path: Path) -> None:
    print(f"screenshots of the overview: {tmp_path}")
    for lang in ("en", "zh_CN"):
        path = tmp_path / f"overview-filter-{lang}.png"
        _chromium(f"{site}/generated/{lang}/index.html", f"--screenshot={path}", "--window-size=1366,900")
        assert path.stat().st_size > 10_000, "the screenshot is blank"
    dom = _chromium(f"{site}/generated/en/index.html", "--dump-dom")
    assert dom.count('class="apimap-filter"') == 1
    assert "MindSpore operations return a new tensor" in dom, "the general-difference table is on the page"
