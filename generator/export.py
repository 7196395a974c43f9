"""The machine-readable export of all mappings, for code-migration tools.

`apimap export` writes ``apimap-mappings.json`` and its JSON Schema. The
format is versioned: `FORMAT_VERSION` changes whenever a field changes meaning
or goes away; new optional fields keep it.
"""

from __future__ import annotations

import json
from importlib import metadata
from typing import Literal

from pydantic import BaseModel, ConfigDict

from generator.model import Parameter, ParamKind, Signature
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


class ExportApi(_Out):
    """One side of a mapping."""

    name: str
    """Fully qualified name."""
    kind: Literal["function", "class", "method"]
    signature: str
    """The signature as text, without annotations."""
    parameters: list[ExportParameter]
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


class ExportDocument(_Out):
    """All mappings of the corpus."""

    format_version: Literal[1]
    """Changes when a field changes meaning or is removed."""
    torch_version: str
    """The PyTorch version the specs are written for."""
    mindspore_version: str
    """The MindSpore version the specs are written for."""
    mappings: list[ExportMapping]


def _parameter(p: Parameter) -> ExportParameter:
    return ExportParameter(name=p.name, kind=p.kind, default=p.default)


def _api(name: str, kind: Literal["function", "class", "method"], sig: Signature, url: str) -> ExportApi:
    return ExportApi(
        name=name, kind=kind, signature=str(sig), parameters=[_parameter(p) for p in sig.parameters], url=url
    )


def export_document(corpus: Corpus) -> ExportDocument:
    """The export of every pair in the corpus, sorted by torch and MindSpore name."""
    mappings: list[ExportMapping] = []
    for file in corpus.files:
        spec = file.spec
        for target in spec.targets:
            ms = target.mindspore
            mappings.append(
                ExportMapping(
                    torch=_api(spec.torch.name, spec.torch.kind, spec.torch.signature, spec.torch.url),
                    mindspore=_api(ms.name, ms.kind, ms.signature, ms.url),
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
    )


def _pinned(dist: str) -> str:
    """The version pinned in this package's ``frameworks`` extra."""
    for requirement in metadata.requires("apimap") or []:
        if requirement.startswith(f"{dist}==") and "frameworks" in requirement:
            return requirement.split("==", 1)[1].split(";", 1)[0].strip()
    return "unknown"


def export_json(corpus: Corpus) -> str:
    """The export as stable, indented JSON text."""
    return export_document(corpus).model_dump_json(indent=2) + "\n"


def export_schema() -> str:
    """The JSON Schema of the export format."""
    schema = ExportDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"apimap mappings export, format {FORMAT_VERSION}"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
