"""The pool the build shares between this process and forked workers: each task runs once, in
one process; this process takes its share instead of waiting; results come back in order."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from site_gen.parallel import Forked, map_chunks, run_tasks, run_tasks_while, tapered


def _mark(folder: Path, name: str, delay: float = 0.0) -> int:
    """Record that task ``name`` ran (once: a second run fails) and in which process."""
    time.sleep(delay)
    fd = os.open(folder / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    return os.getpid()


def _fail() -> None:
    raise RuntimeError("task failed")


def test_each_task_runs_once_and_this_process_takes_a_share(tmp_path: Path):
    tasks = [partial(_mark, tmp_path, "slow", 1.0)] + [partial(_mark, tmp_path, f"t{i}") for i in range(6)]
    with Forked(tasks, jobs=2) as work:
        time.sleep(0.2)  # this process's own work: meanwhile the worker starts on the first task
        pids = [work.result(i) for i in range(len(tasks))]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["slow", *(f"t{i}" for i in range(6))])
    assert pids[0] != os.getpid()  # the first task starts in the worker at once
    assert os.getpid() in pids[1:]  # while it runs, this process runs the others instead of waiting
    assert all(int((tmp_path / name).read_text()) == pid
               for name, pid in zip(["slow", *(f"t{i}" for i in range(6))], pids, strict=True))


def test_one_job_runs_each_task_here_when_asked(tmp_path: Path):
    tasks = [partial(_mark, tmp_path, "a"), partial(_mark, tmp_path, "b")]
    with Forked(tasks, jobs=1) as work:
        assert not any(tmp_path.iterdir())
        assert work.result(1) == os.getpid()
        assert [p.name for p in tmp_path.iterdir()] == ["b"]
        assert not work.started(0)


def test_a_task_nobody_started_is_claimed_for_nobody(tmp_path: Path):
    tasks = [partial(_mark, tmp_path, "slow", 0.5), partial(_mark, tmp_path, "never")]
    with Forked(tasks, jobs=2) as work:
        time.sleep(0.2)  # the worker is busy with the first task
        assert not work.started(1)
        assert work.started(0)
        work.result(0)
        time.sleep(0.3)  # the worker would have taken the second task by now
    assert [p.name for p in tmp_path.iterdir()] == ["slow"]


def test_take_forgets_the_result(tmp_path: Path):
    with Forked([partial(_mark, tmp_path, "a"), partial(_mark, tmp_path, "b")], jobs=2) as work:
        assert isinstance(work.take(1), int)
        with pytest.raises(ValueError, match="was taken"):
            work.result(1)
        assert work.started(1)
        assert 1 not in work.done


@pytest.mark.parametrize("failing", [0, 1])
def test_a_failure_reaches_the_caller_wherever_it_ran(tmp_path: Path, failing: int):
    tasks: list = [partial(_mark, tmp_path, "a", 0.3), partial(_mark, tmp_path, "b")]
    tasks[failing] = _fail
    with pytest.raises(RuntimeError, match="task failed"), Forked(tasks, jobs=2) as work:
        for index in range(len(tasks)):
            work.result(index)


def _end_worker() -> None:
    raise SystemExit(143)  # what a worker does at SIGTERM


def _replaced(pool: Any, old: int) -> Any:
    """The worker the pool started in place of the one with PID ``old``, once it has."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        workers = [p for p in pool._pool if p.pid != old]
        if workers:
            return workers[0]
        time.sleep(0.02)
    raise AssertionError("the pool started no worker in place of the one that ended")


def _exit_code(process: Any) -> int | None:
    """A pool worker's exit status once it has ended. The pool's own thread waits for its workers
    too: a ``join`` here whose wait loses that race returns before the status is set."""
    deadline = time.monotonic() + 10
    process.join(10)
    while process.exitcode is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return process.exitcode


def test_a_worker_that_starts_once_the_pool_is_stopping_ends_at_once():
    """The pool starts a worker in place of one that ended (as workers do when the process
    group gets SIGTERM). One that starts while the pool stops could miss the pool's own
    SIGTERM, and then wait for a task for ever: it ends by itself instead."""
    with Forked([_end_worker, os.getpid], jobs=2) as work:
        pool = work.pool
        assert work.result(1) == os.getpid()  # taken here, so that the worker started next has none
        second = _replaced(pool, pool._pool[0].pid)  # started before the pool was stopping
        time.sleep(0.5)
        assert second.exitcode is None  # waiting for a task
        work.stopping.value = 1  # what close() sets before it stops the pool
        os.kill(second.pid, signal.SIGTERM)
        assert _exit_code(second) == 128 + signal.SIGTERM
        third = _replaced(pool, second.pid)
        assert _exit_code(third) == 0


def test_run_tasks_keeps_the_order_of_the_tasks():
    assert run_tasks([partial(pow, 2, n) for n in range(20)], jobs=2) == [2**n for n in range(20)]
    assert run_tasks_while([partial(pow, 3, n) for n in range(5)], lambda: "meanwhile", jobs=2) == (
        [3**n for n in range(5)], "meanwhile")
    assert map_chunks(sum, list(range(3000)), jobs=2) and sum(map_chunks(sum, list(range(3000)), jobs=2)) == sum(
        range(3000))


def test_tapered_chunks_shrink_to_the_smallest_and_keep_every_item_in_order():
    items = list(range(13_503))
    chunks = tapered(items, jobs=2, smallest=50)
    assert [i for chunk in chunks for i in chunk] == items
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[0] == len(items) // 4  # a quarter of the work left for each of two processes
    assert sizes == sorted(sizes, reverse=True) and len(sizes) < 25
    assert max(sizes[-3:]) == 50  # the last chunks: small, so the processes finish together
    assert tapered([], jobs=2) == [] and tapered([1, 2, 3], jobs=4) == [[1], [2], [3]]


def _large(size: int) -> tuple[int, bytes]:
    return os.getpid(), os.urandom(size)


def test_a_large_result_comes_back_through_a_file_that_is_then_removed():
    import site_gen.parallel as parallel

    sizes = [parallel.SPILL_BYTES * 3, 100]
    with Forked([partial(_large, size) for size in sizes], jobs=2) as work:
        spill = Path(work.spill.name)
        spilled = work.pending[0].get()  # what the worker sent for the first task: a file's name
        assert Path(spilled.path).parent == spill and not spilled.data
        pid, data = spilled.load()
        assert pid != os.getpid() and len(data) == sizes[0]
        assert list(spill.iterdir()) == []  # read once, then gone
        assert len(work.result(1)[1]) == 100
    assert not spill.exists()


def test_a_large_result_goes_through_the_pipe_when_no_file_can_hold_it(tmp_path: Path, monkeypatch):
    import site_gen.parallel as parallel

    monkeypatch.setattr(parallel, "_SPILL_DIR", str(tmp_path / "missing"))  # as if /dev/shm were full
    data = os.urandom(parallel.SPILL_BYTES * 2)
    spilled = parallel._Spilled(pickle.dumps(data))
    assert not spilled.path and spilled.load() == data


def test_the_result_folders_of_killed_builds_are_removed():
    import subprocess

    import site_gen.parallel as parallel

    dead = subprocess.Popen(["true"])  # a process that has exited: its PID names no build
    dead.wait()
    parent = Path(parallel._spill_parent())
    left = parent / f"{parallel.SPILL_PREFIX}{dead.pid}-abc"
    mine = parent / f"{parallel.SPILL_PREFIX}{os.getpid()}-abc"
    for folder in (left, mine):
        folder.mkdir()
        (folder / "result-1").write_bytes(b"x")
    try:
        parallel._spill_parent()
        assert not left.exists() and mine.exists()
    finally:
        import shutil

        shutil.rmtree(left, ignore_errors=True)
        shutil.rmtree(mine, ignore_errors=True)


def _python(code: str, env: dict[str, str]) -> str:
    """What a fresh Python that ran ``code`` printed."""
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_the_generator_starts_no_blas_threads():
    """numpy's OpenBLAS would start a thread per core, spinning at import; site-gen asks for none."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    threads = "import site_gen.cli, site_gen.related, os; print(len(os.listdir('/proc/self/task')))"
    assert _python(threads, env).strip() == "1"
    env["OPENBLAS_NUM_THREADS"] = "2"  # the user's own setting is kept
    assert _python("import site_gen, os; print(os.environ['OPENBLAS_NUM_THREADS'])", env).strip() == "2"
