"""Prose fields as a closed subset of Markdown: parsed, checked against their field's subset, re-emitted.

A spec's prose (summaries, differences, notes, captions, titles) is Markdown
read with markdown-it-py: CommonMark, pipe tables (only to refuse them) and
``$`` math from mdit-py-plugins, as MyST reads the site's pages. What each
field may contain is data, `SUBSETS`; `problems` lists every construct outside
it with its line and column in the text; `to_markdown` writes the parsed tree
back as MyST Markdown (`Parsed` does both from one parse, as a build does),
so pages say what the tree says, normalized the same way in every language,
and text can never turn into markup on the way.

Links are ``https://`` addresses or ``api:NAME`` references to the mapping
page of another torch API, e.g. ``[Conv2d](api:torch.nn.Conv2d)`` or
``<api:torch.nn.Conv2d>``; a reference becomes a relative link to the sibling
page in the same language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from generator.model import QUALIFIED_NAME_PATTERN

API_SCHEME = "api:"
"""The link scheme naming another mapping page by its torch API."""

Shape = Literal["block", "line", "cell"]
"""How a field is placed: blocks of their own, one line (a heading), or a table cell."""


@dataclass(frozen=True)
class Subset:
    """What one kind of prose field may contain."""

    where: str
    """The field as messages name it, e.g. 'a table note'."""
    shape: Shape
    blocks: frozenset[str]
    """Block constructs allowed, by markdown-it token type without ``_open``."""
    inlines: frozenset[str]
    """Inline constructs allowed, likewise."""
    headings: tuple[int, ...] = ()
    """Heading levels allowed; a heading may go at most one level deeper than the one before."""


_INLINE = frozenset({"text", "softbreak", "code_inline", "em", "strong", "math_inline", "link"})
_BLOCKS = frozenset({"paragraph", "bullet_list", "ordered_list", "list_item", "blockquote", "math_block"})

_ONE_LINE = frozenset({"paragraph", "list_item"})  # list items only inside lists, which are refused

SUBSETS: dict[str, Subset] = {
    "Api.summary": Subset("a summary", "block", _BLOCKS, _INLINE),
    "Target.differences": Subset("differences", "block", _BLOCKS | {"heading"}, _INLINE, headings=(3, 4)),
    "Formula.caption": Subset("a caption", "block", _BLOCKS, _INLINE),
    "Example.note": Subset("an example note", "block", _BLOCKS, _INLINE),
    "Example.title": Subset("a title", "line", _ONE_LINE, _INLINE - {"link"}),
    "Row.note": Subset("a table note", "cell", _ONE_LINE, _INLINE),
    "NotRun.torch": Subset("a reason not to run", "line", _ONE_LINE, _INLINE),
    "NotRun.mindspore": Subset("a reason not to run", "line", _ONE_LINE, _INLINE),
}
"""The subset of every prose field, by ``Model.field``; a `Text` field missing here is a test failure.

Differences sit under the page's ``## Differences`` heading, above ``### Code
Example``: their sub-headings are ``###``, and ``####`` beneath one of those.
"""


@dataclass(frozen=True, order=True)
class Problem:
    """A construct outside the subset, at ``line`` and ``col`` (from 0) of the text."""

    line: int
    col: int
    message: str


# Most prose is one line of words and code spans. A line that no block rule
# can start is one paragraph: its inline content alone is parsed. A line with
# nothing an inline rule reacts to either (``_`` inside a word is text) is not
# parsed at all. Both give what the full parse gives, at a fraction of its cost.
_BLOCK_START = re.compile(r"^(?:[-+*_#><\[]|\d+[.)]|```|~~~|\$\$)")
_LINE_BLOCK_START = re.compile(r" {4}| *(?:[-+*_#><\[]|\d+[.)]|```|~~~|\$\$)")
"""Block syntax at the start of a line, after spaces; four spaces start a code block."""
_INLINE_MARKUP = re.compile(r"[\\`*\[\]<$&\n\r\t]")
"""Characters an inline rule reacts to, but ``_``: one plain character class, which `re` scans fast."""
_LONE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")


def _inline_plain(text: str) -> bool:
    """Whether no inline rule reacts to anything in ``text``."""
    return _INLINE_MARKUP.search(text) is None and ("_" not in text or _LONE_UNDERSCORE.search(text) is None)


def _one_plain_line(text: str) -> bool:
    return _LINE_BLOCK_START.match(text) is None and _inline_plain(text)


def parse(text: str, *, offsets: bool = False) -> list[Token]:
    """The markdown-it tokens of ``text``; with ``offsets``, inline tokens note where they start in their content."""
    if "\n" not in text and text == text.strip() and _BLOCK_START.match(text) is None:
        spans = _code_spans(text)
        return spans if spans is not None else _parser(offsets=offsets).parseInline(text)
    return _parser(offsets=offsets).parse(text)


# Most prose that needs parsing is words and `code` spans. In one line whose
# words hold nothing an inline rule reacts to, and whose backticks are single,
# each span runs from a backtick to the next: the tokens are built here, as
# markdown-it builds them (one space each side stripped, as CommonMark says).
# Outside the spans, a backslash before ASCII punctuation is that character as
# text: how the README and the errors tell writers to show ``<`` or ``*``.
_CODE_SPAN = re.compile(r"`([^`]+)`")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _code_spans(text: str) -> list[Token] | None:
    """The tokens of one stripped line of words, single-backtick code spans and escapes, or None for any other text."""
    if "``" in text or "\\`" in text or "\0" in text:
        return None
    if not _inline_plain(_ESCAPED.sub("\0", _CODE_SPAN.sub("\0", text))):
        return None
    children: list[Token] = []
    done = 0
    for match in _CODE_SPAN.finditer(text):
        if match.start() > done:
            words = _ESCAPED.sub(r"\1", text[done : match.start()])
            children.append(Token("text", "", 0, content=words, meta={"offset": done}))
        code = match.group(1)
        if code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        children.append(Token("code_inline", "code", 0, content=code, markup="`", meta={"offset": match.start()}))
        done = match.end()
    if done < len(text):
        children.append(Token("text", "", 0, content=_ESCAPED.sub(r"\1", text[done:]), meta={"offset": done}))
    return [Token("inline", "", 0, map=[0, 1], content=text, children=children)]


def problems(text: str, subset: Subset, *, pages: Set[str] | None = None) -> list[Problem]:
    """Every construct of ``text`` outside ``subset``; ``pages`` are the API names ``api:`` links may name."""
    return Parsed.of(text).problems(subset, pages=pages)


def to_markdown(text: str, shape: Shape) -> str:
    """``text`` re-emitted from its parse tree as MyST Markdown placed as ``shape`` says."""
    if _one_plain_line(text):
        return Parsed(text, None).markdown(shape)
    return Parsed(text, parse(text)).markdown(shape)


@dataclass(frozen=True)
class Parsed:
    """One prose text and its parse, read once to be both checked and re-emitted."""

    text: str
    tokens: list[Token] | None
    """The tokens, with offsets; None for one plain line, which needs no parse."""

    @classmethod
    def of(cls, text: str) -> Parsed:
        """``text`` parsed once, with the offsets that locate its problems (the writer ignores them)."""
        return cls(text, None if _one_plain_line(text) else parse(text, offsets=True))

    def problems(self, subset: Subset, *, pages: Set[str] | None = None) -> list[Problem]:
        """Every construct outside ``subset``; ``pages`` are the API names ``api:`` links may name."""
        if self.tokens is None:
            return []
        lines = self.text.split("\n")
        return sorted(set(_problems(self.tokens, lines, subset, pages)))

    def markdown(self, shape: Shape) -> str:
        """The text re-emitted from its parse tree as MyST Markdown placed as ``shape`` says."""
        tokens = self.tokens
        if tokens is None:
            return _Writer(shape).text(self.text.strip(), before_bracket=False)
        if shape == "block" and not (len(tokens) == 1 and tokens[0].type == "inline"):
            return "\n".join(_Writer(shape).blocks(tokens))
        inline = [t for t in tokens if t.type == "inline"]
        return " ".join(_Writer(shape).inline(t.children or []) for t in inline)


Written = Mapping[tuple[Shape, str], str]
"""Prose re-emitted by validation, by shape and source text: what the renderer places instead of parsing again."""


def _validate_link(url: str) -> bool:
    """Every destination makes a link token, so that `problems` can name the refused ones."""
    return True


@functools.cache
def _parser(*, offsets: bool) -> MarkdownIt:
    """A parser, built once: it is not changed after this, and each parse has its own state."""
    md = MarkdownIt("commonmark").enable("table")
    md.use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True, double_inline=False)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    if offsets:  # for locating problems; rendering does without
        md.inline.ruler.before("text", "apimap_offset", _record_offset)
        md.inline.ruler2.before("balance_pairs", "apimap_offset_end", _record_last_offset)
    return md


# Inline tokens carry no position; these two rules note in each token's meta
# the offset in its inline's content where the rule that pushed it started.
def _record_offset(state: StateInline, silent: bool) -> bool:
    if not silent:
        _tag(state)
        state.env.setdefault("apimap_offsets", {})[id(state.tokens)] = state.pos
    return False


def _record_last_offset(state: StateInline) -> None:
    _tag(state)


def _tag(state: StateInline) -> None:
    offset = state.env.get("apimap_offsets", {}).get(id(state.tokens), 0)
    for token in reversed(state.tokens):
        if "offset" in token.meta:
            break
        token.meta["offset"] = offset


_MESSAGES = {
    "html_block": "raw HTML is not allowed in {where}; write Markdown, or escape '<' as '\\<'",
    "html_inline": "raw HTML is not allowed in {where}; write Markdown, or escape '<' as '\\<'",
    "image": "images are not allowed in {where}",
    "fence": "code blocks are not allowed in {where}; use `inline code`, or an example",
    "code_block": "indented code blocks are not allowed in {where}; use `inline code`, or an example",
    "table": "tables are not allowed in {where}; the differences table is generated from 'table'",
    "hr": "horizontal rules are not allowed in {where}",
    "heading": "headings are not allowed in {where}",
    "math_block": "display math ($$) is not allowed in {where}; use $...$",
    "math_block_label": "numbered equations ($$ ... $$ (label)) are not supported",
    "bullet_list": "lists are not allowed in {where}, which is one line",
    "ordered_list": "lists are not allowed in {where}, which is one line",
    "blockquote": "block quotes are not allowed in {where}, which is one line",
    "paragraph": "{where} is one paragraph; remove the empty line",
    "hardbreak": "line breaks inside a paragraph are not supported; start a new paragraph with an empty line",
    "link": "links are not allowed in {where}",
}


def _problems(tokens: list[Token], lines: list[str], subset: Subset, pages: Set[str] | None) -> Iterator[Problem]:
    paragraphs = 0
    level = 2  # the heading the field sits under
    skip_to = -1
    for i, token in enumerate(tokens):
        kind = token.type.removesuffix("_open")
        if token.nesting == -1 or i <= skip_to:
            continue
        if kind == "inline":
            yield from _inline_problems(token, lines, subset, pages)
            continue
        line = token.map[0] if token.map else 0
        if kind == "paragraph" and token.level == 0:
            paragraphs += 1
            if subset.shape != "block" and paragraphs > 1:
                yield _at(lines, line, _MESSAGES["paragraph"].format(where=subset.where))
            continue
        if kind not in subset.blocks:
            message = _MESSAGES.get(kind, f"{kind} is not allowed in {{where}}").format(where=subset.where)
            yield _at(lines, line, message, mark=token.markup if kind in ("heading", "fence", "hr") else "")
            if kind in ("table", "blockquote", "bullet_list", "ordered_list"):
                skip_to = _close(tokens, i)  # one problem for the construct, not one per part
        elif kind == "math_block" and "$$" in token.content:
            yield _at(lines, line, "display math cannot contain '$$'")
        elif kind == "heading":
            wanted = int(token.tag[1:])
            if wanted not in subset.headings or wanted > level + 1 or token.level > 0:
                levels = " or ".join("#" * n for n in subset.headings)
                yield _at(
                    lines,
                    line,
                    mark=token.markup,
                    message=f"a heading in {subset.where} is {levels}, one level at most below the heading before it"
                    f" (the page's '## Differences' at first), outside lists and quotes; got {'#' * wanted}",
                )
            level = wanted


def _inline_problems(inline: Token, lines: list[str], subset: Subset, pages: Set[str] | None) -> Iterator[Problem]:
    for child in inline.children or []:
        kind = child.type.removesuffix("_open")
        if child.nesting == -1:
            continue
        message: str | None = None
        if kind not in subset.inlines:
            if kind == "softbreak" or kind == "text":
                continue
            message = _MESSAGES.get(kind, f"{kind} is not allowed in {{where}}").format(where=subset.where)
        elif kind == "link":
            message = _link_problem(str(child.attrGet("href") or ""), pages)
        if message is not None:
            yield _inline_at(inline, lines, child, message)


def _link_problem(href: str, pages: Set[str] | None) -> str | None:
    if href.startswith(API_SCHEME):
        name = href.removeprefix(API_SCHEME)
        if re.fullmatch(QUALIFIED_NAME_PATTERN, name) is None:
            return f"{href!r} does not name an API; write api:NAME, e.g. api:torch.nn.Conv2d"
        if pages is not None and name not in pages:
            return f"{href!r}: no mapping page for {name} (api: links name the torch API of a spec in mappings/)"
        return None
    parts = urlsplit(href)
    if parts.scheme == "https" and parts.netloc:
        return None
    got = f"{parts.scheme}: links" if parts.scheme else "relative links"
    return f"links are https:// addresses or api:NAME references to mapping pages; {got} are not allowed ({href!r})"


def _at(lines: list[str], line: int, message: str, mark: str = "") -> Problem:
    """A block construct's problem: at its ``mark`` on its first line, or at the line's first character."""
    text = lines[line] if line < len(lines) else ""
    col = text.find(mark) if mark else -1
    return Problem(line, col if col >= 0 else len(text) - len(text.lstrip()), message)


def _inline_at(inline: Token, lines: list[str], child: Token, message: str) -> Problem:
    """An inline construct's problem, from its offset in the inline content back to the text's lines."""
    content = inline.content
    offset = min(int(child.meta.get("offset", 0)), len(content))
    if child.type == "hardbreak":  # at the spaces that make it, not at the end of the line
        offset = len(content[:offset].rstrip(" "))
    row = content.count("\n", 0, offset)
    col = offset - (content.rfind("\n", 0, offset) + 1)
    line = (inline.map[0] if inline.map else 0) + row
    if line < len(lines):
        # content lines are the text's lines less the list, quote or cell around them
        start = lines[line].find(content.split("\n")[row])
        col += max(start, 0)
    return Problem(line, col, message)


# Characters that are markup anywhere in a line, and what makes a line start markup.
_ESCAPE = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>|~$&#"})
_LINE_START = re.compile(r"^(\d+(?=[.)])|)([-+=>:.)(%])")  # a list number's "." or ")", or a first character


class _Writer:
    """Writes a token stream back as Markdown: only what the subset allows, text escaped."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.line_start = True

    def blocks(self, tokens: list[Token], *, tight: bool = False) -> list[str]:
        """The lines of a sequence of blocks: an empty line between blocks unless they are in a tight list."""
        out: list[str] = []
        previous = ""
        i = 0
        while i < len(tokens):
            end = _close(tokens, i)
            # two lists of one type in a row would merge into one: the second uses the other marker
            lines = self.block(tokens, i, end, other_marker=tokens[i].type == previous)
            previous = "" if tokens[i].type == previous else tokens[i].type
            if lines:
                if out and not tight:
                    out.append("")
                out.extend(lines)
            i = end + 1
        return out

    def block(self, tokens: list[Token], start: int, end: int, *, other_marker: bool = False) -> list[str]:
        """The lines of the block from ``tokens[start]`` to its closing token ``tokens[end]``."""
        token = tokens[start]
        inner = tokens[start + 1 : end]
        kind = token.type
        if kind in ("paragraph_open", "heading_open"):
            self.line_start = True
            text = self.inline(inner[0].children or []) if inner else ""
            return [f"{'#' * int(token.tag[1:])} {text}"] if kind == "heading_open" else text.split("\n")
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self.items(token, inner, other_marker=other_marker)
        if kind == "blockquote_open":
            return [f"> {line}" if line else ">" for line in self.blocks(inner) or [""]]
        if kind == "math_block":
            return ["$$", *token.content.strip("\n").split("\n"), "$$"]
        # a construct the subset refuses (validation reported it): its text, shown as text
        source = token.content or "".join(t.content for t in inner)
        return [_LINE_START.sub(r"\1\\\2", line.translate(_ESCAPE)) for line in source.strip("\n").split("\n")]

    def items(self, token: Token, inner: list[Token], *, other_marker: bool) -> list[str]:
        """A list: ``-`` or ``n.`` markers, continuation lines indented to the item's content.

        A list nested in a list's first line takes the next bullet of ``-*+``, so
        that ``- - -`` cannot read as a rule; a list right after another of its
        type takes the other one, or ``)``, so that the two stay two.
        """
        tight = any(t.hidden for t in inner if t.type == "paragraph_open" and t.level == token.level + 2)
        bullet = "-*+"[(token.level // 2 + other_marker) % 3]
        delimiter = ")" if other_marker else "."
        out: list[str] = []
        number = int(token.attrGet("start") or 1)
        i = 0
        while i < len(inner):
            end = _close(inner, i)
            marker = bullet if token.type == "bullet_list_open" else f"{number}{delimiter}"
            number += 1
            lines = self.blocks(inner[i + 1 : end], tight=tight) or [""]
            pad = " " * (len(marker) + 1)
            if out and not tight:
                out.append("")
            out.append(f"{marker} {lines[0]}".rstrip())
            out.extend(pad + line if line else "" for line in lines[1:])
            i = end + 1
        return out

    def inline(self, children: list[Token]) -> str:
        """One paragraph's or heading's inline content."""
        out: list[str] = []
        for i, child in enumerate(children):
            kind = child.type
            if kind == "text":
                text = child.content
                if i and children[i - 1].markup == "autolink" and text.startswith(API_SCHEME):
                    text = text.removeprefix(API_SCHEME)  # <api:NAME> reads as the name
                text = self.text(text, before_bracket=_next_is(children, i, "link_open"))
                # a space beside a "*" would stop it from being emphasis (or make a list): written as a reference
                if i and children[i - 1].type in ("em_open", "strong_open") and text[:1].isspace():
                    text = "&#32;" + text[1:]
                if _next_is(children, i, "em_close", "strong_close") and text[-1:].isspace():
                    text = text[:-1] + "&#32;"
                out.append(text)
                continue
            if kind in ("softbreak", "hardbreak"):
                out.append("\n" if self.shape == "block" else " ")
                self.line_start = self.shape == "block"
                continue
            self.line_start = False
            if kind == "code_inline":
                out.append(self.code(child.content))
            elif kind in _DELIMITERS:  # as written: "*a*_b_" with one marker would read differently
                out.append(child.markup)
            elif kind == "math_inline":
                out.append("$" + self.cell(child.content.replace("\n", " ")) + "$")
            elif kind in ("link_open", "link_close"):
                opening = child if kind == "link_open" else next(t for t in reversed(children[:i]) if t.nesting == 1)
                href = str(opening.attrGet("href") or "")
                if _link_problem(href, None) is None:  # a refused link shows its text only
                    out.append("[" if kind == "link_open" else "](" + _destination(href) + ")")
            else:  # refused by the subset (validation reported it): its source, shown as text
                out.append(self.text(child.content or child.markup, before_bracket=False))
        return "".join(out)

    def text(self, text: str, *, before_bracket: bool) -> str:
        """Plain text, escaped so that it stays text wherever it stands."""
        if self.line_start:
            text = text.lstrip()
        text = text.translate(_ESCAPE)
        if self.line_start:
            text = _LINE_START.sub(r"\1\\\2", text, count=1)
        if before_bracket and text.endswith("!"):  # "![" would start an image
            text = text[:-1] + "\\!"
        if text:
            self.line_start = False
        return text

    def code(self, code: str) -> str:
        """A code span fenced by more backticks than any run inside it."""
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        ticks = "`" * (longest + 1)
        # one space each side is stripped when read back, unless the span is only spaces
        pad = " " if code.strip(" ") and (code.startswith(("`", " ")) or code.endswith(("`", " "))) else ""
        return f"{ticks}{pad}{self.cell(code)}{pad}{ticks}"

    def cell(self, text: str) -> str:
        """In a table cell a pipe ends the cell even inside code or math: escaped there."""
        return text.replace("|", "\\|") if self.shape == "cell" else text


def _destination(href: str) -> str:
    if href.startswith(API_SCHEME):
        return href.removeprefix(API_SCHEME) + ".md"  # the sibling page in the same language folder
    return f"<{href}>"


_DELIMITERS = ("em_open", "em_close", "strong_open", "strong_close")


def _next_is(tokens: list[Token], i: int, *kinds: str) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1].type in kinds


def _close(tokens: list[Token], start: int) -> int:
    """The index of the token closing ``tokens[start]`` (itself when it opens nothing)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1
