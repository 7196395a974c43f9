from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from generator import model

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


MODELS: tuple[type[BaseModel], ...] = (
    model.Spec,
    model.Api,
    model.Text,
    model.Target,
    model.Row,
    model.Formula,
    model.Example,
    model.Compare,
    model.Sides,
    model.Raises,
)
REFERENCE = README[README.index("## Spec reference") :]


def _field_tables() -> dict[str, list[tuple[str, str]]]:
    """Each ``**Name**:`` of the spec reference and the (field, required) rows of the table beneath it."""
    tables: dict[str, list[tuple[str, str]]] = {}
    rows: list[tuple[str, str]] = []
    for line in REFERENCE.splitlines():
        heading = re.match(r"^\*\*(\w+)\*\*: ", line)
        if heading:
            rows = tables.setdefault(heading[1], [])
        row = re.match(r"^\| `(\w+)` \| ([^|]+) \|", line)
        if row:
            rows.append((row[1], row[2].strip()))
    return tables


def test_the_readme_reference_documents_exactly_the_spec_models() -> None:
    assert list(_field_tables()) == [cls.__name__ for cls in MODELS]


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_each_field_table_lists_the_model_fields_in_order_with_whether_required(cls: type[BaseModel]) -> None:
    documented = _field_tables()[cls.__name__]
    assert [name for name, _ in documented] == list(cls.model_fields), f"the README table of {cls.__name__} differs"
    for name, required in documented:
        field = cls.model_fields[name]
        if field.is_required():
            assert required == "yes", f"{cls.__name__}.{name} is required"
        else:
            assert required.startswith("no"), f"{cls.__name__}.{name} is optional"
            default = re.fullmatch(r"no \(default `(\w+)`\)", required)
            if default:
                assert default[1] == field.default, f"{cls.__name__}.{name} defaults to {field.default!r}"


def test_ci_runs_the_readme_test_command() -> None:
    command = next(line for line in README.splitlines() if "pip install -e '.[frameworks,site,test]'" in line)
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_exit_codes_are_the_cli_exit_codes() -> None:
    from generator.cli import EXIT_CODES

    table = README[README.index("| code | meaning |") :].split("\n\n", 1)[0]
    codes = [int(m[1]) for m in re.finditer(r"^\| (\d+) \| ", table, re.MULTILINE)]
    assert codes == list(EXIT_CODES)
