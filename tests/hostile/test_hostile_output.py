"""Nothing lost: the output folder cannot be a source folder, and symlinks out of content/ are not followed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.hostile.support import CASES, site_build, tree

GOOD = CASES / "accepted-bom-crlf"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with its own theme (so no test can come near the repository's theme) and a built site."""
    root = tmp_path / "project"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("expected.txt"))
    shutil.copytree(REPO / "themes" / "default", root / "themes" / "mine")
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + "theme: mine\ntheme_dir: overrides\n")
    (root / "overrides" / "templates").mkdir(parents=True)
    assert site_build(root).returncode == 0
    return root


@pytest.mark.parametrize("out", ["content", "content/papers", "themes/mine", "themes", "overrides", ".", "..",
                                 "/"])
def test_refuses_an_output_folder_that_is_or_holds_a_source(project: Path, out: str):
    before = tree(project.parent, skip=("project/.cache",))
    result = site_build(project, "--out", str(project / out) if out != "/" else "/")
    assert result.returncode == 1
    assert "refusing to" in result.stderr and "Traceback" not in result.stderr
    assert tree(project.parent, skip=("project/.cache",)) == before



@pytest.mark.parametrize("out", [".", ".."])
def test_a_folder_holding_the_project_is_refused_even_with_the_mark_of_a_built_site(project: Path, out: str):
    """A repository published from its root has a .nojekyll of its own: that makes it no site to replace."""
    (project / out / ".nojekyll").touch()
    before = tree(project.parent, skip=("project/.cache",))
    result = site_build(project, "--out", str(project / out))
    assert result.returncode == 1
    assert "refusing to write the site into" in result.stderr and "it would replace" in result.stderr
    assert tree(project.parent, skip=("project/.cache",)) == before


@pytest.mark.parametrize("out", ["content/site", "themes/mine/static/site", "overrides/site"])
def test_refuses_an_output_folder_inside_a_source(project: Path, out: str):
    result = site_build(project, "--out", str(project / out))
    assert result.returncode == 1 and "refusing to write the site into" in result.stderr
    assert not (project / out).exists()


def test_a_folder_that_is_not_a_site_is_never_replaced(project: Path):
    (project / "docs").mkdir()
    (project / "docs" / "keep.txt").write_text("mine")
    result = site_build(project, "--out", str(project / "docs"))
    assert result.returncode == 1 and "not a built site" in result.stderr
    assert (project / "docs" / "keep.txt").read_text() == "mine"
    (project / "notes.txt").write_text("a file, not a folder")
    result = site_build(project, "--out", str(project / "notes.txt"))
    assert result.returncode == 1 and (project / "notes.txt").read_text() == "a file, not a folder"
    assert result.stderr.splitlines()[0] == (f"{project / 'notes.txt'}: refusing to replace a file with the site: "
                                             "the output must be a folder (choose another --out folder)")
    config = (project / "site.yaml").read_bytes()
    result = site_build(project, "--out", str(project / "site.yaml"))
    assert result.returncode == 1 and "refusing to replace a file" in result.stderr  # not "a folder"
    assert (project / "site.yaml").read_bytes() == config


SECRET = '---\ntitle: "SECRET paper outside the content folder"\n---\nSECRET abstract.\n'


def built_text(site: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file()
                   and p.suffix in (".html", ".json", ".xml", ".bib"))


def test_symlinked_papers_outside_content_are_not_followed(project: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(SECRET)
    papers = project / "content" / "papers"
    (papers / "secret.md").symlink_to(outside / "secret.md")
    (papers / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (papers / "device.md").symlink_to("/dev/zero")
    (papers / "inside.md").symlink_to("good-paper.md")  # inside content/: an ordinary alias
    os.mkfifo(papers / "pipe.md")  # reading it would block forever
    result = site_build(project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"content/papers/{name}.md: warning: symlink leads outside the content folder; not followed"
        for name in ("dangling", "device")] + [
        "content/papers/inside.md:6: warning: same arXiv id '2401.00001' as content/papers/good-paper.md "
        "(merge the two files or remove one)",
        "content/papers/pipe.md: warning: not a regular file; ignored",
        "content/papers/secret.md: warning: symlink leads outside the content folder; not followed"]
    assert "SECRET" not in built_text(project / "_site")
    assert (project / "_site/papers/inside/index.html").is_file()


def test_a_symlinked_papers_folder_outside_content_is_not_followed(project: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    shutil.move(project / "content" / "papers", outside)
    (outside / "secret.md").write_text(SECRET)
    (project / "content" / "papers").symlink_to(outside)
    result = site_build(project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "content/papers: warning: symlink leads outside the content folder; not followed"]
    assert "SECRET" not in built_text(project / "_site")



def test_symlinks_that_lead_to_themselves_are_named_without_a_traceback(project: Path):
    (project / "content" / "papers" / "loop.md").symlink_to("loop.md")
    result = site_build(project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "content/papers/loop.md: warning: cannot read: Too many levels of symbolic links; ignored"]
    before = tree(project / "_site")
    (project / "content" / "tags.yaml").unlink()
    (project / "content" / "tags.yaml").symlink_to("tags.yaml")
    result = site_build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/tags.yaml: cannot read: Too many levels of symbolic links" in result.stderr.splitlines()
    assert tree(project / "_site") == before


@pytest.mark.parametrize("target", ["papers", "/nowhere/papers"])
def test_a_papers_folder_that_is_a_symlink_to_no_folder_fails_the_build(project: Path, target: str):
    """A link to a drive that is not mounted, or to itself: the build built an empty site over the last one."""
    before = tree(project / "_site")
    shutil.rmtree(project / "content" / "papers")
    (project / "content" / "papers").symlink_to(target)
    result = site_build(project)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0] == (
        "content/papers: symlink leads to no folder "
        "(a build would replace the site with an empty one: mend or remove the link)")
    assert tree(project / "_site") == before


def test_a_symlinked_tags_file_outside_content_is_not_followed(project: Path, tmp_path: Path):
    outside = tmp_path / "outside.yaml"
    shutil.move(project / "content" / "tags.yaml", outside)
    outside.write_text(outside.read_text().replace("name: Speech", "name: SECRET tag name"))
    (project / "content" / "tags.yaml").symlink_to(outside)
    result = site_build(project)
    assert "content/tags.yaml: warning: symlink leads outside the content folder; not followed" in result.stderr
    assert "SECRET" not in built_text(project / "_site")
