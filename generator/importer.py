"""`apimap import`: hand-written mapping pages (Markdown) → spec YAML.

A page is read with markdown-it-py; the tokens' line maps locate every finding
as ``PAGE.md:line:col: message``. Two page formats are understood: the legacy
hand-written one (``# Differences with torch.X`` or ``# 比较与torch.X的差异``,
a five-column table whose Difference column is free wording, both snippets in
one code block split at ``# MindSpore``, outputs pasted as ``# ...`` comments)
and the pages apimap renders itself. What cannot be mapped is reported, never
guessed silently: a guess that had to be made is a warning a person confirms.

Prose is kept as the Markdown the page wrote (lists, math and sub-headings
included). Signatures come from the installed frameworks when they are
available; the page's own signature is kept, with a warning, when they are not.
"""

from __future__ import annotations

import ast
import difflib
import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.errors import ApimapError, ErrorGroup, Location, PageError, SpecError
from generator.model import FRAMEWORKS, DiffKind, Framework, Parameter, Signature

SCHEMA_LINE = "# yaml-language-server: $schema=spec.schema.json\n"
PLACEHOLDER = {"en": "TODO: say what {name} does.", "zh_CN": "TODO：说明 {name} 的功能。"}
_API = re.compile(r"(?:torch|mindspore)(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXAMPLE_HEADING = re.compile(r"\bexamples?\b|示例|样例", re.IGNORECASE)
_MARKER = re.compile(r"#\s*(?:in\s+)?(pytorch|torch|mindspore)\b[\s.:：。]*", re.IGNORECASE)
_FOR_MORE = re.compile(r"for more information|更多内容|详见", re.IGNORECASE)
_CATEGORY_LINE = re.compile(r"(?:category|类别)\s*[:：]", re.IGNORECASE)
_OUTPUT_LINE = re.compile(r"(?:output|输出)\s*[:：]?\s*$", re.IGNORECASE)
_NOT_RUN = re.compile(r"\*(?:Not executed here|此处未执行)\*\s*[:：]\s*(?P<reason>.+)$", re.DOTALL)
"""The line an apimap page writes beneath a snippet whose API is not executed here (`Example.not_run`)."""
_SUMMARY_PREFIX = {
    "torch": re.compile(r"pytorch\s*[:：]\s*", re.IGNORECASE),
    "mindspore": re.compile(r"mindspore\s*[:：]\s*", re.IGNORECASE),
}
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------- wording of the Difference column

_PHRASES: dict[str, DiffKind] = {}
for _kind, _words in {
    DiffKind.SAME: (
        "-",
        "consistent",
        "consistent function",
        "consistent functions",
        "same function",
        "the same function",
        "function is consistent",
        "functions are consistent",
        "same",
        "the same",
        "identical",
        "the parameter names and functions are the same",
        "一致",
        "功能一致",
        "功能相同",
        "相同",
    ),
    DiffKind.RENAMED: (
        "different parameter names",
        "different parameter name",
        "different names",
        "different name",
        "parameter names are different",
        "parameter name is different",
        "different input names",
        "参数名不同",
        "参数名称不同",
        "名称不同",
        "名字不同",
    ),
    DiffKind.DEFAULT_DIFFERS: (
        "different default values",
        "different default value",
        "default values are different",
        "default value is different",
        "默认值不同",
        "参数默认值不同",
    ),
    DiffKind.TYPE_DIFFERS: (
        "different types or usage",
        "different types",
        "different type",
        "different parameter types",
        "different usage",
        "different types and usage",
        "类型或用法不同",
        "类型不同",
        "参数类型不同",
        "用法不同",
    ),
    DiffKind.BEHAVIOUR_DIFFERS: (
        "different behaviour",
        "different behavior",
        "inconsistent function",
        "different function",
        "function is different",
        "functions are different",
        "行为不同",
        "功能不同",
        "功能不一致",
    ),
    DiffKind.TORCH_ONLY: (
        "mindspore does not have this parameter",
        "mindspore does not have this input",
        "mindspore does not have this output",
        "mindspore does not support this parameter",
        "mindspore无此参数",
        "mindspore无此输入",
        "mindspore无此输出",
        "mindspore没有此参数",
        "mindspore不支持此参数",
    ),
    DiffKind.MINDSPORE_ONLY: (
        "pytorch does not have this parameter",
        "pytorch does not have this input",
        "pytorch does not have this output",
        "pytorch does not support this parameter",
        "pytorch无此参数",
        "pytorch无此输入",
        "pytorch无此输出",
        "pytorch没有此参数",
        "pytorch不支持此参数",
    ),
}.items():
    for _word in _words:
        _PHRASES[_word] = _kind
_FUZZY_CUTOFF = 0.86
_SENTENCE_END = re.compile(r"[.;](?:\s+|$)|[。；]")
_CLAUSE_SEP = re.compile(r"\s*[,，、]\s*")
_LEADING_JOIN = re.compile(r"^(?:and|but|while|also|且|而且|但)\s*", re.IGNORECASE)


def _phrase(clause: str) -> DiffKind | None:
    """The kind a clause of the Difference column states, tolerating typos."""
    key = " ".join(_LEADING_JOIN.sub("", clause.replace("`", "").strip(" .;。；").lower()).split())
    if key in _PHRASES:
        return _PHRASES[key]
    if len(key) < 4:
        return None
    close = difflib.get_close_matches(key, _PHRASES, n=1, cutoff=_FUZZY_CUTOFF)
    return _PHRASES[close[0]] if close else None


def _clauses(sentence: str) -> list[str]:
    """The clauses of a sentence; "different names, defaults and types" lists three differences."""
    out: list[str] = []
    listing = False
    for clause in _CLAUSE_SEP.split(sentence.strip(" .;。；")):
        starts = clause.lower().startswith("different ")
        listing = listing or starts
        if not listing:
            out.append(clause)
            continue
        for part in clause.split(" and "):
            out.append(part if part.lower().startswith("different ") else f"different {part}")
    return [c for c in out if c.strip()]


@dataclass(frozen=True)
class Wording:
    """What one Difference cell says: the kinds its words name and the rest as a note."""

    kinds: frozenset[DiffKind]
    note: str | None
    plain: bool
    """Whether the cell reads as kinds followed by an optional note, so no person need confirm it."""


_NOT_EXECUTED = re.compile(
    r"\s*(\(not executed: [^()]*\)|（未执行：[^（）]*）"
    r"|\(checked with (?:another tensor|`[^`]*`(?: / `[^`]*`)*)\)|（已用(?:另一个张量| `[^`]*`(?: / `[^`]*`)* )验证）)"
)
"""The mark a rendered page puts on a row no row check runs, or on one checked with a varied value
(``templates/words.*.jinja``): not the spec's text."""


def read_difference(text: str) -> Wording:
    """Split a Difference cell into sentences of kind wording and free text."""
    text = _NOT_EXECUTED.sub("", text).strip()
    if text in ("", "-", "—", "/"):
        return Wording(frozenset({DiffKind.SAME}), None, True)
    kinds: set[DiffKind] = set()
    free: list[str] = []
    start = 0
    leading = True
    plain = True
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = len(text) if match is None else match.end()
        sentence = text[start:end]
        start = end
        if not sentence.strip():
            continue
        found = [_phrase(c) for c in _clauses(sentence)]
        if found and all(k is not None for k in found):
            kinds.update(k for k in found if k is not None)
            if not leading:
                plain = False
        else:
            leading = False
            free.append(sentence)
    note = "".join(free).strip() or None
    if note is not None:
        note = note.rstrip("。；;") if note.endswith(("；", ";")) else note
    return Wording(frozenset(kinds), note, plain and bool(kinds))


# ---------------------------------------------------------------- the page, block by block


@dataclass(frozen=True)
class _Block:
    tokens: list[Token]

    @property
    def type(self) -> str:
        return self.tokens[0].type.removesuffix("_open")

    @property
    def line(self) -> int:
        start = self.tokens[0].map
        return start[0] + 1 if start else 1

    @property
    def inline(self) -> Token | None:
        return next((t for t in self.tokens if t.type == "inline"), None)

    @property
    def level(self) -> int:
        tag = self.tokens[0].tag
        return int(tag[1]) if self.type == "heading" and tag[1:].isdigit() else 0


def _blocks(tokens: Sequence[Token]) -> Iterator[_Block]:
    i = 0
    while i < len(tokens):
        if tokens[i].nesting == 1:
            depth, j = 1, i + 1
            while depth and j < len(tokens):
                depth += tokens[j].nesting
                j += 1
            yield _Block(list(tokens[i:j]))
            i = j
        else:
            yield _Block([tokens[i]])
            i += 1


def _plain(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _links(children: list[Token]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    href: str | None = None
    text: list[str] = []
    for child in children:
        if child.type == "link_open":
            href, text = str(child.attrs.get("href", "")), []
        elif child.type == "link_close" and href is not None:
            found.append((href, "".join(text).strip()))
            href = None
        elif href is not None and child.type in ("text", "text_special", "code_inline"):
            text.append(child.content)
    return found


@dataclass
class Snippet:
    """One framework's code of an example as the page has it.

    ``code`` goes into the spec (markers and pasted outputs removed);
    ``run_code`` is what `verify` runs: the pasted outputs blanked so that its
    lines, counted from ``first_line``, are the page's.
    """

    framework: Framework
    path: str
    code: str
    run_code: str
    first_line: int
    claims: list[tuple[list[str], Location]]


@dataclass
class _Example:
    title: str
    at: Location
    note: str | None
    torch: Snippet
    mindspore: Snippet
    id: str | None = None
    """The id an apimap page names in a comment under the title; legacy pages have none."""
    not_run: dict[str, str] = field(default_factory=dict)
    """By side: the reason an apimap page gives beneath a snippet whose API is not executed here."""


@dataclass
class _Row:
    category: str
    torch: str | None
    mindspore: str | None
    wording: Wording
    text: str
    at: Location
    cells: dict[str, Location]
    zh_note: str | None = None
    split: bool = False
    """Split from a row that named several parameters in one cell; a person confirms its kind."""


@dataclass
class _ApiPart:
    name: str
    at: Location
    signature: Signature | None = None
    overloads: list[Signature] = field(default_factory=list)
    """Further signatures written in the same code block, one a line (apimap pages show every overload)."""
    signature_text: str = ""
    signature_at: Location | None = None
    is_class: bool = False
    url: str | None = None
    url_at: Location | None = None
    summary: list[str] = field(default_factory=list)
    summary_from_differences: str | None = None


@dataclass
class _TargetPart:
    api: _ApiPart
    differences: list[str] = field(default_factory=list)
    differences_at: Location | None = None
    formulas: list[tuple[str, list[str], Location]] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)
    table_at: Location | None = None
    examples: list[_Example] = field(default_factory=list)


@dataclass
class _Page:
    path: str
    lang: str
    title_api: str | None = None
    title_at: Location | None = None
    torch: _ApiPart | None = None
    targets: list[_TargetPart] = field(default_factory=list)
    pairs: list[tuple[str, str, Location]] = field(default_factory=list)
    problems: list[PageError] = field(default_factory=list)


def make_parser() -> MarkdownIt:
    """A CommonMark parser with tables that leaves inline content unparsed.

    Most of a page's inline content (table cells, prose) is kept as written;
    only headings and a few paragraphs are parsed further, on demand, which
    roughly halves the time to read a page.
    """
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


class _Reader:
    """Walks a page's top-level blocks once, filling a `_Page`."""

    def __init__(self, text: str, path: str, parser: MarkdownIt) -> None:
        self.lines = text.splitlines()
        self.page = _Page(path, "zh_CN" if _CHINESE.search(text.split("\n", 1)[0]) else "en")
        self.parser = parser
        self.tokens = parser.parse(text)
        self.examples_at = _example_anchors(self.lines)

    def children(self, inline: Token | None) -> list[Token]:
        """The parsed inline content of a block's inline token."""
        if inline is None:
            return []
        if not inline.children and inline.content:
            children: list[Token] = []
            self.parser.inline.parse(inline.content, self.parser, {}, children)
            inline.children = children
        return inline.children or []

    def plain(self, inline: Token | None) -> str:
        """The text of an inline token as read, markup removed."""
        return _plain(self.children(inline))

    def links(self, inline: Token | None) -> list[tuple[str, str]]:
        """(href, text) of each link of an inline token."""
        return _links(self.children(inline))

    def at(self, line: int, needle: str = "") -> Location:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        col = text.find(needle) + 1 if needle and needle in text else len(text) - len(text.lstrip()) + 1
        return Location(self.page.path, line, col)

    def warn(self, message: str, at: Location, code: str) -> None:
        self.page.problems.append(PageError(message, at, code=code))

    def source(self, block: _Block) -> str:
        """A block's Markdown as written; links to a sibling mapping page become ``api:`` references again."""
        start = block.tokens[0].map
        if start is None:
            text = block.tokens[0].content.strip()
        else:
            text = "\n".join(self.lines[start[0] : start[1]]).strip("\n")
        return self.references(_PAGE_LINK.sub(r"](api:\1)", text))

    def references(self, text: str) -> str:
        """Markdown with each link to an example of the page written as the reference it was rendered from."""
        if "](#example-" not in text:
            return text

        def reference(match: re.Match[str]) -> str:
            found = self.examples_at.get(match["label"])
            if found is None:
                return match[0]
            return f"{'见示例' if match['words'].startswith('见') else 'see example'} {found}"

        return _EXAMPLE_LINK.sub(reference, text)

    def quote_source(self, block: _Block) -> str:
        """A block quote's Markdown without its ``>`` markers."""
        return "\n".join(re.sub(r"^\s*> ?", "", line) for line in self.source(block).splitlines()).strip()

    def read(self) -> _Page:
        page = self.page
        api: _ApiPart | None = None
        target: _TargetPart | None = None
        region = "top"  # top, api, differences, examples
        group: list[_Block] = []
        group_title: tuple[str, Location] | None = None
        formula: list[str] | None = None
        after_table = False

        def close_group() -> None:
            nonlocal group, group_title
            if target is not None and group_title is not None:
                self.examples(target, group_title, group)
            elif group_title is not None and group:
                self.warn("examples before any MindSpore section are not imported", group_title[1], "skipped")
            group, group_title = [], None

        for block in _blocks(self.tokens):
            kind = block.type
            if kind == "paragraph" and block.inline is not None and _TARGET_LINE.fullmatch(block.inline.content):
                continue  # the MyST target an example's heading carries, for references to link to
            if kind == "heading":
                text = self.plain(block.inline)
                at = self.at(block.line, text[:20])
                if block.level == 1:
                    if page.title_api is None:
                        match = _API.search(text)
                        page.title_api = match[0] if match else None
                        page.title_at = at
                        if match is None:
                            self.warn(f"the title {text!r} names no torch API", at, "title")
                    continue
                name = text.strip("` ").replace("\\", "")
                if block.level == 2 and _API.fullmatch(name):
                    close_group()
                    api = _ApiPart(name, at)
                    region = "api"
                    if name.startswith("torch.") and page.torch is None and target is None:
                        page.torch = api
                    elif name.startswith("mindspore."):
                        target = _TargetPart(api)
                        page.targets.append(target)
                        after_table, formula = False, None
                    else:
                        self.warn(f"section {name} is not where a torch or MindSpore API is expected", at, "structure")
                    continue
                if region == "examples" or _EXAMPLE_HEADING.search(text):
                    close_group()
                    region = "examples"
                    group_title = (block.inline.content.strip() if block.inline else text, at)
                    continue
                if region in ("api", "differences") and target is not None and block.level == 2:
                    region = "differences"
                    target.differences_at = target.differences_at or at
                    continue
                if region == "differences" and target is not None:
                    (formula if formula is not None else target.differences).append(self.source(block))
                    continue
                self.warn(f"section {text!r} is not part of the mapping format; not imported", at, "skipped")
                region = "skip"
                continue
            if region == "examples":
                group.append(block)
                continue
            if kind == "table":
                table = self.table(block)
                if table is None:
                    if region == "differences" and target is not None:
                        self.warn(
                            "a table other than the differences table; kept as prose", self.at(block.line), "prose"
                        )
                        target.differences.append(self.source(block))
                    else:
                        self.warn("table not imported", self.at(block.line), "skipped")
                elif table == "pairs":
                    pass
                elif target is None:
                    self.warn(
                        "a differences table before any MindSpore section; not imported",
                        self.at(block.line),
                        "structure",
                    )
                elif target.table_at is not None:
                    self.warn(
                        "a second differences table for the same MindSpore API; not imported",
                        self.at(block.line),
                        "structure",
                    )
                elif isinstance(table, list):
                    target.rows = table
                    target.table_at = self.at(block.line)
                    after_table, formula = True, None
                    region = "differences"
                continue
            if region == "top":
                self.top(block)
            elif region == "api" and api is not None:
                self.api_block(api, block)
            elif region == "differences" and target is not None:
                if kind == "fence" and block.tokens[0].info.strip() == "{math}":
                    formula = []
                    target.formulas.append((block.tokens[0].content.strip(), formula, self.at(block.line)))
                    continue
                if kind == "paragraph" and _CATEGORY_LINE.match(self.plain(block.inline)):
                    continue
                if kind == "paragraph":
                    self.summary_candidate(page, target, block)
                if formula is not None:
                    formula.append(self.source(block))
                    continue
                if after_table:
                    self.warn(
                        "prose after the differences table is moved into the differences above it",
                        self.at(block.line),
                        "prose-moved",
                    )
                    after_table = False
                target.differences.append(self.source(block))
            elif region == "skip":
                continue
        close_group()
        return page

    def top(self, block: _Block) -> None:
        if block.type in ("paragraph", "html_block"):
            return  # badges, the language switch, "examples verified with", "the following mapping relationships"
        self.warn(
            f"{block.type.replace('_', ' ')} before the first API section; not imported", self.at(block.line), "skipped"
        )

    def api_block(self, api: _ApiPart, block: _Block) -> None:
        if block.type == "fence" and api.signature_at is None:
            api.signature_at = self.at(block.line)
            self.signature(api, block)
            return
        if block.type == "paragraph":
            links = self.links(block.inline)
            text = self.plain(block.inline)
            if links and (_FOR_MORE.search(text) or any(label.replace("\\", "") == api.name for _, label in links)):
                api.url = links[0][0]
                api.url_at = self.at(block.line, "(")
                return
        api.summary.append(self.source(block))

    def summary_candidate(self, page: _Page, target: _TargetPart, block: _Block) -> None:
        """The legacy format says what each API does in paragraphs opening with ``PyTorch:`` and ``MindSpore:``."""
        raw = self.source(block)
        for side, prefix in _SUMMARY_PREFIX.items():
            match = prefix.match(raw)
            if match and raw[match.end() :].strip():
                part = page.torch if side == "torch" else target.api
                if part is not None and part.summary_from_differences is None:
                    part.summary_from_differences = raw[match.end() :].strip()

    def signature(self, api: _ApiPart, block: _Block) -> None:
        content = block.tokens[0].content.strip()
        api.signature_text = content
        at = api.signature_at or self.at(block.line)
        text = content
        if text.startswith("class "):
            api.is_class = True
            text = text[len("class ") :].lstrip()
        match = re.match(r"([A-Za-z_][\w.]*)\s*\(", text)
        if match is None:
            self.warn("the code block under the API heading is not a signature", at, "signature")
            return
        if match[1] != api.name:
            self.warn(f"the signature is written for {match[1]}, the heading names {api.name}", at, "signature")
        close = _closing_paren(text, match.end() - 1)
        if close is None:
            self.warn("the signature's parentheses do not close", at, "signature")
            return
        found: list[Signature] = []
        while True:
            params = text[match.end() - 1 : close + 1]
            params = re.sub(
                r"(\*\w+),\s*\*,", r"\1,", params
            )  # "(*size, *, out=None)": after *size all are keyword-only
            try:
                found.append(Signature.parse(params))
            except ValueError as exc:
                self.warn(f"the page's signature cannot be read: {exc}", at, "signature")
            except (SyntaxError, MemoryError, RecursionError):
                self.warn("the page's signature cannot be read", at, "signature")
            text = text[close + 1 :].lstrip()
            text = text[len("class ") :].lstrip() if text.startswith("class ") else text
            match = re.match(rf"{re.escape(api.name)}\s*\(", text)
            close = _closing_paren(text, match.end() - 1) if match is not None else None
            if match is None or close is None:
                break
        if found:
            api.signature, api.overloads = found[0], found[1:]

    def table(self, block: _Block) -> list[_Row] | str | None:
        rows: list[tuple[int, list[str]]] = []
        for i, token in enumerate(block.tokens):
            if token.type == "tr_open":
                cells = [self.references(t.content) for t in block.tokens[i + 1 :] if t.type == "inline"]
                count = 0
                for t in block.tokens[i + 1 :]:
                    if t.type == "tr_close":
                        break
                    count += t.type == "inline"
                rows.append(((token.map or [block.line - 1])[0] + 1, cells[:count]))
        if not rows:
            return None
        header = [h.strip().lower() for h in rows[0][1]]
        torch_col = next((i for i, h in enumerate(header) if "pytorch" in h), None)
        ms_col = next((i for i, h in enumerate(header) if "mindspore" in h), None)
        diff_col = next((i for i, h in enumerate(header) if h.startswith("differ") or "差异" in h), None)
        if torch_col is not None and ms_col is not None and diff_col is None and "api" in " ".join(header):
            for line, cells in rows[1:]:
                if len(cells) > max(torch_col, ms_col):
                    pair = cells[torch_col].strip(" `"), cells[ms_col].strip(" `")
                    if _API.fullmatch(pair[0]) and _API.fullmatch(pair[1]):
                        self.page.pairs.append((pair[0], pair[1], self.at(line, pair[0])))
                    else:
                        self.warn(
                            "a row of the mapping relationships table without two API names", self.at(line), "pairs"
                        )
            return "pairs"
        if torch_col is None or ms_col is None or diff_col is None:
            return None
        category_col = next(
            (i for i, h in enumerate(header) if ("categor" in h and "sub" not in h) or h == "分类"), None
        )
        out: list[_Row] = []
        category = "parameter"
        for line, cells in rows[1:]:
            if len(cells) <= max(torch_col, ms_col, diff_col):
                self.warn("a table row with fewer cells than the header; not imported", self.at(line), "table")
                continue
            if category_col is not None and cells[category_col].strip():
                word = cells[category_col].strip().lower()
                read = _category(word)
                if read is None:
                    self.warn(
                        f"unknown category {cells[category_col].strip()!r}; taken as {category}",
                        self.at(line, cells[category_col].strip()),
                        "table",
                    )
                else:
                    category = read
            raw = {"torch": cells[torch_col], "mindspore": cells[ms_col], "difference": cells[diff_col]}
            locs = {side: self.at(line, raw[side].strip()) for side in raw}
            names: dict[str, str | None] = {}
            for side in FRAMEWORKS:
                names[side] = _cell_name(raw[side])
            out.append(
                _Row(
                    category,
                    names["torch"],
                    names["mindspore"],
                    read_difference(raw["difference"]),
                    raw["difference"].strip(),
                    self.at(line),
                    locs,
                )
            )
        return out

    def examples(self, target: _TargetPart, title: tuple[str, Location], blocks: list[_Block]) -> None:
        snippets: list[Snippet] = []
        before: list[str] = []
        after: list[str] = []
        previous_output = False
        named: str | None = None
        not_run: dict[str, str] = {}
        for block in blocks:
            kind = block.type
            if kind == "html_block" and (marker := _EXAMPLE_ID.fullmatch(block.tokens[0].content.strip())):
                named = marker[1]
                continue
            if kind in ("fence", "code_block"):
                info = block.tokens[0].info.strip().lower() if kind == "fence" else ""
                if previous_output or info == "text":
                    previous_output = False
                    if snippets and info == "text":
                        content = block.tokens[0].content.rstrip("\n").splitlines()
                        snippets[-1].claims.append((content, self.at(block.line + 1)))
                        continue
                    if info == "text":
                        self.warn("a text block that follows no snippet; not imported", self.at(block.line), "skipped")
                        continue
                snippets.extend(self.split(block))
                continue
            previous_output = False
            if kind == "paragraph" and _OUTPUT_LINE.match(self.plain(block.inline)):
                previous_output = True
                continue
            if kind == "heading":
                continue
            text = self.quote_source(block) if kind == "blockquote" else self.source(block)
            if kind == "paragraph" and snippets and (reason := _NOT_RUN.match(text)):
                not_run[snippets[-1].framework] = reason["reason"].strip()
                continue
            (after if snippets else before).append(text)
        if not snippets:
            if blocks:
                self.warn(f"no code under {title[0]!r}; its text is not imported", title[1], "skipped")
            return
        by_side = {side: [s for s in snippets if s.framework == side] for side in FRAMEWORKS}
        pairs = min(len(by_side["torch"]), len(by_side["mindspore"]))
        for side in FRAMEWORKS:
            for extra in by_side[side][pairs:]:
                other = "MindSpore" if side == "torch" else "PyTorch"
                self.warn(
                    f"a {'PyTorch' if side == 'torch' else 'MindSpore'} snippet with no {other} snippet to pair "
                    "with; not imported",
                    Location(self.page.path, extra.first_line, 1),
                    "example-unpaired",
                )
        note = "\n\n".join([*before, *after]).strip() or None
        for i in range(pairs):
            label = title[0] if pairs == 1 else f"{title[0]} ({i + 1})"
            own = named if pairs == 1 else None
            example = _Example(label, title[1], note, by_side["torch"][i], by_side["mindspore"][i], own)
            example.not_run = dict(not_run) if pairs == 1 else {}
            target.examples.append(example)

    def split(self, block: _Block) -> list[Snippet]:
        """The snippets of one code block, split where a ``# PyTorch`` or ``# MindSpore`` line starts one."""
        content = block.tokens[0].content.rstrip("\n")
        first = block.line + (1 if block.type == "fence" else 0)
        lines = content.split("\n")
        starts = [(i, _side(m[1])) for i, line in enumerate(lines) if (m := _MARKER.fullmatch(line.rstrip()))]
        at = self.at(block.line)
        if not starts:
            side = _side_by_imports(content)
            if side is None:
                self.warn(
                    "a code block with no '# PyTorch' or '# MindSpore' line and imports of both or neither; "
                    "not imported",
                    at,
                    "example-unmarked",
                )
                return []
            self.warn(
                f"a code block with no '# PyTorch' or '# MindSpore' line; taken as {_LABEL[side]} from its imports",
                at,
                "example-unmarked",
            )
            starts = [(-1, side)]
        elif any(line.strip() for line in lines[: starts[0][0]]):
            self.warn("code before the first '# PyTorch' or '# MindSpore' line is not imported", at, "skipped")
        out: list[Snippet] = []
        for n, (index, side) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
            body = lines[index + 1 : end]
            snippet = self.snippet(side, body, first + index + 1)
            if snippet is not None:
                out.append(snippet)
        return out

    def snippet(self, side: Framework, body: list[str], first_line: int) -> Snippet | None:
        while body and not body[0].strip():
            body, first_line = body[1:], first_line + 1
        while body and not body[-1].strip():
            body = body[:-1]
        if not body:
            return None
        claims = _pasted_outputs(body)
        run_lines = list(body)
        kept = [True] * len(body)
        found: list[tuple[list[str], Location]] = []
        for start, end in claims:
            text = [re.sub(r"^\s*# ?", "", body[i]) for i in range(start, end)]
            found.append((text, Location(self.page.path, first_line + start, body[start].index("#") + 1)))
            for i in range(start, end):
                kept[i] = False
                run_lines[i] = ""
        code_lines = [line for line, keep in zip(body, kept, strict=True) if keep]
        while code_lines and not code_lines[-1].strip():
            code_lines.pop()
        code = textwrap.dedent("\n".join(code_lines)).rstrip() + "\n"
        return Snippet(side, self.page.path, code, "\n".join(run_lines) + "\n", first_line, found)


_LABEL: dict[Framework, str] = {"torch": "PyTorch", "mindspore": "MindSpore"}


def _side(word: str) -> Framework:
    return "mindspore" if word.lower() == "mindspore" else "torch"


def _side_by_imports(code: str) -> Framework | None:
    uses = {side for side in FRAMEWORKS if re.search(rf"^\s*(?:import|from)\s+{side}\b", code, re.MULTILINE)}
    return uses.pop() if len(uses) == 1 else None


def _category(word: str) -> str | None:
    if word.startswith(("param", "参数", "arg")):
        return "parameter"
    if word.startswith(("input", "输入")):
        return "input"
    if word.startswith(("output", "输出", "return", "返回")):
        return "output"
    return None


def _cell_name(cell: str) -> str | None:
    name = cell.strip().strip("`").strip().replace("\\", "")
    return None if name in ("", "-", "—", "/") else name


def _closing_paren(text: str, start: int) -> int | None:
    depth = 0
    quote: str | None = None
    i = start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _pasted_outputs(body: list[str]) -> list[tuple[int, int]]:
    """Ranges of comment lines that directly follow a ``print(...)`` statement: the output a page pasted."""
    ends: list[int] = []
    try:
        tree = ast.parse("\n".join(body))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id == "print"
                and node.end_lineno is not None
            ):
                ends.append(node.end_lineno)  # 1-based: the index of the line after the print
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        ends = [i + 1 for i, line in enumerate(body) if re.match(r"\s*print\(.*\)\s*$", line)]
    ranges: list[tuple[int, int]] = []
    for start in sorted(set(ends)):
        end = start
        while end < len(body) and body[end].lstrip().startswith("#"):
            end += 1
        if end > start:
            ranges.append((start, end))
    return ranges


# ---------------------------------------------------------------- from page parts to a spec


Signatures = Callable[[str], "tuple[tuple[Signature, ...], str] | str"]
"""Installed signatures of an API and its kind, or the reason they cannot be read."""


def installed_signatures(name: str) -> tuple[tuple[Signature, ...], str] | str:
    """The signatures and kind of an installed API, or why there are none."""
    try:
        import generator.introspect as introspect  # imports the frameworks: only when asked

        return introspect.read_signatures(name), introspect.api_kind(introspect.resolve(name))
    except ApimapError as exc:
        return exc.message
    except Exception as exc:  # a framework that fails to import is reported, not raised
        return f"{name} could not be read from the installed framework ({type(exc).__name__}: {exc})"


@dataclass(frozen=True)
class ImportStats:
    """Counts for one import run, for the migration note."""

    rows_automatic: int = 0
    rows_for_a_person: int = 0
    rows_added: int = 0
    rows_dropped: int = 0
    snippets: int = 0
    examples: int = 0

    def __add__(self, other: ImportStats) -> ImportStats:
        return ImportStats(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, ...]:
        """The counts in field order."""
        return (
            self.rows_automatic,
            self.rows_for_a_person,
            self.rows_added,
            self.rows_dropped,
            self.snippets,
            self.examples,
        )


@dataclass(frozen=True)
class ImportedExample:
    """One imported example with what `--verify` needs: the code as placed in the page and its pasted outputs."""

    torch_name: str
    target: str
    example: str
    snippets: tuple[Snippet, Snippet]


@dataclass(frozen=True)
class ImportedSpec:
    """The YAML text of one imported spec and the examples it holds."""

    name: str
    text: str
    examples: tuple[ImportedExample, ...]


@dataclass(frozen=True)
class ImportResult:
    """Every spec a page gave, and every finding, warnings and errors alike."""

    specs: tuple[ImportedSpec, ...]
    problems: tuple[PageError, ...]
    stats: ImportStats

    @property
    def errors(self) -> list[PageError]:
        """The findings that stop the import."""
        return [p for p in self.problems if not p.warning]


def _read_page(text: str, *, path: str, parser: MarkdownIt) -> _Page:
    """The parts of one page, with what could not be read reported on the page."""
    return _Reader(text, path, parser).read()


def import_pages(
    en_text: str,
    *,
    en_path: str,
    zh_text: str | None = None,
    zh_path: str | None = None,
    signatures: Signatures | None = None,
) -> ImportResult:
    """Turn a page (and its Chinese sibling) into specs; never raises for what a page says.

    ``signatures`` reads the installed frameworks (`installed_signatures`);
    None keeps each page's own signatures, with a warning per API.
    """
    parser = make_parser()
    builder = _Builder(_read_page(en_text, path=en_path, parser=parser), signatures)
    if zh_text is not None:
        builder.zh = _read_page(zh_text, path=zh_path or "zh_CN.md", parser=parser)
    try:
        specs = builder.build()
    except RecursionError:
        builder.error("the page nests too deeply to be read", Location(en_path), "page")
        specs = []
    problems = [*builder.page.problems, *(builder.zh.problems if builder.zh else ()), *builder.problems]
    if any(not p.warning for p in problems):
        specs = []
    return ImportResult(tuple(specs), tuple(sorted(problems, key=_order)), builder.stats)


def _order(problem: ApimapError) -> tuple[str, int, int]:
    loc = problem.location or Location("")
    return (loc.path, loc.line, loc.col)


class _Builder:
    """Turns the parts of a page into spec data, settling each row against the signatures."""

    def __init__(self, page: _Page, signatures: Signatures | None) -> None:
        self.page = page
        self.zh: _Page | None = None
        self.signatures = signatures
        self.problems: list[PageError] = []
        self.stats = ImportStats()
        self._installed: dict[str, tuple[tuple[Signature, ...], str] | str] = {}
        self.context = ""

    def warn(self, message: str, at: Location | None, code: str) -> None:
        if self.context:
            message = f"{message} (in the copy for {self.context})"
        self.problems.append(PageError(message, at or Location(self.page.path), code=code))

    def error(self, message: str, at: Location | None, code: str) -> None:
        self.problems.append(PageError(message, at or Location(self.page.path), code=code, warning=False))

    def installed(self, name: str) -> tuple[tuple[Signature, ...], str] | str:
        if self.signatures is None:
            return "the frameworks were not consulted (--offline)"
        if name not in self._installed:
            self._installed[name] = self.signatures(name)
        return self._installed[name]

    def build(self) -> list[ImportedSpec]:
        page = self.page
        title_at = page.title_at or Location(page.path)
        if page.lang != "en":
            self.warn(
                "this page is in Chinese; its text fills the English fields (pass it with --zh instead)",
                title_at,
                "language",
            )
        if page.torch is None:
            self.error("no '## torch.…' section with the PyTorch API; nothing to import", title_at, "structure")
            return []
        if page.title_api and page.title_api != page.torch.name:
            self.warn(f"the title names {page.title_api}, the first section {page.torch.name}", title_at, "structure")
        if not page.targets:
            self.error("no '## mindspore.…' section; nothing to import", page.torch.at, "structure")
            return []
        if self.zh is not None:
            self.merge_zh(self.zh)
        specs: dict[str, dict[str, Any]] = {}
        examples: dict[str, list[ImportedExample]] = {}
        torch_api = self.api(page.torch, "torch", zh=self._zh_part(None))
        if torch_api is None:
            return []
        specs[page.torch.name] = {"torch": torch_api, "targets": []}
        for t, part in enumerate(page.targets):
            built = self.target(part, torch_api, page.torch.name, self._zh_target(t), examples)
            if built is not None:
                specs[page.torch.name]["targets"].append(built)
        self.extra_pairs(specs, examples)
        out: list[ImportedSpec] = []
        for name, data in specs.items():
            if not data["targets"]:
                self.error(f"no target of {name} could be imported", page.torch.at, "structure")
                continue
            _unique_ids(data["targets"])
            text = dump(data)
            self.validate(name, text)
            out.append(ImportedSpec(name, text, tuple(examples.get(name, []))))
        if self.zh is None:
            self.warn(
                "no --zh page: the spec has no zh_CN text; `apimap check` will ask for it", title_at, "no-translation"
            )
        return out

    def _zh_part(self, t: int | None) -> _ApiPart | None:
        if self.zh is None:
            return None
        if t is None:
            return self.zh.torch
        return self.zh.targets[t].api if t < len(self.zh.targets) else None

    def _zh_target(self, t: int) -> _TargetPart | None:
        return self.zh.targets[t] if self.zh is not None and t < len(self.zh.targets) else None

    # ---- APIs

    def api(self, part: _ApiPart, side: Framework, *, zh: _ApiPart | None) -> dict[str, Any] | None:
        installed = self.installed(part.name)
        signature = part.signature
        kind = "class" if part.is_class else _kind_by_name(part.name)
        where = part.signature_at or part.at
        if isinstance(installed, str):
            self.warn(f"{installed}; the page's signature of {part.name} is kept unchecked", where, "not-installed")
            if signature is None:
                self.error(f"no signature of {part.name} on the page, and none installed", where, "signature")
                return None
        else:
            options, kind = installed
            overloads = [_closest(options, o) for o in part.overloads]
            chosen = _closest(options, signature)
            if signature is not None:
                import generator.introspect as introspect

                for message in introspect.drift(signature, chosen):
                    self.warn(
                        f"{part.name}: the page's signature differs: {message}; the spec gets the installed one",
                        self._param_at(part, message),
                        "signature-drift",
                    )
            signature = chosen
        assert signature is not None
        if isinstance(installed, str):
            overloads = list(part.overloads)
        overloads = [o for i, o in enumerate(overloads) if o != signature and o not in overloads[:i]]
        url = part.url
        if url is None or not url.startswith("https://") or re.search(r"\s|[<>\"'`]", url):
            pinned = _doc_url(part.name)
            self.warn(
                f"no https link to the documentation of {part.name}; using {pinned}", part.url_at or part.at, "url"
            )
            url = pinned
        elif not isinstance(installed, str) and url != _doc_url(part.name):
            pinned = _doc_url(part.name)
            self.warn(
                f"the page links to {url}; the spec links to the pinned version's page {pinned}", part.url_at, "url"
            )
            url = pinned
        summary = self.summary(part, zh)
        return {
            "name": part.name,
            "kind": kind,
            "signature": str(signature),
            **({"overloads": [str(o) for o in overloads]} if overloads else {}),
            "url": url,
            "summary": summary,
            "_signature": Signature.union([signature, *overloads]),
        }

    def _param_at(self, part: _ApiPart, message: str) -> Location | None:
        match = re.search(r"parameter '(\w+)'", message)
        if match is None or part.signature_at is None:
            return part.signature_at
        for offset, line in enumerate(part.signature_text.splitlines()):
            found = re.search(rf"\b{re.escape(match[1])}\b", line)
            if found:
                return Location(self.page.path, part.signature_at.line + 1 + offset, found.start() + 1)
        return part.signature_at

    def summary(self, part: _ApiPart, zh: _ApiPart | None) -> dict[str, str]:
        en = "\n\n".join(part.summary).strip() or part.summary_from_differences
        if en is None:
            self.warn(
                f"the page does not say what {part.name} does; its summary is a TODO placeholder",
                part.at,
                "placeholder",
            )
            text = {"en": PLACEHOLDER["en"].format(name=part.name)}
            if self.zh is not None:
                text["zh_CN"] = PLACEHOLDER["zh_CN"].format(name=part.name)
            return text
        text = {"en": en}
        if self.zh is not None:
            zh_text = (
                ("\n\n".join(zh.summary).strip() or zh.summary_from_differences)
                if zh is not None and zh.name == part.name
                else None
            )
            self._zh(text, zh_text, zh.at if zh else None, f"the summary of {part.name}")
        return text

    def _zh(self, text: dict[str, str], zh_text: str | None, at: Location | None, what: str) -> None:
        if zh_text is None:
            self.warn(
                f"the Chinese page has no text for {what}",
                at or Location(self.zh.path if self.zh else ""),
                "zh-unmatched",
            )
        elif (
            zh_text == text["en"]
            and _CHINESE.search(zh_text) is None
            and re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}", zh_text)
        ):
            self.warn(f"the Chinese page repeats the English text of {what}; left untranslated", at, "zh-unmatched")
        else:
            text["zh_CN"] = zh_text

    # ---- targets

    def target(
        self,
        part: _TargetPart,
        torch_api: dict[str, Any],
        torch_name: str,
        zh: _TargetPart | None,
        examples: dict[str, list[ImportedExample]],
        *,
        copied_from: str | None = None,
    ) -> dict[str, Any] | None:
        ms_api = self.api(part.api, "mindspore", zh=zh.api if zh else None)
        if ms_api is None:
            return None
        if self.zh is not None and zh is not None and zh.api.name != part.api.name:
            self.warn(
                f"the Chinese page's section {zh.api.name} stands where the English has {part.api.name}; not matched",
                zh.api.at,
                "zh-unmatched",
            )
            zh = None
        differences_en = "\n\n".join(part.differences).strip()
        at = part.differences_at or part.api.at
        if not differences_en:
            self.warn(
                f"no prose about how {part.api.name} differs; differences is a TODO placeholder", at, "placeholder"
            )
            differences: dict[str, str] = {"en": "TODO: say what differs overall."}
            if self.zh is not None:
                differences["zh_CN"] = "TODO：说明总体差异。"
        else:
            differences = {"en": differences_en}
            if self.zh is not None:
                zh_diff = "\n\n".join(zh.differences).strip() if zh else ""
                self._zh(
                    differences,
                    zh_diff or None,
                    zh.differences_at if zh else None,
                    f"the differences of {part.api.name}",
                )
        data: dict[str, Any] = {
            "id": _target_id(part.api.name),
            "mindspore": ms_api,
            "differences": differences,
        }
        formulas = []
        for f, (latex, caption, f_at) in enumerate(part.formulas):
            formula: dict[str, Any] = {"latex": latex}
            if caption:
                formula["caption"] = {"en": "\n\n".join(caption)}
                if self.zh is not None:
                    zh_caption = zh.formulas[f][1] if zh and f < len(zh.formulas) else []
                    self._zh(formula["caption"], "\n\n".join(zh_caption) or None, f_at, "a formula's caption")
            formulas.append(formula)
        if formulas:
            data["formulas"] = formulas
        data["table"] = self.table(
            part, torch_api["_signature"], ms_api["_signature"], torch_name=torch_name, copied=copied_from is not None
        )
        data["examples"] = self.examples(part, zh, torch_name, data["id"], examples, copied_from)
        return data

    def table(
        self, part: _TargetPart, torch_sig: Signature, ms_sig: Signature, *, torch_name: str, copied: bool
    ) -> list[dict[str, Any]]:
        at_table = part.table_at or part.differences_at or part.api.at
        if part.table_at is None:
            self.warn(
                f"no differences table for {part.api.name}; every row is inferred from the signatures",
                at_table,
                "table",
            )
        sigs = {"torch": torch_sig, "mindspore": ms_sig}
        used: dict[str, set[str]] = {"torch": set(), "mindspore": set()}
        rows: list[dict[str, Any]] = []
        stats = ImportStats()
        for row in self.split_rows(part.rows):
            bad = next(
                (
                    side
                    for side in FRAMEWORKS
                    if row.category == "parameter"
                    and getattr(row, side) is not None
                    and not _IDENTIFIER.fullmatch(getattr(row, side).lstrip("*"))
                ),
                None,
            )
            if bad is not None:
                self.warn(
                    f"cannot read one parameter name from {getattr(row, bad)!r}; row not imported",
                    row.cells[bad],
                    "row-unreadable",
                )
                stats += ImportStats(rows_dropped=1)
                continue
            names = {side: (getattr(row, side) or "").lstrip("*") or None for side in FRAMEWORKS}
            if names["torch"] is None and names["mindspore"] is None:
                self.warn("a row with neither a PyTorch nor a MindSpore name; not imported", row.at, "row-unreadable")
                stats += ImportStats(rows_dropped=1)
                continue
            category = row.category
            if (
                category == "input"
                and all(names[s] is not None and sigs[s].get(names[s] or "") is not None for s in FRAMEWORKS)
                and not any(names[s] in used[s] for s in FRAMEWORKS)
            ):
                self.warn(
                    f"an input row for {_pair(names['torch'], names['mindspore'])}, which both signatures "
                    "list as parameters; imported as a parameter row",
                    row.at,
                    "category",
                )
                category = "parameter"
            if category == "parameter":
                missing = next(
                    (s for s in FRAMEWORKS if names[s] is not None and sigs[s].get(names[s] or "") is None), None
                )
                if missing is not None:
                    api = part.api.name if missing == "mindspore" else torch_name
                    self.warn(
                        f"a row for parameter {names[missing]!r}, which {api} does not have (signature "
                        f"{sigs[missing]}); row not imported",
                        row.cells[missing],
                        "no-such-parameter",
                    )
                    stats += ImportStats(rows_dropped=1)
                    continue
                twice = next((s for s in FRAMEWORKS if names[s] is not None and names[s] in used[s]), None)
                if twice is not None:
                    self.warn(
                        f"a second row for parameter {names[twice]!r}; not imported", row.cells[twice], "row-duplicate"
                    )
                    stats += ImportStats(rows_dropped=1)
                    continue
                for side in FRAMEWORKS:
                    if names[side] is not None:
                        used[side].add(names[side] or "")
            kinds, automatic = self.settle(row, category, names["torch"], names["mindspore"], torch_sig, ms_sig)
            stats += ImportStats(rows_automatic=1) if automatic else ImportStats(rows_for_a_person=1)
            out: dict[str, Any] = {"torch": names["torch"], "mindspore": names["mindspore"], "kind": kinds}
            if category != "parameter":
                out["category"] = category
            if row.wording.note is not None:
                note = {"en": row.wording.note}
                if self.zh is not None:
                    self._zh(
                        note,
                        row.zh_note,
                        row.cells["difference"],
                        f"the note of the row {names['torch'] or '-'} / {names['mindspore'] or '-'}",
                    )
                out["note"] = note
            rows.append(out)
        import generator.introspect as introspect

        left = {
            s: Signature(tuple(p for p in sigs[s].parameters if p.name not in used[s] and p.name != "self"))
            for s in FRAMEWORKS
        }
        for draft in introspect.pair_rows(left["torch"], left["mindspore"]):
            kinds = [k.value for k in draft.kind]
            self.warn(
                f"no row for {_pair(draft.torch, draft.mindspore)}; added one inferred from the signatures as "
                f"{', '.join(kinds)}: confirm it",
                at_table,
                "row-added",
            )
            rows.append({"torch": draft.torch, "mindspore": draft.mindspore, "kind": kinds})
            stats += ImportStats(rows_added=1)
        if not rows:
            self.warn(
                f"{part.api.name}: no row to import and no parameter to infer one from; a row naming nothing was added",
                at_table,
                "table",
            )
            rows.append({"torch": None, "mindspore": "TODO", "kind": ["mindspore_only"], "category": "output"})
        for row_data in rows:
            row_data["kind"] = row_data["kind"][0] if len(row_data["kind"]) == 1 else row_data["kind"]
        if not copied:
            self.stats += stats
        return rows

    def split_rows(self, rows: list[_Row]) -> Iterator[_Row]:
        """Rows as the spec holds them: a cell naming several parameters ("beta1, beta2") gives a row each."""
        for row in rows:
            names = {side: [n.strip() for n in (getattr(row, side) or "").split(",")] for side in FRAMEWORKS}
            several = {side: len(names[side]) > 1 for side in FRAMEWORKS}
            readable = all(
                _IDENTIFIER.fullmatch(n.lstrip("*")) for side in FRAMEWORKS if several[side] for n in names[side]
            )
            if row.category != "parameter" or not any(several.values()) or not readable:
                yield row
                continue
            torch, ms = names["torch"], names["mindspore"]
            if len(torch) == len(ms):
                pairs: list[tuple[str | None, str | None]] = list(zip(torch, ms, strict=True))
            elif len(torch) == 1:
                pairs = [(row.torch, ms[0]), *((None, m) for m in ms[1:])]
            elif len(ms) == 1:
                pairs = [(torch[0], row.mindspore), *((t, None) for t in torch[1:])]
            else:
                yield row
                continue
            for i, (t, m) in enumerate(pairs):
                wording = row.wording if i == 0 else Wording(frozenset(), None, False)
                yield replace(row, torch=t, mindspore=m, wording=wording, split=True)

    def settle(
        self, row: _Row, category: str, torch: str | None, ms: str | None, torch_sig: Signature, ms_sig: Signature
    ) -> tuple[list[str], bool]:
        """The row's kinds: what its wording says, made to agree with its names and the signatures."""
        said = set(row.wording.kinds)
        where = row.cells["difference"]
        if torch is None or ms is None:
            want = DiffKind.TORCH_ONLY if ms is None else DiffKind.MINDSPORE_ONLY
            extra = said - {want, DiffKind.SAME}
            if extra:
                self.warn(
                    f"the page says {_said(extra)}, but only {'PyTorch' if ms is None else 'MindSpore'} has "
                    f"this {row.category}; kind {want.value}",
                    where,
                    "kind-contradicted",
                )
            if row.split:
                self.warn(
                    f"split from a row naming several parameters; kind {want.value}: confirm it", where, "row-split"
                )
            return [want.value], not row.split
        facts: set[DiffKind] = set()
        if torch != ms:
            facts.add(DiffKind.RENAMED)
        tp, mp = torch_sig.get(torch), ms_sig.get(ms)
        defaults_known = category == "parameter" and tp is not None and mp is not None
        if defaults_known and tp is not None and mp is not None and tp.default_key != mp.default_key:
            facts.add(DiffKind.DEFAULT_DIFFERS)
        automatic = bool(said) and row.wording.plain and not row.split
        kinds = said - {DiffKind.TORCH_ONLY, DiffKind.MINDSPORE_ONLY}
        if said & {DiffKind.TORCH_ONLY, DiffKind.MINDSPORE_ONLY}:
            self.warn(
                f"the page says {_said(said & {DiffKind.TORCH_ONLY, DiffKind.MINDSPORE_ONLY})}, but both sides "
                f"name a {row.category}",
                where,
                "kind-contradicted",
            )
        if not automatic:
            if row.split:  # the names are the page's; their kinds follow from the signatures
                kinds = facts | (kinds - {DiffKind.SAME, DiffKind.RENAMED}) or {DiffKind.SAME}
            else:  # free text says something differs; what, a person decides
                kinds = (facts or {DiffKind.BEHAVIOUR_DIFFERS}) | (kinds - {DiffKind.SAME})
            shown = ", ".join(k.value for k in _ordered(kinds))
            self.warn(
                f"split from a row naming several parameters; kind set to {shown}: confirm it"
                if row.split
                else f"free text in the Difference column, kept as the row's note; kind set to {shown}: confirm it",
                where,
                "row-split" if row.split else "kind-unconfirmed",
            )
        else:
            if DiffKind.RENAMED in kinds and DiffKind.RENAMED not in facts:
                self.warn(f"the row says the names differ, but both are called {torch!r}", where, "names-equal")
                kinds.discard(DiffKind.RENAMED)
            if DiffKind.RENAMED in facts and DiffKind.RENAMED not in kinds:
                self.warn(
                    f"the names differ ({torch!r} and {ms!r}) but the row does not say so; kind renamed added",
                    where,
                    "kind-contradicted",
                )
                kinds.add(DiffKind.RENAMED)
            if defaults_known and tp is not None and mp is not None:
                if DiffKind.DEFAULT_DIFFERS in kinds and DiffKind.DEFAULT_DIFFERS not in facts:
                    self.warn(
                        f"the row says the defaults differ, but both are {_default(tp)}", where, "kind-contradicted"
                    )
                    kinds.discard(DiffKind.DEFAULT_DIFFERS)
                if DiffKind.DEFAULT_DIFFERS in facts and DiffKind.DEFAULT_DIFFERS not in kinds:
                    self.warn(
                        f"the defaults differ ({_default(tp)} and {_default(mp)}) but the row does not say so; "
                        "kind default_differs added",
                        where,
                        "kind-contradicted",
                    )
                    kinds.add(DiffKind.DEFAULT_DIFFERS)
        if len(kinds) > 1:
            kinds.discard(DiffKind.SAME)
        return [k.value for k in _ordered(kinds or {DiffKind.SAME})], automatic

    def examples(
        self,
        part: _TargetPart,
        zh: _TargetPart | None,
        torch_name: str,
        target_id: str,
        found: dict[str, list[ImportedExample]],
        copied_from: str | None,
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if zh is not None and self.zh is not None and len(zh.examples) != len(part.examples):
            self.warn(
                f"the Chinese page has {len(zh.examples)} examples for {part.api.name}, the English "
                f"{len(part.examples)}; matched by position",
                zh.api.at,
                "zh-unmatched",
            )
        for e, example in enumerate(part.examples):
            broken = next((s for s in (example.torch, example.mindspore) if _compile_error(s) is not None), None)
            if broken is not None:
                self.warn(
                    f"the {_LABEL[broken.framework]} snippet does not compile ({_compile_error(broken)}); "
                    "example not imported",
                    Location(self.page.path, broken.first_line, 1),
                    "example-syntax",
                )
                continue
            item: dict[str, Any] = {
                "id": example.id or _slug(example.title, len(out) + 1),
                "title": {"en": example.title},
            }
            zh_example = zh.examples[e] if zh is not None and e < len(zh.examples) else None
            if self.zh is not None:
                self._zh(
                    item["title"],
                    zh_example.title if zh_example else None,
                    example.at,
                    f"the title of example {example.title!r}",
                )
                if zh_example is not None:
                    for side in FRAMEWORKS:
                        if getattr(zh_example, side).code != getattr(example, side).code:
                            self.warn(
                                f"the Chinese page's {_LABEL[side]} code of this example differs from the "
                                "English; the English code is kept",
                                Location(zh_example.at.path, getattr(zh_example, side).first_line, 1),
                                "zh-code-differs",
                            )
            item["torch"] = example.torch.code
            item["mindspore"] = example.mindspore.code
            if example.note is not None:
                item["note"] = {"en": example.note}
                if self.zh is not None:
                    self._zh(
                        item["note"],
                        zh_example.note if zh_example else None,
                        example.at,
                        f"the note of example {example.title!r}",
                    )
            elif zh_example is not None and zh_example.note is not None:
                self.warn(
                    "the Chinese page has a note for an example whose English has none; not imported",
                    zh_example.at,
                    "zh-unmatched",
                )
            if example.not_run:
                item["not_run"] = {side: {"en": reason} for side, reason in example.not_run.items()}
                for side, reason in item["not_run"].items():
                    if self.zh is not None:
                        theirs = zh_example.not_run.get(side) if zh_example else None
                        self._zh(reason, theirs, example.at, f"why example {example.title!r} is not executed here")
            out.append(item)
            found.setdefault(torch_name, []).append(
                ImportedExample(torch_name, target_id, item["id"], (example.torch, example.mindspore))
            )
        if copied_from is None:
            self.stats += ImportStats(snippets=2 * len(out), examples=len(out))
        else:
            if out:
                self.warn(
                    f"the examples are those of {copied_from}; rewrite them to call {torch_name}", part.api.at, "copied"
                )
        if not out:
            self.warn(
                f"no example of {part.api.name} could be imported; a TODO placeholder example stands in",
                part.api.at,
                "placeholder",
            )
            out.append(
                {
                    "id": "basic",
                    "title": {"en": "TODO: a title", **({"zh_CN": "TODO：标题"} if self.zh is not None else {})},
                    "torch": f"# TODO: an example that uses {torch_name}\nimport torch\n",
                    "mindspore": f"# TODO: the same with {part.api.name}\nimport mindspore\n",
                }
            )
        return out

    # ---- several pairs on one page

    def extra_pairs(self, specs: dict[str, dict[str, Any]], examples: dict[str, list[ImportedExample]]) -> None:
        page = self.page
        assert page.torch is not None
        main = page.targets[0]
        for torch_name, ms_name, at in page.pairs:
            spec = specs.get(torch_name)
            if spec is not None and any(t["mindspore"]["name"] == ms_name for t in spec["targets"]):
                continue
            reason = self.installed(torch_name) if torch_name not in specs else None
            ms_reason = self.installed(ms_name)
            if isinstance(reason, str) or isinstance(ms_reason, str):
                why = reason if isinstance(reason, str) else ms_reason
                self.warn(
                    f"the pair {torch_name} → {ms_name} is listed but has no section, and {why}; not imported",
                    at,
                    "pair-skipped",
                )
                continue
            self.warn(
                f"the pair {torch_name} → {ms_name} has no section of its own; its table, prose and examples "
                f"are copied from {page.torch.name} → {main.api.name}: review them",
                at,
                "copied",
            )
            if spec is None:
                torch_part = _ApiPart(torch_name, at, summary=[], summary_from_differences=None)
                torch_api = self.api(torch_part, "torch", zh=None)
                if torch_api is None:
                    continue
                spec = specs[torch_name] = {"torch": torch_api, "targets": []}
            ms_part = _ApiPart(ms_name, at)
            copy = _TargetPart(
                ms_part,
                list(main.differences),
                at,
                list(main.formulas),
                list(main.rows),
                main.table_at,
                list(main.examples),
            )
            zh_main = self._zh_target(0)
            zh_copy = (
                _TargetPart(
                    _ApiPart(ms_name, zh_main.api.at),
                    list(zh_main.differences),
                    zh_main.differences_at,
                    list(zh_main.formulas),
                    list(zh_main.rows),
                    zh_main.table_at,
                    list(zh_main.examples),
                )
                if zh_main is not None
                else None
            )
            self.context = f"{torch_name} → {ms_name}"
            try:
                built = self.target(copy, spec["torch"], torch_name, zh_copy, examples, copied_from=page.torch.name)
            finally:
                self.context = ""
            if built is not None:
                spec["targets"].append(built)

    # ---- the Chinese page

    def merge_zh(self, zh: _Page) -> None:
        """Put each Chinese row's note beside its English row, matched by position."""
        for t, part in enumerate(self.page.targets):
            if t >= len(zh.targets):
                self.warn(f"the Chinese page has no section for {part.api.name}", zh.title_at, "zh-unmatched")
                continue
            other = zh.targets[t]
            if len(other.rows) != len(part.rows):
                self.warn(
                    f"the Chinese table of {part.api.name} has {len(other.rows)} rows, the English "
                    f"{len(part.rows)}; matched by position where the names agree",
                    other.table_at,
                    "zh-unmatched",
                )
            for row, zh_row in zip(part.rows, other.rows, strict=False):
                if (row.torch, row.mindspore, row.category) != (zh_row.torch, zh_row.mindspore, zh_row.category):
                    self.warn(
                        f"this Chinese row names {_pair(zh_row.torch, zh_row.mindspore)}, the English one "
                        f"{_pair(row.torch, row.mindspore)}; not matched",
                        zh_row.at,
                        "zh-unmatched",
                    )
                    continue
                row.zh_note = zh_row.wording.note
                if row.wording.note is None and zh_row.wording.note is not None:
                    self.warn(
                        "this Chinese row has text the English row lacks; not imported",
                        zh_row.cells["difference"],
                        "zh-unmatched",
                    )
        for extra in zh.targets[len(self.page.targets) :]:
            self.warn(
                f"the Chinese page's section {extra.api.name} has no English counterpart", extra.api.at, "zh-unmatched"
            )

    # ---- the result

    def validate(self, name: str, text: str) -> None:
        """Every imported spec must pass validation; a failure here is reported, not written."""
        from generator.load import parse
        from generator.validate import SpecFile, rule_errors, typed

        shown = f"{name}.yaml"
        try:
            doc = parse(text, shown_as=shown)
            spec = typed(doc)
            errors: list[ApimapError] = list(rule_errors(SpecFile(Path(shown), doc, spec)))
        except ErrorGroup as group:
            errors = list(group.errors)
        except SpecError as exc:
            errors = [exc]
        for error in errors:
            self.error(f"the imported spec {shown} would be invalid: {error}", self.page.title_at, "invalid-spec")


def _said(kinds: set[DiffKind]) -> str:
    return " and ".join(k.value for k in _ordered(kinds))


def _ordered(kinds: set[DiffKind]) -> list[DiffKind]:
    return [k for k in DiffKind if k in kinds]


def _default(param: Parameter) -> str:
    return "required" if param.default is None else param.default


def _pair(torch: str | None, ms: str | None) -> str:
    return f"{torch or '-'} / {ms or '-'}"


def _compile_error(snippet: Snippet) -> str | None:
    try:
        compile(snippet.code, "<snippet>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.msg
    except (ValueError, MemoryError, RecursionError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _closest(options: tuple[Signature, ...], page: Signature | None) -> Signature:
    if page is None:
        return max(options, key=lambda s: len(s.parameters))
    names = {p.name for p in page.parameters}
    return max(options, key=lambda s: (len(names & {p.name for p in s.parameters}), len(s.parameters)))


def _kind_by_name(name: str) -> str:
    parts = name.split(".")
    return "method" if len(parts) > 2 and parts[-2][:1].isupper() else "function"


def _doc_url(name: str) -> str:
    import generator.introspect as introspect

    return introspect.doc_url(name)


def _target_id(name: str) -> str:
    parts = name.split(".")
    return re.sub(r"[^a-z0-9_-]", "-", parts[1].lower()) if len(parts) > 2 else "main"


def _unique_ids(items: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for item in items:
        base = item["id"]
        n = 2
        while item["id"] in seen:
            item["id"] = f"{base[:58]}-{n}"
            n += 1
        seen.add(item["id"])
        if "examples" in item:
            _unique_ids(item["examples"])


_PAGE_LINK = re.compile(r"\]\((torch(?:\.[A-Za-z_]\w*)+)\.md\)")
"""A link an apimap page writes for an ``api:`` reference: to the sibling page ``<torch name>.md``."""
_EXAMPLE_ID = re.compile(r"<!-- example: ([a-z0-9][a-z0-9_-]{0,62}) -->")
"""The comment under an example's title on an apimap page, naming the example's id."""
_TARGET_LINE = re.compile(r"\((example-[^()\s]+)\)=")
"""The MyST target line above an example's title on an apimap page."""
_EXAMPLE_LINK = re.compile(r"\[(?P<words>see example|见示例)(?:[^\]\\]|\\.)*\]\(#(?P<label>example-[^()\s]+)\)")
"""A prose reference as an apimap page renders it: a link to an example's target."""


def _example_anchors(lines: list[str]) -> dict[str, str]:
    """The example id under each MyST target of the page: the comment that follows the target's heading."""
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        target = _TARGET_LINE.fullmatch(line.strip())
        if target is None:
            continue
        for after in lines[i + 1 : i + 5]:
            comment = _EXAMPLE_ID.search(after)
            if comment is not None:
                found[target[1]] = comment[1]
                break
    return found


def _slug(title: str, n: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return slug or f"example-{n}"


# ---------------------------------------------------------------- YAML out


try:  # the C emitter is several times faster; fall back where it is missing
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]


class _Dumper(_BaseDumper):
    """Block scalars for multi-line text, flow style for rows without a note."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Flow(dict[str, Any]):
    """A mapping written on one line."""


class _FlowList(list[str]):
    """A list of words written on one line."""


def _flow(dumper: _BaseDumper, value: _Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


def _str(dumper: _BaseDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow)
_Dumper.add_representer(
    _FlowList, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)
)


def dump(data: dict[str, Any]) -> str:
    """The spec file's text: the schema line, then the data in the field order of the model."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            out = {k: clean(v) for k, v in value.items() if not k.startswith("_")}
            if "kind" in out and "note" not in out and ("torch" in out and "mindspore" in out):
                return _Flow(out)
            return out
        if isinstance(value, list):
            if value and all(isinstance(v, str) for v in value):
                return _FlowList(value)
            return [clean(v) for v in value]
        return value

    return SCHEMA_LINE + yaml.dump(clean(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


# ---------------------------------------------------------------- --verify


@dataclass(frozen=True)
class VerifyReport:
    """What running the imported examples found."""

    problems: tuple[PageError, ...]
    examples: int
    ran_in_both: int
    claims_checked: int
    claims_differing: int


def verify(specs: Sequence[ImportedSpec], *, run: Callable[[Any], Any]) -> VerifyReport:
    """Run every imported example and compare its output with what the page pasted.

    ``run`` takes a `generator.run.Request` and returns its `Outcome`
    (`WorkerPool.run`). Each snippet runs as the page placed it, its pasted
    outputs blanked, so a traceback's line is the page's line.
    """
    from generator.run import Request

    problems: list[PageError] = []
    examples = ran = checked = differing = 0
    for spec in specs:
        for example in spec.examples:
            examples += 1
            ok = True
            for snippet in example.snippets:
                path = snippet.path
                outcome = run(Request(snippet.framework, snippet.run_code, path, snippet.first_line, ()))
                if outcome.error is not None:
                    ok = False
                    last = outcome.error.strip().splitlines()[-1] if outcome.error.strip() else "failed"
                    line = outcome.line or snippet.first_line
                    problems.append(
                        PageError(
                            f"the {_LABEL[snippet.framework]} snippet fails as written: {last}",
                            Location(path, line, 1),
                            code="verify-fails",
                        )
                    )
                    continue
                printed = [line.rstrip() for line in outcome.stdout.rstrip("\n").split("\n")] if outcome.stdout else []
                position = 0
                for claim, at in snippet.claims:
                    checked += 1
                    got = printed[position : position + len(claim)]
                    position += len(claim)
                    want = [line.rstrip() for line in claim]
                    if " ".join(" ".join(got).split()) != " ".join(" ".join(want).split()):
                        differing += 1
                        said = _short("\n".join(want))
                        shown = f'"{_short(chr(10).join(got))}"' if got else "nothing"
                        problems.append(
                            PageError(
                                f'the page claims "{said}", the {_LABEL[snippet.framework]} snippet prints {shown}',
                                at,
                                code="verify-output",
                            )
                        )
            ran += ok
    return VerifyReport(tuple(problems), examples, ran, checked, differing)


def _short(text: str, limit: int = 80) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"
