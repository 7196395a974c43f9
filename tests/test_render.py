"""Rendering: golden pages of the Rprop spec, and the pieces pages are made of.

Regenerate the golden pages after an intended change with
``python -m tests.test_render`` and review them with ``git diff``.
"""

from __future__ import annotations

import sys

import pytest

from generator.model import DiffKind, Row, Spec, Text
from generator.render import Versions, difference_text, fence, make_env, md_text, render_overview, render_page
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
    assert "onsistent function, different parameter names and default values |" in page


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
    assert difference_text(row, "en") == en
    assert difference_text(row, "zh_CN") == zh


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),
        ("use `a|b` here", "use `a|b` here"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("50% of *all* $x$ & _y_", r"50% of \*all\* \$x\$ \& \_y\_"),
        ("an odd ` tick", r"an odd \` tick"),
    ],
)
def test_prose_cannot_inject_markup(text: str, markdown: str) -> None:
    assert md_text(text) == markdown


def test_pipes_in_code_spans_are_escaped_in_table_cells() -> None:
    assert md_text("`a|b`", cell=True) == r"`a\|b`"


def test_fence_outgrows_backticks_inside() -> None:
    assert fence("x = '```'", "python") == "````python\nx = '```'\n````"


def _renamed(spec: Spec, name: str) -> Spec:
    return spec.model_copy(update={"torch": spec.torch.model_copy(update={"name": name})})


def test_overview_lists_every_pair_by_namespace() -> None:
    amax = load_spec(DATA / "specs" / "torch.amax.yaml").spec
    rprop = load_spec(GOLDEN_SPEC).spec
    specs = [rprop, _renamed(amax, "torch.linalg.amax"), amax, _renamed(amax, "torch.abs")]
    env = make_env(ROOT / "templates")
    tables: dict[str, list[str]] = {}
    for line in render_overview(specs, lang="en", env=env).splitlines():
        if line.startswith("## "):
            rows = tables.setdefault(line[3:], [])
        elif line.startswith("| ["):
            rows.append(line)
    assert tables == {
        "torch": [
            "| [torch.abs](torch.abs.md) | mindspore.ops.amax | MindSpore has extra parameters |",
            "| [torch.amax](torch.amax.md) | mindspore.ops.amax | MindSpore has extra parameters |",
        ],
        "torch.linalg": [
            "| [torch.linalg.amax](torch.linalg.amax.md) | mindspore.ops.amax | MindSpore has extra parameters |",
        ],
        "torch.optim": [
            "| [torch.optim.Rprop](torch.optim.Rprop.md) | mindspore.nn.Rprop | Types or usage differ |",
            "| [torch.optim.Rprop](torch.optim.Rprop.md) | mindspore.experimental.optim.Rprop "
            "| PyTorch has parameters MindSpore lacks |",
        ],
    }
    zh = render_overview(specs, lang="zh_CN", env=env)
    assert "\n| [torch.optim.Rprop](torch.optim.Rprop.md) | mindspore.nn.Rprop | 类型或用法不同 |\n" in zh
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


def regenerate() -> None:
    """Rewrite the golden pages from the current templates and spec."""
    for name, text in _golden_pages().items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN / name}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
