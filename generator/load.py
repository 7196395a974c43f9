"""YAML text → plain data, with the line and column of every node.

PyYAML's composer gives nodes with marks; we build the data ourselves from
them so that duplicate keys are an error (PyYAML keeps the last one silently),
and find where each value stands when asked, so that later stages can point
at the exact node that broke a rule.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
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


Place = tuple[int, int, int, int, bool]
"""Where a node stands: line and column of the node, line and column of the key
naming it (0, 0 for the root and list items), and whether it is a block scalar
(``|`` or ``>``), whose text begins on the next line. A plain tuple of numbers,
which the garbage collector stops tracking, where a named tuple stays tracked."""


@dataclass(frozen=True)
class Document:
    """The data of one YAML file, and where each of its values stands.

    PyYAML's nodes are dropped once the data is built. Where each value stands
    (`places`) is found again from the text the first time something asks:
    most documents never are, since only a problem or a warning needs a place.
    Recording a place per value while loading made two tuples per value, which
    the garbage collector counts and walks. Only where each block scalar's
    text begins (`blocks`) is noted while loading: example code is written in
    them, and every snippet is compiled at its line of the file.
    """

    path: str
    data: Any
    text: str = ""
    blocks: Mapping[Key, int] = field(default_factory=dict)
    """The file line on which the text of each block scalar (``|`` or ``>``) begins, by key path."""

    @functools.cached_property
    def places(self) -> Mapping[Key, Place]:
        """Where each node stands, by its key path: the text composed again, once per document."""
        places: dict[Key, Place] = {}
        node = yaml.compose(self.text, Loader=_Loader)
        if node is not None:
            _record(node, (), None, places)
        return places

    def _find(self, key: Key) -> tuple[Place | None, bool]:
        """The place of the deepest node along ``key``, and whether it is the node at ``key`` itself."""
        for end in range(len(key), -1, -1):
            place = self.places.get(key[:end])
            if place is not None:
                return place, end == len(key)
        return None, False

    def locate(self, key: Key, *, at_key: bool = False) -> Location:
        """The location of the node at ``key``, or of its nearest ancestor."""
        place, whole = self._find(key)
        if place is None:
            return Location(self.path)
        line, col, key_line, key_col, _ = place
        if at_key and whole and key_line:
            return Location(self.path, key_line, key_col)
        return Location(self.path, line, col)

    def text_location(self, key: Key, line: int, col: int) -> Location:
        """Where character ``col`` of line ``line`` (both from 0) of the text scalar at ``key`` stands.

        Exact for literal block scalars (``|``), whose lines are the file's lines
        less the block's indentation, and for one-line scalars written as they
        read (plain, or quoted without escapes). For folded (``>``) scalars and
        quoted ones with escapes or line breaks the text's lines are not the
        file's: the location is the scalar's first line of content.
        """
        place, whole = self._find(key)
        if place is None or not whole:
            return self.locate(key)
        node_line, node_col, _, _, block = place
        lines = self.text.splitlines()
        first = lines[node_line - 1] if 0 < node_line <= len(lines) else ""
        if block:
            body = lines[node_line:]
            # YAML takes a block's indentation from its first line that is not empty
            indent = next((len(s) - len(s.lstrip(" ")) for s in body if s.strip()), node_col - 1)
            if first[node_col - 1 : node_col] == ">":
                return Location(self.path, node_line + 1, indent + 1)
            return Location(self.path, node_line + 1 + line, indent + col + 1)
        value = self._value(key)
        quote = 1 if first[node_col - 1 : node_col] in ("'", '"') else 0
        written = first[node_col - 1 + quote :]
        if line == 0 and isinstance(value, str) and "\n" not in value and written.startswith(value):
            return Location(self.path, node_line, node_col + quote + col)
        return Location(self.path, node_line, node_col)

    def _value(self, key: Key) -> Any:
        """The data at ``key``, or None when the path leads nowhere."""
        value = self.data
        for part in key:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def line(self, number: int) -> str:
        """Line ``number`` (from 1) of the file's text."""
        lines = self.text.splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def first_code_line(self, key: Key) -> int:
        """The file line on which the text of the scalar at ``key`` begins."""
        line = self.blocks.get(key)
        if line is not None:
            return line
        place, _ = self._find(key)
        assert place is not None
        line, _, _, _, block = place
        return line + (1 if block else 0)


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
    builder = _Builder(shown_as)
    data = builder.build(node)
    return Document(shown_as, data, text, builder.blocks)


class _Builder:
    """Builds the data of one document from its nodes, noting where each block scalar's text begins."""

    def __init__(self, shown_as: str) -> None:
        self.shown_as = shown_as
        self.seen: set[int] = set()
        self.path: list[str | int] = []
        """The key path of the node being built; a tuple is made of it only for a block scalar."""
        self.blocks: dict[Key, int] = {}
        # PyYAML's constructor remembers every node it built until the next
        # document; one per file lets them go with the file
        self.constructor = yaml.constructor.SafeConstructor()

    def at(self, node: yaml.Node) -> Location:
        """The location of ``node``."""
        return Location(self.shown_as, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node) -> Any:
        """The plain data of ``node``."""
        ident = id(node)
        if ident in self.seen:  # an alias: expanding them invites exponential blow-up
            raise SpecError("anchors and aliases (&, *) are not allowed in specs", self.at(node))
        self.seen.add(ident)
        kind = type(node)
        path = self.path
        if kind is _SCALAR:
            if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):  # text begins on the next line
                self.blocks[tuple(path)] = node.start_mark.line + 2
            return node.value if node.tag == _STR else self.construct(node)  # most scalars are text
        if kind is yaml.SequenceNode:
            items = []
            for i, item in enumerate(node.value):
                path.append(i)
                items.append(self.build(item))
                path.pop()
            return items
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            text = type(key_node) is _SCALAR and key_node.tag == _STR
            name = key_node.value if text else self.key(key_node)
            if name in result:
                first = next(k for k, _ in node.value if k.value == name)
                raise SpecError(
                    f"duplicate key {name!r} (first defined at line {first.start_mark.line + 1})", self.at(key_node)
                )
            path.append(name)
            result[name] = self.build(value_node)
            path.pop()
        return result

    def key(self, node: yaml.Node) -> str:
        """A key that is not plain text: refused, with the reason."""
        if not isinstance(node, yaml.ScalarNode):
            raise SpecError("a key must be a plain scalar", self.at(node))
        if node.tag == "tag:yaml.org,2002:merge":
            raise SpecError("merge keys (<<) are not allowed in specs", self.at(node))
        name = self.construct(node)
        if not isinstance(name, str):
            raise SpecError(f"keys must be text, not {name!r}", self.at(node))
        return name

    def construct(self, node: yaml.Node) -> Any:
        """A scalar that is not text: a number, a boolean, null, or an error."""
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise SpecError(f"invalid YAML value: {exc.problem}", self.at(node)) from None


def _record(node: yaml.Node, path: Key, key_node: yaml.Node | None, places: dict[Key, Place]) -> None:
    """Record in ``places`` where ``node``, found at ``path`` under ``key_node``, and every node below it stand.

    Keys are text: `parse` refused any other document.
    """
    start = node.start_mark
    block = type(node) is _SCALAR and node.style in ("|", ">")
    if key_node is None:
        places[path] = (start.line + 1, start.column + 1, 0, 0, block)
    else:
        key = key_node.start_mark
        places[path] = (start.line + 1, start.column + 1, key.line + 1, key.column + 1, block)
    if type(node) is yaml.SequenceNode:
        for i, item in enumerate(node.value):
            _record(item, (*path, i), None, places)
    elif type(node) is yaml.MappingNode:
        for key_node, value_node in node.value:
            _record(value_node, (*path, key_node.value), key_node, places)


_STR = "tag:yaml.org,2002:str"
_SCALAR = yaml.ScalarNode
