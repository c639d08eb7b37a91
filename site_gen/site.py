"""The site as data: order, tag groups, pagination and the URL scheme, in one place. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from math import ceil

from .config import SiteConfig
from .errors import Diagnostic
from .model import Listing, Paper, Tag


def paper_url(slug: str) -> str:
    return f"papers/{slug}/"


def tag_url(slug: str, page: int = 1) -> str:
    return f"tags/{slug}/" + (f"page/{page}/" if page > 1 else "")


def home_url(page: int = 1) -> str:
    return f"page/{page}/" if page > 1 else ""


TAGS_URL = "tags/"
SEARCH_URL = "search/"


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    papers: tuple[Paper, ...]  # newest first; undated last
    tags: tuple[Tag, ...]  # every tag that has papers, taxonomy order first
    by_tag: dict[str, tuple[Paper, ...]]

    def tag(self, slug: str) -> Tag:
        return next(t for t in self.tags if t.slug == slug)

    @property
    def tag_names(self) -> dict[str, str]:
        return {t.slug: t.name for t in self.tags}


def newest_first(papers: Sequence[Paper]) -> tuple[Paper, ...]:
    by_title = sorted(papers, key=lambda p: (p.title.casefold(), p.slug))
    return tuple(sorted(by_title, key=lambda p: p.date or "", reverse=True))


def assemble(config: SiteConfig, papers: Sequence[Paper], taxonomy: Sequence[Tag]) -> tuple[Site, list[Diagnostic]]:
    """Order papers, group them by tag; tags missing from the taxonomy are warned about (errors if strict)."""
    ordered = newest_first(papers)
    known = {t.slug: t for t in taxonomy}
    groups: dict[str, list[Paper]] = {}
    problems: list[Diagnostic] = []
    for paper in ordered:
        for slug in paper.tags:
            if slug not in known and slug not in groups:
                problems.append(Diagnostic(paper.path, 0, f"tag '{slug}' is not defined in tags.yaml",
                                           "add it to content/tags.yaml",
                                           severity="error" if config.strict else "warning"))
            groups.setdefault(slug, []).append(paper)
    tags = [t for t in taxonomy if t.slug in groups]
    tags += [Tag(slug=s, name=s.replace("-", " ").capitalize()) for s in sorted(groups) if s not in known]
    by_tag = {slug: tuple(items) for slug, items in groups.items()}
    return Site(config, ordered, tuple(tags), by_tag), problems


def paginate(papers: Sequence[Paper], size: int, url: Callable[[int], str], title: str,
             tag: Tag | None = None) -> Iterator[Listing]:
    pages = max(1, ceil(len(papers) / size))
    for page in range(1, pages + 1):
        yield Listing(
            url=url(page), title=title, papers=tuple(papers[(page - 1) * size : page * size]), page=page,
            pages=pages, prev_url=url(page - 1) if page > 1 else None,
            next_url=url(page + 1) if page < pages else None, tag=tag, total=len(papers),
        )


def home_listings(site: Site) -> Iterator[Listing]:
    return paginate(site.papers, site.config.page_size, home_url, site.config.title)


def tag_listings(site: Site, tag: Tag) -> Iterator[Listing]:
    return paginate(site.by_tag[tag.slug], site.config.page_size, lambda n: tag_url(tag.slug, n), tag.name, tag)

