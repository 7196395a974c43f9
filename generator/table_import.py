"""`apimap table import`: the compact rows rebuilt from MindSpore's published table.

The table file is tab-separated with a header: ``section``, ``torch_api``,
``mindspore_api`` and the published description. Every ``torch.*`` pair is
resolved against the installed frameworks; a name the installed version no
longer has is looked up case-insensitively in its own and neighbouring
namespaces, and failing that the pair is recorded as removed. Parameters are
paired from both installed signatures. The torch-shaped ``mindspore.mint``
counterpart, where one exists, is added as a further target.

Only the pairs go into the project; the published descriptions are read to
count how many of their "consistent" claims the installed versions contradict.
Notes, recipes and recorded differences of existing rows are kept.
"""

from __future__ import annotations

import csv
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.classify import classify
from generator.errors import ApiNotFoundError, Location, SpecError, relative
from generator.introspect import writable
from generator.model import Category, Row, Signature, Text
from generator.table import ROWS_FOLDER, TableEntry, format_rows, parse_rows

OUT_OF_SCOPE = ("torchvision.", "torchaudio.", "torchtext.")
_NEIGHBOURS = (
    "mindspore.ops",
    "mindspore.mint",
    "mindspore.nn",
    "mindspore.mint.nn",
    "mindspore.mint.nn.functional",
    "mindspore.Tensor",
)
_MINT = {  # torch namespace → the mint namespace shaped after it
    "torch": "mindspore.mint",
    "torch.nn": "mindspore.mint.nn",
    "torch.nn.functional": "mindspore.mint.nn.functional",
    "torch.linalg": "mindspore.mint.linalg",
    "torch.special": "mindspore.mint.special",
    "torch.optim": "mindspore.mint.optim",
}


@dataclass(frozen=True)
class Published:
    """One line of the published table."""

    torch: str
    mindspore: str
    consistent: bool
    """Whether the published description calls the pair consistent."""
    line: int


@dataclass
class ImportReport:
    """What an import found, for the command to print."""

    rows: int = 0
    out_of_scope: list[str] = field(default_factory=list)
    with_spec: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    unread: list[tuple[str, str]] = field(default_factory=list)
    resolved: int = 0
    mint: int = 0
    contradicted: list[tuple[str, str, str]] = field(default_factory=list)
    """Published "consistent" pairs that the installed versions classify otherwise, with the reason."""
    legacy_consistent: int = 0
    consistent_pairs: list[tuple[str, str]] = field(default_factory=list)
    """The installed names of the published "consistent" pairs that resolved."""


def read_published(path: Path) -> list[Published]:
    """The pairs of a published table file; `SpecError` at a malformed line."""
    shown = relative(path)
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle, delimiter="\t"))
    if not lines or lines[0][:3] != ["section", "torch_api", "mindspore_api"]:
        raise SpecError("expected a header: section, torch_api, mindspore_api, description", Location(shown))
    found: list[Published] = []
    for number, line in enumerate(lines[1:], 2):
        if len(line) < 3 or not line[1].strip() or not line[2].strip():
            raise SpecError("a line names a section, a torch API and a MindSpore API", Location(shown, number))
        description = line[3].strip().lower() if len(line) > 3 else ""
        found.append(Published(line[1].strip(), line[2].strip(), description == "consistent", number))
    return found


def import_table(
    published: list[Published],
    *,
    specs: frozenset[str],
    existing: Mapping[str, TableEntry],
    differs: Mapping[tuple[str, str], Text] | None = None,
) -> tuple[dict[str, str], ImportReport]:
    """The files of ``mappings/rows/`` by name, and what the import found.

    ``differs``, from executing the pairs, replaces every recorded difference;
    without it the recorded ones are kept.
    """
    report = ImportReport(rows=len(published))
    entries: dict[str, dict[str, Any]] = {}
    for pair in published:
        if pair.torch.startswith(OUT_OF_SCOPE):
            report.out_of_scope.append(pair.torch)
            continue
        if pair.torch in specs:
            report.with_spec.append(pair.torch)
            continue
        torch_name, torch_removed = _current(pair.torch, [pair.torch.rsplit(".", 1)[0]])
        if torch_name in specs:
            report.with_spec.append(pair.torch)
            continue
        if torch_name != pair.torch:
            report.renamed.append((pair.torch, torch_name))
        entry = entries.setdefault(torch_name, _side(torch_name, torch_removed, report))
        if torch_name != pair.torch:
            entry["published"] = pair.torch
        ms_name, ms_removed = _current(pair.mindspore, _neighbours(pair.mindspore))
        if ms_name != pair.mindspore:
            report.renamed.append((pair.mindspore, ms_name))
        target = _side(ms_name, ms_removed, report)
        if ms_name != pair.mindspore:
            target["published"] = pair.mindspore
        if torch_removed is None and ms_removed is None:
            report.resolved += 1
        _pair_rows(entry, target)
        entry["targets"].setdefault(ms_name, target)
        if pair.consistent and torch_removed is None and ms_removed is None:
            report.legacy_consistent += 1
            report.consistent_pairs.append((torch_name, ms_name))
            why = _contradiction(entry, target)
            if why:
                report.contradicted.append((pair.torch, pair.mindspore, why))
    for torch_name, entry in entries.items():
        mint = _mint(torch_name)
        if mint is not None and mint not in entry["targets"] and entry.get("removed") is None:
            target = _side(mint, None, report)
            _pair_rows(entry, target)
            entry["targets"][mint] = target
            report.mint += 1
    _keep_hand_written(entries, existing, keep_differs=differs is None)
    for (torch_name, ms_name), text in (differs or {}).items():
        target = entries.get(torch_name, {}).get("targets", {}).get(ms_name)
        if target is not None:
            target["differs"] = text.model_dump(exclude_none=True)
    files: dict[str, list[str]] = {}
    for torch_name in sorted(entries):
        files.setdefault(f"{torch_name.rsplit('.', 1)[0]}.yaml", []).append(_dump(torch_name, entries[torch_name]))
    header = "# Compact rows of the mapping table; regenerate with `apimap table import TABLE.tsv`.\n"
    return {name: header + "".join(texts) for name, texts in files.items()}, report


def _current(name: str, namespaces: list[str]) -> tuple[str, str | None]:
    """The installed name for a published one, and why there is none."""
    from generator.introspect import resolve

    try:
        resolve(name)
        return name, None
    except ApiNotFoundError as exc:
        reason = exc.message
    leaf = name.rsplit(".", 1)[-1].lower()
    for namespace in namespaces:
        try:
            module = resolve(namespace)
        except ApiNotFoundError:
            continue
        hits = [n for n in dir(module) if n.lower() == leaf and not n.startswith("_")]
        if hits:
            return f"{namespace}.{hits[0]}", None
    return name, reason


def _neighbours(name: str) -> list[str]:
    own = name.rsplit(".", 1)[0]
    return [own, *(n for n in _NEIGHBOURS if n != own)]


def _side(name: str, removed: str | None, report: ImportReport) -> dict[str, Any]:
    """One side's recorded fields: its signature, or why it has none."""
    data: dict[str, Any] = {"targets": {}} if name.startswith("torch") else {}
    if removed is not None:
        report.removed.append((name, removed))
        data["removed"] = {
            "en": removed if removed.endswith((".", "?")) else f"{removed}.",
            "zh_CN": f"已安装的版本中不存在 {name}。",
        }
        return data
    signature, why = _signature(name)
    if signature is None:
        report.unread.append((name, why))
        data["unread"] = why
    else:
        data["signature"] = str(signature)
    return data


def installed_signature(name: str) -> tuple[Signature | None, str]:
    """The signature the import records for an installed API, or None and why it cannot be read."""
    return _signature(name)


def _signature(name: str) -> tuple[Signature | None, str]:
    from generator.introspect import read_signatures

    try:
        found = read_signatures(name)
    except ApiNotFoundError as exc:
        return None, exc.message
    except Exception as exc:  # a framework's own failure while being inspected
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0]
    usable = [s for s in found if [p.kind for p in s.parameters] != ["var_positional", "var_keyword"]]
    if not usable:
        return None, "only (*args, **kwargs) can be read"
    return writable(max(usable, key=lambda s: len(s.parameters))), ""


def _pair_rows(entry: dict[str, Any], target: dict[str, Any]) -> None:
    from generator.introspect import pair_rows

    if "signature" in entry and "signature" in target:
        drafts = pair_rows(Signature.parse(entry["signature"]), Signature.parse(target["signature"]))
        target["rows"] = format_rows([(d.torch, d.mindspore) for d in drafts])


def _contradiction(entry: dict[str, Any], target: dict[str, Any]) -> str:
    """Why a published "consistent" claim does not hold for the installed versions; empty when it does."""
    if "signature" not in entry or "signature" not in target:
        return ""
    torch_sig, ms_sig = Signature.parse(entry["signature"]), Signature.parse(target["signature"])
    rows: tuple[Row, ...] = parse_rows(target["rows"], torch_sig, ms_sig)
    found = classify(rows, torch_sig, ms_sig)
    if found.category == Category.CONSISTENT:
        return ""
    differing = [r for r in rows if r.kind != ("same",)]
    shown = ", ".join(f"{r.torch or '-'}|{r.mindspore or '-'} ({'+'.join(k.value for k in r.kind)})" for r in differing)
    return f"{found.category.name.lower()}: {shown}"


def _mint(torch_name: str) -> str | None:
    """The mint counterpart of a torch API, when MindSpore has one of the same name."""
    namespace, leaf = torch_name.rsplit(".", 1)
    mint = _MINT.get(namespace)
    if mint is None:
        return None
    try:
        module = importlib.import_module(mint)
    except ImportError:
        return None
    return f"{mint}.{leaf}" if hasattr(module, leaf) else None


_KEPT = ("note", "recipe", "differs")


def _keep_hand_written(
    entries: dict[str, dict[str, Any]], existing: Mapping[str, TableEntry], *, keep_differs: bool
) -> None:
    for name, old in existing.items():
        entry = entries.get(name)
        if entry is None:
            continue
        if old.note is not None:
            entry["note"] = old.note.model_dump(exclude_none=True)
        for ms, old_target in old.targets.items():
            target = entry["targets"].get(ms)
            if target is None:
                continue
            for key in _KEPT if keep_differs else _KEPT[:-1]:
                value = getattr(old_target, key)
                if value is not None:
                    target[key] = value if isinstance(value, str) else value.model_dump(exclude_none=True)


_ORDER = ("published", "removed", "unread", "signature", "note", "recipe", "rows", "differs")


def _dump(name: str, entry: dict[str, Any]) -> str:
    lines = [f"{name}:"]
    lines += _fields(entry, "  ")
    lines.append("  targets:")
    for ms, target in entry["targets"].items():
        lines.append(f"    {ms}:")
        lines += _fields(target, "      ")
    return "\n".join(lines) + "\n"


def _fields(data: dict[str, Any], indent: str) -> Iterator[str]:
    for key in _ORDER:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, dict):
            yield f"{indent}{key}:"
            for lang, text in value.items():
                yield f"{indent}  {lang}: {_scalar(text)}"
        else:
            yield f"{indent}{key}: {_scalar(value)}"


def _scalar(value: str) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=True)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def rows_folder(mappings: Path) -> Path:
    """Where the compact rows of a project live."""
    return mappings / ROWS_FOLDER
