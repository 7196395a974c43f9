"""MindSpore's published rules for calling a mapping consistent, as one classifier.

A pair is consistent when function, parameter order, types, defaults and names
agree, with four exceptions that still count as consistent:

1. only the range of supported input dtypes differs (signatures do not say, so
   nothing here flags it);
2. torch's extra parameters are general difference parameters
   (`general_differences.yaml`: ``out``, ``device``, ``inplace`` ...);
3. MindSpore's extra parameters have defaults, which give torch's behaviour;
4. MindSpore defaults a parameter to ``None`` where torch has no default, to
   cover torch's overloads.

`classify` is used for full specs (`generator.model.Target.category`) and for
the compact rows of the table (`generator.table`) alike.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from generator.errors import ErrorGroup, SpecError
from generator.load import read
from generator.model import _CATEGORY_OF_KIND as _ORDER
from generator.model import Category, DiffKind, Row, Signature, Text, _Frozen

RULES = Path(__file__).with_name("general_differences.yaml")
"""The general difference parameters, each with its reason in both languages."""


class GeneralDifference(_Frozen):
    """A torch parameter MindSpore handles by another mechanism."""

    name: str
    """The torch parameter name."""
    reason: Text
    """Where MindSpore provides what the parameter does."""


@functools.cache
def general_differences() -> tuple[GeneralDifference, ...]:
    """The rule data, read once."""
    doc = read(RULES, shown_as=str(RULES))
    try:
        return TypeAdapter(tuple[GeneralDifference, ...]).validate_python(doc.data)
    except ValidationError as exc:
        raise ErrorGroup([SpecError(str(e["msg"]), doc.locate(tuple(e["loc"]))) for e in exc.errors()]) from None


@functools.cache
def _general_names() -> frozenset[str]:
    return frozenset(g.name for g in general_differences())


@dataclass(frozen=True)
class Classification:
    """A pair's category and the parameters that decided it."""

    category: Category
    renamed: tuple[tuple[str, str], ...] = ()
    """(torch, MindSpore) names of rows whose names differ."""
    defaults: tuple[str, ...] = ()
    """Torch names of rows whose defaults differ and no rule excuses."""
    excused: tuple[str, ...] = ()
    """Parameters that differ but a rule counts as consistent."""


def classify(table: Sequence[Row], torch: Signature | None, mindspore: Signature | None) -> Classification:
    """The category of a pair by MindSpore's rules, from its rows and both signatures."""
    general = _general_names()
    category = Category.CONSISTENT
    renamed: list[tuple[str, str]] = []
    defaults: list[str] = []
    excused: list[str] = []
    for row in table:
        kinds = set(row.kind)
        if DiffKind.TORCH_ONLY in kinds and row.torch in general:
            excused.append(row.torch)
            continue
        if DiffKind.MINDSPORE_ONLY in kinds and row.mindspore is not None and row.category == "parameter":
            mp = mindspore.get(row.mindspore) if mindspore else None
            if mp is not None and (mp.default is not None or mp.kind in ("var_positional", "var_keyword")):
                excused.append(row.mindspore)
                continue
        if DiffKind.DEFAULT_DIFFERS in kinds and row.torch and row.mindspore and torch and mindspore:
            tp, mp = torch.get(row.torch), mindspore.get(row.mindspore)
            if tp is not None and mp is not None and tp.default is None and mp.default == "None":
                excused.append(row.torch)
                kinds.discard(DiffKind.DEFAULT_DIFFERS)
        if DiffKind.RENAMED in kinds and row.torch and row.mindspore:
            renamed.append((row.torch, row.mindspore))
        if DiffKind.DEFAULT_DIFFERS in kinds and row.torch:
            defaults.append(row.torch)
        category = max((category, *(_ORDER[k] for k in kinds)))
    return Classification(category, tuple(renamed), tuple(defaults), tuple(excused))
