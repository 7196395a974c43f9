"""Claims and their evidence: references to examples, and `apimap check --claims`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.claims import claim_sentences, claims, count, named_examples, references, split_sentences
from generator.cli import main
from generator.errors import ErrorGroup
from generator.render import make_env, render_page
from generator.validate import load_spec

from .conftest import DATA, ROOT

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
    assert count(found) == {"executed": 1, "derived": 6, "shown": 0, "unbacked": 4}


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
    assert "torch.amax: 1 executed, 6 derived, 0 shown, 4 unbacked" in out
    assert out[-1] == "apimap: 11 claims: 1 executed (9%), 6 derived (55%), 0 shown (0%), 4 unbacked (36%)"


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


PARTED = """### Where they part

Both reduce (see example basic). They part in two places:

- names: `dim` is `axis`;
- MindSpore adds `initial`.

#### Below

The rest agrees (see example basic).
"""


def test_headings_and_a_list_introduction_are_no_claims() -> None:
    assert claim_sentences(PARTED) == [
        "Both reduce (see example basic).",
        "names: `dim` is `axis`;",
        "MindSpore adds `initial`.",
        "The rest agrees (see example basic).",
    ]
    # a colon that introduces no list ends a claim like any other sentence
    assert claim_sentences("First.\n\nThe shape is kept:\n\n$$y = x$$\n") == ["First.", "The shape is kept:"]
    assert claim_sentences("One line: with a colon.") == ["One line: with a colon."]


def test_check_claims_counts_no_heading_or_list_introduction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _spec(tmp_path, "|\n" + "".join(f"        {line}\n" if line else "\n" for line in PARTED.splitlines()))
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--offline", "--claims"]) == 0
    out = capsys.readouterr().out
    assert "Where they part" not in out and "two places" not in out and "Below" not in out
    assert "unbacked: names: `dim` is `axis`;" in out
    assert "torch.amax: 2 executed, 6 derived, 0 shown, 5 unbacked" in out


# A second example that cannot run MindSpore's side here, with a note naming the first.
CLUSTER = """\
      - id: cluster
        title: {en: Across a cluster, zh_CN: 跨集群}
        torch: |
          out = 1
        mindspore: |
          out = 1
        note:
          en: The maximum of every process (see example basic). It needs a cluster.
          zh_CN: 每个进程的最大值（见示例 basic）。需要集群。
        not_run:
          mindspore: {en: needs a cluster, zh_CN: 需要集群}
        compare:
          - name: out
"""


def test_an_example_note_is_prose_whose_references_count_and_are_checked(tmp_path: Path) -> None:
    path = _spec(tmp_path, "Both give the maximum (see example basic). Across processes too (see example cluster).")
    path.write_text(path.read_text(encoding="utf-8") + CLUSTER, encoding="utf-8")
    found = list(claims(load_spec(path)))
    notes = [(c.key, c.text, c.backing) for c in found if c.key[2:3] == ("examples",)]
    assert notes == [
        (("targets", 0, "examples", 1, "note", "en"), "The maximum of every process (see example basic).", "executed"),
        (("targets", 0, "examples", 1, "note", "en"), "It needs a cluster.", "unbacked"),
    ]
    path.write_text(path.read_text(encoding="utf-8").replace("(see example basic). It", "(see example gone). It"))
    with pytest.raises(ErrorGroup) as caught:
        load_spec(path)
    assert [str(e) for e in caught.value.errors] == [
        f"{path}:59:15: '(see example gone)' names no example of this target; its examples are basic, cluster",
        f"{path}:60:18: the zh_CN text names examples basic, the en text gone; "
        "both languages name the same examples, written '（见示例 ID）' in zh_CN",
    ]


def test_an_example_note_links_its_reference_like_other_prose(tmp_path: Path) -> None:
    path = _spec(tmp_path, "Both give the maximum (see example basic).")
    path.write_text(path.read_text(encoding="utf-8") + CLUSTER, encoding="utf-8")
    spec = load_spec(path).spec
    env = make_env(ROOT / "templates")
    en = render_page(spec, lang="en", env=env)
    link = "([see example *Maximum along a dimension*](#example-en-torch.amax-ops-basic))"
    assert f"\n\nThe maximum of every process {link}. It needs a cluster.\n" in en
    zh = render_page(spec, lang="zh_CN", env=env)
    assert "每个进程的最大值（[见示例「沿某一维求最大值」](#example-zh_cn-torch.amax-ops-basic)）。需要集群。" in zh


def test_a_sentence_backed_only_by_an_example_that_cannot_run_here_is_shown_not_executed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    both = "Both (see example basic) (see example cluster)."
    path = _spec(tmp_path, f"Across processes too (see example cluster). {both}")
    path.write_text(path.read_text(encoding="utf-8") + CLUSTER, encoding="utf-8")
    backing = {c.text: c.backing for c in claims(load_spec(path))}
    assert backing["Across processes too (see example cluster)."] == "shown"
    assert backing[both] == "executed"  # basic runs
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--offline", "--claims"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "torch.amax: 2 executed, 6 derived, 1 shown, 4 unbacked" in out
    assert out[-1] == "apimap: 13 claims: 2 executed (15%), 6 derived (46%), 1 shown (8%), 4 unbacked (31%)"


def _two_targets(tmp_path: Path) -> Path:
    """The amax spec with a second target whose example ``basic`` cannot run MindSpore's side here."""
    path = _spec(tmp_path, "Both give the maximum (see example basic).")
    text = path.read_text(encoding="utf-8")
    text = text.replace("    en: Returns the largest value", "    en: Returns the largest value (see example basic),")
    text = text.replace("最大值。\n", "最大值（见示例 basic）。\n", 1)
    second = text[text.index("  - id: ops\n") :].replace("id: ops", "id: again").replace("ops.amax", "mint.amax")
    not_run = "        not_run:\n          mindspore: {en: not here, zh_CN: 此处不行}\n"
    second = second.replace("        compare:\n", not_run + "        compare:\n")
    path.write_text(text + second, encoding="utf-8")
    return path


def test_an_id_several_targets_share_names_the_first_target_s_example_on_the_page_and_in_the_count(
    tmp_path: Path,
) -> None:
    file = load_spec(_two_targets(tmp_path))
    spec = file.spec
    target, example = named_examples(spec, None)["basic"]
    assert (target.id, example.not_run) == ("ops", None)
    (summary,) = [c for c in claims(file) if c.key == ("torch", "summary", "en")]
    assert summary.backing == "executed"  # ops' example runs; again's is only shown
    page = render_page(spec, lang="en", env=make_env(ROOT / "templates"))
    first = page.split("## mindspore.ops.amax")[0]
    assert "(see example basic)" not in first
    assert "[see example *Maximum along a dimension*](#example-en-torch.amax-ops-basic)" in first
