"""Reading signatures from the installed frameworks, to scaffold specs and catch drift.

`read` gives every signature of an API with its provenance (`Reading`). The
readers are tried from the most to the least exact, and one whose answer is
only ``(*args, **kwargs)`` gives way to the next:

- ``inspect.signature``; a class's constructor is read through pass-through
  ``__init__``s (torch.nn.Tanh has Module's, which takes nothing), typing
  ``@overload``s and MindSpore's optimizer wrappers, and a wrapper function
  through the functions it closes over (torch's boolean_dispatch);
- the signature lines a docstring opens with: torch builtins and Tensor
  methods (``abs(input: Tensor, *, out: Optional[Tensor]) -> Tensor``, more
  overloads as ``.. function::`` lines), MindSpore's generated dispatchers
  (``mindspore.mint.add``), pybind11's numbered overloads; annotations are
  dropped;
- torch's type stubs (``torch/_C/*.pyi``) for C functions and classes without
  a docstring, a class through the bases its stub gives it, then its ATen
  operator schema;
- for MindSpore: the ``Args:`` section of a dispatcher's docstring; a C
  Tensor method's Python counterpart, the function its docstring refers to,
  or its documented sections; for classes built in C or primitives exported
  as instances, the ``Args:`` or ``Inputs:`` section of the class docstring;
  for graph primitives and ``MultitypeFuncGraph``s exported as generic
  instances, what MindSpore's Python sources register for them (`_read_graph_op`);
- last, for a C function or method with nothing else, the calling
  convention in its C method table (`_read_method_table`): no arguments,
  or one.

A reading that stays ``(*args, **kwargs)`` is a placeholder, unless the
callable's own definition is variadic (`_read_variadic`: ``Reading.variadic``).

`walk` reads a whole namespace (benchmarks/bench_introspect.py).
"""

from __future__ import annotations

import ast
import ctypes
import difflib
import enum
import functools
import importlib
import inspect
import re
import sys
import textwrap
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
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
            guesses = suggest(".".join(parts[:i]), obj, parts[i])
            hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
            raise ApiNotFoundError(f"{qualname} does not exist in {framework} {_version(framework)}{hint}") from None
    return obj


def suggest(parent: str, owner: Any, missing: str, *, limit: int = 3) -> list[str]:
    """Names close to ``missing``: in ``parent`` first, then in the framework's other namespaces.

    Case is ignored (``torch.nn.CeLU`` is ``torch.nn.CELU``); a name spelled
    the same but for case beats one that is merely close, and a neighbour's
    spelling (``mindspore.mint.nn.Hardsigmoid`` for ``mindspore.nn.Hsigmoid``)
    comes after the namespace's own.
    """
    framework = parent.split(".")[0]
    places = [(parent, owner)]
    for namespace in NAMESPACES:
        if namespace.split(".")[0] == framework and namespace != parent:
            try:
                places.append((namespace, resolve(namespace)))
            except ApiNotFoundError:
                continue
    same: list[str] = []
    close: list[str] = []
    for i, (namespace, found) in enumerate(places):
        known = {n.lower(): n for n in dir(found) if not n.startswith("_")}
        if missing.lower() in known:
            same.append(f"{namespace}.{known[missing.lower()]}")
        if i == 0 and same:
            continue  # the namespace has it under another case: its near misses are noise
        cutoff = 0.6 if i == 0 else 0.8  # a neighbour's name must be closer to be worth showing
        for guess in difflib.get_close_matches(missing.lower(), list(known), n=1 if i == 0 else 2, cutoff=cutoff):
            if guess != missing.lower():
                close.append(f"{namespace}.{known[guess]}")
    # a class for a class, a function for a function: the same case of the first letter first
    close.sort(key=lambda name: name.rsplit(".", 1)[1][:1].isupper() != missing[:1].isupper())
    return list(dict.fromkeys(same + close))[:limit]


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


Source = Literal["inspect", "docstring", "stub", "schema", "method table"]
"""Where a signature was read: `inspect.signature`, a docstring, torch's type stubs, an operator schema
(torch's ATen schema, a MindSpore kernel registration), or the C method table of a builtin (`_read_method_table`)."""


@dataclass(frozen=True)
class Reading:
    """The signatures of one API and where they came from."""

    signatures: tuple[Signature, ...]
    """Every signature, overloads included; the first is the main one."""
    source: Source
    """Which reader gave them."""
    how: str
    """Where exactly, for a person to double-check, e.g. ``the constructor of torch.nn.Module``."""
    variadic: bool = False
    """Whether ``(*args)``/``(**kwargs)`` is the callable's real interface (`_read_variadic`), not a fallback."""

    @property
    def starred(self) -> bool:
        """Whether no signature says more than ``(*args, **kwargs)``, whatever the reason."""
        return all(_is_placeholder(s) for s in self.signatures)

    @property
    def placeholder(self) -> bool:
        """Whether no signature says more than ``(*args, **kwargs)`` and that is not what the callable defines."""
        return self.starred and not self.variadic


def read(qualname: str) -> Reading:
    """The signatures of an API with their provenance; `ApiNotFoundError` when none can be read."""
    obj = resolve(qualname)
    reading = read_object(obj, name=qualname.rsplit(".", 1)[-1])
    if reading is None:
        raise ApiNotFoundError(f"{qualname}: neither inspect, its docstring nor an operator schema give a signature")
    return reading


def read_signatures(qualname: str) -> tuple[Signature, ...]:
    """Every signature the installed framework gives an API, overloads included."""
    return read(qualname).signatures


def read_object(obj: Any, *, name: str) -> Reading | None:
    """The signatures of a callable found under ``name``, or None when nothing gives one.

    Readers are tried from the most to the least exact; a reader whose answer
    is only ``(*args, **kwargs)`` gives way to one that says more (a docstring
    of a dispatcher, a constructor's typing overloads).
    """
    placeholder: Reading | None = None
    for reader in (
        (_read_class,)
        if inspect.isclass(obj)
        else (
            _read_inspect,
            _read_docstring,
            _read_closure,
            _read_stub,
            _read_schema,
            _read_sections,
            _read_method_table,
        )
    ):
        reading = reader(obj, name)
        if reading is None:
            continue
        if not reading.starred:
            return reading
        placeholder = placeholder or reading
    if inspect.isclass(obj):
        init = getattr(obj, "__init__", None)
        better = (
            _read_docstring(obj, name)
            or (_read_docstring(init, "__init__") if init is not None else None)
            or _read_stub(obj, name)
            or _read_args(obj)
        )
        if better is not None and not better.starred:
            return better
    elif not inspect.isroutine(obj):
        inputs = _read_inputs(type(obj)) or _read_graph_op(obj)
        if inputs is not None and not inputs.starred:
            return inputs
    if placeholder is not None and (variadic := _read_variadic(obj, placeholder)) is not None:
        return variadic
    return placeholder


def _is_placeholder(signature: Signature) -> bool:
    """``(*args, **kwargs)``, ``(*args)``: what a wrapper shows, not what it takes (``(*tensors)`` is real)."""
    return bool(signature.parameters) and all(
        p.kind in ("var_positional", "var_keyword") and p.name in ("args", "kwargs") for p in signature.parameters
    )


def _read_inspect(obj: Any, name: str) -> Reading | None:
    try:
        signature = inspect.signature(obj)
    except (ValueError, TypeError):
        return None
    return Reading((_from_inspect(signature),), "inspect", "inspect.signature")


def _read_closure(obj: Any, name: str) -> Reading | None:
    inner = _wrapped(obj) if inspect.isfunction(obj) else []
    readings = [(f, r) for f in inner if (r := read_object(f, name=name)) is not None and not r.starred]
    if not readings:
        return None
    signatures = tuple(dict.fromkeys(s for _, r in readings for s in r.signatures))
    first = readings[0][1]
    if "which it wraps" in first.how:  # a wrapper of a wrapper: the innermost says where
        return Reading(signatures, first.source, first.how)
    names = " and ".join(f.__qualname__ for f, _ in readings)
    return Reading(signatures, first.source, f"{first.how} of {names}, which it wraps")


def _read_class(cls: type, name: str) -> Reading | None:
    try:
        signatures, how = _constructor(cls)
    except (ValueError, TypeError):
        return None
    return Reading(tuple(dict.fromkeys(_from_inspect(s) for s in signatures)), "inspect", how)


def _constructor(cls: type) -> tuple[list[inspect.Signature], str]:
    """The signatures of a class's constructor, looking through pass-through ``__init__``s.

    torch.nn.LSTM declares its parameters in a typing ``@overload`` of an
    ``__init__(*args, **kwargs)``; mindspore.nn.LSTM forwards ``*args`` to
    its base class after arguments of its own, which are not the caller's.
    A pass-through ``__init__`` that forwards nothing (mindspore.nn.Identity)
    and ``object.__init__`` at the end of the walk (reached from
    torch.nn.Module, which rejects arguments) take none. Keywords a subclass
    takes out of ``**kwargs`` itself (mindspore.nn.RNN's ``nonlinearity``)
    are not seen.
    """
    supplied = 0  # leading arguments that pass-through __init__s put before *args
    last = "object.__init__"
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        where = f"{klass.__module__}.{klass.__qualname__}.__init__"
        if klass is object:
            new = next((k for k in cls.__mro__[:-1] if "__new__" in vars(k)), None)
            if new is not None:  # torch.Tensor is built by TensorBase.__new__
                return _new_signature(new), f"{new.__module__}.{new.__qualname__}.__new__"
            return [inspect.Signature()], f"{last}, which passes its arguments on to object.__init__: none"
        if not inspect.isfunction(init) and not inspect.isfunction(_unwrap_optimizer(init)):
            # a C or pybind11 slot: its docstring, if any, is read by the caller
            return [inspect.signature(init)], where
        signature = inspect.signature(_unwrap_optimizer(init))
        overloads = [inspect.signature(f) for f in typing.get_overloads(init)] if inspect.isfunction(init) else []
        typed = [s for s in overloads if not _passes_through(s)]  # torch.nn.GRU lists (*args, **kwargs) too
        if typed and klass is cls:  # torch.nn.Sequential: (*args: Module) or (arg: OrderedDict)
            return typed, f"typing overloads of {where}"
        if not _passes_through(signature):
            params = list(signature.parameters.values())
            shown = "" if klass is cls else f"inherited {where}"
            return [signature.replace(parameters=params[:1] + params[1 + supplied :])], shown or "inspect.signature"
        if typed:
            return typed, f"typing overloads of {where}"
        passed = _arguments_before_star(init)
        if passed is None:
            return [signature], where
        if passed < 0:
            return [inspect.Signature()], f"{where}, which ignores its *args and **kwargs: none"
        supplied += passed
        last = where
    raise ValueError(f"{cls.__name__}: no __init__ in its MRO")  # not reached: object.__init__ ends the walk


def _new_signature(klass: type) -> list[inspect.Signature]:
    """The parameters of ``klass.__new__`` after ``cls``; ``(*args, **kwargs)`` when a C slot hides them."""
    try:
        signature = inspect.signature(vars(klass)["__new__"])
    except (ValueError, TypeError):
        var = inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD
        return [inspect.Signature([inspect.Parameter(n, k) for n, k in zip(("args", "kwargs"), var, strict=True)])]
    params = list(signature.parameters.values())
    if params and params[0].kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
        params = params[1:]
    return [signature.replace(parameters=params)]


def _passes_through(signature: inspect.Signature) -> bool:
    kinds = [p.kind for p in signature.parameters.values() if p.name != "self"]
    return kinds == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]


def _arguments_before_star(init: Any) -> int | None:
    """How many positional arguments ``init`` puts before ``*args`` in its ``super().__init__`` call.

    -1 when it uses neither ``*args`` nor ``**kwargs`` at all (the arguments
    are accepted and dropped); None when the source cannot tell.
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
    except (OSError, TypeError, SyntaxError):
        return None
    func = tree.body[0]
    if not isinstance(func, ast.FunctionDef) or func.args.vararg is None or func.args.kwarg is None:
        return None
    star_names = {func.args.vararg.arg, func.args.kwarg.arg}
    used = {n.id for stmt in func.body for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    if not used & star_names:
        return -1
    for node in ast.walk(func):
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
    """The real ``__init__`` behind MindSpore's ``opt_init_args_register`` (nested twice for deprecated ones)."""
    for cell in getattr(init, "__closure__", None) or ():
        inner = cell.cell_contents
        if inspect.isfunction(inner) and inner.__name__ == "__init__":
            return inner
        if inspect.isfunction(inner) and inner is not init and inner.__qualname__ == init.__qualname__:
            return _unwrap_optimizer(inner)
    return init


def _wrapped(func: Any) -> list[Any]:
    """The functions a ``(*args, **kwargs)`` wrapper closes over: mint's view wrappers, torch's boolean_dispatch."""
    return [c.cell_contents for c in getattr(func, "__closure__", None) or () if inspect.isroutine(c.cell_contents)]


def _from_inspect(signature: inspect.Signature) -> Signature:
    params = [
        Parameter(p.name, _KINDS[p.kind], None if p.default is inspect.Parameter.empty else _source(p.default))
        for p in signature.parameters.values()
        if p.name != "self"
    ]
    return Signature(tuple(params))


def _source(value: Any) -> str:
    if isinstance(value, enum.Enum):  # repr is <Shuffle.GLOBAL: 'global'>, which no signature can hold
        return _enum_source(value)
    qualname = getattr(value, "__qualname__", "<")
    if inspect.isroutine(value) and getattr(value, "__module__", None) and "<" not in qualname:
        return f"{value.__module__}.{qualname}"  # a function's repr holds its address, which changes every run
    if inspect.isroutine(value):  # a lambda or a local function has no name to write: a default, unwritten
        return "..."
    text = repr(value)
    if type(value).__module__.startswith("mindspore") and not text.startswith("mindspore."):
        text = f"mindspore.{text.lower()}"  # dtypes print as Float32
    return text


def _enum_source(value: enum.Enum) -> str:
    """An enum member by its shortest public path, e.g. ``mindspore.dataset.Shuffle.GLOBAL``."""
    cls = type(value)
    parts = cls.__module__.split(".")
    for i in range(1, len(parts) + 1):
        module = sys.modules.get(".".join(parts[:i]))
        if module is not None and getattr(module, cls.__qualname__, None) is cls:
            return f"{module.__name__}.{cls.__qualname__}.{value.name}"
    return f"{cls.__module__}.{cls.__qualname__}.{value.name}"


def _read_docstring(obj: Any, name: str) -> Reading | None:
    """The signatures a docstring writes as ``name(...) -> ...`` lines.

    torch builtins open with one (``abs(input: Tensor, *, out: Optional[Tensor])
    -> Tensor``) and list more overloads as ``.. function:: sum(input, dim, ...)``;
    MindSpore's generated dispatchers (``mindspore.mint.add``) and Tensor
    methods open with one, indented; pybind11 numbers its overloads
    (``1. __init__(self: ..., ...) -> None``).
    """
    doc = getattr(obj, "__doc__", None)
    if not isinstance(doc, str):
        return None
    names = {name, getattr(obj, "__name__", name)}
    found: list[Signature] = []
    for match in _doc_lines(frozenset(names)).finditer(doc):
        if not (match["arrow"] or match["directive"] or not doc[: match.start()].strip()):
            continue  # a bare call in prose, not a signature line
        for signature in parse_published(match["params"]):
            if signature not in found:
                found.append(signature)
    if any(not _is_placeholder(s) for s in found):  # pybind11 heads its overloads with (*args, **kwargs)
        found = [s for s in found if not _is_placeholder(s)]
    if not found:
        return None
    many = f", {len(found)} overloads" if len(found) > 1 else ""
    return Reading(tuple(found), "docstring", f"the docstring{many}")


@functools.cache
def _doc_lines(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names))
    return re.compile(
        rf"^[ \t]*(?P<directive>\.\. (?:py:)?(?:function|method):: )?(?:\d+\. )?(?:[\w.]*\.)?"
        rf"(?:{alternatives})(?:_ext)?(?P<params>\(.*\))[ \t]*(?P<arrow>->.*)?$",
        re.MULTILINE,
    )


def parse_published(text: str) -> tuple[Signature, ...]:
    """A signature as documentation writes it, annotations dropped; empty when it is not Python.

    A parameter annotated ``Optional[...]`` with no default defaults to None
    (torch writes ``out: Optional[Tensor]`` for ``out=None``); pybind11's
    ``self: torch._C.X`` is dropped like any ``self``. torch writes an
    optional leading argument as ``arange(start=0, end, step=1)``: that is
    two overloads, ``(end)`` and ``(start, end, step=1)``. Python's builtins
    write optional arguments in brackets: ``next(iterator[, default])`` is
    ``(iterator)`` and ``(iterator, default)``.
    """
    if "[," in text.replace(" ", ""):
        found = [parse_published(f"({variant})") for variant in _bracketed(text[1:-1])]
        return tuple(dict.fromkeys(s for f in found for s in f)) if all(found) else ()
    # torch writes "(*size, *, out=None)": after *size every parameter is keyword-only already
    text = re.sub(r"(\*\w+), \\?\*,", r"\1,", text).replace("\\*", "*")
    # pybind11 annotates with C++ types (``arg1: torch::jit::CompilationUnit``): dotted, they parse and are dropped
    text = re.sub(r"\w+(?:::\w+)+", lambda m: m[0].replace("::", "."), text)
    source = f"def _{text}: pass"
    try:
        func = ast.parse(source).body[0]
    except SyntaxError:
        parts = _top_level_parts(text[1:-1])
        required = next((i for i, part in enumerate(parts) if "=" not in part and not part.startswith("*")), 0)
        optional = [part.split("=")[0].strip() for part in parts[:required]]
        if not optional or not all("=" in part for part in parts[:required]):
            return ()
        full = parse_published(f"({', '.join([*optional, *parts[required:]])})")
        if not full:
            return ()
        short = Signature(tuple(p for p in full[0].parameters if p.name not in optional and not _positional_default(p)))
        return (short, full[0])
    assert isinstance(func, ast.FunctionDef)
    signature = _from_ast(func, source)
    try:
        if Signature.parse(str(signature)) != signature:
            return ()
    except ValueError:
        return ()
    return (signature,)


def _bracketed(text: str) -> list[str]:
    """Every parameter list ``text`` stands for when its ``[, optional]`` groups are left out or written."""
    start = text.find("[")
    if start < 0:
        return [text]
    depth = 0
    for end in range(start, len(text)):
        depth += {"[": 1, "]": -1}.get(text[end], 0)
        if depth == 0:
            break
    head = text[:start]
    return [head, *(head + rest for rest in _bracketed(text[start + 1 : end] + text[end + 1 :]))]


def _top_level_parts(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and quotes, each part stripped."""
    parts: list[str] = []
    depth, start, quote = 0, 0, ""
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def _positional_default(param: Parameter) -> bool:
    return param.kind in ("positional", "normal") and param.default is not None


def _from_ast(func: ast.FunctionDef, source: str | None) -> Signature:
    """The signature of a parsed ``def``, annotations dropped, ``self`` left out.

    Defaults keep their text from ``source``; without it (a stub file of
    thousands of lines, which `ast.get_source_segment` would split for each)
    they are unparsed from the tree.
    """
    args = func.args
    params: list[Parameter] = []
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for i, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        kind: ParamKind = "positional" if i < len(args.posonlyargs) else "normal"
        params.append(Parameter(arg.arg, kind, _default(source, arg, default)))
    if args.vararg:
        params.append(Parameter(args.vararg.arg, "var_positional"))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Parameter(arg.arg, "keyword_only", _default(source, arg, kw_default)))
    if args.kwarg:
        params.append(Parameter(args.kwarg.arg, "var_keyword"))
    return Signature(tuple(p for p in params if p.name not in ("self", "cls")))


def _default(source: str | None, arg: ast.arg, node: ast.expr | None) -> str | None:
    if node is not None:
        return ast.get_source_segment(source, node) if source is not None else ast.unparse(node)
    annotation = ast.unparse(arg.annotation) if arg.annotation else ""
    if annotation and (annotation.startswith(("Optional[", "typing.Optional[")) or annotation.endswith("| None")):
        return "None"
    return None


def _read_stub(obj: Any, name: str) -> Reading | None:
    """The signatures torch's type stubs (``torch/_C/*.pyi``) give a builtin, method or C class.

    torch generates a stub for every binding, overloads included; they are
    read for what has no docstring (``torch.scalar_tensor``,
    ``torch.is_autocast_enabled``, pybind11 classes such as ``torch.Graph``).
    """
    if inspect.isclass(obj):
        for klass in obj.__mro__[:-1]:  # torch.Tensor is built by torch._C.TensorBase
            # torch.device says its module is torch; its stub is torch._C's
            for module in dict.fromkeys((klass.__module__, "torch._C")):
                if (reading := _stub_constructor(module, klass.__name__)) is not None:
                    return reading
        return None
    if (objclass := getattr(obj, "__objclass__", None)) is not None:
        module, owner, func = objclass.__module__, objclass.__name__, getattr(obj, "__name__", name)
    elif inspect.isbuiltin(obj):
        bound = getattr(obj, "__self__", None)
        func = getattr(obj, "__name__", name)
        if bound is None and str(getattr(obj, "__module__", "")).startswith("torch"):
            # torch.abs and its kind are static methods of torch._C._VariableFunctions
            for module in ("torch._C._VariableFunctions", "torch._C"):
                if (module_defs := _stub(module).get(("", func))) is not None:
                    break
            else:
                return None
            return _stub_reading(module_defs, module)
        if inspect.ismodule(bound):
            module, owner = bound.__name__, ""
        elif inspect.isclass(bound):
            module, owner = f"{bound.__module__}.{bound.__name__.removesuffix('Class')}", ""
        else:
            return None
    else:
        return None
    defs = _stub(module).get((owner, func))
    if not defs:
        return None
    return _stub_reading(defs, f"{module}.{owner}" if owner else module)


def _stub_constructor(module: str, name: str) -> Reading | None:
    """The constructor a stub declares for class ``name``, or inherits from the bases it gives the class.

    The stub declares ``torch.FloatTensor`` as ``class FloatTensor(Tensor): ...``
    (at run time its only base is ``object``) and ``torch.Size`` as a
    ``tuple``; ``torch.DisableTorchFunction`` is a function in the stub. A
    class without bases in the stub (``StorageBase``) declares nothing.
    """
    stub = _stub(module)
    for func in ("__init__", "__new__"):
        if defs := stub.get((name, func)):
            return _stub_reading(defs, f"{module}.{name}.{func}")
    if defs := stub.get(("", name)):
        return _stub_reading(defs, f"{module}.{name}")
    classes = _stub_classes(module)
    for base in classes.get(name, ()):
        if base == name:
            continue
        found = _stub_constructor(module, base) if base in classes else _runtime_base(base)
        if found is not None and not found.starred:
            return Reading(found.signatures, found.source, f"{found.how}, which {module}.{name} inherits in its stub")
    return None


def _runtime_base(name: str) -> Reading | None:
    """The constructor of a base class a torch stub names but does not declare: a torch class or a builtin."""
    import builtins

    import torch

    base = getattr(torch._C, name, None) or getattr(torch, name, None) or getattr(builtins, name, None)
    if not inspect.isclass(base):
        return None
    if base.__module__ == "builtins":
        try:
            return Reading((_from_inspect(inspect.signature(base)),), "inspect", f"inspect.signature of {name}")
        except (ValueError, TypeError):  # BaseException and its kind report no signature
            return None
    return read_object(base, name=name) if base.__module__.startswith("torch") else None


@functools.cache
def _stub_classes(module: str) -> dict[str, tuple[str, ...]]:
    """The classes of a ``torch._C`` stub file with the names of their bases (``tuple[_int, ...]`` is ``tuple``)."""
    found: dict[str, tuple[str, ...]] = {}
    if (parsed := _stub_tree(module)) is None:
        return found
    for node in parsed[1].body:
        if isinstance(node, ast.ClassDef):
            bases = [b.value if isinstance(b, ast.Subscript) else b for b in node.bases]
            found[node.name] = tuple(
                b.id if isinstance(b, ast.Name) else b.attr for b in bases if isinstance(b, ast.Name | ast.Attribute)
            )
    return found


def _stub_reading(defs: list[tuple[str, ast.FunctionDef]], where: str) -> Reading:
    found: list[Signature] = []
    for _, node in defs:
        signature = _from_ast(node, None)
        if signature not in found:
            found.append(signature)
    many = f", {len(found)} overloads" if len(found) > 1 else ""
    return Reading(tuple(found), "stub", f"the type stub of {where}{many}")


def _read_args(cls: type) -> Reading | None:
    """A C-built class's parameters from the ``Args:`` section of its docstring (``mindspore.Tensor``)."""
    if any(inspect.isfunction(vars(k).get("__init__")) for k in cls.__mro__):
        return None  # a Python constructor says more than prose (``args (list)`` may be ``*args``)
    signature = _args_section(inspect.getdoc(cls) or "")
    if signature is None:
        return None
    return Reading((signature,), "docstring", f"the Args section of the docstring of {cls.__name__}")


def _args_section(doc: str) -> Signature | None:
    """The parameters an ``Args:`` (or ``Arg:``) section of a docstring lists, in order.

    Each entry is ``name (type): text``; a ``Default: ``value``.`` in the
    text is its default. None when there is no such section or it does not
    make a valid signature (a required parameter after an optional one).
    """
    section = re.search(r"^Args?:\n((?:[ \t]+.*\n|\n)+)", doc + "\n", re.MULTILINE)
    if section is None:
        return None
    indent = re.match(r"[ \t]+", section[1])
    assert indent is not None  # the section's pattern starts each line with blanks
    entries = re.split(rf"^{indent[0]}(?=\w+ ?\()", section[1], flags=re.MULTILINE)
    params: list[Parameter] = []
    for entry in entries:
        head = re.match(r"(\w+) ?\(", entry)
        if head is None:
            continue
        default = re.search(r"Default: ``(.+?)``", entry)
        params.append(Parameter(head[1], "normal", default[1] if default else None))
    if not params:
        return None
    signature = Signature(tuple(params))
    if Signature.union([signature]) != signature or not _round_trips(signature):
        return None
    return signature


def _round_trips(signature: Signature) -> bool:
    try:
        return Signature.parse(str(signature)) == signature
    except ValueError:
        return False


def _read_inputs(cls: type) -> Reading | None:
    """The inputs a MindSpore primitive's class documents (``Inputs:`` then ``- **x** (Tensor) - ...``).

    ``mindspore.ops`` exports some primitives as instances (``ops.tensor_sub``
    is ``ops.Sub()``); calling one takes its documented inputs.
    """
    doc = inspect.getdoc(cls) or ""
    section = re.search(r"^Inputs:\n((?:[ \t]+.*\n|\n)+)", doc + "\n", re.MULTILINE)
    if section is None or cls.__doc__ == getattr(cls.__mro__[1], "__doc__", None):
        return None
    names = re.findall(r"^[ \t]+- \*\*(\w+)\*\*", section[1], re.MULTILINE)
    if not names:
        return None
    signature = Signature(tuple(Parameter(n, "normal") for n in dict.fromkeys(names)))
    return Reading((signature,), "docstring", f"the Inputs section of the docstring of {cls.__name__}")


def _read_sections(obj: Any, name: str) -> Reading | None:
    """What MindSpore states about a C Tensor method or a dispatcher whose docstring has no signature line.

    For a method of ``mindspore.Tensor`` written in C, in turn: its Python
    counterpart in ``mindspore.ops.tensor_method`` (``Tensor.t`` has
    ``tensor_t(input)``), or the function its docstring refers to
    (``Tensor.is_complex``: "refer to :func:`mindspore.ops.is_complex`"),
    each without its first parameter, the tensor. Then, for any: the
    ``Args:`` section (``mindspore.mint.kthvalue``). Last, a method whose
    docstring has a ``Returns:`` section and no ``Args:`` and whose examples
    pass it nothing (``Tensor.dim``) takes nothing.
    """
    if not inspect.isroutine(obj) or not _origin(obj).startswith("mindspore"):
        return None  # an instance's docstring is its class's: a primitive's tells how to construct one
    method = getattr(obj, "__objclass__", None) is not None
    doc = inspect.getdoc(obj) or ""
    if method:
        counterpart = getattr(_module("mindspore.ops.tensor_method"), f"tensor_{name}", None)
        if inspect.isfunction(counterpart) and (found := _bound(counterpart, name)) is not None:
            return Reading(
                found.signatures,
                found.source,
                f"inspect.signature of mindspore.ops.tensor_method.{counterpart.__name__} without its tensor",
            )
        refer = re.search(r"refer to :func:`(mindspore\.[\w.]+)`", doc)
        if refer is not None:
            try:
                target = resolve(refer[1])
            except ApiNotFoundError:
                target = None
            if target is not None and (found := _bound(target, refer[1].rsplit(".", 1)[1])) is not None:
                return Reading(
                    found.signatures, found.source, f"{found.how} of {refer[1]}, which its docstring refers to"
                )
    signature = _args_section(doc)
    if signature is not None and not {p.name for p in signature.parameters} & _star_names(obj):
        # Tensor.itemset(*args) documents ``args (...)``: the section describes its *args, not a parameter
        return Reading((signature,), "docstring", "the Args section of the docstring")
    calls = re.findall(rf"\.{re.escape(name)}\((.*?)\)", doc)
    documented = re.search(r"^Returns:", doc, re.MULTILINE) and not re.search(r"^Args?:", doc, re.MULTILINE)
    if method and documented and not any(c.strip() for c in calls):
        return Reading((Signature(()),), "docstring", "the docstring, which documents no arguments")
    return None


def _star_names(obj: Any) -> set[str]:
    """The names of the ``*args`` and ``**kwargs`` of a callable, as inspect sees them."""
    try:
        params = inspect.signature(obj).parameters.values()
    except (ValueError, TypeError):
        return set()
    return {p.name for p in params if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)}


def _bound(func: Any, name: str) -> Reading | None:
    """The signatures of ``func`` without their first parameter, which a method binds to its tensor."""
    reading = read_object(func, name=name)
    if reading is None or reading.starred:
        return None
    trimmed: list[Signature] = []
    for signature in reading.signatures:
        first = signature.parameters[:1]
        if not first or first[0].kind not in ("positional", "normal") or first[0].default is not None:
            return None
        trimmed.append(Signature(signature.parameters[1:]))
    return Reading(tuple(dict.fromkeys(trimmed)), reading.source, reading.how)


def _module(name: str) -> Any:
    """The module ``name``, imported; None when it cannot be."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_METH_NOARGS, _METH_O = 0x4, 0x8  # the two conventions that say how many arguments; METH_VARARGS (0x1) does not
_METH_BINDING = 0x10 | 0x20 | 0x40  # METH_CLASS, METH_STATIC, METH_COEXIST: how it binds, not what it takes
_MAY_READ_METHOD_TABLE = sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)
"""The offsets below are CPython 3.11's; another interpreter or version is not read."""
_METHOD_DEF_OFFSET: dict[type, int] = {
    types.BuiltinFunctionType: 16,  # PyCFunctionObject: PyObject_HEAD, then PyMethodDef *m_ml
    types.MethodDescriptorType: 40,  # PyMethodDescrObject: PyObject_HEAD, d_type, d_name, d_qualname, d_method
}


class _MethodDef(ctypes.Structure):
    """CPython's ``PyMethodDef``: one row of the method table a C extension hands to Python."""

    _fields_ = [
        ("ml_name", ctypes.c_char_p),
        ("ml_meth", ctypes.c_void_p),
        ("ml_flags", ctypes.c_int),
        ("ml_doc", ctypes.c_char_p),
    ]


def _read_method_table(obj: Any, name: str) -> Reading | None:
    """What the C method table says of a builtin with no signature anywhere else: nothing or one argument.

    A C function or method descriptor points at its ``PyMethodDef``, whose
    flags tell CPython how to call it: ``METH_NOARGS`` takes no argument
    (``torch.get_autocast_ipu_dtype``), ``METH_O`` exactly one, positionally
    (``torch.set_autocast_xla_enabled``); the table names no parameter, so
    it is called ``arg``. ``METH_VARARGS`` and its kind say nothing and give
    no reading. The flags are read with ctypes and nothing is called: only
    for the exact types whose CPython 3.11 layout the offsets describe, on
    a 64-bit CPython 3.11, and only when the row's name is the callable's
    own, which proves the pointer read is the method table row.
    """
    offset = _METHOD_DEF_OFFSET.get(type(obj))
    if offset is None or not _MAY_READ_METHOD_TABLE or ctypes.sizeof(ctypes.c_void_p) != 8:
        return None
    if type(obj).__basicsize__ != 56:  # both structs end with a vectorcall pointer: 7 words in 3.11
        return None
    address = ctypes.c_void_p.from_address(id(obj) + offset).value
    if not address:
        return None
    row = _MethodDef.from_address(address)
    own = getattr(obj, "__name__", None)
    if not isinstance(row.ml_name, bytes) or row.ml_name.decode("utf-8", "replace") != own:
        return None
    convention = row.ml_flags & ~_METH_BINDING
    if convention == _METH_NOARGS:
        return Reading((Signature(()),), "method table", "the C method table (METH_NOARGS: no arguments)")
    if convention == _METH_O:
        signature = Signature((Parameter("arg", "positional"),))
        return Reading((signature,), "method table", "the C method table (METH_O: one positional argument, unnamed)")
    return None


def _read_variadic(obj: Any, reading: Reading) -> Reading | None:
    """``reading`` marked as the callable's real interface when it is only ``*args``/``**kwargs`` by definition.

    The rule: a reading that no reader could better is *variadic by
    definition* when ``inspect`` read it from the callable's own Python
    ``def`` in the framework (a function or method, or the ``__init__`` the
    class itself defines) and that ``def`` reads its ``*args``/``**kwargs``
    itself without passing them on whole (``torch.nn.Container(**kwargs)``
    adds each keyword as a submodule; ``mindspore.nn.SequentialCell(*args)``
    takes cells or one list of them); or when the callable is an exception
    class built by ``BaseException``'s constructor, which keeps any
    positional arguments as its message: ``(*args)``.

    Everything else that shows only stars stays a placeholder: a ``def`` that
    forwards them whole is a wrapper of something else (``Tensor.itemset``),
    one that ignores them says nothing (a ``__call__`` whose body is
    ``pass``), a ``__wrapped__`` function is not its own definition, a
    callable instance runs its class's ``__call__``, which serves every
    instance (each graph primitive is a ``Primitive``), and C code or a
    stub (pybind11's generic ``(*args, **kwargs)``) cannot be checked.
    """
    if not reading.starred or reading.source != "inspect":
        return None
    if inspect.isclass(obj):
        if issubclass(obj, BaseException) and all(
            k.__module__ == "builtins" for k in obj.__mro__ if "__init__" in vars(k) or "__new__" in vars(k)
        ):
            signature = Signature((Parameter("args", "var_positional"),))
            how = f"the constructor of BaseException, which {obj.__name__} inherits: any positional arguments"
            return Reading((signature,), "inspect", how, variadic=True)
        definition = vars(obj).get("__init__")
    elif inspect.isfunction(obj):
        definition = obj
    else:
        return None
    if not inspect.isfunction(definition) or hasattr(definition, "__wrapped__"):
        return None
    if _origin(definition).split(".")[0] not in ("torch", "mindspore"):
        return None
    if reading.signatures != (_from_inspect(inspect.signature(definition)),):
        return None  # read from another def than this one (an inherited or a wrapped one)
    stars = _reads_its_stars(definition)
    if stars is None:
        return None
    where = f"{definition.__module__}.{definition.__qualname__}"
    how = f"inspect.signature of {where}, which reads its {stars} itself"
    return Reading(reading.signatures, "inspect", how, variadic=True)


def _reads_its_stars(func: Any) -> str | None:
    """``*args`` or ``**kwargs`` (or both) when ``func`` reads them in its body and never passes them on whole."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return None
    node = tree.body[0]
    if not isinstance(node, ast.FunctionDef):
        return None
    stars = {a.arg: f"{prefix}{a.arg}" for prefix, a in (("*", node.args.vararg), ("**", node.args.kwarg)) if a}
    read: set[str] = set()
    for inner in (n for stmt in node.body for n in ast.walk(stmt)):
        if isinstance(inner, ast.Call):
            passed = [a.value for a in inner.args if isinstance(a, ast.Starred)]
            passed += [k.value for k in inner.keywords if k.arg is None]
            if any(isinstance(p, ast.Name) and p.id in stars for p in passed):
                return None  # f(*args) or f(**kwargs): a wrapper; what it takes is the callee's
        if isinstance(inner, ast.Name) and inner.id in stars:
            read.add(inner.id)
    return " and ".join(stars[n] for n in stars if n in read) or None


def _read_graph_op(obj: Any) -> Reading | None:
    """The inputs of a MindSpore graph operation exported as an instance whose class documents none.

    ``mindspore.ops`` exports graph primitives as instances of the generic
    ``Primitive`` (``tuple_getitem`` is ``Primitive('TupleGetItem')``) and
    overloaded graph functions as ``MultitypeFuncGraph``s; both take
    ``*args``. What MindSpore's Python sources state about them, in turn:

    - a MultitypeFuncGraph: the functions registered on it, each distinct
      signature an overload (``augassign_add``: ``(x, y)``);
    - the primitive class of the same name: its ``__call__``, or its
      Inputs section (``Primitive('make_range')`` and class ``make_range``);
    - the backpropagator registered for the primitive, whose parameters
      are its inputs followed by ``out, dout`` (``tuple_getitem``), or the
      forward propagator named after it (``_fprop_switch_layer``);
    - the kernel registration of the name (``AiCPURegOp("EnvironSet")
      .input(0, "env")...``);
    - the Python function or class that MindSpore's graph compiler turns
      into it (``operator.is_not`` becomes ``is_not``).
    """
    if not type(obj).__module__.startswith("mindspore"):
        return None
    entries = getattr(obj, "entries", None)
    if type(obj).__name__ == "MultitypeFuncGraph" and isinstance(entries, list):
        functions = [fn for _, fn in entries if inspect.isfunction(fn)]
        signatures = tuple(dict.fromkeys(_from_inspect(inspect.signature(fn)) for fn in functions))
        if not signatures:
            return None
        many = f", {len(signatures)} overloads" if len(signatures) > 1 else ""
        return Reading(
            signatures, "inspect", f"inspect.signature of the {len(functions)} functions registered on it{many}"
        )
    name = getattr(obj, "name", None)
    primitive = getattr(_module("mindspore.ops.primitive"), "Primitive", None)
    if isinstance(name, str) and primitive is not None and isinstance(obj, primitive):
        for reader in (_read_primitive_class, _read_bprop, _read_fprop, _read_kernel):
            if (reading := reader(obj, name)) is not None and not reading.starred:
                return reading
    return _read_compiled_from(obj)


def _read_primitive_class(obj: Any, name: str) -> Reading | None:
    primitive = type(obj)
    classes = [c for c in _subclasses(primitive) if c.__name__ == name]
    for cls in classes:
        call = vars(cls).get("__call__")
        if inspect.isfunction(call):
            return Reading((_from_inspect(inspect.signature(call)),), "inspect", f"{cls.__module__}.{name}.__call__")
        if (inputs := _read_inputs(cls)) is not None:
            return inputs
    return None


def _subclasses(cls: type) -> list[type]:
    """Every subclass of ``cls`` imported so far, depth first."""
    found: list[type] = []
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found += [sub, *_subclasses(sub)]
    return found


def _read_bprop(obj: Any, name: str) -> Reading | None:
    grad = _module("mindspore.ops._grad_experimental")  # registers the backpropagators
    bprops = getattr(_module("mindspore.ops._grad_experimental.grad_base"), "bprops", None)
    if grad is None or bprops is None:
        return None
    bprop = bprops.get(obj, None)
    if not inspect.isfunction(bprop):
        return None
    params = _from_inspect(inspect.signature(bprop)).parameters
    if [p.name for p in params[-2:]] != ["out", "dout"]:
        return None
    where = f"{bprop.__module__}.{bprop.__name__}"
    return Reading((Signature(params[:-2]),), "inspect", f"the backpropagator {where}, without its out and dout")


def _read_fprop(obj: Any, name: str) -> Reading | None:
    """A forward propagator MindSpore's autodiff finds by name (``_fprop_switch_layer(index, layers)``)."""
    module = "mindspore.ops._grad_experimental.grad_implementations"
    fprop = getattr(_module(module), f"_fprop_{name}", None)
    if not inspect.isfunction(fprop):
        return None
    signature = _from_inspect(inspect.signature(fprop))
    return Reading((signature,), "inspect", f"the forward propagator {module}.{fprop.__name__}")


def _read_kernel(obj: Any, name: str) -> Reading | None:
    info = _kernel_infos().get(name)
    if info is None or any(i.get("paramType") != "required" for i in info["inputs"]):
        return None
    signature = Signature(tuple(Parameter(i["name"], "normal") for i in info["inputs"]))
    return Reading((signature,), "schema", f"the {info.get('imply_type', 'kernel')} registration of {name}")


@functools.cache
def _kernel_infos() -> dict[str, dict[str, Any]]:
    """The kernel registrations MindSpore imports (``mindspore.ops._op_impl``), by operator name."""
    _module("mindspore.ops._op_impl")
    found: dict[str, dict[str, Any]] = {}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("mindspore.ops._op_impl.") or module is None:
            continue
        for attr, value in vars(module).items():
            if attr.endswith("_op_info") and isinstance(value, dict) and isinstance(value.get("inputs"), list):
                found.setdefault(str(value.get("op_name")), value)
    return found


def _read_compiled_from(obj: Any) -> Reading | None:
    resources = _module("mindspore.graph._parse.resources")
    compiled = getattr(resources, "convert_object_map", {})
    source = next((k for k, v in compiled.items() if v is obj), None)
    if source is None:
        return None
    name = getattr(source, "__name__", "")
    reading = read_object(source, name=name)
    if reading is None or reading.starred:
        return None
    where = f"{getattr(source, '__module__', '')}.{getattr(source, '__qualname__', name)}"
    return Reading(reading.signatures, reading.source, f"{reading.how} of {where}, which MindSpore compiles into it")


@functools.cache
def _stub_tree(module: str) -> tuple[str, ast.Module] | None:
    """The text and syntax tree of the ``torch._C`` stub file of ``module``; None when it has none."""
    if not module.startswith("torch._C"):
        return None
    import torch

    folder = Path(torch.__file__).parent / "_C"
    rest = module.removeprefix("torch._C").lstrip(".")
    path = folder / (f"{rest}.pyi" if rest else "__init__.pyi")
    if not path.is_file():
        return None
    source = path.read_text(encoding="utf-8")
    return source, ast.parse(source)


@functools.cache
def _stub(module: str) -> dict[tuple[str, str], list[tuple[str, ast.FunctionDef]]]:
    """The functions of a ``torch._C`` stub file by (class or "", name), overloads in order."""
    found: dict[tuple[str, str], list[tuple[str, ast.FunctionDef]]] = {}
    if (parsed := _stub_tree(module)) is None:
        return found
    source, tree = parsed
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found.setdefault(("", node.name), []).append((source, node))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    found.setdefault((node.name, item.name), []).append((source, item))
    return found


def _read_schema(obj: Any, name: str) -> Reading | None:
    """The signatures of a torch builtin in its ATen operator schema, for builtins without a docstring.

    The Python binding calls the first Tensor ``input`` for functions and
    drops it for methods; ``.out`` overloads add the ``out`` keyword that
    the other overloads have as well, so they are not listed apart.
    """
    module = getattr(obj, "__module__", None) or ""
    owner = getattr(obj, "__objclass__", None)
    method = owner is not None and owner.__module__.startswith("torch")
    packet = type(obj).__name__ == "OpOverloadPacket"  # torch.quantized_gru is torch.ops.aten.quantized_gru
    if not (method or packet or (module.startswith("torch") and inspect.isbuiltin(obj))):
        return None
    import torch

    operator = obj._qualified_op_name if packet else f"aten::{getattr(obj, '__name__', name)}"
    schemas = torch._C._jit_get_schemas_for_operator(operator)
    found: list[Signature] = []
    for schema in schemas:
        if "out" in schema.overload_name.split("_") or not schema.arguments:
            continue
        first = schema.arguments[0]
        if "Tensor" not in str(first.type):
            continue  # aten::sum.int and the like: TorchScript's list helpers
        params: list[Parameter] = []
        for i, arg in enumerate(schema.arguments):
            if i == 0 and method:
                continue
            param_name = "input" if i == 0 and arg.name == "self" else arg.name
            kind: ParamKind = "keyword_only" if arg.kwarg_only else "normal"
            default = _source(arg.default_value) if arg.has_default_value() else None
            params.append(Parameter(param_name, kind, default))
        signature = Signature(tuple(params))
        if signature not in found:
            found.append(signature)
    if not found:
        return None
    many = f", {len(found)} overloads" if len(found) > 1 else ""
    return Reading(
        tuple(found), "schema", f"the ATen operator schema{many} (names and defaults as TorchScript has them)"
    )


NAMESPACES: tuple[str, ...] = (
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.Tensor",
    "torch.optim",
    "torch.linalg",
    "torch.special",
    "torch.fft",
    "mindspore.ops",
    "mindspore.mint",
    "mindspore.mint.nn",
    "mindspore.mint.nn.functional",
    "mindspore.mint.optim",
    "mindspore.mint.linalg",
    "mindspore.mint.special",
    "mindspore.nn",
    "mindspore.Tensor",
    "mindspore.experimental.optim",
)
"""The public surface `walk` reads by default: where mappings come from and go to."""


@dataclass(frozen=True)
class Walked:
    """What reading one public callable gave."""

    namespace: str
    name: str
    """The qualified name, e.g. ``torch.nn.functional.relu``."""
    reading: Reading | None
    """None when no reader gives a signature."""
    constructible: bool = True
    """False for a class that Python cannot instantiate (a pybind11 class without ``__init__``)."""


def public_callables(namespace: str) -> list[tuple[str, Any]]:
    """The public callables of a module or class, by name: no underscore, defined by the framework.

    A module's ``__all__`` is not used: torch's leaves out ``torch.unique``.
    Submodules, constants, and what a framework re-exports from elsewhere
    (``typing.Optional``, NumPy) are left out.
    """
    owner = resolve(namespace)
    framework = namespace.split(".")[0]
    found: list[tuple[str, Any]] = []
    for attr in sorted(dir(owner)):
        if attr.startswith("_"):
            continue
        try:
            obj = getattr(owner, attr)
        except Exception:  # a lazy attribute that fails to import is not callable
            continue
        if inspect.ismodule(obj) or not callable(obj) or _origin(obj).split(".")[0] not in (framework, ""):
            continue
        found.append((attr, obj))
    return found


def _origin(obj: Any) -> str:
    """The module that defines ``obj``; empty when it does not say."""
    owner = getattr(obj, "__objclass__", None)
    if owner is not None:
        return str(owner.__module__)
    module = getattr(obj, "__module__", None) if inspect.isclass(obj) or inspect.isroutine(obj) else None
    if module is None and not (inspect.isclass(obj) or inspect.isroutine(obj)):
        module = type(obj).__module__  # a callable instance, e.g. a MindSpore primitive
    return module or ""


def _no_constructor(obj: Any) -> bool:
    """Whether ``obj`` is a pybind11 class that binds no constructor: calling it raises TypeError."""
    if not inspect.isclass(obj) or type(obj).__name__ != "pybind11_type":
        return False
    for klass in obj.__mro__:
        if "__init__" in vars(klass):
            # a bound constructor is a pybind11 function; the slot left in its place raises "No constructor defined!"
            return isinstance(vars(klass)["__init__"], types.WrapperDescriptorType)
    return False


def walk(namespaces: Sequence[str] = NAMESPACES) -> list[Walked]:
    """Read the signatures of every public callable of ``namespaces``, in order."""
    results: list[Walked] = []
    for namespace in namespaces:
        for attr, obj in public_callables(namespace):
            try:
                reading = read_object(obj, name=attr)
            except Exception:  # one broken API must not end the walk; it counts as failed
                reading = None
            results.append(Walked(namespace, f"{namespace}.{attr}", reading, not _no_constructor(obj)))
    return results


_TORCH_MODULE_PAGES = {"torch.utils.data": "data.html", "torch.nn.init": "nn.init.html"}
"""torch modules documented on one page of their own (autoclass, not autosummary), not on ``generated/``."""


def doc_url(qualname: str, *, lang: str = "en") -> str:
    """The official documentation page of an API for the pinned versions.

    torch 2.13 documents most APIs on ``generated/<name>.html`` and a few
    modules on one page each (``data.html#torch.utils.data.DataLoader``);
    MindSpore 2.10 groups its pages by the second part of the name (``nn``,
    ``ops``, ``mint``, ``experimental``) under ``api_python/``.
    """
    if qualname.startswith("torch."):
        module = qualname.rsplit(".", 1)[0]
        for prefix, page in _TORCH_MODULE_PAGES.items():
            if module == prefix or module.startswith(f"{prefix}."):
                return f"https://docs.pytorch.org/docs/2.13/{page}#{qualname}"
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
        synonym = next((m for m in ms_left if _synonyms(tp.name, m.name)), None) if mp is None else None
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


def _synonyms(torch_name: str, ms_name: str) -> bool:
    """Whether two names say the same: a known pair, or the same once MindSpore's habits are undone.

    MindSpore says ``axis`` for ``dim`` (``dim0`` is ``axis0``) and prefixes
    flags with ``use_`` or ``has_`` (``amsgrad`` is ``use_amsgrad``).
    """
    if frozenset((torch_name, ms_name)) in _SYNONYMS:
        return True
    plain = re.sub(r"^(?:use|has)_", "", ms_name)
    return plain == torch_name or plain == re.sub(r"(?<![a-z])dims?(?=\d|$)", "axis", torch_name)


def _alike(torch_name: str, ms_name: str) -> bool:
    """Whether two parameters in the same position plausibly mean the same thing."""
    if _synonyms(torch_name, ms_name):
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


def overload_drift(declared: Sequence[Signature], installed: Sequence[Signature]) -> list[tuple[int, str]]:
    """Every way declared signatures differ from the installed ones, by index of the declared one.

    Each declared signature is compared with the installed overload it is
    closest to. A spec that declares several must declare them all: an
    installed overload that no declared one is closest to is reported
    with index -1. A spec with one signature may pick any overload.
    """
    messages: list[tuple[int, str]] = []
    matched: set[int] = set()
    for i, signature in enumerate(declared):
        found = [drift(signature, other) for other in installed]
        best = min(range(len(installed)), key=lambda j: len(found[j]))
        matched.add(best)
        if len(installed) > 1 and found[best]:
            messages.extend((i, f"{m} (against the installed overload {installed[best]})") for m in found[best])
        else:
            messages.extend((i, m) for m in found[best])
    if len(declared) > 1:
        for j, signature in enumerate(installed):
            if j not in matched:
                messages.append(
                    (-1, f"the installed version has overload {signature}, which the spec does not declare")
                )
    return messages


def _shown(default: str | None) -> str:
    return "nothing (required)" if default is None else default


@dataclass(frozen=True)
class Draft:
    """A new spec's YAML text and where each side's signatures were read."""

    text: str
    readings: dict[str, Reading]
    """By API name: what `apimap new` reports so a contributor knows what to double-check."""

    def provenance(self) -> list[str]:
        """One line per API: where its signatures came from, and what to check by hand."""
        lines = []
        for name, reading in self.readings.items():
            count = len(reading.signatures)
            what = f"{count} signatures" if count > 1 else "signature"
            line = f"{name}: {what} from {reading.how}"
            if reading.placeholder:
                line += "; only (*args, **kwargs): write the real parameters by hand"
            elif reading.variadic:
                line += "; variadic by its own definition: say in the summary what the arguments are"
            elif reading.source == "method table":  # exact about how many; names none
                if any(s.parameters for s in reading.signatures):
                    line += "; the method table names no parameter: take the name from the documentation"
            elif reading.source != "inspect":
                line += "; check names and defaults against the documentation"
            lines.append(line)
        return lines


def scaffold(torch_name: str, mindspore_name: str) -> str:
    """The YAML text of a new spec, pre-filled from both installed APIs."""
    return draft(torch_name, mindspore_name).text


def draft(torch_name: str, mindspore_name: str) -> Draft:
    """A new spec pre-filled from both installed APIs, with the provenance of its signatures."""
    torch_obj, ms_obj = resolve(torch_name), resolve(mindspore_name)
    torch_read, ms_read = read(torch_name), read(mindspore_name)

    def todo() -> dict[str, str]:
        return {"en": "TODO: say what it does.", "zh_CN": "TODO：说明其功能。"}

    rows = [
        _Flow(
            torch=r.torch, mindspore=r.mindspore, kind=[k.value for k in r.kind] if len(r.kind) > 1 else r.kind[0].value
        )
        for r in pair_rows(Signature.union(torch_read.signatures), Signature.union(ms_read.signatures))
    ]
    if not rows:  # neither side takes parameters: the table pairs what the call takes instead
        note = {"en": "TODO: pair the inputs of a call.", "zh_CN": "TODO：配对调用的输入。"}
        rows = [_Flow(category="input", torch="input", mindspore="input", kind="same", note=note)]
    spec = {
        "torch": _api(torch_name, torch_obj, torch_read.signatures, todo()),
        "targets": [
            {
                "id": _target_id(mindspore_name),
                "mindspore": _api(mindspore_name, ms_obj, ms_read.signatures, todo()),
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
    text = "# yaml-language-server: $schema=spec.schema.json\n" + body
    return Draft(text, {torch_name: torch_read, mindspore_name: ms_read})


def writable(signature: Signature) -> Signature:
    """The signature with ``...`` for each default that has no Python source form (an enum member, a function)."""
    params = []
    for p in signature.parameters:
        if p.default is not None:
            try:
                ast.parse(p.default, mode="eval")
            except SyntaxError:
                p = Parameter(p.name, p.kind, "...")
        params.append(p)
    return Signature(tuple(params))


def _api(name: str, obj: Any, signatures: tuple[Signature, ...], summary: dict[str, str]) -> dict[str, Any]:
    signatures = tuple(writable(s) for s in signatures)  # a spec's signature must parse
    api: dict[str, Any] = {"name": name, "kind": api_kind(obj), "signature": str(signatures[0])}
    if len(signatures) > 1:
        api["overloads"] = [str(s) for s in signatures[1:]]
    return {**api, "url": doc_url(name), "summary": summary}


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
