"""`apimap import`: hand-written pages (tests/data/legacy/) and apimap's own rendered pages back into specs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.cli import main
from generator.errors import PageError
from generator.importer import (
    ImportResult,
    import_pages,
    installed_signatures,
    read_difference,
    verify,
)
from generator.model import DiffKind, NotRun, Spec, Text
from generator.render import Versions, make_env, render_page
from generator.run import WorkerPool
from generator.validate import load_corpus, load_spec, spec_paths

from .conftest import DATA, ROOT

LEGACY = DATA / "legacy"
S, R, D, T, B = (
    DiffKind.SAME,
    DiffKind.RENAMED,
    DiffKind.DEFAULT_DIFFERS,
    DiffKind.TYPE_DIFFERS,
    DiffKind.BEHAVIOUR_DIFFERS,
)


def _pages(name: str) -> tuple[str, str]:
    return (LEGACY / "en" / f"{name}.md").read_text(encoding="utf-8"), (LEGACY / "zh_CN" / f"{name}.md").read_text(
        encoding="utf-8"
    )


def _import(name: str, *, zh: str | None = None, installed: bool = False, en: str | None = None) -> ImportResult:
    en_text, zh_text = _pages(name)
    return import_pages(
        en if en is not None else en_text,
        en_path=f"en/{name}.md",
        zh_text=zh if zh is not None else zh_text,
        zh_path=f"zh_CN/{name}.md",
        signatures=installed_signatures if installed else None,
    )


def _spec(result: ImportResult, name: str) -> dict[str, Any]:
    text = next(s.text for s in result.specs if s.name == name)
    data: dict[str, Any] = yaml.safe_load(text)
    Spec.model_validate(data)
    return data


def _lines(result: ImportResult, *, code: str | None = None) -> list[str]:
    return [str(p) for p in result.problems if code is None or p.code == code]


# ---------------------------------------------------------------- the Difference column


@pytest.mark.parametrize(
    ("cell", "kinds", "note", "plain"),
    [
        ("Consistent function", {S}, None, True),
        ("-", {S}, None, True),
        ("onsistent function, different parameter names", {S, R}, None, True),
        ("Same function, different parameter names and default values", {S, R, D}, None, True),
        ("Consistent function, different parameter names, default values and types or usage", {S, R, D, T}, None, True),
        ("功能一致，参数名不同，默认值不同", {S, R, D}, None, True),
        ("类型或用法不同", {T}, None, True),
        ("Different behaviour", {B}, None, True),
        (
            "MindSpore does not have this parameter. To maximize, negate the loss",
            {DiffKind.TORCH_ONLY},
            "To maximize, negate the loss",
            True,
        ),
        ("PyTorch无此参数。名称含 `beta` 的参数除外", {DiffKind.MINDSPORE_ONLY}, "名称含 `beta` 的参数除外", True),
        (
            "PyTorch `out` can get the output. MindSpore does not have this parameter",
            {DiffKind.TORCH_ONLY},
            "PyTorch `out` can get the output.",
            False,
        ),
        (
            "`ddof` acts as `unbiased` when it is a boolean",
            set(),
            "`ddof` acts as `unbiased` when it is a boolean",
            False,
        ),
    ],
)
def test_difference_wording_maps_to_kinds_in_both_languages(
    cell: str, kinds: set[DiffKind], note: str | None, plain: bool
) -> None:
    wording = read_difference(cell)
    assert (set(wording.kinds), wording.note, wording.plain) == (kinds, note, plain)


# ---------------------------------------------------------------- legacy pages, offline


def test_legacy_page_becomes_a_spec_with_located_warnings() -> None:
    result = _import("cumsum")
    assert _lines(result) == [
        "en/cumsum.md:10:3: the pair torch.Tensor.cumsum → mindspore.Tensor.cumsum is listed but has no section, "
        "and the frameworks were not consulted (--offline); not imported",
        "en/cumsum.md:14:1: the frameworks were not consulted (--offline); the page's signature of "
        "torch.cumsum is kept unchecked",
        "en/cumsum.md:22:1: the frameworks were not consulted (--offline); the page's signature of "
        "mindspore.ops.cumsum "
        "is kept unchecked",
        "en/cumsum.md:45:35: the row says the names differ, but both are called 'dtype'",
    ]
    spec = _spec(result, "torch.cumsum")
    assert spec["torch"]["signature"] == "(input, dim, *, dtype=None, out=None)"
    assert spec["torch"]["summary"]["en"].startswith("Running totals of `input` along `dim`")
    target = spec["targets"][0]
    assert target["mindspore"]["signature"] == "(x, axis, dtype=None, reverse=False)"
    # prose stays Markdown: the list, the math and the sub-heading survive
    assert "- the axis has no default on either side;" in target["differences"]["en"]
    assert "### Precision" in target["differences"]["en"]
    assert "### 精度" in target["differences"]["zh_CN"]
    assert [(r["torch"], r["mindspore"], r["kind"]) for r in target["table"]] == [
        ("input", "x", "renamed"),
        ("dim", "axis", "renamed"),  # "onsistent function" read as "consistent function"
        ("dtype", "dtype", "same"),  # the page claimed different names; both are 'dtype'
        ("out", None, "torch_only"),
        (None, "reverse", "mindspore_only"),
    ]


def test_snippets_split_at_markers_and_pasted_outputs_left_out() -> None:
    result = _import("cumsum")
    example = _spec(result, "torch.cumsum")["targets"][0]["examples"][0]
    assert example["torch"] == (
        "import torch\n\nt = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\nprint(torch.cumsum(t, dim=1))\n"
    )
    assert example["mindspore"].endswith("print(mindspore.ops.cumsum(m, axis=1))\n")
    assert "#" not in example["torch"] + example["mindspore"]
    assert example["note"] == {"en": "Totals along the last axis agree.", "zh_CN": "沿最后一个轴的累加结果一致。"}
    claims = [(claim, str(at)) for s in result.specs[0].examples[0].snippets for claim, at in s.claims]
    assert claims == [
        (["tensor([[ 1.,  3.,  6.],", "        [ 4.,  9., 15.]])"], "en/cumsum.md:59:1"),
        (["[[ 1.  3.  6.]", " [ 4.  9. 99.]]"], "en/cumsum.md:67:1"),
    ]


def test_separate_blocks_mindspore_first_blocks_and_headers_in_either_language() -> None:
    result = _import("Softmax")
    target = _spec(result, "torch.nn.Softmax")["targets"][0]
    assert [e["title"] for e in target["examples"]] == [
        {"en": "Code Example 1", "zh_CN": "代码示例1"},
        {"en": "Code Example 2", "zh_CN": "代码示例2"},
    ]
    second = target["examples"][1]
    assert second["torch"].startswith("import torch\n") and second["mindspore"].startswith("import mindspore\n")
    assert target["table"][0] == {"torch": "dim", "mindspore": "axis", "kind": ["renamed", "default_differs"]}
    assert target["table"][1] == {
        "torch": "input",
        "mindspore": "x",
        "kind": "renamed",
        "category": "input",
        "note": {
            "en": "MindSpore accepts only float16 and float32 tensors here",
            "zh_CN": "MindSpore 此处只接受 float16 与 float32 张量",
        },
    }
    assert _lines(result, code="kind-unconfirmed") == [
        "en/Softmax.md:26:34: free text in the Difference column, kept as the row's note; kind set to renamed: "
        "confirm it"
    ]
    assert _lines(result, code="placeholder") == [
        "en/Softmax.md:3:4: the page does not say what torch.nn.Softmax does; its summary is a TODO placeholder",
        "en/Softmax.md:11:4: the page does not say what mindspore.nn.Softmax does; its summary is a TODO placeholder",
    ]


def test_outputs_category() -> None:
    en, zh = _pages("Softmax")
    result = _import(
        "Softmax",
        en=en.replace("| Inputs | Input 1 |", "| Outputs | Output 1 |"),
        zh=zh.replace("| 输入 | 输入1 |", "| 输出 | 输出1 |"),
    )
    assert _spec(result, "torch.nn.Softmax")["targets"][0]["table"][1]["category"] == "output"


def test_without_chinese_page_the_translation_is_reported_missing() -> None:
    en, _ = _pages("Softmax")
    result = import_pages(en, en_path="en/Softmax.md")
    assert "en/Softmax.md:1:3: no --zh page: the spec has no zh_CN text; `apimap check` will ask for it" in _lines(
        result
    )
    assert "zh_CN" not in _spec(result, "torch.nn.Softmax")["targets"][0]["differences"]


def test_chinese_page_fills_by_position_and_reports_what_does_not_match() -> None:
    _, zh = _pages("cumsum")
    zh = zh.replace("| | 参数2 | dim | axis |", "| | 参数2 | dim | axes |")
    zh = zh.replace("> 沿最后一个轴的累加结果一致。\n", "")
    result = _import("cumsum", zh=zh)
    assert _lines(result, code="zh-unmatched") == [
        "en/cumsum.md:49:5: the Chinese page has no text for the note of example 'Code Example'",
        "zh_CN/cumsum.md:44:1: this Chinese row names dim / axes, the English one dim / axis; not matched",
    ]
    target = _spec(result, "torch.cumsum")["targets"][0]
    assert target["examples"][0]["note"] == {"en": "Totals along the last axis agree."}


def test_pages_apimap_renders_import_without_warnings() -> None:
    spec = load_spec(ROOT / "mappings" / "torch.optim.Rprop.yaml").spec
    env = make_env(ROOT / "templates")
    en, zh = (render_page(spec, lang=lang, env=env) for lang in ("en", "zh_CN"))
    result = import_pages(en, en_path="en.md", zh_text=zh, zh_path="zh.md")
    assert {p.code for p in result.problems} == {"not-installed"}


# ---------------------------------------------------------------- against the installed frameworks


@pytest.fixture(scope="module")
def installed_cumsum() -> ImportResult:
    return _import("cumsum", installed=True)


def test_installed_signatures_cross_check_the_page(installed_cumsum: ImportResult) -> None:
    lines = _lines(installed_cumsum)
    assert (
        "en/cumsum.md:23:43: mindspore.ops.cumsum: the page's signature differs: declares parameter 'reverse', "
        "which the installed version does not have; the spec gets the installed one"
    ) in lines
    assert any(
        re.fullmatch(
            r"en/cumsum\.md:47:23: a row for parameter 'reverse', which mindspore\.ops\.cumsum does not have .*", line
        )
        for line in lines
    )
    assert "en/cumsum.md:45:35: the row says the names differ, but both are called 'dtype'" in lines
    spec = _spec(installed_cumsum, "torch.cumsum")
    assert spec["targets"][0]["mindspore"]["signature"] == "(x, axis, dtype=None)"
    assert spec["torch"]["url"] == "https://docs.pytorch.org/docs/2.13/generated/torch.cumsum.html"


def test_several_pairs_give_several_specs_that_validate(installed_cumsum: ImportResult, tmp_path: Path) -> None:
    assert [s.name for s in installed_cumsum.specs] == ["torch.cumsum", "torch.Tensor.cumsum"]
    assert _lines(installed_cumsum, code="copied")[0].startswith(
        "en/cumsum.md:10:3: the pair torch.Tensor.cumsum → mindspore.Tensor.cumsum has no section of its own"
    )
    for spec in installed_cumsum.specs:
        (tmp_path / f"{spec.name}.yaml").write_text(spec.text, encoding="utf-8")
    corpus = load_corpus(spec_paths(tmp_path))
    assert [f.spec.torch.name for f in corpus.files] == ["torch.Tensor.cumsum", "torch.cumsum"]


def test_verify_reports_where_the_output_differs_from_the_page() -> None:
    result = _import("cumsum")
    with WorkerPool() as pool:
        report = verify(result.specs, run=pool.run)
    assert [str(p) for p in report.problems] == [
        'en/cumsum.md:67:1: the page claims "[[ 1.  3.  6.]\\n [ 4.  9. 99.]]", '
        'the MindSpore snippet prints "[[ 1.  3.  6.]\\n [ 4.  9. 15.]]"'
    ]
    assert (report.examples, report.ran_in_both, report.claims_checked, report.claims_differing) == (1, 1, 2, 1)


# ---------------------------------------------------------------- the command line


def test_cli_writes_specs_and_prints_located_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page, zh = LEGACY / "en" / "Softmax.md", LEGACY / "zh_CN" / "Softmax.md"
    code = main(["import", str(page), "--zh", str(zh), "-o", str(tmp_path), "--offline"])
    out, err = capsys.readouterr()
    assert code == 0
    assert (tmp_path / "torch.nn.Softmax.yaml").is_file()
    assert "wrote" in out
    assert all(re.match(r"^\S+\.md:\d+:\d+: ", line) for line in err.splitlines()[:-1])
    assert err.splitlines()[-1] == "apimap: 0 errors, 5 warnings"
    code = main(["import", str(page), "-o", str(tmp_path), "--offline"])
    assert code == 2
    assert "exists; pass --force to overwrite it" in capsys.readouterr().err


def test_cli_unreadable_page_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.md"
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00")
    for page, reason in ((missing, "No such file or directory"), (binary, "not UTF-8 text")):
        assert main(["import", str(page), "-o", str(tmp_path / "out"), "--offline"]) == 2
        assert capsys.readouterr().err.endswith(f":1:1: cannot read the page: {reason}\n")
    assert not (tmp_path / "out").exists()


def test_page_without_sections_is_an_error_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Differences with torch.nothing\n\nJust prose.\n", encoding="utf-8")
    assert main(["import", str(page), "-o", str(tmp_path / "out"), "--offline"]) == 2
    err = capsys.readouterr().err
    assert re.search(
        r"page\.md:1:3: no '## torch\.…' section with the PyTorch API; nothing to import$", err, re.MULTILINE
    )
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- round trip over the committed specs

NOT_SHOWN = {
    "id": "target and example ids: a page shows neither",
    "compare": "the values an example compares: a page shows only their output",
    "recipe": "the call a target's row checks vary",
    "value": "the value a row check passes",
}
"""Fields a page does not show, so the round trip cannot give them back; a row's kinds
come back as a set, since the Difference column states each once and in a fixed order."""
_MD = MarkdownIt("commonmark")


def _normal(value: Any) -> Any:
    """A spec's data with what a page does not show removed and prose compared as rendered Markdown."""
    if isinstance(value, dict):
        if set(value) <= {"en", "zh_CN"} and "en" in value:
            return {k: " ".join(_MD.render(v).split()) for k, v in value.items() if v is not None}
        out = {k: _normal(v) for k, v in value.items() if k not in NOT_SHOWN}
        if "kind" in out and isinstance(out["kind"], list):
            out["kind"] = sorted(set(out["kind"]))
        return out
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


def _committed() -> Iterator[Path]:
    return iter(spec_paths(ROOT / "mappings"))


@pytest.mark.parametrize("path", list(_committed()), ids=lambda p: p.stem)
def test_round_trip_render_then_import_gives_the_spec_back(path: Path) -> None:
    spec = load_spec(path).spec
    env = make_env(ROOT / "templates")
    outputs = {
        (t.id, e.id, side): "output" for t in spec.targets for e in t.examples for side in ("torch", "mindspore")
    }
    versions = Versions(torch="2.13.0", mindspore="2.10.0")
    en, zh = (render_page(spec, lang=lang, env=env, outputs=outputs, versions=versions) for lang in ("en", "zh_CN"))
    result = import_pages(en, en_path="en.md", zh_text=zh, zh_path="zh.md")
    assert [str(p) for p in result.problems if p.code != "not-installed"] == []
    assert len(result.specs) == 1
    back = Spec.model_validate(yaml.safe_load(result.specs[0].text))
    assert _normal(back.model_dump(mode="json")) == _normal(spec.model_dump(mode="json"))


def test_a_reason_not_to_run_comes_back_for_its_side() -> None:
    spec = load_spec(DATA / "specs" / "torch.amax.yaml").spec
    target = spec.targets[0]
    reason = NotRun(mindspore=Text(en="needs a cluster started by `msrun`", zh_CN="需要由 `msrun` 启动的集群"))
    example = target.examples[0].model_copy(update={"not_run": reason})
    spec = spec.model_copy(update={"targets": (target.model_copy(update={"examples": (example,)}),)})
    env = make_env(ROOT / "templates")
    en, zh = (render_page(spec, lang=lang, env=env) for lang in ("en", "zh_CN"))
    result = import_pages(en, en_path="en.md", zh_text=zh, zh_path="zh.md")
    item = yaml.safe_load(result.specs[0].text)["targets"][0]["examples"][0]
    assert item["not_run"] == {
        "mindspore": {"en": "needs a cluster started by `msrun`", "zh_CN": "需要由 `msrun` 启动的集群"}
    }
    assert "note" not in item


# ---------------------------------------------------------------- no traceback, ever

_FRAGMENTS = [
    "",
    "# ",
    "## torch.x",
    "## mindspore.",
    "| a | b |",
    "| --- |",
    "```",
    "```python",
    "# MindSpore",
    "# PyTorch",
    "print(",
    "# tensor(",
    "> ",
    "- ",
    "1. ",
    "### Code Example",
    "## Differences",
    "| Parameters | Parameter 1 | a, b | - | x |",
    "$$",
    "<div>",
    "\\",
    "`",
    "(",
    "class torch.nn.X(",
]


@st.composite
def _mutated(draw: st.DrawFn, lang: int = 0) -> str:
    name = draw(st.sampled_from(["cumsum", "Softmax"]))
    lines = _pages(name)[lang].split("\n")
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate", "garble"]))
        if action == "delete" and lines:
            del lines[min(at, len(lines) - 1)]
        elif action == "insert":
            lines.insert(at, draw(st.sampled_from(_FRAGMENTS)) + draw(st.text(max_size=8)))
        elif action == "duplicate" and lines:
            lines.insert(at, lines[min(at, len(lines) - 1)])
        elif action == "truncate":
            lines = lines[:at]
        elif lines:
            i = min(at, len(lines) - 1)
            cut = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:cut] + draw(st.text(max_size=4)) + lines[i][cut:]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=_mutated())
def test_mutated_pages_give_located_findings_never_a_traceback(page: str) -> None:
    result = import_pages(page, en_path="page.md")
    for problem in result.problems:
        assert isinstance(problem, PageError)
        assert problem.location is not None and problem.location.path == "page.md"
    if result.errors:
        assert result.specs == ()
    for spec in result.specs:
        Spec.model_validate(yaml.safe_load(spec.text))


def test_a_cell_naming_several_parameters_gives_a_row_each_for_a_person_to_confirm() -> None:
    en, zh = _pages("cumsum")
    en = en.replace("| | Parameter 2 | dim | axis |", "| | Parameter 2 | dim, dtype | axis, dtype |")
    en = en.replace("| | Parameter 3 | dtype | dtype | Consistent function, different parameter names |\n", "")
    zh = zh.replace("| | 参数2 | dim | axis |", "| | 参数2 | dim, dtype | axis, dtype |")
    zh = zh.replace("| | 参数3 | dtype | dtype | 功能一致，参数名不同 |\n", "")
    result = _import("cumsum", en=en, zh=zh)
    table = _spec(result, "torch.cumsum")["targets"][0]["table"]
    assert [(r["torch"], r["mindspore"], r["kind"]) for r in table[1:3]] == [
        ("dim", "axis", "renamed"),
        ("dtype", "dtype", "same"),
    ]
    assert _lines(result, code="row-split") == [
        "en/cumsum.md:44:46: split from a row naming several parameters; kind set to renamed: confirm it",
        "en/cumsum.md:44:46: split from a row naming several parameters; kind set to same: confirm it",
    ]
    assert result.stats.rows_for_a_person == 2


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zh=_mutated(lang=1))
def test_a_mutated_chinese_page_is_reported_never_a_traceback(zh: str) -> None:
    en, _ = _pages("cumsum") if "cumsum" in zh else _pages("Softmax")
    result = import_pages(en, en_path="en.md", zh_text=zh, zh_path="zh.md")
    assert all(p.location is not None and p.location.path in ("en.md", "zh.md") for p in result.problems)
    for spec in result.specs:
        Spec.model_validate(yaml.safe_load(spec.text))


def test_cli_output_folder_that_is_a_file_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("", encoding="utf-8")
    code = main(["import", str(LEGACY / "en" / "Softmax.md"), "-o", str(blocker), "--offline"])
    assert code == 2
    assert re.search(
        r"Softmax\.md:1:1: cannot write into \S*taken: File exists$", capsys.readouterr().err, re.MULTILINE
    )
