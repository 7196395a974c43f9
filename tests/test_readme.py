from __future__ import annotations

import re

from pydantic import BaseModel

from generator import model

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_spec_field_is_in_the_readme_reference() -> None:
    for cls in (
        model.Spec,
        model.Api,
        model.Text,
        model.Target,
        model.Row,
        model.Formula,
        model.Example,
        model.Compare,
    ):
        assert issubclass(cls, BaseModel)
        assert f"**{cls.__name__}**" in README
        for name in cls.model_fields:
            assert f"| `{name}` |" in README, f"{cls.__name__}.{name} is missing from the README"


def test_ci_runs_the_readme_test_command() -> None:
    command = next(line for line in README.splitlines() if "pip install -e '.[frameworks,site,test]'" in line)
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_exit_codes_are_the_cli_exit_codes() -> None:
    from generator.cli import EXIT_CODES

    table = README[README.index("| code | meaning |") :].split("\n\n", 1)[0]
    codes = [int(m[1]) for m in re.finditer(r"^\| (\d+) \| ", table, re.MULTILINE)]
    assert codes == list(EXIT_CODES)
