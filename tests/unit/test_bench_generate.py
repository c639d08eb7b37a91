"""The benchmark's catalogue generator: deterministic, well-formed, realistically skewed."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.generate import generate
from bench.search_check import random_queries
from tests.fixtures.search.corpus import seed_papers

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, sep, body = text[4:].partition("\n---\n")
    assert sep, f"{path}: front matter not closed"
    data = yaml.safe_load(head)
    assert isinstance(data, dict), path
    return data, body


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("catalogue") / "site"
    generate(root, 600, seed=7, hugo_root=root.parent / "hugo")
    return root


def test_same_n_and_seed_give_byte_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", 150, seed=3, hugo_root=tmp_path / "a-hugo")
    generate(tmp_path / "b", 150, seed=3, hugo_root=tmp_path / "b-hugo")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert files_of(tmp_path / "a-hugo") == files_of(tmp_path / "b-hugo")


def test_another_seed_gives_another_catalogue(tmp_path: Path) -> None:
    generate(tmp_path / "a", 50, seed=1)
    generate(tmp_path / "b", 50, seed=2)
    assert files_of(tmp_path / "a") != files_of(tmp_path / "b")


def test_writes_the_project_and_n_papers(catalogue: Path) -> None:
    site = yaml.safe_load((catalogue / "site.yaml").read_text())
    assert site["page_size"] == 50 and site["title"]
    tags = yaml.safe_load((catalogue / "content" / "tags.yaml").read_text())["tags"]
    assert len(tags) == 30
    assert all(set(tag) == {"slug", "name", "description", "keywords"} for tag in tags)
    assert all(tag["keywords"] and all(isinstance(k, str) for k in tag["keywords"]) for tag in tags)
    assert len(list((catalogue / "content" / "papers").glob("*.md"))) == 600


def test_every_paper_parses_and_follows_the_schema(catalogue: Path) -> None:
    tags = yaml.safe_load((catalogue / "content" / "tags.yaml").read_text())["tags"]
    tag_slugs = {tag["slug"] for tag in tags}
    first, last = dt.date(2023, 1, 1), dt.date(2025, 12, 31)
    arxiv_ids = set()
    for path in (catalogue / "content" / "papers").glob("*.md"):
        data, body = front_matter(path)
        assert set(data) == {"title", "date", "tags", "authors", "arxiv", "source"}
        assert isinstance(data["title"], str) and data["title"].strip()
        assert isinstance(data["date"], dt.date) and first <= data["date"] <= last
        assert 1 <= len(data["tags"]) <= 4 and set(data["tags"]) <= tag_slugs
        assert len(set(data["tags"])) == len(data["tags"])
        assert 2 <= len(data["authors"]) <= 8 and len(set(data["authors"])) == len(data["authors"])
        assert isinstance(data["arxiv"], str) and re.fullmatch(r"\d{4}\.\d{5}", data["arxiv"])
        assert data["arxiv"][:4] == data["date"].strftime("%y%m")
        arxiv_ids.add(data["arxiv"])
        assert 150 <= len(body.split()) <= 300, path
    assert len(arxiv_ids) == 600


def test_slugs_are_unique_and_well_formed(catalogue: Path) -> None:
    slugs = [path.stem for path in (catalogue / "content" / "papers").glob("*.md")]
    assert len(slugs) == len(set(slugs)) == 600
    assert all(SLUG.fullmatch(slug) and len(slug) <= 64 for slug in slugs)


def test_tags_follow_a_skewed_distribution(catalogue: Path) -> None:
    counts = Counter(
        tag for path in (catalogue / "content" / "papers").glob("*.md") for tag in front_matter(path)[0]["tags"]
    )
    ranked = [count for _, count in counts.most_common()]
    assert ranked[0] > 0.3 * 600  # the most popular tag is on about half the papers
    assert ranked[0] > 8 * ranked[-1]
    assert sum(ranked[:5]) > sum(ranked[5:])


def test_vocabulary_grows_with_n(tmp_path: Path) -> None:
    def vocabulary(n: int) -> set[str]:
        root = tmp_path / str(n)
        generate(root, n)
        text = " ".join(p.read_text() for p in (root / "content" / "papers").glob("*.md"))
        return set(re.findall(r"[a-z0-9]+", text.lower()))

    # every paper names a new model, on top of a real vocabulary that saturates
    assert len(vocabulary(400)) - len(vocabulary(100)) >= 300


def test_hugo_project_has_the_same_papers_and_the_peer_layouts(catalogue: Path) -> None:
    hugo = catalogue.parent / "hugo"
    assert (hugo / "hugo.toml").read_text().count("paginate = 50") == 1
    assert (hugo / "layouts" / "_default" / "single.html").exists()
    site_papers = files_of(catalogue / "content" / "papers")
    assert files_of(hugo / "content" / "papers") == site_papers


def test_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate(tmp_path, 10)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_regenerating_replaces_its_own_folder(tmp_path: Path) -> None:
    generate(tmp_path / "site", 30)
    generate(tmp_path / "site", 20)
    assert len(list((tmp_path / "site" / "content" / "papers").glob("*.md"))) == 20


def test_random_queries_are_deterministic_and_use_lunr_syntax() -> None:
    papers = seed_papers()
    queries = random_queries(papers, 300, seed=1)
    assert len(queries) == 300 and queries == random_queries(papers, 300, seed=1)
    assert queries != random_queries(papers, 300, seed=2)
    for mark in (":", "*", "+", "-", "^", "~"):
        assert any(mark in query for query in queries), mark
    assert any(" " in query for query in queries) and any(" " not in query for query in queries)
