"""apimap: PyTorch → MindSpore API mapping pages as a verified build product.

`build` is the whole pipeline on one screen: load → validate → render → write
→ Sphinx. Each stage lives in its own module; only this orchestrator writes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ApimapError, ErrorGroup, Location, SpecError
from generator.files import write_atomic
from generator.model import LANGUAGES
from generator.overview import Checks
from generator.recipes import check_table
from generator.render import (
    CorpusOutputs,
    RowChecks,
    Versions,
    make_env,
    page_name,
    render_overview,
    render_page,
)
from generator.rows import check_rows, page_notes, raise_failures
from generator.skeleton import bundled_templates
from generator.table import Table, load_table, table_paths
from generator.validate import Corpus, load_corpus, spec_paths

__all__ = ["BuildReport", "Progress", "Project", "build", "render_all"]

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) as long work advances; the CLI draws it on a terminal."""


@dataclass(frozen=True)
class Project:
    """Where a project's parts live; by default the layout of this repository."""

    root: Path

    @property
    def mappings(self) -> Path:
        """The spec files."""
        return self.root / "mappings"

    @property
    def templates(self) -> Path:
        """The Jinja2 page templates: the project's own, else those bundled with apimap."""
        own = self.root / "templates"
        return own if own.is_dir() else bundled_templates()

    @property
    def docs(self) -> Path:
        """The Sphinx project."""
        return self.root / "docs"

    @property
    def generated(self) -> Path:
        """Where rendered pages go, inside the Sphinx project."""
        return self.docs / "generated"

    @property
    def html(self) -> Path:
        """The built site."""
        return self.docs / "_build" / "html"

    @property
    def cache(self) -> Path:
        """Cached example results."""
        return self.root / ".apimap-cache"


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    corpus: Corpus
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    table: Table = field(default_factory=Table)
    checks: Checks | None = None


def render_all(
    corpus: Corpus,
    *,
    templates: Path,
    outputs: CorpusOutputs | None = None,
    versions: Versions | None = None,
    progress: Progress | None = None,
    skip: frozenset[str] = frozenset(),
    table: Table | None = None,
    checks: Checks | None = None,
    row_checks: Mapping[str, RowChecks] | None = None,
) -> dict[str, str]:
    """Every page of the site as text, by path relative to the generated folder, but those in ``skip``.

    ``row_checks`` says, by torch API, which claim rows did not run and why (`generator.rows.page_notes`).
    """
    env = make_env(templates, written={k: v for f in corpus.files for k, v in f.prose.items()})
    by_api: dict[str, dict[tuple[str, str, str], str]] = {}
    for (api, target, example, side), text in (outputs or {}).items():
        by_api.setdefault(api, {})[(target, example, side)] = text
    pages: dict[str, str] = {}
    specs = [f.spec for f in corpus.files]
    total = len(LANGUAGES) * (len(specs) + 1)
    done = 0
    for lang in LANGUAGES:
        for spec in specs:
            rel = f"{lang}/{page_name(spec)}.md"
            if rel not in skip:
                pages[rel] = render_page(
                    spec,
                    lang=lang,
                    env=env,
                    outputs=by_api.get(spec.torch.name),
                    versions=versions,
                    row_checks=(row_checks or {}).get(spec.torch.name),
                )
            done += 1
            if progress:
                progress("rendering", done, total)
        pages[f"{lang}/index.md"] = render_overview(specs, lang=lang, env=env, table=table, checks=checks)
        done += 1
        if progress:
            progress("rendering", done, total)
    return pages


def build(
    project: Project,
    *,
    html: bool = True,
    examples: bool = True,
    refresh: bool = False,
    timeout: float = 60.0,
    max_output: int = 65536,
    progress: Progress | None = None,
) -> BuildReport:
    """Load and validate every spec, run its examples, render the pages, write them, build the site."""
    corpus = load_corpus(spec_paths(project.mappings))
    table = load_table(table_paths(project.mappings), specs=frozenset(f.spec.torch.name for f in corpus.files))
    outputs: CorpusOutputs = {}
    versions: Versions | None = None
    checks: Checks | None = None
    row_checks: dict[str, dict[tuple[str, int], str]] = {}
    if examples:
        outputs, versions = run_examples(
            corpus, cache=project.cache, refresh=refresh, timeout=timeout, max_output=max_output, progress=progress
        )
        checks = check_table(table, cache=project.cache, refresh=refresh, timeout=timeout, progress=progress)
        rows = check_rows(corpus, cache=project.cache, refresh=refresh, timeout=timeout, progress=progress)
        raise_failures(corpus, rows)
        row_checks = page_notes(rows)
    prints = fingerprints(
        corpus, templates=project.templates, outputs=outputs, versions=versions, row_checks=row_checks
    )
    manifest = project.generated / MANIFEST
    before = _read_manifest(manifest)
    same = frozenset(r for r, p in prints.items() if before.get(r) == p and (project.generated / r).is_file())
    pages = render_all(
        corpus,
        templates=project.templates,
        outputs=outputs,
        versions=versions,
        progress=progress,
        skip=same,
        table=table,
        checks=checks,
        row_checks=row_checks,
    )
    written, unchanged, removed = write_tree(project.generated, pages, keep=same | {MANIFEST})
    write_tree(project.generated, {MANIFEST: json.dumps(prints, indent=1, sort_keys=True) + "\n"}, keep=None)
    if html:
        from generator.site import build_html

        build_html(docs=project.docs, build_dir=project.docs / "_build", progress=progress)
    return BuildReport(corpus, tuple(written), unchanged + len(same), tuple(removed), table, checks)


MANIFEST = ".apimap-pages.json"
"""Beside the generated pages: what each was rendered from, so unchanged specs are not rendered again."""


PACKAGE = Path(__file__).parent
"""The ``generator`` package, whose code decides what a page says."""


def page_sources(*, templates: Path, package: Path = PACKAGE) -> list[Path]:
    """Every file a page's text depends on besides its spec: the templates and the package's modules.

    All modules, not only `render`: signature formatting and category order
    live in `model`, defaults in `validate`, and a helper may move tomorrow.
    """
    return [*sorted(templates.rglob("*.jinja")), *sorted(package.glob("*.py"))]


def fingerprints(
    corpus: Corpus,
    *,
    templates: Path,
    outputs: CorpusOutputs,
    versions: Versions | None,
    package: Path = PACKAGE,
    row_checks: Mapping[str, RowChecks] | None = None,
) -> dict[str, str]:
    """A hash per spec page of everything it is rendered from, the row checks' reasons included."""
    common = hashlib.sha256(repr(versions).encode())
    for path in page_sources(templates=templates, package=package):
        data = path.read_bytes()
        common.update(f"{path.parent.name}/{path.name}\0{len(data)}\0".encode() + data)
    by_api: dict[str, list[tuple[tuple[str, str, str, str], str]]] = {}
    for key, text in sorted(outputs.items()):
        by_api.setdefault(key[0], []).append((key, text))
    prints: dict[str, str] = {}
    for file in corpus.files:
        own = by_api.get(file.spec.torch.name, [])
        for lang in LANGUAGES:
            digest = common.copy()
            digest.update(f"{lang}\0{file.doc.text}\0{own!r}".encode())
            if row_checks and file.spec.torch.name in row_checks:
                digest.update(repr(sorted(row_checks[file.spec.torch.name].items())).encode())
            prints[f"{lang}/{page_name(file.spec)}.md"] = digest.hexdigest()
    return prints


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def run_examples(
    corpus: Corpus, *, cache: Path, refresh: bool, timeout: float, progress: Progress | None, max_output: int = 65536
) -> tuple[CorpusOutputs, Versions]:
    """Run every example; their printed output, or every failure as a located error."""
    from generator.run import run_corpus, versions

    results = run_corpus(
        corpus, cache_dir=cache, refresh=refresh, timeout=timeout, max_output=max_output, progress=progress
    )
    files = {f.spec.torch.name: f for f in corpus.files}
    errors: list[ApimapError] = []
    outputs: dict[tuple[str, str, str, str], str] = {}
    for key, result in results.items():
        file = files[key.api]
        t = next(i for i, target in enumerate(file.spec.targets) if target.id == key.target)
        e = next(i for i, ex in enumerate(file.spec.targets[t].examples) if ex.id == key.example)
        place = ("targets", t, "examples", e)
        for side, outcome in result.outcomes.items():
            outputs[(key.api, key.target, key.example, side)] = outcome.stdout
            if outcome.error is not None:
                where = file.locate((*place, side))
                if outcome.line is not None:
                    where = Location(where.path, outcome.line, 1)
                last = outcome.error.strip().splitlines()[-1]
                errors.append(SpecError(f"the {side} snippet of example {key.example!r} failed: {last}", where))
        for problem in result.problems:
            errors.append(SpecError(f"example {key.example!r}: {problem}", file.locate((*place, "compare"))))
    if errors:
        raise ErrorGroup(errors)
    found = versions()
    return outputs, Versions(torch=found["torch"], mindspore=found["mindspore"])


def write_tree(
    folder: Path, files: Mapping[str, str], *, keep: Set[str] | None = frozenset()
) -> tuple[list[str], int, list[str]]:
    """Make ``folder`` hold exactly ``files`` and ``keep``, touching only what changed.

    ``keep=None`` leaves every other file alone.

    Unchanged files keep their bytes and modification times so that Sphinx
    rebuilds only what changed; each new file is written whole by
    `write_atomic`, so a reader never sees half a page, with the mode an
    ordinary write would give it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    unchanged = 0
    for rel, text in sorted(files.items()):
        target = folder / rel
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        written.append(rel)
    removed: list[str] = []
    if keep is None:
        return written, unchanged, removed
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in files and rel not in keep:
            path.unlink()
            removed.append(rel)
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            shutil.rmtree(path)
    return written, unchanged, removed
