from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import Project
from generator.cli import main, schema_text

from .conftest import DATA, ROOT


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("build", "check", "schema", "init", "--verbose"):
        assert command in out


def test_bad_specs_exit_2_with_located_lines_and_no_traceback(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for case in ("duplicate-key", "tab"):
        shutil.copy(DATA / "invalid" / case / "torch.amax.yaml", project / "mappings" / f"{case}.yaml")
    monkeypatch.chdir(project)
    code, out, err = _run(capsys, "build", "--no-html", "--no-run")
    assert code == 2
    assert err.splitlines() == [
        "mappings/duplicate-key.yaml:4:3: duplicate key 'kind' (first defined at line 3)",
        "mappings/tab.yaml:3:1: invalid YAML: found a tab character that violates indentation",
        "apimap: 2 errors",
    ]
    assert "Traceback" not in out + err


def test_a_failed_build_leaves_the_previous_pages(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.chdir(project)
    assert _run(capsys, "build", "--no-html", "--no-run")[0] == 0
    before = {p: p.read_bytes() for p in (project / "docs" / "generated").rglob("*.md")}
    assert len(before) == 4
    shutil.copy(DATA / "invalid" / "tab" / "torch.amax.yaml", project / "mappings" / "torch.amax.yaml")
    assert _run(capsys, "build", "--no-html", "--no-run")[0] == 2
    assert {p: p.read_bytes() for p in (project / "docs" / "generated").rglob("*.md")} == before


def test_unchanged_pages_keep_their_bytes_and_times(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.chdir(project)
    _run(capsys, "build", "--no-html", "--no-run")
    page = project / "docs" / "generated" / "en" / "torch.amax.md"
    stamp = page.stat().st_mtime_ns
    code, out, _ = _run(capsys, "build", "--no-html", "--no-run")
    assert code == 0
    assert "0 written, 4 unchanged" in out
    assert page.stat().st_mtime_ns == stamp


def test_check_refuses_a_missing_translation(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    (project / "mappings" / "torch.amax.yaml").write_text(
        text.replace("    zh_CN: 返回沿给定维度每个切片的最大值。\n", "")
    )
    monkeypatch.chdir(project)
    code, _, err = _run(capsys, "check", "--offline")
    assert code == 2
    assert err.splitlines()[0] == "mappings/torch.amax.yaml:8:5: missing zh_CN translation"
    code, _, err = _run(capsys, "build", "--no-html", "--no-run")
    assert code == 0
    assert "missing zh_CN translation (warning; `apimap check` refuses it)" in err


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "mappings" / "spec.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "the schema is stale; run `apimap schema` and commit the result"


def test_schema_check_fails_when_stale(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    (project / "mappings" / "spec.schema.json").write_text("{}\n")
    assert _run(capsys, "schema", "--check")[0] == 1
    assert _run(capsys, "schema")[0] == 0
    assert _run(capsys, "schema", "--check")[0] == 0


def test_a_failing_example_fails_the_build_at_its_line(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    text = text.replace("out = torch.amax(x, dim=1)", "out = torch.amax(x, dim=5)")
    (project / "mappings" / "torch.amax.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    code, _, err = _run(capsys, "build", "--no-html")
    assert code == 2
    assert err.splitlines()[0].startswith(
        "mappings/torch.amax.yaml:43:1: the torch snippet of example 'basic' failed: IndexError: Dimension out of range"
    )
    assert not (project / "docs" / "generated").exists()


def test_build_shows_real_outputs_and_versions(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.chdir(project)
    assert _run(capsys, "build", "--no-html")[0] == 0
    page = (project / "docs" / "generated" / "en" / "torch.amax.md").read_text(encoding="utf-8")
    assert "Output:\n\n```text\ntensor([5., 3.])\n```" in page
    assert "Output:\n\n```text\n[5. 3.]\n```" in page
    assert "Examples verified with PyTorch 2.13.0 and MindSpore 2.10.0." in page


AT = "mappings/torch.amax.yaml"
FAILED = "the torch snippet of example 'basic' failed:"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "import time\n          time.sleep(1000)",
            f"{AT}:40:16: {FAILED} timed out after 1 s",
        ),
        (
            "import os\n          os._exit(9)",
            f"{AT}:40:16: {FAILED} the torch worker died (exit code 9)",
        ),
        (
            "open('/tmp/apimap-escape.txt', 'w')",
            f"{AT}:41:1: {FAILED} PermissionError: examples may write only",
        ),
    ],
    ids=["hangs", "kills-its-interpreter", "writes-outside"],
)
def test_runaway_examples_fail_the_build_with_a_located_line(
    code: str, message: str, project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    text = text.replace("import torch\n          x = torch.tensor", f"{code}\n          x = torch.tensor", 1)
    (project / "mappings" / "torch.amax.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    # a one-second timeout is enough: the clock starts once the worker has imported its framework
    code_, _, err = _run(capsys, "build", "--no-html", "--timeout", "1")
    assert code_ == 2
    assert err.splitlines()[0].startswith(message), err
    assert "Traceback" not in err
    assert not Path("/tmp/apimap-escape.txt").exists()


def test_only_changed_specs_are_rendered_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator

    for name in ("torch.amax.yaml", "torch.where.yaml"):
        shutil.copy(ROOT / "mappings" / name, project / "mappings")
    monkeypatch.chdir(project)
    assert main(["build", "--no-html", "--no-run"]) == 0
    rendered: list[str] = []
    real = generator.render_page

    def counting(spec: object, **kwargs: object) -> str:
        rendered.append(f"{kwargs['lang']}/{spec.torch.name}")  # type: ignore[attr-defined]
        return real(spec, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator, "render_page", counting)
    assert main(["build", "--no-html", "--no-run"]) == 0
    assert rendered == []
    spec = project / "mappings" / "torch.where.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Mixed dtypes", "Mixed types"), encoding="utf-8")
    assert main(["build", "--no-html", "--no-run"]) == 0
    assert rendered == ["en/torch.where", "zh_CN/torch.where"]
    (project / "templates" / "mapping.md.jinja").write_text(
        (project / "templates" / "mapping.md.jinja").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    rendered.clear()
    assert main(["build", "--no-html", "--no-run"]) == 0
    assert sorted(rendered) == ["en/torch.amax", "en/torch.where", "zh_CN/torch.amax", "zh_CN/torch.where"]


def test_help_shows_the_one_exit_code_map(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    epilog = out[out.index("exit codes:\n") :]
    codes = [int(m[1]) for m in re.finditer(r"^  (\d+) +\S", epilog, re.MULTILINE)]
    assert codes == [0, 1, 2, 3, 4, 130]
    assert re.search(r"^  1    a --check found a generated file out of date \(nothing was written\)$", epilog, re.M)
    assert re.search(r"^  3    usage error: bad options or arguments, a missing folder", epilog, re.M)


def test_exit_codes_follow_the_error_classes() -> None:
    from generator.cli import EXIT_CODES, exit_code
    from generator.errors import ApiNotFoundError, BuildError, ErrorGroup, SpecError, StaleError, UsageError

    cases = {
        StaleError("s"): 1,
        SpecError("s"): 2,
        ErrorGroup([SpecError("a"), SpecError("b")]): 2,
        ErrorGroup([UsageError("a"), UsageError("b")]): 3,
        ErrorGroup([UsageError("a"), SpecError("b")]): 2,
        UsageError("u"): 3,
        ApiNotFoundError("a"): 3,
        BuildError("b"): 4,
    }
    assert [exit_code(error) for error in cases] == list(cases.values())
    assert set(cases.values()) | {0, 130} == set(EXIT_CODES)


def test_schema_check_exits_1_when_stale_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    schema = project / "mappings" / "spec.schema.json"
    schema.write_text("{}\n")
    code, _, err = _run(capsys, "schema", "--check")
    assert code == 1
    assert re.fullmatch(r"mappings/spec\.schema\.json is stale; run `apimap schema` to regenerate it\n", err)
    assert schema.read_text() == "{}\n"
    with pytest.raises(SystemExit):
        main(["schema", "--help"])
    assert re.search(r"--check\s+write nothing; exit 1 when the committed schema is\s+stale", capsys.readouterr().out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--timeout", "soon"], r"argument --timeout: invalid float value: 'soon'"),
        (["check", "--offline", "--strict"], r"unrecognized arguments: --strict"),
        (
            ["--root", "nowhere", "check", "--offline"],
            r"no such folder: /\S+/nowhere/mappings \(run apimap in a project folder, pass --root DIR, "
            r"or start a project with `apimap init`\)",
        ),
        (["new", "amax", "mindspore.ops.amax"], r"'amax' is not a qualified API name such as torch\.optim\.Rprop"),
        (["new", "torch.amax", "../x"], r"'\.\./x' is not a qualified API name such as torch\.optim\.Rprop"),
        (
            ["new", "torch.amax", "mindspore.ops.amax"],
            r"mappings/torch\.amax\.yaml exists; pass --force to overwrite it",
        ),
        (["new", "numpy.amax", "mindspore.ops.amax"], r"numpy\.amax: only torch and mindspore APIs can be mapped"),
    ],
    ids=["bad-option-value", "unknown-option", "missing-folder", "bad-name", "path-as-name", "exists", "not-torch"],
)
def test_usage_errors_exit_3_as_one_line_not_as_spec_errors(
    args: list[str], message: str, project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.chdir(project)
    code, out, err = _run(capsys, *args)
    assert code == 3
    assert re.search(rf"^apimap: error: {message}$", err, re.MULTILINE), err
    assert "Traceback" not in err
    assert out == ""
    assert sorted(p.name for p in (project / "mappings").iterdir()) == ["torch.amax.yaml"]


@pytest.mark.parametrize(
    ("raised", "code", "line"),
    [
        ("build-error", 4, "Sphinx failed:\nWARNING: x"),
        ("interrupt", 130, "interrupted"),
    ],
)
def test_a_failed_sphinx_build_and_an_interrupt_have_their_own_codes(
    raised: str,
    code: int,
    line: str,
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import generator.cli
    from generator.errors import BuildError

    def failing(*args: object, **kwargs: object) -> None:
        if raised == "interrupt":
            raise KeyboardInterrupt
        raise BuildError("Sphinx failed:\nWARNING: x")

    monkeypatch.setattr(generator.cli, "build", failing)
    assert _run(capsys, "--root", str(project), "build") == (code, "", line + "\n")


def test_export_output_is_taken_from_the_root(
    project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    code, out, _ = _run(capsys, "--root", str(project), "export", "-o", "out/mappings.json")
    assert code == 0
    assert (project / "out" / "mappings.json").is_file()
    assert (project / "out" / "mappings.schema.json").is_file()
    assert list(elsewhere.iterdir()) == []
    assert re.fullmatch(
        rf"apimap: wrote {re.escape(str(project))}/out/mappings\.json \(1 specs, 0 table pairs\) and .*\n", out
    )
    absolute = elsewhere / "abs.json"
    assert _run(capsys, "--root", str(project), "export", "-o", str(absolute))[0] == 0
    assert absolute.is_file()


def test_the_progress_bar_finishes_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import _Bar

    bar = _Bar()
    for done in range(1, 5):
        bar("rendering", done, 4)
    err = capsys.readouterr().err
    assert err.endswith("\rrendering  [##############################] 4/4\n")
    assert err.count("\n") == 1


def test_written_files_have_the_mode_of_an_ordinary_write(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import stat

    import generator.introspect

    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.setattr(generator.introspect, "scaffold", lambda torch, ms: f"# {torch} -> {ms}\n")
    monkeypatch.chdir(project)
    previous = os.umask(0o022)
    try:
        for args in (
            ["build", "--no-html", "--no-run"],
            ["export"],
            ["schema"],
            ["new", "torch.where", "mindspore.ops.where"],
        ):
            assert _run(capsys, *args)[0] == 0, args
    finally:
        os.umask(previous)
    written = [
        *(project / "docs" / "generated").rglob("*.md"),
        project / "docs" / "generated" / ".apimap-pages.json",
        project / "build" / "apimap-mappings.json",
        project / "build" / "apimap-mappings.schema.json",
        project / "mappings" / "spec.schema.json",
        project / "mappings" / "torch.where.yaml",
    ]
    assert len(written) == 9
    assert {str(p.relative_to(project)): oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {
        str(p.relative_to(project)): "0o644" for p in written
    }
    assert not [p for p in project.rglob("*.tmp")]


def test_build_limits_what_a_snippet_may_print(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.chdir(project)
    code, _, err = _run(capsys, "build", "--no-html", "--max-output", "5")
    assert code == 2
    assert err.splitlines()[:2] == [
        f"{AT}:40:16: {FAILED} printed at least 17 bytes; the limit is 5 bytes "
        "(raise it with the example's max_output or --max-output)",
        f"{AT}:45:20: the mindspore snippet of example 'basic' failed: printed at least 8 bytes; the limit is 5 bytes "
        "(raise it with the example's max_output or --max-output)",
    ]
    assert not (project / "docs" / "generated").exists()


def test_cache_shows_its_size_and_prunes_what_no_example_uses(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    spec = project / "mappings" / "torch.amax.yaml"
    spec.write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    assert _run(capsys, "cache") == (0, "apimap: .apimap-cache holds 0 entries (0 bytes)\n", "")
    assert _run(capsys, "build", "--no-html")[0] == 0
    entries = sorted(p for p in (project / ".apimap-cache").iterdir() if p.is_file())
    assert [p.suffix for p in entries] == [".json", ".json"]
    assert (project / ".apimap-cache" / "rows").is_dir()  # the row checks' outcomes, in their own folder
    size = sum(p.stat().st_size for p in entries)
    assert _run(capsys, "cache")[1] == f"apimap: .apimap-cache holds 2 entries ({size} bytes)\n"
    (project / ".apimap-cache" / "0123.pickle").write_bytes(b"old format")
    spec.write_text(text.replace("print(out)", "print(out, 1)", 1), encoding="utf-8")
    assert _run(capsys, "build", "--no-html")[0] == 0
    assert len([p for p in (project / ".apimap-cache").iterdir() if p.is_file()]) == 4
    kept = sorted(set((project / ".apimap-cache").iterdir()) - {*entries, project / ".apimap-cache" / "0123.pickle"})
    kept.append(next(p for p in entries if p.read_text(encoding="ascii").count('"[5. 3.]\\n"')))
    code, out, _ = _run(capsys, "cache", "--prune")
    assert code == 0
    assert out.splitlines()[0].startswith("apimap: removed 2 entries (")
    assert sorted((project / ".apimap-cache").iterdir()) == sorted(kept)
    assert _run(capsys, "build", "--no-html")[1].startswith("apimap: 1 specs")
    assert sorted((project / ".apimap-cache").iterdir()) == sorted(kept)


def test_cache_prune_removes_nothing_when_a_spec_is_invalid(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "invalid" / "tab" / "torch.amax.yaml", project / "mappings")
    (project / ".apimap-cache").mkdir()
    entry = project / ".apimap-cache" / "0123.json"
    entry.write_text("{}", encoding="ascii")
    monkeypatch.chdir(project)
    code, out, err = _run(capsys, "cache", "--prune")
    assert code == 2 and out == ""
    assert err.splitlines()[0].startswith("mappings/torch.amax.yaml:3:1: invalid YAML")
    assert entry.is_file()


def _python_m_generator(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GLOG_v"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_check_keeps_the_frameworks_logging_off_the_terminal_unless_verbose() -> None:
    quiet = _python_m_generator("check", cwd=ROOT)
    assert quiet.returncode == 0, quiet.stderr
    assert [line for line in quiet.stderr.splitlines() if "[WARNING]" in line or "Warning" in line] == []
    loud = _python_m_generator("--verbose", "check", cwd=ROOT)
    assert loud.returncode == 0, loud.stderr
    assert "[WARNING] ME(" in loud.stderr, "--verbose should let MindSpore's own logging through"


@pytest.mark.parametrize("command", [["build"], ["check"], ["export"], ["schema", "--check"]])
def test_outside_a_project_the_error_names_the_folder_and_the_fix(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, *command)
    assert code == 3
    assert err == (
        f"apimap: error: no such folder: {tmp_path.resolve() / 'mappings'} "
        "(run apimap in a project folder, pass --root DIR, or start a project with `apimap init`)\n"
    )
    assert out == "" and list(tmp_path.iterdir()) == []


def test_build_without_a_sphinx_project_names_the_missing_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mappings").mkdir()
    code, _, err = _run(capsys, "--root", str(tmp_path), "build", "--no-run")
    assert code == 3
    assert err.startswith(f"apimap: error: no Sphinx configuration: {tmp_path.resolve() / 'docs' / 'conf.py'} (")


def test_init_makes_a_project_that_checks_and_builds_with_the_bundled_templates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "init", "site")
    assert code == 0
    assert out.splitlines() == [
        f"apimap: wrote 7 files in {tmp_path.resolve() / 'site'}",
        "apimap: next, `apimap --root site build` renders the pages and builds the site",
    ]
    assert not (tmp_path / "site" / "templates").exists()
    monkeypatch.chdir(tmp_path / "site")
    assert _run(capsys, "check")[0] == 0
    code, out, err = _run(capsys, "build")
    assert (code, err) == (0, "")
    page = tmp_path / "site" / "docs" / "_build" / "html" / "generated" / "zh_CN" / "torch.nn.functional.softsign.html"
    html = page.read_text(encoding="utf-8")
    assert "<table" in html and "apimap.css" in html
    assert "[-0.75" in html, "the example ran and its output is on the page"


def test_init_templates_copies_the_bundled_templates_and_keeps_existing_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "init", str(tmp_path))[0] == 0
    conf = tmp_path / "docs" / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "# ours\n", encoding="utf-8")
    code, out, _ = _run(capsys, "init", "--templates", str(tmp_path))
    assert code == 0
    assert out.splitlines()[0] == f"apimap: wrote 5 files in {tmp_path.resolve()}, kept 7 that exist"
    assert conf.read_text(encoding="utf-8").endswith("# ours\n")
    for template in (ROOT / "templates").iterdir():
        assert (tmp_path / "templates" / template.name).read_bytes() == template.read_bytes()
    assert Project(tmp_path).templates == tmp_path / "templates"


def test_check_counts_the_examples_whose_api_is_not_executed_here(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.chdir(project)
    code, out, _ = _run(capsys, "check", "--offline")
    assert code == 0
    assert "not_run" not in out
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    reason = "        not_run:\n          mindspore: {en: needs a cluster, zh_CN: 需要集群}\n"
    (project / "mappings" / "torch.amax.yaml").write_text(
        text.replace("        compare:\n          - name: out\n", reason + "        compare:\n          - name: out\n"),
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "check", "--offline")
    assert code == 0
    assert out.splitlines()[-1] == "apimap: APIs not executed here (not_run), examples per side: torch 0, mindspore 1"
