"""Speed of the build on a generated corpus of synthetic specs.

Prints, measured side by side in one run:
1. load + validate + render of N specs against a bare loop that only loads the
   same YAML files and fills a template with them (the floor; target: within 2x,
   and under 2 s for 1,000 specs on a 2-core machine);
2. a full Sphinx build against an incremental one after one spec changed
   (target: the incremental build under 20% of the full one).

Run: ``python benchmarks/bench_build.py [--specs 1000] [--sphinx-specs 200]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import yaml

from generator import Project, build, render_all
from generator.validate import load_corpus, spec_paths

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "specs" / "torch.amax.yaml"


def make_corpus(folder: Path, count: int) -> None:
    """Write ``count`` valid specs, each a renamed copy of the seed spec."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text(encoding="utf-8")
    for i in range(count):
        name = f"torch.synthetic.op{i:04d}"
        text = seed.replace("torch.amax", name).replace("Maximum along", f"Case {i}, maximum along")
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def best_of(runs: int, func: object) -> float:
    assert callable(func)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def pipeline(mappings: Path) -> None:
    corpus = load_corpus(spec_paths(mappings))
    render_all(corpus, templates=ROOT / "templates")


def floor(mappings: Path) -> None:
    """Each file loaded once by PyYAML's C loader, then a small page per language."""
    template = jinja2.Template(
        "# {{ torch.name }}\n{{ torch.summary[lang] }}\n"
        "{% for t in targets %}## {{ t.mindspore.name }}\n{% for r in t.table %}| {{ r.torch }} |\n{% endfor %}"
        "{% endfor %}"
    )
    for path in sorted(mappings.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for lang in ("en", "zh_CN"):
            template.render(lang=lang, **data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=1000)
    parser.add_argument("--sphinx-specs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mappings = Path(tmp) / "mappings"
        make_corpus(mappings, args.specs)
        ours = best_of(3, lambda: pipeline(mappings))
        bare = best_of(3, lambda: floor(mappings))
        print(f"{args.specs} specs, both languages")
        print(f"  load + validate + render: {ours:.3f} s (target < 2 s)")
        print(f"  bare YAML load + template: {bare:.3f} s")
        print(f"  ratio: {ours / bare:.2f}x the floor (target <= 2x)")

        project = Path(tmp) / "project"
        shutil.copytree(ROOT / "templates", project / "templates")
        shutil.copytree(ROOT / "docs", project / "docs", ignore=shutil.ignore_patterns("_build", "generated"))
        make_corpus(project / "mappings", args.sphinx_specs)
        start = time.perf_counter()
        build(Project(project), examples=False)
        full = time.perf_counter() - start
        middle = args.sphinx_specs // 2
        changed = project / "mappings" / f"torch.synthetic.op{middle:04d}.yaml"
        text = changed.read_text(encoding="utf-8")
        changed.write_text(text.replace(f"Case {middle},", f"Case {middle}, changed,"), encoding="utf-8")
        start = time.perf_counter()
        report = build(Project(project), examples=False)
        incremental = time.perf_counter() - start
        pages = 2 * args.sphinx_specs + 2  # a page per spec and an overview, in both languages
        print(f"Sphinx, {args.sphinx_specs} specs ({pages} pages)")
        print(f"  full build: {full:.2f} s")
        rewritten = len(report.written)
        print(f"  incremental after one spec changed ({rewritten} of {pages} pages rewritten): {incremental:.2f} s")
        print(f"  ratio: {incremental / full:.1%} of the full build (target < 20%)")


if __name__ == "__main__":
    sys.exit(main())
