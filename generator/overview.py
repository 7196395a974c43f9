"""The overview's rows: full specs and compact rows together, described in each language.

A row's description is derived, never written: consistent; parameter names
differ (which); default values differ (which); the category with the
parameters that decided it; or, for a pair with a page, its category and the
link. Its status says whether the claim was executed ("verified") or only the
signatures were compared ("signature only").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from generator.classify import Classification, general_differences
from generator.model import _CATEGORY_OF_KIND, Category, Row, Spec
from generator.table import Pair, Table

Status = Literal["verified", "partial", "signature", "failed", "removed", "unread"]
Checks = Mapping[tuple[str, str], Status]
"""The outcome of each executed pair by (torch API, MindSpore API)."""

RowWords = Mapping[str, str]
"""The words of the overview's rows in one language: ``overview_rows`` of ``words.<lang>.jinja``.

Keyed by category (``consistent``, ``names_differ``, ... with ``{which}`` for the
deciding parameters) and by ``page``, ``unread``, ``removed``, ``joiner`` and the
statuses (``verified``, ``partial``, ``signature``, ``failed``).
"""


@dataclass(frozen=True)
class OverviewRow:
    """One line of an overview table."""

    torch: str
    page: bool
    """Whether the torch API has a page of its own to link to."""
    mindspore: str
    description: str
    status: str


def overview_groups(
    specs: Sequence[Spec],
    table: Table | None,
    checks: Checks,
    *,
    lang: str,
    words: RowWords,
    category_text: Mapping[Category, str],
) -> dict[str, list[OverviewRow]]:
    """The rows of the overview by torch namespace, sorted by torch and MindSpore name."""
    rows: list[OverviewRow] = []
    for spec in specs:
        for target in spec.targets:
            status = checks.get((spec.torch.name, target.mindspore.name), "verified" if checks else "signature")
            if status == "verified" and all(e.not_run is not None for e in target.examples):
                status = "partial"  # every example leaves a side's API unexecuted (`Example.not_run`)
            text = str(words["page"]).format(category=category_text[target.category])
            rows.append(OverviewRow(spec.torch.name, True, target.mindspore.name, text, str(words[status])))
    for pair in table.pairs if table else ():
        rows.append(_pair_row(pair, checks, lang=lang, words=words))
    groups: dict[str, list[OverviewRow]] = {}
    for row in sorted(rows, key=lambda r: (r.torch, r.mindspore)):
        groups.setdefault(row.torch.rsplit(".", 1)[0], []).append(row)
    return groups


def _pair_row(pair: Pair, checks: Checks, *, lang: str, words: RowWords) -> OverviewRow:
    found = pair.classification
    if pair.removed is not None:
        text = f"{words['removed']}: {pair.removed.get(lang) or pair.removed.en}"
        status = ""
    elif found is None:
        text, status = str(words["unread"]), str(words["signature"])
    else:
        text = describe(found, pair, words)
        status = str(words[checks.get((pair.torch, pair.mindspore), "signature")])
    for extra in (pair.target.differs, pair.target.note, pair.entry.note):
        if extra is not None:
            text += words["joiner"] + (extra.get(lang) or extra.en)
    return OverviewRow(pair.torch, False, pair.mindspore, text, status)


def describe(found: Classification, pair: Pair, words: RowWords) -> str:
    """A pair's derived description: its category and the parameters that decided it."""
    template = words[found.category.name.lower()]
    category = found.category
    if category == Category.NAMES_DIFFER:
        which = [f"{t}/{m}" for t, m in found.renamed]
    elif category == Category.DEFAULTS_DIFFER:
        which = list(found.defaults)
    else:
        which = [_shown(r.torch, r.mindspore) for r in pair.table if _decides(r, category, found)]
    return template.format(which=", ".join(which) or "-")


def _decides(row: Row, category: Category, found: Classification) -> bool:
    """Whether ``row`` is one that gives the pair its category."""
    if row.torch in found.excused or row.mindspore in found.excused:
        return False
    return any(_CATEGORY_OF_KIND[k] == category for k in row.kind)


def _shown(torch: str | None, mindspore: str | None) -> str:
    if torch == mindspore or mindspore is None:
        return str(torch)
    return str(mindspore) if torch is None else f"{torch}/{mindspore}"


def rules_table(lang: str) -> list[tuple[str, str]]:
    """The general difference parameters with their reasons in ``lang``."""
    return [(g.name, g.reason.get(lang) or g.reason.en) for g in general_differences()]
