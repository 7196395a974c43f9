"""The one exception hierarchy of apimap.

Every error a user can cause carries a location and prints as
``path:line:col: message``, the form editors and pytest turn into links.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column count from 1."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class ApimapError(Exception):
    """Base of every error apimap reports to a user."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class SpecError(ApimapError):
    """A spec file that cannot be read or breaks a rule."""


class ApiNotFoundError(ApimapError):
    """A qualified name that does not resolve in the installed framework."""


class BuildError(ApimapError):
    """The site build (rendering or Sphinx) failed."""


class UsageError(ApimapError):
    """The command line asks for something that cannot be done: bad arguments, a missing folder."""


class StaleError(ApimapError):
    """A ``--check`` found a generated file that differs from what would be written now."""


class PageError(ApimapError):
    """A finding of `apimap import` in a hand-written page.

    ``code`` names the kind of finding (for counting); a warning leaves the
    imported spec written, an error stops it.
    """

    def __init__(self, message: str, location: Location | None = None, *, code: str, warning: bool = True) -> None:
        super().__init__(message, location)
        self.code = code
        self.warning = warning


class ErrorGroup(ApimapError):
    """Several errors found in one run, reported together, sorted by location."""

    def __init__(self, errors: Sequence[ApimapError]) -> None:
        self.errors = sorted(errors, key=_sort_key)
        super().__init__("\n".join(str(e) for e in self.errors))


def _sort_key(error: ApimapError) -> tuple[str, int, int, str]:
    loc = error.location or Location("")
    return (loc.path, loc.line, loc.col, error.message)


def relative(path: Path) -> str:
    """Show a path relative to the working directory when its folder lies below it."""
    if not path.name:
        folder = _below(str(path), os.getcwd())
        return str(path) if folder is None else folder
    folder = _below(str(path.parent), os.getcwd())
    if folder is None:
        return str(path)
    return path.name if folder == "." else f"{folder}{os.sep}{path.name}"


@functools.lru_cache(maxsize=64)
def _below(folder: str, cwd: str) -> str | None:
    """``folder`` relative to ``cwd``, both resolved, or None when it lies elsewhere.

    Cached: a corpus has thousands of files in a handful of folders, and
    resolving a path costs a system call per component.
    """
    try:
        return str(Path(folder).resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return None
