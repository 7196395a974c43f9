"""Example execution: real workers running real torch and MindSpore code."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from generator.model import Compare, Example, Text
from generator.run import (
    Cache,
    Outcome,
    Request,
    WorkerPool,
    compare,
    remove_stale_folders,
    requests_of,
    run_corpus,
    run_request,
)
from generator.validate import load_corpus

from .conftest import DATA


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(timeout=20) as shared:
        yield shared


def _request(code: str, framework: str = "torch", names: tuple[str, ...] = ()) -> Request:
    return Request(framework=framework, code=code, filename="mappings/x.yaml", first_line=30, names=names)  # type: ignore[arg-type]


def test_output_and_values_come_back_as_numpy(pool: WorkerPool) -> None:
    torch = pool.run(_request("import torch\nx = torch.arange(3.0)\nprint(x.sum())\n", names=("x",)))
    ms = pool.run(_request("import mindspore\nx = mindspore.ops.arange(3.0)\nprint(x.sum())\n", "mindspore", ("x",)))
    assert torch.error is None and ms.error is None
    assert torch.stdout == "tensor(3.)\n"
    assert ms.stdout == "3.0\n"
    np.testing.assert_array_equal(torch.values["x"], ms.values["x"])
    assert torch.values["x"].dtype == np.float32


def test_traceback_points_at_the_yaml_line(pool: WorkerPool) -> None:
    outcome = pool.run(_request("a = 1\nb = a / 0\n"))
    assert outcome.line == 31
    assert outcome.error is not None
    assert 'File "mappings/x.yaml", line 31, in <module>' in outcome.error
    assert outcome.error.endswith("ZeroDivisionError: division by zero")


def test_every_example_starts_fresh_and_seeded(pool: WorkerPool) -> None:
    first = pool.run(_request("import torch\nleak = 1\nx = torch.rand(2)\n", names=("x",)))
    second = pool.run(_request("import torch\nprint('leak' in globals())\nx = torch.rand(2)\n", names=("x",)))
    assert second.stdout == "False\n"
    np.testing.assert_array_equal(first.values["x"], second.values["x"])


def test_writing_outside_the_temporary_folder_is_refused(pool: WorkerPool, tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    outcome = pool.run(_request(f"open({str(target)!r}, 'w').write('x')\n"))
    assert outcome.error is not None
    assert "PermissionError: examples may write only inside their temporary folder" in outcome.error
    assert not target.exists()
    inside = pool.run(_request("open('here.txt', 'w').write('x')\nprint(open('here.txt').read())\n"))
    assert inside.error is None and inside.stdout == "x\n"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("import os\nos.system('touch {target}')\n", "PermissionError: examples may not start processes (os.system)"),
        (
            "import subprocess\nsubprocess.run(['touch', '{target}'])\n",
            "PermissionError: examples may not start processes (subprocess.Popen)",
        ),
        ("import os\nos.symlink('/etc/hostname', '{target}')\n", "PermissionError: examples may write only inside"),
        ("open('/dev/shm/apimap-{name}', 'w')\n", "PermissionError: examples may write only inside"),
    ],
    ids=["os.system", "subprocess", "symlink", "dev-shm"],
)
def test_the_write_guard_refuses_processes_and_writes_elsewhere(
    code: str, error: str, pool: WorkerPool, tmp_path: Path
) -> None:
    target = tmp_path / "escaped"
    outcome = pool.run(_request(code.format(target=target, name=tmp_path.name)))
    assert outcome.error is not None
    assert outcome.error.splitlines()[-1].startswith(error)
    assert not target.exists() and not Path(f"/dev/shm/apimap-{tmp_path.name}").exists()
    assert pool.run(_request("open('/dev/null', 'w').write('x')\n")).error is None


def test_a_first_optimizer_step_runs_under_the_write_guard() -> None:
    # torch imports torch._dynamo on an optimizer's first step, which creates a
    # cache folder under /tmp; the worker imports it before the guard is on.
    code = "import torch\np = torch.nn.Parameter(torch.ones(2))\np.grad = torch.ones(2)\ntorch.optim.Adam([p]).step()\n"
    with WorkerPool(timeout=60) as fresh:
        outcome = fresh.run(_request(code, names=("p",)))
    assert outcome.error is None
    np.testing.assert_allclose(outcome.values["p"], [0.999, 0.999])


def test_start_up_does_not_count_against_a_short_timeout() -> None:
    # importing torch takes seconds; the one-second clock starts when the worker says it is ready
    with WorkerPool(timeout=1) as pool:
        outcome = pool.run(_request("print('fast')\n"))
    assert outcome.error is None and outcome.stdout == "fast\n"
    assert pool.started == 1


def test_a_hung_example_is_killed_and_the_worker_replaced() -> None:
    with WorkerPool(timeout=1) as pool:
        hung = pool.run(_request("import time\ntime.sleep(1000)\n"))
        blocked = pool.run(_request("import os\nos.read(os.pipe()[0], 1)\n"))
        after = pool.run(_request("print('next')\n"))
    assert hung.error == "timed out after 1 s; the torch worker was replaced"
    assert blocked.error == hung.error
    assert after.stdout == "next\n"
    assert pool.started == 3


def test_a_dying_worker_fails_only_its_example() -> None:
    with WorkerPool(timeout=1) as pool:
        died = pool.run(_request("import os\nos._exit(3)\n"))
        after = pool.run(_request("print('next')\n"))
    assert died.error is not None
    assert died.error.startswith("the torch worker died (exit code 3) while running this example")
    assert after.error is None and after.stdout == "next\n"


def test_a_dying_worker_reports_its_last_words_on_stderr() -> None:
    code = "import os, sys\nprint('about to go', file=sys.stderr)\nos.write(2, b'gone\\n')\nos._exit(3)\n"
    with WorkerPool(timeout=20) as pool:
        died = pool.run(_request(code))
    assert died.error == (
        "the torch worker died (exit code 3) while running this example; its last words on stderr: about to go | gone"
    )


def test_a_bfloat16_value_comes_back_as_exact_float32(pool: WorkerPool) -> None:
    torch = pool.run(_request("import torch\nx = torch.tensor([1.5, -2.0], dtype=torch.bfloat16)\n", names=("x",)))
    ms = pool.run(
        _request("import mindspore\nx = mindspore.tensor([1.5, -2.0], mindspore.bfloat16)\n", "mindspore", ("x",))
    )
    assert torch.error is None and ms.error is None
    for outcome in (torch, ms):
        assert outcome.values["x"].dtype == np.float32
        np.testing.assert_array_equal(outcome.values["x"], [1.5, -2.0])
    assert compare(_example(Compare(name="x")), torch.values, ms.values) == []


def test_a_value_that_cannot_be_sent_back_fails_its_example_not_the_worker(pool: WorkerPool) -> None:
    started = pool.started
    outcome = pool.run(_request("f = lambda: 1\ng = (i for i in range(3))\n", names=("f",)))
    assert outcome.error == (
        "the value of 'f' cannot be sent back for comparison: TypeError: a function is not an array of numbers, "
        "booleans or text"
    )
    generator = pool.run(_request("g = (i for i in range(3))\n", names=("g",)))
    assert generator.error is not None and "a generator is not an array" in generator.error
    assert pool.run(_request("print('still here')\n")).stdout == "still here\n"
    assert pool.started == started


def test_stopped_killed_and_dead_workers_leave_no_folders() -> None:
    with WorkerPool(timeout=1) as pool:
        first = Path(pool.run(_request("import os\nprint(os.getcwd())\n")).stdout.strip()).parent
        assert first.is_dir() and first.name.startswith(f"apimap-worker-{os.getpid()}-")
        assert pool.run(_request("import time\ntime.sleep(1000)\n")).error is not None
        assert not first.exists()
        died = pool.run(_request("import os, sys\nprint(os.getcwd(), file=sys.stderr)\nos._exit(3)\n"))
        assert died.error is not None
        second = Path(died.error.rsplit(": ", 1)[1]).parent
        assert second.name.startswith("apimap-worker-") and not second.exists()
        third = Path(pool.run(_request("import os\nprint(os.getcwd())\n")).stdout.strip()).parent
        assert third.is_dir()
    assert not third.exists()


def test_folders_of_a_pool_that_was_killed_are_removed_by_the_next(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = Path(tempfile.gettempdir()) / f"apimap-worker-{gone.stdout.strip()}-abc"
    (stale / "apimap-example-x").mkdir(parents=True)
    mine = Path(tempfile.mkdtemp(prefix=f"apimap-worker-{os.getpid()}-"))
    try:
        remove_stale_folders()
        assert not stale.exists()
        assert mine.is_dir()
    finally:
        shutil.rmtree(mine)


def test_a_worker_that_does_not_start_in_time_is_a_clear_error() -> None:
    with WorkerPool(timeout=1, startup_timeout=0.01) as pool:
        outcome = pool.run(_request("print('never')\n"))
    assert outcome.error == "the torch worker did not start within 0.01 s; it was stopped"


def test_cache_hit_runs_nothing_and_refresh_runs_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    request = _request("print('hello')\n")
    with WorkerPool() as pool:
        first = run_request(request, pool=pool, cache=cache, refresh=False)
        assert pool.started == 1 and not first.cached
    with WorkerPool() as pool:
        again = run_request(request, pool=pool, cache=cache, refresh=False)
        assert again.cached and again.stdout == "hello\n"
        assert pool.started == 0
        changed = run_request(replace(request, code="print('hello')\n\n"), pool=pool, cache=cache, refresh=False)
        assert not changed.cached and pool.started == 1
        fresh = run_request(request, pool=pool, cache=cache, refresh=True)
        assert not fresh.cached


def test_the_cache_key_names_content_and_position_not_the_path() -> None:
    relative = _request("print(1)\n")
    absolute = replace(relative, filename=str(Path(relative.filename).absolute()))
    assert Cache.key(relative) == Cache.key(absolute)
    assert Cache.key(relative) != Cache.key(replace(relative, first_line=31))
    assert Cache.key(relative) != Cache.key(replace(relative, names=("x",)))
    assert Cache.key(relative) != Cache.key(replace(relative, framework="mindspore"))


def test_a_relative_and_an_absolute_run_share_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    cache = tmp_path / "cache"
    run_corpus(load_corpus([Path("specs/torch.amax.yaml")]), cache_dir=cache)
    entries = sorted(cache.iterdir())
    assert len(entries) == 2
    results = run_corpus(load_corpus([DATA / "specs" / "torch.amax.yaml"]), cache_dir=cache)
    assert sorted(cache.iterdir()) == entries
    assert all(o.cached for result in results.values() for o in result.outcomes.values())


def test_a_corrupt_or_foreign_cache_entry_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = cache.key(_request("print(1)\n"))
    other = cache.key(_request("print(2)\n"))
    assert cache.put(key, Outcome("1\n"))
    assert cache.get(key) == Outcome("1\n", cached=True)
    shutil.copy(cache.path(key), cache.path(other))
    assert cache.get(other) is None
    for garbage in (b"\x80\x04garbage", b"{}", b"[1, 2]", b'{"format": 2, "key": "%s"}' % key.encode()):
        cache.path(key).write_bytes(garbage)
        assert cache.get(key) is None
    assert list(tmp_path.glob(".*.tmp")) == []


class _Trap:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


def test_a_pickle_in_the_cache_is_never_unpickled(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    key = cache.key(_request("print(1)\n"))
    marker = tmp_path / "unpickled"
    cache.folder.mkdir()
    payload = pickle.dumps(_Trap(marker))
    cache.path(key).write_bytes(payload)
    (cache.folder / f"{key}.pickle").write_bytes(payload)
    assert cache.get(key) is None
    assert not marker.exists()
    pickle.loads(payload)  # the trap is real: loading it would have made the folder
    assert marker.is_dir()


def test_cached_values_are_json_data_and_come_back_equal(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    values = {
        "f": np.float32([[1.5, np.nan], [np.inf, -0.1]]),
        "d": np.float64(0.1),
        "h": np.float16([1e-3]),
        "c": np.complex64([1 + 2j, -0.5j]),
        "b": np.bool_([True, False]),
        "i": np.int64([2**62, -3]),
        "u": np.uint8([255]),
        "s": np.str_("text"),
        "l": [np.int32([1]), np.float32([2.0, 3.0])],
    }
    assert cache.put("k", Outcome("out\n", {**values, "n": None}))
    entry = json.loads(cache.path("k").read_text(encoding="ascii"))
    assert entry["values"]["c"] == {"dtype": "<c8", "shape": [2], "data": [[1.0, 2.0], [-0.0, -0.5]]}
    hit = cache.get("k")
    assert hit is not None and hit.cached and hit.stdout == "out\n"
    assert set(hit.values) == {*values, "n"}
    assert hit.values["n"] is None
    for name, value in values.items():
        for got, want in zip(*(v if isinstance(v, list) else [v] for v in (hit.values[name], value)), strict=True):
            assert got.dtype == want.dtype and got.shape == np.shape(want)
            np.testing.assert_array_equal(got, want)


def test_a_value_without_a_json_form_is_not_cached(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert not cache.put("k", Outcome("", {"t": np.datetime64("2024-01-01")}))
    assert not cache.path("k").exists()


def test_a_flood_of_output_fails_with_what_was_printed_and_the_limit(pool: WorkerPool) -> None:
    outcome = pool.run(_request("for _ in range(300):\n    print('x' * 1_000_000)\n"))
    assert outcome.error == (
        "printed at least 300000300 bytes; the limit is 65536 bytes "
        "(raise it with the example's max_output or --max-output)"
    )
    assert len(outcome.stdout) == 65536


@pytest.mark.parametrize(
    ("code", "printed", "ok"),
    [
        ("print('a' * 999)", 1000, True),
        ("print('a' * 1000)", 1001, False),
        ("import sys\nsys.stdout.write('é' * 500)\nsys.stdout.buffer.write(b'!')", 1001, False),
        ("import sys\nsys.stdout.write('é' * 499)\nsys.stdout.buffer.write(b'!!')", 1000, True),
    ],
    ids=["just-under", "just-over", "text-and-bytes-over", "text-and-bytes-under"],
)
def test_the_limit_counts_bytes(code: str, printed: int, ok: bool, pool: WorkerPool) -> None:
    outcome = pool.run(replace(_request(code + "\n"), max_output=1000))
    assert outcome.printed == printed
    if ok:
        assert outcome.error is None and len(outcome.stdout.encode()) == printed
    else:
        assert outcome.error is not None
        assert outcome.error.startswith(f"printed at least {printed} bytes; the limit is 1000 bytes")


def test_binary_output_is_shown_escaped(pool: WorkerPool) -> None:
    code = "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe')\nprint()\nprint(b'\\xff')\nprint('\\ud800')\n"
    outcome = pool.run(_request(code))
    assert outcome.error is None
    assert outcome.stdout == "\\xff\\xfe\nb'\\xff'\n\\xed\\xa0\\x80\n"


def test_output_over_the_limit_is_never_cached(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    request = replace(_request("print('a' * 20)\n"), max_output=100)
    with WorkerPool() as pool:
        assert run_request(replace(request, max_output=10), pool=pool, cache=cache, refresh=False).error is not None
        assert list(tmp_path.iterdir()) == []
        assert run_request(request, pool=pool, cache=cache, refresh=False).error is None
        assert len(list(tmp_path.iterdir())) == 1
        assert run_request(request, pool=pool, cache=cache, refresh=False).cached
        lowered = run_request(replace(request, max_output=10), pool=pool, cache=cache, refresh=False)
    assert not lowered.cached and lowered.error is not None and lowered.error.startswith("printed at least 21 bytes")


def test_an_example_sets_its_own_output_limit(tmp_path: Path) -> None:
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "torch.amax.yaml"
    spec.write_text(text.replace("      - id: basic\n", "      - id: basic\n        max_output: 5\n"), encoding="utf-8")
    (file,) = load_corpus([spec]).files
    assert {r.max_output for r in requests_of(file, 0, 0, max_output=1000).values()} == {5}
    (result,) = run_corpus(load_corpus([spec]), cache_dir=None, max_output=1000).values()
    assert result.outcomes["torch"].error is not None
    assert result.outcomes["torch"].error.startswith("printed at least 17 bytes; the limit is 5 bytes")


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_cache_entries_get_the_mode_of_a_plain_write(umask: int, mode: int, tmp_path: Path) -> None:
    previous = os.umask(umask)
    try:
        Cache(tmp_path).put("k", Outcome("1\n"))
        (tmp_path / "plain").write_text("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "k.json").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "plain").stat().st_mode) == mode


def _example(*claims: Compare) -> Example:
    return Example(id="e", title=Text(en="t"), torch="x", mindspore="x", compare=claims)


@pytest.mark.parametrize(
    ("claim", "a", "b", "problem"),
    [
        (Compare(name="v"), np.float32([1, 2]), np.float32([1, 2 + 1e-7]), None),
        (Compare(name="v"), np.float32([1, 2]), np.float32([1, 2.1]), "v: PyTorch and MindSpore differ (max abs"),
        (Compare(name="v"), np.float16([1, 2]), np.float16([1, 2.001]), None),
        (Compare(name="v"), np.int64([1, 2]), np.int64([1, 3]), "v: PyTorch and MindSpore differ ([1 2] vs [1 3])"),
        (Compare(name="v"), np.float32([1, 2]), np.float32([1, 2, 3]), "v: PyTorch and MindSpore differ (shapes"),
        (Compare(name="v", expect="differs"), np.float32([1]), np.float32([2]), None),
        (Compare(name="v", expect="differs"), np.float32([1]), np.float32([1]), "v: the page claims a difference"),
        (Compare(name="v", atol=0.5), np.float64([1]), np.float64([1.4]), None),
    ],
)
def test_compare_holds_each_claim(claim: Compare, a: np.ndarray, b: np.ndarray, problem: str | None) -> None:
    problems = compare(_example(claim), {"v": a}, {"v": b})
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(problem)


def test_run_corpus_runs_both_frameworks_and_compares(tmp_path: Path) -> None:
    corpus = load_corpus([DATA / "specs" / "torch.amax.yaml"])
    results = run_corpus(corpus, cache_dir=tmp_path)
    (result,) = results.values()
    assert result.ok
    assert result.outcomes["torch"].stdout == "tensor([5., 3.])\n"
    assert result.outcomes["mindspore"].stdout == "[5. 3.]\n"


def test_mindspore_workers_launch_one_kernel_at_a_time() -> None:
    code = (
        "from mindspore._c_expression import RuntimeConf\nblocking = RuntimeConf.get_instance().is_launch_blocking()\n"
    )
    with WorkerPool(timeout=120) as pool:
        outcome = pool.run(Request("mindspore", code, "t.yaml", 1, ("blocking",)))
    assert outcome.error is None and bool(outcome.values["blocking"]) is True
