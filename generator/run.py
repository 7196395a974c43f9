"""Executing examples in framework worker processes, with an on-disk cache.

A worker (``python -m generator.run torch FOLDER``) imports its framework once and
then runs snippet after snippet, each in a fresh namespace, with seeded random
generators, in a temporary folder. A write guard (`_WriteGuard`, an audit hook)
refuses the snippet's Python-level writes outside that folder and its starting
of processes; it catches accidents, it is not a sandbox. The pool
keeps one worker per framework, replaces a worker that hangs or dies, and
caches every successful result under a key that covers the code, its place in
the spec and the installed versions (not the spec's path), so a re-run with
nothing changed starts no worker, whichever way the spec was named.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import io
import json
import os
import pickle
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import numpy as np

from generator.compare import compare
from generator.model import FRAMEWORKS, Framework
from generator.validate import Corpus, SpecFile

CACHE_FORMAT = 3
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_OUTPUT = 65536
"""Bytes a snippet may print unless its example or the command line says otherwise."""
STARTUP_TIMEOUT = 600.0
"""Seconds a worker may take to import its framework, counted apart from any snippet's timeout."""
READY = "ready"
"""What a worker sends once its framework is imported; the snippet clock starts after it."""
_HEADER = struct.Struct("!I")


@dataclass(frozen=True)
class Request:
    """One snippet to run: its code and where it stands in its spec file."""

    framework: Framework
    code: str
    filename: str
    first_line: int
    names: tuple[str, ...]
    max_output: int = DEFAULT_MAX_OUTPUT
    """Bytes the snippet may print; past them it fails, and the worker keeps no more than this."""


@dataclass(frozen=True)
class Outcome:
    """What a snippet did: its printed output, the requested values, or its error."""

    stdout: str
    values: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None
    duration: float = 0.0
    cached: bool = False
    line: int | None = None
    """The spec file line of the failing statement, when the snippet raised."""
    printed: int = 0
    """Bytes the snippet printed (at least; counting stops being exact past the limit)."""


@dataclass(frozen=True)
class ExampleKey:
    """Names one example: the spec's torch API, the target id and the example id."""

    api: str
    target: str
    example: str


@dataclass(frozen=True)
class ExampleResult:
    """Both snippets' outcomes and what their comparison found wrong."""

    outcomes: Mapping[Framework, Outcome]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether both snippets ran and every comparison held."""
        return not self.problems and all(o.error is None for o in self.outcomes.values())


def versions() -> dict[Framework, str]:
    """The installed framework versions, read without importing them."""
    return {name: _version(name) for name in FRAMEWORKS}


@functools.cache  # reading a distribution's metadata takes milliseconds, and every cache key needs it
def _version(dist: str) -> str:
    try:
        return metadata.version(dist).split("+", 1)[0]
    except metadata.PackageNotFoundError:
        return "not installed"


# ---------------------------------------------------------------- the worker


# The pool and its workers talk in length-prefixed pickles. Both ends are this
# module in processes the pool started itself, over pipes nobody else holds, so
# nothing foreign is ever unpickled; what outlives a process (the cache) is JSON.


def _send(stream: Any, message: object) -> None:
    stream.write(_frame(message))
    stream.flush()


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _receive(stream: Any) -> Any:
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    return pickle.loads(_read_exactly(stream, size))


def _read_exactly(stream: Any, size: int) -> bytes:
    """``size`` bytes from a buffered or raw stream; EOFError when it ends first."""
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _worker(framework: str, folder: str) -> None:
    """The worker's loop: requests on stdin, replies on a private copy of stdout.

    Each snippet runs in a fresh folder inside ``folder``, which the pool made
    for this worker and removes when it stops or kills it.
    """
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # C-level prints of the frameworks must not reach the channel
    requests = sys.stdin.buffer
    module = __import__(framework)
    for name in _LAZY_IMPORTS.get(framework, ()):
        importlib.import_module(name)
    if framework == "mindspore":
        # MindSpore launches kernels asynchronously, so a failed kernel can be reported by a
        # later call, even in the next snippet (seen: a caught matmul error failing the next
        # spec's loss): one kernel at a time keeps each error at its own snippet and line
        module.runtime.launch_blocking()
    state = _WriteGuard()
    sys.addaudithook(state.audit)
    _send(channel, READY)
    while True:
        try:
            request: Request = _receive(requests)
        except EOFError:
            return
        try:
            reply = _frame(_execute(request, module, state, folder))
        except Exception as exc:  # a fault of the worker's own code, outside the snippet
            reply = _frame(Outcome("", error=f"the {framework} worker failed after the snippet ran: {_one_line(exc)}"))
        channel.write(reply)
        channel.flush()


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


# Modules a framework imports on first use that write caches outside the example's
# folder while importing: torch's optimizers import torch._dynamo on their first
# step, which creates /tmp/torchinductor_<user>. They are imported before the
# write guard is on.
_LAZY_IMPORTS: dict[str, tuple[str, ...]] = {"torch": ("torch._dynamo",)}


class _WriteGuard:
    """Refuses, while a snippet runs, Python-level writes outside its folder and the starting of processes.

    A guard against accidents, not a security boundary. Through an audit hook
    it sees what Python code asks of the operating system: opening a file for
    writing (``open``, ``os.open``), creating, removing, renaming, truncating or
    changing the metadata of files and folders, and starting a process
    (``os.system``, ``subprocess``, the ``os.exec*``, ``os.spawn*`` and
    ``os.posix_spawn*`` families, ``os.fork``). It does not see what compiled
    code does by itself (a framework's own file writes, ``ctypes``, memory
    maps), writes through file descriptors opened before the snippet, or the
    network. Run only specs you would run as code.
    """

    def __init__(self) -> None:
        self.root: str | None = None

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        if self.root is None:
            return
        if event == "open":
            path, mode, flags = args
            writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            )
            if writing and isinstance(path, str | bytes | os.PathLike):
                self._allow(path)
        elif event in _WRITTEN_ARGS:
            for index in _WRITTEN_ARGS[event]:
                if index < len(args) and isinstance(args[index], str | bytes | os.PathLike):
                    self._allow(args[index])
        elif event in _PROCESS_EVENTS:
            raise PermissionError(f"examples may not start processes ({event})")

    def _allow(self, path: str | bytes | os.PathLike[Any]) -> None:
        assert self.root is not None
        resolved = os.path.realpath(os.fsdecode(path))
        if resolved.startswith(self.root + os.sep) or resolved == self.root or resolved in _DEVICES:
            return
        raise PermissionError(f"examples may write only inside their temporary folder, not to {resolved}")


_WRITTEN_ARGS: dict[str, tuple[int, ...]] = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.replace": (0, 1),
    "os.truncate": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "os.link": (1,),
    "os.symlink": (1,),
    "shutil.rmtree": (0,),
}
"""Audit events that change the file system, and which of their arguments are the paths they change."""
_PROCESS_EVENTS = frozenset(
    {"os.system", "subprocess.Popen", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.forkpty"}
)
_DEVICES = frozenset({"/dev/null", "/dev/zero", "/dev/full"})
"""Files outside the folder a snippet may still open for writing: they keep nothing."""


def _execute(request: Request, module: Any, guard: _WriteGuard, parent: str) -> Outcome:
    import random

    random.seed(0)
    np.random.seed(0)
    if request.framework == "torch":
        module.manual_seed(0)
    else:
        module.set_seed(0)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    out = _BoundedOutput(request.max_output)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="apimap-example-", dir=parent) as folder:
        previous = os.getcwd()
        os.chdir(folder)
        guard.root = os.path.realpath(folder)
        try:
            code = compile("\n" * (request.first_line - 1) + request.code, request.filename, "exec")
            with contextlib.redirect_stdout(out):
                exec(code, namespace)
        except BaseException as exc:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == request.filename]
            line = frames[-1].lineno if frames else getattr(exc, "lineno", None)
            error = _snippet_traceback(exc, request.filename)
            return Outcome(out.text(), error=error, line=line, printed=out.size)
        finally:
            guard.root = None
            os.chdir(previous)
    duration = time.perf_counter() - start
    if out.size > request.max_output:
        error = (
            f"printed at least {out.size} bytes; the limit is {request.max_output} bytes "
            "(raise it with the example's max_output or --max-output)"
        )
        return Outcome(out.text(), error=error, duration=duration, printed=out.size)
    values: dict[str, Any] = {}
    for name in request.names:
        if name not in namespace:
            error = f"NameError: the snippet does not define {name!r}"
            return Outcome(out.text(), error=error, duration=duration, printed=out.size)
        try:
            values[name] = _to_numpy(namespace[name])
        except Exception as exc:
            error = f"the value of {name!r} cannot be sent back for comparison: {_one_line(exc)}"
            return Outcome(out.text(), error=error, duration=duration, printed=out.size)
    return Outcome(out.text(), values, duration=duration, printed=out.size)


class _BoundedOutput(io.TextIOBase):
    """Stands for ``sys.stdout`` while a snippet runs: keeps the first ``limit`` bytes and counts the rest.

    Text is kept as UTF-8 and bytes written to ``.buffer`` as they are; `text`
    shows what is not valid UTF-8 as escapes. Past the limit nothing more is
    kept, so a flood costs no memory; what it would have been is counted, in
    characters where it was not encoded (a lower bound of its bytes).
    """

    encoding = "utf-8"

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.size = 0
        self._kept = bytearray()
        self.buffer = _BoundedBytes(self)

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.limit - len(self._kept)
        if room <= 0:
            self.size += len(text)
        elif len(text) <= room:
            self.take(text.encode("utf-8", "surrogatepass"))
        else:
            self.take(text[:room].encode("utf-8", "surrogatepass"))
            self.size += len(text) - room
        return len(text)

    def take(self, data: bytes | memoryview) -> None:
        """Count ``data`` and keep what fits."""
        self.size += len(data)
        room = self.limit - len(self._kept)
        if room > 0:
            self._kept += data[:room]

    def text(self) -> str:
        r"""What was kept, with bytes that are not UTF-8 shown as escapes such as ``\xff``."""
        return bytes(self._kept).decode("utf-8", "backslashreplace")


class _BoundedBytes(io.BufferedIOBase):
    """The ``sys.stdout.buffer`` of a `_BoundedOutput`: bytes go to the same bounded store."""

    def __init__(self, owner: _BoundedOutput) -> None:
        super().__init__()
        self._owner = owner

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._owner.take(view)
        return len(view)


def _snippet_traceback(exc: BaseException, filename: str) -> str:
    """The traceback cut down to the snippet's own frames, which point into the YAML file."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


def _to_numpy(value: Any) -> Any:
    """A compared value as a plain NumPy array (or a list of them), which the pool can load without a framework.

    NumPy has no bfloat16: torch refuses to convert one and MindSpore returns an
    array of its own dtype, so both become the float32 array they convert to exactly.
    None stays None: a `raises` claim reads it as "raised nothing".
    """
    if value is None:
        return None
    if isinstance(value, tuple | list) and value and any(hasattr(v, "detach") or hasattr(v, "asnumpy") for v in value):
        return [_to_numpy(v) for v in value]
    if hasattr(value, "detach"):  # torch.Tensor
        tensor = value.detach().cpu()
        array = (tensor.float() if str(tensor.dtype) == "torch.bfloat16" else tensor).numpy()
    elif hasattr(value, "asnumpy"):  # mindspore.Tensor and Parameter
        array = value.asnumpy()
    else:
        array = np.asarray(value)
    if array.dtype.name == "bfloat16":
        array = array.astype(np.float32)
    if array.dtype.kind not in _STORED_KINDS or array.dtype.isbuiltin == 2:
        raise TypeError(f"a {type(value).__name__} is not an array of numbers, booleans or text")
    return array


# ---------------------------------------------------------------- the pool


@dataclass
class _Worker:
    """A worker process, the tail of what it wrote to stderr, and the folder its snippets run in."""

    process: subprocess.Popen[bytes]
    stderr: _Tail
    folder: Path


class WorkerPool:
    """One reusable worker process per framework; use it as a context manager."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, startup_timeout: float = STARTUP_TIMEOUT) -> None:
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.started = 0
        self._workers: dict[str, _Worker] = {}

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker."""
        for worker in self._workers.values():
            _stop(worker)
        self._workers.clear()

    def run(self, request: Request) -> Outcome:
        """Run one snippet; a hang or a crash fails this snippet only.

        The timeout counts from the moment the request is sent to a worker that
        has said it is ready, so a worker's start-up never eats into it.
        """
        worker = self._workers.get(request.framework)
        if worker is None or worker.process.poll() is not None:
            started = self._start(request.framework)
            if isinstance(started, Outcome):
                return started
            worker = self._workers[request.framework] = started
        process = worker.process
        assert process.stdin is not None and process.stdout is not None
        worker.stderr.clear()
        start = time.perf_counter()
        try:
            _send(process.stdin, request)
        except BrokenPipeError:
            return self._died(request.framework, worker)
        ready, _, _ = select.select([process.stdout], [], [], self.timeout)
        if not ready:
            _stop(worker)
            del self._workers[request.framework]
            return Outcome("", error=f"timed out after {self.timeout:g} s; the {request.framework} worker was replaced")
        try:
            outcome: Outcome = _receive(process.stdout)
        except EOFError:
            return self._died(request.framework, worker)
        return replace(outcome, duration=time.perf_counter() - start)

    def _start(self, framework: str) -> _Worker | Outcome:
        """A new worker that has said it is ready, or the outcome saying why it is not."""
        # GLOG_v=3 keeps MindSpore's C++ logging to errors
        env = {**os.environ, "GLOG_v": os.environ.get("GLOG_v", "3"), "PYTHONHASHSEED": "0"}  # noqa: SIM112
        if not self.started:
            remove_stale_folders()
        folder = Path(tempfile.mkdtemp(prefix=f"{WORKER_FOLDER_PREFIX}{os.getpid()}-"))
        process = subprocess.Popen(
            [sys.executable, "-m", "generator.run", framework, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            bufsize=0,
        )
        assert process.stdout is not None and process.stderr is not None
        worker = _Worker(process, _Tail(process.stderr), folder)
        self.started += 1
        ready, _, _ = select.select([process.stdout], [], [], self.startup_timeout)
        if not ready:
            _stop(worker)
            return Outcome(
                "", error=f"the {framework} worker did not start within {self.startup_timeout:g} s; it was stopped"
            )
        try:
            message = _receive(process.stdout)
        except EOFError:
            code = process.wait()
            _stop(worker)
            return Outcome("", error=f"the {framework} worker failed to start (exit code {code}){worker.stderr.last()}")
        if message != READY:
            _stop(worker)
            return Outcome("", error=f"the {framework} worker started with {message!r} instead of {READY!r}")
        return worker

    def _died(self, framework: str, worker: _Worker) -> Outcome:
        code = worker.process.wait()
        _stop(worker)
        del self._workers[framework]
        last = worker.stderr.last()
        return Outcome("", error=f"the {framework} worker died (exit code {code}) while running this example{last}")


def _stop(worker: _Worker) -> None:
    process = worker.process
    if process.poll() is None:
        process.kill()
    process.wait()
    worker.stderr.join()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    shutil.rmtree(worker.folder, ignore_errors=True)


WORKER_FOLDER_PREFIX = "apimap-worker-"
"""Start of the name of a worker's temporary folder, followed by the pool's process id."""


def remove_stale_folders() -> None:
    """Remove the worker folders of pools whose process is gone (killed before it could clean up)."""
    for path in Path(tempfile.gettempdir()).glob(f"{WORKER_FOLDER_PREFIX}*-*"):
        pid = path.name.removeprefix(WORKER_FOLDER_PREFIX).split("-", 1)[0]
        with contextlib.suppress(OSError):
            if pid.isdigit() and path.lstat().st_uid == os.getuid() and not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Tail:
    """The last few KiB a worker wrote to stderr, read as they come so that the pipe never fills."""

    def __init__(self, stream: IO[bytes], *, keep: int = 8192) -> None:
        self._data = bytearray()
        self._keep = keep
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes]) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := stream.read(65536):
                self._data += chunk
                del self._data[: -self._keep]

    def clear(self) -> None:
        """Forget what was written so far: what follows belongs to the next snippet."""
        self._data.clear()

    def join(self) -> None:
        """Wait (briefly) until the worker's end of the pipe is closed and everything is read."""
        self._thread.join(timeout=2)

    def last(self, lines: int = 5) -> str:
        """The last lines written, as a clause to append to an error; empty when there are none."""
        self.join()
        text = bytes(self._data).decode("utf-8", "backslashreplace")
        shown = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
        return f"; its last words on stderr: {' | '.join(shown)}" if shown else ""


# ---------------------------------------------------------------- the cache


class Cache:
    """Successful outcomes on disk as JSON, one file per key, written atomically.

    An entry is data: printed text, and each value as its dtype, shape and
    elements. Reading one never runs code, so a cache restored from elsewhere
    (a CI cache, a shared folder) is safe to use; an entry that is corrupt,
    of another format or filed under another key is a miss.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(request: Request) -> str:
        """The cache key: what decides a snippet's outcome, and nothing else.

        The code, its first line in the spec (line numbers of warnings and
        tracebacks), the names to send back and every version involved; not the
        spec's path, which differs between a relative and an absolute run, nor
        the rest of the spec, whose prose does not change what the code does.
        """
        parts = [
            str(CACHE_FORMAT),
            request.framework,
            _version(request.framework),
            np.__version__,
            sys.version,
            str(request.first_line),
            ",".join(request.names),
            request.code,
        ]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def path(self, key: str) -> Path:
        """The file of one entry."""
        return self.folder / f"{key}.json"

    def get(self, key: str) -> Outcome | None:
        """The stored outcome, or None when missing, unreadable or not one of ours."""
        try:
            entry = json.loads(self.path(key).read_bytes())
            if entry["format"] != CACHE_FORMAT or entry["key"] != key:
                return None
            stdout, duration, printed = entry["stdout"], entry["duration"], entry["printed"]
            if not isinstance(stdout, str) or not isinstance(duration, int | float) or not isinstance(printed, int):
                return None
            values = {name: decode_value(value) for name, value in dict(entry["values"]).items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None
        return Outcome(stdout, values, duration=float(duration), cached=True, printed=printed)

    def put(self, key: str, outcome: Outcome) -> bool:
        """Store an outcome; False when a value has no JSON form (the outcome is then not cached).

        A concurrent or interrupted write never leaves half a file.
        """
        try:
            values = {name: encode_value(value) for name, value in outcome.values.items()}
        except TypeError:
            return False
        entry = {
            "format": CACHE_FORMAT,
            "key": key,
            "stdout": outcome.stdout,
            "printed": outcome.printed,
            "duration": outcome.duration,
        }
        data = json.dumps({**entry, "values": values}).encode("ascii")
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            os.fchmod(fd, _plain_mode())  # mkstemp's 0600 would make the cache unreadable to a shared CI cache
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.path(key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return True

    def files(self) -> list[Path]:
        """Every entry on disk, with those of an earlier format (pickles, never read)."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.suffix in (".json", ".pickle") and p.is_file())

    def size(self) -> tuple[int, int]:
        """How many entries the cache holds and how many bytes they take."""
        files = self.files()
        return len(files), sum(_size(p) for p in files)

    def prune(self, *, keep: Set[str]) -> tuple[int, int]:
        """Remove every entry whose key is not in ``keep``; how many were removed and the bytes freed."""
        removed = freed = 0
        for path in self.files():
            if path.suffix == ".json" and path.stem in keep:
                continue
            size = _size(path)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed, freed = removed + 1, freed + size
        return removed, freed


def _plain_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file: 0666 less the umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def cache_keys(corpus: Corpus) -> set[str]:
    """The cache keys of every snippet of the corpus: what `Cache.prune` keeps."""
    return {Cache.key(r) for file, t, e in examples_of(corpus) for r in requests_of(file, t, e).values()}


_STORED_KINDS = "biufcU"
"""dtype kinds a cache entry holds: bool, integers, floats, complex numbers and text."""


def encode_value(value: Any) -> dict[str, Any]:
    """A compared value as JSON data: dtype, shape and elements (a list of values stays a list).

    NumPy has no bfloat16; an array of MindSpore's bfloat16 is stored as the
    float32 array it converts to exactly, with ``"from": "bfloat16"``.
    """
    if value is None:
        return {"none": True}
    if isinstance(value, list):
        return {"list": [encode_value(v) for v in value]}
    array = np.asarray(value)
    note: dict[str, str] = {}
    if array.dtype.name == "bfloat16":
        array, note = array.astype(np.float32), {"from": "bfloat16"}
    if array.dtype.kind not in _STORED_KINDS:
        raise TypeError(f"values of dtype {array.dtype} are not stored")
    flat = array.ravel().tolist()
    data = [[z.real, z.imag] for z in flat] if array.dtype.kind == "c" else flat
    return {"dtype": array.dtype.str, "shape": list(array.shape), "data": data, **note}


def decode_value(data: Any) -> Any:
    """The value `encode_value` stored; ValueError, TypeError or KeyError when it is not such data."""
    if data.get("none") is True:
        return None
    if "list" in data:
        return [decode_value(v) for v in data["list"]]
    dtype = np.dtype(data["dtype"])
    if dtype.kind not in _STORED_KINDS:
        raise ValueError(f"dtype {dtype} is not stored")
    shape = tuple(int(n) for n in data["shape"])
    elements = data["data"]
    if dtype.kind == "c":
        elements = [complex(re, im) for re, im in elements]
    return np.array(elements, dtype=dtype).reshape(shape)


# ---------------------------------------------------------------- running a corpus


def requests_of(
    file: SpecFile, target: int, example: int, *, max_output: int = DEFAULT_MAX_OUTPUT
) -> dict[Framework, Request]:
    """The two requests of one example, placed at its lines in the spec file.

    ``max_output`` applies where the example sets no ``max_output`` of its own.
    """
    item = file.spec.targets[target].examples[example]
    names = tuple(c.name for c in item.compare)
    return {
        side: Request(
            framework=side,
            code=getattr(item, side),
            filename=str(file.path),
            first_line=file.doc.first_code_line(("targets", target, "examples", example, side)),
            names=names,
            max_output=item.max_output if item.max_output is not None else max_output,
        )
        for side in FRAMEWORKS
    }


def run_request(request: Request, *, pool: WorkerPool, cache: Cache | None, refresh: bool) -> Outcome:
    """One snippet's outcome, from the cache unless ``refresh`` or a miss."""
    key = cache.key(request) if cache else ""
    if cache and not refresh:
        hit = cache.get(key)
        if hit is not None and hit.printed <= request.max_output:
            return hit
    outcome = pool.run(request)
    if cache and outcome.error is None:
        cache.put(key, outcome)
    return outcome


def examples_of(corpus: Corpus) -> Iterator[tuple[SpecFile, int, int]]:
    """Every (file, target index, example index) of the corpus, in order."""
    for file in corpus.files:
        for t, target in enumerate(file.spec.targets):
            for e in range(len(target.examples)):
                yield file, t, e


def run_corpus(
    corpus: Corpus,
    *,
    cache_dir: Path | None,
    refresh: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_output: int = DEFAULT_MAX_OUTPUT,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[ExampleKey, ExampleResult]:
    """Run every example of the corpus in both frameworks and compare the results.

    ``max_output`` limits what each snippet may print unless its example sets its own.
    """
    cache = Cache(cache_dir) if cache_dir else None
    todo = list(examples_of(corpus))
    results: dict[ExampleKey, ExampleResult] = {}
    with WorkerPool(timeout=timeout) as pool:
        for done, (file, t, e) in enumerate(todo, 1):
            outcomes = {
                side: run_request(request, pool=pool, cache=cache, refresh=refresh)
                for side, request in requests_of(file, t, e, max_output=max_output).items()
            }
            example = file.spec.targets[t].examples[e]
            problems: tuple[str, ...] = ()
            if all(o.error is None for o in outcomes.values()):
                problems = tuple(compare(example, outcomes["torch"].values, outcomes["mindspore"].values))
            key = ExampleKey(file.spec.torch.name, file.spec.targets[t].id, example.id)
            results[key] = ExampleResult(outcomes, problems)
            if progress:
                progress("examples", done, len(todo))
    return results


if __name__ == "__main__":
    # through the imported module, so what the worker pickles names generator.run, not __main__
    from generator import run

    run._worker(sys.argv[1], sys.argv[2])
