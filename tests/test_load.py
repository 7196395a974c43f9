from __future__ import annotations

import gc

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.errors import SpecError
from generator.load import parse


def test_marks_point_at_values_and_keys() -> None:
    doc = parse("a: 1\nb:\n  - x: |\n      code\n", shown_as="s.yaml")
    assert doc.data == {"a": 1, "b": [{"x": "code\n"}]}
    assert str(doc.locate(("a",))) == "s.yaml:1:4"
    assert str(doc.locate(("b", 0, "x"), at_key=True)) == "s.yaml:3:5"


def test_block_scalar_text_starts_on_the_next_line() -> None:
    doc = parse("x: |\n  print(1)\ny: print(2)\n", shown_as="s.yaml")
    assert doc.first_code_line(("x",)) == 2
    assert doc.first_code_line(("y",)) == 3


def test_places_are_found_when_first_asked_and_block_lines_while_loading() -> None:
    doc = parse("a: 1\nb:\n  - |\n    code\n  - x: >\n      text\n", shown_as="s.yaml")
    assert doc.blocks == {("b", 0): 4, ("b", 1, "x"): 6}
    assert doc.first_code_line(("b", 1, "x")) == 6
    assert "places" not in vars(doc)  # loading made no place per value, and a block's line needs none
    assert str(doc.locate(("b", 1, "x"), at_key=True)) == "s.yaml:5:5"
    assert "places" in vars(doc)
    assert doc.places[("b", 0)] == (3, 5, 0, 0, True)
    assert doc.first_code_line(("a",)) == 1  # not a block scalar: from its place


def test_missing_key_is_located_at_its_nearest_ancestor() -> None:
    doc = parse("a:\n  b: 1\n", shown_as="s.yaml")
    assert str(doc.locate(("a", "c", 0))) == "s.yaml:2:3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\na: 2\n", r"^s\.yaml:2:1: duplicate key 'a' \(first defined at line 1\)$"),
        ("a: [1\n", r"^s\.yaml:2:1: invalid YAML: did not find expected ',' or '\]'$"),
        ("a: &x 1\nb: *x\n", r"^s\.yaml:1:4: anchors and aliases \(&, \*\) are not allowed in specs$"),
        ("a: 1\n<<: {b: 2}\n", r"^s\.yaml:2:1: merge keys \(<<\) are not allowed in specs$"),
        ("? [a]\n: 1\n", r"^s\.yaml:1:3: a key must be a plain scalar$"),
        ("1: x\n", r"^s\.yaml:1:1: keys must be text, not 1$"),
        ("", r"^s\.yaml:1:1: the file is empty; a spec is a mapping$"),
    ],
)
def test_bad_yaml_is_one_located_line(text: str, expected: str) -> None:
    with pytest.raises(SpecError, match=expected):
        parse(text, shown_as="s.yaml")


@settings(max_examples=500, derandomize=True, deadline=None)
@example("yes")
@example("y")
@example("No")
@example("on")
@example("OFF")
@example("true")
@example("null")
@example("~")
@example("1e3")
@example("0x1f")
@example("1:20")
@example("2001-12-14")
@example(".inf")
@example("-.5")
@example("+1")
@example("=")
@example("<<")
@example("word")
@example("NULL")
@example("Null")
@example("nulls")
@example("Yes")
@example("yesterday")
@example("ON")
@example("often")
@example("n")
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\x85\u2028\u2029"), max_size=12))
def test_scalars_resolve_as_pyyaml_resolves_them(value: str) -> None:
    text = f"k: {value}\n"
    try:
        expected = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        with pytest.raises(SpecError):
            parse(text, shown_as="s.yaml")
        return
    if not isinstance(expected, dict):
        return
    try:
        assert parse(text, shown_as="s.yaml").data == expected
    except SpecError as exc:  # refused on purpose: merge keys, non-text keys
        assert "not allowed" in str(exc) or "keys must be text" in str(exc) or "invalid YAML value" in str(exc)


def test_loaded_values_do_not_outlive_their_document() -> None:
    # PyYAML's constructor remembers what it built; one shared across files kept every number alive
    doc = parse("a: 1.5\nb: [2, true, null]\nc: text\n", shown_as="s.yaml")
    assert doc.data == {"a": 1.5, "b": [2, True, None], "c": "text"}
    before = len(gc.get_objects())
    for _ in range(200):
        parse("a: 1.5\nb: [2, true, null]\nc: text\n", shown_as="s.yaml")
    gc.collect()
    assert len(gc.get_objects()) - before < 50
