"""The `apimap` command line: argument parsing and the one map from errors to exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import Project, build
from generator.errors import ApimapError, ErrorGroup, Location, SpecError
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
    cmd.set_defaults(func=_check)

    cmd = commands.add_parser("new", help="write a new spec pre-filled from the installed torch and MindSpore")
    cmd.add_argument("torch_api", metavar="TORCH_API", help="e.g. torch.optim.Rprop")
    cmd.add_argument("mindspore_api", metavar="MINDSPORE_API", help="e.g. mindspore.nn.Rprop")
    cmd.add_argument("--force", action="store_true", help="overwrite an existing spec")
    cmd.set_defaults(func=_new)

    cmd = commands.add_parser("export", help="write all mappings as versioned JSON for migration tools")
    cmd.add_argument("-o", "--output", default="build/apimap-mappings.json", help="JSON file to write")
    cmd.set_defaults(func=_export)

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

    corpus = load_corpus(spec_paths(project.mappings))
    problems = check(corpus, mappings=project.mappings, installed=not args.offline)
    if problems:
        raise ErrorGroup(problems)
    against = "" if args.offline else " and agree with the installed frameworks"
    print(f"apimap: {len(corpus.files)} specs are valid{against}")
    return EXIT_OK


def _new(project: Project, args: argparse.Namespace) -> int:
    from generator.introspect import scaffold

    path = project.mappings / f"{args.torch_api}.yaml"
    if path.exists() and not args.force:
        raise SpecError(f"{path} exists; pass --force to overwrite it")
    text = scaffold(args.torch_api, args.mindspore_api)
    project.mappings.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"apimap: wrote {path}; replace its TODO placeholders, then run `apimap check`")
    return EXIT_OK


def _export(project: Project, args: argparse.Namespace) -> int:
    from generator.export import export_json, export_schema

    corpus = load_corpus(spec_paths(project.mappings))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(export_json(corpus), encoding="utf-8")
    schema = output.with_name(output.name.removesuffix(".json") + ".schema.json")
    schema.write_text(export_schema(), encoding="utf-8")
    print(f"apimap: wrote {output} ({len(corpus.files)} specs) and {schema}")
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


def _import(project: Project, args: argparse.Namespace) -> int:
    from generator.errors import PageError, relative
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
                path.write_text(spec.text, encoding="utf-8")
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
