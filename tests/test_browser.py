"""The built site as a person sees it: pages opened in headless Chromium.

Chromium is Debian's package with a Chinese font (``.ci/setup`` installs both);
without them these tests fail, saying what to install. Layout is asserted on
the DOM (widths, line counts) through the DevTools protocol; screenshots are
saved in the test session's temporary folder, whose path is printed, for a
person to look at.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import Project, build

from .conftest import ROOT, served

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
INSTALL = (
    "install Chromium and a Chinese font (Debian/Ubuntu: `.ci/setup`, or `apt-get install chromium fonts-wqy-zenhei`)"
)


def find_chromium(which: Callable[[str], str | None] = shutil.which) -> str:
    """Chromium's path, or a one-line failure that says what to install."""
    found = which("chromium") or which("chromium-browser")
    if found is None:
        pytest.fail(f"the browser tests need Chromium, which is not on PATH: {INSTALL}", pytrace=False)
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    if not fonts.strip():
        pytest.fail(f"the browser tests need a Chinese font, and fc-list finds none: {INSTALL}", pytrace=False)
    return found


@pytest.fixture(scope="session")
def chromium() -> str:
    return find_chromium()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Path]:
    """Where screenshots go; its path is printed when the module is done."""
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nscreenshots of the site: {folder}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[str]:
    """The real mappings built into a site, served on loopback; yields its base URL."""
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("_build", "generated"))
    shutil.copytree(ROOT / "mappings", root / "mappings")
    # example results are keyed by their content, so runs of this module may share them
    if getattr(pytestconfig, "cache", None) is not None:
        (root / ".apimap-cache").symlink_to(pytestconfig.cache.mkdir("apimap-site-examples"))
    project = Project(root)
    build(project, timeout=600)  # generous: a loaded CI machine is slow, and this is not a test of speed
    with served(project.html) as url:
        yield url


def _chromium(chromium: str, url: str, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000", *extra, url],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return result.stdout


def _dom(chromium: str, url: str) -> str:
    """The page's DOM after its scripts ran (MathJax, search, apimap.js), without the <wbr> breaks in names."""
    return _chromium(chromium, url, "--dump-dom").replace("<wbr>", "")


def _screenshot(chromium: str, url: str, path: Path) -> None:
    _chromium(chromium, url, f"--screenshot={path}", "--window-size=1280,2400")
    assert path.stat().st_size > 10_000, "the screenshot is blank"
    print(f"screenshot: {path}")


@pytest.mark.parametrize(("lang", "switch"), [("en", "中文"), ("zh_CN", "English")])
def test_rprop_page_renders_table_code_and_language_switch(
    chromium: str, site: str, shots: Path, lang: str, switch: str
) -> None:
    url = f"{site}/generated/{lang}/torch.optim.Rprop.html"
    dom = _dom(chromium, url)
    assert "<table" in dom and "learning_rate" in dom
    assert dom.count('class="highlight-python') >= 4, "signatures and snippets are highlighted code blocks"
    other = "zh_CN" if lang == "en" else "en"
    assert f'href="../{other}/torch.optim.Rprop.html"><span class="std std-doc">{switch}</span></a>' in dom
    _screenshot(chromium, url, shots / f"rprop-{lang}.png")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_overview_page_lists_the_pairs(chromium: str, site: str, shots: Path, lang: str) -> None:
    url = f"{site}/generated/{lang}/index.html"
    dom = _dom(chromium, url)
    namespaces = {p.stem.rsplit(".", 1)[0] for p in (ROOT / "mappings").glob("torch.*.yaml")}
    namespaces |= {p.stem for p in (ROOT / "mappings" / "rows").glob("torch*.yaml")}
    assert dom.count("<table") == len(namespaces) + 1, "one table per namespace, and the general differences"
    assert "mindspore.experimental.optim.Rprop" in dom
    _screenshot(chromium, url, shots / f"overview-{lang}.png")


def test_formula_is_typeset(chromium: str, site: str, shots: Path) -> None:
    url = f"{site}/generated/en/torch.optim.Rprop.html"
    dom = _dom(chromium, url)
    assert "<mjx-container" in dom, "MathJax did not typeset the formula"
    _screenshot(chromium, url, shots / "formula-en.png")


def test_search_finds_rprop(chromium: str, site: str) -> None:
    dom = _dom(chromium, f"{site}/search.html?q=Rprop")
    assert 'href="generated/en/torch.optim.Rprop.html' in dom


def test_without_chromium_the_browser_tests_say_what_to_install() -> None:
    with pytest.raises(pytest.fail.Exception) as failure:
        find_chromium(which=lambda name: None)
    assert str(failure.value) == f"the browser tests need Chromium, which is not on PATH: {INSTALL}"


class DevTools:
    """One Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``).

    Chromium reads JSON commands from its file descriptor 3 and writes answers
    and events to 4, each message ending in a NUL byte.
    """

    def __init__(self, chromium: str) -> None:
        self._profile = tempfile.TemporaryDirectory()
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()

        def as_fds_3_and_4() -> None:
            low, high = fcntl.fcntl(to_child, fcntl.F_DUPFD, 10), fcntl.fcntl(from_child, fcntl.F_DUPFD, 10)
            os.dup2(low, 3)
            os.dup2(high, 4)

        command = [chromium, *FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", "about:blank"]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=as_fds_3_and_4,
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._last_id = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (OSError, RuntimeError, TimeoutError):
            self._process.kill()
        self._process.wait(timeout=30)
        os.close(self._out)
        os.close(self._in)
        self._profile.cleanup()

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium exited")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def send(self, method: str, session: str | None = None, *, timeout: float = 60, **params: Any) -> dict[str, Any]:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._last_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer["result"]
                return result
            self._events.append(answer)

    def wait_for(self, event: str, session: str, *, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event and e.get("sessionId") == session for e in self._events):
            self._events.append(self._receive(deadline))
        self._events.clear()


class Tab:
    """A page of the browser with the viewport of a laptop or a phone."""

    def __init__(self, devtools: DevTools, *, width: int, height: int = 900) -> None:
        self.devtools = devtools
        self.target = devtools.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = devtools.send("Target.attachToTarget", targetId=self.target, flatten=True)["sessionId"]
        devtools.send(
            "Emulation.setDeviceMetricsOverride",
            self.session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        devtools.send("Page.enable", self.session)

    def open(self, url: str) -> None:
        self.devtools.send("Page.navigate", self.session, url=url)
        self.devtools.wait_for("Page.loadEventFired", self.session)
        self.evaluate("document.fonts.ready.then(() => true)")

    def evaluate(self, expression: str) -> Any:
        answer = self.devtools.send(
            "Runtime.evaluate", self.session, expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(answer["exceptionDetails"])
        return answer["result"].get("value")

    def screenshot(self, path: Path, *, top: float, height: float, width: int) -> None:
        clip = {"x": 0, "y": max(top - 80, 0), "width": width, "height": min(height + 160, 3000), "scale": 1}
        data = self.devtools.send(
            "Page.captureScreenshot", self.session, format="png", captureBeyondViewport=True, clip=clip
        )
        path.write_bytes(base64.b64decode(data["data"]))
        print(f"screenshot: {path}")

    def close(self) -> None:
        self.devtools.send("Target.closeTarget", targetId=self.target)


@pytest.fixture(scope="module")
def devtools(chromium: str) -> Iterator[DevTools]:
    browser = DevTools(chromium)
    try:
        yield browser
    finally:
        browser.close()


# What a reader sees of the tables: sizes in CSS pixels, and the lines each piece of a label takes.
TABLE_FACTS = """(() => {
  const pieceLines = (text) => {
    const range = document.createRange();
    range.selectNodeContents(text);
    const boxes = Array.from(range.getClientRects()).filter((box) => box.width > 0);
    return new Set(boxes.map((box) => Math.round(box.top))).size;
  };
  const pieces = (cell) => {
    const found = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (walker.currentNode.data.trim()) found.push(walker.currentNode);
    return found;
  };
  const main = document.querySelector("article").getBoundingClientRect();
  const tables = Array.from(document.querySelectorAll("article table.docutils"));
  const first = tables[0].getBoundingClientRect();
  return {
    viewport: window.innerWidth,
    page: document.documentElement.scrollWidth,
    main: [main.left, main.right],
    first: {top: first.top + window.scrollY, height: first.height},
    tables: tables.map((table) => {
      const box = table.getBoundingClientRect();
      const row = table.querySelector("tbody tr");
      const stacked = getComputedStyle(row).display === "grid";
      const cells = Array.from(table.querySelectorAll("tbody tr")).flatMap((tr) => Array.from(tr.cells));
      const labels = stacked ? [] : Array.from(table.querySelectorAll("tr > :not(:last-child)"));
      const last = row.cells[row.cells.length - 1].querySelector("p");
      // how much wider each label column is than its widest label: room the last column did not get
      const slack = stacked ? [] : Array.from(table.rows[0].cells, (_, column) => column).slice(0, -1).map((column) => {
        const texts = Array.from(table.rows, (tr) => tr.cells[column].querySelector("p")).filter((p) => p);
        const inner = Math.max(...texts.map((p) => p.getBoundingClientRect().width));
        const widest = Math.max(...texts.map((p) => {
          const range = document.createRange();
          range.selectNodeContents(p);
          return range.getBoundingClientRect().width;
        }));
        return inner - widest;
      });
      return {
        left: box.left, right: box.right, width: box.width, columns: row.cells.length, stacked,
        scrolls: table.parentElement.scrollWidth > table.parentElement.clientWidth,
        // a label may break only where apimap.js split it (after a dot): no piece of it wraps
        tallLabels: labels.filter((cell) => pieces(cell).some((p) => pieceLines(p) > 1)).map((c) => c.textContent),
        headingsOneLine: cells.every((cell) => getComputedStyle(cell, "::before").whiteSpace === "nowrap"),
        headings: cells.every((cell) => !stacked || cell.dataset.label !== ""),
        lastWidth: last.getBoundingClientRect().width,
        slack,
      };
    }),
  };
})()"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("page", ["torch.optim.Rprop", "torch.nn.Conv2d", "index"])
def test_tables_fit_the_page_with_labels_on_one_line(
    devtools: DevTools, site: str, shots: Path, page: str, lang: str, width: int
) -> None:
    tab = Tab(devtools, width=width)
    try:
        tab.open(f"{site}/generated/{lang}/{page}.html")
        facts = tab.evaluate(TABLE_FACTS)
        tab.screenshot(shots / f"{page}-{lang}-{width}.png", width=width, **facts["first"])
    finally:
        tab.close()
    assert facts["page"] <= facts["viewport"], "the page scrolls sideways"
    left, right = facts["main"]
    for table in facts["tables"]:
        assert left - 1 <= table["left"] and table["right"] <= right + 1, "a table runs out of the main column"
        assert not table["scrolls"], "a table needs a sideways scroll"
        if width == 1280:
            assert not table["stacked"]
            assert table["tallLabels"] == [], "label cells wrap onto more lines"
            # the Difference (the overview: the description) column gets all the room the labels leave
            assert max(table["slack"]) < 2, table
        else:
            assert table["stacked"], "at phone width each row is a block of its own"
            assert table["headings"] and table["headingsOneLine"], "each value shows its column's heading on one line"
            assert table["lastWidth"] >= 0.5 * table["width"], table
