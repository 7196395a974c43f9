"""The compact rows of the mapping table: pairs that need no page of their own.

They live in ``mappings/rows/<torch namespace>.yaml``, one mapping per file
from torch API to its entry; `apimap table import` writes them from
MindSpore's published table and the installed signatures::

    torch.abs:
      signature: (input, *, out=None)
      targets:
        mindspore.ops.abs:
          signature: (input)
          rows: input, out|-
        mindspore.mint.abs:
          signature: (input, *, out=None)
          rows: input, out

``rows`` pairs the parameters: ``name`` where both sides call it so,
``torch|mindspore`` where the names differ, ``-`` for the side that has none.
Each row's kinds are derived from the two recorded signatures, and the pair is
classified by `generator.classify`. The subfolder keeps these files out of
`generator.validate.spec_paths`, which reads only files directly in
``mappings/``.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from generator.classify import Classification, classify
from generator.errors import ApimapError, ErrorGroup, Location, SpecError, relative
from generator.load import Document, Key, read
from generator.model import DiffKind, Parameter, QualifiedName, Row, Signature, SignatureField, Text, _Frozen
from generator.validate import SUFFIXES, _pydantic_error

ROWS_FOLDER = "rows"
"""The subfolder of ``mappings/`` that holds the compact rows."""
NONE = "-"


class TableTarget(_Frozen):
    """One MindSpore counterpart of a compact row."""

    signature: SignatureField | None = None
    """The MindSpore signature as installed; null when it could not be read or the API is gone."""
    unread: str | None = None
    """Why the signature could not be read."""
    rows: str = ""
    """The parameter pairs: ``name``, ``torch|mindspore``, ``-`` for none, separated by commas."""
    published: QualifiedName | None = None
    """The name in MindSpore's published table, when MindSpore 2.10 calls it otherwise."""
    removed: Text | None = None
    """Why the pair no longer holds: MindSpore 2.10 has no such API."""
    note: Text | None = None
    """Shown in the description column."""
    recipe: str | None = None
    """A one-line override of the call recipe (`generator.recipes`), e.g. ``binary``."""
    differs: Text | None = None
    """What execution showed to differ; without it a failed check is a build error."""


class TableEntry(_Frozen):
    """A torch API of the table and its MindSpore counterparts."""

    signature: SignatureField | None = None
    """The torch signature as installed; null when it could not be read or the API is gone."""
    unread: str | None = None
    """Why the signature could not be read."""
    published: QualifiedName | None = None
    """The name in MindSpore's published table, when torch 2.13 calls it otherwise."""
    removed: Text | None = None
    """Why the pair no longer holds: torch 2.13 has no such API."""
    note: Text | None = None
    """Shown in the description column."""
    targets: Annotated[dict[QualifiedName, TableTarget], Field(min_length=1)]
    """The MindSpore counterparts by name."""


_FILE = TypeAdapter(dict[QualifiedName, TableEntry])


@dataclass(frozen=True)
class Pair:
    """One torch → MindSpore pair of the table, its rows derived and classified."""

    torch: str
    mindspore: str
    torch_signature: Signature | None
    mindspore_signature: Signature | None
    table: tuple[Row, ...]
    entry: TableEntry
    target: TableTarget
    where: Location
    """Where the target stands in its file."""

    @property
    def mint(self) -> bool:
        """Whether the target is in MindSpore's torch-shaped namespace."""
        return self.mindspore.startswith("mindspore.mint.")

    @property
    def removed(self) -> Text | None:
        """Why the pair no longer holds, if it does not."""
        return self.entry.removed or self.target.removed

    @property
    def signed(self) -> bool:
        """Whether both signatures were read, so the rows could be derived."""
        return self.torch_signature is not None and self.mindspore_signature is not None

    @functools.cached_property
    def classification(self) -> Classification | None:
        """The pair's category by MindSpore's rules; None when a signature is missing."""
        if not self.signed or self.removed is not None:
            return None
        table = self.table
        if self.target.differs is not None:
            table = (
                *table,
                Row(category="output", torch="result", mindspore="result", kind=(DiffKind.BEHAVIOUR_DIFFERS,)),
            )
        return classify(table, self.torch_signature, self.mindspore_signature)


@dataclass(frozen=True)
class TableFile:
    """One file of compact rows."""

    path: Path
    doc: Document
    entries: dict[str, TableEntry]


@dataclass(frozen=True)
class Table:
    """Every compact row of a project."""

    files: tuple[TableFile, ...] = ()
    pairs: tuple[Pair, ...] = ()

    @functools.cached_property
    def torch_names(self) -> frozenset[str]:
        """The torch APIs with a compact row."""
        return frozenset(p.torch for p in self.pairs)


def table_paths(mappings: Path) -> list[Path]:
    """The compact-row files of a project, in a stable order; none when the folder is missing."""
    folder = mappings / ROWS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())


def load_table(paths: Sequence[Path], *, specs: frozenset[str] = frozenset()) -> Table:
    """Load and check every file; raise `ErrorGroup` with every problem found.

    ``specs`` are the torch APIs with a full spec: a compact row for one of
    them is an error, a pair has either a page or a row.
    """
    errors: list[ApimapError] = []
    files: list[TableFile] = []
    for path in paths:
        try:
            doc = read(path, shown_as=relative(path))
            files.append(TableFile(path, doc, _typed(doc)))
        except ErrorGroup as group:
            errors.extend(group.errors)
        except SpecError as exc:
            errors.append(exc)
    pairs: list[Pair] = []
    seen: dict[str, Location] = {}
    for file in files:
        for name, entry in file.entries.items():
            where = file.doc.locate((name,), at_key=True)
            errors.extend(_entry_errors(file, name, where, specs, seen))
            for ms, target in entry.targets.items():
                try:
                    pairs.append(_pair(file, name, entry, ms, target))
                except SpecError as exc:
                    errors.append(exc)
    if errors:
        raise ErrorGroup(errors)
    pairs.sort(key=lambda p: (p.torch, p.mindspore))
    return Table(tuple(files), tuple(pairs))


def _typed(doc: Document) -> dict[str, TableEntry]:
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise SpecError("a file of compact rows maps torch API names to their entries", doc.locate(()))
    try:
        return _FILE.validate_python(doc.data)
    except ValidationError as exc:
        raise ErrorGroup([_error(doc, e) for e in exc.errors()]) from None


def _error(doc: Document, error: Any) -> SpecError:
    """A located error, with a 'did you mean' for a misspelt field of an entry or a target."""
    found = _pydantic_error(doc, error)
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        model = TableTarget if len(loc) == 4 else TableEntry
        guess = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else f"; expected one of {', '.join(model.model_fields)}"
        return SpecError(f"unknown field {loc[-1]!r}{hint}", found.location)
    return found


def _entry_errors(
    file: TableFile, name: str, where: Location, specs: frozenset[str], seen: dict[str, Location]
) -> Iterator[SpecError]:
    namespace = name.rsplit(".", 1)[0]
    if file.path.stem != namespace:
        yield SpecError(f"{name} belongs in {ROWS_FOLDER}/{namespace}.yaml, not in {file.path.name}", where)
    if name in specs:
        yield SpecError(f"{name} has a full spec (mappings/{name}.yaml); remove its compact row", where)
    if name in seen:
        yield SpecError(f"a second compact row for {name} (the first is {seen[name]})", where)
    seen.setdefault(name, where)


def _pair(file: TableFile, name: str, entry: TableEntry, ms: str, target: TableTarget) -> Pair:
    key: Key = (name, "targets", ms)
    where = file.doc.locate(key, at_key=True)
    torch_sig, ms_sig = entry.signature, target.signature
    table: tuple[Row, ...] = ()
    if torch_sig is not None and ms_sig is not None:
        try:
            table = parse_rows(target.rows, torch_sig, ms_sig)
        except ValueError as exc:
            raise SpecError(f"rows: {exc}", file.doc.locate((*key, "rows"))) from None
    elif target.rows:
        raise SpecError("rows need both signatures", file.doc.locate((*key, "rows")))
    return Pair(name, ms, torch_sig, ms_sig, table, entry, target, where)


def parse_rows(text: str, torch: Signature, mindspore: Signature) -> tuple[Row, ...]:
    """The parameter rows that ``text`` pairs, each with its kinds derived from both signatures."""
    from generator.introspect import _draft  # the same derivation as `apimap new`

    rows: list[Row] = []
    used: dict[str, set[str]] = {"torch": set(), "mindspore": set()}
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        t, _, m = item.partition("|") if "|" in item else (item, "", item)
        names = {"torch": None if t == NONE else t, "mindspore": None if m == NONE else m}
        if names["torch"] is None and names["mindspore"] is None:
            raise ValueError(f"{item!r} names neither side")
        params: dict[str, Parameter | None] = {}
        for side, sig in (("torch", torch), ("mindspore", mindspore)):
            param_name = names[side]
            if param_name is None:
                params[side] = None
                continue
            param = sig.get(param_name)
            if param is None:
                raise ValueError(f"{side} has no parameter {param_name!r}; its signature is {sig}")
            if param_name in used[side]:
                raise ValueError(f"{side} parameter {param_name!r} is paired twice")
            used[side].add(param_name)
            params[side] = param
        draft = _draft(params["torch"], params["mindspore"])
        rows.append(Row(torch=draft.torch, mindspore=draft.mindspore, kind=draft.kind))
    for side, sig in (("torch", torch), ("mindspore", mindspore)):
        missing = [p.name for p in sig.parameters if p.name not in used[side]]
        if missing:
            raise ValueError(f"{side} parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)} not paired")
    return tuple(rows)


def format_rows(rows: Sequence[tuple[str | None, str | None]]) -> str:
    """The ``rows`` text of parameter pairs, the inverse of `parse_rows`."""
    items = []
    for t, m in rows:
        items.append(t if t == m and t is not None else f"{t or NONE}|{m or NONE}")
    return ", ".join(items)


def table_drift(table: Table) -> list[ApimapError]:
    """Where the recorded signatures no longer match the installed frameworks (`apimap check`)."""
    from generator.table_import import installed_signature

    errors: list[ApimapError] = []
    seen: set[str] = set()
    for file in table.files:
        for name, entry in file.entries.items():
            sides: list[tuple[str, TableEntry | TableTarget, Key]] = [(name, entry, (name,))]
            sides += [(ms, target, (name, "targets", ms)) for ms, target in entry.targets.items()]
            for api, side, key in sides:
                if side.removed is not None or api in seen:
                    continue
                seen.add(api)
                installed, why = installed_signature(api)
                where = file.doc.locate((*key, "signature") if side.signature is not None else key)
                if installed is None:
                    if side.signature is not None:
                        errors.append(
                            SpecError(f"{api}: the installed version's signature cannot be read: {why}", where)
                        )
                elif side.signature is None:
                    errors.append(SpecError(f"{api}: the signature can now be read; run `apimap table import`", where))
                elif installed != side.signature:
                    errors.append(
                        SpecError(
                            f"{api}: recorded {side.signature}, installed {installed}; run `apimap table import`", where
                        )
                    )
    return errors


def without_entry(text: str, name: str) -> str | None:
    """The text of a rows file without the entry of ``name``, or None when it has none.

    Entries start at the left margin and everything indented below belongs to
    them, as `apimap table import` writes them.
    """
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == f"{name}:"), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
        end += 1
    return "".join(lines[:start] + lines[end:])
