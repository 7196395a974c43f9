from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from generator.cli import main

from .conftest import DATA


def test_export_validates_against_its_schema(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.chdir(project)
    assert main(["export", "-o", "out/m.json"]) == 0
    document = json.loads((project / "out" / "m.json").read_text(encoding="utf-8"))
    schema = json.loads((project / "out" / "m.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["format_version"] == 1
    assert document["torch_version"] == "2.13.0"
    (mapping,) = document["mappings"]
    assert mapping["torch"]["name"] == "torch.amax"
    assert mapping["category"] == "names_differ", "MindSpore's extra parameters have defaults (rule 3)"
    dim = next(r for r in mapping["rows"] if r["torch"] == "dim")
    assert dim == {"category": "parameter", "torch": "dim", "mindspore": "axis", "kinds": ["renamed"], "note": None}
    broken = dict(document, format_version=2)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_export_carries_every_overload(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "overloads" / "torch.sum.yaml", project / "mappings")
    shutil.copy(DATA / "specs" / "torch.amax.yaml", project / "mappings")
    monkeypatch.chdir(project)
    assert main(["export", "-o", "out/m.json"]) == 0
    document = json.loads((project / "out" / "m.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, json.loads((project / "out" / "m.schema.json").read_text(encoding="utf-8")))
    amax, total = document["mappings"]
    assert total["torch"]["signature"] == "(input, *, dtype=None)"
    (overload,) = total["torch"]["overloads"]
    assert overload["signature"] == "(input, dim, keepdim=False, *, dtype=None)"
    assert [(p["name"], p["kind"], p["default"]) for p in overload["parameters"]] == [
        ("input", "normal", None),
        ("dim", "normal", None),
        ("keepdim", "normal", "False"),
        ("dtype", "keyword_only", "None"),
    ]
    assert total["mindspore"]["overloads"] == [], "one MindSpore signature covers both"
    assert amax["torch"]["overloads"] == []
