"""The `apimap` command line: argument parsing and the one map from errors to exit codes."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from generator import Project, build
from generator.errors import (
    ApimapError,
    ApiNotFoundError,
    BuildError,
    ErrorGroup,
    Location,
    StaleError,
    UsageError,
    relative,
)
from generator.files import write_atomic
from generator.model import QUALIFIED_NAME_PATTERN, Spec
from generator.quiet import quiet_frameworks
from generator.validate import Corpus, load_corpus, spec_paths

if TYPE_CHECKING:
    from generator.rows import RowResult

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_USAGE = 3
EXIT_BUILD = 4
EXIT_INTERRUPTED = 130
SCHEMA_FILE = "spec.schema.json"

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_FAILED: "a --check found a generated file out of date (nothing was written)",
    EXIT_INVALID: "invalid input: a spec or the allow-list breaks a rule, disagrees with the installed "
    "frameworks, or an example fails; every problem is printed as path:line:col: message",
    EXIT_USAGE: "usage error: bad options or arguments, a missing folder, an unknown API name, "
    "a file that exists without --force",
    EXIT_BUILD: "the Sphinx build failed; the previous site is left in place",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}
"""The one map from outcomes to exit codes, shown by ``apimap --help`` and in the README."""

_EXIT_BY_ERROR: tuple[tuple[type[ApimapError], int], ...] = (
    (StaleError, EXIT_FAILED),
    (UsageError, EXIT_USAGE),
    (ApiNotFoundError, EXIT_USAGE),
    (BuildError, EXIT_BUILD),
    (ApimapError, EXIT_INVALID),
)
"""Which exit code each error class gives; the first class that matches wins."""


def exit_code(error: ApimapError) -> int:
    """The exit code for an error; a group takes the code its errors share, else that of invalid input."""
    if isinstance(error, ErrorGroup) and error.errors:
        codes = {exit_code(e) for e in error.errors}
        return codes.pop() if len(codes) == 1 else EXIT_INVALID
    return next(code for cls, code in _EXIT_BY_ERROR if isinstance(error, cls))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if not args.verbose:
            quiet_frameworks()
        project = Project(Path(args.root))
        if args.func in _NEEDS_MAPPINGS:
            _require_project(project, html=args.func is _build and not args.no_html)
        code: int = args.func(project, args)
        return code
    except ErrorGroup as group:
        for error in group.errors:
            print(error, file=sys.stderr)
        _summary(len(group.errors))
        return exit_code(group)
    except (UsageError, ApiNotFoundError) as error:
        print(f"apimap: error: {error}", file=sys.stderr)
        return exit_code(error)
    except ApimapError as error:
        print(error, file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _summary(count: int) -> None:
    print(f"apimap: {count} error{'s' if count != 1 else ''}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line gives `EXIT_USAGE` through `main` instead of exiting with 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _epilog() -> str:
    lines = ["exit codes:"]
    lines += [
        textwrap.fill(meaning, width=79, initial_indent=f"  {code:<5}", subsequent_indent=" " * 7)
        for code, meaning in EXIT_CODES.items()
    ]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="apimap",
        description="Build verified PyTorch → MindSpore API mapping pages from YAML specs.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--root", default=".", help="project folder holding mappings/, templates/, docs/ (default: .)")
    parser.add_argument(
        "--verbose", action="store_true", help="show the frameworks' own logging and deprecation warnings"
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    cmd = commands.add_parser("build", help="render every page and build the HTML site")
    cmd.add_argument("--no-html", action="store_true", help="render the Markdown pages only, skip Sphinx")
    cmd.add_argument("--no-run", action="store_true", help="do not run the examples (pages then show no output)")
    cmd.add_argument("--refresh", action="store_true", help="run every example again, ignoring the cache")
    cmd.add_argument("--timeout", type=float, default=60.0, help="seconds one snippet may run (default 60)")
    cmd.add_argument(
        "--max-output",
        type=int,
        default=65536,
        metavar="BYTES",
        help="bytes one snippet may print where its example sets no max_output (default 65536)",
    )
    cmd.set_defaults(func=_build)

    cmd = commands.add_parser("check", help="validate every spec and compare it with the installed torch and MindSpore")
    cmd.add_argument("--offline", action="store_true", help="skip the comparison with the installed frameworks")
    cmd.add_argument("--claims", action="store_true", help="list prose claims that no row or executed example backs")
    cmd.add_argument(
        "--table-report",
        action="store_true",
        help="execute the table's pairs and list those whose claim is not executed",
    )
    cmd.set_defaults(func=_check)

    cmd = commands.add_parser("new", help="write a new spec pre-filled from the installed torch and MindSpore")
    cmd.add_argument("torch_api", metavar="TORCH_API", help="e.g. torch.optim.Rprop")
    cmd.add_argument("mindspore_api", metavar="MINDSPORE_API", help="e.g. mindspore.nn.Rprop")
    cmd.add_argument("--force", action="store_true", help="overwrite an existing spec")
    cmd.set_defaults(func=_new)

    cmd = commands.add_parser("export", help="write all mappings as versioned JSON for migration tools")
    cmd.add_argument(
        "-o",
        "--output",
        default="build/apimap-mappings.json",
        help="JSON file to write; a relative path is taken from --root (default: build/apimap-mappings.json)",
    )
    cmd.set_defaults(func=_export)

    cmd = commands.add_parser("cache", help="show the size of the example cache, or prune what no example uses")
    cmd.add_argument("--prune", action="store_true", help="remove the entries no current example uses")
    cmd.set_defaults(func=_cache)

    cmd = commands.add_parser("table", help="the compact rows of the mapping table (mappings/rows/)")
    table = cmd.add_subparsers(title="table commands", required=True, metavar="TABLE_COMMAND")
    cmd = table.add_parser(
        "import", help="rewrite mappings/rows/ from a published table against the installed versions"
    )
    cmd.add_argument("tsv", metavar="TABLE.tsv", help="tab-separated: section, torch_api, mindspore_api, description")
    cmd.add_argument("--run", action="store_true", help="execute every pair and record the differences found")
    cmd.set_defaults(func=_table_import)

    cmd = commands.add_parser("import", help="turn hand-written mapping pages (Markdown) into specs")
    cmd.add_argument("page", metavar="PAGE.md", help="the English page")
    cmd.add_argument("--zh", metavar="PAGE_ZH.md", help="its Simplified Chinese sibling, matched by position")
    cmd.add_argument("-o", "--output", default=None, help="folder to write the specs into (default: mappings/)")
    cmd.add_argument("--offline", action="store_true", help="keep the pages' signatures; do not read the frameworks")
    cmd.add_argument("--verify", action="store_true", help="run the imported examples and compare with pasted outputs")
    cmd.add_argument(
        "--timeout", type=float, default=60.0, help="seconds one snippet may run with --verify (default 60)"
    )
    cmd.add_argument("--force", action="store_true", help="overwrite existing specs")
    cmd.set_defaults(func=_import)

    cmd = commands.add_parser("schema", help="write the JSON Schema of the spec format for editors")
    cmd.add_argument("--check", action="store_true", help="write nothing; exit 1 when the committed schema is stale")
    cmd.set_defaults(func=_schema)

    cmd = commands.add_parser("init", help="start a project: a starter spec and the Sphinx configuration")
    cmd.add_argument("dir", metavar="DIR", nargs="?", help="the project folder (default: --root)")
    cmd.add_argument("--templates", action="store_true", help="also copy the bundled page templates, to edit them")
    cmd.set_defaults(func=_init)
    return parser


def _require_project(project: Project, *, html: bool) -> None:
    """Fail with the folder looked in and the fix, rather than deep inside a stage."""
    fix = "run apimap in a project folder, pass --root DIR, or start a project with `apimap init`"
    if not project.mappings.is_dir():
        raise UsageError(f"no such folder: {project.mappings.resolve()} ({fix})")
    if html and not (project.docs / "conf.py").is_file():
        raise UsageError(f"no Sphinx configuration: {(project.docs / 'conf.py').resolve()} ({fix})")


class _Bar:
    """A one-line progress bar on a terminal's stderr; nothing when piped or in CI."""

    def __init__(self) -> None:
        self.last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        line = f"\r{stage:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if line != self.last:
            sys.stderr.write(line + ("\n" if done >= total else ""))
            sys.stderr.flush()
            self.last = line


def _progress() -> _Bar | None:
    return _Bar() if sys.stderr.isatty() and not os.environ.get("CI") else None


def _build(project: Project, args: argparse.Namespace) -> int:
    report = build(
        project,
        html=not args.no_html,
        examples=not args.no_run,
        refresh=args.refresh,
        timeout=args.timeout,
        max_output=args.max_output,
        progress=_progress(),
    )
    for warning in report.corpus.warnings:
        print(f"{warning} (warning; `apimap check` refuses it)", file=sys.stderr)
    pages = len(report.written) + report.unchanged
    print(
        f"apimap: {len(report.corpus.files)} specs, {pages} pages "
        f"({len(report.written)} written, {report.unchanged} unchanged, {len(report.removed)} removed)"
    )
    if not args.no_html:
        print(f"apimap: site built in {project.html}")
    return EXIT_OK


def _check(project: Project, args: argparse.Namespace) -> int:
    from generator.check import check, not_run
    from generator.table import load_table, table_drift, table_paths

    corpus = load_corpus(spec_paths(project.mappings))
    problems = check(corpus, mappings=project.mappings, installed=not args.offline)
    table = load_table(table_paths(project.mappings), specs=frozenset(f.spec.torch.name for f in corpus.files))
    if not args.offline:
        problems += table_drift(table)
    rows = None
    if not args.offline and not problems:
        from generator.rows import check_rows, row_errors

        rows = check_rows(corpus, cache=project.cache, progress=_progress())
        problems += row_errors(corpus, rows)
    if problems:
        raise ErrorGroup(problems)
    if rows is not None:
        from generator.rows import report as rows_report

        print(rows_report(rows))
    if args.table_report:
        from generator.recipes import report, run_table

        print(report(run_table(table, cache=project.cache, progress=_progress()), table))
    against = "" if args.offline else " and agree with the installed frameworks"
    print(f"apimap: {len(corpus.files)} specs and {len(table.pairs)} table pairs are valid{against}")
    unrun = not_run(corpus)
    if any(unrun.values()):
        sides = ", ".join(f"{side} {n}" for side, n in unrun.items())
        print(f"apimap: APIs not executed here (not_run), examples per side: {sides}")
    if args.claims:
        _print_claims(corpus, rows)
    return EXIT_OK


def _print_claims(corpus: Corpus, rows: Sequence[RowResult] | None = None) -> None:
    """Every unbacked claim, and the counts; a row the row checks executed counts as executed."""
    from generator.claims import BACKINGS, claims, count

    executed: dict[str, set[tuple[str, int]]] = {}
    for r in rows or ():
        if r.executed:
            executed.setdefault(r.spec, set()).add((r.target, r.index))
    overall = dict.fromkeys(BACKINGS, 0)
    for file in corpus.files:
        found = list(claims(file, executed_rows=executed.get(file.spec.torch.name, set())))
        for claim in found:
            if claim.backing == "unbacked":
                print(f"{file.locate(claim.key)}: unbacked: {claim.text}")
        tally = count(found)
        overall = {b: overall[b] + tally[b] for b in BACKINGS}
        print(f"{file.spec.torch.name}: " + ", ".join(f"{tally[b]} {b}" for b in BACKINGS))
    total = sum(overall.values()) or 1
    shares = ", ".join(f"{overall[b]} {b} ({100 * overall[b] / total:.0f}%)" for b in BACKINGS)
    print(f"apimap: {sum(overall.values())} claims: {shares}")


def _new(project: Project, args: argparse.Namespace) -> int:
    from generator.introspect import draft

    for name in (args.torch_api, args.mindspore_api):
        if not re.fullmatch(QUALIFIED_NAME_PATTERN, name):
            raise UsageError(f"{name!r} is not a qualified API name such as torch.optim.Rprop")
    path = project.mappings / f"{args.torch_api}.yaml"
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; pass --force to overwrite it")
    spec = draft(args.torch_api, args.mindspore_api)
    write_atomic(path, spec.text)
    for line in spec.provenance():
        print(f"apimap: {line}")
    from generator.table import without_entry
    from generator.table_import import rows_folder

    rows = rows_folder(project.mappings) / f"{args.torch_api.rsplit('.', 1)[0]}.yaml"
    if rows.is_file() and (left := without_entry(rows.read_text(encoding="utf-8"), args.torch_api)) is not None:
        if any(line.strip() and not line.startswith("#") for line in left.splitlines()):
            write_atomic(rows, left)  # promoted: a pair has a page or a row, never both
        else:
            rows.unlink()  # its last row promoted; `table import` writes no file for an empty namespace either
        print(f"apimap: removed the compact row of {args.torch_api} from {rows}")
    print(f"apimap: wrote {path}; replace its TODO placeholders, then run `apimap check`")
    return EXIT_OK


def _export(project: Project, args: argparse.Namespace) -> int:
    from generator.export import export_json, export_schema
    from generator.recipes import run_table
    from generator.table import load_table, table_paths

    corpus = load_corpus(spec_paths(project.mappings))
    table = load_table(table_paths(project.mappings), specs=frozenset(f.spec.torch.name for f in corpus.files))
    checks = run_table(table, cache=project.cache, progress=_progress())  # from the cache after a build
    output = project.root / args.output  # an absolute -o replaces the root
    schema = output.with_name(output.name.removesuffix(".json") + ".schema.json")
    texts = {output: export_json(corpus, table, checks), schema: export_schema()}
    output.parent.mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        write_atomic(path, text)
    print(f"apimap: wrote {output} ({len(corpus.files)} specs, {len(table.pairs)} table pairs) and {schema}")
    return EXIT_OK


def _table_import(project: Project, args: argparse.Namespace) -> int:
    from generator import write_tree
    from generator.table import load_table, table_paths
    from generator.table_import import import_table, read_published, rows_folder

    specs = frozenset(f.spec.torch.name for f in load_corpus(spec_paths(project.mappings)).files)
    # the rows as they stand, to keep their notes and recipes; a row that a new spec
    # has made redundant is no error here, since the import drops it
    existing = {n: e for f in load_table(table_paths(project.mappings)).files for n, e in f.entries.items()}
    published = read_published(Path(args.tsv))
    # with --run, the claims are first written as derived, without recorded differences, then executed
    files, report = import_table(published, specs=specs, existing=existing, differs={} if args.run else None)
    write_tree(rows_folder(project.mappings), files, keep=frozenset())
    table = load_table(table_paths(project.mappings), specs=specs)  # what was written reads back
    if args.run:
        from generator.recipes import recorded_differences, run_table
        from generator.recipes import report as run_report

        results = run_table(table, cache=project.cache, progress=_progress())
        files, report = import_table(published, specs=specs, existing=existing, differs=recorded_differences(results))
        write_tree(rows_folder(project.mappings), files, keep=frozenset())
        print(run_report(results, table))
        failed = {(r.torch, r.mindspore): r for r in results if r.status == "failed"}
        executed = [failed[p] for p in report.consistent_pairs if p in failed]
        for result in executed[:5]:
            print(f"published as consistent, but executing {result.torch} -> {result.mindspore}: {result.detail}")
        print(f"apimap: {len(executed)} published 'consistent' claims failed when executed")
    for name, why in report.removed:
        print(f"removed: {name}: {why}")
    for name, why in report.unread:
        print(f"signature unread: {name}: {why}")
    for old, new in report.renamed:
        print(f"renamed: {old} -> {new}")
    for torch_name, ms_name, why in report.contradicted[:5]:
        print(f"published as consistent, but {torch_name} -> {ms_name}: {why}")
    print(
        f"apimap: {report.rows} published rows; {len(report.out_of_scope)} torchvision/torchaudio/torchtext rows"
        f" out of scope; {len(report.with_spec)} with a full spec; {report.resolved} pairs resolved, "
        f"{len(report.removed)} names removed, {len(report.unread)} signatures unread, {report.mint} mint "
        f"counterparts added; {len(report.contradicted)} of {report.legacy_consistent} published "
        f"'consistent' claims contradicted; wrote {len(files)} files in {rows_folder(project.mappings)}"
    )
    return EXIT_OK


def schema_text() -> str:
    """The JSON Schema of a spec file, as committed for editors."""
    schema = Spec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "apimap mapping spec"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _schema(project: Project, args: argparse.Namespace) -> int:
    path = project.mappings / SCHEMA_FILE
    text = schema_text()
    if args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            raise StaleError(f"{path} is stale; run `apimap schema` to regenerate it")
        print(f"apimap: {path} is up to date")
        return EXIT_OK
    write_atomic(path, text)
    print(f"apimap: wrote {path}")
    return EXIT_OK


def _cache(project: Project, args: argparse.Namespace) -> int:
    from generator.run import Cache, cache_keys

    cache = Cache(project.cache)
    if args.prune:
        from generator import recipes, rows
        from generator.table import load_table, table_paths

        corpus = load_corpus(spec_paths(project.mappings))
        table = load_table(table_paths(project.mappings), specs=frozenset(f.spec.torch.name for f in corpus.files))
        table_checks, table_runs = recipes.cache_keys(table)
        removed, freed = cache.prune(keep=cache_keys(corpus) | table_runs)
        print(f"apimap: removed {removed} entries ({freed} bytes) that no current example uses")
        for folder, keep, what in (
            (rows.CACHE_FOLDER, rows.cache_keys(corpus), "row"),
            (recipes.CACHE_FOLDER, table_checks, "table"),
        ):
            removed, freed = Cache(project.cache / folder).prune(keep=keep)
            print(f"apimap: removed {removed} {what} check results ({freed} bytes) that no current {what} check uses")
    entries, size = cache.size()
    print(f"apimap: {relative(project.cache)} holds {entries} entries ({size} bytes)")
    return EXIT_OK


def _init(project: Project, args: argparse.Namespace) -> int:
    from generator import write_tree
    from generator.skeleton import skeleton_files, template_files

    root = Path(args.dir) if args.dir is not None else project.root
    wanted = skeleton_files() | (template_files() if args.templates else {})
    new = {rel: text for rel, text in wanted.items() if not (root / rel).exists()}
    write_tree(root, new, keep=None)
    kept = len(wanted) - len(new)
    print(f"apimap: wrote {len(new)} files in {root.resolve()}" + (f", kept {kept} that exist" if kept else ""))
    where = "" if root.resolve() == Path.cwd().resolve() else f"--root {root} "
    print(f"apimap: next, `apimap {where}build` renders the pages and builds the site")
    return EXIT_OK


def _import(project: Project, args: argparse.Namespace) -> int:
    from generator.errors import PageError
    from generator.importer import import_pages, installed_signatures, verify

    texts: dict[str, str] = {}
    for option in (args.page, args.zh):
        if option is not None:
            try:
                texts[option] = Path(option).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
                raise PageError(
                    f"cannot read the page: {reason}", Location(relative(Path(option))), code="page"
                ) from None
    shown = {option: relative(Path(option)) for option in texts}
    result = import_pages(
        texts[args.page],
        en_path=shown[args.page],
        zh_text=texts.get(args.zh) if args.zh else None,
        zh_path=shown.get(args.zh) if args.zh else None,
        signatures=None if args.offline else installed_signatures,
    )
    problems: list[PageError] = list(result.problems)
    folder = Path(args.output) if args.output else project.mappings
    targets = [folder / f"{spec.name}.yaml" for spec in result.specs]
    if not args.force:
        problems += [
            PageError(
                f"{relative(path)} exists; pass --force to overwrite it",
                Location(shown[args.page]),
                code="exists",
                warning=False,
            )
            for path in targets
            if path.exists()
        ]
    errors = [p for p in problems if not p.warning]
    if not errors:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for spec, path in zip(result.specs, targets, strict=True):
                write_atomic(path, spec.text)
                print(f"apimap: wrote {relative(path)}")
        except OSError as exc:
            raise PageError(
                f"cannot write into {relative(folder)}: {exc.strerror}", Location(shown[args.page]), code="write"
            ) from None
        if args.verify:
            from generator.run import WorkerPool

            with WorkerPool(timeout=args.timeout) as pool:
                report = verify(result.specs, run=pool.run)
            problems += report.problems
            print(f"apimap: {report.ran_in_both} of {report.examples} examples run in both frameworks as written")
    for problem in problems:
        print(problem, file=sys.stderr)
    warnings = len(problems) - len(errors)
    print(f"apimap: {len(errors)} errors, {warnings} warnings", file=sys.stderr)
    return EXIT_INVALID if errors else EXIT_OK


_NEEDS_MAPPINGS = (_build, _check, _export, _schema, _new, _cache)
