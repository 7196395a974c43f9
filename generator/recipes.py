"""Call recipes: how a compact row's claim is executed, chosen by rule from its signatures.

A derived "consistent", "names differ" or "defaults differ" is also a claim
about behaviour. A recipe writes one snippet per framework that calls the API
on the same generated inputs and leaves what it returned in ``result``; both
run in the persistent workers of `generator.run` (cached), and the results are
compared like an example's. Recipes:

``unary``      an elementwise function of one float tensor
``binary``     two float tensors that broadcast, (3, 4) and (4,)
``reduce``     a reduction over everything, then over dimension 1 (given by position)
``compare``    a comparison of two tensors with some equal elements
``shape``      a constructor from a shape, e.g. ``zeros((2, 3))``
``random``     a random constructor from a shape, compared by shape and dtype
``method``     a tensor method without arguments, ``x.abs()``
``method_binary``  a tensor method with one tensor argument, ``x.add(y)``
``module``     a layer built with its defaults, then called on one tensor
``module_binary``  a layer built with its defaults, called on two tensors (losses)

The rule guesses from the parameter names; a row's ``recipe`` field overrides it,
and ``none`` turns execution off for that row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from generator.errors import ApimapError, ErrorGroup, SpecError
from generator.model import Compare, Example, Signature, Text
from generator.overview import Checks, Status
from generator.table import Pair, Table

RECIPES = ("unary", "binary", "reduce", "compare", "shape", "random", "method", "method_binary", "module", "module_binary")
Recipe = Literal[
    "unary", "binary", "reduce", "compare", "shape", "random", "method", "method_binary", "module", "module_binary"
]

_INPUTS = {"input", "x", "self", "a", "tensor", "input_x", "A"}
_OTHERS = {"other", "y", "b", "tensor2", "input2", "exponent", "B"}
_COMPARISONS = {"eq", "ne", "lt", "le", "gt", "ge", "equal", "greater", "less", "greater_equal", "less_equal"}
_COMPARISONS |= {"not_equal", "isclose", "maximum", "minimum", "fmax", "fmin"}
_SHAPES = {"size", "shape"}


def choose(pair: Pair) -> Recipe | None:
    """The recipe for a pair: its override, or the rule's guess; None when none applies."""
    if pair.target.recipe is not None:
        return None if pair.target.recipe == "none" else pair.target.recipe  # type: ignore[return-value]
    torch, ms = pair.torch_signature, pair.mindspore_signature
    if torch is None or ms is None or pair.removed is not None:
        return None
    leaf = pair.torch.rsplit(".", 1)[-1]
    required = [p for p in torch.parameters if p.default is None and p.kind in ("positional", "normal")]
    names = [p.name for p in required]
    if pair.torch.startswith("torch.Tensor."):
        if not pair.mindspore.startswith("mindspore.Tensor.") or leaf.endswith("_"):
            return None
        if not names:
            return "method"
        return "method_binary" if len(names) == 1 and names[0] in _OTHERS else None
    if leaf[:1].isupper():
        if not pair.torch.startswith("torch.nn.") or any(p.default is None for p in ms.parameters):
            return None
        return "module_binary" if leaf.endswith("Loss") else "module"
    if any(p.kind == "var_positional" and p.name in _SHAPES for p in torch.parameters) or names[:1] == ["size"]:
        return "random" if "rand" in leaf else "shape" if len(names) <= 1 else None
    if len(names) == 1 and names[0] in _INPUTS:
        if "rand" in leaf or leaf.endswith("_"):
            return None
        return "reduce" if torch.get("dim") is not None and _dim_second(torch) else "unary"
    if len(names) == 2 and names[0] in _INPUTS and names[1] in _OTHERS:
        return "compare" if leaf in _COMPARISONS else "binary"
    return None


def _dim_second(signature: Signature) -> bool:
    positional = [p.name for p in signature.parameters if p.kind in ("positional", "normal")]
    return positional[1:2] == ["dim"]


_HEAD = {
    "torch": "import numpy as np\nimport torch\n{imports}T = torch.from_numpy\n",
    "mindspore": "import numpy as np\nimport mindspore\n{imports}T = mindspore.Tensor\n",
}
_X = "x = np.random.default_rng(0).uniform(0.1, 0.9, (3, 4)).astype(np.float32)\n"
_Y = "y = np.random.default_rng(1).uniform(0.1, 0.9, (4,)).astype(np.float32)\n"
_XC = "x = np.array([[1, 2, 3, 4], [4, 3, 2, 1], [0, 2, 2, 5]], dtype=np.float32)\n"
_YC = "y = np.array([1, 3, 2, 4], dtype=np.float32)\n"
_X4 = "x = np.random.default_rng(0).uniform(0.1, 0.9, (2, 3, 4, 5)).astype(np.float32)\n"
_Y4 = "y = np.random.default_rng(1).uniform(0.1, 0.9, (2, 3, 4, 5)).astype(np.float32)\n"
_BODY: dict[str, Callable[[str], str]] = {
    "unary": lambda f: _X + f"result = {f}(T(x))\n",
    "binary": lambda f: _X + _Y + f"result = {f}(T(x), T(y))\n",
    "reduce": lambda f: _X + f"result = [{f}(T(x)), {f}(T(x), 1)]\n",
    "compare": lambda f: _XC + _YC + f"result = {f}(T(x), T(y))\n",
    "shape": lambda f: f"result = {f}((2, 3))\n",
    "random": lambda f: f"result = {f}((2, 3))\ndtype = str(result.dtype).rsplit('.', 1)[-1].lower()\n",
    "method": lambda f: _X + f"result = T(x).{f}()\n",
    "method_binary": lambda f: _X + _Y + f"result = T(x).{f}(T(y))\n",
    "module": lambda f: _X4 + f"result = {f}()(T(x))\n",
    "module_binary": lambda f: _X4 + _Y4 + f"result = {f}()(T(x), T(y))\n",
}


# Lazy frameworks raise when a value is first read, so the snippet reads it: a failing
# kernel is then an error of the snippet, not of the worker. Nested outputs are
# flattened into one array of values and the text of their shapes.
_TAIL = """
def _flat(value):
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _flat(item)]
    for read in ("asnumpy", "numpy"):
        if hasattr(value, read):
            return [np.asarray(getattr(value.detach() if hasattr(value, "detach") else value, read)())]
    return [np.asarray(value)]
parts = _flat(result)
shapes = repr([tuple(a.shape) for a in parts])
result = np.concatenate([a.astype(np.float64).ravel() for a in parts]) if parts else np.zeros(0)
"""


def snippets(recipe: Recipe, pair: Pair) -> dict[str, str]:
    """The code of both sides: each leaves the API's output in ``result`` and its shapes in ``shapes``."""
    code: dict[str, str] = {}
    for side, name in (("torch", pair.torch), ("mindspore", pair.mindspore)):
        module, leaf = name.rsplit(".", 1)
        method = recipe.startswith("method")
        imports = "" if method or module in ("torch", "mindspore") else f"import {module}\n"
        code[side] = _HEAD[side].format(imports=imports) + _BODY[recipe](leaf if method else name) + _TAIL
    return code


@dataclass(frozen=True)
class CheckResult:
    """What executing one pair showed."""

    torch: str
    mindspore: str
    recipe: str | None
    status: Status
    detail: str = ""


def _example(recipe: Recipe) -> Example:
    # values are compared as float64, with the tolerance of the float32 inputs
    names = [Compare(name="shapes")]
    names += [Compare(name="dtype")] if recipe == "random" else [Compare(name="result", rtol=1e-5, atol=1e-6)]
    return Example(id="recipe", title=Text(en="recipe"), torch="-", mindspore="-", compare=tuple(names))


def run_table(
    table: Table,
    *,
    cache: Path | None,
    refresh: bool = False,
    timeout: float = 60.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[CheckResult]:
    """Execute every pair a recipe applies to, in both frameworks, and compare the results."""
    from generator.run import Cache, Request, WorkerPool, compare, run_request

    store = Cache(cache) if cache else None
    results: list[CheckResult] = []
    with WorkerPool(timeout=timeout) as pool:
        for done, pair in enumerate(table.pairs, 1):
            if progress:
                progress("table", done, len(table.pairs))
            recipe = choose(pair) if pair.classification is not None else None
            if recipe is None:
                results.append(CheckResult(pair.torch, pair.mindspore, None, "signature", "no recipe applies"))
                continue
            example = _example(recipe)
            names = tuple(c.name for c in example.compare)
            outcomes = {}
            for side, code in snippets(recipe, pair).items():
                request = Request(side, code, f"<{pair.torch} -> {pair.mindspore}>", 1, names)  # type: ignore[arg-type]
                outcomes[side] = run_request(
                    request, pool=pool, cache=store, spec_text=code.encode(), refresh=refresh
                )
            errors = [f"{side}: {o.error.strip().splitlines()[-1]}" for side, o in outcomes.items() if o.error]
            if errors:
                results.append(CheckResult(pair.torch, pair.mindspore, recipe, "signature", "; ".join(errors)))
                continue
            problems = compare(example, outcomes["torch"].values, outcomes["mindspore"].values)
            status: Status = "failed" if problems else "verified"
            results.append(CheckResult(pair.torch, pair.mindspore, recipe, status, "; ".join(problems)))
    return results


def check_table(
    table: Table,
    *,
    cache: Path | None,
    refresh: bool = False,
    timeout: float = 60.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> Checks:
    """Every pair's check status; `ErrorGroup` for each failed check the row does not record."""
    results = run_table(table, cache=cache, refresh=refresh, timeout=timeout, progress=progress)
    pairs = {(p.torch, p.mindspore): p for p in table.pairs}
    errors: list[ApimapError] = []
    checks: dict[tuple[str, str], Status] = {}
    for result in results:
        key = (result.torch, result.mindspore)
        pair = pairs[key]
        if result.status == "failed" and pair.target.differs is None:
            errors.append(
                SpecError(
                    f"{result.torch} -> {result.mindspore}: the {result.recipe} check failed ({result.detail}); "
                    "record the difference in `differs`, or give the pair a page",
                    pair.where,
                )
            )
        checks[key] = "verified" if result.status == "failed" else result.status
    if errors:
        raise ErrorGroup(errors)
    return checks


def report(results: list[CheckResult], table: Table) -> str:
    """Which pairs were executed, and why the others were not: the text `apimap check --table-report` prints."""
    pairs = {(p.torch, p.mindspore): p for p in table.pairs}
    claimed = [r for r in results if _claims(pairs[(r.torch, r.mindspore)])]
    executed = [r for r in claimed if r.status in ("verified", "failed")]
    lines = [f"{r.torch} -> {r.mindspore}: {r.recipe or '-'}: {r.detail}" for r in claimed if r not in executed]
    lines.append(
        f"apimap: {sum(r.status in ('verified', 'failed') for r in results)} of {len(results)} pairs executed; "
        f"{len(executed)} of {len(claimed)} claims (consistent, names differ, defaults differ) executed "
        f"({100 * len(executed) // max(len(claimed), 1)}%); {sum(r.status == 'failed' for r in results)} "
        "showed a difference"
    )
    return "\n".join(lines)


def _claims(pair: Pair) -> bool:
    from generator.model import Category

    found = pair.classification
    return found is not None and found.category <= Category.DEFAULTS_DIFFER


def recorded_differences(results: list[CheckResult]) -> Mapping[tuple[str, str], Text]:
    """For each failed check, the difference to record, derived from what the comparison found."""
    return {
        (r.torch, r.mindspore): Text(
            en=f"executed ({r.recipe}), results differ: {r.detail}",
            zh_CN=f"已执行（{r.recipe}），结果不同：{r.detail}",
        )
        for r in results
        if r.status == "failed"
    }
