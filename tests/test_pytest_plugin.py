"""The pytest plugin end to end, in a scratch pytest run."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate import is_spec

from .conftest import DATA

pytest_plugins = ["pytester"]

SPEC = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")


OPT_IN = '[tool.pytest.ini_options]\napimap_mappings = "mappings"\n'


def _run(pytester: pytest.Pytester, text: str, *args: str) -> pytest.RunResult:
    pytester.makepyprojecttoml(OPT_IN)
    pytester.mkdir("mappings")
    (pytester.path / "mappings" / "torch.amax.yaml").write_text(text, encoding="utf-8")
    return pytester.runpytest_subprocess("mappings", "-v", "-p", "no:cacheprovider", *args)


def test_examples_are_items_per_framework_and_pass(pytester: pytest.Pytester) -> None:
    result = _run(pytester, SPEC)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "mappings/torch.amax.yaml::ops::basic[[]torch[]] PASSED*",
            "mappings/torch.amax.yaml::ops::basic[[]mindspore[]] PASSED*",
            "mappings/torch.amax.yaml::ops::basic[[]compare[]] PASSED*",
            "mappings/torch.amax.yaml::ops::rows PASSED*",  # the row checks of the target
        ]
    )


def test_a_failing_snippet_shows_its_yaml_line(pytester: pytest.Pytester) -> None:
    result = _run(pytester, SPEC.replace("out = mindspore.ops.amax(x, axis=1)", "out = mindspore.ops.amax(x, axis=7)"))
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*mappings/torch.amax.yaml: the mindspore snippet failed",
            '*File "*mappings/torch.amax.yaml", line 48, in <module>',  # the failing call itself
            "*nothing to compare: the mindspore snippet failed",
        ]
    )


def test_values_that_should_match_but_do_not_fail(pytester: pytest.Pytester) -> None:
    result = _run(pytester, SPEC.replace("out = mindspore.ops.amax(x, axis=1)", "out = mindspore.ops.amin(x, axis=1)"))
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*mappings/torch.amax.yaml:51: out: PyTorch and MindSpore differ*"])


def test_a_claimed_difference_that_is_not_there_fails(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester, SPEC.replace("          - name: out\n", "          - name: out\n            expect: differs\n")
    )
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*out: the page claims a difference, but both give [[]5. 3.[]]"])


def test_an_invalid_spec_is_one_failing_item_without_traceback(pytester: pytest.Pytester) -> None:
    result = _run(pytester, SPEC.replace("kind: renamed}", "kind: renamd}", 1))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*mappings/torch.amax.yaml:25:45: targets.0.table.1.kind.0: 'renamd' is not one of*"])
    assert "Traceback" not in result.stdout.str()


def test_it_runs_under_xdist(pytester: pytest.Pytester) -> None:
    result = _run(pytester, SPEC, "-n", "2")
    result.assert_outcomes(passed=4)


def test_an_unrelated_project_with_a_mappings_folder_is_left_alone(pytester: pytest.Pytester) -> None:
    pytester.mkdir("mappings")
    (pytester.path / "mappings" / "users.yaml").write_text("- name: ada\n  role: admin\n", encoding="utf-8")
    pytester.makepyfile(test_users="def test_ok():\n    assert True\n")
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "users.yaml" not in result.stdout.str()


def test_an_opted_in_project_collects_its_specs_and_nothing_else(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(OPT_IN)
    for folder in ("mappings", "mappings/rows", "other"):
        pytester.mkdir(folder)
        (pytester.path / folder / "torch.amax.yaml").write_text(SPEC, encoding="utf-8")
    (pytester.path / "mappings" / "allowlist.yaml").write_text("[]\n", encoding="utf-8")
    result = pytester.runpytest_subprocess("--collect-only", "-q", "-p", "no:cacheprovider", ".")
    collected = [line for line in result.stdout.lines if "::" in line]
    assert collected == [
        "mappings/torch.amax.yaml::ops::basic[torch]",
        "mappings/torch.amax.yaml::ops::basic[mindspore]",
        "mappings/torch.amax.yaml::ops::basic[compare]",
        "mappings/torch.amax.yaml::ops::rows",
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("m/torch.amax.yaml", True),
        ("m/torch.amax.yml", True),
        ("m/allowlist.yaml", False),
        ("m/spec.schema.json", False),
        ("m/rows/torch.amax.yaml", False),
        ("elsewhere/torch.amax.yaml", False),
    ],
)
def test_one_predicate_says_which_files_are_specs(path: str, expected: bool) -> None:
    assert is_spec(Path(path), mappings=Path("m")) is expected
    assert is_spec(Path(path).absolute(), mappings=Path("m")) is expected


def test_the_output_limit_is_an_option(pytester: pytest.Pytester) -> None:
    result = _run(pytester, SPEC, "--apimap-max-output", "5")
    result.assert_outcomes(passed=1, failed=3)  # the row checks print nothing
    result.stdout.fnmatch_lines(["*the torch snippet failed", "printed at least 17 bytes; the limit is 5 bytes*"])


def test_a_false_row_fails_its_rows_item_at_the_row(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(OPT_IN)
    pytester.mkdir("mappings")
    false = DATA / "rows" / "false" / "mappings" / "torch.optim.Adam.yaml"
    (pytester.path / "mappings" / false.name).write_text(false.read_text(encoding="utf-8"), encoding="utf-8")
    result = pytester.runpytest_subprocess("mappings", "-v", "-p", "no:cacheprovider", "-k", "rows")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*mappings/torch.optim.Adam.yaml:26:9: row eps | eps claims the same behaviour*"])
