"""Comparing the values two snippets computed against what their example claims.

Values arrive converted to NumPy (`generator.run` does that in the workers);
each `Compare` entry of an example is one claim, and `compare` returns what is
wrong with them, one readable line per claim that does not hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from generator.model import Compare, Example

_TOLERANCES = {  # (rtol, atol) by the coarser of the two dtypes
    "float16": (1e-3, 1e-3),
    "bfloat16": (1e-2, 1e-2),
    "float32": (1e-5, 1e-6),
    "float64": (1e-7, 1e-9),
}


def compare(example: Example, torch_values: Mapping[str, Any], ms_values: Mapping[str, Any]) -> list[str]:
    """What is wrong with the example's comparisons; empty when every claim holds."""
    return [p for c in example.compare if (p := _compare_one(c, torch_values[c.name], ms_values[c.name]))]


def _compare_one(claim: Compare, a: Any, b: Any) -> str | None:
    left, right = _as_arrays(a), _as_arrays(b)
    same, detail = _agree(claim, left, right)
    if claim.expect == "same" and not same:
        return f"{claim.name}: PyTorch and MindSpore differ ({detail})"
    if claim.expect == "differs" and same:
        return f"{claim.name}: the page claims a difference, but both give {_short(left)}"
    return None


def _as_arrays(value: Any) -> list[np.ndarray[Any, Any]]:
    return [np.asarray(v) for v in value] if isinstance(value, list) else [np.asarray(value)]


def _agree(claim: Compare, left: list[np.ndarray[Any, Any]], right: list[np.ndarray[Any, Any]]) -> tuple[bool, str]:
    if len(left) != len(right):
        return False, f"{len(left)} vs {len(right)} values"
    for x, y in zip(left, right, strict=True):
        if x.shape != y.shape:
            return False, f"shapes {x.shape} vs {y.shape}"
        numeric = x.dtype.kind in "fc" or y.dtype.kind in "fc"
        if not numeric:
            if not np.array_equal(x, y):
                return False, f"{_short(x)} vs {_short(y)}"
            continue
        rtol, atol = _tolerance(claim, x, y)
        if not np.allclose(x.astype(np.float64), y.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True):
            diff = float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))) if x.size else 0.0
            return False, f"max abs difference {diff:.3g}, dtypes {x.dtype} and {y.dtype}, rtol {rtol:g}, atol {atol:g}"
    return True, ""


def _tolerance(claim: Compare, x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> tuple[float, float]:
    loose = max((_TOLERANCES.get(str(d.dtype), (0.0, 0.0)) for d in (x, y)), default=(0.0, 0.0))
    return (claim.rtol if claim.rtol is not None else loose[0], claim.atol if claim.atol is not None else loose[1])


def _short(values: list[np.ndarray[Any, Any]] | np.ndarray[Any, Any]) -> str:
    text = np.array2string(values[0] if isinstance(values, list) else values, threshold=8, precision=6)
    return " ".join(text.split())
