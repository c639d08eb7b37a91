"""Every HTML page of the site as a spec with an input key: what it shows, hashed.

A page whose key matches the last build's is not rendered again (incremental builds);
the keys cover the page's data, the theme, the configuration and the generator's code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import site as urls
from .cache import digest
from .model import Listing, Paper
from .site import Site, listings


@dataclass(frozen=True, slots=True)
class PageSpec:
    url: str  # relative to the base path: "", "papers/<slug>/", "tags/", "404.html"
    kind: str  # "paper", "listing", or the template of a single page: "tags", "authors", "years", "search", "404"
    key: str
    paper: Paper | None = None
    related: tuple[Paper, ...] = ()
    listing: Listing | None = None

    @property
    def path(self) -> str:
        return self.url + "index.html" if self.url.endswith("/") or not self.url else self.url

    @property
    def paths(self) -> tuple[str, ...]:
        """Every file the page writes."""
        return (self.path,)


def paper_specs(site: Site, keys: Mapping[str, str], related: Mapping[str, tuple[str, ...]],
                cite_keys: Mapping[str, str], salt: str) -> list[PageSpec]:
    """One page per paper. ``keys`` maps each paper's slug to the digest of its file, which
    determines the record."""
    papers = {p.slug: p for p in site.papers}
    author_pages = site.author_pages()
    names = site.tag_names
    items = {p.slug: repr((p.slug, p.title, p.date)) for p in site.papers}  # what a related-paper item shows
    specs: list[PageSpec] = []
    for paper in site.papers:
        others = tuple(papers[s] for s in related.get(paper.slug, ()) if s in papers)
        own = repr((keys[paper.slug], [names.get(t) for t in paper.tags], [author_pages.get(a) for a in paper.authors],
                    cite_keys.get(paper.slug)))
        key = _key(salt, own, *(items[o.slug] for o in others))
        specs.append(PageSpec(urls.paper_url(paper.slug), "paper", key, paper=paper, related=others))
    return specs


def _key(*parts: str) -> str:
    """``digest`` of strings without NUL characters (``repr`` writes none), in one pass."""
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def other_specs(site: Site, keys: Mapping[str, str], salt: str) -> list[PageSpec]:
    """Every page but the papers' own: these do not depend on the related papers."""
    names = site.tag_names
    # what a card shows: its link (the file's name) and what the file says
    cards = {p.slug: repr((p.slug, keys[p.slug], [names.get(t) for t in p.tags])) for p in site.papers}
    specs: list[PageSpec] = []
    for listing in listings(site):
        key = _key(salt, repr((listing.url, listing.title, listing.page, listing.pages, listing.total, listing.tag)),
                   *[cards[p.slug] for p in listing.papers])
        specs.append(PageSpec(listing.url, "listing", key, listing=listing))
    shows: dict[str, Callable[[], object]] = {  # what each single page shows
        "tags": lambda: [(t, len(site.by_tag[t.slug])) for t in site.tags],
        "authors": lambda: [(a, len((site.by_author or {})[a.slug])) for a in site.authors],
        "years": lambda: [(y, len(p)) for y, p in (site.by_year or {}).items()],
        "search": lambda: ("search", site.tags),
    }
    specs += [PageSpec(url, kind, digest(salt, shows[kind]())) for url, kind in single_pages(site)]
    specs.append(PageSpec("404.html", "404", digest(salt, "404")))
    return specs


def single_pages(site: Site) -> list[tuple[str, str]]:
    """(URL, template) of the pages that are neither a paper's nor a listing, but 404.html."""
    pages = [(urls.TAGS_URL, "tags")]
    pages += [(urls.AUTHORS_URL, "authors")] if site.authors else []
    pages += [(urls.YEARS_URL, "years")] if site.by_year else []
    return [*pages, (urls.SEARCH_URL, "search")]


def page_urls(site: Site) -> list[str]:
    """Every HTML page's URL but 404.html's, as the sitemap lists them."""
    return ([urls.paper_url(p.slug) for p in site.papers] + [listing.url for listing in listings(site)]
            + [url for url, _ in single_pages(site)])
