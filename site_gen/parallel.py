"""Use the cores: share tasks between this process and forked workers.

Forked workers inherit the parent's memory (the loaded site, the templates), so only task
numbers and results cross process boundaries; this process runs its share of the tasks itself,
so no more processes are busy than there are jobs. Small inputs run in-process.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import multiprocessing.pool
import os
import pickle
import shutil
import signal
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from types import FrameType
from typing import Any, TypeVar

from .output import process_alive

T = TypeVar("T")
R = TypeVar("R")

_TASKS: Sequence[Callable[[], Any]] = ()


def jobs_default() -> int:
    env = os.environ.get("SITE_GEN_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc
        return None


def trim_memory() -> None:
    """Give the C heap's free memory back to the system. glibc keeps what numpy's medium-sized
    arrays and Python's freed objects leave behind (100 MB after the related papers of 50,000),
    and forked workers would share, then copy, what this process holds."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _fork_pool(jobs: int, stopping: Any) -> multiprocessing.pool.Pool:
    """Workers forked from this process. Objects that exist now are moved out of the garbage
    collector's reach first: its passes would write to every one of them and so copy, in each
    worker, memory the workers could otherwise share with this process. ``gc.unfreeze()`` once
    the workers are gone, or a long-lived process (the preview) would never collect them.
    ``stopping``: a shared flag, set before the pool is stopped (see ``_worker_signals``)."""
    trim_memory()
    gc.freeze()
    return multiprocessing.get_context("fork").Pool(jobs, _worker_signals, (stopping,))


def _worker_signals(stopping: Any) -> None:
    """A worker leaves Ctrl-C to its parent, and ends at SIGTERM (the pool stopping it, or a
    signal to the whole process group, as ``timeout`` or a service manager sends) by an exception,
    which lets go of the pool's task queue on the way out. A worker killed outright while it
    waits for a task keeps the queue's lock, and the parent's ``Pool.terminate()`` waits for that
    lock for ever.

    The pool starts a worker in place of one that ended, as one does when the process group
    gets SIGTERM. The pool's own SIGTERM may reach the new worker before it can take it (while
    Python starts in it after the fork, the signal is dropped); the worker would then wait for a
    task for ever, and the pool for the worker. So a worker that starts once the pool is
    ``stopping`` ends at once: the flag is set before the pool sends its signals, and read after
    the handler is in place, so either the handler takes the signal or the flag is seen."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_at_signal)
    if stopping.value:
        raise SystemExit(0)


def _exit_at_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


_SKIPPED = "site-gen: claimed by another process"  # what a worker returns for a task another process ran
SPILL_BYTES = 1 << 20  # a larger result comes back through a file
SPILL_PREFIX = "site-gen-results-"  # then the PID of the building process
_SPILL_DIR = ""


class _Spilled:
    """A worker's result, pickled; in a file (``path``) when large. The pool's pipe would bring a
    large one to this process 64 KiB at a time, each piece waiting for the GIL (some milliseconds
    while this process works), and the worker would wait meanwhile: a second to bring back 20 MB."""

    def __init__(self, data: bytes) -> None:
        self.data, self.path = data, ""
        if len(data) > SPILL_BYTES:
            try:
                descriptor, path = tempfile.mkstemp(dir=_SPILL_DIR or None, prefix="result-")
            except OSError:
                return  # through the pipe after all
            try:
                with open(descriptor, "wb") as fh:
                    fh.write(data)
            except OSError:  # a full /dev/shm (a container's is 64 MB): through the pipe after all
                os.unlink(path)
                return
            self.data, self.path = b"", path

    def load(self) -> Any:
        if not self.path:
            return pickle.loads(self.data)
        try:
            with open(self.path, "rb") as fh:
                return pickle.load(fh)
        finally:
            os.unlink(self.path)


def _call(index: int) -> Any:
    if not _CLAIM(index):
        return _SKIPPED
    return _Spilled(pickle.dumps(_TASKS[index](), protocol=pickle.HIGHEST_PROTOCOL))


def _claim_all(index: int) -> bool:
    return True


_CLAIM: Callable[[int], bool] = _claim_all


def run_tasks(tasks: Sequence[Callable[[], R]], jobs: int | None = None) -> list[R]:
    """The results of ``tasks`` in order; the first tasks start first, so put long ones there."""
    if len(tasks) < 2:
        return [task() for task in tasks]
    return run_tasks_while(tasks, lambda: None, jobs)[0]


def run_tasks_while(tasks: Sequence[Callable[[], R]], meanwhile: Callable[[], T],
                    jobs: int | None = None) -> tuple[list[R], T]:
    """``run_tasks``, with ``meanwhile()`` running in this process while the workers work."""
    with Forked(tasks, jobs) as work:
        other = meanwhile()
        return [work.result(index) for index in range(len(tasks))], other


class Forked:
    """``tasks`` shared between this process and ``jobs - 1`` forked workers, their results taken
    one by one, each when needed: ``with Forked(tasks, jobs) as work: first = work.result(0)``.

    The workers start on the first tasks at once; this process goes on with its own work and
    takes its share when it asks for a result: while the task it needs runs in a worker, it runs
    the next task nobody has started (each task runs once: a task is claimed in shared memory
    before it starts). So no more processes are busy than there are jobs, and the results of the
    tasks run here need no pickling. Leaving the block stops the workers. With one job, every
    task runs here."""

    def __init__(self, tasks: Sequence[Callable[[], Any]], jobs: int | None = None) -> None:
        global _TASKS, _CLAIM, _SPILL_DIR
        jobs = min(jobs or jobs_default(), len(tasks))
        self.tasks = tasks
        self.pool = None
        self.pending: list[Any] = []
        self.done: dict[int, Any] = {}
        self.taken: set[int] = set()
        self.claims: Any = None
        if jobs >= 2 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.claims = context.RawArray("b", len(tasks))
            self.lock = context.Lock()
            self.spill = tempfile.TemporaryDirectory(prefix=f"{SPILL_PREFIX}{os.getpid()}-", dir=_spill_parent())
            _TASKS, _CLAIM, _SPILL_DIR = tasks, self._claim, self.spill.name
            self.stopping = context.RawValue("b", 0)
            self.pool = _fork_pool(jobs - 1, self.stopping)
            self.pending = [self.pool.apply_async(_call, (i,)) for i in range(len(tasks))]

    def _claim(self, index: int) -> bool:
        """Whether the calling process may run task ``index``: no process has claimed it before."""
        with self.lock:
            if self.claims[index]:
                return False
            self.claims[index] = 1
            return True

    def result(self, index: int) -> Any:
        if index in self.taken:
            raise ValueError(f"the result of task {index} was taken")
        if index not in self.done:
            if self.pool is None:
                self.done[index] = self.tasks[index]()
            elif self._claim(index):
                self.done[index] = self.tasks[index]()
            else:
                self._help_until(index)
                self.done[index] = self.pending[index].get().load()
        return self.done[index]

    def _help_until(self, index: int) -> None:
        """Run unclaimed tasks here until task ``index`` (which a worker runs) is done."""
        for other in range(index + 1, len(self.tasks)):
            if self.pending[index].ready():
                return
            if other not in self.done and self._claim(other):
                self.done[other] = self.tasks[other]()

    def running(self, index: int) -> bool:
        """Whether a worker is running task ``index`` now."""
        return (self.pool is not None and index not in self.done and index not in self.taken
                and bool(self.claims[index]) and not self.pending[index].ready())

    def started(self, index: int) -> bool:
        """Whether task ``index`` has started (or is done). One that has not, while the workers
        run, never will: it is claimed for nobody."""
        if index in self.done or index in self.taken:
            return True
        return self.pool is not None and not self._claim(index)

    def take(self, index: int) -> Any:
        """``result(index)``, which this pool then forgets: for a large result used once."""
        value = self.result(index)
        del self.done[index]
        self.taken.add(index)
        if self.pool:
            self.pending[index] = None  # the pool's handle keeps the value too
        return value

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (results already taken stay available)."""
        global _TASKS, _CLAIM
        if self.pool:
            self.stopping.value = 1
            self.pool.terminate()
            self.pool.join()
            self.pool = None
            self.spill.cleanup()  # results never taken
            _TASKS, _CLAIM = (), _claim_all
            gc.unfreeze()


def _spill_parent() -> str:
    """Memory-backed /dev/shm where there is one, else the system's temporary folder; the
    folders that builds killed before they could clean up left there are removed first."""
    parent = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
    with contextlib.suppress(OSError), os.scandir(parent) as entries:
        for entry in entries:
            pid = entry.name[len(SPILL_PREFIX):].partition("-")[0]
            if entry.name.startswith(SPILL_PREFIX) and pid.isdigit() and not process_alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)
    return parent


def tapered(items: Sequence[T], jobs: int, smallest: int = 1) -> list[Sequence[T]]:
    """Chunks that shrink as the work runs out (guided scheduling): each holds ``1 / (2 * jobs)`` of
    the items left, and at least ``smallest``, so that the processes taking them in turn finish
    within a small chunk of each other, with few chunks to hand out."""
    chunks, start = [], 0
    while start < len(items):
        size = max(smallest, (len(items) - start) // (2 * max(1, jobs)))
        chunks.append(items[start : start + size])
        start += size
    return chunks


def map_chunks(fn: Callable[[Sequence[T]], R], items: Sequence[T], jobs: int | None = None,
               min_parallel: int = 1500) -> list[R]:
    """``[fn(chunk) for chunk in chunks(items)]`` in order, spread over ``jobs`` processes."""
    jobs = jobs or jobs_default()
    if jobs < 2 or len(items) < min_parallel:
        return [fn(items)] if items else []
    return run_tasks([partial(fn, c) for c in tapered(items, jobs, len(items) // (jobs * 32) + 1)], jobs)
