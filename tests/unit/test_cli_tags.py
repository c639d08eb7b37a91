"""``site-gen tags``: what it tags and what it says; and how the other commands count papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_gen import store
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


def test_a_paper_whose_front_matter_cannot_be_edited_is_reported_and_the_others_are_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path / "site", 3, 0)
    flow = root / "content" / "papers" / "speech-1.md"
    flow.write_text('---\n{title: "Speech paper 1"}\n---\nAbout speech.\n', encoding="utf-8")
    assert main(["tags", "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == ["content/papers/speech-0.md: tags speech", "content/papers/speech-2.md: tags speech",
                                "2 papers tagged; 1 could not be"]
    assert err.splitlines() == ["content/papers/speech-1.md:1: cannot set the tags without rewriting the front "
                                "matter; the file is left unchanged (edit its tags by hand)"]
    assert flow.read_text(encoding="utf-8") == '---\n{title: "Speech paper 1"}\n---\nAbout speech.\n'
    for name in ("speech-0.md", "speech-2.md"):
        assert "tags: [speech]" in (root / "content" / "papers" / name).read_text(encoding="utf-8")


def test_a_paper_that_cannot_be_written_is_reported_and_the_others_are_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = _site(tmp_path / "site", 3, 1)
    write = store.atomic_write

    def refuse_the_last(path: Path, text: str, *, overwrite: bool) -> bool:
        if path.name == "speech-2.md":
            raise PermissionError(13, "Permission denied")
        return write(path, text, overwrite=overwrite)

    monkeypatch.setattr(store, "atomic_write", refuse_the_last)
    assert main(["tags", "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "2 papers tagged; 1 could not be; 1 still has no tags"
    assert err.splitlines() == ["content/papers/speech-2.md: cannot set the tags: Permission denied; "
                                "the file is left unchanged"]
    assert "nothing was written" not in err
    assert "tags:" not in (root / "content" / "papers" / "speech-2.md").read_text(encoding="utf-8")
    assert "tags: [speech]" in (root / "content" / "papers" / "speech-1.md").read_text(encoding="utf-8")


def test_check_and_build_count_one_paper_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path / "site", 1, 0)
    assert main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith("1 paper, ")
    assert main(["build", "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith("Built 1 paper into ")


def test_tag_applies_only_the_rules_of_the_tags_it_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A tag just added to tags.yaml, given to the papers already there, and no other tag: the
    tags someone took off a paper by hand stay off."""
    root = make_site(tmp_path / "site", {
        "both.md": paper_text("Speech with a mixture of experts", "About speech and MoE.", tags="[speech]"),
        "untagged.md": paper_text("Mixture of experts", "About MoE and speech."),
    })
    papers = root / "content" / "papers"
    assert main(["tags", "--all", "--tag", "moe", "--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines() == ["content/papers/both.md: tags speech, moe",
                                                    "content/papers/untagged.md: tags moe", "2 papers tagged"]
    assert "tags: [moe]\n" in (papers / "untagged.md").read_text(encoding="utf-8")


def test_tag_that_names_no_tag_is_an_error_and_tags_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path / "site", 1, 0)
    before = (root / "content" / "papers" / "speech-0.md").read_bytes()
    assert main(["tags", "--tag", "speech", "--tag", "mo", "--root", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "--tag: no tag 'mo' in content/tags.yaml (did you mean 'moe'?)",
        "site-gen tags: 1 problem; nothing was written"]
    assert (root / "content" / "papers" / "speech-0.md").read_bytes() == before
    assert main(["tags", "--tag", "robotics", "--root", str(root)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "--tag: no tag 'robotics' in content/tags.yaml (known tags: moe, speech)")
