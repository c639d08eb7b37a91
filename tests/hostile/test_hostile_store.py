"""Nothing lost: imports and tagging never damage a page a person edited, and a crash leaves no half file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from site_gen import store
from site_gen.content import load_papers, parse_paper
from site_gen.errors import ImportFailed
from site_gen.model import PaperDraft
from site_gen.store import Catalogue, set_tags, upsert
from tests.conftest import REPO


def no_tags(title: str, abstract: str) -> tuple[str, ...]:
    return ()


def draft(title: str = "A paper", abstract: str = "An abstract.", **kw: object) -> PaperDraft:
    return PaperDraft(title=title, abstract=abstract, date="2025-03-11", source="daily", **kw)  # type: ignore[arg-type]


def papers_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir(exist_ok=True)
    return folder


def test_merge_into_a_file_closed_by_dots_keeps_the_body(tmp_path: Path):
    path = papers_dir(tmp_path) / "a-paper.md"
    path.write_text("---\ntitle: A paper\n...\nMy notes.\n\n---\n\nMore notes.\n")
    report = upsert(Catalogue(tmp_path), [draft(arxiv="2401.00001")], no_tags)
    assert report.merged == ["a-paper"]
    assert path.read_text() == ('---\ntitle: A paper\ndate: 2025-03-11\narxiv: "2401.00001"\nsource: daily\n'
                                "...\nMy notes.\n\n---\n\nMore notes.\n")


def test_merge_that_cannot_append_leaves_the_file_and_says_so(tmp_path: Path):
    path = papers_dir(tmp_path) / "a-paper.md"
    path.write_text("---\n{title: A paper}\n---\nMine.\n")
    report = upsert(Catalogue(tmp_path), [draft(arxiv="2401.00001")], no_tags)
    assert report.kept == ["a-paper"] and report.merged == []
    assert [str(d) for d in report.diagnostics] == [
        f"{path}:1: warning: cannot add date, arxiv, source without rewriting the front matter; the file is left "
        "unchanged (add them by hand, or import with --force)"]
    assert path.read_text() == "---\n{title: A paper}\n---\nMine.\n"


@pytest.mark.parametrize("front", [
    "tags:\n  - speech\n  - moe\n",
    "tags:\n- speech\n- moe\n",
    "tags:\n    - speech\n\n    - moe\n",
    "tags: [speech,\n  moe]\n",
    "tags: []\n",
    "",
])
def test_set_tags_replaces_the_whole_tags_value(tmp_path: Path, front: str):
    path = tmp_path / "p.md"
    path.write_text(f'---\ntitle: "T"  # mine\n{front}date: 2025-01-02\n---\nBody\n')
    set_tags(path, ["speech", "asr"])
    paper, problems = parse_paper(path.read_bytes(), "p.md", "p")
    assert problems == [] and paper is not None
    assert paper.tags == ("speech", "asr") and paper.date == "2025-01-02"
    assert '# mine' in path.read_text()


def test_set_tags_refuses_what_it_cannot_edit_in_place(tmp_path: Path):
    path = tmp_path / "p.md"
    path.write_text("---\n{title: T, tags: [x]}\n---\nBody\n")
    with pytest.raises(ImportFailed, match="the file is left unchanged"):
        set_tags(path, ["speech"])
    assert path.read_text() == "---\n{title: T, tags: [x]}\n---\nBody\n"


class Crash(Exception):
    pass


def test_a_crash_while_creating_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def crash(fd: int) -> None:
        raise Crash

    monkeypatch.setattr(store.os, "fsync", crash)
    with pytest.raises(Crash):
        upsert(Catalogue(tmp_path), [draft(abstract="x" * 100_000)], no_tags)
    assert list(papers_dir(tmp_path).iterdir()) == []


def test_a_crash_while_merging_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = papers_dir(tmp_path) / "a-paper.md"
    path.write_text("---\ntitle: A paper\n---\nEdited.\n")

    def crash(src: str, dst: str) -> None:
        raise Crash

    monkeypatch.setattr(store.os, "replace", crash)
    with pytest.raises(Crash):
        upsert(Catalogue(tmp_path), [draft(arxiv="2401.00001")], no_tags)
    assert [p.name for p in papers_dir(tmp_path).iterdir()] == ["a-paper.md"]
    assert path.read_text() == "---\ntitle: A paper\n---\nEdited.\n"


KILLED_IMPORT = """
import os, signal, sys
from pathlib import Path
from site_gen import store
from site_gen.model import PaperDraft

class Half:
    def __init__(self, fh):
        self.fh = fh
    def __getattr__(self, name):
        return getattr(self.fh, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.fh.close()
    def write(self, text):
        self.fh.write(text[: len(text) // 2])
        self.fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)

real_fdopen = os.fdopen
store.os.fdopen = lambda *a, **kw: Half(real_fdopen(*a, **kw))
root = Path(sys.argv[1])
store.upsert(store.Catalogue(root), [PaperDraft(title="A paper", abstract="x" * 10000)], lambda t, a: ())
"""


def test_a_killed_import_leaves_only_a_hidden_temporary_file(tmp_path: Path):
    folder = papers_dir(tmp_path)
    (folder / "edited.md").write_text("---\ntitle: Edited\n---\nMine.\n")
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLED_IMPORT), str(tmp_path)], cwd=REPO,
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and names[0].startswith(".a-paper.md.") and names[1] == "edited.md"
    assert not (folder / "a-paper.md").exists()
    loaded = load_papers(tmp_path, tmp_path)
    assert [p.slug for p in loaded.papers] == ["edited"] and loaded.diagnostics == []
    report = upsert(Catalogue(tmp_path), [draft()], no_tags)
    assert report.created == ["a-paper"]
    assert os.path.getsize(folder / "a-paper.md") > 0
