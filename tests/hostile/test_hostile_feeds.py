"""Feeds for a paper with many tags: one entry per paper, built once, in every feed it belongs to."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_gen import feeds
from site_gen.config import SiteConfig
from site_gen.model import Paper, Tag
from site_gen.site import Site, assemble

ATOM = "{http://www.w3.org/2005/Atom}"
N = 300


def many_tags_site() -> Site:
    tags = [Tag(f"tag-{i}", f"Tag <{i}>") for i in range(N)]
    paper = Paper(slug="many", title="Many tags", abstract_md="Body.", path="p.md",
                  tags=tuple(t.slug for t in tags), date="2025-03-11")
    other = Paper(slug="other", title="Other", abstract_md="Body.", path="o.md", tags=("tag-0",))
    site, _ = assemble(SiteConfig(root=Path("."), site_url="https://example.org/"), [paper, other], tags)
    return site


def test_tag_names_are_read_once_and_each_entry_is_built_once(monkeypatch: pytest.MonkeyPatch):
    site = many_tags_site()
    calls = {"tag_names": 0, "entry": 0}
    names = Site.tag_names.fget  # type: ignore[attr-defined]
    real_entry = feeds._entry

    def counted_names(self: Site) -> dict[str, str]:
        calls["tag_names"] += 1
        return names(self)

    def counted_entry(*args: object) -> ET.Element:
        calls["entry"] += 1
        return real_entry(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(Site, "tag_names", property(counted_names))
    monkeypatch.setattr(feeds, "_entry", counted_entry)
    files = {str(f.path): f.data for f in feeds.files(site, [])}
    assert calls == {"tag_names": 1, "entry": 2}
    assert len([p for p in files if p.endswith("feed.xml")]) == N + 1
    for path in ("feed.xml", "tags/tag-0/feed.xml", f"tags/tag-{N - 1}/feed.xml"):
        root = ET.fromstring(files[path])
        many = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "Many tags")
        labels = [c.get("label") for c in many.iter(f"{ATOM}category")]
        assert labels == [f"Tag <{i}>" for i in range(N)]


def test_feeds_are_the_same_built_twice():
    site = many_tags_site()
    assert [f.data for f in feeds.files(site, [])] == [f.data for f in feeds.files(site, [])]
