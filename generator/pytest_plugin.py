"""Spec examples as pytest items (registered through the ``pytest11`` entry point).

Installing apimap makes the plugin available to every pytest run, so it
collects only in a project that asks for it with the ini option
``apimap_mappings`` (this repository sets ``apimap_mappings = "mappings"`` in
``[tool.pytest.ini_options]``); elsewhere it collects nothing.

``pytest mappings/`` then collects every spec of that folder: one item per
example and framework, ``<spec>::<target>::<example>[torch]`` and
``[mindspore]``, and a ``[compare]`` item for the values both must agree on
(or, where the page claims a difference, must not). A failure shows the
snippet's traceback at its line in the YAML file. Each target whose table has
rows claiming the same behaviour also gets a ``<spec>::<target>::rows`` item
that runs its row checks (`generator.rows`); a failing row is reported at its
line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.compare import compare
from generator.errors import ApimapError, relative
from generator.model import FRAMEWORKS, Framework
from generator.rows import is_claim
from generator.run import (
    DEFAULT_MAX_OUTPUT,
    DEFAULT_TIMEOUT,
    Cache,
    Outcome,
    WorkerPool,
    requests_of,
    run_request,
)
from generator.validate import SpecFile, is_spec, load_spec

MAPPINGS_INI = "apimap_mappings"
_POOL = pytest.StashKey["WorkerPool"]()
_OUTCOMES = pytest.StashKey["dict[tuple[str, str, str, str], Outcome]"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's command-line options."""
    group = parser.getgroup("apimap", "running the examples of mapping specs")
    group.addoption(
        "--apimap-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds one snippet may run, not counting worker start-up (default {DEFAULT_TIMEOUT:g})",
    )
    group.addoption("--apimap-refresh", action="store_true", help="run every snippet again, ignoring the cache")
    group.addoption(
        "--apimap-max-output",
        type=int,
        default=DEFAULT_MAX_OUTPUT,
        metavar="BYTES",
        help=f"bytes a snippet may print where its example sets no max_output (default {DEFAULT_MAX_OUTPUT})",
    )
    group.addoption(
        "--apimap-cache-dir", default=".apimap-cache", help="where results are cached (default .apimap-cache)"
    )
    parser.addini(
        MAPPINGS_INI,
        "the folder of apimap specs, relative to the rootdir; without it the plugin collects nothing",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Create the worker pool lazily shared by this process's items."""
    config.stash[_POOL] = WorkerPool(timeout=config.getoption("apimap_timeout"))
    config.stash[_OUTCOMES] = {}


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the workers."""
    pool = config.stash.get(_POOL, None)
    if pool is not None:
        pool.close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect the spec files of the project's mappings folder, when it names one."""
    folder = mappings_folder(parent.config)
    if folder is not None and is_spec(file_path, mappings=folder):
        return SpecCollector.from_parent(parent, path=file_path)
    return None


def mappings_folder(config: pytest.Config) -> Path | None:
    """The folder the project's ``apimap_mappings`` ini option names, or None when it opts out."""
    value = str(config.getini(MAPPINGS_INI)).strip()
    return config.rootpath / value if value else None


class SpecCollector(pytest.File):
    """One spec file: its examples, or one item reporting why it is invalid."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            spec_file = load_spec(self.path)
        except ApimapError as exc:
            yield InvalidSpecItem.from_parent(self, name="valid", error=str(exc))
            return
        for t, target in enumerate(spec_file.spec.targets):
            for e, example in enumerate(target.examples):
                base = f"{target.id}::{example.id}"
                for side in FRAMEWORKS:
                    yield SnippetItem.from_parent(self, name=f"{base}[{side}]", spec=spec_file, at=(t, e), side=side)
                if example.compare:
                    yield CompareItem.from_parent(self, name=f"{base}[compare]", spec=spec_file, at=(t, e))
            if any(is_claim(row) for row in target.table):
                yield RowsItem.from_parent(self, name=f"{target.id}::rows", spec=spec_file, target=t)


class ExampleFailure(Exception):
    """A snippet or comparison failed; the message is the whole report."""


class _ExampleItem(pytest.Item):
    def __init__(self, *, spec: SpecFile, at: tuple[int, int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.at = at

    def outcome(self, side: Framework) -> Outcome:
        """The snippet's outcome, run at most once per process (and cached on disk)."""
        t, e = self.at
        example = self.spec.spec.targets[t].examples[e]
        key = (str(self.path), self.spec.spec.targets[t].id, example.id, side)
        known = self.config.stash[_OUTCOMES]
        if key not in known:
            cache_dir = Path(self.config.getoption("apimap_cache_dir"))
            if not cache_dir.is_absolute():
                cache_dir = self.config.rootpath / cache_dir
            known[key] = run_request(
                requests_of(self.spec, t, e, max_output=self.config.getoption("apimap_max_output"))[side],
                pool=self.config.stash[_POOL],
                cache=Cache(cache_dir),
                refresh=self.config.getoption("apimap_refresh"),
            )
        return known[key]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        t, e = self.at
        line = self.spec.locate(("targets", t, "examples", e)).line
        return self.path, line - 1, self.name


class SnippetItem(_ExampleItem):
    """One framework's snippet of one example."""

    def __init__(self, *, side: Framework, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.side = side

    def runtest(self) -> None:
        outcome = self.outcome(self.side)
        if outcome.error is not None:
            where = relative(self.path)
            raise ExampleFailure(f"{where}: the {self.side} snippet failed\n{outcome.error}")


class CompareItem(_ExampleItem):
    """The values both snippets compute, held to what the example claims."""

    def runtest(self) -> None:
        outcomes = {side: self.outcome(side) for side in FRAMEWORKS}
        failed = [side for side, o in outcomes.items() if o.error is not None]
        if failed:
            raise ExampleFailure(f"nothing to compare: the {' and '.join(failed)} snippet failed")
        t, e = self.at
        example = self.spec.spec.targets[t].examples[e]
        problems = compare(example, outcomes["torch"].values, outcomes["mindspore"].values)
        if problems:
            line = self.spec.locate(("targets", t, "examples", e, "compare")).line
            raise ExampleFailure("\n".join(f"{relative(self.path)}:{line}: {p}" for p in problems))


class RowsItem(pytest.Item):
    """The row checks of one target (`generator.rows`): each row that claims the same behaviour, executed."""

    def __init__(self, *, spec: SpecFile, target: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.target = target

    def runtest(self) -> None:
        from generator.rows import check_target, pool_runner, row_errors
        from generator.validate import Corpus

        cache_dir = Path(self.config.getoption("apimap_cache_dir"))
        if not cache_dir.is_absolute():
            cache_dir = self.config.rootpath / cache_dir
        results = check_target(
            self.spec,
            self.target,
            run=pool_runner(self.config.stash[_POOL]),
            cache=cache_dir,
            refresh=self.config.getoption("apimap_refresh"),
        )
        errors = row_errors(Corpus((self.spec,), ()), results)
        if errors:
            raise ExampleFailure("\n".join(str(e) for e in errors))
        executed = sum(r.executed for r in results)
        self.user_properties.append(("rows executed", f"{executed} of {len(results)}"))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        line = self.spec.locate(("targets", self.target, "table")).line
        return self.path, line - 1, self.name


class InvalidSpecItem(pytest.Item):
    """Stands for a spec that does not validate."""

    def __init__(self, *, error: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise ExampleFailure(self.error)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name
