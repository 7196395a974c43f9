"""Comparing the values two snippets computed against what their example claims.

Values arrive converted to NumPy (`generator.run` does that in the workers);
each `Compare` entry of an example is one claim, and `compare` returns what is
wrong with them, one readable line per claim that does not hold.

A claim is made of parts that are all checked: the relation between the two
values (``expect``), their dtypes (``dtype``), NaN (``nan``) and stated values
(``approx``). ``raises`` stands alone: the variable holds the class name of the
exception the snippet caught, or None.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from generator.model import FRAMEWORKS, Compare, Example, Framework, Numbers

_TOLERANCES = {  # (rtol, atol) by the coarser of the two dtypes
    "float16": (1e-3, 1e-3),
    "bfloat16": (1e-2, 1e-2),
    "float32": (1e-5, 1e-6),
    "float64": (1e-7, 1e-9),
    "complex64": (1e-5, 1e-6),
    "complex128": (1e-7, 1e-9),
}
_SIDE = {"torch": "PyTorch", "mindspore": "MindSpore"}

Array = np.ndarray[Any, Any]


def compare(example: Example, torch_values: Mapping[str, Any], ms_values: Mapping[str, Any]) -> list[str]:
    """What is wrong with the example's comparisons; empty when every claim holds."""
    return [p for c in example.compare if (p := _compare_one(c, torch_values[c.name], ms_values[c.name]))]


def _compare_one(claim: Compare, a: Any, b: Any) -> str | None:
    if claim.raises is not None:
        problem = _raised(claim, {"torch": a, "mindspore": b})
        return f"{claim.name}: {problem}" if problem else None
    left, right = _as_arrays(a), _as_arrays(b)
    problems = [
        p
        for p in (
            _nan_absent(claim, left, right),
            _stated(claim, {"torch": left, "mindspore": right}),
            _relation(claim, left, right),
            _dtypes(claim, left, right),
        )
        if p
    ]
    return f"{claim.name}: " + "; ".join(problems) if problems else None


def _as_arrays(value: Any) -> list[Array]:
    return [np.asarray(v) for v in value] if isinstance(value, list) else [np.asarray(value)]


# ---------------------------------------------------------------- the parts of a claim


def _relation(claim: Compare, left: list[Array], right: list[Array]) -> str | None:
    if claim.expect in ("less", "greater"):
        return _ordered(claim, left, right)
    same, detail = _agree(claim, left, right)
    if claim.expect == "same" and not same:
        return f"PyTorch and MindSpore differ ({detail})"
    if claim.expect == "differs" and same:
        return f"the page claims a difference, but both give {_short(left)}"
    return None


def _agree(claim: Compare, left: list[Array], right: list[Array]) -> tuple[bool, str]:
    """Whether the values agree in number, shapes and values (not dtypes), and if not, where."""
    if len(left) != len(right):
        return False, f"{len(left)} vs {len(right)} values"
    for x, y in zip(left, right, strict=True):
        if x.shape != y.shape:
            return False, f"shapes {x.shape} vs {y.shape}"
        if not _numeric(x, y):
            if not np.array_equal(x, y):
                return False, f"{_short(x)} vs {_short(y)}"
            continue
        rtol, atol = _tolerance(claim, x, y)
        wide = _widest(x, y)
        xs, ys = x.astype(wide), y.astype(wide)
        if not np.array_equal(np.isnan(xs), np.isnan(ys)):
            return False, f"NaN at different places: {_short(x)} vs {_short(y)}"
        if not np.allclose(xs, ys, rtol=rtol, atol=atol, equal_nan=True):
            finite = ~(np.isnan(xs) | np.isnan(ys))
            gaps = np.abs(xs[finite] - ys[finite])
            diff = float(np.max(gaps)) if gaps.size else 0.0
            return False, f"max abs difference {diff:.3g}, dtypes {x.dtype} and {y.dtype}, rtol {rtol:g}, atol {atol:g}"
    return True, ""


def _ordered(claim: Compare, left: list[Array], right: list[Array]) -> str | None:
    sign = "<" if claim.expect == "less" else ">"
    wanted = f"the page claims PyTorch {sign} MindSpore in every element"
    if len(left) != len(right):
        return f"{wanted}, but there are {len(left)} vs {len(right)} values"
    for x, y in zip(left, right, strict=True):
        if x.shape != y.shape:
            return f"{wanted}, but the shapes are {x.shape} vs {y.shape}"
        if not (_real(x) and _real(y)):
            return f"{wanted}, but {x.dtype} and {y.dtype} values have no order"
        holds = np.less(x, y) if sign == "<" else np.greater(x, y)
        if not np.all(holds):
            at = tuple(int(i) for i in np.argwhere(~holds)[0])
            return f"{wanted}, but at {at} PyTorch gives {x[at]} and MindSpore {y[at]}"
    return None


def _dtypes(claim: Compare, left: list[Array], right: list[Array]) -> str | None:
    pairs = [(_dtype_name(x), _dtype_name(y)) for x, y in zip(left, right, strict=False)]
    differ = [(x, y) for x, y in pairs if x != y]
    if claim.dtype == "same" and differ:
        x, y = differ[0]
        return f"dtypes differ, {x} in PyTorch and {y} in MindSpore (the page claims they match)"
    if claim.dtype == "differs" and not differ:
        return f"the page claims different dtypes, but both are {pairs[0][0] if pairs else 'empty'}"
    return None


def _nan_absent(claim: Compare, left: list[Array], right: list[Array]) -> str | None:
    if claim.nan != "absent":
        return None
    for side, values in (("torch", left), ("mindspore", right)):
        if any(v.dtype.kind in "fc" and bool(np.isnan(v).any()) for v in values):
            return f"{_SIDE[side]}'s value holds a NaN ({_short(values)}); the page claims neither does"
    return None


def _stated(claim: Compare, values: Mapping[Framework, list[Array]]) -> str | None:
    if claim.approx is None:
        return None
    problems = []
    for side in FRAMEWORKS:
        stated: Numbers | None = getattr(claim.approx, side)
        if stated is None:
            continue
        if len(values[side]) != 1:
            problems.append(f"{_SIDE[side]} gives {len(values[side])} values, and `approx` states one")
            continue
        (got,) = values[side]
        try:
            want = np.asarray(stated, dtype=np.float64)
        except ValueError:
            problems.append(f"the value stated for {_SIDE[side]} is not a rectangular list: {stated!r}")
            continue
        if want.ndim and want.shape != got.shape:
            problems.append(f"{_SIDE[side]} gives shape {got.shape}, not the stated {want.shape}")
            continue
        if got.dtype.kind not in "biufc":
            problems.append(f"{_SIDE[side]} gives {got.dtype} values, not numbers")
            continue
        rtol, atol = _tolerance(claim, got, got)
        wide = _widest(got, want)
        if not np.allclose(got.astype(wide), want.astype(wide), rtol=rtol, atol=atol, equal_nan=True):
            problems.append(
                f"{_SIDE[side]} gives {_short(got)}, not about {_short(want)} (rtol {rtol:g}, atol {atol:g})"
            )
    return "; ".join(problems) if problems else None


def _raised(claim: Compare, values: Mapping[Framework, Any]) -> str | None:
    assert claim.raises is not None
    problems = []
    for side in FRAMEWORKS:
        wanted: str | None = getattr(claim.raises, side)
        got = _exception_name(values[side])
        if got is _NOT_A_NAME:
            problems.append(
                f"{_SIDE[side]}'s {claim.name} should hold the class name of the exception raised, or None, "
                f"not {_short(_as_arrays(values[side]))}"
            )
        elif got != wanted:
            claimed = f"raises {wanted}" if wanted else "raises nothing"
            found = f"raised {got}" if got else "raised nothing"
            problems.append(f"the page claims {_SIDE[side]} {claimed}, but it {found}")
    return "; ".join(problems) if problems else None


# ---------------------------------------------------------------- helpers

_NOT_A_NAME = "\0"


def _exception_name(value: Any) -> str | None:
    """The exception name a snippet stored: a class name, an exception, its class, or None."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if value is None:
        return None
    if isinstance(value, BaseException):
        return type(value).__name__
    if isinstance(value, type) and issubclass(value, BaseException):
        return value.__name__
    if isinstance(value, str) and value.isidentifier():
        return value
    return _NOT_A_NAME


def _numeric(x: Array, y: Array) -> bool:
    return x.dtype.kind in "fc" or y.dtype.kind in "fc"


def _real(x: Array) -> bool:
    return x.dtype.kind in "biuf"


def _widest(x: Array, y: Array) -> type[np.generic]:
    """Complex values keep both parts; everything else compares as float64."""
    return np.complex128 if x.dtype.kind == "c" or y.dtype.kind == "c" else np.float64


def _dtype_name(x: Array) -> str:
    """The dtype as compared across frameworks: texts and bytes of any length are one dtype each."""
    return {"U": "str", "S": "bytes"}.get(x.dtype.kind, str(x.dtype))


def _tolerance(claim: Compare, x: Array, y: Array) -> tuple[float, float]:
    loose = max((_TOLERANCES.get(str(d.dtype), (0.0, 0.0)) for d in (x, y)), default=(0.0, 0.0))
    return (claim.rtol if claim.rtol is not None else loose[0], claim.atol if claim.atol is not None else loose[1])


def _short(values: list[Array] | Array) -> str:
    text = np.array2string(values[0] if isinstance(values, list) else values, threshold=8, precision=6)
    return " ".join(text.split())
