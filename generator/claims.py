"""What backs each claim of a spec: an executed example, the signatures, or nothing.

Prose names the example that shows a sentence with ``(see example <id>)``, the
id of an example of the same target (any target's, in the torch summary, where
an id several targets share names the first of them in page order, as the
page links it: `named_examples`); the Chinese text with ``(见示例 <id>)`` in
full-width or ASCII parentheses, naming the same examples as the English text
of its field, so that both languages keep the same evidence. Pages show each
reference as a link to the example. A claim is one row, one row note, or one
sentence of a summary, of a target's differences or of an example's note,
counted on the English text; headings, and a sentence ending in ``:`` that
introduces a list, are no claims (`claim_sentences`):

- a row is *derived*: `apimap check` compares it with the installed signatures;
  a row that the row checks executed (`generator.rows`) is *executed*;
- a note or sentence that names an example with at least one `compare` entry,
  run here on both sides, is *executed*: the build fails if the example stops
  bearing it out;
- one that names only examples that cannot run a side's API here (`not_run`)
  is *shown*: the page shows the evidence, no build executes it;
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
from generator.model import LANGUAGES, Example, Spec, Target, Text
from generator.prose import parse

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


Backing = Literal["executed", "derived", "shown", "unbacked"]
BACKINGS: tuple[Backing, ...] = ("executed", "derived", "shown", "unbacked")

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
    yield from _sentences(("torch", "summary"), spec.torch.summary, named_examples(spec, None))
    for t, target in enumerate(spec.targets):
        base: Key = ("targets", t)
        examples = named_examples(spec, target)
        yield from _sentences((*base, "mindspore", "summary"), target.mindspore.summary, examples)
        yield from _sentences((*base, "differences"), target.differences, examples)
        for r, row in enumerate(target.table):
            kinds = ", ".join(row.kind)
            backing: Backing = "executed" if (target.id, r) in executed_rows else "derived"
            yield Claim((*base, "table", r), f"{row.torch} / {row.mindspore}: {kinds}", backing)
            if row.note is not None:
                note = row.note.en
                yield Claim((*base, "table", r, "note", "en"), note, _backing(note, examples))
        for e, example in enumerate(target.examples):
            if example.note is not None:
                yield from _sentences((*base, "examples", e, "note"), example.note, examples)


def named_examples(spec: Spec, target: Target | None) -> dict[str, tuple[Target, Example]]:
    """The examples a reference in ``target``'s prose may name, by id, each with its target.

    ``target`` is None for the torch summary, which may name any target's
    examples; an id that several targets share names the first of them in page
    order. The page links a reference to this example and the counter takes its
    evidence from it, so both read the same one.
    """
    found: dict[str, tuple[Target, Example]] = {}
    for each in spec.targets if target is None else (target,):
        for example in each.examples:
            found.setdefault(example.id, (each, example))
    return found


def count(found: Iterator[Claim] | list[Claim]) -> dict[Backing, int]:
    """How many claims each kind of backing has, every kind present."""
    tally = Counter(c.backing for c in found)
    return {b: tally[b] for b in BACKINGS}


def reference_errors(file: SpecFile) -> Iterator[SpecError]:
    """A located error for each ``(see example <id>)`` that names no example of its target."""
    spec = file.spec
    yield from _unknown(file, ("torch", "summary"), spec.torch.summary, set(named_examples(spec, None)))
    for t, target in enumerate(spec.targets):
        ids = set(named_examples(spec, target))
        base: Key = ("targets", t)
        yield from _unknown(file, (*base, "mindspore", "summary"), target.mindspore.summary, ids)
        yield from _unknown(file, (*base, "differences"), target.differences, ids)
        for r, row in enumerate(target.table):
            if row.note is not None:
                yield from _unknown(file, (*base, "table", r, "note"), row.note, ids)
        for e, example in enumerate(target.examples):
            if example.note is not None:
                yield from _unknown(file, (*base, "examples", e, "note"), example.note, ids)


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


def _sentences(key: Key, text: Text, examples: Mapping[str, tuple[Target, Example]]) -> Iterator[Claim]:
    for sentence in claim_sentences(text.en):
        yield Claim((*key, "en"), sentence, _backing(sentence, examples))


def _backing(text: str, examples: Mapping[str, tuple[Target, Example]]) -> Backing:
    named = [examples[name][1] for name in REFERENCE.findall(text) if name in examples]
    if any(e.compare and e.not_run is None for e in named):
        return "executed"
    return "shown" if any(e.not_run is not None for e in named) else "unbacked"


_LISTS = ("bullet_list_open", "ordered_list_open")


def claim_sentences(text: str) -> list[str]:
    """The sentences of English prose that are claims: every sentence of its paragraphs and list items.

    A heading is no claim, nor is the last sentence of a paragraph when it ends
    in ``:`` and a list follows ("They part in two places:"): the list's items
    are the claims.
    """
    if "\n" not in text.strip():
        return split_sentences(text)
    tokens = parse(text)
    found: list[str] = []
    for i, token in enumerate(tokens):
        if token.type != "inline" or i == 0 or tokens[i - 1].type != "paragraph_open":
            continue  # a heading's words, or a table's, which prose refuses
        sentences = split_sentences(token.content)
        if sentences and sentences[-1].endswith(":") and i + 2 < len(tokens) and tokens[i + 2].type in _LISTS:
            sentences.pop()
        found.extend(sentences)
    return found


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
