"""Model → page text: the Jinja2 environment factory and pure render functions.

Everything a page says that can be derived (difference texts, categories,
signature blocks) is computed here, so a template only places values. Text
from specs is escaped for Markdown; only `code` spans survive as markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import jinja2

from generator.model import LANGUAGES, Api, Category, DiffKind, Row, Spec, Target, Text
from generator.overview import Checks, overview_groups, rules_table
from generator.table import Table

Outputs = Mapping[tuple[str, str, str], str]
"""Captured stdout of one spec's snippets by (target id, example id, framework)."""
CorpusOutputs = Mapping[tuple[str, str, str, str], str]
"""Captured stdout of all snippets by (torch API, target id, example id, framework)."""


@dataclass(frozen=True)
class Versions:
    """The framework versions a page's examples were verified with."""

    torch: str
    mindspore: str


_DIFFERENCE = {
    "en": {
        "consistent": "Consistent function",
        "behaviour": "Different behaviour",
        "note": ". ",
        DiffKind.RENAMED: {"parameter": "parameter names", "input": "names", "output": "names"},
        DiffKind.DEFAULT_DIFFERS: "default values",
        DiffKind.TYPE_DIFFERS: "types or usage",
        DiffKind.TORCH_ONLY: "MindSpore does not have this {noun}",
        DiffKind.MINDSPORE_ONLY: "PyTorch does not have this {noun}",
    },
    "zh_CN": {
        "consistent": "功能一致",
        "behaviour": "行为不同",
        "note": "。",
        DiffKind.RENAMED: {"parameter": "参数名不同", "input": "名称不同", "output": "名称不同"},
        DiffKind.DEFAULT_DIFFERS: "默认值不同",
        DiffKind.TYPE_DIFFERS: "类型或用法不同",
        DiffKind.TORCH_ONLY: "MindSpore无此{noun}",
        DiffKind.MINDSPORE_ONLY: "PyTorch无此{noun}",
    },
}
_NOUN = {
    "en": {"parameter": "parameter", "input": "input", "output": "output"},
    "zh_CN": {"parameter": "参数", "input": "输入", "output": "输出"},
}
_CATEGORY = {
    "en": {
        Category.CONSISTENT: "Consistent",
        Category.NAMES_DIFFER: "Parameter names differ",
        Category.DEFAULTS_DIFFER: "Default values differ",
        Category.TORCH_EXTRA: "PyTorch has parameters MindSpore lacks",
        Category.MINDSPORE_EXTRA: "MindSpore has extra parameters",
        Category.TYPES_DIFFER: "Types or usage differ",
        Category.BEHAVIOUR_DIFFERS: "Behaviour differs",
    },
    "zh_CN": {
        Category.CONSISTENT: "一致",
        Category.NAMES_DIFFER: "参数名不同",
        Category.DEFAULTS_DIFFER: "默认值不同",
        Category.TORCH_EXTRA: "PyTorch有MindSpore没有的参数",
        Category.MINDSPORE_EXTRA: "MindSpore有额外的参数",
        Category.TYPES_DIFFER: "类型或用法不同",
        Category.BEHAVIOUR_DIFFERS: "行为不同",
    },
}
_SUBCATEGORY = {
    "en": {"parameter": "Parameter {n}", "input": "Input {n}", "output": "Output {n}"},
    "zh_CN": {"parameter": "参数{n}", "input": "输入{n}", "output": "输出{n}"},
}
_CATEGORY_COLUMN = {
    "en": {"parameter": "Parameters", "input": "Inputs", "output": "Outputs"},
    "zh_CN": {"parameter": "参数", "input": "输入", "output": "输出"},
}


def difference_text(row: Row, lang: str) -> str:
    """The Difference column of a row: generated from its kinds, note appended."""
    words = _DIFFERENCE[lang]
    kinds = set(row.kind)
    noun = _NOUN[lang][row.category]
    only = kinds & {DiffKind.TORCH_ONLY, DiffKind.MINDSPORE_ONLY}
    if only:
        text = str(words[only.pop()]).format(noun=noun)
    else:
        text = str(words["behaviour" if DiffKind.BEHAVIOUR_DIFFERS in kinds else "consistent"])
        parts: list[str] = []
        for kind in (DiffKind.RENAMED, DiffKind.DEFAULT_DIFFERS, DiffKind.TYPE_DIFFERS):
            if kind in kinds:
                value = words[kind]
                parts.append(value[row.category] if isinstance(value, dict) else str(value))
        if parts:
            if lang == "en":
                listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
                text += f", different {listed}"
            else:
                text += "，" + "，".join(parts)
    if row.note is not None:
        text += str(words["note"]) + (row.note.get(lang) or row.note.en)
    return text


def category_text(target: Target, lang: str) -> str:
    """The label of a target's derived category."""
    return _CATEGORY[lang][target.category]


# Characters Markdown or HTML read as markup inside a line, escaped with a backslash.
_MD_INLINE_CHARS = {c: "\\" + c for c in "\\`*_{}[]<>|~$&"} | {"\n": " "}
_MD_INLINE = str.maketrans(_MD_INLINE_CHARS)
_MD_ANY = re.compile("[" + re.escape("".join(_MD_INLINE_CHARS)) + "]")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#+\-=>:.)])")


def md_text(text: str, *, cell: bool = False) -> str:
    """Escape prose for Markdown: everything is shown as typed except `code` spans.

    In a table ``cell`` a pipe ends the cell even inside a code span, so there
    it is escaped too.
    """
    if _MD_ANY.search(text) is not None:  # most prose has nothing to escape
        pieces = text.split("`")
        if len(pieces) % 2 == 0:  # an unpaired backtick is just a character
            pieces = [text]
        out: list[str] = []
        for i, piece in enumerate(pieces):
            if i % 2:
                code = piece.replace("|", "\\|") if cell else piece
                out.append(f"`{code}`" if code else "")
            else:
                out.append(piece.translate(_MD_INLINE))
        text = "".join(out)
    # block syntax only matters where a line starts, and specs' prose is one line
    start = _MD_LINE_START.match(text)
    return text if start is None else f"{start[1]}\\{text[start.end(1) :]}"


def fence(body: str, info: str = "") -> str:
    """A fenced block longer than any backtick run inside ``body``."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0) if "`" in body else 0
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body.rstrip()}\n{ticks}"


def signature_block(api: Api) -> str:
    """The signature as the reference pages show it, one parameter a line when long."""
    prefix = "class " if api.kind == "class" else ""
    one_line = f"{prefix}{api.name}{api.signature}"
    if len(one_line) <= 79 or not api.signature.parameters:
        return one_line
    return f"{prefix}{api.name}(\n" + "".join(f"    {p},\n" for p in api.signature.parts) + ")"


def localized(text: Text | None, lang: str) -> str:
    """A prose field in ``lang``, English where the translation is missing."""
    if text is None:
        return ""
    return text.get(lang) or text.en


class TableRow(NamedTuple):
    """One rendered row of the differences table."""

    category: str
    subcategory: str
    torch: str | None
    mindspore: str | None
    difference: str


_CATEGORY_ORDER = {"parameter": 0, "input": 1, "output": 2}


def table_rows(target: Target, lang: str) -> list[TableRow]:
    """The differences table, with the category shown on its first row only."""
    rows: list[TableRow] = []
    counters: dict[str, int] = {}
    for row in sorted(target.table, key=lambda r: _CATEGORY_ORDER[r.category]):
        n = counters[row.category] = counters.get(row.category, 0) + 1
        rows.append(
            TableRow(
                category=_CATEGORY_COLUMN[lang][row.category] if n == 1 else "",
                subcategory=_SUBCATEGORY[lang][row.category].format(n=n),
                torch=row.torch,
                mindspore=row.mindspore,
                difference=difference_text(row, lang),
            )
        )
    return rows


def page_name(spec: Spec) -> str:
    """The page's file stem: the torch API's qualified name."""
    return spec.torch.name


def namespace(name: str) -> str:
    """The torch namespace an API is listed under in the overview."""
    return name.rsplit(".", 1)[0]


def make_env(templates: Path) -> jinja2.Environment:
    """A fresh Jinja2 environment over ``templates`` with apimap's filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # output is Markdown; `md_text` escapes what specs say
        auto_reload=False,  # an environment lives for one build; no need to stat templates per page
    )
    env.filters.update(
        md=md_text,
        fence=fence,
        signature=signature_block,
        localized=localized,
        difference=difference_text,
        category_text=category_text,
        table_rows=table_rows,
    )
    return env


def render_page(
    spec: Spec,
    *,
    lang: str,
    env: jinja2.Environment,
    outputs: Outputs | None = None,
    versions: Versions | None = None,
) -> str:
    """The mapping page of one spec in ``lang``."""
    return env.get_template("mapping.md.jinja").render(
        spec=spec,
        lang=lang,
        words=words(env, lang),
        other=_other(lang),
        outputs=outputs or {},
        versions=versions,
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
    groups = overview_groups(specs, table, checks or {}, lang, category_text=_CATEGORY[lang])
    pages = sorted(spec.torch.name for spec in specs)
    template = env.get_template("overview.md.jinja")
    return template.render(
        groups=groups, pages=pages, rules=rules_table(lang), lang=lang, words=words(env, lang), other=_other(lang)
    )


def words(env: jinja2.Environment, lang: str) -> jinja2.environment.TemplateModule:
    """The words of ``lang``: the variables that ``words.<lang>.jinja`` sets, read once per environment."""
    return env.get_template(f"words.{lang}.jinja").module


def _other(lang: str) -> str:
    return next(other for other in LANGUAGES if other != lang)
