"""What a new project starts from: the page templates, the Sphinx project and a starter spec.

They ship inside the package, so `apimap init` works wherever apimap is
installed. In a wheel they sit beside this module (``generator/templates/``,
``generator/skeleton/``; see ``force-include`` in pyproject.toml); in a
checkout of the source they are this repository's own ``templates/``,
``docs/`` and ``mappings/``, which the wheel is built from.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from generator.errors import BuildError

__all__ = ["SKELETON", "bundled_templates", "skeleton_files", "template_files"]

SKELETON = (
    ".gitignore",
    "docs/conf.py",
    "docs/index.md",
    "docs/_static/apimap.css",
    "docs/_static/apimap.js",
    "mappings/spec.schema.json",
    "mappings/torch.nn.functional.softsign.yaml",
)
"""The files of a new project, by path inside it; pyproject.toml bundles the same list."""


def _package() -> Path:
    return Path(str(files("generator")))


def _source_tree() -> Path | None:
    """The checkout this package is imported from, if it is one (an editable install)."""
    root = _package().parent
    return root if (root / "pyproject.toml").is_file() and (root / "templates").is_dir() else None


def bundled_templates() -> Path:
    """The folder of the page templates apimap ships with."""
    return _shipped("templates", "templates", what="its templates")


def _skeleton_root() -> Path:
    return _shipped("skeleton", "", what="its project skeleton")


def _shipped(packaged: str, in_source: str, *, what: str) -> Path:
    """A folder the wheel puts in the package as ``packaged``; in a checkout, ``in_source`` of the repository."""
    folder = _package() / packaged
    if folder.is_dir():
        return folder
    source = _source_tree()
    if source is None:
        raise BuildError(f"apimap is installed without {what}: no folder {folder}")
    return source / in_source  # Path / "" is the path itself


def skeleton_files() -> dict[str, str]:
    """The text of every file of a new project, by path inside it."""
    root = _skeleton_root()
    missing = [rel for rel in SKELETON if not (root / rel).is_file()]
    if missing:
        raise BuildError(f"apimap is installed without {', '.join(missing)} (looked in {root})")
    return {rel: (root / rel).read_text(encoding="utf-8") for rel in SKELETON}


def template_files() -> dict[str, str]:
    """The bundled templates by path inside a project (``templates/…``), for a team that edits its own."""
    folder = bundled_templates()
    return {
        f"templates/{path.relative_to(folder).as_posix()}": path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
