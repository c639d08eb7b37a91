"""Run one build as a child process and measure it: wall, CPU, peak memory, output size.

CPU time and `peak_rss_mib` come from the child's `rusage` (`os.wait4`): on Linux they
include every descendant the child waited for, and `ru_maxrss` is the largest single
process. A build that renders in worker processes holds memory in several processes at
once, so a sampler also records the peak of the summed PSS (proportional set size: shared
pages split between the processes that share them) of the whole process tree.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_INTERVAL_S = 0.1


@dataclass(frozen=True, slots=True)
class Run:
    """One measured child process."""

    wall_s: float
    cpu_s: float  # user + system
    user_s: float
    sys_s: float
    peak_rss_mib: float  # ru_maxrss: the largest single process of the tree
    tree_pss_mib: float  # sampled peak of the summed PSS of the tree (0 when not available)
    status: int  # exit code, or -signal
    output: str  # the tail of stdout and stderr, for the report when a build fails


@dataclass(frozen=True, slots=True)
class OutputStats:
    files: int
    bytes: int
    html_pages: int


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(name))
    return children


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as file:
            for line in file:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_kib(root: int) -> int:
    """The summed PSS of `root` and all its descendants, now."""
    children = _children_map()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kib(pid)
        todo.extend(children.get(pid, ()))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_INTERVAL_S):
            self.peak_kib = max(self.peak_kib, tree_pss_kib(self.pid))


def _tail(path: Path, limit: int = 4000) -> str:
    data = path.read_bytes()
    return data[-limit:].decode("utf-8", "replace")


def run(
    command: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 3600.0,
) -> Run:
    """Run `command` to completion (killing its process group after `timeout_s`)."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        log = Path(tmp) / "output.txt"
        with open(log, "wb") as sink:
            started = time.perf_counter()
            child = subprocess.Popen(
                list(command),
                cwd=cwd,
                env=None if env is None else dict(env),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            sampler = _Sampler(child.pid)
            sampler.start()
            killer = threading.Timer(timeout_s, os.killpg, (child.pid, signal.SIGKILL))
            killer.start()
            _, wait_status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
            killer.cancel()
            sampler.done.set()
            sampler.join()
        child.returncode = os.waitstatus_to_exitcode(wait_status)
        return Run(
            wall_s=wall,
            cpu_s=usage.ru_utime + usage.ru_stime,
            user_s=usage.ru_utime,
            sys_s=usage.ru_stime,
            peak_rss_mib=usage.ru_maxrss / 1024,
            tree_pss_mib=sampler.peak_kib / 1024,
            status=child.returncode,
            output=_tail(log),
        )


def settle(max_load: float | None, limit_s: float = 300.0) -> float:
    """Wait until the 1-minute load average is below `max_load` (at most `limit_s`).

    Returns the load average when the wait ended. On a shared machine other work dilates
    wall times, and more for a single-threaded program than for a many-threaded one.
    """
    deadline = time.monotonic() + limit_s
    while max_load is not None and os.getloadavg()[0] >= max_load:
        if time.monotonic() >= deadline:
            break
        time.sleep(5)
    return os.getloadavg()[0]


def output_stats(folder: Path) -> OutputStats:
    """Files, bytes and HTML pages under `folder`."""
    files = size = pages = 0
    todo = [folder]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files += 1
                    size += entry.stat(follow_symlinks=False).st_size
                    pages += entry.name.endswith(".html")
    return OutputStats(files=files, bytes=size, html_pages=pages)
