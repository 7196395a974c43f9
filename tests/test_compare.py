"""The comparison vocabulary: each claim passes when true and fails, readably, when false."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from generator.compare import compare
from generator.model import Compare, Example, Text
from generator.run import Request, WorkerPool

nan, inf = float("nan"), float("inf")


def _example(*claims: Compare) -> Example:
    return Example(id="e", title=Text(en="t"), torch="x", mindspore="x", compare=claims)


def _check(claim: dict[str, Any], a: Any, b: Any) -> list[str]:
    return compare(_example(Compare(name="v", **claim)), {"v": a}, {"v": b})


HOLDS = [
    pytest.param({}, np.float32([1, 2]), np.float32([1, 2 + 1e-7]), id="same-within-dtype-tolerance"),
    pytest.param({}, np.int64([1, 2]), np.int64([1, 2]), id="same-ints"),
    pytest.param({}, [np.float32([1]), np.int64([2, 3])], [np.float32([1]), np.int64([2, 3])], id="same-tuples"),
    pytest.param({}, np.asarray("ab"), np.asarray("abc"[:2]), id="same-text"),
    pytest.param({}, np.complex64([1 + 2j]), np.complex64([1 + 2j]), id="same-complex"),
    pytest.param({"atol": 0.5}, np.float64([1]), np.float64([1.4]), id="same-with-atol"),
    pytest.param({"expect": "differs"}, np.float32([1]), np.float32([2]), id="differs-values"),
    pytest.param({"expect": "differs"}, np.float32([[1]]), np.float32(1), id="differs-shapes"),
    pytest.param({"expect": "differs"}, np.complex64([1 + 2j]), np.complex64([1 + 3j]), id="differs-imaginary-part"),
    pytest.param({"expect": "less"}, np.float32([1, 2]), np.float32([1.5, 3]), id="less"),
    pytest.param({"expect": "greater"}, np.int64([2, 3]), np.int64([1, 2]), id="greater"),
    pytest.param({"dtype": "differs"}, np.int64([1, 2]), np.int32([1, 2]), id="dtype-differs-values-same"),
    pytest.param({"expect": "differs", "dtype": "differs"}, np.int64([1]), np.int32([2]), id="dtype-and-values-differ"),
    pytest.param({}, np.float32([1, nan]), np.float32([1, nan]), id="nan-same-positions"),
    pytest.param({}, np.float32([inf, -inf]), np.float32([inf, -inf]), id="infinities-same-sign"),
    pytest.param({"nan": "absent"}, np.float32([1, inf]), np.float32([1, inf]), id="nan-absent"),
    pytest.param({"expect": "differs"}, np.float32([1, nan]), np.float32([nan, 1]), id="nan-elsewhere-differs"),
    pytest.param({"approx": 0.5}, np.float32([0.5, 0.5]), np.float32([0.5, 0.5]), id="approx-one-number"),
    pytest.param({"approx": 0.5, "atol": 0.01}, np.float32(0.505), np.float32(0.495), id="approx-tolerance"),
    pytest.param(
        {"expect": "differs", "approx": {"torch": [1, 0], "mindspore": [2, 0]}, "dtype": "differs"},
        np.int64([1, 0]),
        np.int32([2, 0]),
        id="approx-by-side",
    ),
    pytest.param({"approx": {"torch": 1.0}}, np.float32(1.0), np.float32(1.0), id="approx-one-side"),
    pytest.param({"raises": {"mindspore": "ValueError"}}, np.asarray(None), np.asarray("ValueError"), id="raises-one"),
    pytest.param(
        {"raises": {"torch": "RuntimeError", "mindspore": "TypeError"}},
        np.asarray("RuntimeError"),
        np.asarray("TypeError"),
        id="raises-both",
    ),
    pytest.param({"raises": {"torch": "ValueError"}}, np.asarray(ValueError("x"), dtype=object), None, id="raises-obj"),
]


@pytest.mark.parametrize(("claim", "a", "b"), HOLDS)
def test_a_true_claim_holds(claim: dict[str, Any], a: Any, b: Any) -> None:
    assert _check(claim, a, b) == []


FAILS = [
    pytest.param(
        {},
        np.float32([1, 2]),
        np.float32([1, 2.1]),
        r"v: PyTorch and MindSpore differ \(max abs difference 0\.1, ",
        id="same-values",
    ),
    pytest.param(
        {},
        np.int64([1, 2]),
        np.int64([1, 3]),
        r"v: PyTorch and MindSpore differ \(\[1 2\] vs \[1 3\]\)$",
        id="same-ints",
    ),
    pytest.param(
        {},
        np.float32([1, 2]),
        np.float32([1, 2, 3]),
        r"v: PyTorch and MindSpore differ \(shapes \(2,\) vs \(3,\)\)$",
        id="same-shapes",
    ),
    pytest.param(
        {},
        [np.float32([1])],
        [np.float32([1]), np.float32([1])],
        r"v: PyTorch and MindSpore differ \(1 vs 2 values\)$",
        id="same-count",
    ),
    pytest.param(
        {},
        np.complex64([1 + 2j]),
        np.complex64([1 + 3j]),
        r"v: PyTorch and MindSpore differ \(max abs difference 1, ",
        id="same-complex",
    ),
    pytest.param(
        {},
        np.int64([1, 2]),
        np.int32([1, 2]),
        r"v: dtypes differ, int64 in PyTorch and int32 in MindSpore \(the page claims they match\)$",
        id="same-dtype",
    ),
    pytest.param(
        {},
        np.float32([1, nan]),
        np.float32([nan, 1]),
        r"v: PyTorch and MindSpore differ \(NaN at different places: \[ 1\. nan\] vs \[nan 1\.\]\)$",
        id="nan-positions",
    ),
    pytest.param(
        {},
        np.float32([inf]),
        np.float32([-inf]),
        r"v: PyTorch and MindSpore differ \(max abs difference inf",
        id="inf-sign",
    ),
    pytest.param(
        {"expect": "differs"},
        np.float32([1]),
        np.float32([1]),
        r"v: the page claims a difference, but both give \[1\.\]$",
        id="differs",
    ),
    pytest.param(
        {"expect": "less"},
        np.float32([1, 3]),
        np.float32([2, 3]),
        r"v: the page claims PyTorch < MindSpore in every element, but at \(1,\) PyTorch gives 3\.0 and MindSpore 3\.0",
        id="less",
    ),
    pytest.param(
        {"expect": "greater"},
        np.float32([1]),
        np.float32([1, 2]),
        r"v: the page claims PyTorch > MindSpore in every element, but the shapes are \(1,\) vs \(2,\)$",
        id="greater-shapes",
    ),
    pytest.param(
        {"expect": "less"},
        np.complex64([1]),
        np.complex64([2]),
        r"v: the page claims PyTorch < MindSpore in every element, but complex64 and complex64 values have no order$",
        id="less-complex",
    ),
    pytest.param(
        {"expect": "greater"},
        np.float32([nan]),
        np.float32([1]),
        r"v: the page claims PyTorch > MindSpore in every element, but at \(0,\) PyTorch gives nan",
        id="greater-nan",
    ),
    pytest.param(
        {"dtype": "differs"},
        np.float32([1]),
        np.float32([1]),
        r"v: the page claims different dtypes, but both are float32$",
        id="dtype-differs",
    ),
    pytest.param(
        {"nan": "absent", "expect": "differs"},
        np.float32([1]),
        np.float32([nan]),
        r"v: MindSpore's value holds a NaN \(\[nan\]\); the page claims neither does$",
        id="nan-absent",
    ),
    pytest.param(
        {"approx": 0.5},
        np.float32([0.5]),
        np.float32([0.6]),
        r"v: MindSpore gives \[0\.6\], not about 0\.5 \(rtol 1e-05, atol 1e-06\); PyTorch and MindSpore differ",
        id="approx",
    ),
    pytest.param(
        {"approx": {"torch": [1, 0]}},
        np.int64([1, 0, 0]),
        np.int64([1, 0, 0]),
        r"v: PyTorch gives shape \(3,\), not the stated \(2,\)$",
        id="approx-shape",
    ),
    pytest.param(
        {"approx": {"torch": [[1], [2, 3]]}},
        np.int64([1]),
        np.int64([1]),
        r"v: the value stated for PyTorch is not a rectangular list",
        id="approx-ragged",
    ),
    pytest.param(
        {"raises": {"mindspore": "ValueError"}},
        np.asarray(None),
        np.asarray("TypeError"),
        r"v: the page claims MindSpore raises ValueError, but it raised TypeError$",
        id="raises-other",
    ),
    pytest.param(
        {"raises": {"mindspore": "ValueError"}},
        np.asarray("ValueError"),
        np.asarray("ValueError"),
        r"v: the page claims PyTorch raises nothing, but it raised ValueError$",
        id="raises-unclaimed",
    ),
    pytest.param(
        {"raises": {"torch": "ValueError"}},
        np.asarray(None),
        np.asarray(None),
        r"v: the page claims PyTorch raises ValueError, but it raised nothing$",
        id="raises-nothing",
    ),
    pytest.param(
        {"raises": {"torch": "ValueError"}},
        np.float32([1]),
        np.asarray(None),
        r"v: PyTorch's v should hold the class name of the exception raised, or None, not \[1\.\]$",
        id="raises-not-a-name",
    ),
]


@pytest.mark.parametrize(("claim", "a", "b", "problem"), FAILS)
def test_a_false_claim_says_what_is_wrong(claim: dict[str, Any], a: Any, b: Any, problem: str) -> None:
    problems = _check(claim, a, b)
    assert len(problems) == 1
    assert re.match(problem, problems[0]), problems[0]


def test_each_claim_is_reported_once_per_entry() -> None:
    claims = _example(Compare(name="a"), Compare(name="b", expect="differs"), Compare(name="c"))
    problems = compare(claims, {"a": np.int64(1), "b": np.int64(1), "c": np.int64(1)}, {"a": 2, "b": 1, "c": 1})
    assert [p.split(":")[0] for p in problems] == ["a", "b"]


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ({"raises": {"torch": "ValueError"}, "expect": "same"}, "'raises' is a claim of its own; leave out expect"),
        ({"raises": {}}, "name the exception of at least one side"),
        ({"raises": {"torch": "not a name"}}, "should match pattern"),
        ({"approx": "half"}, "expected a number or a list of numbers, got 'half'"),
        ({"approx": {"torch": [1, "x"]}}, "expected a number or a list of numbers, got 'x'"),
        ({"nan": "equal"}, "Input should be 'same-positions' or 'absent'"),
        ({"dtype": "any"}, "Input should be 'same' or 'differs'"),
        ({"expect": "below"}, "Input should be 'same', 'differs', 'less' or 'greater'"),
    ],
)
def test_an_ill_formed_claim_is_refused(claim: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Compare(name="v", **claim)


def test_a_caught_exception_name_crosses_from_the_worker() -> None:
    code = {
        "torch": "import torch\ntry:\n    torch.zeros(2) + torch.zeros(3)\n    error = None\n"
        "except Exception as exc:\n    error = type(exc).__name__\n",
        "mindspore": "import mindspore\nerror = None\nmindspore.ops.zeros(2) + mindspore.ops.zeros(2)\n",
    }
    with WorkerPool(timeout=60) as pool:
        outcomes = {
            side: pool.run(Request(framework=side, code=text, filename="t.yaml", first_line=1, names=("error",)))
            for side, text in code.items()
        }
    assert [o.error for o in outcomes.values()] == [None, None]
    example = _example(Compare(name="error", raises={"torch": "RuntimeError"}))
    assert compare(example, outcomes["torch"].values, outcomes["mindspore"].values) == []
    wrong = _example(Compare(name="error", raises={"mindspore": "RuntimeError"}))
    assert compare(wrong, outcomes["torch"].values, outcomes["mindspore"].values) == [
        "error: the page claims PyTorch raises nothing, but it raised RuntimeError; "
        "the page claims MindSpore raises RuntimeError, but it raised nothing"
    ]
