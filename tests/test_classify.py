"""MindSpore's rules for "consistent", one classifier for full specs and compact rows."""

from __future__ import annotations

from generator.classify import classify, general_differences
from generator.model import Category, DiffKind, Row, Signature
from generator.validate import load_spec

from .conftest import ROOT


def _rows(*rows: tuple[str | None, str | None, DiffKind | tuple[DiffKind, ...]]) -> tuple[Row, ...]:
    return tuple(Row(torch=t, mindspore=m, kind=k) for t, m, k in rows)


def test_the_general_difference_parameters_are_data_with_reasons_in_both_languages() -> None:
    names = [g.name for g in general_differences()]
    assert names == [
        "out",
        "layout",
        "device",
        "requires_grad",
        "pin_memory",
        "memory_format",
        "stable",
        "inplace",
        "sparse_grad",
        "size_average",
        "reduce",
    ]
    assert all(g.reason.en and g.reason.zh_CN for g in general_differences())


def test_rule_2_a_general_difference_parameter_torch_has_alone_is_consistent() -> None:
    torch, ms = Signature.parse("(input, *, out=None)"), Signature.parse("(input)")
    found = classify(_rows(("input", "input", DiffKind.SAME), ("out", None, DiffKind.TORCH_ONLY)), torch, ms)
    assert found.category == Category.CONSISTENT and found.excused == ("out",)
    other = classify(_rows(("input", "input", DiffKind.SAME), ("alpha", None, DiffKind.TORCH_ONLY)), torch, ms)
    assert other.category == Category.TORCH_EXTRA


def test_rule_3_an_extra_mindspore_parameter_with_a_default_is_consistent() -> None:
    torch, ms = Signature.parse("(input)"), Signature.parse("(input, approximate='none')")
    rows = _rows(("input", "input", DiffKind.SAME), (None, "approximate", DiffKind.MINDSPORE_ONLY))
    assert classify(rows, torch, ms).category == Category.CONSISTENT
    required = Signature.parse("(input, approximate)")
    assert classify(rows, torch, required).category == Category.MINDSPORE_EXTRA


def test_rule_4_a_none_default_covering_torch_overloads_is_consistent() -> None:
    torch, ms = Signature.parse("(input, dim)"), Signature.parse("(input, dim=None)")
    rows = _rows(("input", "input", DiffKind.SAME), ("dim", "dim", DiffKind.DEFAULT_DIFFERS))
    assert classify(rows, torch, ms).category == Category.CONSISTENT
    torch_default = Signature.parse("(input, dim=0)")
    found = classify(rows, torch_default, ms)
    assert found.category == Category.DEFAULTS_DIFFER and found.defaults == ("dim",)


def test_names_and_defaults_that_differ_are_listed() -> None:
    torch, ms = Signature.parse("(input, dim=-1, eps=1e-5)"), Signature.parse("(x, axis=-1, eps=1e-6)")
    rows = _rows(
        ("input", "x", DiffKind.RENAMED), ("dim", "axis", DiffKind.RENAMED), ("eps", "eps", DiffKind.DEFAULT_DIFFERS)
    )
    found = classify(rows, torch, ms)
    assert found.category == Category.DEFAULTS_DIFFER
    assert found.renamed == (("input", "x"), ("dim", "axis")) and found.defaults == ("eps",)


def test_a_full_spec_is_classified_by_the_same_rules() -> None:
    tanh = load_spec(ROOT / "mappings" / "torch.tanh.yaml").spec
    assert [t.category for t in tanh.targets] == [Category.CONSISTENT], "torch.tanh's only extra is `out`"
