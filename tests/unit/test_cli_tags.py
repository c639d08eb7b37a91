"""``site-gen tags``: what it tags and what it says; and how the other commands count papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_gen.cli import main
from tests.conftest import make_site, paper_text


def _site(root: Path, speech: int, other: int) -> Path:
    papers = {f"speech-{i}.md": paper_text(f"Speech paper {i}", "About speech.") for i in range(speech)}
    papers |= {f"other-{i}.md": paper_text(f"Other paper {i}", "About nothing.") for i in range(other)}
    return make_site(root, papers)


@pytest.mark.parametrize(("speech", "other", "summary"), [
    (1, 0, "1 paper tagged"),
    (2, 1, "2 papers tagged; 1 still has no tags"),
    (0, 2, "0 papers tagged; 2 still have no tags"),
])
def test_the_summary_counts_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str], speech: int, other: int,
                                     summary: str) -> None:
    root = _site(tmp_path / "site", speech, other)
    assert main(["tags", "--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == summary


@pytest.mark.parametrize(("speech", "other", "summary"), [
    (1, 0, "Dry run: would tag 1 paper"),
    (2, 1, "Dry run: would tag 2 papers; 1 would still have no tags"),
])
def test_a_dry_run_says_what_it_would_do_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             speech: int, other: int, summary: str) -> None:
    root = _site(tmp_path / "site", speech, other)
    before = {path: path.read_bytes() for path in (root / "content" / "papers").iterdir()}
    assert main(["tags", "--dry-run", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == summary
    assert out[0] == "content/papers/speech-0.md: tags speech"
    assert {path: path.read_bytes() for path in before} == before


def test_with_all_the_papers_left_without_tags_are_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path / "site", 0, 1)
    for i in range(2):
        (root / "content" / "papers" / f"tagged-{i}.md").write_text(
            paper_text(f"Tagged paper {i}", "About speech.", tags="[moe]"), encoding="utf-8")
    assert main(["tags", "--all", "--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 papers tagged; 1 still has no tags"


def test_check_and_build_count_one_paper_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path / "site", 1, 0)
    assert main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith("1 paper, ")
    assert main(["build", "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith("Built 1 paper into ")
