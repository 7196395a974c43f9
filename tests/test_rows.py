"""Row checks: a row that claims the same behaviour is executed, and a false one fails where it stands."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.model import Api, Parameter, Target
from generator.render import make_env, render_page, table_rows, words
from generator.rows import (
    RowResult,
    check_target,
    page_notes,
    page_reason,
    plan,
    pool_runner,
    python_value,
    report,
    row_errors,
    rule_value,
    side_arguments,
    side_grad,
    side_setup,
    snippets,
)
from generator.run import WorkerPool
from generator.validate import Corpus, SpecFile, load_spec

from .conftest import DATA, ROOT

ROWS = DATA / "rows"
TRUE = ROWS / "true" / "mappings" / "torch.nn.functional.hardtanh.yaml"
FALSE = ROWS / "false" / "mappings" / "torch.optim.Adam.yaml"
UNEXECUTED = ROWS / "unexecuted" / "mappings" / "torch.nn.BCELoss.yaml"


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(timeout=120) as workers:
        yield workers


def _check(path: Path, pool: WorkerPool, cache: Path | None = None) -> tuple[SpecFile, list[RowResult]]:
    spec = load_spec(path)
    return spec, check_target(spec, 0, run=pool_runner(pool), cache=cache)


# ---------------------------------------------------------------- choosing values and calls


@pytest.mark.parametrize(
    ("name", "default", "value"),
    [
        ("keepdim", "False", True),
        ("dim", "0", 1),
        ("weight_decay", "0", 0.1),
        ("lr", "0.01", 0.005),
        ("label_smoothing", "0.0", 0.1),
        ("betas", "(0.9, 0.999)", (0.9 * 0.9, 0.999 * 0.9)),
        ("step_sizes", "(1e-06, 50)", (1e-06 * 0.9, 51)),
        ("dim", "None", 1),
        ("dtype", "None", "float64"),
        ("reduction", "'mean'", "sum"),
        ("approximate", "'none'", "tanh"),
        ("padding_mode", "'zeros'", None),
        ("weight", "None", None),
        ("device", "torch.device('cpu')", None),
    ],
)
def test_the_rule_chooses_another_valid_value_from_the_default(name: str, default: str, value: Any) -> None:
    assert rule_value(Parameter(name, "normal", default)) == value


def _target(table: list[dict[str, Any]], signature: str, recipe: str | None = None) -> Target:
    api = {"name": "mindspore.ops.f", "kind": "function", "signature": signature, "url": "https://x.org"}
    return Target.model_validate(
        {
            "id": "ops",
            "mindspore": {**api, "summary": {"en": "f"}},
            "differences": {"en": "d"},
            "table": table,
            "examples": [{"id": "e", "title": {"en": "t"}, "torch": "x", "mindspore": "x"}],
            "recipe": recipe,
        }
    )


TORCH = Api.model_validate(
    {
        "name": "torch.f",
        "kind": "function",
        "signature": "(input, dim=0, eps=1e-05, mode=None)",
        "url": "https://x.org",
        "summary": {"en": "f"},
    }
)


def test_a_plan_pins_differing_defaults_and_one_sided_values_and_says_why_a_row_is_not_run() -> None:
    target = _target(
        [
            {"torch": "input", "mindspore": "x", "kind": "renamed"},
            {"torch": "dim", "mindspore": "axis", "kind": ["renamed", "default_differs"]},
            {"torch": "eps", "mindspore": "eps", "kind": "same"},
            {"torch": "mode", "mindspore": "mode", "kind": "same"},
            {"torch": None, "mindspore": "pad_mode", "kind": "mindspore_only", "value": "pad"},
        ],
        "(x, axis=-1, eps=1e-05, mode=None, pad_mode='same')",
        recipe="call(x)",
    )
    found = plan(TORCH, target)
    assert found.recipe == "call(x)"
    assert found.pins == {"torch": (), "mindspore": (("axis", "0"), ("pad_mode", "'pad'"))}
    by_name = {rp.row.torch: rp for rp in found.rows}
    assert by_name["input"].by_base
    assert by_name["dim"].values == {"torch": "1", "mindspore": "1"}
    assert by_name["eps"].values == {"torch": "0.1", "mindspore": "0.1"}  # a tiny default becomes 0.1
    assert by_name["mode"].why_not == "no value: the default None needs the row's `value`"
    assert [rp.row.torch for rp in found.rows] == ["input", "dim", "eps", "mode"]  # claim rows only


def test_a_target_without_a_recipe_is_not_executed_and_says_so() -> None:
    target = _target([{"torch": "eps", "mindspore": "eps", "kind": "same"}], "(eps=1e-05)", recipe="none")
    (row,) = plan(TORCH, target).rows
    assert row.why_not == "no recipe: the target needs a `recipe`"


# ---------------------------------------------------------------- executing


def test_a_true_row_passes(pool: WorkerPool) -> None:
    _, results = _check(TRUE, pool)
    assert {r.row.torch: r.status for r in results} == {"input": "base", "min_val": "passed", "max_val": "passed"}
    assert next(r for r in results if r.row.torch == "max_val").values == {"torch": "0.75", "mindspore": "0.75"}


def test_a_false_row_fails_at_its_line(pool: WorkerPool) -> None:
    # deterministic, unlike a claim that fails only on uninitialised memory: MindSpore adds eps before bias correction
    spec, results = _check(FALSE, pool)
    failed = [r for r in results if r.status == "failed"]
    assert [r.row.torch for r in failed] == ["eps"]
    (error,) = row_errors(Corpus((spec,), ()), results)
    assert re.fullmatch(
        r".*tests/data/rows/false/mappings/torch\.optim\.Adam\.yaml:26:9: row eps \| eps claims the same "
        r"behaviour, but with 0\.1: result: PyTorch and MindSpore differ \(max abs difference [0-9.e+-]+, .*\); "
        r"mark it behaviour_differs with a note and an example, or fix the row",
        str(error),
    )


def test_a_row_without_a_value_is_not_executed_in_the_report_and_on_the_page(pool: WorkerPool) -> None:
    spec, results = _check(UNEXECUTED, pool)
    (weight,) = [r for r in results if r.row.torch == "weight"]
    assert weight.status == "not executed"
    text = report(results)
    assert (
        "torch.nn.BCELoss [nn] weight | weight: not executed: no value: the default None needs the row's `value`"
        in (text)
    )
    assert "torch.nn.BCELoss: 1 of 2 rows executed (50%)" in text
    env = make_env(ROOT / "templates")
    english = render_page(spec.spec, lang="en", env=env)
    chinese = render_page(spec.spec, lang="zh_CN", env=env)
    assert "| weight | weight | Consistent function (not executed: no row check runs this claim) |" in english
    assert "| reduction | reduction | Consistent function (checked with `reduction='sum'`) |" in english
    assert "（未执行：没有行检查运行此声明）" in chinese


def test_a_row_checked_with_a_varied_value_says_which_value_on_both_pages() -> None:
    spec = load_spec(TRUE).spec
    env = make_env(ROOT / "templates")
    english = render_page(spec, lang="en", env=env)
    chinese = render_page(spec, lang="zh_CN", env=env)
    assert "| input | input | Consistent function |" in english  # run by the base call: no value to name
    assert "| min\\_val | min\\_val | Consistent function (checked with `min_val=-0.5`) |" in english
    assert "| max\\_val | max\\_val | Consistent function (checked with `max_val=0.75`) |" in english
    assert "| min\\_val | min\\_val | 功能一致（已用 `min_val=-0.5` 验证） |" in chinese
    assert "| max\\_val | max\\_val | 功能一致（已用 `max_val=0.75` 验证） |" in chinese
    target = _target(
        [
            {"torch": "dim", "mindspore": "axis", "kind": "renamed"},
            {"torch": "mode", "mindspore": "mode", "kind": "same", "value": "u(3)"},
        ],
        "(x, axis=0, mode=None)",
        recipe="call(x)",
    )
    dim, mode = table_rows(target, words(env, "en"), TORCH)
    assert dim.difference.endswith("different parameter names (checked with `dim=1` / `axis=1`)")
    assert mode.difference.endswith("Consistent function (checked with another tensor)")
    assert table_rows(target, words(env, "zh_CN"), TORCH)[1].difference.endswith("（已用另一个张量验证）")


def test_results_are_cached_by_what_runs(pool: WorkerPool, tmp_path: Path) -> None:
    spec, first = _check(TRUE, pool, cache=tmp_path)

    def refuse(*args: object) -> object:
        raise AssertionError("a cached check ran again")

    again = check_target(spec, 0, run=refuse, cache=tmp_path)
    assert [(r.row.torch, r.status) for r in again] == [(r.row.torch, r.status) for r in first]
    assert len(list((tmp_path / "rows").glob("*.json"))) == 3  # the base call and two varied rows


# ---------------------------------------------------------------- the command line


def _project(tmp_path: Path, case: str) -> Path:
    shutil.copytree(ROWS / case, tmp_path / case)
    return tmp_path / case


def test_check_prints_the_share_of_executed_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, "unexecuted")
    assert main(["--root", str(root), "check"]) == 0
    out = capsys.readouterr().out
    assert "torch.nn.BCELoss: 1 of 2 rows executed (50%)" in out
    assert re.search(
        r"^apimap: 1 of 2 rows executed \(50%\): 1 with a varied value, 0 by the base call; 0 failed; "
        r"by kind: same 1/2; not executed: 1 no value$",
        out,
        re.M,
    )


def test_check_fails_on_a_false_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, "false")
    assert main(["--root", str(root), "check"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"torch\.optim\.Adam\.yaml:26:9: row eps \| eps claims the same behaviour", err)


# ---------------------------------------------------------------- what the page says about rows that did not run

BASE = ROWS / "base" / "mappings" / "torch.nn.functional.hardtanh.yaml"


def test_a_row_whose_base_call_disagrees_says_so_on_the_page_in_both_languages(pool: WorkerPool) -> None:
    spec, results = _check(BASE, pool)
    (row,) = results
    assert row.status == "not executed"
    assert row.detail.startswith("the base call call(xc): result: PyTorch and MindSpore differ")
    assert page_reason(row) == "base"
    notes = page_notes(results)
    assert notes == {"torch.nn.functional.hardtanh": {("ops", 0): "base"}}
    env = make_env(ROOT / "templates")
    english = render_page(spec.spec, lang="en", env=env, row_checks=notes["torch.nn.functional.hardtanh"])
    chinese = render_page(spec.spec, lang="zh_CN", env=env, row_checks=notes["torch.nn.functional.hardtanh"])
    assert (
        "| input | x | Consistent function, different parameter names (not executed: the base call gives "
        "different results in the two frameworks) |" in english
    )
    assert "（未执行：基础调用在两个框架中的结果不同）" in chinese
    assert "not executed" not in render_page(spec.spec, lang="en", env=env)  # without the build's results


@pytest.mark.parametrize(
    ("detail", "reason"),
    [
        ("MindSpore has no CPU kernel for these inputs", "no_kernel"),
        ("both sides raise (torch: ValueError: a; mindspore: ValueError: b)", "refused"),
        ("the base call call(x): only mindspore raises: TypeError: t", "base"),
        ("no value: the default None needs the row's `value`", None),  # the page knows it from the plan
        ("no recipe: the target needs a `recipe`", None),
    ],
)
def test_each_reason_found_when_running_has_words_in_both_languages(detail: str, reason: str | None) -> None:
    spec = load_spec(TRUE)
    row = spec.spec.targets[0].table[1]
    found = RowResult("torch.nn.functional.hardtanh", "ops", 1, row, "not executed", detail)
    assert page_reason(found) == reason
    env = make_env(ROOT / "templates")
    for lang in ("en", "zh_CN"):
        page = render_page(spec.spec, lang=lang, env=env, row_checks={("ops", 1): reason} if reason else None)
        marked = "not executed" in page or "未执行" in page
        assert marked == (reason is not None)


def test_the_build_passes_the_reasons_to_every_page_and_to_its_fingerprint() -> None:
    from generator import fingerprints, render_all

    spec = load_spec(BASE)
    corpus = Corpus((spec,), ())
    notes = {"torch.nn.functional.hardtanh": {("ops", 0): "no_kernel"}}
    pages = render_all(corpus, templates=ROOT / "templates", row_checks=notes)
    assert "(not executed: MindSpore has no CPU kernel for this call)" in pages["en/torch.nn.functional.hardtanh.md"]
    assert "（未执行：MindSpore没有此调用的CPU算子）" in pages["zh_CN/torch.nn.functional.hardtanh.md"]
    before = fingerprints(corpus, templates=ROOT / "templates", outputs={}, versions=None)
    after = fingerprints(corpus, templates=ROOT / "templates", outputs={}, versions=None, row_checks=notes)
    assert before.keys() == after.keys() and all(before[k] != after[k] for k in before)


def test_check_claims_counts_an_executed_row_as_executed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, "true")
    assert main(["--root", str(root), "check", "--claims"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "torch.nn.functional.hardtanh: 3 of 3 rows executed (100%)" in out
    # three claim rows ran; the torch-only row stays derived; the prose's three sentences name no example
    assert "torch.nn.functional.hardtanh: 3 executed, 1 derived, 0 shown, 3 unbacked" in out
    assert main(["--root", str(root), "check", "--offline", "--claims"]) == 0
    offline = capsys.readouterr().out.splitlines()
    assert "torch.nn.functional.hardtanh: 0 executed, 4 derived, 0 shown, 3 unbacked" in offline


def test_cache_prune_keeps_the_row_and_table_checks_in_use_and_removes_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.recipes import run_table
    from generator.table import load_table, table_paths

    root = _project(tmp_path, "true")
    (root / "mappings" / "rows").mkdir()
    shutil.copy(DATA / "table" / "rows" / "torch.yaml", root / "mappings" / "rows" / "torch.yaml")
    cache = root / ".apimap-cache"
    run_table(load_table(table_paths(root / "mappings")), cache=cache)
    assert main(["--root", str(root), "check"]) == 0
    in_use = sorted(p for p in cache.rglob("*.json"))
    assert len(list((cache / "rows").glob("*.json"))) == 3 and len(list((cache / "table").glob("*.json"))) == 4
    assert len(list(cache.glob("*.json"))) == 8  # the snippets the table's four executed checks ran
    stale = [cache / "rows" / f"{'0' * 64}.json", cache / "table" / f"{'1' * 64}.json", cache / f"{'2' * 64}.json"]
    for path in stale:
        path.write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(root), "cache", "--prune"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("apimap: removed 1 entries (")
    assert re.fullmatch(r"apimap: removed 1 row check results \(2 bytes\) that no current row check uses", out[1])
    assert re.fullmatch(r"apimap: removed 1 table check results \(2 bytes\) that no current table check uses", out[2])
    assert sorted(cache.rglob("*.json")) == in_use
    spec = root / "mappings" / "torch.nn.functional.hardtanh.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("value: 0.75", "value: 0.5"), encoding="utf-8")
    assert main(["--root", str(root), "cache", "--prune"]) == 0
    assert "apimap: removed 1 row check results (" in capsys.readouterr().out  # the call with 0.75 is no longer made
    assert len(list((cache / "rows").glob("*.json"))) == 2


# ---------------------------------------------------------------- recipes: picks and one side's arguments


def test_a_recipe_picks_what_each_side_compares_and_gives_one_side_its_own_arguments() -> None:
    names = {"torch": "torch.svd", "mindspore": "mindspore.ops.svd"}
    code = snippets("call(m) | torch: result[1] | mindspore: result[0]", names, {"torch": [], "mindspore": []})
    assert "result = torch.svd(m)\nresult = result[1]\n" in code["torch"]
    assert "result = mindspore.ops.svd(m)\nresult = result[0]\n" in code["mindspore"]
    recipe = "call(x) | torch args: dim=1, index=gi | mindspore args: indices=gi, axis=(1, 0)"
    assert side_arguments(recipe) == {
        "torch": [("dim", "1"), ("index", "gi")],
        "mindspore": [("indices", "gi"), ("axis", "(1, 0)")],
    }
    target = _target(
        [
            {"torch": "input", "mindspore": "x", "kind": "renamed"},
            {"torch": "dim", "mindspore": "axis", "kind": "renamed"},
        ],
        "(x, axis=-1, eps=1e-05, mode=None)",
        recipe="call(x) | torch args: dim=2 | mindspore args: axis=2",
    )
    found = plan(TORCH, target)
    assert found.pins == {"torch": (("dim", "2"),), "mindspore": (("axis", "2"),)}
    assert [rp.by_base for rp in found.rows] == [True, True]  # the recipe passes dim on both sides
    one = snippets("method[x1]()", {"torch": "torch.Tensor.item", "mindspore": "mindspore.Tensor.item"}, found.pins)
    assert "x1 = u(1)\n" in one["torch"] and "result = x1.item(dim=2)\n" in one["torch"]
    assert "x1 = u(1)" not in snippets("call(x)", names, {"torch": [], "mindspore": []})["torch"]  # only where named


def test_rows_run_with_picks_and_one_sided_arguments(pool: WorkerPool, tmp_path: Path) -> None:
    text = BASE.read_text(encoding="utf-8").replace(
        "recipe: call(xc)", "recipe: 'call(xc) | torch args: min_val=0.0, max_val=6.0'"
    )
    path = tmp_path / "torch.nn.functional.hardtanh.yaml"
    path.write_text(text, encoding="utf-8")
    _, results = _check(path, pool)
    assert [(r.row.torch, r.status) for r in results] == [("input", "base")]  # hardtanh(0, 6) is relu6


SETUP = ROWS / "setup" / "mappings"
OPTIMIZERS = {"torch": "torch.optim.SGD", "mindspore": "mindspore.mint.optim.SGD"}


def test_an_optimizer_recipe_runs_one_sides_setup_and_gradient_and_leaves_the_others_code_alone() -> None:
    plain = snippets("optimizer(momentum=0.9)", OPTIMIZERS, {"torch": [], "mindspore": []})
    assert "optimizer = torch.optim.SGD([w], momentum=0.9)\nfor g in " in plain["torch"]
    assert "    w.grad = T(np.array(g, dtype=np.float32))\n" in plain["torch"]
    assert "    optimizer((T(np.array(g, dtype=np.float32)),))\n" in plain["mindspore"]
    recipe = "optimizer(momentum=0.9) | mindspore setup: optimizer = mindspore.jit(optimizer) | torch grad: grad * 2"
    assert side_setup(recipe) == {"mindspore": "optimizer = mindspore.jit(optimizer)"}
    assert side_grad(recipe) == {"torch": "grad * 2"}
    assert side_arguments(recipe) == {"torch": [], "mindspore": []}
    code = snippets(recipe, OPTIMIZERS, {"torch": [], "mindspore": []})
    assert (
        "optimizer = mindspore.mint.optim.SGD([w], momentum=0.9)\noptimizer = mindspore.jit(optimizer)\nfor g in "
        in code["mindspore"]
    )
    assert "    w.grad = (lambda grad: grad * 2)(T(np.array(g, dtype=np.float32)))\n" in code["torch"]
    assert code["mindspore"].replace("optimizer = mindspore.jit(optimizer)\n", "") == plain["mindspore"]
    called = snippets(
        "call(x) | torch setup: x = x * 2",
        {"torch": "torch.abs", "mindspore": "mindspore.ops.abs"},
        {"torch": [], "mindspore": []},
    )
    assert "x = x * 2\nresult = torch.abs(x)\n" in called["torch"]


def test_a_mint_optimizer_compiled_by_its_setup_runs_its_rows(pool: WorkerPool, tmp_path: Path) -> None:
    _, results = _check(SETUP / "torch.optim.SGD.yaml", pool)
    assert {r.row.torch: r.status for r in results} == {
        "params": "base",
        "lr": "passed",
        "momentum": "base",  # the recipe passes it
        "dampening": "passed",
        "weight_decay": "passed",
        "nesterov": "passed",
        "maximize": "passed",
    }
    eager = tmp_path / "torch.optim.SGD.yaml"
    text = (SETUP / "torch.optim.SGD.yaml").read_text(encoding="utf-8")
    eager.write_text(text.replace(" | mindspore setup: optimizer = mindspore.jit(optimizer)", ""), encoding="utf-8")
    _, results = _check(eager, pool)  # run eagerly on CPU, its in-place updates leave the parameter unchanged
    assert {r.status for r in results} == {"not executed"}
    assert results[0].detail.startswith("the base call optimizer(momentum=0.9): result: PyTorch and MindSpore differ")


def test_a_sparse_gradient_for_torch_runs_the_rows_of_sparse_adam(pool: WorkerPool, tmp_path: Path) -> None:
    _, results = _check(SETUP / "torch.optim.SparseAdam.yaml", pool)
    assert {r.row.torch: r.status for r in results} == {"params": "base", "lr": "passed", "eps": "passed"}
    dense = tmp_path / "torch.optim.SparseAdam.yaml"
    text = (SETUP / "torch.optim.SparseAdam.yaml").read_text(encoding="utf-8")
    dense.write_text(text.replace(" | torch grad: grad.to_sparse()", ""), encoding="utf-8")
    _, results = _check(dense, pool)
    assert results[0].detail.endswith(
        "only torch raises: RuntimeError: SparseAdam does not support dense gradients, please consider Adam instead"
    )


def test_a_required_parameter_of_another_overload_is_not_counted_as_run_by_the_base_call() -> None:
    torch = Api.model_validate(
        {
            "name": "torch.Tensor.to",
            "kind": "method",
            "signature": "(dtype, copy=False)",
            "overloads": ["(other, copy=False)"],
            "url": "https://x.org",
            "summary": {"en": "f"},
        }
    )
    target = _target(
        [
            {"torch": "copy", "mindspore": "copy", "kind": "same"},
            {"torch": "other", "mindspore": "other", "kind": "same"},
        ],
        "(dtype=None, copy=False, other=None)",
        recipe="method() | torch args: dtype=torch.float64 | mindspore args: dtype=mindspore.float64",
    )
    copy, other = plan(torch, target).rows
    assert copy.values == {"torch": "True", "mindspore": "True"}
    assert other.why_not == "no value: required in another overload than the recipe calls"


def test_build_writes_why_a_row_did_not_run_on_both_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, "base")
    assert main(["--root", str(root), "build", "--no-html"]) == 0
    generated = root / "docs" / "generated"
    english = (generated / "en" / "torch.nn.functional.hardtanh.md").read_text(encoding="utf-8")
    chinese = (generated / "zh_CN" / "torch.nn.functional.hardtanh.md").read_text(encoding="utf-8")
    assert (
        "| input | x | Consistent function, different parameter names (not executed: the base call gives different "
        "results in the two frameworks) |" in english
    )
    assert "| input | x | 功能一致，参数名不同（未执行：基础调用在两个框架中的结果不同） |" in chinese


# ---------------------------------------------------------------- a row's own call, expressions, data pipelines


def test_a_row_with_its_own_recipe_gets_its_own_call_and_its_own_side_arguments() -> None:
    target = _target(
        [
            {"torch": "input", "mindspore": "x", "kind": "renamed"},
            {"torch": "dim", "mindspore": "axis", "kind": "renamed", "recipe": "call(u(2, 4)) | mindspore args: k=1"},
            {"torch": "eps", "mindspore": "eps", "kind": "same"},
            {"torch": "mode", "mindspore": "mode", "kind": "same", "recipe": "call(x, 1, 0.5, 'a')"},
        ],
        "(x, axis=0, eps=1e-05, mode=None)",
        recipe="call(x) | torch args: eps=1e-05",
    )
    found = plan(TORCH, target)
    assert found.pins == {"torch": (("eps", "1e-05"),), "mindspore": ()}
    dim, eps, mode = (rp for rp in found.rows if rp.row.torch != "input")
    assert (dim.recipe, dim.values) == ("call(u(2, 4)) | mindspore args: k=1", {"torch": "1", "mindspore": "1"})
    assert dim.pins == {"torch": (), "mindspore": (("k", "1"),)}  # not the target's eps=1e-05
    assert eps.recipe is None and eps.by_base  # the target's recipe passes it
    # the own call passes mode itself (no value by rule for a None default): that call is the check, unvaried
    assert (mode.recipe, mode.values, mode.executable) == ("call(x, 1, 0.5, 'a')", {}, True)


def test_an_expression_value_and_a_recipe_name_torch_s_api_and_mindspore_reads_its_own() -> None:
    assert python_value("=torch.nn.GroupNorm(1, 3)", side="torch", name="norm") == "torch.nn.GroupNorm(1, 3)"
    assert python_value("=torch.nn.GroupNorm(1, 3)", side="mindspore", name="norm") == "mindspore.nn.GroupNorm(1, 3)"
    assert python_value("torch.nn.GroupNorm(1, 3)", side="mindspore", name="norm") == "'torch.nn.GroupNorm(1, 3)'"
    names = {"torch": "torch.nn.Sequential", "mindspore": "mindspore.nn.SequentialCell"}
    code = snippets("module(torch.nn.Tanh())(x - 0.5)", names, {"torch": [], "mindspore": []})
    assert "layer = torch.nn.Sequential(torch.nn.Tanh())\n" in code["torch"]
    assert "layer = mindspore.nn.SequentialCell(mindspore.nn.Tanh())\n" in code["mindspore"]
    assert "torch" not in code["mindspore"]
    method = {"torch": "torch.utils.checkpoint.checkpoint", "mindspore": "mindspore.nn.Cell.recompute"}
    code = snippets("call((c := torch.nn.Tanh())) | mindspore: c(x)", method, {"torch": [], "mindspore": []})
    assert "import mindspore.nn\n" in code["mindspore"] and "import mindspore.nn.Cell" not in code["mindspore"]
    assert "result = mindspore.nn.Cell.recompute((c := mindspore.nn.Tanh()))\nresult = c(x)\n" in code["mindspore"]


def test_a_loader_reads_what_a_pipeline_yields_and_maps_a_sampler_s_indices_to_rows() -> None:
    names = {"torch": "torch.utils.data.RandomSampler", "mindspore": "mindspore.dataset.RandomSampler"}
    recipe = "loader() | torch args: data_source=data"
    code = snippets(recipe, names, side_arguments(recipe))
    assert "made = torch.utils.data.RandomSampler(data_source=data)\n" in code["torch"]
    assert "[T(data[i]) for i in made] if isinstance(made, torch.utils.data.Sampler) else list(made)" in code["torch"]
    assert "made = mindspore.dataset.RandomSampler()\n" in code["mindspore"]
    assert 'mindspore.dataset.GeneratorDataset(data, ["data"], sampler=made)' in code["mindspore"]


LOADER = ROWS / "loader" / "mappings"


def test_loader_rows_compare_the_rows_read_in_order_and_a_false_one_fails_at_its_line(
    pool: WorkerPool, tmp_path: Path
) -> None:
    _, results = _check(LOADER / "torch.utils.data.DataLoader.yaml", pool)
    statuses = {r.row.torch: r.status for r in results}
    assert statuses == {"dataset": "base", "sampler": "passed", "batch_sampler": "passed"}
    spec, results = _check(LOADER / "torch.utils.data.WeightedRandomSampler.yaml", pool)
    assert {r.row.torch: r.status for r in results} == {"num_samples": "failed", "replacement": "passed"}
    (error,) = row_errors(Corpus((spec,), ()), results)
    assert re.fullmatch(
        r".*/loader/mappings/torch\.utils\.data\.WeightedRandomSampler\.yaml:25:9: row num_samples \| num_samples "
        r"claims the same behaviour, but with its own call loader\(.*\): result: PyTorch and MindSpore differ .*",
        str(error),
    )
    # the same rows in another order are another result: MindSpore's reversed, 2, 0, 3 where torch reads 3, 0, 2
    text = (LOADER / "torch.utils.data.DataLoader.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "value: [3, 0, 2]}",
        "value: [3, 0, 2], recipe: 'loader(data) | torch args: batch_size=None "
        '| mindspore args: column_names=["data"], shuffle=False | mindspore: result[::-1]\'}',
    )
    path = tmp_path / "torch.utils.data.DataLoader.yaml"
    path.write_text(text, encoding="utf-8")
    _, results = _check(path, pool)
    assert [r.status for r in results if r.row.torch == "sampler"] == ["failed"]
