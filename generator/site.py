"""The Sphinx build of ``docs/`` into HTML, warnings as errors."""

from __future__ import annotations

import io
from pathlib import Path

from generator.errors import BuildError


def build_html(*, docs: Path, out: Path, doctrees: Path, quiet: bool = True) -> None:
    """Build the HTML site; raise `BuildError` with Sphinx's warnings on failure."""
    from sphinx.application import Sphinx  # imported late: it costs ~0.5 s
    from sphinx.errors import SphinxError

    status = io.StringIO()
    warnings = io.StringIO()
    try:
        app = Sphinx(
            srcdir=docs,
            confdir=docs,
            outdir=out,
            doctreedir=doctrees,
            buildername="html",
            status=status if quiet else None,
            warning=warnings,
            warningiserror=True,
            keep_going=True,
            freshenv=False,
        )
        app.build()
    except SphinxError as exc:
        raise BuildError(f"Sphinx failed: {_first_lines(warnings.getvalue()) or exc}") from None
    if app.statuscode:
        raise BuildError(f"Sphinx failed:\n{_first_lines(warnings.getvalue())}")


def _first_lines(text: str, limit: int = 20) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    more = f"\n… {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more
