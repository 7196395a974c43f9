"""The orchestrator in generator/__init__.py: fingerprints of pages and the rendering loop."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from generator import PACKAGE, fingerprints, page_sources
from generator.validate import load_corpus

from .conftest import DATA, ROOT

MODULES = sorted(p.name for p in PACKAGE.glob("*.py"))


def _prints(package: Path) -> dict[str, str]:
    corpus = load_corpus([DATA / "specs" / "torch.amax.yaml"])
    return fingerprints(corpus, templates=ROOT / "templates", outputs={}, versions=None, package=package)


def test_every_module_of_the_package_is_a_page_source() -> None:
    hashed = {p.name for p in page_sources(templates=ROOT / "templates") if p.suffix == ".py"}
    assert hashed == set(MODULES)
    assert {"model.py", "render.py", "validate.py", "load.py"} <= hashed


@pytest.mark.parametrize("module", MODULES)
def test_changing_any_module_changes_every_fingerprint(module: str, tmp_path: Path) -> None:
    package = tmp_path / "generator"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "kernels"))
    before = _prints(package)
    assert before == _prints(package)
    source = package / module
    source.write_bytes(source.read_bytes() + b"\n# changed\n")
    after = _prints(package)
    assert after.keys() == before.keys() == {"en/torch.amax.md", "zh_CN/torch.amax.md"}
    assert all(after[page] != before[page] for page in before)


def test_render_progress_counts_every_page_up_to_the_total() -> None:
    from generator import render_all

    corpus = load_corpus([DATA / "specs" / "torch.amax.yaml", ROOT / "mappings" / "torch.where.yaml"])
    calls: list[tuple[str, int, int]] = []
    pages = render_all(corpus, templates=ROOT / "templates", progress=lambda *call: calls.append(call))
    assert len(pages) == 6  # two specs and the overview, in two languages
    assert calls == [("rendering", done, 6) for done in range(1, 7)]


def test_loading_and_rendering_leave_the_garbage_collector_as_they_found_it() -> None:
    from generator import render_all

    gc.collect()
    before = (gc.isenabled(), gc.get_freeze_count(), gc.get_threshold())
    # a page's api: links must name a spec of the same corpus, so the sample takes pages without links
    sample = [p for p in sorted((ROOT / "mappings").glob("torch.*.yaml")) if "api:" not in p.read_text("utf-8")][:20]
    for _ in range(3):
        corpus = load_corpus(sample)
        render_all(corpus, templates=ROOT / "templates")
    assert (gc.isenabled(), gc.get_freeze_count(), gc.get_threshold()) == before
    assert before[:2] == (True, 0)


def test_rendering_places_the_prose_validation_wrote_and_parses_none_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import prose, render_all
    from generator.render import make_env, render_page

    corpus = load_corpus(sorted((ROOT / "mappings").glob("torch.*.yaml")))
    assert all(f.prose for f in corpus.files)
    parses: list[str] = []
    real = prose.parse
    monkeypatch.setattr(prose, "parse", lambda text, **kw: parses.append(text) or real(text, **kw))
    pages = render_all(corpus, templates=ROOT / "templates")
    assert parses == []  # every text was parsed once, by validation
    monkeypatch.undo()
    env = make_env(ROOT / "templates")  # no written prose: each text parsed here, as render_page alone does
    for file in corpus.files:
        for lang in ("en", "zh_CN"):
            assert pages[f"{lang}/{file.spec.torch.name}.md"] == render_page(file.spec, lang=lang, env=env)
