"""The Sphinx build of ``docs/`` into HTML, warnings as errors, all or nothing.

Sphinx works on a copy of the previous build (output and its environment
cache), so its incremental mode still applies; the copy replaces the previous
build only when Sphinx succeeded. A failed or interrupted build leaves the
previous site, and a cache that still knows which pages need work.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from generator.errors import BuildError

Progress = Callable[[str, int, int], None]


def build_html(*, docs: Path, build_dir: Path, progress: Progress | None = None) -> Path:
    """Build the site into ``build_dir/html``; raise `BuildError` on any warning."""
    _recover(build_dir)
    work = Path(tempfile.mkdtemp(dir=build_dir.parent, prefix=f".{build_dir.name}-"))
    work.chmod(0o755)  # mkdtemp makes it private; a published site is not
    try:
        if build_dir.is_dir():
            shutil.copytree(build_dir, work, dirs_exist_ok=True, symlinks=True)
        # a process of its own: Sphinx keeps global registries that a second
        # in-process build would trip over
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-d", str(work / "doctrees")]
        command += [str(docs), str(work / "html")] if progress else ["-q", str(docs), str(work / "html")]
        # warnings go to a file: a full stderr pipe would stall Sphinx while we read stdout
        with (
            tempfile.TemporaryFile("w+", encoding="utf-8") as stderr,
            subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "0", "LC_ALL": "C.UTF-8", "TZ": "UTC"},
            ) as sphinx,
        ):
            assert sphinx.stdout is not None
            for line in sphinx.stdout:
                match = _PERCENT.search(line)
                if progress and match:
                    progress(f"sphinx: {match['phase']}", int(match["pct"]), 100)
            sphinx.wait()
            stderr.seek(0)
            errors = stderr.read()
        if sphinx.returncode != 0:
            raise BuildError(f"Sphinx failed:\n{_first_lines(errors)}")
        _swap(work, build_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return build_dir / "html"


_PERCENT = re.compile(r"(?P<phase>reading sources|writing output)\.*\s*\[\s*(?P<pct>\d+)%\]")


def _swap(new: Path, current: Path) -> None:
    old = current.with_name(f".{current.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    shutil.rmtree(old, ignore_errors=True)


def _recover(current: Path) -> None:
    """Put back the previous build if a swap was cut off between its two renames."""
    old = current.with_name(f".{current.name}.old")
    if old.is_dir() and not current.exists():
        os.replace(old, current)


def _first_lines(text: str, limit: int = 20) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    more = f"\n… {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more
