"""Speed of the mapping table's checks and of loading the enlarged corpus, side by side.

1. Executing every pair of ``mappings/rows/`` with an empty cache (cold),
   through the persistent workers (target: under 120 s on a 2-core machine).
2. The same with the cache filled, in a fresh interpreter, as `apimap build`
   does it, against a bare interpreter start-up (target: under 2 s above it).
   CPU seconds are printed beside wall-clock ones: on a shared machine the
   wall clock also counts other processes.
3. Load + validate + render of every spec and row, both languages, against a
   bare YAML load of the same files (target: well under a second).

Run: ``python benchmarks/bench_table.py``.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from generator import render_all
from generator.recipes import run_table
from generator.table import load_table, table_paths
from generator.validate import load_corpus, spec_paths

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "mappings"


def main() -> None:
    corpus = load_corpus(spec_paths(MAPPINGS))
    specs = frozenset(f.spec.torch.name for f in corpus.files)
    table = load_table(table_paths(MAPPINGS), specs=specs)
    print(f"{len(corpus.files)} specs, {len(table.pairs)} table pairs")

    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        results = run_table(table, cache=Path(cache))
        cold = time.perf_counter() - start
        executed = sum(r.status in ("verified", "failed") for r in results)
        print(f"  cold (empty cache): {cold:.1f} s for {executed} executed pairs (target < 120 s)")
        command = [
            sys.executable,
            "-c",
            "from pathlib import Path; from generator.recipes import run_table;"
            "from generator.table import load_table, table_paths;"
            f"run_table(load_table(table_paths(Path({str(MAPPINGS)!r}))), cache=Path({cache!r}))",
        ]
        warm, warm_cpu = _best(command)
    bare, bare_cpu = _best([sys.executable, "-c", "pass"])
    print(f"  warm (cache filled): {warm:.2f} s ({warm_cpu:.2f} s CPU); bare interpreter start-up: {bare:.2f} s")
    print(f"  above start-up: {warm - bare:.2f} s, {warm_cpu - bare_cpu:.2f} s CPU (target < 2 s)")

    paths = [*spec_paths(MAPPINGS), *table_paths(MAPPINGS)]
    start, cpu = time.perf_counter(), time.process_time()
    corpus = load_corpus(spec_paths(MAPPINGS))
    table = load_table(table_paths(MAPPINGS), specs=specs)
    pages = render_all(corpus, templates=ROOT / "templates", table=table)
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    for path in paths:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    bare_yaml = time.perf_counter() - start
    print(f"  load + validate + render ({len(paths)} files, {len(pages)} pages): {ours:.2f} s ({ours_cpu:.2f} s CPU)")
    print(f"  bare YAML load of the same files: {bare_yaml:.2f} s; ratio {ours / bare_yaml:.1f}x")


def _best(command: list[str], runs: int = 3) -> tuple[float, float]:
    """The fastest of ``runs`` runs: wall-clock seconds, and the CPU seconds of the child."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        times.append((time.perf_counter() - start, cpu))
    return min(times)


if __name__ == "__main__":
    main()
