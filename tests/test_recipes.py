"""Call recipes: chosen by rule from the signatures, executed in both frameworks, compared."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import ErrorGroup
from generator.model import Signature
from generator.recipes import check_table, choose, report, run_table, snippets
from generator.table import Pair, TableEntry, TableTarget, load_table, table_paths

from .conftest import DATA


def _pair(torch: str, torch_sig: str, ms: str, ms_sig: str, recipe: str | None = None) -> Pair:
    from generator.errors import Location

    target = TableTarget(signature=Signature.parse(ms_sig), recipe=recipe)
    entry = TableEntry(signature=Signature.parse(torch_sig), targets={ms: target})
    return Pair(torch, ms, entry.signature, target.signature, (), entry, target, Location("x"))


@pytest.mark.parametrize(
    ("torch", "torch_sig", "ms", "ms_sig", "recipe"),
    [
        ("torch.exp", "(input, *, out=None)", "mindspore.ops.exp", "(input)", "call(x)"),
        ("torch.mul", "(input, other, *, out=None)", "mindspore.ops.mul", "(input, other)", "call(x, y)"),
        ("torch.eq", "(input, other, *, out=None)", "mindspore.ops.eq", "(input, other)", "call(xc, yc)"),
        ("torch.sum", "(input, dim=None, keepdim=False)", "mindspore.ops.sum", "(input, dim=None)", "reduce"),
        ("torch.cumsum", "(input, dim)", "mindspore.ops.cumsum", "(x, axis)", "call(x, 1)"),
        ("torch.zeros", "(*size, out=None)", "mindspore.ops.zeros", "(size, dtype=None)", "call((2, 3, 4))"),
        ("torch.rand", "(*size, out=None)", "mindspore.ops.rand", "(*size, dtype=None)", "random((2, 3, 4))"),
        ("torch.Tensor.abs", "()", "mindspore.Tensor.abs", "()", "method()"),
        ("torch.Tensor.mm", "(mat2)", "mindspore.Tensor.mm", "(mat2)", "method(xt)"),
        ("torch.nn.ReLU", "(inplace=False)", "mindspore.nn.ReLU", "()", "module()(x4)"),
        (
            "torch.nn.Conv2d",
            "(in_channels, out_channels, kernel_size)",
            "mindspore.nn.Conv2d",
            "(a, b, c)",
            "module(3, 2, 2)(x4)",
        ),
        ("torch.nn.L1Loss", "(reduction='mean')", "mindspore.nn.L1Loss", "(reduction='mean')", "module()(x4, y4)"),
        ("torch.mv", "(input, vec)", "mindspore.ops.mv", "(input, vec)", "call(m, v)"),
        ("torch.frobnicate", "(input, wibble)", "mindspore.ops.frobnicate", "(input, wibble)", None),
    ],
)
def test_the_rule_chooses_a_recipe_from_the_torch_signature(
    torch: str, torch_sig: str, ms: str, ms_sig: str, recipe: str | None
) -> None:
    assert choose(_pair(torch, torch_sig, ms, ms_sig)) == recipe


def test_a_row_overrides_the_rule_in_one_line() -> None:
    assert choose(_pair("torch.exp", "(input)", "mindspore.ops.exp", "(input)", recipe="call(z)")) == "call(z)"
    assert choose(_pair("torch.exp", "(input)", "mindspore.ops.exp", "(input)", recipe="none")) is None


def test_snippets_call_each_framework_on_the_same_inputs() -> None:
    code = snippets("call(x, 1)", _pair("torch.cumsum", "(input, dim)", "mindspore.ops.cumsum", "(x, axis)"))
    assert "result = torch.cumsum(x, 1)\n" in code["torch"]
    assert (
        "import mindspore.ops\n" in code["mindspore"] and "result = mindspore.ops.cumsum(x, 1)\n" in code["mindspore"]
    )
    method = snippets("method[m]()", _pair("torch.Tensor.det", "()", "mindspore.Tensor.det", "()"))
    assert "result = m.det()\n" in method["torch"]


def _project(tmp_path: Path) -> Path:
    rows = tmp_path / "mappings" / "rows"
    rows.mkdir(parents=True)
    shutil.copy(DATA / "table" / "rows" / "torch.yaml", rows / "torch.yaml")
    return tmp_path


def test_run_table_executes_pairs_and_a_failed_check_is_a_located_error(tmp_path: Path) -> None:
    table = load_table(table_paths(_project(tmp_path) / "mappings"))
    results = {r.torch: r for r in run_table(table, cache=tmp_path / "cache")}
    assert results["torch.abs"].status == "verified" and results["torch.abs"].recipe == "call(x)"
    assert results["torch.exp"].status == "verified", results["torch.exp"]
    assert results["torch.diag"].status == "failed" and "shapes" in results["torch.diag"].detail
    assert results["torch.argsort"].status == "verified" and results["torch.argsort"].recipe == "reduce"
    assert results["torch.nosuch"].status == "signature"
    with pytest.raises(ErrorGroup) as info:
        check_table(table, cache=tmp_path / "cache")
    (error,) = info.value.errors
    assert re.fullmatch(
        r".*torch\.yaml:17:5: torch\.diag -> mindspore\.ops\.diag: the call\(x\) check failed \(shapes: .*\); "
        r"record the difference in `differs`, or give the pair a page",
        str(error),
    )
    text = report(list(results.values()), table)
    assert text.endswith(
        "4 of 5 pairs executed; 3 of 3 claims (consistent, names differ, defaults differ) executed (100%); "
        "1 showed a difference"
    )


def test_a_recorded_difference_lets_the_check_pass(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = project / "mappings" / "rows" / "torch.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "      rows: input, diagonal|-, out|-\n",
        "      rows: input, diagonal|-, out|-\n      differs: {en: a 3x4 input gives a 4-d result in MindSpore}\n",
    )
    path.write_text(text, encoding="utf-8")
    table = load_table(table_paths(project / "mappings"))
    checks = check_table(table, cache=tmp_path / "cache")
    assert checks[("torch.diag", "mindspore.ops.diag")] == "verified"
    assert checks[("torch.abs", "mindspore.ops.abs")] == "verified"


def test_export_lists_every_table_pair_with_its_rows_and_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    assert main(["export", "-o", "out/m.json"]) == 0
    document = json.loads((project / "out" / "m.json").read_text(encoding="utf-8"))
    pairs = {p["torch"]: p for p in document["table"]}
    assert len(pairs) == 5
    argsort = pairs["torch.argsort"]
    assert argsort["category"] == "names_differ" and argsort["executed"] is True
    assert {
        "category": "parameter",
        "torch": "dim",
        "mindspore": "axis",
        "kinds": ["renamed"],
        "note": None,
    } in argsort["rows"]
    assert pairs["torch.nosuch"]["executed"] is False and pairs["torch.nosuch"]["removed"]
