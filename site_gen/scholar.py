"""What a paper page's ``<head>`` tells scholarly search engines and link previews.

``paper_head(paper, config, tag_names)`` returns all of it at once (the plain text of the
paper is worked out once); the single functions give the same parts one by one. Values are
plain text (Markdown and LaTeX stripped) for templates that escape attributes as usual:

    {% if head.canonical %}<link rel="canonical" href="{{ head.canonical }}">{% endif %}
    {% for k, v in head.highwire %}<meta name="{{ k }}" content="{{ v }}">{% endfor %}
    {% for k, v in head.open_graph %}<meta property="{{ k }}" content="{{ v }}">{% endfor %}
    {% for k, v in head.twitter %}<meta name="{{ k }}" content="{{ v }}">{% endfor %}
    <script type="application/ld+json">{{ head.json_ld | safe }}</script>

and on the home page ``<script type="application/ld+json">{{ site_json_ld | safe }}</script>``
with ``json_ld_site(config)``.

- Highwire Press ``citation_*`` tags, what Google Scholar reads: title, one
  ``citation_author`` per author, dates as ``YYYY/MM/DD`` (or ``YYYY`` when the day is not
  known), venue as journal or conference title, DOI, arXiv id, absolute PDF and page URLs.
- schema.org ``ScholarlyArticle`` and ``WebSite`` (with a ``SearchAction`` on the search
  page) as compact JSON that is safe inside ``<script>``: ``<``, ``>``, ``&``, U+2028 and
  U+2029 are written as ``\\u`` escapes, so no field can close the element or open a comment.
- OpenGraph (``og:*``, ``article:*``) and a Twitter ``summary`` card, whose title and
  description X reads from the OpenGraph tags.

The whole abstract is in the page's body; the head carries the ``description`` (the first
200 characters or so) alone, in its ``<meta>`` tags and in JSON-LD: a copy of the abstract in
every head would cost 1.7 KB a page, 85 MB at 50,000 papers.

Absolute URLs come from ``site_url``. Without it, fields that must be absolute (the
Highwire page URL, ``og:url``, the canonical link) are left out, and JSON-LD, which resolves
relative references against the page, uses the path under the base URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from .citation import entry_type
from .config import SiteConfig
from .model import Paper
from .site import SEARCH_URL, paper_url
from .textutil import escape_str, plain_text, snippet

DESCRIPTION_CHARS = 200  # link previews cut the abstract near this length
SEARCH_TEMPLATE = "search_term_string"
_VENUE_TAG = {
    "article": "citation_journal_title",
    "inproceedings": "citation_conference_title",
    "conference": "citation_conference_title",
    "proceedings": "citation_conference_title",
    "incollection": "citation_inbook_title",
    "inbook": "citation_inbook_title",
    "techreport": "citation_technical_report_institution",
    "phdthesis": "citation_dissertation_institution",
    "mastersthesis": "citation_dissertation_institution",
}
_PAGES = re.compile(r"^\s*([^-–—\s]+)\s*(?:-+|–|—)\s*([^-–—\s]+)\s*$")

Meta = list[tuple[str, str]]
_short_plain = lru_cache(maxsize=8192)(plain_text)  # names, tags and venues recur across papers


@dataclass(frozen=True, slots=True)
class PaperHead:
    """Everything a paper page's ``<head>`` needs, computed in one pass over the paper."""

    canonical: str | None  # <link rel="canonical">; None without site_url
    highwire: Meta  # <meta name=... content=...>
    open_graph: Meta  # <meta property=... content=...>
    twitter: Meta  # <meta name=... content=...>
    json_ld: str  # the body of <script type="application/ld+json">, safe as it is

    def html(self) -> Markup:
        """Every tag above, escaped, as the default theme writes them into ``<head>``."""
        tags = [("name", k, v) for k, v in self.highwire]  # names are ours
        tags += [("property", k, v) for k, v in self.open_graph]
        tags += [("name", k, v) for k, v in self.twitter]
        contents = escape_each([v for _, _, v in tags])
        html = [f'<meta {attr}="{k}" content="{v}">\n' for (attr, k, _), v in zip(tags, contents, strict=True)]
        html.append(f'<script type="application/ld+json">{self.json_ld}</script>\n')
        return Markup("".join(html))


def escape_each(values: list[str]) -> list[str]:
    """``[str(escape(v)) for v in values]``, without making a Markup of each (the values of a
    page's tags are many and short)."""
    return [escape_str(v) for v in values]


@dataclass(frozen=True, slots=True)
class _Texts:
    title: str
    abstract: str
    description: str
    authors: tuple[str, ...]
    keywords: tuple[str, ...]


def paper_head(paper: Paper, config: SiteConfig, tag_names: Mapping[str, str] | None = None,
               abstract_text: str | None = None) -> PaperHead:
    """All of a paper page's metadata; ``abstract_text`` is the plain abstract if already known."""
    texts = _texts(paper, tag_names, abstract_text)
    return PaperHead(canonical_url(paper, config), _highwire(paper, config, texts),
                     _open_graph(paper, config, texts), _twitter(),
                     _json_ld(paper, config, texts))


def canonical_url(paper: Paper, config: SiteConfig) -> str | None:
    """The paper page's absolute URL, or None when ``site_url`` is not set."""
    return config.site_url + paper_url(paper.slug) if config.site_url else None


def highwire_meta(paper: Paper, config: SiteConfig,
                  tag_names: Mapping[str, str] | None = None) -> Meta:
    """Highwire Press ``citation_*`` (name, content) pairs, in Google Scholar's order."""
    return _highwire(paper, config, _texts(paper, tag_names))


def json_ld_paper(paper: Paper, config: SiteConfig,
                  tag_names: Mapping[str, str] | None = None) -> str:
    """A schema.org ``ScholarlyArticle`` for the paper's page, as script-safe JSON."""
    return _json_ld(paper, config, _texts(paper, tag_names))


def open_graph(paper: Paper, config: SiteConfig,
               tag_names: Mapping[str, str] | None = None) -> Meta:
    """OpenGraph (property, content) pairs: ``og:*`` and ``article:*``."""
    return _open_graph(paper, config, _texts(paper, tag_names))


def twitter_card(paper: Paper, config: SiteConfig) -> Meta:
    """Twitter/X card (name, content) pairs: a ``summary`` card, whose text X reads from OpenGraph."""
    return _twitter()


def json_ld_site(config: SiteConfig) -> str:
    """A schema.org ``WebSite`` whose ``SearchAction`` opens the search page with ``?q=``."""
    data: dict[str, Any] = {"@context": "https://schema.org", **_website(config)}
    if config.description:
        data["description"] = plain_text(config.description)
    data["potentialAction"] = {
        "@type": "SearchAction",
        "target": {"@type": "EntryPoint",
                   "urlTemplate": config.absolute(SEARCH_URL) + "?q={" + SEARCH_TEMPLATE + "}"},
        "query-input": f"required name={SEARCH_TEMPLATE}",
    }
    return script_json(data)


def _texts(paper: Paper, tag_names: Mapping[str, str] | None,
           abstract_text: str | None = None) -> _Texts:
    abstract = plain_text(paper.abstract_md) if abstract_text is None else abstract_text
    names = tag_names or {}
    keywords = tuple(_short_plain(names.get(slug) or slug.replace("-", " ").capitalize())
                     for slug in paper.tags)
    authors = tuple(name for name in map(_short_plain, paper.authors) if name)
    return _Texts(plain_text(paper.title), abstract, snippet(abstract, DESCRIPTION_CHARS),
                  authors, keywords)


def _highwire(paper: Paper, config: SiteConfig, texts: _Texts) -> Meta:
    extra = dict(paper.extra)
    meta: Meta = [("citation_title", texts.title)]
    meta += [("citation_author", name) for name in texts.authors]
    published = _scholar_date(paper.date or _year_month(extra))
    if published:
        meta.append(("citation_publication_date", published))
    if paper.date:
        meta.append(("citation_online_date", _scholar_date(paper.date)))
    if paper.venue:
        tag = _VENUE_TAG.get(entry_type(paper), "citation_journal_title")
        meta.append((tag, _short_plain(paper.venue)))
    for key, name in (("volume", "citation_volume"), ("number", "citation_issue"), ("publisher", "citation_publisher")):
        if extra.get(key):
            meta.append((name, _short_plain(str(extra[key]))))
    pages = _PAGES.match(str(extra.get("pages", "")))
    if pages:
        meta += [("citation_firstpage", pages.group(1)), ("citation_lastpage", pages.group(2))]
    if paper.doi:
        meta.append(("citation_doi", paper.doi))
    if paper.arxiv:
        meta.append(("citation_arxiv_id", paper.arxiv))
    pdf = _pdf_url(paper)
    if pdf:
        meta.append(("citation_pdf_url", pdf))
    page = canonical_url(paper, config)
    if page and texts.abstract:  # the page holds the abstract only when there is one
        meta.append(("citation_abstract_html_url", page))
    if texts.keywords:
        meta.append(("citation_keywords", "; ".join(texts.keywords)))
    if config.language:
        meta.append(("citation_language", config.language))
    return meta


def _json_ld(paper: Paper, config: SiteConfig, texts: _Texts) -> str:
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ScholarlyArticle",
                            "headline": texts.title, "name": texts.title}
    if texts.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in texts.authors]
    published = paper.date or _iso_year_month(dict(paper.extra))
    if published:
        data["datePublished"] = published
    if texts.description:
        data["description"] = texts.description
    data["url"] = config.absolute(paper_url(paper.slug))
    identifiers = [("arXiv", paper.arxiv), ("DOI", paper.doi)]
    found = [{"@type": "PropertyValue", "propertyID": kind, "value": value}
             for kind, value in identifiers if value]
    if found:
        data["identifier"] = found
    same_as = _same_as(paper)
    if same_as:
        data["sameAs"] = same_as
    if texts.keywords:
        data["keywords"] = list(texts.keywords)
    if config.language:
        data["inLanguage"] = config.language
    data["isPartOf"] = _website(config)
    return script_json(data)


def _open_graph(paper: Paper, config: SiteConfig, texts: _Texts) -> Meta:
    meta: Meta = [("og:type", "article"), ("og:title", texts.title)]
    if texts.description:
        meta.append(("og:description", texts.description))
    page = canonical_url(paper, config)
    if page:
        meta.append(("og:url", page))
    meta.append(("og:site_name", _short_plain(config.title)))
    if paper.date:
        meta.append(("article:published_time", paper.date))
    meta += [("article:author", name) for name in texts.authors]
    meta += [("article:tag", name) for name in texts.keywords]
    return meta


def _twitter() -> Meta:
    """The card's kind: X takes its title and description from ``og:title`` and ``og:description``."""
    return [("twitter:card", "summary")]


def script_json(data: Any) -> str:
    """Compact ASCII JSON that can sit in ``<script>`` as it is: no ``</script>``, ``<!--``."""
    text = json.dumps(data, separators=(",", ":"))  # U+2028, U+2029 and all non-ASCII as \\u
    if "<" in text or ">" in text or "&" in text:
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text


def _website(config: SiteConfig) -> dict[str, Any]:
    return {"@type": "WebSite", "name": _short_plain(config.title), "url": config.absolute("")}


def _scholar_date(value: str | None) -> str:
    """'2025-03-11' -> '2025/03/11'; a year and month or a year alone -> the year."""
    if not value:
        return ""
    parts = value.split("-")
    return "/".join(parts) if len(parts) == 3 else parts[0]


def _year_month(extra: Mapping[str, Any]) -> str | None:
    return str(extra["year"]) if extra.get("year") else None


def _iso_year_month(extra: Mapping[str, Any]) -> str | None:
    if not extra.get("year"):
        return None
    month = extra.get("month")
    return f"{int(extra['year']):04d}" + (f"-{int(month):02d}" if month else "")


def _pdf_url(paper: Paper) -> str | None:
    if paper.pdf:
        return paper.pdf
    return f"https://arxiv.org/pdf/{quote(paper.arxiv, safe='/')}" if paper.arxiv else None


def _same_as(paper: Paper) -> list[str]:
    links = [f"https://arxiv.org/abs/{quote(paper.arxiv, safe='/')}" if paper.arxiv else None,
             f"https://doi.org/{quote(paper.doi, safe='/')}" if paper.doi else None, paper.url]
    return list(dict.fromkeys(link for link in links if link))
