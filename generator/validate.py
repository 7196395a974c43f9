"""The rules a spec must satisfy, collected as located errors.

Pydantic checks shapes and types; the rules here span fields: the file name
matches the torch API, every row agrees with both signatures, ids are unique,
examples compile. Every problem of every file is collected before reporting.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
import typing
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.claims import reference_errors
from generator.errors import ApimapError, ErrorGroup, Location, SpecError, UsageError, relative
from generator.load import Document, Key, read
from generator.model import (
    FRAMEWORKS,
    IDENTIFIER_PATTERN,
    LANGUAGES,
    QUALIFIED_NAME_PATTERN,
    SLUG_PATTERN,
    URL_PATTERN,
    Api,
    DiffKind,
    Row,
    Signature,
    Spec,
    Target,
    Text,
)
from generator.prose import SUBSETS, Parsed, Shape, Written

SUFFIXES = (".yaml", ".yml")
ALLOWLISTS = frozenset(f"allowlist{suffix}" for suffix in SUFFIXES)
"""Names in the mappings folder that are not specs: the known exceptions of `apimap check`."""
_PATTERN_HELP = {
    SLUG_PATTERN: "be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit",
    QUALIFIED_NAME_PATTERN: "be a dotted Python name such as 'torch.optim.Rprop'",
    URL_PATTERN: "be an https:// address without spaces or quotes",
    IDENTIFIER_PATTERN: "be a Python identifier",
}


@dataclass(frozen=True)
class SpecFile:
    """A validated spec with the YAML document it came from."""

    path: Path
    doc: Document
    spec: Spec
    prose: Written = dataclasses.field(default_factory=dict)
    """Its prose re-emitted as Markdown while validation parsed it (`prose_errors`), for the renderer."""

    def locate(self, key: Key, *, at_key: bool = False) -> Location:
        """The location of the YAML node at ``key``."""
        return self.doc.locate(key, at_key=at_key)


@dataclass(frozen=True)
class Corpus:
    """All specs of a run, sorted by torch API, and what `check` would refuse."""

    files: tuple[SpecFile, ...]
    warnings: tuple[ApimapError, ...]


def is_spec(path: Path, *, mappings: Path) -> bool:
    """Whether ``path`` names a spec of the mappings folder ``mappings``.

    The one rule shared by the loader, the pytest plugin and the tests: a
    ``.yaml`` or ``.yml`` file directly in ``mappings`` (not in a subfolder),
    except the allowlist.
    """
    if path.suffix not in SUFFIXES or path.name in ALLOWLISTS:
        return False
    return path.parent == mappings or os.path.abspath(path.parent) == os.path.abspath(mappings)


def spec_paths(directory: Path) -> list[Path]:
    """The spec files in ``directory``, in a stable order."""
    if not directory.is_dir():
        raise UsageError(f"no such folder: {directory.resolve()}")
    return sorted(p for p in directory.iterdir() if is_spec(p, mappings=directory) and p.is_file())


def load_corpus(paths: Sequence[Path]) -> Corpus:
    """Load and validate every file; raise `ErrorGroup` with all problems found.

    Each stage runs over all files before the next begins: reading, then shapes
    and types, then the cross-field rules. Running one kind of work at a time
    is about a tenth faster than finishing each file in turn
    (benchmarks/bench_build.py), and the problems found are the same.
    """
    errors: list[ApimapError] = []
    docs: list[tuple[Path, Document]] = []
    for path in paths:
        try:
            docs.append((path, read(path, shown_as=relative(path))))
        except SpecError as exc:
            errors.append(exc)
    files: list[SpecFile] = []
    for path, doc in docs:
        try:
            files.append(SpecFile(path, doc, typed(doc)))
        except ErrorGroup as group:
            errors.extend(group.errors)
        except SpecError as exc:
            errors.append(exc)
    pages = frozenset(f.spec.torch.name for f in files)
    missing: dict[Path, list[SpecError]] = {}
    for i, file in enumerate(files):
        errors.extend(rule_errors(file))
        written: dict[tuple[Shape, str], str] = {}
        fields = prose_fields(file.spec, (), "")  # walked once for both
        errors.extend(prose_errors(file, pages=pages, written=written, fields=fields))
        missing[file.path] = list(missing_translations(file, fields=fields))
        files[i] = replace(file, prose=written)
    errors.extend(_duplicates(files))
    if errors:
        raise ErrorGroup(errors)
    files.sort(key=lambda f: f.spec.torch.name)
    warnings = [w for f in files for w in missing[f.path]]
    return Corpus(tuple(files), tuple(warnings))


def load_spec(path: Path) -> SpecFile:
    """Load and validate one spec file; raise `ErrorGroup` with all of its problems."""
    doc = read(path, shown_as=relative(path))
    file = SpecFile(path, doc, typed(doc))
    written: dict[tuple[Shape, str], str] = {}
    errors = [*rule_errors(file), *prose_errors(file, pages=None, written=written)]
    if errors:
        raise ErrorGroup(errors)
    return replace(file, prose=written)


def typed(doc: Document) -> Spec:
    """The typed model of one document, checking shapes and types only."""
    if not isinstance(doc.data, dict):
        raise SpecError("a spec is a mapping with 'torch' and 'targets'", doc.locate(()))
    try:
        return Spec.model_validate(doc.data)
    except ValidationError as exc:
        found = exc.errors()
        # a list whose items failed is also reported "too short"; that is noise
        inner = [tuple(e["loc"]) for e in found]
        found = [
            e
            for e in found
            if e["type"] != "too_short"
            or not any(len(o) > len(e["loc"]) and o[: len(e["loc"])] == tuple(e["loc"]) for o in inner)
        ]
        raise ErrorGroup([_pydantic_error(doc, e) for e in found]) from None


def _pydantic_error(doc: Document, error: Any) -> SpecError:
    loc: Key = tuple(error["loc"])
    field = ".".join(str(p) for p in loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        name = str(loc[-1])
        message = f"unknown field {name!r}"
        allowed = _fields_at(loc[:-1])
        guess = difflib.get_close_matches(name, allowed, n=1)
        if guess:
            message += f"; did you mean {guess[0]!r}?"
        elif allowed:
            message += f"; expected one of {', '.join(allowed)}"
        return SpecError(message, doc.locate(loc, at_key=True))
    if kind == "missing":
        return SpecError(f"missing required field {field!r}", doc.locate(loc[:-1]))
    if kind in ("enum", "literal_error"):
        allowed = re.findall(r"'([^']*)'", str(error["ctx"]["expected"]))
        message = f"{field}: {error['input']!r} is not one of {', '.join(allowed)}"
        guess = difflib.get_close_matches(str(error["input"]), allowed, n=1)
        if guess:
            message += f"; did you mean {guess[0]!r}?"
        return SpecError(message, doc.locate(loc))
    if kind == "string_pattern_mismatch":
        wanted = _PATTERN_HELP.get(str(error["ctx"]["pattern"]), f"match {error['ctx']['pattern']}")
        return SpecError(f"{field}: {error['input']!r} is not valid; it must {wanted}", doc.locate(loc))
    if kind in _TYPE_ERRORS:
        got = error.get("input")
        return SpecError(f"{field}: expected {_TYPE_ERRORS[kind]}, got {_describe(got)}", doc.locate(loc))
    if kind == "too_short":
        need = error["ctx"]["min_length"]
        return SpecError(f"{field}: needs at least {need} item{'s' if need != 1 else ''}", doc.locate(loc))
    message = str(error["msg"])
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    return SpecError(f"{field}: {message}", doc.locate(loc))


_TYPE_ERRORS = {
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "string_type": "text",
    "tuple_type": "a list",
    "list_type": "a list",
    "float_type": "a number",
    "float_parsing": "a number",
}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__} {value!r}"


def _fields_at(loc: Key) -> list[str]:
    """The field names the model allows at ``loc``, for 'did you mean' hints."""
    model: type[BaseModel] = Spec
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        inner = _model_in(info.annotation if info else None)
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or getattr(annotation, "__metadata__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _model_in(origin) if origin is not None and origin is not annotation else None


def rule_errors(file: SpecFile) -> Iterator[SpecError]:
    """The cross-field rules of one spec that pydantic cannot express."""
    spec = file.spec
    expected = f"{spec.torch.name}.yaml"
    if file.path.name != expected:
        yield SpecError(
            f"file name {file.path.name!r} does not match the torch API; expected {expected!r}",
            file.locate(("torch", "name")),
        )
    yield from _unique([t.id for t in spec.targets], file, ("targets",), "target id")
    for t, target in enumerate(spec.targets):
        key: Key = ("targets", t)
        yield from _unique([e.id for e in target.examples], file, (*key, "examples"), "example id")
        yield from _table_errors(file, target, key)
        for e, example in enumerate(target.examples):
            for side in FRAMEWORKS:
                yield from _syntax_errors(file, (*key, "examples", e, side), getattr(example, side))
    yield from reference_errors(file)


def _unique(ids: list[str], file: SpecFile, key: Key, what: str) -> Iterator[SpecError]:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            yield SpecError(f"duplicate {what} {value!r}", file.locate((*key, i, "id")))
        seen.add(value)


def _table_errors(file: SpecFile, target: Target, key: Key) -> Iterator[SpecError]:
    # a row pairs a parameter of any overload; every parameter of every overload has a row
    signatures = {"torch": file.spec.torch.parameters, "mindspore": target.mindspore.parameters}
    apis = {"torch": file.spec.torch, "mindspore": target.mindspore}
    used: dict[str, set[str]] = {"torch": set(), "mindspore": set()}
    for r, row in enumerate(target.table):
        row_key: Key = (*key, "table", r)
        if row.torch is None and row.mindspore is None:
            yield SpecError("a row names at least one side", file.locate(row_key))
            continue
        if row.category == "parameter":
            for side in FRAMEWORKS:
                name = getattr(row, side)
                if name is None:
                    continue
                if signatures[side].get(name) is None:
                    yield SpecError(
                        f"{apis[side].name} has no parameter {name!r}; {_signatures_text(apis[side])}",
                        file.locate((*row_key, side)),
                    )
                elif name in used[side]:
                    yield SpecError(f"{side} parameter {name!r} has two rows", file.locate((*row_key, side)))
                used[side].add(name)
        for i, kind in enumerate(row.kind):
            if kind in row.kind[:i]:  # a repeated kind says nothing more and hides a typo for another
                yield SpecError(f"kind {kind.value!r} is listed twice", file.locate((*row_key, "kind", i)))
        for message in kind_problems(row, signatures["torch"], signatures["mindspore"]):
            yield SpecError(message, file.locate((*row_key, "kind")))
    for side in FRAMEWORKS:
        for param in signatures[side].parameters:
            if param.name not in used[side] and param.name != "self":
                yield SpecError(
                    f"parameter {param.name!r} of {apis[side].name} has no row in the table",
                    file.locate((*key, "table")),
                )


def _signatures_text(api: Api) -> str:
    if not api.overloads:
        return f"its signature is {api.signature}"
    return "its signatures are " + ", ".join(str(s) for s in api.signatures)


def kind_problems(row: Row, torch_sig: Signature, ms_sig: Signature) -> Iterator[str]:
    """Where a row's declared kinds contradict its names and the two signatures."""
    kinds = set(row.kind)
    alone = kinds & {DiffKind.SAME, DiffKind.TORCH_ONLY, DiffKind.MINDSPORE_ONLY}
    if alone and len(kinds) > 1:
        yield f"kind {next(iter(alone)).value!r} cannot be combined with other kinds"
        return
    if row.mindspore is None or row.torch is None:
        want = DiffKind.TORCH_ONLY if row.mindspore is None else DiffKind.MINDSPORE_ONLY
        if kinds != {want}:
            yield f"a row with only a {'torch' if row.mindspore is None else 'mindspore'} name has kind {want.value!r}"
        return
    if kinds & {DiffKind.TORCH_ONLY, DiffKind.MINDSPORE_ONLY}:
        yield "a row that names both sides cannot be 'torch_only' or 'mindspore_only'"
        return
    renamed = row.torch != row.mindspore
    if renamed and DiffKind.RENAMED not in kinds:
        yield f"names differ ({row.torch!r} vs {row.mindspore!r}) but kind does not include 'renamed'"
    if not renamed and DiffKind.RENAMED in kinds:
        yield f"kind says 'renamed' but both sides are called {row.torch!r}"
    if row.category != "parameter":
        return
    tp, mp = torch_sig.get(row.torch), ms_sig.get(row.mindspore)
    if tp is None or mp is None:
        return
    differs = tp.default_key != mp.default_key
    if differs and DiffKind.DEFAULT_DIFFERS not in kinds:
        yield (
            f"defaults differ ({_shown(tp.default)} vs {_shown(mp.default)}) "
            "but kind does not include 'default_differs'"
        )
    if not differs and DiffKind.DEFAULT_DIFFERS in kinds:
        both = "neither side has a default" if tp.default is None else f"both defaults are {tp.default}"
        yield f"kind says 'default_differs' but {both}"


def _shown(default: str | None) -> str:
    return "no default" if default is None else default


def _syntax_errors(file: SpecFile, key: Key, code: str) -> Iterator[SpecError]:
    first = file.doc.first_code_line(key)
    try:
        compile("\n" * (first - 1) + code, str(file.path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno or first
        code_line = code.splitlines()[line - first] if 0 <= line - first < len(code.splitlines()) else ""
        file_line = file.doc.line(line)
        indent = (len(file_line) - len(file_line.lstrip())) - (len(code_line) - len(code_line.lstrip()))
        where = Location(file.doc.path, line, max(indent, 0) + (exc.offset or 1))
        yield SpecError(f"example does not compile: {exc.msg}", where)
    except ValueError as exc:  # e.g. source with NUL bytes
        yield SpecError(f"example does not compile: {exc}", file.locate(key))


def _duplicates(files: list[SpecFile]) -> Iterator[SpecError]:
    first: dict[str, SpecFile] = {}
    for file in files:
        name = file.spec.torch.name
        if name in first:
            other = first[name].locate(("torch", "name"))
            yield SpecError(
                f"a second spec for {name} (the first is {other.path}:{other.line})",
                file.locate(("torch", "name")),
            )
        else:
            first[name] = file


def missing_translations(
    file: SpecFile, *, fields: Sequence[tuple[Key, str, Text]] | None = None
) -> Iterator[SpecError]:
    """One warning per prose field and language of `LANGUAGES` without text (English is required).

    ``fields`` are the spec's `prose_fields`, when the caller has them already.
    """
    for key, _, text in prose_fields(file.spec, (), "") if fields is None else fields:
        for lang in LANGUAGES:
            if text.get(lang) is None:
                yield SpecError(f"missing {lang} translation", file.locate(key))


def prose_errors(
    file: SpecFile,
    *,
    pages: Set[str] | None,
    written: dict[tuple[Shape, str], str] | None = None,
    fields: Sequence[tuple[Key, str, Text]] | None = None,
) -> Iterator[SpecError]:
    """Markdown outside its field's subset (`generator.prose.SUBSETS`), at the offending character.

    ``pages`` are the torch APIs that ``api:`` links may name; None skips that check.
    Each text is parsed once: ``written`` receives it re-emitted as Markdown for
    the renderer (`SpecFile.prose`), so rendering parses nothing again.
    ``fields`` are the spec's `prose_fields`, when the caller has them already.
    """
    for key, name, text in prose_fields(file.spec, (), "") if fields is None else fields:
        subset = SUBSETS[name]
        for lang in LANGUAGES:
            value = text.get(lang)
            if value is None:
                continue
            parsed = Parsed.of(value)
            if written is not None:
                written[(subset.shape, value)] = parsed.markdown(subset.shape)
            seen: set[tuple[Location, str]] = set()  # where a scalar maps inexactly, problems share a place
            for problem in parsed.problems(subset, pages=pages):
                where = file.doc.text_location((*key, lang), problem.line, problem.col)
                if (where, problem.message) not in seen:
                    seen.add((where, problem.message))
                    yield SpecError(problem.message, where)


def prose_fields(value: Any, key: Key, field: str) -> list[tuple[Key, str, Text]]:
    """Every prose field below ``value``, with its key path and its name as ``Model.field``."""
    found: list[tuple[Key, str, Text]] = []
    _collect(value, key, field, found)
    return found


def _collect(value: Any, key: Key, field: str, found: list[tuple[Key, str, Text]]) -> None:
    if isinstance(value, Text):
        found.append((key, field, value))
    elif isinstance(value, BaseModel):
        for name, qualified in _nested_fields(type(value)):
            _collect(getattr(value, name), (*key, name), qualified, found)
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            _collect(item, (*key, i), field, found)


def texts(value: Any, key: Key) -> list[tuple[Key, Text]]:
    """Every prose field below ``value``, with its key path."""
    return [(path, text) for path, _, text in prose_fields(value, key, "")]


@functools.cache
def _nested_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """The fields of ``model`` that can hold other models, as (name, ``Model.name``); the rest cannot hold prose."""
    return tuple(
        (name, f"{model.__name__}.{name}")
        for name, field in model.model_fields.items()
        if _holds_model(field.annotation)
    )


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in typing.get_args(annotation))
