"""Speed of running every example of ``mappings/``, measured side by side in one run.

1. All snippets through the persistent workers (one per framework) against one
   fresh interpreter per snippet (target: at least 10x faster).
2. The warm-cache re-run of the whole corpus, as `pytest mappings` and as
   `apimap build --no-html` would do it, against a bare interpreter start-up
   (target: under 1 s above start-up).
3. The cache entries after a run naming the specs by absolute path and one
   naming them relative to the repository (target: one entry per snippet).

Run: ``python benchmarks/bench_examples.py``; ``--no-fresh`` skips the slow
one-interpreter-per-snippet run (and so the ratio of part 1).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.run import WorkerPool, examples_of, requests_of, run_corpus
from generator.validate import load_corpus, spec_paths

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 900.0  # generous: on a loaded machine one L-BFGS example takes minutes, and no snippet may fail here


def main() -> None:
    corpus = load_corpus(spec_paths(ROOT / "mappings"))
    requests = [r for file, t, e in examples_of(corpus) for r in requests_of(file, t, e).values()]
    print(f"{len(corpus.files)} specs, {len(requests)} snippets")

    start = time.perf_counter()
    with WorkerPool(timeout=TIMEOUT) as pool:
        for request in requests:
            outcome = pool.run(request)
            assert outcome.error is None, outcome.error
    pooled = time.perf_counter() - start

    print(f"  persistent workers: {pooled:.2f} s")
    if "--no-fresh" not in sys.argv[1:]:
        start = time.perf_counter()
        for request in requests:
            code = "\n" * (request.first_line - 1) + request.code
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=tempfile.gettempdir())
        fresh = time.perf_counter() - start
        print(f"  fresh interpreter per snippet: {fresh:.2f} s")
        print(f"  ratio: {fresh / pooled:.1f}x faster (target >= 10x)")

    with tempfile.TemporaryDirectory() as cache:
        run_corpus(corpus, cache_dir=Path(cache), timeout=TIMEOUT)
        command = [
            sys.executable,
            "-c",
            "from pathlib import Path; from generator.run import run_corpus;"
            "from generator.validate import load_corpus, spec_paths;"
            f"run_corpus(load_corpus(spec_paths(Path({str(ROOT / 'mappings')!r}))), cache_dir=Path({cache!r}))",
        ]
        warm = _best(command)
        relative = [sys.executable, "-c", command[2].replace(repr(str(ROOT / "mappings")), "'mappings'")]
        subprocess.run(relative, check=True, capture_output=True, cwd=ROOT)
        entries = len(list(Path(cache).glob("*.json")))
    print(f"  cache entries after absolute and relative runs: {entries} for {len(requests)} snippets (target: equal)")
    bare = _best([sys.executable, "-c", "pass"])
    print(f"  warm-cache re-run of the corpus: {warm:.2f} s; bare interpreter start-up: {bare:.2f} s")
    print(f"  above start-up: {warm - bare:.2f} s (target < 1 s)")


def _best(command: list[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


if __name__ == "__main__":
    main()
