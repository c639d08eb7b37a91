"""Atom feeds, the sitemap, robots.txt and .nojekyll: XML built by ElementTree, never by string pasting."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from html import escape as escape_html
from pathlib import PurePosixPath

from . import site as urls
from .cache import digest
from .model import OutputFile, Paper
from .site import Site
from .textutil import plain_text, snippet, strip_control

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_URLS = 50_000  # the most URLs one sitemap file may list (sitemaps.org); its 50 MB are far off


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: strip_control(v) for k, v in attrs.items()})
    if text is not None:
        el.text = strip_control(text)
    return el


def _timestamp(day: str | None) -> str:
    parts = (day or "1970-01-01").split("-") + ["01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def _entry_id(site: Site, path: str) -> str:
    if site.config.site_url:
        return site.config.absolute(path)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, site.config.title + "/" + path))


def atom(site: Site, papers: Sequence[Paper], path: str, title: str, html_path: str,
         entry: Callable[[Paper], ET.Element] | None = None) -> OutputFile:
    """An Atom feed of the newest ``papers``; dates come from the papers, so builds are reproducible."""
    cfg = site.config
    newest = papers[: cfg.feed_size]
    feed = ET.Element("feed", {"xmlns": ATOM})
    _sub(feed, "title", title)
    _sub(feed, "id", _entry_id(site, path))
    _sub(feed, "updated", _timestamp(max((p.date or "" for p in newest), default=None) or None))
    _sub(feed, "link", rel="self", href=cfg.absolute(path), type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=cfg.absolute(html_path), type="text/html")
    if cfg.description:
        _sub(feed, "subtitle", cfg.description)
    _sub(_sub(feed, "author"), "name", cfg.author or cfg.title)
    _sub(feed, "generator", "site-gen")
    names = site.tag_names if entry is None else {}
    feed.extend(entry(paper) if entry else _entry(site, paper, names) for paper in newest)
    return OutputFile(PurePosixPath(path), _xml(feed))


def _entry(site: Site, paper: Paper, tag_names: Mapping[str, str]) -> ET.Element:
    cfg = site.config
    entry = ET.Element("entry")
    _sub(entry, "title", plain_text(paper.title))
    _sub(entry, "id", _entry_id(site, urls.paper_url(paper.slug)))
    _sub(entry, "link", rel="alternate", href=cfg.absolute(urls.paper_url(paper.slug)), type="text/html")
    _sub(entry, "updated", _timestamp(paper.date))
    if paper.date:
        _sub(entry, "published", _timestamp(paper.date))
    for name in paper.authors:
        _sub(_sub(entry, "author"), "name", name)
    for tag in paper.tags:
        _sub(entry, "category", term=tag, label=tag_names.get(tag, tag))
    _sub(entry, "summary", snippet(plain_text(paper.abstract_md), 1000))
    return entry


def sitemaps(site: Site, pages: Sequence[str]) -> list[OutputFile]:
    """``sitemap.xml``: the pages, or, for more than ``SITEMAP_URLS`` of them (the protocol's
    limit for one file), an index of ``sitemap-1.xml``, ``sitemap-2.xml``, ... that list them in
    turn. Those are beside ``sitemap.xml``, since a sitemap may only list URLs under its own folder.
    Written as text: ElementTree would take longer than all the rest at 50,000 pages."""
    if len(pages) <= SITEMAP_URLS:
        return [_sitemap_file(site, "sitemap.xml", "urlset", "url", pages)]
    parts = [_sitemap_file(site, f"sitemap-{number}.xml", "urlset", "url", pages[start:start + SITEMAP_URLS])
             for number, start in enumerate(range(0, len(pages), SITEMAP_URLS), 1)]
    return [_sitemap_file(site, "sitemap.xml", "sitemapindex", "sitemap", [str(p.path) for p in parts]), *parts]


def _sitemap_file(site: Site, path: str, root: str, item: str, paths: Sequence[str]) -> OutputFile:
    locations = "".join(f"  <{item}>\n    <loc>{escape_html(site.config.absolute(p), quote=False)}</loc>\n  </{item}>\n"
                        for p in paths)
    text = f"<?xml version='1.0' encoding='utf-8'?>\n<{root} xmlns=\"{SITEMAP}\">\n{locations}</{root}>\n"
    return OutputFile(PurePosixPath(path), text.encode("utf-8"))


def robots_txt(site_url: str) -> str:
    """Every crawler may read every page. The sitemap is named only with ``site_url``: a crawler
    takes a ``Sitemap:`` line only as an absolute URL (RFC 9309, sitemaps.org)."""
    sitemap = f"Sitemap: {site_url}sitemap.xml\n" if site_url else ""
    return "User-agent: *\nAllow: /\n" + sitemap


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


FeedMemo = dict[str, tuple[str, bytes]]  # feed path -> (digest of what it shows, its bytes)


def files(site: Site, html_pages: Sequence[str], memo: FeedMemo | None = None,
          sources: Mapping[str, str] | None = None) -> Iterator[OutputFile]:
    """The feed, one feed per tag, the sitemap (one file or several), robots.txt and .nojekyll.

    With ``sources`` (slug -> digest of the paper's file, which the paper is made of), a feed
    whose papers, tag names and settings are those of a feed in ``memo`` (the last build's) is
    taken from there instead of made again; ``memo`` then holds this build's feeds."""
    names = site.tag_names
    entries: dict[str, ET.Element] = {}  # a paper's entry is the same in every feed it is in
    settings = digest(site.config)
    kept = dict(memo or {})
    if memo is not None:
        memo.clear()

    def entry(paper: Paper) -> ET.Element:
        if paper.slug not in entries:
            entries[paper.slug] = _entry(site, paper, names)
        return entries[paper.slug]

    def feed(papers: Sequence[Paper], path: str, title: str, html_path: str) -> OutputFile:
        newest = papers[: site.config.feed_size]
        # what each entry shows: its link (the slug) and what the paper's file says
        shown = None if sources is None else [(p.slug, sources[p.slug], [names.get(t) for t in p.tags]) for p in newest]
        key = "" if shown is None else digest(settings, path, title, html_path, shown)
        known = kept.get(path)
        if known is not None and known[0] == key and key:
            made = OutputFile(PurePosixPath(path), known[1])
        else:
            made = atom(site, newest, path, title, html_path, entry)
        if memo is not None and key:
            memo[path] = (key, made.data)
        return made

    yield feed(site.papers, "feed.xml", site.config.title, "")
    for tag in site.tags:
        yield feed(site.by_tag[tag.slug], urls.tag_url(tag.slug) + "feed.xml", f"{site.config.title}: {tag.name}",
                   urls.tag_url(tag.slug))
    yield from sitemaps(site, html_pages)
    yield OutputFile(PurePosixPath("robots.txt"), robots_txt(site.config.site_url).encode())
    yield OutputFile(PurePosixPath(".nojekyll"), b"")
