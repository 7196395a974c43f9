"""`apimap check`: every spec against the rules and against the installed frameworks.

Validation (`generator.validate`) covers what a spec says on its own; here we
add what only the installed torch and MindSpore can tell (the APIs exist, the
declared signatures are theirs) and what a published page must not carry
(placeholders, missing translations). Known exceptions live in an allow-list
whose every entry says why, and an entry that no longer matches is an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.errors import ApimapError, ApiNotFoundError, ErrorGroup, Location, SpecError, relative
from generator.load import Key, read
from generator.model import FRAMEWORKS, LANGUAGES, Api, Framework, Text
from generator.validate import Corpus, SpecFile, missing_translations, texts

ALLOWLIST = "allowlist.yaml"
PLACEHOLDER = "TODO"


class AllowEntry(BaseModel):
    """A known exception to `apimap check`."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    spec: str
    """The spec's torch API, e.g. ``torch.where``."""
    match: Annotated[str, Field(min_length=3)]
    """Text that the allowed message contains."""
    why: Annotated[str, Field(min_length=10)]
    """Why this is not a problem: a sentence a reviewer can check."""


@dataclass(frozen=True)
class Problem:
    """One finding of `check`, before the allow-list is applied."""

    spec: str
    error: ApimapError


def check(corpus: Corpus, *, mappings: Path, installed: bool = True) -> list[ApimapError]:
    """Every problem of the corpus that the allow-list does not excuse."""
    problems = [Problem(f.spec.torch.name, e) for f in corpus.files for e in _problems(f, installed=installed)]
    entries = _allowlist(mappings / ALLOWLIST)
    used: set[int] = set()
    errors: list[ApimapError] = []
    for problem in problems:
        hit = next(
            (i for i, (e, _) in enumerate(entries) if e.spec == problem.spec and e.match in problem.error.message),
            None,
        )
        if hit is None:
            errors.append(problem.error)
        else:
            used.add(hit)
    for i, (entry, where) in enumerate(entries):
        # offline, the problems an entry excuses may be ones only the installed frameworks show
        if i not in used and installed:
            errors.append(SpecError(f"allow-list entry for {entry.spec} matches no problem; remove it", where))
    return errors


def not_run(corpus: Corpus) -> dict[Framework, int]:
    """How many examples say, per side, that its API is not executed here (`Example.not_run`)."""
    tally: dict[Framework, int] = dict.fromkeys(FRAMEWORKS, 0)
    for file in corpus.files:
        for target in file.spec.targets:
            for example in target.examples:
                for side in FRAMEWORKS:
                    if example.not_run is not None and getattr(example.not_run, side) is not None:
                        tally[side] += 1
    return tally


def _problems(file: SpecFile, *, installed: bool) -> Iterator[ApimapError]:
    yield from missing_translations(file)
    for key, text in texts(file.spec, ()):
        yield from _placeholders(file, key, text)
    for t, target in enumerate(file.spec.targets):
        for e, example in enumerate(target.examples):
            for side in ("torch", "mindspore"):
                if PLACEHOLDER in getattr(example, side):
                    yield SpecError(
                        f"example code still has the {PLACEHOLDER} placeholder of `apimap new`",
                        file.locate(("targets", t, "examples", e, side)),
                    )
    if installed:
        yield from _drift(file, file.spec.torch, ("torch",))
        for t, target in enumerate(file.spec.targets):
            yield from _drift(file, target.mindspore, ("targets", t, "mindspore"))


def _placeholders(file: SpecFile, key: Key, text: Text) -> Iterator[SpecError]:
    for lang in LANGUAGES:
        value = text.get(lang)
        if value is not None and PLACEHOLDER in value:
            yield SpecError(
                f"{lang} text still has the {PLACEHOLDER} placeholder of `apimap new`", file.locate((*key, lang))
            )


def _drift(file: SpecFile, api: Api, key: Key) -> Iterator[ApimapError]:
    import generator.introspect as introspect  # imports the frameworks: only when asked

    try:
        # a default with no Python source form (an enum member, a function) is written ``...``, as in the rows
        installed = tuple(introspect.writable(s) for s in introspect.read_signatures(api.name))
        kind = introspect.api_kind(introspect.resolve(api.name))
    except ApiNotFoundError as exc:
        yield SpecError(exc.message, file.locate((*key, "name")))
        return
    if kind != api.kind:
        yield SpecError(f"{api.name} is a {kind}, not a {api.kind}", file.locate((*key, "kind")))
    for i, message in introspect.overload_drift(api.signatures, installed):
        if i < 0:  # an installed overload the spec leaves out
            where = file.locate((*key, "overloads"), at_key=True)
        else:
            where = file.locate((*key, "signature") if i == 0 else (*key, "overloads", i - 1))
        yield SpecError(f"{api.name}: {message}", where)


def _allowlist(path: Path) -> list[tuple[AllowEntry, Location]]:
    if not path.is_file():
        return []
    doc = read(path, shown_as=relative(path))
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        raise SpecError("the allow-list is a list of entries with spec, match and why", doc.locate(()))
    entries: list[tuple[AllowEntry, Location]] = []
    errors: list[ApimapError] = []
    for i, item in enumerate(doc.data):
        try:
            entries.append((AllowEntry.model_validate(item), doc.locate((i,))))
        except ValidationError as exc:
            for error in exc.errors():
                loc = (i, *error["loc"])
                errors.append(SpecError(f"allow-list: {error['msg']}", doc.locate(loc)))
    if errors:
        raise ErrorGroup(errors)
    return entries
