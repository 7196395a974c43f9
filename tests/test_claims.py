"""Claims and their evidence: references to examples, and `apimap check --claims`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.claims import claims, count, references, split_sentences
from generator.cli import main
from generator.errors import ErrorGroup
from generator.validate import load_spec

from .conftest import DATA

AMAX = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
DIFFERENCES = "      en: Both reduce to the maximum; a few keyword names differ.\n"


CHINESE = "      zh_CN: 两者都求最大值；部分参数名不同。\n"


def _spec(tmp_path: Path, differences: str, zh: str | None = None) -> Path:
    """The amax spec with English ``differences``; the Chinese names the same examples unless ``zh`` is given."""
    assert DIFFERENCES in AMAX and CHINESE in AMAX
    if zh is None:
        zh = "两者都求最大值" + "".join(f"（见示例 {name}）" for name in references(differences, "en")) + "。"
    path = tmp_path / "mappings" / "torch.amax.yaml"
    path.parent.mkdir(exist_ok=True)
    text = AMAX.replace(DIFFERENCES, f"      en: {differences}\n").replace(CHINESE, f"      zh_CN: {zh}\n")
    path.write_text(text, encoding="utf-8")
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
    english, chinese = caught.value.errors
    assert re.fullmatch(
        r".*torch\.amax\.yaml:21:11: '\(see example missing\)' names no example of this target; its examples are basic",
        str(english),
    )
    assert re.fullmatch(
        r".*torch\.amax\.yaml:22:14: '（见示例 missing）' names no example of this target.*", str(chinese)
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


@pytest.mark.parametrize(
    "zh", ["两者都求最大值（见示例 basic）。", "两者都求最大值(见示例 basic)。", "求最大值（见示例basic）"]
)
def test_chinese_references_are_read_in_full_or_ascii_parentheses(tmp_path: Path, zh: str) -> None:
    load_spec(_spec(tmp_path, "Both give the maximum (see example basic).", zh))


def test_a_chinese_reference_to_an_unknown_example_is_a_located_error(tmp_path: Path) -> None:
    path = _spec(
        tmp_path, "Both give the maximum (see example basic).", "两者都求最大值（见示例 basic）（见示例 missing）。"
    )
    with pytest.raises(ErrorGroup) as caught:
        load_spec(path)
    assert [str(e) for e in caught.value.errors] == [
        f"{path}:22:14: '（见示例 missing）' names no example of this target; its examples are basic",
        f"{path}:22:14: the zh_CN text names examples basic, missing, the en text basic; "
        "both languages name the same examples, written '（见示例 ID）' in zh_CN",
    ]


@pytest.mark.parametrize(
    ("en", "zh", "said"),
    [
        ("Both give the maximum (see example basic).", "两者都求最大值。", "names examples none, the en text basic"),
        ("Both give the maximum.", "两者都求最大值（见示例 basic）。", "names examples basic, the en text none"),
    ],
)
def test_chinese_text_that_names_other_examples_than_the_english_is_a_located_error(
    tmp_path: Path, en: str, zh: str, said: str
) -> None:
    with pytest.raises(ErrorGroup) as caught:
        load_spec(_spec(tmp_path, en, zh))
    (error,) = caught.value.errors
    assert re.fullmatch(
        rf".*torch\.amax\.yaml:22:14: the zh_CN text {said}; both languages name the same examples, "
        r"written '（见示例 ID）' in zh_CN",
        str(error),
    )


def test_a_row_the_row_checks_executed_is_an_executed_claim(tmp_path: Path) -> None:
    path = _spec(tmp_path, "Names differ.")
    spec = load_spec(path)
    target = spec.spec.targets[0]
    found = list(claims(spec, executed_rows={(target.id, 0)}))
    rows = [c for c in found if c.key[2:3] == ("table",) and len(c.key) == 4]  # rows, not their notes
    assert [c.backing for c in rows] == ["executed"] + ["derived"] * (len(target.table) - 1)
    assert count(found)["executed"] == 1
