"""The package as a user installs it: a wheel in a fresh virtualenv starts and builds a project.

The wheel is built from this checkout and installed into a new venv; a ``.pth``
line lends it this environment's third-party packages (Sphinx, MyST, pydantic…)
so nothing is downloaded. A ``.pth`` line adds a folder without processing the
``.pth`` files inside it, so the editable install of apimap stays out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

from generator import Project
from generator.skeleton import SKELETON, bundled_templates, skeleton_files

from .conftest import ROOT


def _run(*command: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def test_an_init_project_builds_from_the_installed_wheel(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", wheels, ROOT, cwd=ROOT)
    (wheel,) = wheels.glob("apimap-*.whl")
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-compile",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=tmp_path,
    )
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (site / "lent-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    where = _run(python, "-c", "import generator; print(generator.__file__)", cwd=tmp_path).strip()
    assert Path(where).is_relative_to(site), f"apimap was imported from {where}, not from the wheel"
    assert sorted(
        p.relative_to(site / "generator" / "skeleton").as_posix()
        for p in (site / "generator" / "skeleton").rglob("*")
        if p.is_file()
    ) == sorted(SKELETON)

    _run(venv / "bin" / "apimap", "init", "project", cwd=tmp_path)
    assert not (tmp_path / "project" / "templates").exists(), "the bundled templates are used"
    out = _run(venv / "bin" / "apimap", "--root", "project", "build", "--no-run", cwd=tmp_path)
    assert "apimap: 1 specs, 4 pages (4 written" in out
    html = tmp_path / "project" / "docs" / "_build" / "html" / "generated"
    for lang in ("en", "zh_CN"):
        page = (html / lang / "torch.nn.functional.softsign.html").read_text(encoding="utf-8")
        assert "mindspore.ops.softsign" in page and "<table" in page


def test_a_project_without_templates_uses_the_bundled_ones(tmp_path: Path) -> None:
    assert Project(tmp_path).templates == bundled_templates() == ROOT / "templates"
    (tmp_path / "templates").mkdir()
    assert Project(tmp_path).templates == tmp_path / "templates"


def test_the_skeleton_is_what_the_wheel_bundles() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    bundled = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert bundled == {"templates": "generator/templates"} | {rel: f"generator/skeleton/{rel}" for rel in SKELETON}
    assert set(skeleton_files()) == set(SKELETON)
