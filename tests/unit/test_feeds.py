"""Feeds kept from the last build: only a feed whose papers, tag names or settings changed is made again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from site_gen import feeds
from site_gen.config import SiteConfig
from site_gen.model import Paper, Tag
from site_gen.site import Site, assemble

TAGS = (Tag("nlp", "NLP"), Tag("vision", "Vision"))


def catalogue(papers: list[Paper], tags: tuple[Tag, ...] = TAGS, **settings: object) -> Site:
    site, _ = assemble(SiteConfig(root=Path("."), site_url="https://example.org/", **settings), papers, tags)
    return site


def papers() -> list[Paper]:
    return [Paper(slug=f"p{i}", title=f"Paper {i}", abstract_md=f"Abstract {i}.", path=f"p{i}.md",
                  tags=("nlp",) if i % 2 else ("vision",), date=f"2025-03-{i + 10:02d}") for i in range(6)]


def sources(site: Site, edited: str = "") -> dict[str, str]:
    return {p.slug: "edited" if p.slug == edited else f"digest of {p.slug}" for p in site.papers}


def made_again(monkeypatch: pytest.MonkeyPatch, site: Site, memo: feeds.FeedMemo, digests: dict[str, str]) -> set[str]:
    """The feeds ``files`` made anew; and a check that every file is what a build without the memo makes."""
    made: set[str] = set()
    real = feeds.atom

    def counted(site: Site, papers: object, path: str, *args: object) -> object:
        made.add(path)
        return real(site, papers, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds, "atom", counted)
    kept = {str(f.path): f.data for f in feeds.files(site, [], memo, digests)}
    monkeypatch.setattr(feeds, "atom", real)
    assert kept == {str(f.path): f.data for f in feeds.files(site, [])}
    assert set(memo) == {p for p in kept if p.endswith("feed.xml")}
    return made


def test_feeds_are_kept_until_what_they_show_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    site = catalogue(papers())
    memo: feeds.FeedMemo = {}
    every = {"feed.xml", "tags/nlp/feed.xml", "tags/vision/feed.xml"}
    assert made_again(monkeypatch, site, memo, sources(site)) == every
    assert made_again(monkeypatch, site, memo, sources(site)) == set()

    edited = [replace(p, title="Paper one, retitled") if p.slug == "p1" else p for p in site.papers]
    site = catalogue(edited)
    assert made_again(monkeypatch, site, memo, sources(site, "p1")) == {"feed.xml", "tags/nlp/feed.xml"}

    site = catalogue(edited, (TAGS[0], Tag("vision", "Computer vision")))
    assert made_again(monkeypatch, site, memo, sources(site, "p1")) == {"feed.xml", "tags/vision/feed.xml"}

    site = catalogue(edited, (TAGS[0], Tag("vision", "Computer vision")), title="Another title")
    assert made_again(monkeypatch, site, memo, sources(site, "p1")) == every

    site = catalogue(edited, (TAGS[0], Tag("vision", "Computer vision")), title="Another title", author="A. Keeper")
    assert made_again(monkeypatch, site, memo, sources(site, "p1")) == every


def test_only_the_newest_papers_of_a_feed_count(monkeypatch: pytest.MonkeyPatch) -> None:
    site = catalogue(papers(), feed_size=2)  # the feeds show p5, p4 / p5, p3 / p4, p2
    memo: feeds.FeedMemo = {}
    made_again(monkeypatch, site, memo, sources(site))
    assert made_again(monkeypatch, site, memo, sources(site, "p0")) == set()
    assert made_again(monkeypatch, site, memo, sources(site, "p3")) == {"tags/nlp/feed.xml"}


def test_without_sources_every_feed_is_made() -> None:
    site = catalogue(papers())
    memo: feeds.FeedMemo = {}
    list(feeds.files(site, [], memo))
    assert memo == {}


def test_a_sitemap_of_a_site_whose_address_holds_an_ampersand_is_well_formed_xml() -> None:
    import xml.etree.ElementTree as ET

    site, _ = assemble(SiteConfig(root=Path("."), site_url="https://example.org/r&d/"), papers(), TAGS)
    (sitemap,) = feeds.sitemaps(site, ["", "papers/p1/"])
    locations = [el.text for el in ET.fromstring(sitemap.data).iter(f"{{{feeds.SITEMAP}}}loc")]
    assert locations == ["https://example.org/r&d/", "https://example.org/r&d/papers/p1/"]
