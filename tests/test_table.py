"""The compact rows of the mapping table: loading, their rules, and `apimap table import`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import ErrorGroup
from generator.model import Category, DiffKind, Signature
from generator.table import format_rows, load_table, parse_rows, table_paths, without_entry
from generator.table_import import import_table, read_published
from generator.validate import spec_paths

from .conftest import DATA, ROOT

ROWS = DATA / "table" / "rows"
PUBLISHED = DATA / "table" / "published.tsv"


def _project(tmp_path: Path, text: str | None = None) -> Path:
    rows = tmp_path / "mappings" / "rows"
    rows.mkdir(parents=True)
    if text is None:
        shutil.copy(ROWS / "torch.yaml", rows / "torch.yaml")
    else:
        (rows / "torch.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "mappings"


def _errors(mappings: Path, specs: frozenset[str] = frozenset()) -> list[str]:
    with pytest.raises(ErrorGroup) as info:
        load_table(table_paths(mappings), specs=specs)
    return [str(e) for e in info.value.errors]


def test_rows_load_derive_their_kinds_and_classify_by_the_rules(tmp_path: Path) -> None:
    table = load_table(table_paths(_project(tmp_path)))
    pairs = {p.torch: p for p in table.pairs}
    assert sorted(pairs) == ["torch.abs", "torch.argsort", "torch.diag", "torch.exp", "torch.nosuch"]
    abs_pair = pairs["torch.abs"]
    assert [(r.torch, r.mindspore, r.kind) for r in abs_pair.table] == [
        ("input", "input", (DiffKind.SAME,)),
        ("out", None, (DiffKind.TORCH_ONLY,)),
    ]
    assert abs_pair.classification is not None and abs_pair.classification.category == Category.CONSISTENT
    argsort = pairs["torch.argsort"].classification
    assert argsort is not None and argsort.category == Category.NAMES_DIFFER
    assert argsort.renamed == (("dim", "axis"),) and set(argsort.excused) == {"stable"}
    diag = pairs["torch.diag"].classification
    assert diag is not None and diag.category == Category.TORCH_EXTRA
    assert pairs["torch.nosuch"].classification is None and pairs["torch.nosuch"].removed is not None
    assert pairs["torch.exp"].entry.note is not None and pairs["torch.exp"].target.recipe == "call(x)"


def test_a_compact_row_for_an_api_with_a_full_spec_is_an_error(tmp_path: Path) -> None:
    errors = _errors(_project(tmp_path), specs=frozenset({"torch.abs"}))
    assert len(errors) == 1
    assert re.fullmatch(
        r".*torch\.yaml:2:1: torch\.abs has a full spec \(mappings/torch\.abs\.yaml\); remove its compact row",
        errors[0],
    )


def test_a_row_naming_a_parameter_the_signature_lacks_is_located(tmp_path: Path) -> None:
    text = (ROWS / "torch.yaml").read_text(encoding="utf-8").replace("rows: input, out|-", "rows: input, outt|-", 1)
    errors = _errors(_project(tmp_path, text))
    assert len(errors) == 1
    assert re.fullmatch(
        r".*torch\.yaml:7:13: rows: torch has no parameter 'outt'; its signature is \(input, \*, out=None\)", errors[0]
    )


def test_an_unpaired_parameter_and_a_wrong_file_are_errors(tmp_path: Path) -> None:
    text = (ROWS / "torch.yaml").read_text(encoding="utf-8").replace("rows: input, out|-", "rows: input", 1)
    text = text.replace("torch.exp:", "torch.nn.exp:")
    errors = _errors(_project(tmp_path, text))
    assert any(re.fullmatch(r".*torch\.yaml:7:13: rows: torch parameter out not paired", e) for e in errors)
    assert any("torch.nn.exp belongs in rows/torch.nn.yaml, not in torch.yaml" in e for e in errors)


def test_an_unknown_field_is_located_with_a_hint(tmp_path: Path) -> None:
    text = (ROWS / "torch.yaml").read_text(encoding="utf-8").replace("      recipe: call(x)", "      recipee: call(x)")
    errors = _errors(_project(tmp_path, text))
    assert len(errors) == 1
    assert re.fullmatch(r".*torch\.yaml:\d+:7: unknown field 'recipee'; did you mean 'recipe'\?", errors[0])


def test_rows_text_round_trips() -> None:
    torch_sig, ms_sig = Signature.parse("(input, dim=-1, *, out=None)"), Signature.parse("(x, axis=-1, keep=True)")
    text = format_rows([("input", "x"), ("dim", "axis"), ("out", None), (None, "keep")])
    assert text == "input|x, dim|axis, out|-, -|keep"
    rows = parse_rows(text, torch_sig, ms_sig)
    assert format_rows([(r.torch, r.mindspore) for r in rows]) == text


def test_the_project_has_no_compact_row_for_a_spec() -> None:
    specs = frozenset(p.stem for p in spec_paths(ROOT / "mappings"))
    table = load_table(table_paths(ROOT / "mappings"), specs=specs)
    assert len(table.pairs) + len(specs) > 950  # a pair moves from a row to a page; together they cover the table
    assert not table.torch_names & specs


def test_import_resolves_renamed_apis_and_counts_what_it_skips() -> None:
    files, report = import_table(read_published(PUBLISHED), specs=frozenset(), existing={})
    assert sorted(files) == ["torch.Tensor.yaml", "torch.nn.yaml", "torch.optim.yaml", "torch.yaml"]
    assert report.out_of_scope == ["torchvision.ops.nms"]
    assert ("torch.optim.AdaMax", "torch.optim.Adamax") in report.renamed
    assert ("mindspore.nn.Hsigmoid", "mindspore.nn.HSigmoid") in report.renamed
    assert [name for name, _ in report.removed] == ["torch.Tensor.log_normal"]
    assert "    mindspore.nn.HSigmoid:\n      published: mindspore.nn.Hsigmoid\n" in files["torch.nn.yaml"]
    assert "    mindspore.mint.nn.Hardsigmoid:\n" in files["torch.nn.yaml"], "the mint counterpart is a further target"
    assert "      rows: input, dim|axis, descending, stable|-\n" in files["torch.yaml"]
    assert [(t, m) for t, m, _ in report.contradicted] == [("torch.add", "mindspore.ops.add")]


def test_the_import_command_writes_rows_that_load_and_keeps_notes(tmp_path: Path) -> None:
    mappings = _project(tmp_path)
    text = (mappings / "rows" / "torch.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "rows: input, dim|axis, descending, stable|-",
        "rows: input, dim|axis, descending, stable|-\n      note: {en: kept}",
    )
    (mappings / "rows" / "torch.yaml").write_text(text, encoding="utf-8")
    assert main(["--root", str(tmp_path), "table", "import", str(PUBLISHED)]) == 0
    written = (mappings / "rows" / "torch.yaml").read_text(encoding="utf-8")
    assert "torch.abs:" not in written, "rows not in the published table are gone"
    assert "      note:\n        en: kept\n" in written
    table = load_table(table_paths(mappings))
    assert {p.torch for p in table.pairs} == {
        "torch.add",
        "torch.argsort",
        "torch.nn.Hardsigmoid",
        "torch.optim.Adamax",
        "torch.Tensor.log_normal",
    }


def test_a_malformed_published_table_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("section\ttorch_api\tmindspore_api\ttext\ntorch\ttorch.abs\n", encoding="utf-8")
    _project(tmp_path)
    assert main(["--root", str(tmp_path), "table", "import", str(bad)]) == 2
    assert re.fullmatch(
        r".*bad\.tsv:2:1: a line names a section, a torch API and a MindSpore API\n", capsys.readouterr().err
    )


def test_new_promotes_a_compact_row_to_a_full_spec(tmp_path: Path) -> None:
    mappings = _project(tmp_path)
    assert main(["--root", str(tmp_path), "new", "torch.argsort", "mindspore.ops.argsort"]) == 0
    assert (mappings / "torch.argsort.yaml").is_file()
    left = (mappings / "rows" / "torch.yaml").read_text(encoding="utf-8")
    assert "torch.argsort:" not in left and "torch.abs:" in left and "torch.diag:" in left
    table = load_table(table_paths(mappings), specs=frozenset({"torch.argsort"}))
    assert "torch.argsort" not in table.torch_names


def test_new_removes_a_rows_file_whose_last_row_it_promotes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    only = (ROWS / "torch.yaml").read_text(encoding="utf-8")
    for name in ("torch.abs", "torch.diag", "torch.exp", "torch.nosuch"):
        only = without_entry(only, name) or only
    mappings = _project(tmp_path, only)
    assert main(["--root", str(tmp_path), "new", "torch.argsort", "mindspore.ops.argsort"]) == 0
    assert not (mappings / "rows" / "torch.yaml").exists()
    assert main(["--root", str(tmp_path), "check", "--offline"]) == 2
    lines = capsys.readouterr().err.splitlines()[:-1]
    assert lines and all("torch.argsort.yaml:" in line and "TODO" in line for line in lines)  # no rows file error
    assert not load_table(table_paths(mappings), specs=frozenset({"torch.argsort"})).torch_names
