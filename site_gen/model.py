"""The records that flow through the pipeline. Frozen, slotted, tuples inside; nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any


@dataclass(frozen=True, slots=True)
class PaperDraft:
    """What an importer produces: one paper before it has a slug or a file."""

    title: str
    abstract: str
    date: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    arxiv: str | None = None
    doi: str | None = None
    venue: str | None = None
    url: str | None = None
    pdf: str | None = None
    code: str | None = None
    source: str | None = None
    line: int = 0  # where the paper starts in the imported file
    extra: tuple[tuple[str, Any], ...] = ()  # further front-matter keys known to the schema


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper file, validated."""

    slug: str
    title: str
    abstract_md: str
    path: str  # the source file, as shown in diagnostics
    body_line: int = 1
    date: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    arxiv: str | None = None
    doi: str | None = None
    venue: str | None = None
    url: str | None = None
    pdf: str | None = None
    code: str | None = None
    source: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()
    tags_line: int = 0  # the line of the ``tags`` key in the file, for diagnostics about tags

    @property
    def et_al(self) -> bool:
        """True when ``authors`` are the first of more (BibTeX's ``and others``)."""
        return ("et_al", True) in self.extra

    def __getstate__(self) -> tuple[Any, ...]:  # the build cache pickles every paper: a tuple is fastest
        return tuple(getattr(self, name) for name in _PAPER_FIELDS)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(_PAPER_FIELDS, state, strict=True):
            object.__setattr__(self, name, value)


_PAPER_FIELDS = tuple(Paper.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Rule:
    """A tag rule: a compiled regular expression matched against title and abstract."""

    pattern: str
    field: str = "any"  # "title", "abstract" or "any"
    keyword: str = ""  # the keyword ``pattern`` was made from; "" for a regular expression


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag of the taxonomy: a paper gets it when a rule matches and no exclusion does."""

    slug: str
    name: str
    description: str = ""
    rules: tuple[Rule, ...] = ()
    exclude: tuple[Rule, ...] = ()  # any match here vetoes the tag


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: PurePosixPath  # relative to the output folder
    data: bytes


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a paginated list of papers: the home page, a tag, an author or a year."""

    url: str  # relative to the base path, e.g. "" or "page/2/" or "tags/asr/page/2/"
    title: str
    papers: tuple[Paper, ...]
    page: int
    pages: int
    prev_url: str | None
    next_url: str | None
    tag: Tag | None = None
    total: int = 0
    kind: str = "home"  # "home", "tag", "author", "year": the template is <kind>.html (home: listing.html)
    page_urls: tuple[str, ...] = ()  # of every page of the list, the first's first

    @property
    def shown(self) -> tuple[int, tuple[str, ...]]:
        """What of the catalogue the page shows, besides the papers' own text: how many papers its
        list holds (in its count and pagination) and which are on this page."""
        return self.total, tuple(paper.slug for paper in self.papers)

    def numbered(self, around: int = 2) -> list[tuple[int, str | None]]:
        """(number, URL) of the pages a pagination links by number: the first and the last, and
        those within ``around`` of this one; ``(0, None)`` where pages are left out."""
        shown = sorted({1, self.pages, *range(max(1, self.page - around), min(self.pages, self.page + around) + 1)})
        links: list[tuple[int, str | None]] = []
        for number in shown:
            if links and number - links[-1][0] == 2:  # one page left out: its number is as short as a gap
                links.append((number - 1, self.page_urls[number - 2]))
            elif links and number - links[-1][0] > 2:
                links.append((0, None))
            links.append((number, self.page_urls[number - 1]))
        return links
