"""How far `apimap new` gets: draft every committed pair again and compare with the committed spec.

For each spec in ``mappings/`` and each of its targets, drafts the pair with
`generator.introspect.draft` into a scratch folder (``--out``, default a
temporary one) and prints where the drafted signatures and parameter rows
differ from the committed ones. Rows are compared as (torch name, MindSpore
name, kinds); the committed table's input and output rows are not drafted and
are left out. A difference is not necessarily a fault of either side: the
committed tables pair parameters by meaning, the draft by name and position.

Run: ``python benchmarks/redraft.py [--out FOLDER]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from generator.introspect import draft
from generator.load import read
from generator.validate import load_corpus, spec_paths, typed

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Draft every committed pair and print the differences."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the drafts (default: a temporary one)")
    args = parser.parse_args()
    out: Path = args.out or Path(tempfile.mkdtemp(prefix="apimap-redraft-"))
    corpus = load_corpus(spec_paths(ROOT / "mappings"))
    pairs = same = 0
    for file in corpus.files:
        spec = file.spec
        for target in spec.targets:
            pairs += 1
            drafted = draft(spec.torch.name, target.mindspore.name)
            path = out / target.id / f"{spec.torch.name}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(drafted.text, encoding="utf-8")
            new = typed(read(path, shown_as=str(path)))
            new_target = new.targets[0]
            lines: list[str] = []
            for side, old_api, new_api in (
                ("torch", spec.torch, new.torch),
                ("mindspore", target.mindspore, new_target.mindspore),
            ):
                if old_api.signatures != new_api.signatures:
                    old_text = " | ".join(str(s) for s in old_api.signatures)
                    new_text = " | ".join(str(s) for s in new_api.signatures)
                    lines.append(f"  {side} signature: committed {old_text}  drafted {new_text}")
            committed = {(r.torch, r.mindspore, r.kind) for r in target.table if r.category == "parameter"}
            drafted_rows = {(r.torch, r.mindspore, r.kind) for r in new_target.table if r.category == "parameter"}
            for row in sorted(committed - drafted_rows, key=str):
                lines.append(f"  only committed: {_row(row)}")
            for row in sorted(drafted_rows - committed, key=str):
                lines.append(f"  only drafted:   {_row(row)}")
            if lines:
                print(f"{spec.torch.name} -> {target.mindspore.name}")
                print("\n".join(lines))
            else:
                same += 1
    print(f"\n{same} of {pairs} pairs drafted exactly as committed; drafts in {out}")


def _row(row: tuple[str | None, str | None, tuple[object, ...]]) -> str:
    torch, mindspore, kinds = row
    return f"{torch} / {mindspore}: {', '.join(str(k) for k in kinds)}"


if __name__ == "__main__":
    main()
