"""The typed, frozen spec model: the only shape later stages see.

A spec is one YAML file per torch API (``mappings/<torch name>.yaml``) with one
or more MindSpore targets. Pydantic validates the shape and types and exports
the JSON Schema that editors use; `generator.validate` adds the rules that
span several fields.
"""

from __future__ import annotations

import ast
import enum
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

LANGUAGES: tuple[str, ...] = ("en", "zh_CN")
Framework = Literal["torch", "mindspore"]
ParamKind = Literal["positional", "normal", "var_positional", "keyword_only", "var_keyword"]
FRAMEWORKS: tuple[Framework, ...] = ("torch", "mindspore")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
QUALIFIED_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$"
URL_PATTERN = r"^https://[^\s<>\"'`]+$"
IDENTIFIER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
QualifiedName = Annotated[str, Field(pattern=QUALIFIED_NAME_PATTERN)]
Url = Annotated[str, Field(pattern=URL_PATTERN)]


class Text(_Frozen):
    """Prose in English (required) and Simplified Chinese.

    One field per language of `LANGUAGES`, named by its code; adding a
    language adds its field here and its ``templates/words.<code>.jinja``.
    """

    en: Annotated[str, Field(min_length=1)]
    """English text: Markdown, as much of it as the field allows (README, "Prose")."""
    zh_CN: Annotated[str, Field(min_length=1)] | None = None
    """Simplified Chinese text; `apimap check` reports it when missing."""

    def get(self, lang: str) -> str | None:
        """The text in ``lang``, or None when it has not been written or ``lang`` is no field of this model."""
        value = vars(self).get(lang)  # a model's fields, and nothing else, are in its __dict__
        return value if isinstance(value, str) else None


_CONSTANTS: dict[str, Any] = {"None": None, "True": True, "False": False}
"""Defaults that are their own normal form, and their values; most defaults are one of them."""
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:[0-9]+\.[0-9]*(?:e[-+]?[0-9]+)?|[0-9]+e[-+]?[0-9]+)")


def literal(text: str) -> Any:
    """The value of a default's source text, as `ast.literal_eval` reads it (and raising as it does).

    Most defaults are a constant or a plain number, read here without a parse:
    besides the parse, each `ast.literal_eval` call leaves its four helper
    closures in a reference cycle that only the garbage collector frees.
    """
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return ast.literal_eval(text)


@dataclass(frozen=True)
class Parameter:
    """One parameter of a signature; ``default`` is its source text, if any."""

    name: str
    kind: ParamKind
    default: str | None = None

    @functools.cached_property
    def default_key(self) -> str | None:
        """The default normalised for comparison: ``1e-6`` and ``1e-06`` agree, ``50`` and ``50.0`` do not."""
        if self.default is None or self.default in _CONSTANTS:
            return self.default
        try:
            return repr(literal(self.default))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return self.default.replace(" ", "")

    def __str__(self) -> str:
        star = {"var_positional": "*", "var_keyword": "**"}.get(self.kind, "")
        return f"{star}{self.name}" if self.default is None else f"{self.name}={self.default}"


@dataclass(frozen=True)
class Signature:
    """A parsed call signature such as ``(input, dim=None, *, out=None)``."""

    parameters: tuple[Parameter, ...]

    @classmethod
    def parse(cls, text: str) -> Signature:
        """Parse signature text; raise ValueError with a readable message."""
        text = text.strip()
        if not (text.startswith("(") and text.endswith(")")):
            raise ValueError("a signature is written in parentheses, e.g. '(input, dim=None)'")
        source = f"def _{text}: pass"
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            raise ValueError(f"not a Python signature: {exc.msg}") from None
        func = tree.body[0]
        assert isinstance(func, ast.FunctionDef)
        args = func.args
        if any(a.annotation for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]):
            raise ValueError("write signatures without annotations")
        params: list[Parameter] = []
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for i, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
            kind: ParamKind = "positional" if i < len(args.posonlyargs) else "normal"
            params.append(Parameter(arg.arg, kind, _source(source, default)))
        if args.vararg:
            params.append(Parameter(args.vararg.arg, "var_positional"))
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            params.append(Parameter(arg.arg, "keyword_only", _source(source, kw_default)))
        if args.kwarg:
            params.append(Parameter(args.kwarg.arg, "var_keyword"))
        return cls(tuple(params))

    def get(self, name: str) -> Parameter | None:
        """The parameter called ``name``, if there is one."""
        return self._by_name.get(name)

    @functools.cached_property
    def _by_name(self) -> dict[str, Parameter]:
        return {p.name: p for p in self.parameters}

    @functools.cached_property
    def parts(self) -> tuple[str, ...]:
        """What stands between the commas: parameters, and the ``*`` and ``/`` markers."""
        parts: list[str] = []
        for i, p in enumerate(self.parameters):
            prev = self.parameters[i - 1].kind if i else None
            if p.kind == "keyword_only" and prev not in ("keyword_only", "var_positional"):
                parts.append("*")
            parts.append(str(p))
            nxt = self.parameters[i + 1].kind if i + 1 < len(self.parameters) else None
            if p.kind == "positional" and nxt != "positional":
                parts.append("/")
        return tuple(parts)

    def __str__(self) -> str:
        return "(" + ", ".join(self.parts) + ")"

    @classmethod
    def union(cls, signatures: Sequence[Signature]) -> Signature:
        """The parameters of several overloads, each name once, where it first appears."""
        if len(signatures) == 1:
            return signatures[0]
        seen: dict[str, Parameter] = {}
        for signature in signatures:
            for param in signature.parameters:
                seen.setdefault(param.name, param)
        return cls(tuple(seen.values()))


def _source(source: str, node: ast.expr | None) -> str | None:
    if node is None:
        return None
    if node.end_lineno == node.lineno == 1 and source.isascii():  # the common case, without splitting lines
        return source[node.col_offset : node.end_col_offset]
    return ast.get_source_segment(source, node)


def _parse_signature(value: Any) -> Any:
    return Signature.parse(value) if isinstance(value, str) else value


SignatureField = Annotated[
    Signature,
    BeforeValidator(_parse_signature),
    PlainSerializer(str, return_type=str),
    Field(json_schema_extra={"type": "string", "examples": ["(input, dim=None, *, out=None)"]}),
]


class Api(_Frozen):
    """One side of a mapping: a PyTorch or a MindSpore API."""

    name: QualifiedName
    """Fully qualified name, e.g. ``torch.optim.Rprop``."""
    kind: Literal["function", "class", "method"]
    """What the name is; classes show their constructor signature."""
    signature: SignatureField
    """Parameters and defaults as the pinned version defines them, without annotations."""
    overloads: tuple[SignatureField, ...] = ()
    """Further signatures of an overloaded API, each written like `signature`; the table covers them all."""
    url: Url
    """The official documentation page of the pinned version."""
    summary: Text
    """What the API does, in a sentence or a paragraph."""

    @property
    def signatures(self) -> tuple[Signature, ...]:
        """`signature` and then its `overloads`."""
        return (self.signature, *self.overloads)

    @functools.cached_property
    def parameters(self) -> Signature:
        """Every parameter of every signature, each name once: what the table pairs."""
        return Signature.union(self.signatures)


class DiffKind(enum.StrEnum):
    """The closed vocabulary of what differs in one row of the table."""

    SAME = "same"
    RENAMED = "renamed"
    DEFAULT_DIFFERS = "default_differs"
    TYPE_DIFFERS = "type_differs"
    BEHAVIOUR_DIFFERS = "behaviour_differs"
    TORCH_ONLY = "torch_only"
    MINDSPORE_ONLY = "mindspore_only"


def _row_value(value: Any) -> Any:
    """A row's value: a YAML scalar, or a list of them (a tuple in the call)."""
    if isinstance(value, list | tuple):
        return tuple(_row_value(v) for v in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise ValueError(f"expected a number, a text, true/false, null or a list of them, got {value!r}")


RowValue = Annotated[
    bool | int | float | str | tuple[Any, ...],
    BeforeValidator(_row_value),
    Field(json_schema_extra={"examples": [0.5, "sum", [0.8, 0.99]]}),
]


def _as_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else value


class Row(_Frozen):
    """One row of the differences table: a pair of parameters, inputs or outputs."""

    category: Literal["parameter", "input", "output"] = "parameter"
    """Which group the row belongs to; parameters are checked against the signatures."""
    torch: str | None
    """The PyTorch name, or null when PyTorch has none."""
    mindspore: str | None
    """The MindSpore name, or null when MindSpore has none."""
    kind: Annotated[
        tuple[DiffKind, ...],
        BeforeValidator(_as_tuple),
        Field(min_length=1),
    ]
    """What differs: one kind, or a list such as ``[renamed, default_differs]``."""
    note: Text | None = None
    """Appended to the generated difference text."""
    value: RowValue | None = None
    """The value a row check passes on both sides (a list is a tuple); see README, "Row checks"."""
    recipe: str | None = None
    """The call this row's check makes instead of the target's recipe, when the value needs other inputs."""


class Formula(_Frozen):
    """A display formula in LaTeX math, with an optional caption."""

    latex: Annotated[str, Field(min_length=1)]
    """The formula, LaTeX math without surrounding dollars."""
    caption: Text | None = None
    """Shown beneath the formula."""


def _numbers(value: Any) -> Any:
    """A stated value as nested tuples of numbers; a list anywhere becomes a tuple."""
    if isinstance(value, list | tuple):
        return tuple(_numbers(v) for v in value)
    if isinstance(value, bool | int | float):
        return value
    raise ValueError(f"expected a number or a list of numbers, got {value!r}")


Numbers = Annotated[
    float | tuple[Any, ...],
    BeforeValidator(_numbers),
    Field(json_schema_extra={"examples": [0.5, [1, 0]]}),
]


class Sides(_Frozen):
    """A value stated for each side; a side left out is not checked."""

    torch: Numbers | None = None
    """What PyTorch's value must be close to."""
    mindspore: Numbers | None = None
    """What MindSpore's value must be close to."""


def _both_sides(value: Any) -> Any:
    if isinstance(value, dict | Sides):
        return value
    both = _numbers(value)
    return {"torch": both, "mindspore": both}


_STATED = float | list[Any] | Sides
"""What ``approx`` accepts: a value for both sides, or a mapping by side."""

ExceptionName = Annotated[str, Field(pattern=IDENTIFIER_PATTERN)]


class Raises(_Frozen):
    """The exception each side raised, by class name; a side left out raised nothing."""

    torch: ExceptionName | None = None
    """The class name of the exception PyTorch raised, e.g. ``ValueError``."""
    mindspore: ExceptionName | None = None
    """The class name of the exception MindSpore raised, e.g. ``TypeError``."""

    @model_validator(mode="after")
    def _one_side_raises(self) -> Raises:
        if self.torch is None and self.mindspore is None:
            raise ValueError("name the exception of at least one side; without one, compare the values instead")
        return self


class Compare(_Frozen):
    """A value both snippets define, compared after conversion to NumPy."""

    name: Annotated[str, Field(pattern=IDENTIFIER_PATTERN)]
    """A variable set by both snippets."""
    expect: Literal["same", "differs", "less", "greater"] = "same"
    """``same``: shapes and values agree; ``differs``: they do not; ``less``, ``greater``: PyTorch's is below, above."""
    dtype: Literal["same", "differs"] = "same"
    """Whether the NumPy dtypes of the two values agree (texts of any length count as one dtype)."""
    nan: Literal["same-positions", "absent"] = "same-positions"
    """``same-positions``: a NaN agrees only with a NaN at the same place; ``absent``: neither value holds a NaN."""
    approx: Annotated[Sides, BeforeValidator(_both_sides, json_schema_input_type=float | list[Any] | Sides)] | None = (
        None
    )
    """A stated value both sides (or each side of a mapping) must be close to; one number stands for every element."""
    raises: Raises | None = None
    """The exception each side raised, by the class name (or None) the variable holds; a claim of its own."""
    rtol: Annotated[float, Field(ge=0)] | None = None
    """Relative tolerance; by default it depends on the dtype."""
    atol: Annotated[float, Field(ge=0)] | None = None
    """Absolute tolerance; by default it depends on the dtype."""

    @model_validator(mode="after")
    def _raises_alone(self) -> Compare:
        mixed = sorted(self.model_fields_set & {"expect", "dtype", "nan", "approx", "rtol", "atol"})
        if self.raises is not None and mixed:
            raise ValueError(f"'raises' is a claim of its own; leave out {', '.join(mixed)}")
        return self


class NotRun(_Frozen):
    """Why a side's API cannot be executed here; its snippet still runs what it can (arguments, errors)."""

    torch: Text | None = None
    """Why PyTorch's API is not executed here, e.g. it needs a launched cluster."""
    mindspore: Text | None = None
    """Why MindSpore's API is not executed here, e.g. it needs a launched cluster."""

    @model_validator(mode="after")
    def _one_side(self) -> NotRun:
        if self.torch is None and self.mindspore is None:
            raise ValueError("name the side that is not executed here, with its reason")
        return self


class Example(_Frozen):
    """Code for both frameworks that does the same thing."""

    id: Slug
    """Unique within the target; names the example in test ids."""
    title: Text
    """A heading for the example."""
    torch: Annotated[str, Field(min_length=1)]
    """PyTorch code, run as written."""
    mindspore: Annotated[str, Field(min_length=1)]
    """MindSpore code, run as written."""
    note: Text | None = None
    """Shown after both snippets."""
    compare: tuple[Compare, ...] = ()
    """Values compared across the two snippets."""
    max_output: Annotated[int, Field(gt=0)] | None = None
    """Bytes each snippet may print (default 65536, or `apimap build --max-output`); past it the example fails."""
    not_run: NotRun | None = None
    """The sides whose API this example cannot execute here, each with its reason; shown on the page."""


class Target(_Frozen):
    """One MindSpore counterpart of the torch API, with its own table and examples."""

    id: Slug
    """Unique within the spec; used in page anchors and test ids."""
    mindspore: Api
    """The MindSpore API."""
    differences: Text
    """Prose above the table: what differs overall."""
    formulas: tuple[Formula, ...] = ()
    """Display formulas shown above the table."""
    table: Annotated[tuple[Row, ...], Field(min_length=1)]
    """One row per parameter (and input or output) pair."""
    examples: Annotated[tuple[Example, ...], Field(min_length=1)]
    """Code for both frameworks; at least one."""
    recipe: str | None = None
    """The call the row checks vary, when the rule's guess does not fit: a recipe of `generator.rows`, or ``none``."""

    @functools.cached_property
    def category(self) -> Category:
        """The overall category by MindSpore's rules (`generator.classify`).

        Its `Spec` fills it in with the torch signature at hand; a target on
        its own is classified without it.
        """
        from generator.classify import classify

        return classify(self.table, None, self.mindspore.signature).category


class Spec(_Frozen):
    """A mapping from one PyTorch API to one or more MindSpore APIs."""

    torch: Api
    """The PyTorch API; the file is named after its `name`."""
    targets: Annotated[tuple[Target, ...], Field(min_length=1)]
    """Its MindSpore counterparts, each a pair with its own table and examples."""

    @model_validator(mode="after")
    def _classify(self) -> Spec:
        from generator.classify import classify

        for target in self.targets:
            # the cached property's slot: each target's category needs the torch signature
            target.__dict__["category"] = classify(
                target.table, self.torch.signature, target.mindspore.signature
            ).category
        return self


class Category(enum.IntEnum):
    """A mapping's overall category, derived from its rows; a larger value wins."""

    CONSISTENT = 0
    NAMES_DIFFER = 1
    DEFAULTS_DIFFER = 2
    TORCH_EXTRA = 3
    MINDSPORE_EXTRA = 4
    TYPES_DIFFER = 5
    BEHAVIOUR_DIFFERS = 6


_CATEGORY_OF_KIND = {
    DiffKind.SAME: Category.CONSISTENT,
    DiffKind.RENAMED: Category.NAMES_DIFFER,
    DiffKind.DEFAULT_DIFFERS: Category.DEFAULTS_DIFFER,
    DiffKind.TORCH_ONLY: Category.TORCH_EXTRA,
    DiffKind.MINDSPORE_ONLY: Category.MINDSPORE_EXTRA,
    DiffKind.TYPE_DIFFERS: Category.TYPES_DIFFER,
    DiffKind.BEHAVIOUR_DIFFERS: Category.BEHAVIOUR_DIFFERS,
}
