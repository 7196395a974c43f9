"""Row checks: every table row that says a parameter behaves the same is executed.

A row whose kinds are ``same``, ``renamed`` or ``default_differs`` (nothing
else) claims that passing the same non-default value on both sides gives the
same result. For each target we build a *base call* from a recipe (the rule of
`generator.recipes`, or the target's ``recipe`` field), then vary one such
parameter at a time: the value comes from the row's ``value`` field or, by
rule, from the torch default (`rule_value`). Both sides run in the persistent
workers of `generator.run` and their results are compared like a recipe's
(values within float32 tolerance, and shapes). Results are cached as JSON
beside the example cache.

The base call passes every argument the recipe names; so does each variation,
plus one keyword per side. Defaults that differ (claim rows marked
``default_differs``) are pinned to torch's default on the MindSpore side (both
sides get one value where torch's default is None), and a row that is no claim
passes its ``value``, if it has one, on the sides it names, so that the base
call computes the same thing in both frameworks. Rows the recipe already
passes (a required input, a dimension given positionally) and input and output
rows are executed by the base call itself.

A recipe may end with ``| torch args: K=V, ...`` (or ``mindspore``), keyword
arguments for one side only, and ``| torch: EXPR`` (or ``mindspore``), an
expression over ``result`` that side compares instead (`side_arguments`).
``| mindspore setup: STATEMENT`` (or ``torch``) runs a statement on that side
before the call, or, in an ``optimizer`` recipe, once the optimizer is built
and before its steps (`side_setup`); ``| torch grad: EXPR`` (or
``mindspore``), in an ``optimizer`` recipe, gives that side's optimizer an
expression over ``grad``, the fixed gradient tensor, instead (a sparse one).

Recipes are those of `generator.recipes` (``call``, ``reduce``, ``method``,
``module``, ``random``, ``none``) and two more: ``optimizer``, two steps on a
fixed parameter (named ``w``) with fixed gradients, comparing the updated
parameter; ``loader``, a data pipeline over a small array ``data``, comparing
what it yields in order (a sampler's indices read as rows of ``data``). Layers
run in inference mode (``eval()`` in torch; a MindSpore cell's default), with
their trainable parameters set to the same values. Torch's names in a recipe's
shared arguments, and in a value written ``=EXPR``, are MindSpore's on its
side (`for_side`).

A row may give its own ``recipe`` when its value needs other inputs (a fold
stride that leaves fewer blocks): its check runs that call instead of the
target's, varied by the row's value, or as it is when it passes the parameter.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.errors import ApimapError, ErrorGroup, SpecError
from generator.files import write_atomic
from generator.model import Api, Compare, DiffKind, Example, Framework, Parameter, Row, Target, Text, literal
from generator.recipes import _HEAD, _INPUT_CODE, _NO_KERNEL, _RANDOM, _TAIL, check_key, guess
from generator.validate import Corpus, SpecFile

CLAIM_KINDS = frozenset({DiffKind.SAME, DiffKind.RENAMED, DiffKind.DEFAULT_DIFFERS})
"""A row whose kinds all belong here claims that the parameter behaves the same."""

RowStatus = Literal["passed", "failed", "base", "not executed"]
"""``base``: executed by the base call, which passes the parameter on both sides."""

_DIMS = frozenset({"dim", "axis", "axes", "dims"})
_FLOATS = frozenset({"weight_decay", "momentum", "dampening", "lr_decay", "initial_accumulator_value", "lambd"})
"""Parameters whose integer default (``0``) stands for a float."""


_NONE: dict[str, Any] = {**dict.fromkeys(_DIMS, 1), "dtype": "float64", "stride": 1}
"""Values for parameters whose default is None, by name: a dimension, a dtype (named by text), a stride."""
_CHOICES = {"reduction": ("mean", "sum", "none"), "approximate": ("none", "tanh")}
"""Documented choices of text parameters, by name: the rule takes the first that is not the default."""


def is_claim(row: Row) -> bool:
    """Whether the row claims that a parameter (or input or output) behaves the same."""
    return set(row.kind) <= CLAIM_KINDS


_INPUT = re.compile(r"(x|x1|y|z|m|v|xt|bt|x3|x4|x5|y3|y4|y5|xi|yi|vi|ys|xc|yc|mask|ix|gi|u\([0-9, ]*\))")
"""A text value that names one of the recipe's inputs, or ``u(SHAPE)`` for new uniform values, is that tensor."""


def python_value(value: Any, *, side: Framework, name: str) -> str:
    """A row's value as Python source for ``side``.

    A dtype named by text becomes the framework's dtype; a text naming an input
    of the recipe (`generator.recipes`), or ``u(SHAPE)``, stands for that tensor;
    a text starting with ``=`` is a Python expression (`for_side`).
    """
    if isinstance(value, str) and value.startswith("="):
        return for_side(value[1:].strip(), side=side)
    if isinstance(value, str) and name == "dtype":
        return f"{side}.{value}"
    if isinstance(value, str) and _INPUT.fullmatch(value):
        return value
    if isinstance(value, tuple):
        inner = ", ".join(python_value(v, side=side, name="") for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def for_side(code: str, *, side: Framework) -> str:
    """Code written with torch's names, for ``side``: on MindSpore's side ``torch.X`` reads ``mindspore.X``.

    So ``torch.nn.Tanh()`` builds each framework's own layer where the two share a name.
    """
    return code if side == "torch" else re.sub(r"\btorch\.", "mindspore.", code)


def rule_value(param: Parameter) -> Any:
    """A valid non-default value chosen from the torch default, or None when the rule has none."""
    if param.default is None:
        return None
    try:
        default = literal(param.default)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if default is None:
        return _NONE.get(param.name)
    if isinstance(default, str):
        choices = _CHOICES.get(param.name, ())
        return next((c for c in choices if c != default), None)
    return _changed(default, param.name)


def _changed(default: Any, name: str) -> Any:
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return 0.1 if name in _FLOATS and default == 0 else default + 1
    if isinstance(default, float):  # halving a tiny default (an epsilon) would change nothing float32 shows
        return 0.1 if abs(default) < 1e-3 else default * 0.5
    if isinstance(default, tuple) and default and all(isinstance(v, int | float) for v in default):
        return tuple(v * 0.9 if isinstance(v, float) else v + 1 for v in default)
    return None


Keywords = Mapping[Framework, Sequence[tuple[str, str]]]
"""Keyword arguments (name, Python source) per side."""


@dataclass(frozen=True)
class RowPlan:
    """How one claim row is checked: by the base call, by a varied call, or not at all (and why)."""

    index: int
    row: Row
    values: Mapping[Framework, str] = field(default_factory=dict)
    """The varied value as Python source per side; empty when the row is not varied."""
    by_base: bool = False
    why_not: str | None = None
    recipe: str | None = None
    """The row's own call (its ``recipe``), run instead of the target's; its check needs no base call."""
    pins: Mapping[Framework, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """The keywords of the row's own call."""

    @property
    def executable(self) -> bool:
        """Whether the plan runs the row (by the base call or a varied one)."""
        return self.why_not is None

    @property
    def shown(self) -> tuple[str, ...]:
        """The varied keyword as each side passes it, ``name=value``, once where both are alike.

        Empty when the row is not varied, or varied with a tensor (an input of
        the recipe, or ``u(SHAPE)``), which a page cannot show as a value.
        """
        if not self.values or (isinstance(self.row.value, str) and _INPUT.fullmatch(self.row.value)):
            return ()
        sides: tuple[Framework, ...] = ("torch", "mindspore")
        return tuple(dict.fromkeys(f"{_name(self.row, side)}={self.values[side]}" for side in sides))

    @property
    def tensor(self) -> bool:
        """Whether the row is varied with a tensor rather than a value a page can show."""
        return bool(self.values) and not self.shown


@dataclass(frozen=True)
class TargetPlan:
    """The base call of one target and the plan of each of its claim rows."""

    torch: str
    mindspore: str
    recipe: str | None
    pins: Mapping[Framework, tuple[tuple[str, str], ...]]
    rows: tuple[RowPlan, ...]


def plan(torch: Api, target: Target) -> TargetPlan:
    """Which claim rows of ``target`` can be executed, and with which values (no framework needed)."""
    recipe = target.recipe
    if recipe is None:
        recipe = _guess(torch, target)
    elif recipe == "none":
        recipe = None
    signature = torch.parameters
    consumed = _consumed(recipe, torch) if recipe else set()
    rows: list[RowPlan] = []
    for i, row in enumerate(target.table):
        if not is_claim(row):
            continue
        param = signature.get(row.torch or "")
        if row.recipe is not None:
            rows.append(_own_plan(i, row, torch, target, param))
        else:
            rows.append(_row_plan(i, row, recipe, param, consumed, _first(torch)))
    return TargetPlan(torch.name, target.mindspore.name, recipe, _pins(torch, target, recipe), tuple(rows))


def _pins(torch: Api, target: Target, recipe: str | None) -> dict[Framework, tuple[tuple[str, str], ...]]:
    """The keywords each call of ``recipe`` passes: pinned defaults, values of rows that are no claim, its side args."""
    signature = torch.parameters
    consumed = _consumed(recipe, torch) if recipe else set()
    pins: dict[Framework, list[tuple[str, str]]] = {"torch": [], "mindspore": []}
    for row in target.table:
        if row.category != "parameter":
            continue
        if row.torch in consumed:
            continue
        param = signature.get(row.torch or "")
        differs = DiffKind.DEFAULT_DIFFERS in row.kind and is_claim(row) and param is not None
        value = row.value
        if value is None and differs and _unset(param) and param is not None:
            # torch computes it: both sides are given the same value, the inputs' dtype for a dtype
            value = "float32" if param.name == "dtype" else rule_value(param)
        if value is not None and (not is_claim(row) or (differs and _unset(param))):
            sides: tuple[tuple[Framework, str | None], ...] = (("torch", row.torch), ("mindspore", row.mindspore))
            for side, name in sides:
                if name is not None:
                    pins[side].append((name, python_value(value, side=side, name=name)))
        elif differs and param is not None and row.mindspore:
            theirs = target.mindspore.parameters.get(row.mindspore)
            if _differ(param, theirs):
                pins["mindspore"].append((row.mindspore, _translated(param.default or "", theirs)))
    if recipe is not None:
        for side, given in side_arguments(recipe).items():
            pins[side] = [*(p for p in pins[side] if p[0] not in dict(given)), *given]
    return {"torch": tuple(pins["torch"]), "mindspore": tuple(pins["mindspore"])}


def _own_plan(index: int, row: Row, torch: Api, target: Target, param: Parameter | None) -> RowPlan:
    """A row with its own recipe: that call, varied by the row's value unless the recipe passes the parameter."""
    recipe = row.recipe if row.recipe != "none" else None
    if recipe is None:
        return RowPlan(index, row, why_not="no recipe: the row's `recipe` is none")
    pins = _pins(torch, target, recipe)
    own = _row_plan(index, row, recipe, param, _consumed(recipe, torch), _first(torch) | {row.torch or ""})
    if own.values or (not own.executable and not (own.why_not or "").startswith("no value")):
        return RowPlan(index, row, own.values, why_not=own.why_not, recipe=recipe, pins=pins)
    return RowPlan(index, row, recipe=recipe, pins=pins)  # the row's own call passes the parameter itself


def _unset(param: Parameter | None) -> bool:
    """Whether torch leaves the parameter to be computed (its default is None)."""
    return param is not None and param.default in (None, "None")


def _differ(torch: Parameter, mindspore: Parameter | None) -> bool:
    """Whether MindSpore's default must be pinned to torch's: they differ in value, torch's is not None."""
    if torch.default in (None, "None") or mindspore is None:
        return False
    try:
        return bool(literal(torch.default) != literal(mindspore.default or ""))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return torch.default != mindspore.default


def _translated(default: str, theirs: Parameter | None) -> str:
    """Torch's default written for MindSpore: a float where MindSpore's is one, a dtype by its name."""
    try:
        mine, other = literal(default), literal((theirs and theirs.default) or "")
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return default.replace("torch.", "mindspore.")
    if isinstance(other, float) and isinstance(mine, int) and not isinstance(mine, bool):
        return repr(float(mine))
    return default


def _guess(torch: Api, target: Target) -> str | None:
    if torch.name.startswith("torch.optim.") and torch.kind == "class":
        return "optimizer"
    recipe = guess(torch.name, target.mindspore.name, torch.parameters)  # every overload's parameters
    leaf = torch.name.rsplit(".", 1)[-1].lower()
    if recipe is not None and recipe.startswith(("call(", "module(")) and any(r in leaf for r in _RANDOM):
        return "random" + recipe[recipe.index("(") :]
    return recipe


def _first(torch: Api) -> set[str]:
    """The parameter names of torch's first signature, the one a recipe calls unless it passes another's."""
    return {p.name for p in torch.signatures[0].parameters} if torch.signatures else set()


def _row_plan(
    index: int, row: Row, recipe: str | None, param: Parameter | None, consumed: set[str], first: set[str]
) -> RowPlan:
    if recipe is None:
        return RowPlan(index, row, why_not="no recipe: the target needs a `recipe`")
    if row.category != "parameter" or param is None or row.torch in consumed:
        return RowPlan(index, row, by_base=True)
    if param.kind in ("var_positional", "var_keyword"):
        return RowPlan(index, row, by_base=True)
    if param.default is None and param.name not in first:
        return RowPlan(index, row, why_not="no value: required in another overload than the recipe calls")
    if param.default is None:  # required: every call passes it
        return RowPlan(index, row, by_base=True)
    value = row.value if row.value is not None else rule_value(param)
    if value is None:
        return RowPlan(index, row, why_not=f"no value: the default {param.default} needs the row's `value`")
    if param.kind == "positional":
        return RowPlan(index, row, why_not="positional-only in torch")
    names: dict[Framework, str] = {"torch": row.torch or "", "mindspore": row.mindspore or ""}
    return RowPlan(index, row, values={s: python_value(value, side=s, name=names[s]) for s in names})


def _split(args: str) -> list[str]:
    """Top-level comma-separated arguments of a recipe."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in args:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def _parts(recipe: str) -> tuple[str, str, str]:
    """A recipe's kind, receiver and the text between its first parentheses."""
    kind, _, rest = recipe.partition("(")
    kind, _, receiver = kind.partition("[")
    depth, end = 1, len(rest)
    for i, ch in enumerate(rest):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            end = i
            break
    return kind.strip(), receiver.rstrip("]"), rest[:end]


def _consumed(recipe: str, torch: Api) -> set[str]:
    """The torch parameters the recipe passes positionally."""
    kind, _, args = _parts(_picks(recipe)[0])
    positional = [p.name for p in torch.parameters.parameters if p.kind in ("positional", "normal")]
    named = {a.split("=", 1)[0].strip() for a in _split(args) if "=" in a.split("(")[0]}
    named |= {name for name, _ in side_arguments(recipe)["torch"]}
    if kind == "reduce":
        return set(positional[:2])
    if kind == "optimizer":
        return {*positional[:1], *named}
    if kind == "method":
        positional = positional[1:]
    count = len([a for a in _split(args) if "=" not in a.split("(")[0]])
    return {*positional[:count], *named}


# ---------------------------------------------------------------- the code of a check


_FILL = """
def _fill(shape):
    n = int(np.prod(shape))
    return (np.cos(np.arange(n) * 0.7 + n) * 0.5).astype(np.float32).reshape(shape)
"""
_LAYER = {
    "torch": "layer.eval()\nwith torch.no_grad():\n    for p in layer.parameters():\n"
    "        p.copy_(T(_fill(tuple(p.shape))))\n",
    "mindspore": "layer.set_train(False)\nfor p in layer.trainable_params():\n"
    "    p.set_data(T(_fill(tuple(p.shape))).astype(p.dtype))\n",
}
_OPTIMIZER = {
    "torch": """start = np.array([0.5, -1.0, 2.0], dtype=np.float32)
w = torch.nn.Parameter(T(start.copy()))
optimizer = {api}([w]{kwargs})
{setup}for g in ([0.3, -0.2, 0.1], [0.1, 0.4, -0.5]):
    w.grad = {grad}
    optimizer.step()
result = w
""",
    "mindspore": """start = np.array([0.5, -1.0, 2.0], dtype=np.float32)
w = mindspore.Parameter(T(start.copy()), name="w")
optimizer = {api}([w]{kwargs})
{setup}for g in ([0.3, -0.2, 0.1], [0.1, 0.4, -0.5]):
    optimizer(({grad},))
result = w
""",
}
_GRAD = "T(np.array(g, dtype=np.float32))"
"""The fixed gradient of one step, as the ``optimizer`` recipe passes it unless ``| SIDE grad:`` says otherwise."""


_LOADER = {
    "torch": """data = np.arange(12, dtype=np.float32).reshape(6, 2)
made = {call}
result = [T(data[i]) for i in made] if isinstance(made, torch.utils.data.Sampler) else list(made)
""",
    "mindspore": """data = np.arange(12, dtype=np.float32).reshape(6, 2)
made = {call}
if not hasattr(made, "create_tuple_iterator"):  # a sampler: the rows it draws from data
    made = mindspore.dataset.GeneratorDataset(data, ["data"], sampler=made)
result = [row[0] for row in made.create_tuple_iterator(output_numpy=True)]
""",
}
"""A data pipeline over the six rows of ``data``: a loader's batches, or the rows a sampler draws, in order."""


_CAST = {
    "torch": "x, z, y, x3, x4, x5, y3, y4, y5 = [a.to({dtype}) for a in (x, z, y, x3, x4, x5, y3, y4, y5)]\n"
    "u = (lambda made: lambda *shape: made(*shape).to({dtype}))(u)\n",
    "mindspore": "x, z, y, x3, x4, x5, y3, y4, y5 = [a.astype({dtype}) for a in (x, z, y, x3, x4, x5, y3, y4, y5)]\n"
    "u = (lambda made: lambda *shape: made(*shape).astype({dtype}))(u)\n",
}
"""A layer built for another dtype is given inputs of that dtype."""


def snippets(
    recipe: str,
    names: Mapping[Framework, str],
    keywords: Mapping[Framework, Sequence[tuple[str, str]]],
    *,
    varied: Mapping[Framework, tuple[str, str]] | None = None,
) -> dict[Framework, str]:
    """Both sides' code: the recipe's call of each API with its ``keywords``, leaving ``result`` and ``shapes``.

    The ``varied`` keyword of each side replaces a keyword of the same name. A
    layer given a ``dtype`` is called on inputs of that dtype; a reduction is
    varied only where it is given a dimension (``keepdim`` needs one in torch).
    """
    setups, grads = side_setup(recipe), side_grad(recipe)
    recipe, picks = _picks(recipe)
    kind, receiver, args = _parts(recipe)
    called = recipe[recipe.index(f"({args})") + len(args) + 2 :].strip() if "(" in recipe else ""
    code: dict[Framework, str] = {}
    for side in ("torch", "mindspore"):
        api = names[side]
        module, leaf = api.rsplit(".", 1)
        pins = "".join(f", {k}={v}" for k, v in keywords[side])
        if varied is not None:
            keywords = {**keywords, side: _with(keywords[side], *varied[side])}
        kw = "".join(f", {k}={v}" for k, v in keywords[side])
        # a class's method called as a function (``torch.Tensor.scatter_(x, ...)``): import the class's module
        module = ".".join(itertools.takewhile(lambda part: not part[:1].isupper(), module.split(".")))
        imports = "" if kind == "method" or module in ("torch", "mindspore") else f"import {module}\n"
        mine = for_side(args, side=side)
        joined = (mine + kw) if mine else kw[2:]
        if kind == "reduce":
            body = f"result = [{api}(x{pins}), {api}(x, 1{kw})]\n"
        elif kind == "method":
            body = f"result = {receiver or 'x'}.{leaf}({joined})\n"
        elif called:
            dtype = dict(keywords[side]).get("dtype")
            cast = _CAST[side].format(dtype=dtype) if dtype else ""
            body = f"{cast}layer = {api}({joined})\n{_LAYER[side]}result = layer{for_side(called, side=side)}\n"
        elif kind == "loader":
            body = _LOADER[side].format(call=f"{api}({joined})")
        elif kind == "optimizer":
            grad = f"(lambda grad: {grads[side]})({_GRAD})" if side in grads else _GRAD
            setup = f"{setups[side]}\n" if side in setups else ""
            body = _OPTIMIZER[side].format(api=api, kwargs=(f", {args}" if args else "") + kw, setup=setup, grad=grad)
        else:
            body = f"result = {api}({joined})\n"
        if side in setups and kind != "optimizer":
            body = f"{setups[side]}\n{body}"
        if side in picks:
            body += f"result = {picks[side]}\n"
        if kind == "random":
            body += "dtype = str(result.dtype).rsplit('.', 1)[-1].lower()\n"
        # an input only some recipes use is defined only there, so the other checks keep their cache keys
        extra = "".join(line for name, line in _EXTRA_INPUTS.items() if re.search(rf"\b{name}\b", recipe))
        code[side] = _HEAD[side].format(imports=imports) + _INPUT_CODE + extra + _FILL + body + _TAIL
    return code


_EXTRA_INPUTS = {"x1": "x1 = u(1)\n"}
"""Inputs beyond those of `generator.recipes`: ``x1``, a one-element tensor (for ``item``)."""

_PICK = re.compile(r"\s*\|\s*(torch|mindspore)( args| setup| grad)?:\s*([^|]+)")


def _picks(recipe: str) -> tuple[str, dict[Framework, str]]:
    """A recipe without its picks and side arguments, and the expression over ``result`` each side compares.

    ``call(m) | torch: result[1] | mindspore: result[0]`` compares torch's second
    output with MindSpore's first; a side without a pick compares ``result``.
    """
    return recipe.partition(" |")[0].strip(), _side_text(recipe, None)


def side_setup(recipe: str) -> dict[Framework, str]:
    """The statement a recipe runs on one side before its call or steps: ``| mindspore setup: STATEMENT``."""
    return _side_text(recipe, " setup")


def side_grad(recipe: str) -> dict[Framework, str]:
    """The gradient an ``optimizer`` recipe gives one side, over ``grad``: ``| torch grad: grad.to_sparse()``."""
    return _side_text(recipe, " grad")


def _side_text(recipe: str, option: str | None) -> dict[Framework, str]:
    """The text each side gives after ``| SIDE option:`` (``| SIDE:`` for None, a pick)."""
    _, bar, rest = recipe.partition(" |")
    return {m.group(1): m.group(3).strip() for m in _PICK.finditer(bar + rest) if m.group(2) == option}  # type: ignore[misc]


def side_arguments(recipe: str) -> dict[Framework, list[tuple[str, str]]]:
    """The keyword arguments a recipe gives one side only: ``| mindspore args: approximate=False``."""
    found: dict[Framework, list[tuple[str, str]]] = {"torch": [], "mindspore": []}
    _, bar, rest = recipe.partition(" |")
    for match in _PICK.finditer(bar + rest):
        if match.group(2) == " args":
            for arg in _split(match.group(3)):
                name, _, value = arg.partition("=")
                found[match.group(1)].append((name.strip(), value.strip()))  # type: ignore[index]
    return found


def _example(recipe: str) -> Example:
    names = [Compare(name="shapes")]
    if recipe.startswith("random"):
        names.append(Compare(name="dtype"))
    else:
        names.append(Compare(name="result", rtol=1e-5, atol=1e-6))
    return Example(id="row", title=Text(en="row"), torch="-", mindspore="-", compare=tuple(names))


# ---------------------------------------------------------------- running


@dataclass(frozen=True)
class RowResult:
    """What checking one claim row showed."""

    spec: str
    target: str
    index: int
    row: Row
    status: RowStatus
    detail: str = ""
    values: Mapping[Framework, str] = field(default_factory=dict)

    @property
    def executed(self) -> bool:
        """Whether the row's claim was run in both frameworks."""
        return self.status != "not executed"


Runner = Callable[[Framework, str, str, tuple[str, ...]], Any]
"""Runs (framework, code, filename, names to send back) and returns a `generator.run.Outcome`."""


def check_target(
    file: SpecFile,
    t: int,
    *,
    run: Runner,
    cache: Path | None,
    refresh: bool = False,
) -> list[RowResult]:
    """Every claim row of one target, checked."""
    from generator.run import versions

    spec, target = file.spec, file.spec.targets[t]
    target_plan = plan(spec.torch, target)
    installed = repr(sorted(versions().items()))

    def result(rp: RowPlan, status: RowStatus, detail: str = "") -> RowResult:
        return RowResult(spec.torch.name, target.id, rp.index, rp.row, status, detail, rp.values)

    names: dict[Framework, str] = {"torch": spec.torch.name, "mindspore": target.mindspore.name}
    where = f"<{spec.torch.name} -> {target.mindspore.name}>"

    def execute(recipe: str, pins: Keywords, varied: Mapping[Framework, tuple[str, str]] | None) -> tuple[str, str]:
        code = snippets(recipe, names, pins, varied=varied)
        key = check_key(recipe, code, installed)
        if cache is not None and not refresh:
            known = _cached(cache, key)
            if known is not None:
                return known
        found = _run_both(code, run=run, where=where, recipe=recipe)
        if cache is not None:
            _store(cache, key, found)
        return found

    base = target_plan.recipe
    base_status, base_detail = execute(base, target_plan.pins, None) if base is not None else ("", "")
    results: list[RowResult] = []
    for rp in target_plan.rows:
        if not rp.executable:
            results.append(result(rp, "not executed", rp.why_not or ""))
        elif rp.recipe is None and base_status != "passed":
            results.append(result(rp, "not executed", f"the base call {base}: {base_detail}"))
        elif (call := _call(target_plan, rp)) is None:
            results.append(result(rp, "base"))
        else:
            status, detail = execute(*call)
            results.append(result(rp, status, detail))  # type: ignore[arg-type]
    return results


Call = tuple[str, Keywords, Mapping[Framework, tuple[str, str]] | None]
"""A check's call: its recipe, the keywords each side passes, and the varied keyword per side (None: none)."""


def _call(target_plan: TargetPlan, rp: RowPlan) -> Call | None:
    """The call an executable row's check makes beyond the base call; None when the base call is its check.

    A row with its own recipe runs that, varied by its value if it has one;
    any other row runs the target's recipe with its parameter varied.
    """
    if rp.recipe is not None:
        return rp.recipe, rp.pins, _varied(rp) if rp.values else None
    if rp.by_base or target_plan.recipe is None:
        return None
    return target_plan.recipe, target_plan.pins, _varied(rp)


def _name(row: Row, side: Framework) -> str:
    return (row.torch if side == "torch" else row.mindspore) or ""


def _varied(rp: RowPlan) -> dict[Framework, tuple[str, str]]:
    """The keyword each side's varied call passes: the row's parameter name there and its value."""
    return {side: (_name(rp.row, side), rp.values[side]) for side in ("torch", "mindspore")}


def cache_keys(corpus: Corpus) -> set[str]:
    """The cache key of every call a row check of the corpus may run: what pruning the cache keeps.

    The base call of each target with a recipe and each varied call, whether or
    not the base call agreed (as `check_target` would run them, no framework needed).
    """
    from generator.run import versions

    installed = repr(sorted(versions().items()))
    keys: set[str] = set()
    for file in corpus.files:
        spec = file.spec
        for target in spec.targets:
            target_plan = plan(spec.torch, target)
            names: dict[Framework, str] = {"torch": spec.torch.name, "mindspore": target.mindspore.name}
            calls: list[Call] = [(target_plan.recipe, target_plan.pins, None)] if target_plan.recipe is not None else []
            calls += [c for rp in target_plan.rows if rp.executable and (c := _call(target_plan, rp)) is not None]
            for recipe, pins, varied in calls:
                code = snippets(recipe, names, pins, varied=varied)
                keys.add(check_key(recipe, code, installed))
    return keys


CACHE_FOLDER = "rows"
"""The folder of the example cache that holds the row checks' results."""


def _with(pins: Sequence[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [*(p for p in pins if p[0] != name), (name, value)]


def _run_both(code: dict[Framework, str], *, run: Runner, where: str, recipe: str) -> tuple[str, str]:
    """The check's status (passed, failed, not executed) and what it found."""
    from generator.compare import compare

    example = _example(recipe)
    names = tuple(c.name for c in example.compare)
    outcomes = {side: run(side, text, where, names) for side, text in code.items()}
    errors = {side: o.error.strip().splitlines()[-1] for side, o in outcomes.items() if o.error}
    if errors.keys() == {"torch", "mindspore"}:
        return "not executed", f"both sides raise (torch: {errors['torch']}; mindspore: {errors['mindspore']})"
    if "mindspore" in errors and _NO_KERNEL.search(outcomes["mindspore"].error or ""):
        return "not executed", "MindSpore has no CPU kernel for these inputs"
    if errors:
        side, error = next(iter(errors.items()))
        return "failed", f"only {side} raises: {error}"
    problems = compare(example, outcomes["torch"].values, outcomes["mindspore"].values)
    return ("failed", "; ".join(problems)) if problems else ("passed", "")


def _cached(cache: Path, key: str) -> tuple[str, str] | None:
    try:
        data = json.loads((cache / CACHE_FOLDER / f"{key}.json").read_text(encoding="utf-8"))
        status, detail = data["status"], data["detail"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (status, detail) if isinstance(status, str) and isinstance(detail, str) else None


def _store(cache: Path, key: str, found: tuple[str, str]) -> None:
    folder = cache / CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / f"{key}.json", json.dumps({"status": found[0], "detail": found[1]}))


def pool_runner(pool: Any) -> Runner:
    """A `Runner` over a `generator.run.WorkerPool`."""
    from generator.run import Request

    def run(side: Framework, code: str, where: str, names: tuple[str, ...]) -> Any:
        return pool.run(Request(side, code, where, 1, names))

    return run


def check_rows(
    corpus: Corpus,
    *,
    cache: Path | None,
    refresh: bool = False,
    timeout: float = 60.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[RowResult]:
    """Every claim row of every spec, checked in both frameworks."""
    from generator.run import WorkerPool

    targets = [(f, t) for f in corpus.files for t in range(len(f.spec.targets))]
    results: list[RowResult] = []
    with WorkerPool(timeout=timeout) as pool:
        run = pool_runner(pool)
        for done, (file, t) in enumerate(targets, 1):
            if progress:
                progress("rows", done, len(targets))
            results += check_target(file, t, run=run, cache=cache, refresh=refresh)
    return results


def row_errors(corpus: Corpus, results: Sequence[RowResult]) -> list[ApimapError]:
    """A located error for every row whose check failed."""
    files = {f.spec.torch.name: f for f in corpus.files}
    return list(_errors(files, results))


def _errors(files: Mapping[str, SpecFile], results: Sequence[RowResult]) -> Iterator[ApimapError]:
    for r in results:
        if r.status != "failed":
            continue
        file = files[r.spec]
        t = next(i for i, target in enumerate(file.spec.targets) if target.id == r.target)
        value = " / ".join(dict.fromkeys(r.values.values())) or (
            f"its own call {r.row.recipe}" if r.row.recipe else "the base call"
        )
        yield SpecError(
            f"row {r.row.torch or '-'} | {r.row.mindspore or '-'} claims the same behaviour, but with {value}: "
            f"{r.detail}; mark it behaviour_differs with a note and an example, or fix the row",
            file.locate(("targets", t, "table", r.index)),
        )


def raise_failures(corpus: Corpus, results: Sequence[RowResult]) -> None:
    """`ErrorGroup` with every failed row, if any."""
    errors = row_errors(corpus, results)
    if errors:
        raise ErrorGroup(errors)


def report(results: Sequence[RowResult]) -> str:
    """The share of executed claim rows per spec and overall, and why each other row was not executed."""
    lines: list[str] = []
    by_spec: dict[str, list[RowResult]] = {}
    for r in results:
        by_spec.setdefault(r.spec, []).append(r)
    for spec, found in by_spec.items():
        for r in found:
            if not r.executed:
                lines.append(
                    f"{spec} [{r.target}] {r.row.torch or '-'} | {r.row.mindspore or '-'}: not executed: {r.detail}"
                )
        done = sum(r.executed for r in found)
        lines.append(f"{spec}: {done} of {len(found)} rows executed ({_share(done, len(found))})")
    by_kind: dict[str, list[RowResult]] = {}
    for r in results:
        by_kind.setdefault(", ".join(sorted(k.value for k in r.row.kind)), []).append(r)
    kinds = "; ".join(f"{k} {sum(r.executed for r in v)}/{len(v)}" for k, v in sorted(by_kind.items()))
    done = sum(r.executed for r in results)
    varied = sum(r.status in ("passed", "failed") for r in results)
    failed = sum(r.status == "failed" for r in results)
    why: dict[str, int] = {}
    for r in results:
        if not r.executed:
            why[_reason(r.detail)] = why.get(_reason(r.detail), 0) + 1
    reasons = "; ".join(f"{n} {reason}" for reason, n in sorted(why.items(), key=lambda item: -item[1]))
    lines.append(
        f"apimap: {done} of {len(results)} rows executed ({_share(done, len(results))}): {varied} with a varied "
        f"value, {done - varied} by the base call; {failed} failed; by kind: {kinds}"
        + (f"; not executed: {reasons}" if reasons else "")
    )
    return "\n".join(lines)


def _reason(detail: str) -> str:
    """The kind of reason a row was not executed, for the counts of the report."""
    if "no CPU kernel" in detail:
        return "MindSpore has no CPU kernel"
    for start, reason in (
        ("no value", "no value"),
        ("no recipe", "no recipe"),
        ("both sides raise", "both sides refuse the value"),
        ("the base call", "the base call does not agree"),
    ):
        if detail.startswith(start):
            return reason
    return detail


_PAGE_REASONS = {
    "MindSpore has no CPU kernel": "no_kernel",
    "the base call does not agree": "base",
    "both sides refuse the value": "refused",
}


def page_reason(result: RowResult) -> str | None:
    """Why a row did not run when executed, as a key of the words' ``not_executed_because``.

    None for a row that ran, and for one the plan alone refuses (no recipe, no
    value): the page says so from the plan (`generator.render.table_rows`).
    """
    return None if result.executed else _PAGE_REASONS.get(_reason(result.detail))


def page_notes(results: Sequence[RowResult]) -> dict[str, dict[tuple[str, int], str]]:
    """`page_reason` of every row that did not run, by torch API, then (target id, row index)."""
    notes: dict[str, dict[tuple[str, int], str]] = {}
    for r in results:
        reason = page_reason(r)
        if reason is not None:
            notes.setdefault(r.spec, {})[(r.target, r.index)] = reason
    return notes


def _share(done: int, total: int) -> str:
    return f"{100 * done / total:.0f}%" if total else "-"
