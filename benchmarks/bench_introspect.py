"""Coverage and speed of signature reading over the public surface of both frameworks.

Walks every public callable of the namespaces in `generator.introspect.NAMESPACES`
(torch, torch.nn, ..., mindspore.experimental.optim) and prints per namespace how
many there are, where their signatures were read (inspect, docstring, torch's
type stubs, an operator schema: torch's ATen schema or a MindSpore kernel
registration, the C method table of a builtin), how many have overloads, how
many take only ``*args``/``**kwargs`` because their own definition does
(``variadic``, counted as real and shown apart; the rule is
`generator.introspect._read_variadic`), how many are still placeholders (only
``*args``/``**kwargs`` as a fallback), how many failed, and how many are
classes Python cannot construct. Targets: at least 99 % get a real signature,
the walk under 30 s once both frameworks are imported (the import is timed
apart, beside it). The figure is printed with and without the variadic ones.

Run: ``python benchmarks/bench_introspect.py [--list]``; ``--list`` also prints
every callable left without a real signature and every variadic one, with what was read.
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections import Counter

from generator.introspect import NAMESPACES, Walked, walk

COLUMNS = (
    "count",
    "inspect",
    "docstring",
    "stub",
    "schema",
    "method table",
    "overloads",
    "variadic",
    "placeholder",
    "failed",
    "no ctor",
)


def outcome(walked: Walked) -> str:
    """The column one callable counts in: its source, or why it has no real signature."""
    if not walked.constructible:
        return "no ctor"
    if walked.reading is None:
        return "failed"
    if walked.reading.variadic:
        return "variadic"
    return "placeholder" if walked.reading.placeholder else walked.reading.source


def main() -> None:
    """Import both frameworks, walk, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list", action="store_true", help="print every callable left without a real signature, and the variadic ones"
    )
    args = parser.parse_args()

    start = time.perf_counter()
    for module in ("torch", "mindspore", "mindspore.mint.nn.functional", "mindspore.experimental.optim"):
        importlib.import_module(module)
    imported = time.perf_counter() - start
    start = time.perf_counter()
    results = walk(NAMESPACES)
    walked = time.perf_counter() - start

    counts: dict[str, Counter[str]] = {namespace: Counter() for namespace in NAMESPACES}
    for result in results:
        row = counts[result.namespace]
        row["count"] += 1
        row[outcome(result)] += 1
        if result.reading is not None and len(result.reading.signatures) > 1:
            row["overloads"] += 1
    total: Counter[str] = sum(counts.values(), Counter())
    width = max(len(n) for n in NAMESPACES)
    print(f"{'namespace':<{width}}  " + "  ".join(f"{c:>{max(11, len(c))}}" for c in COLUMNS))
    for namespace, row in [*counts.items(), ("total", total)]:
        print(f"{namespace:<{width}}  " + "  ".join(f"{row[c]:>{max(11, len(c))}}" for c in COLUMNS))

    left = total["placeholder"] + total["failed"]
    callable_ = total["count"] - total["no ctor"]
    print()
    print(
        f"real signatures: {callable_ - left} of {callable_} callables ({100 * (callable_ - left) / callable_:.2f} %), "
        f"counting the {total['variadic']} variadic by definition as real"
    )
    strict = callable_ - left - total["variadic"]
    print(f"  without the variadic ones: {strict} of {callable_} ({100 * strict / callable_:.2f} %)")
    print(
        f"  counting the {total['no ctor']} classes without a constructor as misses: "
        f"{100 * (callable_ - left) / total['count']:.2f} % of {total['count']}"
    )
    print(
        f"walk: {walked:.2f} s (target < 30 s, {walked / 30:.2f}x of it); importing both frameworks: {imported:.2f} s"
    )
    if args.list:
        print()
        for result in results:
            what = outcome(result)
            if what in ("variadic", "placeholder", "failed", "no ctor"):
                how = result.reading.how if result.reading is not None else ""
                print(f"{what:<12} {result.name}  {how}")


if __name__ == "__main__":
    main()
