"""What a paper page's ``<head>`` tells scholarly search engines and link previews.

Each function returns plain data for the templates; every value is plain text (Markdown and
LaTeX stripped), and the templates escape attribute values as usual:

    {% for k, v in highwire %}<meta name="{{ k }}" content="{{ v }}">{% endfor %}
    {% for k, v in open_graph %}<meta property="{{ k }}" content="{{ v }}">{% endfor %}
    {% for k, v in twitter %}<meta name="{{ k }}" content="{{ v }}">{% endfor %}
    <script type="application/ld+json">{{ json_ld | safe }}</script>

- ``highwire_meta``: Highwire Press ``citation_*`` tags, what Google Scholar reads: title,
  one ``citation_author`` per author, dates as ``YYYY/MM/DD`` (or ``YYYY`` when the day is
  not known), venue as journal or conference title, DOI, arXiv id, absolute PDF and page URLs.
- ``json_ld_paper`` / ``json_ld_site``: schema.org ``ScholarlyArticle`` and ``WebSite`` (with a
  ``SearchAction`` on the search page) as compact JSON that is safe inside ``<script>``:
  ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\u`` escapes, so no field can
  close the script element or open a comment.
- ``open_graph`` / ``twitter_card``: link previews (``og:*``, ``article:*``, ``twitter:*``).

Absolute URLs come from ``site_url``. Without it, fields that must be absolute (the
Highwire page URL, ``og:url``, the canonical link) are left out, and JSON-LD, which resolves
relative references against the page, uses the path under the base URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .citation import entry_type
from .config import SiteConfig
from .model import Paper
from .site import SEARCH_URL, paper_url
from .textutil import plain_text, snippet

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
_JSON_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                "\u2029": "\\u2029"}
_JSON_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")

Meta = list[tuple[str, str]]


def canonical_url(paper: Paper, config: SiteConfig) -> str | None:
    """The paper page's absolute URL, or None when ``site_url`` is not set."""
    return config.site_url + paper_url(paper.slug) if config.site_url else None


def highwire_meta(paper: Paper, config: SiteConfig,
                  tag_names: Mapping[str, str] | None = None) -> Meta:
    """Highwire Press ``citation_*`` (name, content) pairs, in Google Scholar's order."""
    extra = dict(paper.extra)
    meta: Meta = [("citation_title", plain_text(paper.title))]
    meta += [("citation_author", name) for name in _authors(paper)]
    published = _scholar_date(paper.date or _year_month(extra))
    if published:
        meta.append(("citation_publication_date", published))
    if paper.date:
        meta.append(("citation_online_date", _scholar_date(paper.date)))
    if paper.venue:
        tag = _VENUE_TAG.get(entry_type(paper), "citation_journal_title")
        meta.append((tag, plain_text(paper.venue)))
    for key, name in (("volume", "citation_volume"), ("publisher", "citation_publisher")):
        if extra.get(key):
            meta.append((name, plain_text(str(extra[key]))))
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
    if page:
        meta.append(("citation_abstract_html_url", page))
    keywords = _tag_names(paper, tag_names)
    if keywords:
        meta.append(("citation_keywords", "; ".join(keywords)))
    if config.language:
        meta.append(("citation_language", config.language))
    return meta


def json_ld_paper(paper: Paper, config: SiteConfig,
                  tag_names: Mapping[str, str] | None = None) -> str:
    """A schema.org ``ScholarlyArticle`` for the paper's page, as script-safe JSON."""
    title = plain_text(paper.title)
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ScholarlyArticle",
                            "headline": title, "name": title}
    authors = _authors(paper)
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors]
    published = paper.date or _iso_year_month(dict(paper.extra))
    if published:
        data["datePublished"] = published
    abstract = plain_text(paper.abstract_md)
    if abstract:
        data["abstract"] = abstract
    data["url"] = config.absolute(paper_url(paper.slug))
    identifiers = [("arXiv", paper.arxiv), ("DOI", paper.doi)]
    found = [{"@type": "PropertyValue", "propertyID": kind, "value": value}
             for kind, value in identifiers if value]
    if found:
        data["identifier"] = found
    same_as = _same_as(paper)
    if same_as:
        data["sameAs"] = same_as
    keywords = _tag_names(paper, tag_names)
    if keywords:
        data["keywords"] = keywords
    if config.language:
        data["inLanguage"] = config.language
    data["isPartOf"] = _website(config)
    return script_json(data)


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


def open_graph(paper: Paper, config: SiteConfig,
               tag_names: Mapping[str, str] | None = None) -> Meta:
    """OpenGraph (property, content) pairs: ``og:*`` and ``article:*``."""
    meta: Meta = [("og:type", "article"), ("og:title", plain_text(paper.title))]
    description = _description(paper)
    if description:
        meta.append(("og:description", description))
    page = canonical_url(paper, config)
    if page:
        meta.append(("og:url", page))
    meta.append(("og:site_name", plain_text(config.title)))
    if paper.date:
        meta.append(("article:published_time", paper.date))
    meta += [("article:author", name) for name in _authors(paper)]
    meta += [("article:tag", name) for name in _tag_names(paper, tag_names)]
    return meta


def twitter_card(paper: Paper, config: SiteConfig) -> Meta:
    """Twitter/X card (name, content) pairs: a ``summary`` card."""
    meta: Meta = [("twitter:card", "summary"), ("twitter:title", plain_text(paper.title))]
    description = _description(paper)
    if description:
        meta.append(("twitter:description", description))
    return meta


def script_json(data: Any) -> str:
    """Compact JSON that can sit in ``<script>`` as it is: no ``</script>``, ``<!--``, ``]]>``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _JSON_UNSAFE_RE.sub(lambda m: _JSON_UNSAFE[m.group()], text)


def _website(config: SiteConfig) -> dict[str, Any]:
    return {"@type": "WebSite", "name": plain_text(config.title), "url": config.absolute("")}


def _authors(paper: Paper) -> list[str]:
    return [name for name in (plain_text(a) for a in paper.authors) if name]


def _tag_names(paper: Paper, tag_names: Mapping[str, str] | None) -> list[str]:
    names = tag_names or {}
    return [plain_text(names.get(slug) or slug.replace("-", " ").capitalize())
            for slug in paper.tags]


def _description(paper: Paper) -> str:
    return snippet(plain_text(paper.abstract_md), DESCRIPTION_CHARS)


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
    return f"https://arxiv.org/pdf/{paper.arxiv}" if paper.arxiv else None


def _same_as(paper: Paper) -> list[str]:
    links = [f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None,
             f"https://doi.org/{paper.doi}" if paper.doi else None, paper.url]
    return list(dict.fromkeys(link for link in links if link))
