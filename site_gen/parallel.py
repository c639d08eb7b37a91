"""Use the cores: run tasks in forked worker processes.

Forked workers inherit the parent's memory (the loaded site, the templates), so only task
numbers and results cross process boundaries. Small inputs run in-process.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_TASKS: Sequence[Callable[[], Any]] = ()


def jobs_default() -> int:
    env = os.environ.get("SITE_GEN_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _fork_pool(jobs: int) -> multiprocessing.pool.Pool:
    """Workers forked from this process. Objects that exist now are moved out of the garbage
    collector's reach first: its passes would write to every one of them and so copy, in each
    worker, memory the workers could otherwise share with this process. ``gc.unfreeze()`` once
    the workers are gone, or a long-lived process (the preview) would never collect them."""
    gc.freeze()
    ignore_sigint = (signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    return multiprocessing.get_context("fork").Pool(jobs, signal.signal, ignore_sigint)


def _call(index: int) -> Any:
    return _TASKS[index]()


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
    """``tasks`` started in forked workers, their results taken one by one, each when needed:
    ``with Forked(tasks, jobs) as work: first = work.result(0)``. Leaving the block stops the
    workers. With one job, each task runs here when its result is asked for."""

    def __init__(self, tasks: Sequence[Callable[[], Any]], jobs: int | None = None) -> None:
        global _TASKS
        jobs = min(jobs or jobs_default(), len(tasks))
        self.tasks = tasks
        self.pool = None
        self.pending: list[Any] = []
        self.done: dict[int, Any] = {}
        if jobs >= 2 and "fork" in multiprocessing.get_all_start_methods():
            _TASKS = tasks
            self.pool = _fork_pool(jobs)
            self.pending = [self.pool.apply_async(_call, (i,)) for i in range(len(tasks))]

    def result(self, index: int) -> Any:
        if index not in self.done:
            self.done[index] = self.pending[index].get() if self.pool else self.tasks[index]()
        return self.done[index]

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (results already taken stay available)."""
        global _TASKS
        if self.pool:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
            _TASKS = ()
            gc.unfreeze()


def chunked(items: Sequence[T], pieces: int) -> list[Sequence[T]]:
    size = max(1, -(-len(items) // max(1, pieces)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def map_chunks(fn: Callable[[Sequence[T]], R], items: Sequence[T], jobs: int | None = None,
               min_parallel: int = 1500) -> list[R]:
    """``[fn(chunk) for chunk in chunks(items)]`` in order, spread over ``jobs`` processes."""
    jobs = jobs or jobs_default()
    if jobs < 2 or len(items) < min_parallel:
        return [fn(items)] if items else []
    return run_tasks([partial(fn, c) for c in chunked(items, jobs * 4)], jobs)
