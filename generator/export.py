"""The machine-readable export of all mappings, for code-migration tools.

`apimap export` writes ``apimap-mappings.json`` and its JSON Schema. The
format is versioned: `FORMAT_VERSION` changes whenever a field changes meaning
or goes away; new optional fields keep it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import metadata
from typing import Literal

from pydantic import BaseModel, ConfigDict

from generator.model import Api, Parameter, ParamKind
from generator.recipes import CheckResult
from generator.table import Pair, Table
from generator.validate import Corpus

FORMAT_VERSION: Literal[1] = 1


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ExportParameter(_Out):
    """One parameter of one side, as declared in the spec."""

    name: str
    kind: ParamKind
    """How it can be passed."""
    default: str | None
    """Python source of the default value, or null when it is required."""


class ExportOverload(_Out):
    """One further signature of an overloaded API."""

    signature: str
    """The signature as text, without annotations."""
    parameters: list[ExportParameter]


class ExportApi(_Out):
    """One side of a mapping."""

    name: str
    """Fully qualified name."""
    kind: Literal["function", "class", "method"]
    signature: str
    """The signature as text, without annotations."""
    parameters: list[ExportParameter]
    overloads: list[ExportOverload] = []
    """Further signatures of an overloaded API, in the spec's order; empty when it has one."""
    url: str


class ExportRow(_Out):
    """One row of the differences table."""

    category: Literal["parameter", "input", "output"]
    torch: str | None
    """The PyTorch name, or null when only MindSpore has it."""
    mindspore: str | None
    """The MindSpore name, or null when only PyTorch has it."""
    kinds: list[str]
    """What differs: same, renamed, default_differs, type_differs, behaviour_differs, torch_only, mindspore_only."""
    note: str | None
    """The English note of the row, if any."""


class ExportMapping(_Out):
    """One PyTorch → MindSpore pair."""

    torch: ExportApi
    mindspore: ExportApi
    category: str
    """The derived category: the highest-priority kind among the rows."""
    rows: list[ExportRow]


class ExportTablePair(_Out):
    """One pair of the mapping table without a page of its own (``mappings/rows/``)."""

    torch: str
    mindspore: str
    torch_signature: str | None
    """Null when the installed version's signature could not be read."""
    mindspore_signature: str | None
    category: str | None
    """The category by MindSpore's rules; null when a signature is missing or the pair was removed."""
    rows: list[ExportRow]
    """The parameter pairs with their derived kinds."""
    removed: str | None
    """Why the pair no longer holds, if it does not."""
    differs: str | None
    """The difference its execution showed, if any."""
    executed: bool
    """Whether both APIs were called and their results compared, or only the signatures."""
    recipe: str | None
    """How it was called (`generator.recipes`)."""


class ExportDocument(_Out):
    """All mappings of the corpus."""

    format_version: Literal[1]
    """Changes when a field changes meaning or is removed."""
    torch_version: str
    """The PyTorch version the specs are written for."""
    mindspore_version: str
    """The MindSpore version the specs are written for."""
    mappings: list[ExportMapping]
    table: list[ExportTablePair] = []
    """The compact rows of the mapping table, each pair with its check."""


def _parameter(p: Parameter) -> ExportParameter:
    return ExportParameter(name=p.name, kind=p.kind, default=p.default)


def _api(api: Api) -> ExportApi:
    return ExportApi(
        name=api.name,
        kind=api.kind,
        signature=str(api.signature),
        parameters=[_parameter(p) for p in api.signature.parameters],
        overloads=[
            ExportOverload(signature=str(s), parameters=[_parameter(p) for p in s.parameters]) for s in api.overloads
        ],
        url=api.url,
    )


def export_document(corpus: Corpus, table: Table | None = None, checks: Sequence[CheckResult] = ()) -> ExportDocument:
    """The export of every pair in the corpus and the table, sorted by torch and MindSpore name."""
    mappings: list[ExportMapping] = []
    for file in corpus.files:
        spec = file.spec
        for target in spec.targets:
            ms = target.mindspore
            mappings.append(
                ExportMapping(
                    torch=_api(spec.torch),
                    mindspore=_api(ms),
                    category=target.category.name.lower(),
                    rows=[
                        ExportRow(
                            category=row.category,
                            torch=row.torch,
                            mindspore=row.mindspore,
                            kinds=[k.value for k in row.kind],
                            note=row.note.en if row.note else None,
                        )
                        for row in target.table
                    ],
                )
            )
    mappings.sort(key=lambda m: (m.torch.name, m.mindspore.name))
    return ExportDocument(
        format_version=FORMAT_VERSION,
        torch_version=_pinned("torch"),
        mindspore_version=_pinned("mindspore"),
        mappings=mappings,
        table=[_table_pair(p, checks) for p in (table.pairs if table else ())],
    )


def _table_pair(pair: Pair, checks: Sequence[CheckResult]) -> ExportTablePair:
    check = next((c for c in checks if (c.torch, c.mindspore) == (pair.torch, pair.mindspore)), None)
    found = pair.classification
    return ExportTablePair(
        torch=pair.torch,
        mindspore=pair.mindspore,
        torch_signature=None if pair.torch_signature is None else str(pair.torch_signature),
        mindspore_signature=None if pair.mindspore_signature is None else str(pair.mindspore_signature),
        category=None if found is None else found.category.name.lower(),
        rows=[
            ExportRow(
                category=r.category, torch=r.torch, mindspore=r.mindspore, kinds=[k.value for k in r.kind], note=None
            )
            for r in pair.table
        ],
        removed=pair.removed.en if pair.removed else None,
        differs=pair.target.differs.en if pair.target.differs else None,
        executed=check is not None and check.status in ("verified", "failed"),
        recipe=None if check is None else check.recipe,
    )


def _pinned(dist: str) -> str:
    """The version pinned in this package's ``frameworks`` extra."""
    for requirement in metadata.requires("apimap") or []:
        if requirement.startswith(f"{dist}==") and "frameworks" in requirement:
            return requirement.split("==", 1)[1].split(";", 1)[0].strip()
    return "unknown"


def export_json(corpus: Corpus, table: Table | None = None, checks: Sequence[CheckResult] = ()) -> str:
    """The export as stable, indented JSON text."""
    return export_document(corpus, table, checks).model_dump_json(indent=2) + "\n"


def export_schema() -> str:
    """The JSON Schema of the export format."""
    schema = ExportDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"apimap mappings export, format {FORMAT_VERSION}"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
