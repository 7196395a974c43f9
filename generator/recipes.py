"""Call recipes: how a compact row's claim is executed, chosen by rule from its signatures.

A derived "consistent", "names differ" or "defaults differ" is also a claim
about behaviour. A recipe writes one snippet per framework that calls the API
on the same generated inputs and leaves what it returned in ``result``; both
run in the persistent workers of `generator.run` (cached), and the results are
compared like an example's: values within float32 tolerance, and shapes.

A recipe is one line, ``KIND`` or ``KIND(ARGUMENTS)``, over inputs that every
snippet defines the same way in both frameworks: ``x`` and ``z`` (3x4 floats),
``y`` (4 floats, broadcasts against ``x``), ``xc``/``yc`` (with equal elements,
for comparisons), ``m`` (3x3, invertible), ``v`` (3 floats), ``xt`` (4x3),
``x3``/``x4``/``x5`` (batches with 3 channels and 1-3 spatial dimensions),
``mask`` (3x4 booleans), ``ix`` (indices 0 and 2), ``gi`` (3x4 indices below 3),
``xs`` (the list ``[x, z]``), ``bt`` (2x3x3), ``xi``/``yi``/``vi`` (integers),
``ys`` (4 sorted floats). The kinds:

``call(ARGS)``      ``result = api(ARGS)``, e.g. ``call(x, 1)``
``reduce``          ``api(x)`` and ``api(x, 1)``: over everything, then over dimension 1
``method(ARGS)``    ``result = x.api(ARGS)``, for tensor methods; ``method[m](ARGS)`` calls it on ``m``
``module(C)(ARGS)`` a layer built with arguments C, then called, e.g. ``module(2)(x4)``
``random(ARGS)``    a random constructor, compared by the shape and dtype of what it returns
``none``            not executed

The rule guesses arguments from the torch parameter names (`_VALUES`); a row's
``recipe`` field overrides the guess.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ApimapError, ErrorGroup, SpecError
from generator.files import write_atomic
from generator.model import Compare, Example, Framework, Parameter, Signature, Text
from generator.overview import Checks, Status
from generator.table import Pair, Table

KINDS = ("call", "reduce", "method", "module", "random", "none")

_INPUTS = {"input", "x", "self", "a", "tensor", "input_x", "A", "x1", "dividend", "sorted_sequence", "elements"}
_COMPARISONS = {"eq", "ne", "lt", "le", "gt", "ge", "equal", "greater", "less", "greater_equal", "less_equal"}
_COMPARISONS |= {"not_equal", "isclose", "maximum", "minimum", "fmax", "fmin", "allclose", "isin"}
_VALUES = {  # an argument for a required torch parameter, by its name
    **dict.fromkeys(("other", "y", "values", "exponent", "x2", "divisor", "test_elements"), "y"),
    **dict.fromkeys(("tensor1", "tensor2", "input2", "src", "end", "target", "positive"), "z"),
    **dict.fromkeys(("vec", "vec1", "vec2"), "v"),
    **dict.fromkeys(("mat", "mat1"), "m"),
    **dict.fromkeys(("batch1", "batch2"), "bt"),
    **dict.fromkeys(("input1", "anchor", "negative"), "x"),
    **dict.fromkeys(("upscale_factor", "downscale_factor"), "1"),
    **dict.fromkeys(("dim", "axis", "dimension", "dim0", "axis0", "destination"), "1"),
    **dict.fromkeys(("dim1", "axis1", "source"), "0"),
    **dict.fromkeys(("shifts", "chunks", "split_size", "split_size_or_sections", "indices_or_sections"), "2"),
    **dict.fromkeys(("k", "repeats", "kernel_size", "output_size", "num_samples", "length", "diagonal"), "2"),
    **dict.fromkeys(("padding", "groups", "p", "norm_type"), "1"),
    **dict.fromkeys(("value", "fill_value", "weight", "threshold", "lambd", "maxnorm", "alpha"), "0.5"),
    **dict.fromkeys(("window_length", "steps"), "5"),
    **dict.fromkeys(("n", "row", "col", "in_channels", "num_features", "num_channels"), "3"),
    **dict.fromkeys(("in_features", "normalized_shape"), "5"),
    **dict.fromkeys(("out_features", "out_channels"), "2"),
    "dims": "(0,)",
    "shape": "(2, 3, 4)",
    "size": "(2, 3, 4)",
    "mask": "mask",
    "condition": "mask",
    "index": "ix",
    "indices": "ix",
    "mat2": "xt",
    "start": "0",
}
_INDEXED = ("gather", "scatter", "take_along")
_FIRST = {  # the first tensor where a (3, 4) float does not fit, by API leaf name
    **dict.fromkeys(("addr", "mv", "addbmm", "trace", "matrix_exp", "matrix_power", "pinverse", "cross"), "m"),
    **dict.fromkeys(("cholesky", "inverse", "logdet", "det", "slogdet", "lu", "qr", "svd", "eig", "eigvals"), "m"),
    **dict.fromkeys(("cholesky_inverse", "eigh", "eigvalsh", "inv", "matrix_rank", "cond"), "m"),
    **dict.fromkeys(("addmv", "ger", "outer", "dot", "inner", "vdot"), "v"),
    **dict.fromkeys(("bmm", "baddbmm"), "bt"),
    **dict.fromkeys(("bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm", "bitwise_not"), "xi"),
    **dict.fromkeys(("bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift"), "xi"),
    "bincount": "vi",
    "searchsorted": "ys",
}
_CALLS = {  # whole argument lists the parameter names cannot tell
    "linspace": "call(0.0, 1.0, 5)",
    "logspace": "call(0.0, 1.0, 5)",
    "meshgrid": "call(v, y)",
}


_RANDOM = ("dropout", "bernoulli", "multinomial", "poisson", "rrelu", "normal", "gumbel")
"""Leaf names of random operations: their results are compared by shape and dtype only."""


def choose(pair: Pair) -> str | None:
    """The recipe of a pair: its override, or the rule's guess; None when nothing applies."""
    if pair.target.recipe is not None:
        return None if pair.target.recipe == "none" else pair.target.recipe
    recipe = _guess(pair)
    leaf = pair.torch.rsplit(".", 1)[-1].lower()
    if recipe is not None and recipe.startswith(("call(", "module(")) and any(r in leaf for r in _RANDOM):
        return "random" + recipe[recipe.index("(") :]
    return recipe


def _guess(pair: Pair) -> str | None:
    if pair.torch_signature is None or pair.mindspore_signature is None or pair.removed is not None:
        return None
    return guess(pair.torch, pair.mindspore, pair.torch_signature)


def guess(torch_name: str, ms_name: str, torch: Signature) -> str | None:
    """The rule's recipe for calling ``torch_name`` and ``ms_name`` alike; None when nothing applies."""
    leaf = torch_name.rsplit(".", 1)[-1]
    if leaf in _CALLS:
        return _CALLS[leaf]
    required = [p for p in torch.parameters if p.default is None and p.kind in ("positional", "normal")]
    if torch_name.startswith("torch.Tensor."):
        if not ms_name.startswith("mindspore.Tensor.") or leaf.endswith("_"):
            return None
        args = _arguments(required, leaf)
        receiver = f"[{_FIRST[leaf]}]" if leaf in _FIRST else ""
        return None if args is None else f"method{receiver}({args})"
    if leaf[:1].isupper():
        if not torch_name.startswith("torch.nn.") or "Cell" in leaf or leaf.startswith(("RNN", "LSTM", "GRU")):
            return None
        ctor = _arguments(required, leaf)
        if ctor is None:
            return None
        data = _data(leaf)
        called = f"{data}, y{data[1:]}" if leaf.endswith("Loss") else data  # a loss takes input and target
        return f"module({ctor})({called})"
    sizes = [p for p in torch.parameters if p.name in ("size", "shape") and p.kind in ("var_positional", "normal")]
    if sizes and sizes[0] is torch.parameters[0]:
        return f"random({_VALUES['size']})" if "rand" in leaf else f"call({_VALUES['size']})"
    if "rand" in leaf or leaf.endswith("_") or not required:
        return None
    if required[0].name in _INPUTS:
        rest = _arguments(required[1:], leaf)
        if rest is None:
            return None
        if not rest and torch.get("dim") is not None and _dim_second(torch.parameters):
            return "reduce"
        if rest == "y" and leaf in _COMPARISONS:
            return "call(xc, yc)"
        first = _FIRST.get(leaf) or _data(leaf)
        return f"call({', '.join(a for a in (first, rest) if a)})"
    if [p.name for p in required] == ["tensors"]:
        return "call(xs)"
    args = _arguments(required, leaf)
    return None if args is None else f"call({args})"


def _arguments(params: list[Parameter], leaf: str) -> str | None:
    """The arguments for ``params`` by name, or None when one has no known value."""
    values = []
    for p in params:
        value = _VALUES.get(p.name)
        if value is None:
            return None
        if value == "ix" and leaf.startswith(_INDEXED):
            value = "gi"
        elif value == "xt" and any(q.name == "mat1" for q in params):
            value = "z"  # addmm(x, m, z): (3, 3) @ (3, 4)
        elif value == "y" and _FIRST.get(leaf) == "xi":
            value = "yi"
        values.append(value)
    return ", ".join(values)


def _data(leaf: str) -> str:
    """The input a layer or function of 1, 2 or 3 spatial dimensions takes."""
    for suffix, name in (("1d", "x3"), ("2d", "x4"), ("3d", "x5")):
        if leaf.lower().endswith(suffix) or f"{suffix}_" in leaf.lower():
            return name
    return "x4" if leaf[:1].isupper() else "x"


def _dim_second(parameters: tuple[Parameter, ...]) -> bool:
    positional = [p.name for p in parameters if p.kind in ("positional", "normal")]
    return positional[1:2] == ["dim"]


_HEAD = {
    "torch": "import numpy as np\nimport torch\n{imports}T = torch.from_numpy\n",
    "mindspore": "import numpy as np\nimport mindspore\n{imports}T = mindspore.Tensor\n",
}
_INPUT_CODE = """\
rng = np.random.default_rng(0)
def u(*shape):
    return T(rng.uniform(0.1, 0.9, shape).astype(np.float32))
x, z, y, m, v, xt, bt = u(3, 4), u(3, 4), u(4), T(np.eye(3, dtype=np.float32) * 3 + 0.1), u(3), u(4, 3), u(2, 3, 3)
xi, yi, vi = T(rng.integers(0, 9, (3, 4))), T(rng.integers(1, 9, (4,))), T(rng.integers(0, 5, (6,)))
ys = T(np.sort(rng.uniform(0.1, 0.9, 4)).astype(np.float32))
x3, x4, x5, y3, y4, y5 = u(2, 3, 4), u(2, 3, 4, 5), u(2, 3, 2, 4, 5), u(2, 3, 4), u(2, 3, 4, 5), u(2, 3, 2, 4, 5)
xc = T(np.array([[1, 2, 3, 4], [4, 3, 2, 1], [0, 2, 2, 5]], dtype=np.float32))
yc = T(np.array([1, 3, 2, 4], dtype=np.float32))
mask = T(rng.uniform(0, 1, (3, 4)) > 0.5)
ix = T(np.array([0, 2], dtype=np.int64))
gi = T(rng.integers(0, 3, (3, 4)).astype(np.int64))
xs = [x, z]
"""
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


def snippets(recipe: str, pair: Pair) -> dict[Framework, str]:
    """The code of both sides: each leaves the API's output in ``result`` and its shapes in ``shapes``."""
    kind, _, args = recipe.partition("(")
    args = f"({args}" if args else "()"
    kind, _, receiver = kind.partition("[")
    receiver = receiver.rstrip("]") or "x"
    code: dict[Framework, str] = {}
    sides: tuple[tuple[Framework, str], ...] = (("torch", pair.torch), ("mindspore", pair.mindspore))
    for side, name in sides:
        module, leaf = name.rsplit(".", 1)
        imports = "" if kind == "method" or module in ("torch", "mindspore") else f"import {module}\n"
        if kind == "reduce":
            body = f"result = [{name}(x), {name}(x, 1)]\n"
        elif kind == "method":
            body = f"result = {receiver}.{leaf}{args}\n"
        else:
            body = f"result = {name}{args}\n"
        if kind == "random":
            body += "dtype = str(result.dtype).rsplit('.', 1)[-1].lower()\n"
        code[side] = _HEAD[side].format(imports=imports) + _INPUT_CODE + body + _TAIL
    return code


@dataclass(frozen=True)
class CheckResult:
    """What executing one pair showed."""

    torch: str
    mindspore: str
    recipe: str | None
    status: Status
    detail: str = ""


NO_KERNEL = "MindSpore has no CPU kernel for these inputs"
_NO_KERNEL = re.compile(r"SelectKernel|CreateKernelMod|SetOperatorInfo|kernel \w+ unregistered|not support on CPU")
"""What MindSpore says when the operation has no CPU kernel for the inputs: a finding, not a wrong recipe."""


def _example(recipe: str) -> Example:
    # values are compared as float64, with the tolerance of the float32 inputs
    names = [Compare(name="shapes")]
    if recipe.startswith("random"):
        names.append(Compare(name="dtype"))
    else:
        names.append(Compare(name="result", rtol=1e-5, atol=1e-6))
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
    from generator.compare import compare
    from generator.run import Cache, Request, WorkerPool, run_request, versions

    store = Cache(cache) if cache else None
    installed = repr(sorted(versions().items()))
    results: list[CheckResult] = []
    with WorkerPool(timeout=timeout) as pool:
        for done, pair in enumerate(table.pairs, 1):
            if progress:
                progress("table", done, len(table.pairs))
            recipe = choose(pair) if pair.classification is not None else None
            if recipe is None:
                results.append(CheckResult(pair.torch, pair.mindspore, None, "signature", "no recipe applies"))
                continue
            code_of = snippets(recipe, pair)
            key = check_key(recipe, code_of, installed)
            known = _cached(cache, key, pair) if cache and not refresh else None
            if known is not None:
                results.append(known)
                continue
            example = _example(recipe)
            names = tuple(c.name for c in example.compare)
            outcomes = {}
            for side, code in code_of.items():
                request = Request(side, code, f"<{pair.torch} -> {pair.mindspore}>", 1, names)
                outcomes[side] = run_request(request, pool=pool, cache=store, refresh=refresh)
            errors = [f"{side}: {o.error.strip().splitlines()[-1]}" for side, o in outcomes.items() if o.error]
            ms_error = outcomes["mindspore"].error
            if outcomes["torch"].error is None and ms_error is not None and _NO_KERNEL.search(ms_error):
                result = CheckResult(pair.torch, pair.mindspore, recipe, "failed", NO_KERNEL)
            elif errors:
                result = CheckResult(pair.torch, pair.mindspore, recipe, "signature", "; ".join(errors))
            else:
                problems = compare(example, outcomes["torch"].values, outcomes["mindspore"].values)
                status: Status = "failed" if problems else "verified"
                result = CheckResult(pair.torch, pair.mindspore, recipe, status, "; ".join(problems))
            results.append(result)
            if cache:
                _store(cache, key, result)
    return results


def check_key(recipe: str, code: Mapping[Framework, str], installed: str) -> str:
    """The cache key of a check (a table pair's or a row's): what both sides run and every version involved."""
    from generator.run import CACHE_FORMAT  # how snippets run is part of what a check found

    parts = [str(_CACHE_FORMAT), str(CACHE_FORMAT), recipe, code["torch"], code["mindspore"], installed, sys.version]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


_CACHE_FORMAT = 1
CACHE_FOLDER = "table"
"""The folder of the example cache that holds the table checks' results, failures included, as JSON."""


def cache_keys(table: Table) -> tuple[set[str], set[str]]:
    """What pruning the cache keeps for the table's checks, without running them.

    The keys of the checks' results (in `CACHE_FOLDER`) and those of the
    snippets they ran (`generator.run.Cache`, beside the examples').
    """
    from generator.run import Cache, Request, versions

    installed = repr(sorted(versions().items()))
    checks: set[str] = set()
    runs: set[str] = set()
    for pair in table.pairs:
        recipe = choose(pair) if pair.classification is not None else None
        if recipe is None:
            continue
        code_of = snippets(recipe, pair)
        checks.add(check_key(recipe, code_of, installed))
        sent = tuple(c.name for c in _example(recipe).compare)
        for side, code in code_of.items():
            where = f"<{pair.torch} -> {pair.mindspore}>"
            runs.add(Cache.key(Request(side, code, where, 1, sent)))
    return checks, runs


def _cached(cache: Path, key: str, pair: Pair) -> CheckResult | None:
    try:
        data = json.loads((cache / CACHE_FOLDER / f"{key}.json").read_text(encoding="utf-8"))
        return CheckResult(pair.torch, pair.mindspore, data["recipe"], data["status"], data["detail"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(cache: Path, key: str, result: CheckResult) -> None:
    folder = cache / CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    data = {"recipe": result.recipe, "status": result.status, "detail": result.detail}
    write_atomic(folder / f"{key}.json", json.dumps(data))


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
    """Whether the signatures alone classify the pair consistent, names differ or defaults differ."""
    from generator.classify import classify
    from generator.model import Category

    if not pair.signed or pair.removed is not None:
        return False
    return classify(pair.table, pair.torch_signature, pair.mindspore_signature).category <= Category.DEFAULTS_DIFFER


def recorded_differences(results: list[CheckResult]) -> Mapping[tuple[str, str], Text]:
    """For each failed check, the difference to record, derived from what the check found."""
    found: dict[tuple[str, str], Text] = {}
    for r in results:
        if r.status != "failed":
            continue
        if r.detail == NO_KERNEL:
            text = Text(
                en=f"executed {r.recipe}: {NO_KERNEL}",
                zh_CN=f"已执行 {r.recipe}：MindSpore 在 CPU 上没有适用于这些输入的算子",
            )
        else:
            text = Text(
                en=f"executed {r.recipe}: results differ ({r.detail})",
                zh_CN=f"已执行 {r.recipe}：结果不同（{r.detail}）",
            )
        found[(r.torch, r.mindspore)] = text
    return found
