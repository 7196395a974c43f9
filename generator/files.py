"""Writing files whole: a reader sees the old file or the new one, never half of one.

Every writer of build output goes through `write_atomic`: the generated pages
and their manifest, `apimap export`, `apimap schema` and `apimap new`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["write_atomic"]

_ATTEMPTS = 100


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a new file beside it, renamed over it.

    The file gets the mode an ordinary ``open(path, "w")`` gives: an existing
    file keeps its mode, a new one is created with 0o666 less the umask (the
    kernel applies the umask; `tempfile.mkstemp` would make it 0o600). When
    writing fails the new file is removed and ``path`` is left as it was. The
    folder must exist.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        keep: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        keep = None
    fd, tmp = _create_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            if keep is not None:
                os.fchmod(handle.fileno(), keep)
            handle.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new, empty, hidden file in the folder of ``path``, opened for writing, with the umask's mode."""
    for _ in range(_ATTEMPTS):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")
