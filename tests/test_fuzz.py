"""Property-based fuzzing of the loader and validator: only apimap's own errors escape."""

from __future__ import annotations

import contextlib

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import ApimapError
from generator.load import parse
from generator.validate import load_spec

from .conftest import DATA

SEED = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
FUZZ = settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_our_error(text: str) -> None:
    try:
        parse(text, shown_as="f.yaml")
    except ApimapError as exc:
        assert str(exc).startswith("f.yaml:")


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_load_or_raise_our_error(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "torch.amax.yaml"
    path.write_bytes(data)
    with contextlib.suppress(ApimapError):
        load_spec(path)


@FUZZ
@given(st.integers(min_value=0, max_value=len(SEED) - 1), st.text(min_size=1, max_size=8))
def test_a_mutated_spec_validates_or_raises_our_error(
    tmp_path_factory: pytest.TempPathFactory, at: int, insert: str
) -> None:
    path = tmp_path_factory.getbasetemp() / "torch.amax.yaml"
    path.write_text(SEED[:at] + insert + SEED[at + 1 :], encoding="utf-8")
    with contextlib.suppress(ApimapError):
        load_spec(path)


@FUZZ
@given(values)
def test_any_yaml_data_validates_or_raises_our_error(tmp_path_factory: pytest.TempPathFactory, data: object) -> None:
    path = tmp_path_factory.getbasetemp() / "torch.amax.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with contextlib.suppress(ApimapError):
        load_spec(path)


@FUZZ
@given(st.fixed_dictionaries({"torch": values, "targets": st.lists(values, max_size=2)}))
def test_spec_shaped_data_validates_or_raises_our_error(tmp_path_factory: pytest.TempPathFactory, data: object) -> None:
    path = tmp_path_factory.getbasetemp() / "torch.amax.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with contextlib.suppress(ApimapError):
        load_spec(path)


def _paths(data: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*path, i))
    return found


@FUZZ
@given(values)
def test_the_loader_agrees_with_pyyaml_on_plain_data_and_locates_every_value(data: object) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    doc = parse(text, shown_as="f.yaml")
    assert doc.data == yaml.safe_load(text)
    lines = text.count("\n")
    for path in _paths(doc.data):
        where = doc.locate(path)
        assert 1 <= where.line <= lines + 1, (path, where)
        assert doc.places.get(path) is not None, path
