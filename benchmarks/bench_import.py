"""Speed of `apimap import` on one page, measured side by side with interpreter start-up.

Each fixture page pair of ``tests/data/legacy/`` (English and Chinese) is
imported many times in this process, offline (the pages' own signatures; with
the frameworks, importing torch and MindSpore once per run dominates and is
the same for any page). The best time per page is printed beside the best
start-up of a bare interpreter (``python -c pass``), each the least disturbed
of several runs on a shared machine, and the ratio between them (target:
importing a page takes well under the start-up); the median is shown too.

Run: ``python benchmarks/bench_import.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from generator.importer import import_pages

ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "tests" / "data" / "legacy"
ROUNDS = 50


def main() -> None:
    bare = _best([sys.executable, "-c", "pass"], rounds=10)
    print(f"bare interpreter start-up (best of 10): {bare * 1000:.1f} ms")
    for en in sorted((LEGACY / "en").glob("*.md")):
        zh = LEGACY / "zh_CN" / en.name
        en_text, zh_text = en.read_text(encoding="utf-8"), zh.read_text(encoding="utf-8")
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            result = import_pages(en_text, en_path=str(en), zh_text=zh_text, zh_path=str(zh))
            times.append(time.perf_counter() - start)
        assert result.specs and not result.errors
        page = min(times)
        print(
            f"  {en.name:<14} en + zh_CN: {page * 1000:6.2f} ms per page (best of {ROUNDS}; "
            f"median {statistics.median(times) * 1000:.2f} ms); start-up / import = {bare / page:.0f}x"
        )


def _best(command: list[str], rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
