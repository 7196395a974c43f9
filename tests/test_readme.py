from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pydantic import BaseModel

from generator import model

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


MODELS: tuple[type[BaseModel], ...] = (
    model.Spec,
    model.Api,
    model.Text,
    model.Target,
    model.Row,
    model.Formula,
    model.Example,
    model.NotRun,
    model.Compare,
    model.Sides,
    model.Raises,
)
REFERENCE = README[README.index("## Spec reference") :]


def _field_tables() -> dict[str, list[tuple[str, str]]]:
    """Each ``**Name**:`` of the spec reference and the (field, required) rows of the table beneath it."""
    tables: dict[str, list[tuple[str, str]]] = {}
    rows: list[tuple[str, str]] = []
    for line in REFERENCE.splitlines():
        heading = re.match(r"^\*\*(\w+)\*\*: ", line)
        if heading:
            rows = tables.setdefault(heading[1], [])
        row = re.match(r"^\| `(\w+)` \| ([^|]+) \|", line)
        if row:
            rows.append((row[1], row[2].strip()))
    return tables


def test_the_readme_reference_documents_exactly_the_spec_models() -> None:
    assert list(_field_tables()) == [cls.__name__ for cls in MODELS]


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_each_field_table_lists_the_model_fields_in_order_with_whether_required(cls: type[BaseModel]) -> None:
    documented = _field_tables()[cls.__name__]
    assert [name for name, _ in documented] == list(cls.model_fields), f"the README table of {cls.__name__} differs"
    for name, required in documented:
        field = cls.model_fields[name]
        if field.is_required():
            assert required == "yes", f"{cls.__name__}.{name} is required"
        else:
            assert required.startswith("no"), f"{cls.__name__}.{name} is optional"
            default = re.fullmatch(r"no \(default `(\w+)`\)", required)
            if default:
                assert default[1] == field.default, f"{cls.__name__}.{name} defaults to {field.default!r}"


def test_the_readme_exit_codes_are_the_cli_exit_codes() -> None:
    from generator.cli import EXIT_CODES

    table = README[README.index("| code | meaning |") :].split("\n\n", 1)[0]
    codes = [int(m[1]) for m in re.finditer(r"^\| (\d+) \| ", table, re.MULTILINE)]
    assert codes == list(EXIT_CODES)


def _two_commands() -> list[str]:
    section = README.split("\n## The two commands\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```sh\n(.*)\n```$", section, re.MULTILINE)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    build, test = _two_commands()
    assert build == ".ci/setup frameworks,site && .venv/bin/apimap build"
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert run[-1] == test == ".ci/setup frameworks,site,test && .venv/bin/python -m pytest"
    assert [line for line in run[:-1] if line and not line.startswith("#")] == [
        "set -euo pipefail",
        'cd "$(dirname "$0")/.."',
    ]


STUBS = {
    # each stub notes its command line; python3.11 makes a venv whose pip does the same
    "apt-get": 'echo "apt-get $*" >> "$LOG"',
    "sudo": 'echo "sudo $*" >> "$LOG"; exec "$@"',
    "id": 'echo "$UID_STUB"',
    "python3.11": (
        'echo "python3.11 $*" >> "$LOG"\n'
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; '
        'printf \'#!/bin/bash\\necho "pip $*" >> "$LOG"\\n\' > "$3/bin/pip"; chmod +x "$3/bin/pip"; fi'
    ),
    "fc-list": 'echo "$FONTS"',
}


def _setup(tmp_path: Path, extras: str, *, uid: str, fonts: str, chromium: bool) -> list[str]:
    """Run .ci/setup in a copy of the checkout, with stubs for the system it would change."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "setup", tmp_path / ".ci" / "setup")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in ("bash", "dirname", "grep", "env", "mkdir", "chmod", "cat"):
        (bin_ / tool).symlink_to(shutil.which(tool) or tool)
    for name, body in STUBS.items():
        (bin_ / name).write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
        (bin_ / name).chmod(0o755)
    if chromium:
        (bin_ / "chromium").symlink_to(bin_ / "fc-list")
    log = tmp_path / "log"
    log.touch()
    env = {"PATH": str(bin_), "LOG": str(log), "UID_STUB": uid, "FONTS": fonts}
    subprocess.run([str(bin_ / "bash"), ".ci/setup", extras], cwd=tmp_path, env=env, check=True, capture_output=True)
    return log.read_text(encoding="utf-8").splitlines()


def test_setup_installs_chromium_and_a_chinese_font_through_sudo_on_a_bare_machine(tmp_path: Path) -> None:
    assert _setup(tmp_path, "frameworks,site,test", uid="1000", fonts="", chromium=False) == [
        "python3.11 -c import ensurepip",
        "sudo apt-get update -qq",
        "apt-get update -qq",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei",
        "apt-get install -y -qq chromium fonts-wqy-zenhei",
        "python3.11 -m venv .venv",
        "pip install -q -e .[frameworks,site,test]",
    ]


def test_setup_installs_nothing_from_the_system_when_all_is_there(tmp_path: Path) -> None:
    fonts = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc: WenQuanYi Zen Hei"
    assert _setup(tmp_path, "frameworks,site,test", uid="0", fonts=fonts, chromium=True) == [
        "python3.11 -c import ensurepip",
        "python3.11 -m venv .venv",
        "pip install -q -e .[frameworks,site,test]",
    ]


def test_setup_for_the_site_needs_no_browser(tmp_path: Path) -> None:
    assert _setup(tmp_path, "frameworks,site", uid="0", fonts="", chromium=False)[1:] == [
        "python3.11 -m venv .venv",
        "pip install -q -e .[frameworks,site]",
    ]
