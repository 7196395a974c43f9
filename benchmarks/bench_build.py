"""Speed and memory of the build on a generated corpus of synthetic specs.

Prints, measured in one run:
1. load + validate + render of N specs, wall-clock and CPU time (target: under
   1 s for 1,000 specs on a 2-core machine, judged on CPU time, which other
   processes on a shared machine cannot inflate), with a bare loop that only
   loads the same YAML files and fills a template beside it for context (the
   floor; no target);
2. memory still held after each of 20 loads of the same corpus in one process,
   the result dropped each time (target: flat once warm, growing by less than
   0.1% of what one loaded corpus occupies per load over the second half; the
   first loads may grow interpreter tables once, such as the interned names
   that ``compile`` adds);
3. the garbage collector's state before and after (target: unchanged, nothing
   frozen: a library must not switch interpreter-wide state for its caller);
4. a full Sphinx build against an incremental one after one spec changed
   (target: the incremental build under 20% of the full one); skipped with
   ``--sphinx-specs 0``.

Run: ``python benchmarks/bench_build.py [--specs 1000] [--loads 20] [--sphinx-specs 200]``.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
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


def best_of(runs: int, func: Callable[[], object]) -> tuple[float, float]:
    """The fastest of ``runs`` calls: wall-clock seconds, and CPU seconds of this process.

    The garbage of the previous call (the site's template environment, whose
    templates and environment refer to each other) is collected before each
    call starts, so that no call pays for the one before it. The collector stays
    on during the call: its work on the call's own objects is counted.
    """
    wall, cpu = [], []
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


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


def retained_after_loads(mappings: Path, loads: int) -> tuple[int, list[int]]:
    """Bytes one loaded corpus occupies, and bytes still allocated after each load once its result is dropped."""
    paths = spec_paths(mappings)
    held: list[int] = []
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        corpus = load_corpus(paths)
        size = tracemalloc.get_traced_memory()[0] - base
        del corpus
        for _ in range(loads):
            corpus = load_corpus(paths)
            del corpus
            gc.collect()
            held.append(tracemalloc.get_traced_memory()[0] - base)
    finally:
        tracemalloc.stop()
    return size, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=1000)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--sphinx-specs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mappings = Path(tmp) / "mappings"
        make_corpus(mappings, args.specs)
        gc_before = (gc.isenabled(), gc.get_freeze_count())
        ours, ours_cpu = best_of(3, lambda: pipeline(mappings))
        bare, bare_cpu = best_of(3, lambda: floor(mappings))
        print(f"{args.specs} specs, both languages (best of 3)")
        target = args.specs / 1000  # 1 s per 1,000 specs
        verdict = "met" if ours_cpu < target else "MISSED"
        print(
            f"  load + validate + render: {ours:.3f} s wall, {ours_cpu:.3f} s CPU "
            f"(target < {target:g} s CPU: {verdict})"
        )
        print(f"  for context, bare YAML load + template: {bare:.3f} s wall, {bare_cpu:.3f} s CPU")

        size, held = retained_after_loads(mappings, args.loads)
        gc_after = (gc.isenabled(), gc.get_freeze_count())
        half = len(held) // 2
        per_load = (held[-1] - held[half - 1]) / max(len(held) - half, 1)
        flat = "met" if per_load < size / 1000 else "MISSED"
        print(f"memory, {args.loads} loads of {args.specs} specs in one process (tracemalloc)")
        print(f"  one loaded corpus occupies {size / 2**20:.1f} MiB")
        print(
            "  still held after load 1, 10, last, result dropped: "
            + ", ".join(f"{held[i] / 2**20:.2f} MiB" for i in (0, min(9, len(held) - 1), -1))
        )
        print(
            f"  growth per load over the second half: {per_load / 1024:+.1f} KiB "
            f"(target flat, under 0.1% of a corpus = {size / 1000 / 1024:.0f} KiB: {flat})"
        )
        same = "met" if gc_before == gc_after else "MISSED"
        print("garbage collector (enabled, frozen objects)")
        print(f"  before {gc_before}, after {gc_after} (target unchanged: {same})")
        if args.sphinx_specs <= 0:
            return

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
