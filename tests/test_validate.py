from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import prose
from generator.errors import ErrorGroup
from generator.model import Api, Example, Formula, NotRun, Row, Spec, Target, literal
from generator.prose import SUBSETS
from generator.validate import load_corpus, load_spec, prose_fields, spec_paths

from .conftest import DATA, ROOT

INVALID = DATA / "invalid"

# (case folder, location inside it, message): every message pinned whole.
EXPECTED = [
    ("anchor-alias", "torch.amax.yaml:6:12", "anchors and aliases (&, *) are not allowed in specs"),
    ("annotated-signature", "torch.amax.yaml:4:14", "torch.signature: write signatures without annotations"),
    (
        "bad-compare-name",
        "torch.amax.yaml:50:19",
        "targets.0.examples.0.compare.0.name: 'out[0]' is not valid; it must be a Python identifier",
    ),
    (
        "bad-kind-value",
        "torch.amax.yaml:24:45",
        "targets.0.table.1.kind.0: 'renamd' is not one of same, renamed, default_differs, type_differs, behaviour_differs, torch_only, mindspore_only; did you mean 'renamed'?",
    ),
    (
        "bad-qualified-name",
        "torch.amax.yaml:2:9",
        "torch.name: 'amax' is not valid; it must be a dotted Python name such as 'torch.optim.Rprop'",
    ),
    (
        "bad-row-category",
        "torch.amax.yaml:23:20",
        "targets.0.table.0.category: 'params' is not one of parameter, input, output; did you mean 'parameter'?",
    ),
    (
        "bad-signature",
        "torch.amax.yaml:4:14",
        "torch.signature: a signature is written in parentheses, e.g. '(input, dim=None)'",
    ),
    (
        "default-differs-but-equal",
        "torch.amax.yaml:23:48",
        "kind says 'default_differs' but neither side has a default",
    ),
    ("default-missing-kind", "torch.amax.yaml:25:53", "targets.0.table.2.kind: needs at least 1 item"),
    ("duplicate-api", "torch.amax.yml:2:9", "a second spec for torch.amax (the first is torch.amax.yaml:2)"),
    (
        "duplicate-api",
        "torch.amax.yml:2:9",
        "file name 'torch.amax.yml' does not match the torch API; expected 'torch.amax.yaml'",
    ),
    ("duplicate-example-id", "torch.amax.yaml:51:13", "duplicate example id 'basic'"),
    ("duplicate-kind", "torch.amax.yaml:24:55", "kind 'renamed' is listed twice"),
    ("duplicate-key", "torch.amax.yaml:4:3", "duplicate key 'kind' (first defined at line 3)"),
    ("duplicate-target-id", "torch.amax.yaml:51:9", "duplicate target id 'ops'"),
    ("empty-targets", "torch.amax.yaml:9:10", "targets: needs at least 1 item"),
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
    (
        "http-url",
        "torch.amax.yaml:5:8",
        "torch.url: 'http://docs.pytorch.org/docs/2.13/generated/torch.amax.html' is not valid; it must be an https:// address without spaces or quotes",
    ),
    ("list-instead-of-mapping", "torch.amax.yaml:7:5", "torch.summary: expected a mapping, got a list"),
    ("missing-field", "torch.amax.yaml:2:3", "missing required field 'torch.url'"),
    ("missing-row", "torch.amax.yaml:23:7", "parameter 'where' of mindspore.ops.amax has no row in the table"),
    ("misspelled-top-level", "torch.amax.yaml:1:1", "missing required field 'targets'"),
    ("misspelled-top-level", "torch.amax.yaml:9:1", "unknown field 'targts'; did you mean 'targets'?"),
    ("no-examples", "torch.amax.yaml:10:5", "missing required field 'targets.0.examples'"),
    ("no-targets", "torch.amax.yaml:1:1", "missing required field 'targets'"),
    ("non-utf8", "torch.amax.yaml:8:12", "not UTF-8: byte 0xff cannot be decoded"),
    ("not-a-mapping", "torch.amax.yaml:1:1", "a spec is a mapping with 'torch' and 'targets'"),
    ("number-instead-of-text", "torch.amax.yaml:20:11", "targets.0.differences.en: expected text, got int 42"),
    ("parameter-twice", "torch.amax.yaml:34:34", "mindspore parameter 'where' has two rows"),
    (
        "prose-block-scalar",
        "torch.amax.yaml:22:41",
        "'api:torch.amin': no mapping page for torch.amin (api: links name the torch API of a spec in mappings/)",
    ),
    (
        "prose-block-scalar",
        "torch.amax.yaml:23:9",
        "links are https:// addresses or api:NAME references to mapping pages; javascript: links are not allowed ('javascript:alert(1)')",
    ),
    (
        "prose-block-scalar",
        "torch.amax.yaml:23:46",
        "raw HTML is not allowed in differences; write Markdown, or escape '<' as '\\<'",
    ),
    (
        "prose-block-scalar",
        "torch.amax.yaml:23:53",
        "raw HTML is not allowed in differences; write Markdown, or escape '<' as '\\<'",
    ),
    (
        "prose-block-scalar",
        "torch.amax.yaml:25:9",
        "a heading in differences is ### or ####, one level at most below the heading before it (the page's '## Differences' at first), outside lists and quotes; got ##",
    ),
    (
        "prose-block-scalar",
        "torch.amax.yaml:27:9",
        "tables are not allowed in differences; the differences table is generated from 'table'",
    ),
    ("prose-block-scalar", "torch.amax.yaml:33:26", "images are not allowed in differences"),
    ("prose-one-line-fields", "torch.amax.yaml:34:13", "lists are not allowed in a table note, which is one line"),
    ("prose-one-line-fields", "torch.amax.yaml:41:29", "links are not allowed in a title"),
    # a one-line quoted scalar maps exactly; a folded one points at its first line, one with escapes at its start
    (
        "prose-quoted-and-folded",
        "torch.amax.yaml:8:37",
        "raw HTML is not allowed in a summary; write Markdown, or escape '<' as '\\<'",
    ),
    (
        "prose-quoted-and-folded",
        "torch.amax.yaml:19:11",
        "raw HTML is not allowed in a summary; write Markdown, or escape '<' as '\\<'",
    ),
    (
        "prose-quoted-and-folded",
        "torch.amax.yaml:24:14",
        "raw HTML is not allowed in differences; write Markdown, or escape '<' as '\\<'",
    ),
    (
        "not-run-without-a-side",
        "torch.amax.yaml:50:18",
        "targets.0.examples.0.not_run: name the side that is not executed here, with its reason",
    ),
    ("renamed-but-equal", "torch.amax.yaml:23:48", "kind says 'renamed' but both sides are called 'input'"),
    ("row-without-names", "torch.amax.yaml:23:7", "parameter 'initial' of mindspore.ops.amax has no row in the table"),
    ("row-without-names", "torch.amax.yaml:32:9", "a row names at least one side"),
    ("same-but-renamed", "torch.amax.yaml:24:45", "names differ ('dim' vs 'axis') but kind does not include 'renamed'"),
    ("same-combined", "torch.amax.yaml:24:45", "kind 'same' cannot be combined with other kinds"),
    ("tab", "torch.amax.yaml:3:1", "invalid YAML: found a tab character that violates indentation"),
    ("torch-only-with-both-names", "torch.amax.yaml:32:17", "torch parameter 'out' has two rows"),
    (
        "torch-only-with-both-names",
        "torch.amax.yaml:32:48",
        "a row that names both sides cannot be 'torch_only' or 'mindspore_only'",
    ),
    ("unknown-field", "torch.amax.yaml:2:3", "missing required field 'torch.summary'"),
    ("unknown-field", "torch.amax.yaml:6:3", "unknown field 'sumary'; did you mean 'summary'?"),
    ("unknown-nested-field", "torch.amax.yaml:29:9", "unknown field 'nte'; did you mean 'note'?"),
    ("unknown-parameter", "torch.amax.yaml:23:7", "parameter 'keepdim' of torch.amax has no row in the table"),
    (
        "unknown-parameter",
        "torch.amax.yaml:25:17",
        "torch.amax has no parameter 'keep_dim'; its signature is (input, dim=None, keepdim=False, *, out=None)",
    ),
    ("wrong-type", "torch.amax.yaml:3:9", "torch.kind: 3 is not one of function, class, method"),
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


def test_a_very_large_file_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "torch.amax.yaml").write_text("a: " + "x" * 2_000_000 + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _errors(Path(".")) == ["torch.amax.yaml:1:1: file is 2,000,004 bytes; a spec may have at most 1,000,000"]


@pytest.mark.parametrize("case", sorted(p.name for p in INVALID.iterdir()))
def test_the_cli_reports_each_case_without_traceback(
    case: str, project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cli import main

    for source in (INVALID / case).iterdir():
        shutil.copy(source, project / "mappings")
    monkeypatch.chdir(project)
    assert main(["build", "--no-html", "--no-run"]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert lines[-1].startswith("apimap: ")
    for line in lines[:-1]:
        assert re.match(r"^mappings/torch\.am(ax|in)\.ya?ml:\d+:\d+: \S", line), line
    assert not (project / "docs" / "generated").exists()


def test_rows_pair_the_parameters_of_every_overload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DATA / "overloads" / "torch.sum.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "torch.sum.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_corpus(spec_paths(Path("."))).files[0].spec.torch.parameters.get("keepdim") is not None
    path.write_text(text.replace("{torch: keepdim, mindspore: keepdim", "{torch: keep_dim, mindspore: keepdim"))
    assert _errors(Path(".")) == [
        "torch.sum.yaml:26:7: parameter 'keepdim' of torch.sum has no row in the table",
        "torch.sum.yaml:28:17: torch.sum has no parameter 'keep_dim'; its signatures are "
        "(input, *, dtype=None), (input, dim, keepdim=False, *, dtype=None)",
        "torch.sum.yaml:28:53: names differ ('keep_dim' vs 'keepdim') but kind does not include 'renamed'",
    ]


def test_every_prose_field_has_a_subset() -> None:
    spec = load_spec(DATA / "specs" / "torch.amax.yaml").spec
    fields = {field for _, field, _ in prose_fields(spec, (), "")}
    assert fields <= set(SUBSETS)
    declared = {
        f"{model.__name__}.{name}"
        for model in (Spec, Api, Target, Row, Formula, Example, NotRun)
        for name, info in model.model_fields.items()
        if "Text" in str(info.annotation)
    }
    assert declared == set(SUBSETS)


@pytest.mark.parametrize(
    ("field", "text", "problems"),
    [
        (
            "Target.differences",
            "Intro\n\n### A\n\n#### B\n\n### C\n\n1. one\n   - two\n\n> a note $x$\n\n$$\ny\n$$",
            [],
        ),
        ("Target.differences", "#### Too deep", [(0, 0, "got ####")]),
        ("Target.differences", "- ### in a list", [(0, 2, "got ###")]),
        ("Api.summary", "### No headings here", [(0, 0, "headings are not allowed in a summary")]),
        ("Api.summary", "a  \nb", [(0, 1, "line breaks inside a paragraph")]),
        ("Api.summary", "$$\nx\n$$ (eq)", [(0, 0, "numbered equations")]),
        ("Api.summary", "a\n\n$$\nx $$ y\n$$", [(2, 0, "display math cannot contain '$$'")]),
        ("Api.summary", "see [x](http://a.org) and [y](#here)", [(0, 4, "http: links"), (0, 26, "relative links")]),
        ("Api.summary", "    indented code", [(0, 4, "indented code blocks")]),
        ("Api.summary", "a\n\n```\nfence\n```", [(2, 0, "code blocks are not allowed")]),
        ("Api.summary", "a\n\n***", [(2, 0, "horizontal rules")]),
        ("Api.summary", "<div>\nx\n</div>", [(0, 0, "raw HTML")]),
        ("Row.note", "one\n\ntwo", [(2, 0, "a table note is one paragraph")]),
        ("Row.note", "$$\nx\n$$", [(0, 0, "display math")]),
        ("Row.note", "> quoted", [(0, 0, "block quotes are not allowed in a table note")]),
        ("Example.title", "*fine* `code` $x$ \\<b\\>", []),
        ("NotRun.mindspore", "needs `msrun`, see <https://www.mindspore.cn/>", []),
        ("NotRun.torch", "one\n\n- two", [(2, 0, "lists are not allowed in a reason not to run")]),
        ("Example.title", "see <api:torch.amax>", [(0, 4, "links are not allowed in a title")]),
        (
            "Example.note",
            "[x](api:torch.amax) <api:torch.nn.Nope> [y](api:a b)",
            [(0, 20, "no mapping page for torch.nn.Nope")],
        ),
    ],
)
def test_prose_outside_its_subset_is_located(field: str, text: str, problems: list[tuple[int, int, str]]) -> None:
    found = prose.problems(text, SUBSETS[field], pages={"torch.amax"})
    assert [(p.line, p.col) for p in found] == [(line, col) for line, col, _ in problems]
    for problem, (_, _, message) in zip(found, problems, strict=True):
        assert message in problem.message


def _read(read: object, text: str) -> object:
    try:
        value = read(text)  # type: ignore[operator]
    except (ValueError, SyntaxError) as exc:
        return type(exc)
    return (type(value), value)


@pytest.mark.parametrize(
    "text", ["None", "True", "0", "00", "01", "-3", "1.", "1e-06", "1.5e3", "-0.5", "1_0", "(1, 2)", "'mean'", "x"]
)
def test_a_default_reads_as_literal_eval_reads_it(text: str) -> None:
    assert _read(literal, text) == _read(ast.literal_eval, text)


@given(text=st.lists(st.sampled_from([*"0123456789.-+e_", "None", "1e-"]), min_size=1, max_size=8).map("".join))
def test_any_number_like_default_reads_as_literal_eval_reads_it(text: str) -> None:
    assert _read(literal, text) == _read(ast.literal_eval, text)
