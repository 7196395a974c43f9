"""Reading signatures from the installed frameworks, to scaffold specs and catch drift.

Three kinds of API need more than `inspect.signature`:

- torch builtins (``torch.amax``, ``torch.where``, ``torch.Tensor.amax``) have
  no introspectable signature; torch publishes theirs as the first line of the
  docstring (``amax(input, dim=None, ...) -> Tensor``), one line per overload;
- ``mindspore.nn`` optimizers wrap ``__init__`` in ``opt_init_args_register``,
  which reports ``(*args, **kwargs)``; the real function sits in its closure;
- class constructors and methods drop ``self``.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import inspect
import re
import sys
import textwrap
import typing
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from generator.errors import ApiNotFoundError
from generator.model import DiffKind, Parameter, ParamKind, Signature

Kind = Literal["function", "class", "method"]
_KINDS: dict[Any, ParamKind] = {
    inspect.Parameter.POSITIONAL_ONLY: "positional",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "normal",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}


def resolve(qualname: str) -> Any:
    """The object a dotted name stands for; `ApiNotFoundError` when there is none."""
    parts = qualname.split(".")
    framework = parts[0]
    if framework not in ("torch", "mindspore"):
        raise ApiNotFoundError(f"{qualname}: only torch and mindspore APIs can be mapped")
    obj: Any = None
    index = len(parts)
    while index > 0:
        try:
            obj = importlib.import_module(".".join(parts[:index]))
            break
        except ImportError:
            index -= 1
    if obj is None:
        raise ApiNotFoundError(f"{framework} is not installed")
    if index > 1:
        # a package's attribute wins over its submodule of the same name:
        # mindspore.scipy.optimize.minimize is the function, not minimize.py
        obj = getattr(sys.modules[".".join(parts[: index - 1])], parts[index - 1], obj)
    for i in range(index, len(parts)):
        try:
            obj = getattr(obj, parts[i])
        except AttributeError:
            known = [n for n in dir(obj) if not n.startswith("_")]
            parent = ".".join(parts[:i])
            guess = difflib.get_close_matches(parts[i], known, n=1)
            hint = f"; did you mean {parent}.{guess[0]}?" if guess else ""
            raise ApiNotFoundError(f"{qualname} does not exist in {framework} {_version(framework)}{hint}") from None
    return obj


def _version(framework: str) -> str:
    from generator.run import versions

    return versions()[framework]  # type: ignore[index]


def api_kind(obj: Any) -> Kind:
    """Whether an API is a class, a method (of a class) or a function."""
    if inspect.isclass(obj):
        return "class"
    qualname = getattr(obj, "__qualname__", "")
    if "." in qualname and not qualname.startswith("_") and "<locals>" not in qualname:
        owner = qualname.split(".")[0]
        if owner[:1].isupper() or owner in ("TensorBase", "_TensorBase"):
            return "method"
    return "function"


def read_signatures(qualname: str) -> tuple[Signature, ...]:
    """Every signature the installed framework gives an API, overloads included."""
    obj = resolve(qualname)
    try:
        signatures = _constructor(obj) if inspect.isclass(obj) else [inspect.signature(obj)]
    except (ValueError, TypeError):
        published = _published(obj, qualname.rsplit(".", 1)[-1])
        if not published:
            raise ApiNotFoundError(f"{qualname}: neither inspect nor its docstring give a signature") from None
        return published
    return tuple(_from_inspect(s) for s in signatures)


def _constructor(cls: type) -> list[inspect.Signature]:
    """The signatures of a class's constructor, looking through pass-through ``__init__``s.

    torch.nn.LSTM declares its parameters in a typing ``@overload`` of an
    ``__init__(*args, **kwargs)``; mindspore.nn.LSTM forwards ``*args`` to
    its base class after arguments of its own, which are not the caller's.
    Keywords a subclass takes out of ``**kwargs`` itself (mindspore.nn.RNN's
    ``nonlinearity``) are not seen.
    """
    supplied = 0  # leading arguments that pass-through __init__s put before *args
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        signature = inspect.signature(_unwrap_optimizer(init))
        if not _passes_through(signature):
            params = list(signature.parameters.values())
            return [signature.replace(parameters=params[:1] + params[1 + supplied :])]  # keep `self`
        overloads = [inspect.signature(f) for f in typing.get_overloads(init)] if inspect.isfunction(init) else []
        if typed := [s for s in overloads if not _passes_through(s)]:
            return typed
        passed = _arguments_before_star(init)
        if passed is None:
            return [signature]
        supplied += passed
    raise ValueError(f"{cls.__name__}: no __init__ in its MRO")  # not reached: object.__init__ ends the walk


def _passes_through(signature: inspect.Signature) -> bool:
    kinds = [p.kind for p in signature.parameters.values() if p.name != "self"]
    return kinds == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]


def _arguments_before_star(init: Any) -> int | None:
    """How many positional arguments ``init`` puts before ``*args`` in its ``super().__init__`` call."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
    except (OSError, TypeError, SyntaxError):
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__init__"
            and isinstance(node.func.value, ast.Call)
            and isinstance(node.func.value.func, ast.Name)
            and node.func.value.func.id == "super"
        ):
            stars = [i for i, arg in enumerate(node.args) if isinstance(arg, ast.Starred)]
            return stars[0] if stars else None
    return None


def read_signature(qualname: str) -> Signature:
    """The signature of an API; of several overloads, the one with the most parameters."""
    return max(read_signatures(qualname), key=lambda s: len(s.parameters))


def _unwrap_optimizer(init: Any) -> Any:
    """The real ``__init__`` behind MindSpore's ``opt_init_args_register``."""
    for cell in getattr(init, "__closure__", None) or ():
        inner = cell.cell_contents
        if inspect.isfunction(inner) and inner.__name__ == "__init__":
            return inner
    return init


def _from_inspect(signature: inspect.Signature) -> Signature:
    params = [
        Parameter(p.name, _KINDS[p.kind], None if p.default is inspect.Parameter.empty else _source(p.default))
        for p in signature.parameters.values()
        if p.name != "self"
    ]
    return Signature(tuple(params))


def _source(value: Any) -> str:
    text = repr(value)
    if type(value).__module__.startswith("mindspore") and not text.startswith("mindspore."):
        text = f"mindspore.{text.lower()}"  # dtypes print as Float32
    return text


def _published(obj: Any, name: str) -> tuple[Signature, ...]:
    """The signatures torch writes at the top of a builtin's docstring."""
    pattern = re.compile(rf"^(?:\.\. function:: )?{re.escape(name)}(\(.*\))\s*->", re.MULTILINE)
    found: list[Signature] = []
    for match in pattern.finditer(obj.__doc__ or ""):
        # torch writes "(*size, *, out=None)": after *size every parameter is keyword-only already
        text = re.sub(r"(\*\w+), \*,", r"\1,", match[1])
        try:
            signature = Signature.parse(text)
        except ValueError:
            continue
        if signature not in found:
            found.append(signature)
    return tuple(found)


def doc_url(qualname: str, *, lang: str = "en") -> str:
    """The official documentation page of an API for the pinned versions.

    torch 2.13 documents every API on ``generated/<name>.html``; MindSpore
    2.10 groups its pages by the second part of the name (``nn``, ``ops``,
    ``mint``, ``experimental``) under ``api_python/``.
    """
    if qualname.startswith("torch."):
        return f"https://docs.pytorch.org/docs/2.13/generated/{qualname}.html"
    section = qualname.split(".")[1] if qualname.count(".") > 1 else "mindspore"
    site_lang = "zh-CN" if lang == "zh_CN" else "en"
    return f"https://www.mindspore.cn/docs/{site_lang}/r2.10/api_python/{section}/{qualname}.html"


@dataclass(frozen=True)
class RowDraft:
    """A table row inferred from two signatures."""

    torch: str | None
    mindspore: str | None
    kind: tuple[DiffKind, ...]


def pair_rows(torch_sig: Signature, ms_sig: Signature) -> list[RowDraft]:
    """Pair parameters by name, then by position, and infer each row's kinds."""
    ms_left = [p for p in ms_sig.parameters]
    pairs: list[tuple[Parameter, Parameter | None]] = []
    for param in torch_sig.parameters:
        same = next((m for m in ms_left if m.name == param.name), None)
        if same is not None:
            ms_left.remove(same)
        pairs.append((param, same))
    for i, (tp, mp) in enumerate(pairs):  # known synonyms, wherever they stand
        synonym = next((m for m in ms_left if frozenset((tp.name, m.name)) in _SYNONYMS), None) if mp is None else None
        if synonym is not None:
            ms_left.remove(synonym)
            pairs[i] = (tp, synonym)
    torch_positional = [p for p in torch_sig.parameters if p.kind in ("positional", "normal")]
    ms_positional = [p for p in ms_sig.parameters if p.kind in ("positional", "normal")]
    for i, (tp, mp) in enumerate(pairs):
        if mp is None and tp in torch_positional:
            index = torch_positional.index(tp)
            candidate = ms_positional[index] if index < len(ms_positional) else None
            if candidate is not None and candidate in ms_left and _alike(tp.name, candidate.name):
                ms_left.remove(candidate)
                pairs[i] = (tp, candidate)
    rows = [_draft(tp, mp) for tp, mp in pairs]
    return rows + [_draft(None, m) for m in ms_left]


_SYNONYMS = {
    frozenset(pair)
    for pair in (
        ("dim", "axis"),
        ("keepdim", "keepdims"),
        ("lr", "learning_rate"),
        ("eps", "epsilon"),
        ("input", "input_x"),
        ("input", "x"),
        ("other", "y"),
        ("p", "keep_prob"),
        ("input", "logits"),
        ("negative_slope", "alpha"),
        ("groups", "group"),
        ("bias", "has_bias"),
        ("num_embeddings", "vocab_size"),
        ("embedding_dim", "embedding_size"),
        ("size", "shape"),
        ("in_features", "in_channels"),
        ("out_features", "out_channels"),
    )
}


def _alike(torch_name: str, ms_name: str) -> bool:
    """Whether two parameters in the same position plausibly mean the same thing."""
    if frozenset((torch_name, ms_name)) in _SYNONYMS:
        return True
    return difflib.SequenceMatcher(None, torch_name, ms_name).ratio() >= 0.5


def _draft(tp: Parameter | None, mp: Parameter | None) -> RowDraft:
    if mp is None:
        assert tp is not None
        return RowDraft(tp.name, None, (DiffKind.TORCH_ONLY,))
    if tp is None:
        return RowDraft(None, mp.name, (DiffKind.MINDSPORE_ONLY,))
    kinds: list[DiffKind] = []
    if tp.name != mp.name:
        kinds.append(DiffKind.RENAMED)
    if tp.default_key != mp.default_key:
        kinds.append(DiffKind.DEFAULT_DIFFERS)
    if (tp.kind == "var_positional") != (mp.kind == "var_positional"):
        kinds.append(DiffKind.TYPE_DIFFERS)  # e.g. zeros(*size) against zeros(size)
    return RowDraft(tp.name, mp.name, tuple(kinds) or (DiffKind.SAME,))


def drift(declared: Signature, installed: Signature) -> list[str]:
    """Every way a declared signature differs from the installed one, one line each."""
    messages: list[str] = []
    names = [p.name for p in installed.parameters]
    for p in declared.parameters:
        real = installed.get(p.name)
        if real is None:
            undeclared = [n for n in names if declared.get(n) is None]
            guess = difflib.get_close_matches(p.name, undeclared, n=1)
            hint = f" (renamed to {guess[0]!r}?)" if guess else ""
            messages.append(f"declares parameter {p.name!r}, which the installed version does not have{hint}")
            continue
        if real.default_key != p.default_key:
            messages.append(f"parameter {p.name!r} defaults to {_shown(real.default)}, not {_shown(p.default)}")
        if real.kind != p.kind:
            messages.append(f"parameter {p.name!r} is {real.kind.replace('_', '-')}, not {p.kind.replace('_', '-')}")
    for p in installed.parameters:
        if declared.get(p.name) is None:
            messages.append(f"the installed version has parameter {p.name!r}, which the spec does not declare")
    if not messages and [p.name for p in declared.parameters] != names:
        messages.append(f"parameters are in another order; installed: {installed}")
    return messages


def _shown(default: str | None) -> str:
    return "nothing (required)" if default is None else default


def scaffold(torch_name: str, mindspore_name: str) -> str:
    """The YAML text of a new spec, pre-filled from both installed APIs."""
    torch_obj, ms_obj = resolve(torch_name), resolve(mindspore_name)
    torch_sig, ms_sig = read_signature(torch_name), read_signature(mindspore_name)

    def todo() -> dict[str, str]:
        return {"en": "TODO: say what it does.", "zh_CN": "TODO：说明其功能。"}

    rows = [
        _Flow(
            torch=r.torch, mindspore=r.mindspore, kind=[k.value for k in r.kind] if len(r.kind) > 1 else r.kind[0].value
        )
        for r in pair_rows(torch_sig, ms_sig)
    ]
    spec = {
        "torch": _api(torch_name, torch_obj, torch_sig, todo()),
        "targets": [
            {
                "id": _target_id(mindspore_name),
                "mindspore": _api(mindspore_name, ms_obj, ms_sig, todo()),
                "differences": {"en": "TODO: what differs overall.", "zh_CN": "TODO：总体差异。"},
                "table": rows,
                "examples": [
                    {
                        "id": "basic",
                        "title": {"en": "TODO: a title", "zh_CN": "TODO：标题"},
                        "torch": f"# TODO: an example that uses {torch_name}\nimport torch\n",
                        "mindspore": f"# TODO: the same with {mindspore_name}\nimport mindspore\n",
                    }
                ],
            }
        ],
    }
    body = yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return "# yaml-language-server: $schema=spec.schema.json\n" + body


def _api(name: str, obj: Any, signature: Signature, summary: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "kind": api_kind(obj), "signature": str(signature), "url": doc_url(name), "summary": summary}


def _target_id(name: str) -> str:
    parts = name.split(".")
    return re.sub(r"[^a-z0-9_-]", "-", parts[1].lower()) if len(parts) > 2 else "main"


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text (code), flow style for table rows."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Flow(dict[str, Any]):
    """A mapping written on one line."""


def _flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow)
