"""What backs each claim of a spec: an executed example, the signatures, or nothing.

Prose names the example that shows a sentence with ``(see example <id>)``, the
id of an example of the same target (any target's, in the torch summary); the
Chinese text with ``(见示例 <id>)`` in full-width or ASCII parentheses, naming
the same examples as the English text of its field, so that both languages
keep the same evidence. Pages show each reference as a link to the example. A
claim is one row, one row note, or one sentence of a summary or of a target's
differences, counted on the English text:

- a row is *derived*: `apimap check` compares it with the installed signatures;
  a row that the row checks executed (`generator.rows`) is *executed*;
- a note or sentence that names an example with at least one `compare` entry is
  *executed*: the build fails if the example stops bearing it out;
- any other note or sentence is *unbacked*, and ``apimap check --claims`` lists it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from generator.errors import SpecError
from generator.load import Key
from generator.model import LANGUAGES, Example, Text

if TYPE_CHECKING:
    from generator.validate import SpecFile

REFERENCE = re.compile(r"\(see example ([a-z0-9][a-z0-9_-]{0,62})\)")
"""How English prose names the example that shows it: ``(see example nan-and-bool)``."""
REFERENCES: Mapping[str, re.Pattern[str]] = {
    "en": REFERENCE,
    "zh_CN": re.compile(r"[（(]见示例 ?([a-z0-9][a-z0-9_-]{0,62}) ?[）)]"),
}
"""The reference marker of each language, ``(见示例 nan)`` in Chinese; a language without one uses English's."""
MARKERS: Mapping[str, str] = {"en": "(see example {})", "zh_CN": "（见示例 {}）"}
"""How messages and `benchmarks/add_zh_references.py` write a reference in each language."""


def references(text: str | None, lang: str) -> list[str]:
    """The example ids that ``text``, written in ``lang``, names, in order."""
    return REFERENCES.get(lang, REFERENCE).findall(text or "")


Backing = Literal["executed", "derived", "unbacked"]
BACKINGS: tuple[Backing, ...] = ("executed", "derived", "unbacked")

_CODE = re.compile(r"`[^`]*`")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.")


@dataclass(frozen=True)
class Claim:
    """One claim of a spec: where it is, its English text and what backs it."""

    key: Key
    text: str
    backing: Backing


def claims(file: SpecFile, *, executed_rows: Set[tuple[str, int]] = frozenset()) -> Iterator[Claim]:
    """Every claim of the spec, in page order.

    ``executed_rows`` are the (target id, row index) of the rows the row checks executed.
    """
    spec = file.spec
    everywhere = {e.id: e for t in spec.targets for e in t.examples}
    yield from _sentences(("torch", "summary"), spec.torch.summary, everywhere)
    for t, target in enumerate(spec.targets):
        base: Key = ("targets", t)
        examples = {e.id: e for e in target.examples}
        yield from _sentences((*base, "mindspore", "summary"), target.mindspore.summary, examples)
        yield from _sentences((*base, "differences"), target.differences, examples)
        for r, row in enumerate(target.table):
            kinds = ", ".join(row.kind)
            backing: Backing = "executed" if (target.id, r) in executed_rows else "derived"
            yield Claim((*base, "table", r), f"{row.torch} / {row.mindspore}: {kinds}", backing)
            if row.note is not None:
                note = row.note.en
                yield Claim((*base, "table", r, "note", "en"), note, _backing(note, examples))


def count(found: Iterator[Claim] | list[Claim]) -> dict[Backing, int]:
    """How many claims each kind of backing has, every kind present."""
    tally = Counter(c.backing for c in found)
    return {b: tally[b] for b in BACKINGS}


def reference_errors(file: SpecFile) -> Iterator[SpecError]:
    """A located error for each ``(see example <id>)`` that names no example of its target."""
    spec = file.spec
    everywhere = {e.id for t in spec.targets for e in t.examples}
    yield from _unknown(file, ("torch", "summary"), spec.torch.summary, everywhere)
    for t, target in enumerate(spec.targets):
        ids = {e.id for e in target.examples}
        base: Key = ("targets", t)
        yield from _unknown(file, (*base, "mindspore", "summary"), target.mindspore.summary, ids)
        yield from _unknown(file, (*base, "differences"), target.differences, ids)
        for r, row in enumerate(target.table):
            if row.note is not None:
                yield from _unknown(file, (*base, "table", r, "note"), row.note, ids)


def _unknown(file: SpecFile, key: Key, text: Text, ids: set[str]) -> Iterator[SpecError]:
    named: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        value = text.get(lang)
        if value is None:
            continue
        named[lang] = references(value, lang)
        for name in named[lang]:
            if name not in ids:
                known = ", ".join(sorted(ids))
                message = f"{_marker(name, lang)!r} names no example of this target; its examples are {known}"
                yield SpecError(message, file.locate((*key, lang)))
    english = sorted(set(named.get("en", [])))
    for lang, names in named.items():
        if lang != "en" and sorted(set(names)) != english:
            said = ", ".join(sorted(set(names))) or "none"
            message = (
                f"the {lang} text names examples {said}, the en text {', '.join(english) or 'none'}; "
                f"both languages name the same examples, written {_marker('ID', lang)!r} in {lang}"
            )
            yield SpecError(message, file.locate((*key, lang)))


def _marker(name: str, lang: str) -> str:
    """How ``lang`` writes a reference to example ``name``."""
    return MARKERS.get(lang, MARKERS["en"]).format(name)


def _sentences(key: Key, text: Text, examples: Mapping[str, Example]) -> Iterator[Claim]:
    for sentence in split_sentences(text.en):
        yield Claim((*key, "en"), sentence, _backing(sentence, examples))


def _backing(text: str, examples: Mapping[str, Example]) -> Backing:
    named = [examples.get(name) for name in REFERENCE.findall(text)]
    return "executed" if any(e is not None and e.compare for e in named) else "unbacked"


def split_sentences(text: str) -> list[str]:
    """The sentences of English prose; code spans are never split."""
    spans: list[str] = []

    def hide(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\0{len(spans) - 1}\0"

    masked = _CODE.sub(hide, text.strip())
    parts: list[str] = []
    for piece in _SENTENCE_END.split(masked):
        if parts and parts[-1].endswith(_ABBREVIATIONS):
            parts[-1] += " " + piece
        elif piece.strip():
            parts.append(piece)
    return [re.sub(r"\0(\d+)\0", lambda m: spans[int(m.group(1))], p) for p in parts]
