"""Rendering: golden pages of the Rprop spec, and the pieces pages are made of.

Regenerate the golden pages after an intended change with
``python -m tests.test_render`` and review them with ``git diff``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from pydantic import BaseModel, create_model

from generator import render
from generator.model import LANGUAGES, DiffKind, NotRun, Row, Spec, Text
from generator.prose import Shape, to_markdown
from generator.render import (
    Safe,
    Versions,
    difference_text,
    escape,
    fence,
    finalize,
    make_env,
    render_overview,
    render_page,
    words,
)
from generator.validate import load_spec

from .conftest import DATA, ROOT

GOLDEN = DATA / "golden"
GOLDEN_SPEC = ROOT / "mappings" / "torch.optim.Rprop.yaml"
VERSIONS = Versions(torch="2.13.0", mindspore="2.10.0")
REGENERATE = "python -m tests.test_render"


def _golden_pages() -> dict[str, str]:
    spec = load_spec(GOLDEN_SPEC).spec
    env = make_env(ROOT / "templates")
    outputs = {
        (t.id, e.id, side): f"<{side} output of {e.id}>"
        for t in spec.targets
        for e in t.examples
        for side in ("torch", "mindspore")
    }
    return {
        f"{spec.torch.name}.{lang}.md": render_page(spec, lang=lang, env=env, outputs=outputs, versions=VERSIONS)
        for lang in ("en", "zh_CN")
    }


@pytest.mark.parametrize("name", ["torch.optim.Rprop.en.md", "torch.optim.Rprop.zh_CN.md"])
def test_rprop_page_matches_golden(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert _golden_pages()[name] == expected, f"golden page differs; if intended, run `{REGENERATE}`"


def test_rprop_page_has_the_reference_structure() -> None:
    page = _golden_pages()["torch.optim.Rprop.en.md"]
    headings = [line for line in page.splitlines() if line.startswith("#")]
    assert headings[:5] == [
        "# Differences with torch.optim.Rprop",
        "## torch.optim.Rprop",
        "## mindspore.nn.Rprop",
        "## Differences",
        "### Code Example",
    ]
    assert "| Categories | Subcategories | PyTorch | MindSpore | Difference |" in page
    assert "For more information, see [torch.optim.Rprop](<https://docs.pytorch.org/" in page
    assert "onsistent function, different parameter names and default values (checked with `lr=0.005` / " in page


def _row(*kinds: DiffKind, torch: str | None = "a", ms: str | None = "b", note: str | None = None) -> Row:
    return Row(torch=torch, mindspore=ms, kind=kinds, note=Text(en=note, zh_CN=note) if note else None)


@pytest.mark.parametrize(
    ("row", "en", "zh"),
    [
        (_row(DiffKind.SAME, ms="a"), "Consistent function", "功能一致"),
        (_row(DiffKind.RENAMED), "Consistent function, different parameter names", "功能一致，参数名不同"),
        (
            _row(DiffKind.RENAMED, DiffKind.DEFAULT_DIFFERS),
            "Consistent function, different parameter names and default values",
            "功能一致，参数名不同，默认值不同",
        ),
        (
            _row(DiffKind.DEFAULT_DIFFERS, DiffKind.TYPE_DIFFERS, ms="a", note="Floats only"),
            "Consistent function, different default values and types or usage. Floats only",
            "功能一致，默认值不同，类型或用法不同。Floats only",
        ),
        (_row(DiffKind.TORCH_ONLY, ms=None), "MindSpore does not have this parameter", "MindSpore无此参数"),
        (_row(DiffKind.MINDSPORE_ONLY, torch=None), "PyTorch does not have this parameter", "PyTorch无此参数"),
        (_row(DiffKind.BEHAVIOUR_DIFFERS, ms="a"), "Different behaviour", "行为不同"),
    ],
)
def test_difference_text_is_generated_from_the_kinds(row: Row, en: str, zh: str) -> None:
    env = make_env(ROOT / "templates")
    assert difference_text(row, words(env, "en")) == en
    assert difference_text(row, words(env, "zh_CN")) == zh


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),
        ("use `a|b` here", r"use \`a\|b\` here"),
        ("50% of *all* $x$ & _y_ #", r"50% of \*all\* \$x\$ \& \_y\_ \#"),
        ("two\nlines", "two lines"),
    ],
)
def test_values_cannot_inject_markup(text: str, markdown: str) -> None:
    assert escape(text) == markdown
    assert finalize(text) == markdown
    assert finalize(Safe(text)) == text


@pytest.mark.parametrize(
    ("text", "shape", "markdown"),
    [
        # what the old escaper produced for one-line prose, the parse tree reproduces
        (r"\<script\>alert(1)\</script\>", "block", r"\<script\>alert(1)\</script\>"),
        ("use `a|b` here", "block", "use `a|b` here"),
        ("use `a|b` and $|x|$ here", "cell", r"use `a\|b` and $\|x\|$ here"),
        (r"\- not a list", "block", r"\- not a list"),
        (r"1\. not a list", "block", r"1\. not a list"),
        (r"50% of \*all\* \$x\$ \& \_y\_", "block", r"50% of \*all\* \$x\$ \& \_y\_"),
        ("an odd ` tick", "block", r"an odd \` tick"),
        ("learning_rate and [min, max]", "block", r"learning\_rate and \[min, max\]"),
        # normalized: one list style, links in angle brackets; emphasis keeps its marker
        ("_a_ __b__ *c*", "block", "_a_ __b__ *c*"),
        ("1) one\n2) two\n\n   more\n\n* x", "block", "1. one\n\n2. two\n\n   more\n\n- x"),
        ("Setext\n===\n\ntext", "block", "# Setext\n\ntext"),
        (
            "[x](https://example.org/a_b) <api:torch.amax> [y](api:torch.cat)",
            "block",
            "[x](<https://example.org/a_b>) [torch.amax](torch.amax.md) [y](torch.cat.md)",
        ),
        ("a\nb", "block", "a\nb"),
        ("a\nb", "cell", "a b"),
        ("a\n+ b\n\n% c", "block", "a\n\n- b\n\n\\% c"),
        ("> note *x*\n>\n> $$\n> y\n> $$", "block", "> note *x*\n>\n> $$\n> y\n> $$"),
        ("wow\\![x](https://a.org)", "block", "wow\\![x](<https://a.org>)"),
        # refused constructs (validation reports them) never come out as markup
        ("<b>x</b> [j](javascript:alert(1)) ![i](https://a.org/i.png)", "block", r"\<b\>x\</b\> j i"),
    ],
)
def test_prose_is_re_emitted_from_its_tree(text: str, shape: Shape, markdown: str) -> None:
    assert to_markdown(text, shape) == markdown


def test_fence_outgrows_backticks_inside() -> None:
    assert fence("x = '```'", "python") == "````python\nx = '```'\n````"


def _with_torch_name(spec: Spec, name: str) -> Spec:
    return spec.model_copy(update={"torch": spec.torch.model_copy(update={"name": name})})


def test_overview_lists_every_pair_by_namespace() -> None:
    amax = load_spec(DATA / "specs" / "torch.amax.yaml").spec
    rprop = load_spec(GOLDEN_SPEC).spec
    specs = [rprop, _with_torch_name(amax, "torch.linalg.amax"), amax, _with_torch_name(amax, "torch.abs")]
    env = make_env(ROOT / "templates")
    tables: dict[str, list[str]] = {}
    for line in render_overview(specs, lang="en", env=env).splitlines():
        if line.startswith("## "):
            rows = tables.setdefault(line[3:], [])
        elif line.startswith("| ["):
            rows.append(line)
    # amax's MindSpore extras keep torch's behaviour by default (rule 3): only the names differ
    names = "signature only | Parameter names differ; see the page |"
    assert tables == {
        "torch": [
            f"| [torch.abs](torch.abs.md) | mindspore.ops.amax | {names}",
            f"| [torch.amax](torch.amax.md) | mindspore.ops.amax | {names}",
        ],
        "torch.linalg": [
            f"| [torch.linalg.amax](torch.linalg.amax.md) | mindspore.ops.amax | {names}",
        ],
        "torch.optim": [
            "| [torch.optim.Rprop](torch.optim.Rprop.md) | mindspore.experimental.optim.Rprop "
            "| signature only | PyTorch has parameters MindSpore lacks; see the page |",
            "| [torch.optim.Rprop](torch.optim.Rprop.md) | mindspore.nn.Rprop "
            "| signature only | Types or usage differ; see the page |",
        ],
    }
    zh = render_overview(specs, lang="zh_CN", env=env)
    assert (
        "\n| [torch.optim.Rprop](torch.optim.Rprop.md) | mindspore.nn.Rprop | 仅比较签名 | 类型或用法不同；详见页面 |\n"
        in zh
    )
    toctree = zh[zh.index("```{toctree}") :].splitlines()
    assert toctree == [
        "```{toctree}",
        ":hidden:",
        "",
        "torch.abs",
        "torch.amax",
        "torch.linalg.amax",
        "torch.optim.Rprop",
        "```",
    ]


def test_output_and_versions_are_shown_beneath_the_code() -> None:
    page = _golden_pages()["torch.optim.Rprop.en.md"]
    assert "Examples verified with PyTorch 2.13.0 and MindSpore 2.10.0." in page
    assert "Output:\n\n```text\n<torch output of" in page


def _amax() -> Spec:
    return load_spec(DATA / "specs" / "torch.amax.yaml").spec


def _renamed(spec: Spec, torch: str, mindspore: str) -> Spec:
    target = spec.targets[0]
    ms = target.mindspore.model_copy(update={"name": mindspore})
    return spec.model_copy(
        update={
            "torch": spec.torch.model_copy(update={"name": torch}),
            "targets": (target.model_copy(update={"mindspore": ms}), *spec.targets[1:]),
        }
    )


def test_names_in_headings_links_and_tables_are_escaped_by_default() -> None:
    spec = _renamed(_amax(), "torch.Tensor.__add__", "mindspore.Tensor.__add__")
    env = make_env(ROOT / "templates")
    page = render_page(spec, lang="en", env=env)
    tokens = MarkdownIt("commonmark").parse(page)
    headings = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [h.children and [c.type for c in h.children] for h in headings[:3]] == [["text"], ["text"], ["text"]]
    assert [h.content for h in headings[:3]] == [
        r"Differences with torch.Tensor.\_\_add\_\_",
        r"torch.Tensor.\_\_add\_\_",
        r"mindspore.Tensor.\_\_add\_\_",
    ]
    assert [h.children[0].content for h in headings[:3] if h.children] == [
        "Differences with torch.Tensor.__add__",
        "torch.Tensor.__add__",
        "mindspore.Tensor.__add__",
    ]
    assert "[中文](../zh_CN/torch.Tensor.__add__.md)" in page  # a link target stays as it is
    overview = render_overview([spec], lang="en", env=env)
    assert r"| [torch.Tensor.\_\_add\_\_](torch.Tensor.__add__.md) | mindspore.Tensor.\_\_add\_\_ |" in overview
    assert "\ntorch.Tensor.__add__\n```" in overview  # the toctree names the document


def test_a_value_is_escaped_unless_a_filter_marked_it_safe() -> None:
    env = make_env(ROOT / "templates")
    template = env.from_string("{{ text }} {{ text | fence }} {{ words | fill(x=text) }}")
    assert template.render(text="*a*", words=Safe("**{x}**")) == "\\*a\\* ```\n*a*\n``` **\\*a\\***"


def test_text_fields_are_the_languages() -> None:
    assert tuple(Text.model_fields) == LANGUAGES
    text = Text(en="a", zh_CN="b")
    assert [text.get(lang) for lang in (*LANGUAGES, "fr", "model_config", "get")] == ["a", "b", None, None, None]


def _with_french(value: Any, text_model: type[Text]) -> Any:
    """``value`` with every prose field in ``text_model``, French text added."""
    if isinstance(value, Text):
        return text_model(**value.model_dump(), fr=f"fr: {value.en}")
    if isinstance(value, BaseModel):
        return value.model_copy(
            update={k: _with_french(getattr(value, k), text_model) for k in type(value).model_fields}
        )
    if isinstance(value, tuple):
        return tuple(_with_french(item, text_model) for item in value)
    return value


def test_a_third_language_is_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """French, added as its words file, a field of the text model and an entry of LANGUAGES: no code changes."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    english = (templates / "words.en.jinja").read_text(encoding="utf-8")
    french = english.replace('"English"', '"Français"').replace("Differences with {name}", "Différences avec {name}")
    french = french.replace('"Consistent function"', '"Fonction identique"')
    (templates / "words.fr.jinja").write_text(french, encoding="utf-8")
    monkeypatch.setattr(render, "LANGUAGES", ("en", "zh_CN", "fr"))
    french_text = create_model("FrenchText", __base__=Text, fr=(str | None, None))
    spec = _with_french(_amax(), french_text)
    env = make_env(templates)
    page = render_page(spec, lang="fr", env=env)
    assert page.startswith(
        "# Différences avec torch.amax\n\n[English](../en/torch.amax.md) · [中文](../zh_CN/torch.amax.md)\n"
    )
    assert "\nfr: Returns the largest value of each slice along the given dimensions.\n" in page
    assert "| input | input | Fonction identique |" in page
    english_page = render_page(spec, lang="en", env=env)
    assert "[中文](../zh_CN/torch.amax.md) · [Français](../fr/torch.amax.md)\n" in english_page
    overview = render_overview([spec], lang="zh_CN", env=env)
    assert "[English](../en/index.md) · [Français](../fr/index.md)\n" in overview


def regenerate() -> None:
    """Rewrite the golden pages from the current templates and spec."""
    for name, text in _golden_pages().items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN / name}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()


def test_every_overload_is_shown() -> None:
    spec = load_spec(DATA / "overloads" / "torch.sum.yaml").spec
    page = render_page(spec, lang="en", env=make_env(ROOT / "templates"))
    assert (
        "```python\ntorch.sum(input, *, dtype=None)\ntorch.sum(input, dim, keepdim=False, *, dtype=None)\n```" in page
    )


_REFERENCED = {
    "      en: Both reduce to the maximum; a few keyword names differ.\n": (
        "      en: Both reduce to the maximum (see example basic); a few keyword names differ.\n"
    ),
    "      zh_CN: 两者都求最大值；部分参数名不同。\n": (
        "      zh_CN: 两者都求最大值（见示例 basic）；部分参数名不同。\n"
    ),
    "          zh_CN: 请直接接收返回值。\n": "          zh_CN: 请直接接收返回值(见示例 basic)。\n",
    "          en: Assign the result instead \\<script\\>alert(1)\\</script\\>.\n": (
        "          en: Assign the result instead (see example basic).\n"
    ),
}


def _referencing_spec(folder: Path) -> Path:
    """The amax spec with its differences and its row note naming example ``basic``, in both languages."""
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    for old, new in _REFERENCED.items():
        assert old in text
        text = text.replace(old, new)
    path = folder / "torch.amax.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_reference_is_a_link_to_its_example_in_the_page_language(tmp_path: Path) -> None:
    spec = load_spec(_referencing_spec(tmp_path)).spec
    env = make_env(ROOT / "templates")
    en = render_page(spec, lang="en", env=env)
    zh = render_page(spec, lang="zh_CN", env=env)
    link = "([see example *Maximum along a dimension*](#example-en-torch.amax-ops-basic))"
    assert f"Both reduce to the maximum {link}; a few keyword names differ." in en
    assert f"parameter. Assign the result instead {link}. |" in en
    assert "(example-en-torch.amax-ops-basic)=\n#### Maximum along a dimension\n" in en
    assert "两者都求最大值（[见示例「沿某一维求最大值」](#example-zh_cn-torch.amax-ops-basic)）；" in zh
    assert "请直接接收返回值([见示例「沿某一维求最大值」](#example-zh_cn-torch.amax-ops-basic))。" in zh
    assert "(example-zh_cn-torch.amax-ops-basic)=\n#### 沿某一维求最大值\n" in zh


def test_a_reference_links_to_an_id_on_its_own_page_of_the_site(project: Path) -> None:
    from generator import Project, build  # the Sphinx build: warnings (a broken link) are errors

    _referencing_spec(project / "mappings")
    build(Project(project), examples=False)
    for lang in LANGUAGES:
        page = (project / "docs" / "_build" / "html" / "generated" / lang / "torch.amax.html").read_text(
            encoding="utf-8"
        )
        anchor = f"example-{lang.lower().replace('_', '-')}-torch-amax-ops-basic"
        link = f'<a class="reference internal" href="#{anchor}">'
        said = {"en": "see example <em>Maximum along a dimension</em>", "zh_CN": "见示例「沿某一维求最大值」"}[lang]
        # in the differences and in the row note; the page's table of contents links the heading too
        assert page.count(f"{link}{said}</a>") == 2
        assert page.count(f'<section id="{anchor}">') == 1


def test_a_side_not_executed_here_says_why_beneath_its_snippet() -> None:
    spec = _amax()
    target = spec.targets[0]
    reason = NotRun(mindspore=Text(en="needs a cluster started by `msrun`", zh_CN="需要由 `msrun` 启动的集群"))
    example = target.examples[0].model_copy(update={"not_run": reason})
    spec = spec.model_copy(update={"targets": (target.model_copy(update={"examples": (example,)}),)})
    env = make_env(ROOT / "templates")
    pages = {lang: render_page(spec, lang=lang, env=env) for lang in ("en", "zh_CN")}
    for lang, line in (
        ("en", "*Not executed here*: needs a cluster started by `msrun`"),
        ("zh_CN", "*此处未执行*：需要由 `msrun` 启动的集群"),
    ):
        page = pages[lang]
        assert page.count(line) == 1
        # beneath the MindSpore snippet, not the PyTorch one
        assert page.index("# MindSpore\n") < page.index(line)
    assert "Not executed here" not in render_page(_amax(), lang="en", env=env)


def test_the_overview_says_partly_executed_where_every_example_leaves_a_side_unexecuted() -> None:
    amax = _amax()
    target = amax.targets[0]
    reason = NotRun(mindspore=Text(en="needs a cluster", zh_CN="需要集群"))
    examples = tuple(e.model_copy(update={"not_run": reason}) for e in target.examples)
    unrun = _with_torch_name(
        amax.model_copy(update={"targets": (target.model_copy(update={"examples": examples}),)}), "torch.abs"
    )
    env = make_env(ROOT / "templates")
    checks = {("torch.amax", "mindspore.ops.amax"): "verified"}
    en = render_overview([amax, unrun], lang="en", env=env, checks=checks)
    assert "| [torch.abs](torch.abs.md) | mindspore.ops.amax | partly executed |" in en
    assert "| [torch.amax](torch.amax.md) | mindspore.ops.amax | verified |" in en
    zh = render_overview([unrun], lang="zh_CN", env=env, checks={})
    assert "| [torch.abs](torch.abs.md) | mindspore.ops.amax | 仅比较签名 |" in zh  # nothing ran: signatures only
    assert "| 部分执行 |" in render_overview([unrun], lang="zh_CN", env=env, checks=checks)


def test_a_link_in_a_table_cell_escapes_the_pipes_of_its_title(tmp_path: Path) -> None:
    path = _referencing_spec(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("en: Maximum along a dimension", "en: Maximum along `a|b`"), encoding="utf-8")
    page = render_page(load_spec(path).spec, lang="en", env=make_env(ROOT / "templates"))
    assert "#### Maximum along `a|b`\n" in page
    assert "Both reduce to the maximum ([see example *Maximum along `a|b`*](#example-en-torch.amax-ops-basic));" in page
    assert "instead ([see example *Maximum along `a\\|b`*](#example-en-torch.amax-ops-basic)). |" in page
