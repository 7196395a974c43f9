"""The `apimap` command line: argument parsing and the one map from errors to exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import Project, build
from generator.errors import ApimapError, ErrorGroup, SpecError
from generator.model import Spec
from generator.validate import load_corpus, spec_paths

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
SCHEMA_FILE = "spec.schema.json"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    project = Project(Path(args.root))
    try:
        code: int = args.func(project, args)
        return code
    except ErrorGroup as group:
        for error in group.errors:
            print(error, file=sys.stderr)
        _summary(len(group.errors))
        return EXIT_INVALID
    except ApimapError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _summary(count: int) -> None:
    print(f"apimap: {count} error{'s' if count != 1 else ''}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="apimap",
        description="Build verified PyTorch → MindSpore API mapping pages from YAML specs.",
    )
    parser.add_argument("--root", default=".", help="project folder holding mappings/, templates/, docs/ (default: .)")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    cmd = commands.add_parser("build", help="render every page and build the HTML site")
    cmd.add_argument("--no-html", action="store_true", help="render the Markdown pages only, skip Sphinx")
    cmd.add_argument("--no-run", action="store_true", help="do not run the examples (pages then show no output)")
    cmd.add_argument("--refresh", action="store_true", help="run every example again, ignoring the cache")
    cmd.add_argument("--timeout", type=float, default=60.0, help="seconds one snippet may run (default 60)")
    cmd.set_defaults(func=_build)

    cmd = commands.add_parser("check", help="validate every spec and compare it with the installed torch and MindSpore")
    cmd.add_argument("--offline", action="store_true", help="skip the comparison with the installed frameworks")
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
    cmd.add_argument("-o", "--output", default="build/apimap-mappings.json", help="JSON file to write")
    cmd.set_defaults(func=_export)

    cmd = commands.add_parser("table", help="the compact rows of the mapping table (mappings/rows/)")
    table = cmd.add_subparsers(title="table commands", required=True, metavar="TABLE_COMMAND")
    cmd = table.add_parser(
        "import", help="rewrite mappings/rows/ from a published table against the installed versions"
    )
    cmd.add_argument("tsv", metavar="TABLE.tsv", help="tab-separated: section, torch_api, mindspore_api, description")
    cmd.add_argument("--run", action="store_true", help="execute every pair and record the differences found")
    cmd.set_defaults(func=_table_import)

    cmd = commands.add_parser("schema", help="write the JSON Schema of the spec format for editors")
    cmd.add_argument("--check", action="store_true", help="exit 1 when the committed schema is stale")
    cmd.set_defaults(func=_schema)
    return parser


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
    from generator.check import check
    from generator.table import load_table, table_drift, table_paths

    corpus = load_corpus(spec_paths(project.mappings))
    problems = check(corpus, mappings=project.mappings, installed=not args.offline)
    table = load_table(table_paths(project.mappings), specs=frozenset(f.spec.torch.name for f in corpus.files))
    if not args.offline:
        problems += table_drift(table)
    if problems:
        raise ErrorGroup(problems)
    if args.table_report:
        from generator.recipes import report, run_table

        print(report(run_table(table, cache=project.cache, progress=_progress()), table))
    against = "" if args.offline else " and agree with the installed frameworks"
    print(f"apimap: {len(corpus.files)} specs and {len(table.pairs)} table pairs are valid{against}")
    return EXIT_OK


def _new(project: Project, args: argparse.Namespace) -> int:
    from generator.introspect import scaffold

    path = project.mappings / f"{args.torch_api}.yaml"
    if path.exists() and not args.force:
        raise SpecError(f"{path} exists; pass --force to overwrite it")
    text = scaffold(args.torch_api, args.mindspore_api)
    project.mappings.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    from generator.table import without_entry
    from generator.table_import import rows_folder

    rows = rows_folder(project.mappings) / f"{args.torch_api.rsplit('.', 1)[0]}.yaml"
    if rows.is_file() and (left := without_entry(rows.read_text(encoding="utf-8"), args.torch_api)) is not None:
        rows.write_text(left, encoding="utf-8")  # promoted: a pair has a page or a row, never both
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
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(export_json(corpus, table, checks), encoding="utf-8")
    schema = output.with_name(output.name.removesuffix(".json") + ".schema.json")
    schema.write_text(export_schema(), encoding="utf-8")
    print(f"apimap: wrote {output} ({len(corpus.files)} specs, {len(table.pairs)} table pairs) and {schema}")
    return EXIT_OK


def _table_import(project: Project, args: argparse.Namespace) -> int:
    from generator import write_tree
    from generator.table import load_table, table_paths
    from generator.table_import import import_table, read_published, rows_folder

    specs = frozenset(f.spec.torch.name for f in load_corpus(spec_paths(project.mappings)).files)
    existing = {
        n: e for f in load_table(table_paths(project.mappings), specs=specs).files for n, e in f.entries.items()
    }
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
            raise SpecError(f"{path} is stale; run `apimap schema` to regenerate it")
        print(f"apimap: {path} is up to date")
        return EXIT_OK
    path.write_text(text, encoding="utf-8")
    print(f"apimap: wrote {path}")
    return EXIT_OK
