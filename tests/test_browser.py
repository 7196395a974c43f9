"""The built site as a person sees it: pages opened in headless Chromium.

Screenshots are saved under ``build/screenshots/`` for a person to look at.
Chromium is Debian's package (``.ci/run`` installs it); without it this fails.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import Project, build

from .conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "build" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real mappings built into a site, served on loopback; yields its base URL."""
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("_build", "generated"))
    shutil.copytree(ROOT / "mappings", root / "mappings")
    project = Project(root)
    build(project)
    handler = functools.partial(_QuietHandler, directory=str(project.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _chromium(url: str, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000", *extra, url],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return result.stdout


def _dom(url: str) -> str:
    """The page's DOM after its scripts ran (MathJax, search)."""
    return _chromium(url, "--dump-dom")


def _screenshot(url: str, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    _chromium(url, f"--screenshot={path}", "--window-size=1280,2400")
    assert path.stat().st_size > 10_000, "the screenshot is blank"
    return path


@pytest.mark.parametrize(("lang", "switch"), [("en", "中文"), ("zh_CN", "English")])
def test_rprop_page_renders_table_code_and_language_switch(site: str, lang: str, switch: str) -> None:
    url = f"{site}/generated/{lang}/torch.optim.Rprop.html"
    dom = _dom(url)
    assert "<table" in dom and "learning_rate" in dom
    assert dom.count('class="highlight-python') >= 4, "signatures and snippets are highlighted code blocks"
    other = "zh_CN" if lang == "en" else "en"
    assert f'href="../{other}/torch.optim.Rprop.html"><span class="std std-doc">{switch}</span></a>' in dom
    _screenshot(url, f"rprop-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_overview_page_lists_the_pairs(site: str, lang: str) -> None:
    url = f"{site}/generated/{lang}/index.html"
    dom = _dom(url)
    namespaces = {p.stem.rsplit(".", 1)[0] for p in (ROOT / "mappings").glob("torch.*.yaml")}
    namespaces |= {p.stem for p in (ROOT / "mappings" / "rows").glob("torch*.yaml")}
    assert dom.count("<table") == len(namespaces) + 1, "one table per namespace, and the general differences"
    assert "mindspore.experimental.optim.Rprop" in dom
    _screenshot(url, f"overview-{lang}")


def test_formula_is_typeset(site: str) -> None:
    url = f"{site}/generated/en/torch.optim.Rprop.html"
    dom = _dom(url)
    assert "<mjx-container" in dom, "MathJax did not typeset the formula"
    _screenshot(url, "formula-en")


def test_search_finds_rprop(site: str) -> None:
    dom = _dom(f"{site}/search.html?q=Rprop")
    assert 'href="generated/en/torch.optim.Rprop.html' in dom
