from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import Project, build
from generator.errors import BuildError, ErrorGroup, relative

from .conftest import ROOT


def test_the_site_builds_with_warnings_as_errors(project: Path) -> None:
    for spec in (ROOT / "mappings").glob("*.yaml"):
        shutil.copy(spec, project / "mappings")
    report = build(Project(project), examples=False)
    html = project / "docs" / "_build" / "html"
    for lang in ("en", "zh_CN"):
        assert (html / "generated" / lang / "index.html").is_file()
        for file in report.corpus.files:
            page = (html / "generated" / lang / f"{file.spec.torch.name}.html").read_text(encoding="utf-8")
            assert "<table" in page
    assert (html / "searchindex.js").is_file()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failing_sphinx_build_keeps_the_previous_site(project: Path) -> None:
    shutil.copy(ROOT / "tests" / "data" / "specs" / "torch.amax.yaml", project / "mappings")
    build(Project(project), examples=False)
    html = project / "docs" / "_build" / "html"
    before = _tree(html)
    (project / "docs" / "index.md").write_text("# Broken\n\n{ref}`no-such-label`\n", encoding="utf-8")
    try:
        build(Project(project), examples=False)
    except BuildError as exc:
        assert "no-such-label" in str(exc)
    else:
        raise AssertionError("the build should fail on a warning")
    assert _tree(html) == before
    assert sorted(p.name for p in (project / "docs").iterdir() if p.name.startswith(".")) == []


def test_two_builds_are_byte_identical(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    shutil.copy(ROOT / "tests" / "data" / "specs" / "torch.amax.yaml", project / "mappings")
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(project, other, dirs_exist_ok=True)
    build(Project(project), examples=False)
    build(Project(other), examples=False)
    first, second = _tree(project / "docs" / "_build" / "html"), _tree(other / "docs" / "_build" / "html")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_spec_text_cannot_inject_markup_into_the_html(project: Path) -> None:
    text = (ROOT / "tests" / "data" / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    spec = project / "mappings" / "torch.amax.yaml"
    plain = "en: Both reduce to the maximum; a few keyword names differ."
    raw = "en: 'See [here](javascript:alert(1)) and <img src=x onerror=alert(2)>.'"
    spec.write_text(text.replace(plain, raw), encoding="utf-8")
    with pytest.raises(ErrorGroup) as caught:  # refused as prose, located
        build(Project(project), examples=False)
    assert [str(e).split(": ")[0] for e in caught.value.errors] == [
        f"{relative(spec)}:21:16",
        f"{relative(spec)}:21:48",
    ]
    assert not (project / "docs" / "generated").exists()
    escaped = r"en: 'See \[here\](javascript:alert(1)) and \<img src=x onerror=alert(2)\>.'"
    spec.write_text(
        text.replace("en: Both reduce to the maximum; a few keyword names differ.", escaped), encoding="utf-8"
    )
    build(Project(project), examples=False)
    page = (project / "docs" / "_build" / "html" / "generated" / "en" / "torch.amax.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert 'href="javascript:' not in page
    assert "[here](javascript:alert(1))" in page


RICH_DIFFERENCES = """      en: |
        Both reduce to the maximum, as [Rprop's page](api:torch.optim.Rprop) does not; see also
        <api:torch.optim.Rprop> and [the reference](https://docs.pytorch.org/docs/2.13/).

        ### Reduced dimensions

        1. `dim` may be a tuple, as $\\dim \\subseteq \\{0, \\dots, n-1\\}$;
        2. **keepdim** keeps them:
           - with size one,
           - *in place*.

        #### An edge case

        > An empty tuple reduces nothing.

        $$
        y_i = \\max_j x_{ij}
        $$

        ### Names
"""


def test_every_construct_of_the_prose_subset_builds_without_warnings(project: Path) -> None:
    text = (ROOT / "tests" / "data" / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    text = text.replace("      en: Both reduce to the maximum; a few keyword names differ.\n", RICH_DIFFERENCES)
    text = text.replace(
        "          en: Assign the result instead", "          en: See *the* `a|b` $|x|$ [doc](api:torch.amax), or"
    )
    (project / "mappings" / "torch.amax.yaml").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "mappings" / "torch.optim.Rprop.yaml", project / "mappings")
    build(Project(project), examples=False)  # Sphinx runs with -W: a warning fails the build
    page = (project / "docs" / "_build" / "html" / "generated" / "en" / "torch.amax.html").read_text(encoding="utf-8")
    link = '<a class="reference internal" href="torch.optim.Rprop.html"><span class="std std-doc">'
    assert f"{link}Rprop’s page</span></a>" in page
    assert f"{link}torch.optim.Rprop</span></a>" in page
    assert 'href="#"><span class="std std-doc">doc</span></a>' in page  # a link to the page itself
    assert "<h3>Reduced dimensions" in page and "<h4>An edge case" in page and "<h3>Names" in page
    assert "<ol" in page and "<blockquote>" in page and "<em>in place</em>" in page and "See <em>the</em>" in page
    assert page.count('class="math') == 4  # two inline in the differences, one display, one in the table
    assert '<code class="docutils literal notranslate"><span class="pre">a|b</span></code>' in page


def test_every_page_loads_the_table_style_and_script(project: Path) -> None:
    shutil.copy(ROOT / "tests" / "data" / "specs" / "torch.amax.yaml", project / "mappings")
    build(Project(project), examples=False)
    html = project / "docs" / "_build" / "html"
    for name in ("apimap.css", "apimap.js"):
        assert (html / "_static" / name).read_bytes() == (ROOT / "docs" / "_static" / name).read_bytes()
    for page in ("generated/en/torch.amax.html", "generated/zh_CN/index.html", "index.html"):
        text = (html / page).read_text(encoding="utf-8")
        assert 'href="../../_static/apimap.css' in text or 'href="_static/apimap.css' in text, page
        assert 'src="../../_static/apimap.js' in text or 'src="_static/apimap.js' in text, page
