"""The rendered site as MyST reads it: every committed spec, both languages, examples not run.

Pages are parsed with the parser myst-parser builds for docs/conf.py's
extensions, and checked for structure that Sphinx would accept silently but
readers would see broken: ragged tables, unclosed fences, links to nowhere,
a page without its translation. Prose is checked to survive its trip through
`generator.prose.to_markdown`: MyST reads the re-emitted text as the tree the
spec's text parsed to.
"""

from __future__ import annotations

import functools
import posixpath
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from generator import render_all
from generator.model import LANGUAGES
from generator.prose import API_SCHEME, SUBSETS, parse, problems, to_markdown
from generator.validate import load_corpus, prose_fields, spec_paths

from .conftest import ROOT


@functools.cache
def _myst_parser() -> MarkdownIt:
    """The parser MyST uses for the site's pages, configured as docs/conf.py configures it."""
    conf: dict[str, Any] = {}
    exec((ROOT / "docs" / "conf.py").read_text(encoding="utf-8"), conf)
    return create_md_parser(MdParserConfig(enable_extensions=set(conf["myst_enable_extensions"])), RendererHTML)


def _parser_full() -> MarkdownIt:
    """The prose parser as it reads a whole text (`parse` may take a shortcut for one line)."""
    return MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)


@functools.cache
def _site() -> dict[str, str]:
    corpus = load_corpus(spec_paths(ROOT / "mappings"))
    return render_all(corpus, templates=ROOT / "templates")


@functools.cache
def _parsed(rel: str) -> list[Token]:
    return _myst_parser().parse(_site()[rel])


def _pages() -> list[str]:
    return sorted(_site())


def test_every_page_has_its_sibling_in_every_language() -> None:
    by_lang = {lang: {rel.split("/", 1)[1] for rel in _site() if rel.startswith(f"{lang}/")} for lang in LANGUAGES}
    assert by_lang["en"]
    assert all(pages == by_lang["en"] for pages in by_lang.values())
    assert len(_site()) == len(LANGUAGES) * len(by_lang["en"])


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@pytest.mark.parametrize("rel", _pages())
def test_every_table_row_has_as_many_cells_as_its_header(rel: str) -> None:
    lines = _site()[rel].splitlines()
    tables = [t for t in _parsed(rel) if t.type == "table_open"]
    assert tables
    for table in tables:
        assert table.map is not None
        counts = {n + 1: len(_CELL_SPLIT.split(lines[n].strip().strip("|"))) for n in range(*table.map)}
        assert len(set(counts.values())) == 1, f"{rel}: cells per line {counts}"


@pytest.mark.parametrize("rel", _pages())
def test_every_fence_is_closed(rel: str) -> None:
    lines = _site()[rel].splitlines()
    fences = [t for t in _parsed(rel) if t.type == "fence"]
    assert fences
    for fence in fences:
        assert fence.map is not None
        last = lines[fence.map[1] - 1].strip()
        opening = lines[fence.map[0]].strip()
        assert fence.map[1] - fence.map[0] >= 2, f"{rel}:{fence.map[0] + 1}: fence without a closing line"
        assert set(last) == {fence.markup[0]} and len(last) >= len(fence.markup), f"{rel}:{fence.map[0] + 1}: {opening}"


def _links(tokens: list[Token]) -> list[str]:
    found: list[str] = []
    for token in tokens:
        if token.type == "link_open":
            found.append(str(token.attrGet("href")))
        found.extend(_links(token.children or []))
    return found


@pytest.mark.parametrize("rel", _pages())
def test_every_internal_link_resolves(rel: str) -> None:
    tokens = _parsed(rel)
    folder = posixpath.dirname(rel)
    internal = [href for href in _links(tokens) if not href.startswith("https://")]
    assert internal, "every page links to its translations"
    for href in internal:
        if href.startswith("#"):  # a reference to an example: its MyST target is on this page
            assert f"\n({href[1:]})=\n####" in _site()[rel], f"{rel}: {href} names no example heading"
            continue
        assert "://" not in href and not href.startswith("/"), href
        assert posixpath.normpath(posixpath.join(folder, href)) in _site(), f"{rel}: {href} resolves to no page"
    for toctree in (t for t in tokens if t.type == "fence" and t.info == "{toctree}"):
        for entry in toctree.content.splitlines():
            if entry and not entry.startswith(":"):
                assert f"{folder}/{entry}.md" in _site(), f"{rel}: toctree entry {entry} is no page"


def _shape(tokens: list[Token], *, breaks_are_spaces: bool = False) -> list[tuple[str, str]]:
    """A token stream reduced to what a reader sees: structure, text, code, math, link targets."""
    out: list[tuple[str, str]] = []
    autolink = False
    for token in tokens:
        if token.type == "inline":
            out.extend(_shape(token.children or [], breaks_are_spaces=breaks_are_spaces))
            continue
        kind, detail = token.type, ""
        if kind == "softbreak" and breaks_are_spaces:
            kind, detail = "text", " "
        elif kind == "text":
            detail = token.content.removeprefix(API_SCHEME) if autolink else token.content
        elif kind in ("code_inline", "math_inline"):
            detail = token.content.strip("\n")
        elif kind == "math_block":
            detail = token.content.strip()
        elif kind == "link_open":
            href = str(token.attrGet("href"))
            detail = href.removeprefix(API_SCHEME) + ".md" if href.startswith(API_SCHEME) else href
        elif kind in ("heading_open", "ordered_list_open"):
            detail = f"{token.tag}{token.attrGet('start') or ''}"
        autolink = kind == "link_open" and token.markup == "autolink"
        if kind == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + detail)
        elif kind == "text" and not detail:
            continue
        else:
            out.append((kind, detail))
    return out


_TRICKY = [
    "Intro with *em*, **strong**, `code`, $x_1$ and [a link](https://example.org/a_b).\n\n### Sub-heading\n\n"
    "1. one\n2. two\n   - nested\n   - list\n\n> A note with $$y$$ inside.\n\n$$\n\\sum_i x_i\n$$",
    "10) start at ten\n11) next\n\n* star\n* list\n\n- dash list right after",
    "a line\n+ a list that interrupts\n\n\\% not a comment\n\n\\(label)=\n\n\\+++",
    "text ending with a bang\\![link](https://example.org) and <api:torch.amax>",
    "`` code with ` tick `` and ` `` ` and $a|b$ and \\$5 and 3 \\* 4 and a_b_c",
    "Setext heading\n---\n\nand 1986\\. a year",
    "- tight\n- list\n\n  with a second paragraph\n- item",
    # words and code spans only: tokens built without the parser (`generator.prose._code_spans`)
    "`a` then ` b ` then `  ` then `x|y` and `*not em*` and `_` end.",
    "x_`y` and `z`_w and 50 % and a-b: `a``",
    # ... and backslash escapes outside the spans
    "Assign it \\<script\\>x\\</script\\> with `a\\b` and 3 \\* 4 \\_ \\\\ and \\&amp; \\[x\\](y) end\\.",
    "\\`not code` and \\\\`code` and \\q and a\\",
]


def _prose_cases() -> list[tuple[str, str]]:
    corpus = load_corpus(spec_paths(ROOT / "mappings"))
    cases = {
        (field, value)
        for file in corpus.files
        for _, field, text in prose_fields(file.spec, (), "")
        for lang in LANGUAGES
        if (value := text.get(lang)) is not None
    }
    return sorted(cases) + [("Target.differences", text) for text in _TRICKY]


@pytest.mark.parametrize(("field", "text"), _prose_cases())
def test_re_emitted_prose_reads_as_the_tree_it_came_from(field: str, text: str) -> None:
    subset = SUBSETS[field]
    if subset.shape == "block":
        assert not [p for p in problems(text, subset) if "heading" not in p.message], "cases are valid prose"
    markdown = to_markdown(text, subset.shape)
    if subset.shape == "cell":
        page = f"| h |\n| --- |\n| {markdown} |\n"
        tokens = _myst_parser().parse(page)
        inline = [t for t in tokens if t.type == "inline"][1:]
    elif subset.shape == "line":
        tokens = _myst_parser().parse(f"#### {markdown}\n")
        inline = [t for t in tokens if t.type == "inline"]
    else:
        inline = _myst_parser().parse(markdown)
    expected = _parser_full().parse(text)
    if subset.shape != "block":
        expected = [t for t in expected if t.type == "inline"]
    spaces = subset.shape != "block"
    assert _shape(inline, breaks_are_spaces=spaces) == _shape(expected, breaks_are_spaces=spaces), markdown
    # the shortcut for one line reads what the full parse reads
    shortcut = [t for t in parse(text) if t.type == "inline"]
    assert _shape(shortcut) == _shape([t for t in _parser_full().parse(text) if t.type == "inline"])


def _seen(shape: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What a reader sees of a shape: line breaks as spaces, runs of space as one, no empty paragraphs."""
    merged: list[tuple[str, str]] = []
    for kind, detail in shape:
        if kind == "softbreak":
            kind, detail = "text", " "
        if kind == "text" and merged and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + detail)
        else:
            merged.append((kind, detail))
    seen: list[tuple[str, str]] = []
    for kind, detail in merged:
        if kind in ("text", "math_inline"):
            detail = " ".join(detail.split())
            if kind == "text" and not detail:
                continue
        if (kind, detail) == ("paragraph_close", "") and seen and seen[-1] == ("paragraph_open", ""):
            seen.pop()
        else:
            seen.append((kind, detail))
    return seen


_LINE_PIECES = [*"ab `\\*_<>[]()!&$.", "x_y", "中文", "\\<", "\\*", "\\`", "\\\\", "\\_", "\\q", "&amp;"]


@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(_LINE_PIECES), min_size=1, max_size=20).map("".join))
def test_the_shortcut_for_one_line_reads_what_the_full_parse_reads(text: str) -> None:
    text = text.strip()
    shortcut = [t for t in parse(text) if t.type == "inline"]
    assert _shape(shortcut) == _shape([t for t in _parser_full().parse(text) if t.type == "inline"])


_PIECES = [
    *"ab 1.\n*_`$[]()<>!#-+|\\&:%~=\t",
    *["1)", "10.", "- ", "* ", "> ", "### ", "&amp;", "&#32;", "<b>", "![", "***", "---", "===", "(a)=", "+++"],
    *["```", "~~~", "{r}", "[^1]", "中文", "x_y", "_x", "[a]: https://x.org", "https://x.org", "api:torch.amax"],
    *["\n\n", "    ", "](", "$$"],
]
# Literal * or _ right beside emphasis markers can read back as other emphasis: a known limit, left out here.
_EMPHASIS_RUN = re.compile(r"[*_][*_]|[*_]\s*(&#32;|\\)?\s*[*_]")


@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(_PIECES), max_size=25).map("".join), field=st.sampled_from(sorted(SUBSETS)))
def test_any_valid_prose_reads_back_as_its_tree(text: str, field: str) -> None:
    subset = SUBSETS[field]
    if problems(text, subset, pages={"torch.amax"}) or _EMPHASIS_RUN.search(text):
        return
    markdown = to_markdown(text, subset.shape)
    full = _parser_full().parse(text)
    if subset.shape == "block":
        got, want = _myst_parser().parse(markdown), full
    else:
        page = f"| h |\n| --- |\n| {markdown} |\n" if subset.shape == "cell" else f"#### {markdown}\n"
        got = [t for t in _myst_parser().parse(page) if t.type == "inline"][-1:]
        want = [t for t in full if t.type == "inline"]
    assert _seen(_shape(got)) == _seen(_shape(want)), markdown
