"""An incremental build gives exactly the site a full build gives, and renders only what changed."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from site_gen import config
from site_gen.build import build
from tests.conftest import MINIMAL_TAGS, make_site, paper_text
from tests.sitecheck import snapshot


def catalogue(root: Path, n: int = 30) -> Path:
    papers = {f"paper-{i:02d}.md": paper_text(f"Paper {i} on {'speech' if i % 2 else 'experts'}",
                                              f"Abstract {i} about mixture of experts and speech.",
                                              date=f"2025-01-{i % 28 + 1:02d}", tags="[speech]" if i % 2 else "[moe]")
              for i in range(n)}
    return make_site(root, papers)


def edit(root: Path) -> None:
    path = root / "content/papers/paper-03.md"
    path.write_text(path.read_text().replace("Abstract 3", "An edited abstract"))


def add(root: Path) -> None:
    (root / "content/papers/new-paper.md").write_text(paper_text("A new paper", "New.", date="2025-02-01",
                                                                  tags="[speech]"))


def delete(root: Path) -> None:
    (root / "content/papers/paper-05.md").unlink()


def rename(root: Path) -> None:
    """The same file under another name: another URL in every listing and feed it is on."""
    (root / "content/papers/paper-05.md").rename(root / "content/papers/renamed-paper.md")


def rename_tag(root: Path) -> None:
    tags = root / "content/tags.yaml"
    tags.write_text(tags.read_text().replace("name: Speech", "name: Speech processing"))


def add_authors(root: Path) -> None:
    """Author pages appear: every page's header gains an Authors link."""
    for n in (1, 2):
        path = root / f"content/papers/paper-0{n}.md"
        path.write_text(path.read_text().replace("---\nAbstract", "authors: [Ada Lovelace]\n---\nAbstract", 1))


def retitle_config(root: Path) -> None:
    (root / "site.yaml").write_text((root / "site.yaml").read_text().replace("Test catalogue", "Renamed"))


@pytest.mark.parametrize("change", [edit, add, delete, rename, rename_tag, add_authors, retitle_config])
def test_incremental_equals_full(tmp_path: Path, change: Callable[[Path], None]):
    root = catalogue(tmp_path / "inc")
    build(config.load(root), root / "_site")
    change(root)
    report = build(config.load(root), root / "_site")
    fresh = tmp_path / "full"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
    build(config.load(fresh), fresh / "_site", use_cache=False)
    assert snapshot(root / "_site") == snapshot(fresh / "_site")
    if change is edit:
        assert report.incremental and report.rendered < 10


def test_an_author_respelled_in_their_newest_paper_is_renamed_on_every_page_of_their_list(tmp_path: Path):
    """An author's page is titled with the spelling of their newest paper: its later pages change
    too, though the papers they show do not."""
    root = catalogue(tmp_path / "inc")
    for n in (1, 2, 3):  # paper 3 is the newest; with two papers a page, the list has two pages
        path = root / f"content/papers/paper-0{n}.md"
        path.write_text(path.read_text().replace("---\nAbstract", "authors: [Ada Lovelace]\n---\nAbstract", 1))
    build(config.load(root), root / "_site")
    assert (root / "_site/authors/ada-lovelace/page/2/index.html").is_file()
    path = root / "content/papers/paper-03.md"
    path.write_text(path.read_text().replace("Ada Lovelace", "Ada LOVELACE"))
    build(config.load(root), root / "_site")
    fresh = tmp_path / "full"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
    build(config.load(fresh), fresh / "_site", use_cache=False)
    assert "Ada LOVELACE" in (fresh / "_site/authors/ada-lovelace/page/2/index.html").read_text()
    assert snapshot(root / "_site") == snapshot(fresh / "_site")


def test_unchanged_rebuild_renders_nothing(tmp_path: Path):
    root = catalogue(tmp_path / "s")
    build(config.load(root), root / "_site")
    before = snapshot(root / "_site")
    report = build(config.load(root), root / "_site")
    assert report.incremental and report.rendered == 0
    assert snapshot(root / "_site") == before


def edit_many(root: Path) -> None:
    """Twelve papers of thirty: their own pages are more than INCREMENTAL_LIMIT of the site's."""
    for n in range(12):
        path = root / f"content/papers/paper-{n:02d}.md"
        path.write_text(path.read_text().replace(f"Abstract {n} ", f"Edited abstract {n} "))


@pytest.mark.parametrize("change", [retitle_config, edit_many, rename_tag])
def test_a_build_that_renders_most_pages_makes_the_search_files_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: None, change: Callable[[Path], None]
):
    """Every page's key changes with a setting, and most pages with an edit of many papers or the
    rename of a tag half of them have: the build is a full one from the start. Begun as an
    incremental one, it made the search files for it, then again for the full build it turned
    into."""
    from site_gen import build as build_module

    root = catalogue(tmp_path / "s")
    build(config.load(root), root / "_site")
    made = tmp_path / "made.txt"  # written by whichever process makes them
    search_index = build_module.search_index

    def counted(*args: Any, **kwargs: Any) -> Any:
        with made.open("a") as fh:
            fh.write("made\n")
        return search_index(*args, **kwargs)

    monkeypatch.setattr(build_module, "search_index", counted)
    change(root)
    report = build(config.load(root), root / "_site", jobs=2)
    assert not report.incremental and report.rendered == report.pages
    assert made.read_text() == "made\n"
    full = catalogue(tmp_path / "full")
    change(full)
    build(config.load(full), full / "_site")
    assert snapshot(root / "_site") == snapshot(full / "_site")


@pytest.mark.parametrize("jobs", [1, 2])
def test_pages_removed_from_the_output_are_written_again(tmp_path: Path, jobs: int,
                                                         monkeypatch: pytest.MonkeyPatch):
    from site_gen import build as build_module

    monkeypatch.setattr(build_module, "PREPARE_MIN", 0)  # with two jobs, a worker checks the output
    root = catalogue(tmp_path / "s")
    build(config.load(root), root / "_site", jobs=jobs)
    before = snapshot(root / "_site")
    (root / "_site/papers/paper-03/index.html").unlink()
    (root / "_site/tags/speech/index.html").unlink()
    report = build(config.load(root), root / "_site", jobs=jobs)
    assert report.incremental and report.rendered == 2
    assert snapshot(root / "_site") == before


def test_parallel_build_equals_serial(tmp_path: Path):
    root = catalogue(tmp_path / "p", n=60)
    build(config.load(root), root / "_site", use_cache=False, jobs=1)
    serial = snapshot(root / "_site")
    build(config.load(root), root / "_site", use_cache=False, jobs=2)
    assert snapshot(root / "_site") == serial


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small catalogues too take the path of large ones: related papers, search and shared fragments
    made by forked workers before the pages."""
    from site_gen import build as build_module

    monkeypatch.setattr(build_module, "PREPARE_MIN", 0)


@pytest.mark.parametrize("change", [edit, add, delete, rename, rename_tag])
def test_incremental_equals_full_with_workers(tmp_path: Path, change: Callable[[Path], None], forked: None):
    root = catalogue(tmp_path / "inc")
    build(config.load(root), root / "_site", jobs=2)
    change(root)
    build(config.load(root), root / "_site", jobs=2)
    fresh = tmp_path / "full"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
    build(config.load(fresh), fresh / "_site", use_cache=False, jobs=1)
    assert snapshot(root / "_site") == snapshot(fresh / "_site")
    assert [p.name for p in tmp_path.joinpath("inc").iterdir() if p.name.startswith("_site")] == ["_site"]


def test_pages_rendered_while_a_worker_makes_the_search_are_those_of_a_serial_build(
        tmp_path: Path, forked: None, monkeypatch: pytest.MonkeyPatch):
    """A full build renders its first pages in this process while a worker still makes the
    search files, and the rest once it is done."""
    from site_gen import build as build_module

    make_index = build_module.search_index

    def slow_index(*args: Any, **kwargs: Any) -> Any:  # in the worker: this process has time to render
        time.sleep(1.0)
        return make_index(*args, **kwargs)

    ahead: list[int] = []
    render = build_module.Ahead.render

    def counted(self: Any) -> bool:
        more = render(self)
        ahead.append(self.rendered)
        return more

    monkeypatch.setattr(build_module, "search_index", slow_index)
    monkeypatch.setattr(build_module.Ahead, "render", counted)
    root = catalogue(tmp_path / "p", n=60)
    report = build(config.load(root), root / "_site", use_cache=False, jobs=2)
    assert ahead and 0 < ahead[-1] < report.pages and report.rendered == report.pages
    parallel = snapshot(root / "_site")
    build(config.load(root), root / "_site", use_cache=False, jobs=1)
    assert snapshot(root / "_site") == parallel


def break_paper_template(root: Path) -> None:
    """A theme override whose paper template fails when a page is rendered."""
    (root / "overrides/templates").mkdir(parents=True)
    (root / "overrides/templates/paper.html").write_text("{{ no_such_variable }}")
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + "theme_dir: overrides\n")


def test_a_failed_incremental_build_leaves_no_search_file_behind(tmp_path: Path, forked: None):
    from site_gen.errors import BuildFailed

    root = catalogue(tmp_path / "f")
    build(config.load(root), root / "_site", jobs=2)
    before = snapshot(root / "_site")
    edit(root)  # the search files change: a worker writes them while the pages render
    break_paper_template(root)
    with pytest.raises(BuildFailed):
        build(config.load(root), root / "_site", jobs=2)
    assert snapshot(root / "_site") == before
    assert [p.name for p in root.iterdir() if p.name.startswith("_site")] == ["_site"]


def test_a_failed_incremental_build_does_not_wait_for_its_search(tmp_path: Path):
    """A build that fails (or is stopped, in the preview) while its worker still makes the search
    files stops that worker and removes what it wrote, without waiting for it."""
    from site_gen import output
    from site_gen.build import Searched, _remove_unused
    from site_gen.model import OutputFile
    from site_gen.parallel import Forked

    out = tmp_path / "_site"
    out.mkdir()
    making = tmp_path / "making-the-search"

    def search() -> Searched:
        writer = output.Writer(out, atomic=True)
        writer.write(OutputFile(PurePosixPath("search/0123abcd/t0.json"), b"[]"))
        making.touch()
        time.sleep(30)
        return Searched([], {}, writer.pending, 2)

    with Forked([search, lambda: None], jobs=2) as work:  # the one worker starts on the search
        deadline = time.monotonic() + 30
        while not making.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert making.exists()
        started = time.monotonic()
        _remove_unused(work, 0, out)
        assert time.monotonic() - started < 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "making-the-search"]
    assert list(out.iterdir()) == []


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, forked: None):
    """Workers fork with the heap frozen for the collector; a preview that builds again and again
    must get it back, or nothing it ever made would be collected."""
    import gc

    root = catalogue(tmp_path / "g")
    build(config.load(root), root / "_site", jobs=2)
    edit(root)
    build(config.load(root), root / "_site", jobs=2)
    assert gc.get_freeze_count() == 0


def test_related_papers_are_made_again_only_when_a_title_or_abstract_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from site_gen import related as related_module

    made: list[int] = []
    original = related_module.related
    monkeypatch.setattr(related_module, "related", lambda papers, *a: made.append(len(papers)) or original(papers, *a))
    root = catalogue(tmp_path / "s")
    build(config.load(root), root / "_site")
    path = root / "content/papers/paper-03.md"
    path.write_text(path.read_text().replace("date: 2025-01-04", "date: 2024-12-31"))  # not what related papers read
    assert "2024-12-31" in path.read_text()
    build(config.load(root), root / "_site")
    assert made == [30]
    edit(root)
    build(config.load(root), root / "_site")
    assert made == [30, 30]
    fresh = tmp_path / "full"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
    build(config.load(fresh), fresh / "_site", use_cache=False)
    assert snapshot(root / "_site") == snapshot(fresh / "_site")


RARE_TAG = MINIMAL_TAGS + """\
  - slug: rare
    name: Rare topic
    description: A subject few papers have.
    keywords: [rare]
"""


def roomy_catalogue(root: Path, n: int = 40) -> Path:
    """Listings of one page, a tag few papers have and authors with pages of their own: an edit of
    a paper or of a tag's name changes a few pages, and the next build stays incremental."""
    topics = ["acoustic beamforming arrays", "sparse expert routing", "phoneme alignment lattices",
              "token dropping capacity", "speaker diarization clusters", "gating load balance",
              "vocoder waveform synthesis", "expert parallel sharding", "keyword spotting wake",
              "router collapse entropy"]
    papers = {}
    for i in range(n):
        tags = "[speech, rare]" if i in (3, 4) else "[speech]" if i % 2 else "[moe]"
        authors = f"[Author {i % 10}, Grace Hopper]" if i == 8 else f"[Author {i % 10}]"
        papers[f"paper-{i:02d}.md"] = paper_text(
            f"Paper {i} on {'speech' if i % 2 else 'experts'}",
            f"Abstract {i} on {topics[i % 10]}, {topics[i % 10]} again.",
            date=f"2025-01-{i % 28 + 1:02d}", tags=tags, authors=authors)
    return make_site(root, papers, tags=RARE_TAG,
                     config="title: Test catalogue\nsite_url: https://example.org/cat/\npage_size: 100\nrelated: 3\n")


def rename_rare_tag(root: Path) -> None:
    """Shown on the pages and cards of its two papers, on the tags page and in the search index."""
    tags = root / "content/tags.yaml"
    tags.write_text(tags.read_text().replace("name: Rare topic", "name: Uncommon subject"))


def retitle(root: Path) -> None:
    """The title shows in the related papers of other papers' pages; its words, and so the lists, stay the same."""
    path = root / "content/papers/paper-07.md"
    path.write_text(path.read_text().replace('title: "Paper 7 on speech"', 'title: "Paper 7 on SPEECH"'))


def retag(root: Path) -> None:
    """The tags page counts the papers of each tag."""
    path = root / "content/papers/paper-06.md"
    path.write_text(path.read_text().replace("tags: [moe]", "tags: [moe, rare]"))


def second_paper_by_an_author(root: Path) -> None:
    """Grace Hopper gets a page: her first paper's page, unchanged itself, now links to it."""
    path = root / "content/papers/paper-09.md"
    path.write_text(path.read_text().replace("authors: [Author 9]", "authors: [Author 9, Grace Hopper]"))


def delete_one(root: Path) -> None:
    (root / "content/papers/paper-05.md").unlink()


@pytest.mark.parametrize("change", [rename_rare_tag, retitle, retag, second_paper_by_an_author, delete_one, edit])
def test_an_incremental_build_of_a_small_change_equals_a_full_one(tmp_path: Path, change: Callable[[Path], None]):
    root = roomy_catalogue(tmp_path / "inc")
    build(config.load(root), root / "_site")
    change(root)
    report = build(config.load(root), root / "_site")
    fresh = tmp_path / "full"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
    build(config.load(fresh), fresh / "_site", use_cache=False)
    assert report.incremental and 0 < report.rendered < report.pages // 2
    assert snapshot(root / "_site") == snapshot(fresh / "_site")
    assert folders(root / "_site") == folders(fresh / "_site")


def folders(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_dir()}


def test_files_other_than_pages_removed_from_the_output_are_written_again(tmp_path: Path):
    root = catalogue(tmp_path / "s")
    build(config.load(root), root / "_site")
    before = snapshot(root / "_site")
    for rel in ("feed.xml", "papers.bib", "assets/favicon.svg", "search/lunr-index.json"):
        (root / "_site" / rel).unlink()
    report = build(config.load(root), root / "_site")
    assert report.incremental and report.rendered == 0
    assert snapshot(root / "_site") == before


def test_a_build_into_another_folder_does_not_make_the_first_one_stale(tmp_path: Path):
    """The cache describes the last folder built: a build back into the first folder, which the
    edit never reached, writes the edit there too."""
    root = catalogue(tmp_path / "s")
    build(config.load(root), root / "_site")
    edit(root)
    build(config.load(root), root / "_preview")
    build(config.load(root), root / "_site")
    assert snapshot(root / "_site") == snapshot(root / "_preview")
    assert "An edited abstract" in (root / "_site/papers/paper-03/index.html").read_text()


def test_fewer_related_papers_in_site_yaml_show_fewer_on_each_page(tmp_path: Path):
    root = catalogue(tmp_path / "s")
    build(config.load(root), root / "_site")
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + "related: 2\n")
    build(config.load(root), root / "_site")
    fresh = tmp_path / "full"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("_site*", ".cache"))
    build(config.load(fresh), fresh / "_site", use_cache=False)
    assert snapshot(root / "_site") == snapshot(fresh / "_site")
