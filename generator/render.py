"""Model → page text: the Jinja2 environment factory and pure render functions.

Everything a page says that can be derived (difference texts, categories,
signature blocks) is computed here, so a template only places values. Every
value a template places is escaped for Markdown unless a filter marked it
`Safe`; prose is re-emitted from its parse tree (`generator.prose`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple

import jinja2

from generator.claims import named_examples
from generator.model import LANGUAGES, Api, Category, DiffKind, Example, Row, Spec, Target, Text
from generator.overview import Checks, overview_groups, rules_table
from generator.prose import SUBSETS, Written, to_markdown
from generator.table import Table

if TYPE_CHECKING:
    from generator.rows import RowPlan

Outputs = Mapping[tuple[str, str, str], str]
"""Captured stdout of one spec's snippets by (target id, example id, framework)."""
CorpusOutputs = Mapping[tuple[str, str, str, str], str]
"""Captured stdout of all snippets by (torch API, target id, example id, framework)."""


@dataclass(frozen=True)
class Versions:
    """The framework versions a page's examples were verified with."""

    torch: str
    mindspore: str


Words = SimpleNamespace
"""The words of one language (`words`): what ``words.<lang>.jinja`` sets, and ``lang``, its code."""

_ONLY = (DiffKind.TORCH_ONLY, DiffKind.MINDSPORE_ONLY)
_LISTED = (DiffKind.RENAMED, DiffKind.DEFAULT_DIFFERS, DiffKind.TYPE_DIFFERS)


def difference_text(row: Row, words: Words, *, written: Written | None = None) -> Safe:
    """The Difference column of a row as Markdown for a table cell: generated from its kinds, note appended.

    ``written`` is prose validation already re-emitted (`SpecFile.prose`), as for `prose`.
    """
    said: dict[str, Any] = words.difference
    kinds = set(row.kind)
    only = [kind for kind in _ONLY if kind in kinds]
    if only:
        text = str(said[only[0]]).format(noun=words.nouns[row.category])
    else:
        text = str(said["behaviour" if DiffKind.BEHAVIOUR_DIFFERS in kinds else "consistent"])
        parts = [said[kind] for kind in _LISTED if kind in kinds]
        parts = [str(part[row.category] if isinstance(part, dict) else part) for part in parts]
        if parts:
            listed = str(said["separator"]).join(parts[:-1])
            listed += (str(said["last_separator"]) if len(parts) > 1 else "") + parts[-1]
            text += str(said["differs"]).format(listed=listed)
    if row.note is not None:
        text += str(said["note"]) + prose(row.note, "Row.note", words, written=written)
    return Safe(text)


def category_text(target: Target, words: Words) -> Safe:
    """The label of a target's derived category."""
    return Safe(words.categories[target.category.name.lower()])


class Safe(str):
    """Markdown that may be placed in a page as it is: the environment does not escape it again.

    Filters that produce Markdown (fences, prose, table cells) return it; any
    other value a template places is escaped by the environment's `finalize`.
    Joining a `Safe` with a plain `str` gives a plain `str`, which is escaped:
    forgetting to mark something shows backslashes, never markup.
    """

    __slots__ = ()


# Characters Markdown, MyST or HTML read as markup inside a line, escaped with a backslash.
_MD_INLINE_CHARS = {c: "\\" + c for c in "\\`*_{}[]<>|~$&#"} | {"\n": " ", "\r": " "}
_MD_INLINE = str.maketrans(_MD_INLINE_CHARS)
_MD_ANY = re.compile("[" + re.escape("".join(_MD_INLINE_CHARS)) + "]")


def escape(text: str) -> str:
    """``text`` as Markdown that shows it as typed, inside a line (a heading, a cell, a sentence)."""
    if _MD_ANY.search(text) is None:  # most text has nothing to escape
        return text
    return text.translate(_MD_INLINE)


def finalize(value: object) -> str:
    """What a template's ``{{ value }}`` prints: `Safe` Markdown as it is, anything else escaped."""
    return value if isinstance(value, Safe) else escape(str(value))


def fill(template: str, **values: object) -> Safe:
    """A word with ``{fields}`` (from a words file, trusted Markdown) filled with escaped values."""
    return Safe(template.format(**{k: finalize(v) for k, v in values.items()}))


def code(name: str) -> Safe:
    """A name as an inline code span; names in code spans need no escaping."""
    return Safe(f"`{name}`") if "`" not in name else Safe(escape(name))


def href(url: str) -> Safe:
    """A URL for a link destination ``<...>``; the spec's pattern already refused spaces and brackets."""
    return Safe(url.replace("\\", "%5C"))


def prose(text: Text | None, field: str, words: Words, *, written: Written | None = None) -> Safe:
    """A prose ``field`` (``Model.field`` of `SUBSETS`) in the page's language, English where untranslated.

    Re-emitted from its parse tree, so the page holds only what the field's subset allows:
    taken from ``written`` when validation already did it, else parsed here.
    """
    if text is None:
        return Safe("")
    source = text.get(words.lang) or text.en
    shape = SUBSETS[field].shape
    found = written.get((shape, source)) if written is not None else None
    return Safe(found if found is not None else to_markdown(source, shape))


def example_label(spec: Spec, target: Target, example: Example, lang: str) -> Safe:
    """The MyST target of an example's heading, which references link to.

    Sphinx labels are site-wide, so the label names the language and the page;
    it holds only a qualified name's and slugs' characters, lowercased as Sphinx keeps labels.
    """
    return Safe(f"example-{lang}-{spec.torch.name}-{target.id}-{example.id}".lower())


# A reference as `prose` writes it: "(" escaped at a line's start, "_" escaped in the id.
_WRITTEN_REFERENCE = re.compile(
    r"(?P<open>\\?\(|（)(?:see example|见示例) ?(?P<id>[a-z0-9](?:[a-z0-9-]|\\_){0,62}) ?(?P<close>\)|）)"
)


def link_examples(
    markdown: str,
    spec: Spec,
    target: Target | None,
    words: Words,
    *,
    cell: bool = False,
    written: Written | None = None,
) -> Safe:
    """Prose Markdown with each ``(see example <id>)`` (``(见示例 <id>)``) a link to that example's heading.

    ``target`` is the target whose examples the prose names; None for the torch
    summary, which names any target's (`generator.claims.named_examples` says
    which example an id names, for the page and the claims counter alike). The
    link reads as ``words.see_example`` with the example's title; an id
    validation refused stays as written. In a table ``cell`` a pipe of the
    title (in code) is escaped, as `prose` does there.
    """
    if "example" not in markdown and "见示例" not in markdown:  # most prose names none
        return Safe(markdown)
    found = named_examples(spec, target)

    def link(match: re.Match[str]) -> str:
        pair = found.get(match.group("id").replace("\\_", "_"))
        if pair is None:
            return match.group(0)
        title = prose(pair[1].title, "Example.title", words, written=written)
        if cell:
            title = Safe(re.sub(r"(?<!\\)\|", r"\\|", title))
        text = fill(words.see_example, title=title)
        label = example_label(spec, pair[0], pair[1], words.lang)
        return f"{match.group('open')}[{text}](#{label}){match.group('close')}"

    return Safe(_WRITTEN_REFERENCE.sub(link, markdown))


def fence(body: str, info: str = "") -> Safe:
    """A fenced block longer than any backtick run inside ``body``."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0) if "`" in body else 0
    ticks = "`" * max(3, longest + 1)
    return Safe(f"{ticks}{info}\n{body.rstrip()}\n{ticks}")


def signature_block(api: Api) -> str:
    """The signatures as the reference pages show them, one a line (one parameter a line when long)."""
    prefix = "class " if api.kind == "class" else ""
    blocks = []
    for signature in api.signatures:
        one_line = f"{prefix}{api.name}{signature}"
        if len(one_line) <= 79 or not signature.parameters:
            blocks.append(one_line)
        else:
            blocks.append(f"{prefix}{api.name}(\n" + "".join(f"    {p},\n" for p in signature.parts) + ")")
    return "\n".join(blocks)


class TableRow(NamedTuple):
    """One rendered row of the differences table."""

    category: str
    subcategory: str
    torch: str | None
    mindspore: str | None
    difference: Safe


_CATEGORY_ORDER = {"parameter": 0, "input": 1, "output": 2}


RowChecks = Mapping[tuple[str, int], str]
"""Why a claim row did not run at build time, by (target id, row index): a key of ``not_executed_because``."""


def table_rows(
    target: Target,
    words: Words,
    torch: Api | None = None,
    row_checks: RowChecks | None = None,
    *,
    written: Written | None = None,
    plans: dict[tuple[str, str], tuple[RowPlan, ...]] | None = None,
) -> list[TableRow]:
    """The differences table, with the category shown on its first row only; ``written`` as for `prose`.

    With the ``torch`` API at hand, a row that claims the same behaviour but
    that the row checks (`generator.rows`) cannot execute says so; with the
    build's ``row_checks``, so does a row that did not run when executed (no
    CPU kernel, the base call disagrees, both sides refuse the value), with why.
    ``plans`` keeps the row plan of each target, by torch API and target id, so
    that a build plans each target once for all languages.
    """
    unexecuted: dict[int, str] = {}
    checked: dict[int, str] = {}
    if torch is not None:
        key = (torch.name, target.id)
        planned = plans.get(key) if plans is not None else None
        if planned is None:
            from generator.rows import plan

            planned = plan(torch, target).rows
            if plans is not None:
                plans[key] = planned
        unexecuted = {rp.index: str(words.not_executed) for rp in planned if not rp.executable}
        checked = {rp.index: checked_text(rp, words) for rp in planned if rp.executable and rp.values}
    because: Mapping[str, str] = getattr(words, "not_executed_because", {})
    for (target_id, index), reason in (row_checks or {}).items():
        if target_id == target.id and index not in unexecuted:
            unexecuted[index] = str(because.get(reason, words.not_executed))
    rows: list[TableRow] = []
    counters: dict[str, int] = {}
    order = sorted(range(len(target.table)), key=lambda i: _CATEGORY_ORDER[target.table[i].category])
    for i in order:
        row = target.table[i]
        n = counters[row.category] = counters.get(row.category, 0) + 1
        difference = difference_text(row, words, written=written)
        if i in unexecuted:
            difference = Safe(difference + unexecuted[i])
        elif i in checked:
            difference = Safe(difference + checked[i])
        rows.append(
            TableRow(
                category=words.category_column[row.category] if n == 1 else "",
                subcategory=words.subcategory[row.category].format(n=n),
                torch=row.torch,
                mindspore=row.mindspore,
                difference=difference,
            )
        )
    return rows


def checked_text(row: RowPlan, words: Words) -> str:
    """What a row checked with a varied value appends to its Difference: the value each side was given.

    Empty where the words (a project's own copy of older templates) have no ``checked_with``.
    """
    template: str = getattr(words, "checked_with", "")
    if not template:
        return ""
    if row.tensor:
        return str(getattr(words, "checked_with_tensor", ""))
    shown = str(getattr(words, "checked_with_separator", " / ")).join(code(s.replace("|", "\\|")) for s in row.shown)
    return str(fill(template, values=Safe(shown)))


def page_name(spec: Spec) -> Safe:
    """The page's file stem (and Sphinx document name): the torch API's qualified name.

    Safe as it is: a qualified name is letters, digits, ``_`` and dots.
    """
    return Safe(spec.torch.name)


def namespace(name: str) -> str:
    """The torch namespace an API is listed under in the overview."""
    return name.rsplit(".", 1)[0]


def make_env(templates: Path, *, written: Written | None = None) -> jinja2.Environment:
    """A fresh Jinja2 environment over ``templates`` with apimap's filters.

    ``written`` is the prose that validation re-emitted (`SpecFile.prose` of the
    build's specs): the prose filters place it rather than parse the text again.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # output is Markdown, not HTML: `finalize` escapes for Markdown instead
        finalize=finalize,
        auto_reload=False,  # an environment lives for one build; no need to stat templates per page
    )
    env.filters.update(
        prose=functools.partial(prose, written=written),
        fill=fill,
        href=href,
        code=code,
        page_name=page_name,
        fence=fence,
        signature=signature_block,
        difference=functools.partial(difference_text, written=written),
        category_text=category_text,
        table_rows=functools.partial(table_rows, written=written, plans={}),
        example_label=example_label,
        link_examples=functools.partial(link_examples, written=written),
    )
    return env


def render_page(
    spec: Spec,
    *,
    lang: str,
    env: jinja2.Environment,
    outputs: Outputs | None = None,
    versions: Versions | None = None,
    row_checks: RowChecks | None = None,
) -> str:
    """The mapping page of one spec in ``lang``; ``row_checks`` says which claim rows did not run, and why."""
    return env.get_template("mapping.md.jinja").render(
        spec=spec,
        lang=lang,
        words=words(env, lang),
        others=_others(env, lang),
        outputs=outputs or {},
        versions=versions,
        row_checks=row_checks or {},
    )


def render_overview(
    specs: Sequence[Spec],
    *,
    lang: str,
    env: jinja2.Environment,
    table: Table | None = None,
    checks: Checks | None = None,
) -> str:
    """The overview page: the rules, then one table per torch namespace, every pair listed.

    ``table`` adds the compact rows; ``checks`` says which pairs were executed.
    """
    own = words(env, lang)
    categories = {c: own.categories[c.name.lower()] for c in Category}
    groups = overview_groups(specs, table, checks or {}, lang=lang, words=own.overview_rows, category_text=categories)
    pages = sorted(spec.torch.name for spec in specs)
    template = env.get_template("overview.md.jinja")
    return template.render(
        groups=groups, pages=pages, rules=rules_table(lang), lang=lang, words=own, others=_others(env, lang)
    )


def words(env: jinja2.Environment, lang: str) -> Words:
    """The words of ``lang``: the variables that ``words.<lang>.jinja`` sets, as trusted Markdown.

    Read once per environment (an environment lives for one build), kept in its globals.
    """
    known: dict[str, Words] = env.globals.setdefault("words_by_language", {})  # type: ignore[assignment]
    if lang not in known:
        module = env.get_template(f"words.{lang}.jinja").module
        found = {k: Safe(v) if isinstance(v, str) else v for k, v in vars(module).items() if not k.startswith("_")}
        known[lang] = Words(**found, lang=Safe(lang))
    return known[lang]


def _others(env: jinja2.Environment, lang: str) -> list[Words]:
    """The words of every language but ``lang``, in the order of `LANGUAGES`: the page's language switch."""
    return [words(env, other) for other in LANGUAGES if other != lang]
