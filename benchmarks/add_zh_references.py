"""Give each Chinese prose field the example references of its English text.

For every prose field whose English text names examples with ``(see example
<id>)`` and whose Chinese text lacks some of them, this writes ``(见示例 <id>)``
(in full-width parentheses) at the end of the Chinese sentence that matches the English one, before its
full stop, editing the YAML file in place so that nothing else changes.

Sentences are matched by the names, code and numbers they share (which a
translation keeps) and then by where they stand in the text. A field whose
Chinese text cannot be edited exactly (a folded ``>`` scalar, a quoted one with
escapes) is listed and left alone. Running it again adds nothing.

Run: ``PYTHONPATH=. python benchmarks/add_zh_references.py [mappings/ or spec files]``; then
``apimap check`` and read the diff: a marker sits where a reader of the Chinese
sentence expects its evidence.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from generator.claims import MARKERS, references, split_sentences
from generator.errors import ApimapError, relative
from generator.load import Document, read
from generator.validate import is_spec, texts, typed

_ZH_END = re.compile(r"[。！？](?!\*\*)|\n\s*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)])[ \t])")
"""A Chinese sentence ends at a full stop (not one closing a bold label, "**NaN。**"), a paragraph or a list item."""
_WORD = re.compile(r"`[^`]+`|[A-Za-z0-9_.=()\[\]-]{2,}")
_COMMON = {"torch", "mindspore", "pytorch", "the", "and", "or", "of", "in", "to", "is", "a"}


def _words(text: str) -> set[str]:
    return {w.lower().strip(".()") for w in _WORD.findall(text)} - _COMMON


def zh_sentences(text: str) -> list[tuple[int, int]]:
    """Where each sentence of Chinese text ends: (start, end) offsets, the end at its full stop if it has one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _ZH_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def placements(en: str, zh: str) -> dict[int, list[str]]:
    """The ids to add to ``zh``, by the offset at which each goes: the end of the matching sentence."""
    missing = [name for name in dict.fromkeys(references(en, "en")) if name not in references(zh, "zh_CN")]
    if not missing:
        return {}
    english = split_sentences(en)
    chinese = [span for span in zh_sentences(zh) if not zh[span[0] : span[1]].lstrip().startswith("#")]  # no heading
    total_en = sum(len(s) for s in english) or 1
    where: dict[int, list[str]] = {}
    seen = 0
    for sentence in english:
        middle = (seen + len(sentence) / 2) / total_en
        seen += len(sentence)
        names = [n for n in dict.fromkeys(references(sentence, "en")) if n in missing]
        if not names or not chinese:
            continue
        own = _words(sentence)

        def score(span: tuple[int, int], own: set[str] = own, middle: float = middle) -> float:
            place = (span[0] + span[1]) / 2 / max(len(zh), 1)
            return len(own & _words(zh[span[0] : span[1]])) - 2.0 * abs(place - middle)

        best = max(chinese, key=score)
        end = best[1]
        while end > best[0] and zh[end - 1] in " \t；：;:":  # the marker goes before a list item's closing mark
            end -= 1
        for name in names:
            if name not in where.setdefault(end, []):
                where[end].append(name)
            missing.remove(name)
    return where


def _file_place(doc: Document, key: tuple[str | int, ...], text: str, offset: int) -> tuple[int, int] | None:
    """The file line (from 1) and column (from 0) of ``offset`` in the text at ``key``, when exact."""
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    where = doc.text_location(key, line, col)
    file_line = doc.line(where.line)
    text_line = text.split("\n")[line]
    at = where.col - 1
    if file_line[at : at + len(text_line) - col] != text_line[col:]:
        return None  # a folded or escaped scalar: its text is not the file's
    return where.line, at


def migrate(path: Path) -> tuple[int, list[str]]:
    """Add the missing Chinese references of one spec in place: how many, and the fields left alone."""
    doc = read(path, shown_as=relative(path))
    spec = typed(doc)
    edits: list[tuple[int, int, str]] = []
    skipped: list[str] = []
    for key, text in texts(spec, ()):
        if text.zh_CN is None:
            continue
        for offset, names in placements(text.en, text.zh_CN).items():
            place = _file_place(doc, (*key, "zh_CN"), text.zh_CN, offset)
            if place is None:
                skipped.append(f"{doc.locate((*key, 'zh_CN'))}: add {', '.join(names)} by hand")
                continue
            edits.append((*place, "".join(MARKERS["zh_CN"].format(n) for n in names)))
    if edits:
        lines = doc.text.split("\n")
        for line, col, marker in sorted(edits, reverse=True):
            lines[line - 1] = lines[line - 1][:col] + marker + lines[line - 1][col:]
        path.write_text("\n".join(lines), encoding="utf-8")
    return len(edits), skipped


def main(args: list[str]) -> int:
    """Migrate the specs named by ``args`` (files or folders; ``mappings/`` by default)."""
    paths: list[Path] = []
    for arg in args or ["mappings"]:
        given = Path(arg)
        if given.is_dir():
            paths.extend(sorted(p for p in given.iterdir() if is_spec(p, mappings=given)))
        else:
            paths.append(given)
    failed = 0
    for path in paths:
        try:
            added, skipped = migrate(path)
        except ApimapError as exc:
            print(f"{exc} (skipped)", file=sys.stderr)
            failed += 1
            continue
        if added:
            print(f"{relative(path)}: {added} sentence(s) given references")
        for line in skipped:
            print(line, file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
