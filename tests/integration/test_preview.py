"""The preview shows an edit of a paper at once: the pages it changes, from the last build's state."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from site_gen import config
from site_gen.build import build, load_site
from site_gen.preview import compile_templates, show_edit
from site_gen.site import listings
from site_gen.themes import Environment, Theme
from tests.conftest import make_site, paper_text
from tests.sitecheck import snapshot


def catalogue(root: Path) -> Path:
    papers = {f"paper-{i:02d}.md": paper_text(f"Paper {i} on {'speech' if i % 2 else 'experts'}",
                                              f"Abstract {i} about mixture of experts and speech {i % 3}.",
                                              date=f"2025-01-{i % 28 + 1:02d}", tags="[speech]" if i % 2 else "[moe]")
              for i in range(40)}
    return make_site(root, papers)


def test_an_edited_title_shows_on_its_page_listings_and_related_lists(tmp_path: Path):
    root = catalogue(tmp_path / "s")
    report = build(config.load(root), root / "_site")
    assert report.warm is not None
    path = root / "content/papers/paper-03.md"
    path.write_text(path.read_text().replace("Paper 3 on speech", "A retitled paper"))
    shown = show_edit(report.warm, root / "_site", [path])
    assert shown is not None
    pages, _ = shown
    assert "A retitled paper" in (root / "_site/papers/paper-03/index.html").read_text()
    listing = [p for p in (root / "_site/tags/speech").rglob("index.html") if "/papers/paper-03/" in p.read_text()]
    assert len(listing) == 1 and "A retitled paper" in listing[0].read_text()
    showing = [p for p in (root / "_site/papers").glob("*/index.html")
               if p.parent.name != "paper-03" and "/papers/paper-03/" in p.read_text()]
    assert showing and all("A retitled paper" in p.read_text() for p in showing)
    assert pages < report.pages // 3  # not the whole site
    # the build that follows gives exactly the site a full build gives
    build(config.load(root), root / "_site")
    fresh = tmp_path / "full"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
    build(config.load(fresh), fresh / "_site", use_cache=False)
    assert snapshot(root / "_site") == snapshot(fresh / "_site")


def test_an_edit_shown_then_undone_after_its_build_failed_leaves_no_page_behind(tmp_path: Path):
    """The preview shows an edit at once; its build fails (here on another file); the edit is
    undone, so that every page's key is the last good build's again: the pages the preview wrote
    are written again all the same."""
    from site_gen.errors import BuildFailed

    root = catalogue(tmp_path / "s")
    report = build(config.load(root), root / "_site")
    assert report.warm is not None
    path, other = root / "content/papers/paper-03.md", root / "content/papers/paper-10.md"
    original, other_original = path.read_text(), other.read_text()
    path.write_text(original.replace("Paper 3 on speech", "A retitled paper"))
    assert show_edit(report.warm, root / "_site", [path]) is not None
    other.write_text(other_original.replace("title:", "title: [", 1))
    with pytest.raises(BuildFailed):
        build(config.load(root), root / "_site")
    path.write_text(original)
    other.write_text(other_original)
    build(config.load(root), root / "_site")
    fresh = tmp_path / "full"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
    build(config.load(fresh), fresh / "_site", use_cache=False)
    assert snapshot(root / "_site") == snapshot(fresh / "_site")
    assert not (root / ".cache/shown.txt").exists()


def test_an_edit_after_the_site_was_removed_is_left_to_a_full_build(tmp_path: Path):
    """Pages written into a folder made anew would make it a folder that is not a built site,
    which the build refuses to replace: the preview would stay broken."""
    root = catalogue(tmp_path / "s")
    report = build(config.load(root), root / "_site")
    assert report.warm is not None
    shutil.rmtree(root / "_site")
    path = root / "content/papers/paper-03.md"
    path.write_text(path.read_text().replace("Paper 3 on speech", "A retitled paper"))
    assert show_edit(report.warm, root / "_site", [path]) is None
    assert not (root / "_site").exists()
    build(config.load(root), root / "_site")
    assert "A retitled paper" in (root / "_site/papers/paper-03/index.html").read_text()


def test_a_new_date_moves_the_paper_between_listing_pages(tmp_path: Path):
    root = catalogue(tmp_path / "d")
    (root / "site.yaml").write_text((root / "site.yaml").read_text().replace("page_size: 2\n", "page_size: 10\n"))
    report = build(config.load(root), root / "_site")
    assert report.warm is not None
    path = root / "content/papers/paper-05.md"
    path.write_text(path.read_text().replace("2025-01-06", "2026-06-01"))
    assert show_edit(report.warm, root / "_site", [path]) is not None
    first = (root / "_site/index.html").read_text()
    assert first.index("/papers/paper-05/") < first.index("/papers/paper-27/")  # now the newest


def test_what_the_build_must_show_is_left_to_it(tmp_path: Path):
    root = catalogue(tmp_path / "b")
    report = build(config.load(root), root / "_site")
    assert report.warm is not None
    before = snapshot(root / "_site")
    new = root / "content/papers/new-paper.md"
    new.write_text(paper_text("A new paper", "New.", date="2025-02-01", tags="[speech]"))
    assert show_edit(report.warm, root / "_site", [new]) is None
    broken = root / "content/papers/paper-07.md"
    broken.write_text("---\ntitle: [unclosed\n---\nText.\n")
    assert show_edit(report.warm, root / "_site", [broken]) is None
    assert snapshot(root / "_site") == before


def test_the_project_folder_may_be_given_relative(tmp_path: Path, monkeypatch):
    root = catalogue(tmp_path / "r")
    monkeypatch.chdir(root)
    report = build(config.load(Path(".")), Path("_site"))
    assert report.warm is not None
    path = (root / "content/papers/paper-03.md").resolve()  # the watcher reports absolute paths
    path.write_text(path.read_text().replace("Paper 3 on speech", "A retitled paper"))
    assert show_edit(report.warm, Path("_site"), [path]) is not None
    assert "A retitled paper" in (root / "_site/papers/paper-03/index.html").read_text()


def listing_pages(root: Path) -> dict[str, str]:
    """Each listing page in ``root``'s _site, by URL: the listings its content makes."""
    site, _ = load_site(config.load(root))
    return {listing.url: (root / "_site" / listing.url / "index.html").read_text() for listing in listings(site)}


def test_an_edit_that_moves_a_paper_between_groups_shows_the_listings_a_full_build_makes(tmp_path: Path):
    """A new tag, year, title and author list at once (bringing an author to the two papers that
    make a page), then the edit undone: after each, every listing page is the one a full build
    makes (the preview looks only at the listings the paper was or is in)."""
    people = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov"]
    papers = {f"paper-{i:02d}.md": paper_text(f"Paper {i}", f"Abstract {i}.", date=f"{2024 + i % 2}-0{i % 9 + 1}-01",
                                              tags="[speech]" if i % 3 else "[moe]",
                                              authors=f"[{people[i % 5]}, {people[(i * 2) % 5]}]")
              for i in range(30)}
    papers["paper-99.md"] = paper_text("Paper 99", "Abstract 99.", date="2023-01-01", authors="[Margaret Hamilton]")
    root = make_site(tmp_path / "s", papers)
    report = build(config.load(root), root / "_site")
    path = root / "content/papers/paper-04.md"
    original = path.read_text()
    moved = original
    for old, new in [("Paper 4", "A moved paper"), ("2024-05-01", "2025-12-31"), ("[speech]", "[moe]"),
                     ("Barbara Liskov, Edsger Dijkstra", "Grace Hopper, Margaret Hamilton")]:
        moved = moved.replace(old, new)
    assert moved.count("\n") == original.count("\n") and all(
        line not in moved for line in original.splitlines()[1:5])  # title, date, tags and authors all changed
    warm = report.warm
    for step, text in enumerate([moved, original]):
        assert warm is not None
        path.write_text(text)
        shown = show_edit(warm, root / "_site", [path])
        assert shown is not None
        warm = shown[1]
        fresh = tmp_path / f"full-{step}"
        shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
        build(config.load(fresh), fresh / "_site", use_cache=False)
        expected = listing_pages(fresh)
        assert ("authors/margaret-hamilton/" in expected) == (text == moved)
        assert listing_pages(root) == expected


def test_after_compile_templates_an_edit_compiles_no_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A full build of many papers compiles the templates in its workers: the preview's theme has
    none of them compiled (as a theme made anew), until compile_templates."""
    root = catalogue(tmp_path / "c")
    report = build(config.load(root), root / "_site")
    assert report.warm is not None
    warm = dataclasses.replace(report.warm, theme=Theme(report.warm.config))
    compile_templates(warm)
    compiled: list[object] = []
    compile_ = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda self, *a, **k: compiled.append(a) or compile_(self, *a, **k))
    path = root / "content/papers/paper-03.md"
    path.write_text(path.read_text().replace("Paper 3 on speech", "A retitled paper"))
    assert show_edit(warm, root / "_site", [path]) is not None
    assert compiled == []
