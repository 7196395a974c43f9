from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.errors import ErrorGroup
from generator.validate import load_corpus, spec_paths

from .conftest import DATA, ROOT

INVALID = DATA / "invalid"

# (case folder, location inside it, message): every message pinned whole.
EXPECTED = [
    (
        "bad-kind-value",
        "torch.amax.yaml:24:45",
        "targets.0.table.1.kind.0: 'renamd' is not one of same, renamed, default_differs, type_differs, behaviour_differs, torch_only, mindspore_only; did you mean 'renamed'?",
    ),
    (
        "bad-signature",
        "torch.amax.yaml:4:14",
        "torch.signature: a signature is written in parentheses, e.g. '(input, dim=None)'",
    ),
    ("duplicate-key", "torch.amax.yaml:4:3", "duplicate key 'kind' (first defined at line 3)"),
    ("empty", "torch.amax.yaml:1:1", "the file is empty; a spec is a mapping"),
    (
        "escaping-id",
        "torch.amax.yaml:35:13",
        "targets.0.examples.0.id: '../x' is not valid; it must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit",
    ),
    ("example-syntax", "torch.amax.yaml:42:27", "example does not compile: '(' was never closed"),
    (
        "file-name",
        "torch.amin.yaml:2:9",
        "file name 'torch.amin.yaml' does not match the torch API; expected 'torch.amax.yaml'",
    ),
    ("missing-field", "torch.amax.yaml:2:3", "missing required field 'torch.url'"),
    ("missing-row", "torch.amax.yaml:23:7", "parameter 'where' of mindspore.ops.amax has no row in the table"),
    ("non-utf8", "torch.amax.yaml:8:12", "not UTF-8: byte 0xff cannot be decoded"),
    ("not-a-mapping", "torch.amax.yaml:1:1", "a spec is a mapping with 'torch' and 'targets'"),
    ("renamed-but-equal", "torch.amax.yaml:23:48", "kind says 'renamed' but both sides are called 'input'"),
    ("same-but-renamed", "torch.amax.yaml:24:45", "names differ ('dim' vs 'axis') but kind does not include 'renamed'"),
    ("tab", "torch.amax.yaml:3:1", "invalid YAML: found a tab character that violates indentation"),
    ("unknown-field", "torch.amax.yaml:2:3", "missing required field 'torch.summary'"),
    ("unknown-field", "torch.amax.yaml:6:3", "unknown field 'sumary'; did you mean 'summary'?"),
    ("unknown-parameter", "torch.amax.yaml:23:7", "parameter 'keepdim' of torch.amax has no row in the table"),
    (
        "unknown-parameter",
        "torch.amax.yaml:25:17",
        "torch.amax has no parameter 'keep_dim'; its signature is (input, dim=None, keepdim=False, *, out=None)",
    ),
    ("wrong-type", "torch.amax.yaml:3:9", "torch.kind: Input should be 'function', 'class' or 'method'"),
    ("yaml-syntax", "torch.amax.yaml:24:9", "invalid YAML: did not find expected ',' or '}'"),
]


def _errors(folder: Path) -> list[str]:
    with pytest.raises(ErrorGroup) as caught:
        load_corpus(spec_paths(folder))
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize("case", sorted({case for case, _, _ in EXPECTED}))
def test_each_broken_spec_gives_its_located_errors(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID / case)
    expected = [f"{where}: {message}" for c, where, message in EXPECTED if c == case]
    assert _errors(Path(".")) == expected


def test_every_case_folder_is_pinned() -> None:
    assert sorted(p.name for p in INVALID.iterdir()) == sorted({case for case, _, _ in EXPECTED})


def test_all_errors_of_all_files_in_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for case in ("duplicate-key", "missing-row", "unknown-field"):
        source = next((INVALID / case).glob("*.yaml"))
        shutil.copy(source, tmp_path / f"{case}.yaml")
    monkeypatch.chdir(tmp_path)
    errors = _errors(Path("."))
    assert [e.split(":")[0] for e in errors] == [
        "duplicate-key.yaml",
        "missing-row.yaml",
        "missing-row.yaml",  # its file name does not match the API either
        "unknown-field.yaml",  # missing 'summary' and unknown 'sumary'
        "unknown-field.yaml",
    ]


def test_two_specs_for_one_api_are_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = DATA / "specs" / "torch.amax.yaml"
    shutil.copy(source, tmp_path / "torch.amax.yaml")
    shutil.copy(source, tmp_path / "torch.amax.yml")
    monkeypatch.chdir(tmp_path)
    errors = _errors(Path("."))
    assert "torch.amax.yml:3:9: a second spec for torch.amax (the first is torch.amax.yaml:3)" in errors


def test_missing_translation_is_a_warning_at_its_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    (tmp_path / "torch.amax.yaml").write_text(text.replace("    zh_CN: 返回沿给定维度每个切片的最大值。\n", ""))
    monkeypatch.chdir(tmp_path)
    corpus = load_corpus(spec_paths(Path(".")))
    assert [str(w) for w in corpus.warnings] == ["torch.amax.yaml:8:5: missing zh_CN translation"]


def test_the_project_mappings_are_valid() -> None:
    corpus = load_corpus(spec_paths(ROOT / "mappings"))
    assert corpus.files
    assert not corpus.warnings
    for file in corpus.files:
        assert re.fullmatch(r"torch(\.\w+)+\.yaml", file.path.name)
