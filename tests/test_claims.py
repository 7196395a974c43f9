"""Claims and their evidence: references to examples, and `apimap check --claims`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.claims import claims, count, split_sentences
from generator.cli import main
from generator.errors import ErrorGroup
from generator.validate import load_spec

from .conftest import DATA

AMAX = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
DIFFERENCES = "      en: Both reduce to the maximum; a few keyword names differ.\n"


def _spec(tmp_path: Path, differences: str) -> Path:
    assert DIFFERENCES in AMAX
    path = tmp_path / "mappings" / "torch.amax.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(AMAX.replace(DIFFERENCES, f"      en: {differences}\n"), encoding="utf-8")
    return path


def test_sentences_split_at_full_stops_but_not_inside_code() -> None:
    text = (
        "Same values. `full((2,), 2.5)` gives `[2. 2.]` in MindSpore. Pass `dtype`; e.g. float32 (see example basic)."
    )
    assert split_sentences(text) == [
        "Same values.",
        "`full((2,), 2.5)` gives `[2. 2.]` in MindSpore.",
        "Pass `dtype`; e.g. float32 (see example basic).",
    ]


def test_rows_are_derived_and_sentences_need_an_example_with_a_comparison(tmp_path: Path) -> None:
    path = _spec(tmp_path, "Both give the maximum (see example basic). Names differ.")
    found = list(claims(load_spec(path)))
    backing = {c.text: c.backing for c in found}
    assert backing["Both give the maximum (see example basic)."] == "executed"
    assert backing["Names differ."] == "unbacked"
    assert backing["dim / axis: renamed"] == "derived"
    assert backing["Assign the result instead \\<script\\>alert(1)\\</script\\>."] == "unbacked"
    assert count(found) == {"executed": 1, "derived": 6, "unbacked": 4}


def test_a_reference_to_an_unknown_example_is_a_located_error(tmp_path: Path) -> None:
    path = _spec(tmp_path, "Both give the maximum (see example missing).")
    with pytest.raises(ErrorGroup) as caught:
        load_spec(path)
    (error,) = caught.value.errors
    assert re.fullmatch(
        r".*torch\.amax\.yaml:21:11: '\(see example missing\)' names no example of this target; its examples are basic",
        str(error),
    )


def test_check_claims_lists_the_unbacked_and_counts_every_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _spec(tmp_path, "Both give the maximum (see example basic). Names differ.")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--offline", "--claims"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "mappings/torch.amax.yaml:21:11: unbacked: Names differ." in out
    assert "torch.amax: 1 executed, 6 derived, 4 unbacked" in out
    assert out[-1] == "apimap: 11 claims: 1 executed (9%), 6 derived (55%), 4 unbacked (36%)"


def test_a_row_the_row_checks_executed_is_an_executed_claim(tmp_path: Path) -> None:
    path = _spec(tmp_path, "Names differ.")
    spec = load_spec(path)
    target = spec.spec.targets[0]
    found = list(claims(spec, executed_rows={(target.id, 0)}))
    rows = [c for c in found if c.key[2:3] == ("table",) and len(c.key) == 4]  # rows, not their notes
    assert [c.backing for c in rows] == ["executed"] + ["derived"] * (len(target.table) - 1)
    assert count(found)["executed"] == 1
