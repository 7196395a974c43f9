"""YAML text → plain data, with the line and column of every node.

PyYAML's composer gives nodes with marks; we build the data ourselves from
them so that duplicate keys are an error (PyYAML keeps the last one silently)
and so that later stages can point at the exact node that broke a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Location, SpecError

try:  # the C composer is several times faster; fall back where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


Key = tuple[str | int, ...]
MAX_BYTES = 1_000_000
"""Specs are hand-written; a larger file is a mistake, not a spec."""


@dataclass(frozen=True)
class Document:
    """The data of one YAML file, and its node tree for finding where a value stands.

    Locations are looked up on demand, walking the tree along a key path: most
    files never need one, so none are recorded up front.
    """

    path: str
    data: Any
    root: yaml.Node | None = None
    text: str = ""

    def _walk(self, key: Key) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest node along ``key``, and the key node naming it in its mapping."""
        node, key_node = self.root, None
        for part in key:
            found = None
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                found = (None, node.value[part])
            if found is None:
                return node, None
            key_node, node = found
        return node, key_node

    def locate(self, key: Key, *, at_key: bool = False) -> Location:
        """The location of the node at ``key``, or of its nearest ancestor."""
        node, key_node = self._walk(key)
        target = key_node if at_key and key_node is not None else node
        if target is None:
            return Location(self.path)
        return Location(self.path, target.start_mark.line + 1, target.start_mark.column + 1)

    def line(self, number: int) -> str:
        """Line ``number`` (from 1) of the file's text."""
        lines = self.text.splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def first_code_line(self, key: Key) -> int:
        """The file line on which the text of the scalar at ``key`` begins."""
        node, _ = self._walk(key)
        assert node is not None
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        return node.start_mark.line + 1 + (1 if block else 0)


def read(path: Path, *, shown_as: str) -> Document:
    """Read one YAML file; raise `SpecError` at the first problem."""
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise SpecError(
            f"file is {len(raw):,} bytes; a spec may have at most {MAX_BYTES:,}",
            Location(shown_as),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError(
            f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded", Location(shown_as, line, col)
        ) from None
    return parse(text, shown_as=shown_as)


def parse(text: str, *, shown_as: str) -> Document:
    """Parse YAML text into a `Document`; raise `SpecError` on bad YAML."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(shown_as, mark.line + 1, mark.column + 1) if mark else Location(shown_as)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError(f"invalid YAML: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML: {exc}", Location(shown_as)) from None
    if node is None:
        raise SpecError("the file is empty; a spec is a mapping", Location(shown_as))
    doc = Document(shown_as, None, node)
    # PyYAML's constructor remembers every node it built until the next
    # document; one per file lets them go with the file
    constructor = yaml.constructor.SafeConstructor()
    return Document(shown_as, _build(node, doc, set(), constructor), node, text)


def _build(node: yaml.Node, doc: Document, seen: set[int], constructor: yaml.constructor.SafeConstructor) -> Any:
    if id(node) in seen:  # an alias: expanding them invites exponential blow-up
        raise SpecError("anchors and aliases (&, *) are not allowed in specs", doc_location(doc, node))
    seen.add(id(node))
    kind = type(node)
    if kind is yaml.ScalarNode:
        return node.value if node.tag == _STR else _construct(node, doc, constructor)  # most scalars are text
    if kind is yaml.SequenceNode:
        return [_build(item, doc, seen, constructor) for item in node.value]
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if type(key_node) is yaml.ScalarNode and key_node.tag == _STR:
            name = key_node.value
        else:
            name = _key(key_node, doc, constructor)
        if name in result:
            first = next(k for k, _ in node.value if k.value == name)
            raise SpecError(
                f"duplicate key {name!r} (first defined at line {first.start_mark.line + 1})",
                doc_location(doc, key_node),
            )
        result[name] = _build(value_node, doc, seen, constructor)
    return result


def _key(node: yaml.Node, doc: Document, constructor: yaml.constructor.SafeConstructor) -> str:
    """A key that is not plain text: refused, with the reason."""
    if not isinstance(node, yaml.ScalarNode):
        raise SpecError("a key must be a plain scalar", doc_location(doc, node))
    if node.tag == "tag:yaml.org,2002:merge":
        raise SpecError("merge keys (<<) are not allowed in specs", doc_location(doc, node))
    name = _construct(node, doc, constructor)
    if not isinstance(name, str):
        raise SpecError(f"keys must be text, not {name!r}", doc_location(doc, node))
    return name


def _construct(node: yaml.Node, doc: Document, constructor: yaml.constructor.SafeConstructor) -> Any:
    """A scalar that is not text: a number, a boolean, null, or an error."""
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise SpecError(f"invalid YAML value: {exc.problem}", doc_location(doc, node)) from None


def doc_location(doc: Document, node: yaml.Node) -> Location:
    """The location of a YAML node inside ``doc``."""
    return Location(doc.path, node.start_mark.line + 1, node.start_mark.column + 1)


_STR = "tag:yaml.org,2002:str"
