"""An aborted build keeps the old site: interrupted while writing, or killed outright."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_gen import config, output
from site_gen.build import build
from site_gen.cache import RELATED_FILE
from tests.conftest import REPO
from tests.hostile.support import CASES, site_build, tree


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(CASES / "accepted-bom-crlf", root, ignore=shutil.ignore_patterns("expected.txt"))
    for n in range(40):
        (root / "content/papers" / f"paper-{n}.md").write_text(
            f'---\ntitle: "Paper {n}"\ndate: 2024-01-{n % 28 + 1:02d}\ntags: [speech]\n---\nAbstract {n}.\n')
    assert site_build(root).returncode == 0
    return root


def interrupt_after(monkeypatch: pytest.MonkeyPatch, writes: int) -> None:
    """Ctrl-C after ``writes`` files have been written by any writer."""
    real = output.Writer.write
    count = {"n": 0}

    def write(self: output.Writer, item) -> None:  # type: ignore[no-untyped-def]
        count["n"] += 1
        if count["n"] > writes:
            raise KeyboardInterrupt
        real(self, item)

    monkeypatch.setattr(output.Writer, "write", write)


def test_a_full_build_interrupted_while_writing_keeps_the_old_site(project: Path, monkeypatch: pytest.MonkeyPatch):
    before = tree(project / "_site")
    (project / "content/papers/paper-1.md").write_text('---\ntitle: "Edited"\n---\nNew.\n')
    interrupt_after(monkeypatch, 5)
    with pytest.raises(KeyboardInterrupt):
        build(config.load(project), project / "_site", use_cache=False, jobs=1)
    assert tree(project / "_site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("_site")) == ["_site"]


def test_an_incremental_build_interrupted_while_writing_keeps_the_old_site(project: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    before = tree(project / "_site")
    (project / "content/papers/paper-1.md").write_text('---\ntitle: "Paper 1"\ndate: 2024-01-02\ntags: [speech]\n'
                                                        '---\nAn edited abstract.\n')
    interrupt_after(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        build(config.load(project), project / "_site", jobs=1)
    assert tree(project / "_site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("_site")) == ["_site"]  # no scratch folder
    assert list((project / ".cache").glob(".*.pending-*")) == []  # the cache stays that of the last build


def test_a_killed_build_keeps_the_old_site(project: Path):
    before = tree(project / "_site")
    for n in range(40, 400):
        (project / "content/papers" / f"paper-{n}.md").write_text(
            f'---\ntitle: "Paper {n}"\ntags: [speech]\n---\nAbstract {n}.\n')
    child = subprocess.Popen([sys.executable, "-m", "site_gen.cli", "build", "--root", str(project)], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        if any(p.name.startswith("_site.") for p in project.iterdir()):
            break
        time.sleep(0.005)
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=60)
    if child.returncode == 0:
        pytest.skip("the build finished before it could be killed")
    assert tree(project / "_site") == before
    assert site_build(project).returncode == 0
    assert (project / "_site/papers/paper-399/index.html").is_file()


def test_the_next_build_removes_what_a_killed_build_left(project: Path):
    stale = project / "_site.staging-999999"  # no process has this id
    (stale / "papers").mkdir(parents=True)
    (stale / "papers" / "half.html").write_text("<p>half")
    scratch = project / "_site.pending-999998"  # temporary files of a killed incremental build
    scratch.mkdir()
    (scratch / "0").write_text("<p>half")
    assert site_build(project).returncode == 0
    assert not stale.exists() and not scratch.exists()


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith("_site."))


def test_a_detached_removal_leaves_the_new_site_in_place_and_the_old_one_gone(project: Path,
                                                                            monkeypatch: pytest.MonkeyPatch):
    (project / "content/papers/paper-1.md").write_text('---\ntitle: "Edited"\n---\nNew.\n')
    (project / "shutil.py").write_text("raise SystemExit('a module of the project, not the library')\n")
    monkeypatch.chdir(project)  # the remover runs here, and must not import the project's files
    build(config.load(project), project / "_site", use_cache=False, jobs=1, detach=True)
    assert "New." in (project / "_site/papers/paper-1/index.html").read_text()
    assert wait_for(lambda: not leftovers(project)), leftovers(project)
    assert (project / "_site/papers/paper-1/index.html").is_file()


def test_the_detached_remover_is_collected_once_done(project: Path, monkeypatch: pytest.MonkeyPatch):
    """Not left a zombie ('[python] <defunct>') in a preview that stays open after a full build."""
    started: list[subprocess.Popen[bytes]] = []

    class Spied(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if "-I" in args[0]:  # the remover (finding libc runs ldconfig)
                started.append(self)

    monkeypatch.setattr(subprocess, "Popen", Spied)
    build(config.load(project), project / "_site", use_cache=False, jobs=1, detach=True)
    assert len(started) == 1
    assert wait_for(lambda: started[0].returncode is not None), "the remover was never waited for"


def test_a_build_leaves_alone_an_old_site_that_a_live_process_removes(project: Path):
    remover = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        old = project / f"_site.old-{remover.pid}"
        (old / "papers").mkdir(parents=True)
        assert site_build(project).returncode == 0
        assert old.is_dir()
    finally:
        remover.kill()
        remover.wait()
    assert site_build(project).returncode == 0
    assert wait_for(lambda: not old.exists())


def test_the_command_line_does_not_wait_for_the_old_site_to_be_removed(project: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    removed: list[tuple[Path, bool]] = []
    monkeypatch.setattr(output, "remove_tree", lambda folder, out, detach=False: removed.append((folder, detach)))
    from site_gen.cli import main

    shutil.rmtree(project / ".cache")  # a full build, over the site of the last one
    assert main(["build", "--root", str(project)]) == 0
    assert [detach for _, detach in removed] == [True]
    shutil.rmtree(removed[0][0])


def test_a_failed_build_removes_the_half_saved_cache_files_of_stopped_processes(project: Path):
    """A failed build stops its search worker, perhaps while the worker saves to the cache: the
    temporary file it was writing goes, as do those of builds killed while they saved. The cache
    is otherwise as the last build that succeeded left it."""
    cache = project / ".cache"
    kept = tree(cache)
    left = [cache / ".search-memo.pickle.999997.tmp",  # no process has these ids
            cache / f".{RELATED_FILE}.pending-999996.tmp.npz"]
    for path in left:
        path.write_bytes(b"half")
    (project / "content/papers/paper-1.md").write_text('---\ntitle: "Paper 1\n---\nA broken title.\n')
    assert site_build(project).returncode == 1
    assert tree(cache) == kept
