"""The site as data: order, groups (tags, authors, years), pagination and the URL scheme. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from math import ceil
from pathlib import PurePosixPath

from .config import SiteConfig
from .errors import Diagnostic
from .model import Listing, Paper, Tag
from .slug import author_slug


def _paged(base: str, page: int) -> str:
    return base + (f"page/{page}/" if page > 1 else "")


def paper_url(slug: str) -> str:
    return f"papers/{slug}/"


def tag_url(slug: str, page: int = 1) -> str:
    return _paged(f"tags/{slug}/", page)


def author_url(slug: str, page: int = 1) -> str:
    return _paged(f"authors/{slug}/", page)


def year_url(year: str, page: int = 1) -> str:
    return _paged(f"years/{year}/", page)


def home_url(page: int = 1) -> str:
    return _paged("", page)


TAGS_URL = "tags/"
AUTHORS_URL = "authors/"
YEARS_URL = "years/"
SEARCH_URL = "search/"


@dataclass(frozen=True, slots=True)
class Author:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    papers: tuple[Paper, ...]  # newest first; undated last
    tags: tuple[Tag, ...]  # every tag that has papers, taxonomy order first
    by_tag: dict[str, tuple[Paper, ...]]
    authors: tuple[Author, ...] = ()  # authors with a page, most papers first
    by_author: dict[str, tuple[Paper, ...]] | None = None
    by_year: dict[str, tuple[Paper, ...]] | None = None  # newest year first
    author_slugs: dict[str, str] | None = None  # every spelling of the name of an author with a page -> slug

    @property
    def tag_names(self) -> dict[str, str]:
        return {t.slug: t.name for t in self.tags}

    def author_pages(self) -> dict[str, str]:
        """Author name -> slug, for the authors who have a page: each spelling that leads to it
        (Zoë Müller and Zoe Muller share one page, and both link to it)."""
        return self.author_slugs if self.author_slugs is not None else {a.name: a.slug for a in self.authors}


def newest_first(papers: Sequence[Paper]) -> tuple[Paper, ...]:
    by_title = sorted(papers, key=lambda p: (p.title.casefold(), p.slug))
    return tuple(sorted(by_title, key=lambda p: p.date or "", reverse=True))


def assemble(config: SiteConfig, papers: Sequence[Paper], taxonomy: Sequence[Tag]) -> tuple[Site, list[Diagnostic]]:
    """Order papers and group them; tags missing from the taxonomy are warned about (errors if strict)."""
    ordered = newest_first(papers)
    known = {t.slug: t for t in taxonomy}
    groups: dict[str, list[Paper]] = {}
    for paper in ordered:
        for slug in paper.tags:
            groups.setdefault(slug, []).append(paper)
    problems = [unknown_tag(slug, groups[slug], config) for slug in groups if slug not in known]
    tags = [t for t in taxonomy if t.slug in groups]
    tags += [Tag(slug=s, name=s.replace("-", " ").capitalize()) for s in sorted(groups) if s not in known]
    by_tag = {slug: tuple(items) for slug, items in groups.items()}
    authors, by_author, author_slugs = group_authors(ordered, config.author_pages)
    years: dict[str, list[Paper]] = {}
    for paper in ordered:
        if paper.date:
            years.setdefault(paper.date[:4], []).append(paper)
    by_year = {year: tuple(items) for year, items in years.items()}
    return Site(config, ordered, tuple(tags), by_tag, authors, by_author, by_year, author_slugs), problems


def unknown_tag(slug: str, papers: Sequence[Paper], config: SiteConfig) -> Diagnostic:
    """The problem of a tag that tags.yaml lacks, at the first paper (newest first) naming it,
    saying how many others do (a tag renamed in tags.yaml alone is still in all its papers)."""
    first, others = papers[0], len(papers) - 1
    also = f" ({others:,} other {'paper names' if others == 1 else 'papers name'} it too)" if others else ""
    return Diagnostic(first.path, first.tags_line, f"tag '{slug}' is not defined in tags.yaml{also}",
                      f"add it to {PurePosixPath(config.content_dir, 'tags.yaml')}",
                      severity="error" if config.strict else "warning")


def group_authors(papers: Sequence[Paper], minimum: int
                  ) -> tuple[tuple[Author, ...], dict[str, tuple[Paper, ...]], dict[str, str]]:
    """Authors with at least ``minimum`` papers (0: none), keyed by the slug of their name; and
    each spelling of their names, with its slug."""
    if minimum <= 0:
        return (), {}, {}
    groups: dict[str, list[Paper]] = {}
    names: dict[str, str] = {}
    slugs: dict[str, str] = {}  # names recur: each is folded once
    for paper in papers:
        for name in dict.fromkeys(paper.authors):
            slug = slugs.get(name)
            if slug is None:
                slug = slugs[name] = author_slug(name)
            names.setdefault(slug, name)
            groups.setdefault(slug, []).append(paper)
    kept = sorted((s for s in groups if len(groups[s]) >= minimum), key=lambda s: (-len(groups[s]), s))
    by_author = {s: tuple(groups[s]) for s in kept}
    return (tuple(Author(s, names[s]) for s in kept), by_author,
            {name: slug for name, slug in slugs.items() if slug in by_author})


def paginate(papers: Sequence[Paper], size: int, url: Callable[[int], str], title: str,
             tag: Tag | None = None, kind: str = "home") -> Iterator[Listing]:
    pages = max(1, ceil(len(papers) / size))
    page_urls = tuple(url(page) for page in range(1, pages + 1))
    for page in range(1, pages + 1):
        yield Listing(
            url=page_urls[page - 1], title=title, papers=tuple(papers[(page - 1) * size : page * size]), page=page,
            pages=pages, prev_url=page_urls[page - 2] if page > 1 else None,
            next_url=page_urls[page] if page < pages else None, tag=tag, total=len(papers), kind=kind,
            page_urls=page_urls,
        )


def listings(site: Site, holding: Sequence[Paper] | None = None) -> Iterator[Listing]:
    """Every listing page: home, each tag, each author with a page, each year. With ``holding``,
    the home pages and the listings of the groups those papers are in (their tags, their authors
    with a page, their year): the only listings an edit of those papers can change."""
    size = site.config.page_size
    tags = authors = years = None
    if holding is not None:
        pages = site.author_pages()
        tags = {slug for paper in holding for slug in paper.tags}
        authors = {pages[name] for paper in holding for name in paper.authors if name in pages}
        years = {paper.date[:4] for paper in holding if paper.date}
    yield from paginate(site.papers, size, home_url, site.config.title)
    for tag in site.tags:
        if tags is None or tag.slug in tags:
            yield from paginate(site.by_tag[tag.slug], size, partial(tag_url, tag.slug), tag.name, tag, "tag")
    for author in site.authors:
        if authors is None or author.slug in authors:
            papers = (site.by_author or {})[author.slug]
            yield from paginate(papers, size, partial(author_url, author.slug), author.name, kind="author")
    for year, papers in (site.by_year or {}).items():
        if years is None or year in years:
            yield from paginate(papers, size, partial(year_url, year), year, kind="year")
