"""arXiv API Atom XML and arXiv's announcement feeds -> paper drafts.

Three shapes of file are read, told apart by their root element:

* An API response (``<feed>`` of ``<entry>``, or one ``<entry>``), in the
  layout the API had until 2025 (``xmlns:arxiv`` on each element, abstracts
  hard-wrapped) and in its later one (namespaces on the root, one line per
  paragraph).
* An announcement feed of a category, in Atom (``rss.arxiv.org/atom/cs.LG``:
  ``<entry>`` whose id is ``oai:arXiv.org:2402.00001v1``) or in RSS 2.0
  (``rss.arxiv.org/rss/cs.LG``: ``<rss><channel><item>``). The abstract starts
  ``arXiv:2402.00001v1 Announce Type: new Abstract:``, which is left out; the
  authors are one comma-separated ``<dc:creator>``.
* The RSS 1.0 (RDF) feed that ``export.arxiv.org/rss`` served before 2024:
  ``<item>`` whose title ends ``(arXiv:1805.08875v1 [hep-ex] UPDATED)`` and
  whose abstract and authors are HTML.

The XML is read with the standard library's expat, which builds an
ElementTree while it records the line of every element. A document type
declaration is refused outright: none of these files has one, and without one
there are no entities to expand, internal or external. A file whose text was
decoded twice (UTF-8 read as Latin-1 and saved again, ``WÃ¼bben`` for
``Wübben``) is mended first, with a warning.

A file without entries (a search without results, a feed of a day without
announcements) imports nothing, with a warning. Per paper: the title and the
abstract are required (else it is skipped with a warning); the id (``<id>``,
``<guid>`` or ``rdf:about``) gives ``arxiv`` without version (``2510.14968``,
``hep-th/9901001``), ``url`` and ``pdf``;
``arxiv:doi`` gives ``doi`` and ``arxiv:journal_ref`` gives ``venue``, its TeX
accents as Unicode (the feeds spell them ``arxiv:DOI`` and
``arxiv:journal_reference``); the authors are the ``<author>`` names or the
names of ``<dc:creator>`` (an ``et al.`` left out). The title's and the
authors' TeX accents and letters (``G\\"odel``, ``\\v{c}``, ``\\ss``) become Unicode
too, their math and any other backslash staying as written; the primary
category and the others give the extra key ``categories``, primary first.

The date is the API's ``<published>`` (the first version's submission). A
feed's date is the day of the announcement, which is the paper's own date only
for a new paper (announce type ``new``): a replacement (``replace``,
``replace-cross``) or a cross-listing (``cross``, perhaps of an old paper)
gets the month its id names (``2203.01250`` -> ``2022-03``), as does an
RSS 1.0 item, which has no date of its own.
"""

from __future__ import annotations

import email.utils
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import NamedTuple
from xml.parsers import expat

from ..errors import Diagnostic, ImportFailed
from ..model import PaperDraft
from ..schema import arxiv_id
from . import ImportResult
from ._latex import latex_to_text, tex_accents
from ._text import (
    Unread,
    arxiv_abstract,
    arxiv_urls,
    collapse,
    doi_id,
    http_url,
    iso_day,
    warning,
)

SOURCE = "arxiv"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"

# The elements of an entry or item that are read, in any of the shapes, and those known and left
# out (``arxiv:comment``: "12 pages, 3 figures"; ``dc:rights``: the licence's URL).
_KNOWN = frozenset({
    *(f"{ATOM}{name}" for name in ("id", "title", "summary", "author", "published", "updated", "link", "category")),
    *(f"{ARXIV}{name}" for name in ("primary_category", "doi", "DOI", "journal_ref", "journal_reference",
                                    "announce_type", "comment")),
    *("title", "link", "description", "guid", "category", "pubDate"),
    *(f"{RSS1}{name}" for name in ("title", "link", "description")),
    f"{DC}creator", f"{DC}rights",
})  # fmt: skip
_PREFIXES = {ARXIV: "arxiv:", DC: "dc:"}
# "arXiv:2402.00001v1 Announce Type: new \nAbstract: ..." opening a feed's abstract
_ANNOUNCED = re.compile(r"\s*arXiv:\S+\s+Announce Type:\s*([\w-]+)\s*(?:Abstract:[ \t]*)?", re.IGNORECASE)
# " (arXiv:1805.06430v2 [nucl-th] UPDATED)" ending an RSS 1.0 title, after the period arXiv added
_RDF_SUFFIX = re.compile(r"\.?\s*\(arXiv:(\S+)\s+\[([^\]]+)\](?:\s+([A-Z][A-Z ]*))?\)\s*$")
_RDF_KINDS = {"UPDATED": "replace", "CROSS LISTED": "cross"}
_TAG = re.compile(r"<[^<>]*>")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ET_AL = re.compile(r"et al\b")  # "R. Aaij, et al. (909 additional authors not shown)"


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


class _Record(NamedTuple):
    """One paper as the file gives it, whatever its shape."""

    line: int
    id: str
    title: str
    summary: str
    authors: tuple[str, ...]
    date: str  # as written
    date_tag: str  # where the date comes from, for warnings
    doi: str
    venue: str
    categories: tuple[str, ...]
    url: str | None
    pdf: str | None
    announced: str | None  # a feed's announce type; None in an API response
    unknown: tuple[str, ...]  # the elements of the entry that are neither read nor known


def parse(text: str, path: str) -> ImportResult:
    text, mended = _mended(text.removeprefix("\ufeff"))
    root, lines = _read(text, path)
    warnings: list[Diagnostic] = []
    if mended:
        message = "the file's text was decoded twice (UTF-8 read as Latin-1); it was mended"
        warnings.append(warning(path, mended, message))
    drafts: list[PaperDraft] = []
    records = _records(root, lines, path)
    if not records:
        message = "the file has no entries (a search without results, or a feed of a day without announcements)"
        warnings.append(warning(path, 1, message))
    unread = Unread()
    for record in records:
        draft = _draft(record)
        if isinstance(draft, PaperDraft):
            drafts.append(draft)
            unread.add(record.unknown, record.line)
        warnings.extend(warning(path, record.line, message) for message in _notes(record, draft))
    return drafts, warnings + unread.warning(path, "entries")


def _mended(text: str) -> tuple[str, int]:
    """The text as it was before it was decoded twice, and the line of its first non-ASCII
    character; the text itself and 0 if it was not. Only a text whose every character is one
    byte in Latin-1 (or Windows-1252) can be such, and only if those bytes are UTF-8."""
    first = _NON_ASCII.search(text)
    if first is None:
        return text, 0
    for encoding in ("latin-1", "cp1252"):
        try:
            mended = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        return mended, text.count("\n", 0, first.start()) + 1
    return text, 0


def _read(text: str, path: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The document's root element and the line where each element starts."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    lines: dict[ET.Element, int] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        element = builder.start(_clark(name), {_clark(k): v for k, v in attrs.items()})
        lines[element] = parser.CurrentLineNumber

    def refuse_doctype(*_: object) -> None:
        raise _Refused("a document type declaration (<!DOCTYPE>) is not allowed")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(_clark(name))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        message = f"invalid XML: {expat.ErrorString(exc.code)} (column {exc.offset + 1})"
        raise ImportFailed([Diagnostic(path, exc.lineno, message)]) from None
    except _Refused as exc:
        raise ImportFailed([Diagnostic(path, parser.CurrentLineNumber, exc.message)]) from None
    return builder.close(), lines


def _clark(name: str) -> str:
    """expat's ``uri}local`` as ElementTree's ``{uri}local``."""
    return "{" + name if "}" in name else name


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _records(root: ET.Element, lines: dict[ET.Element, int], path: str) -> list[_Record]:
    if root.tag == f"{ATOM}entry":
        entries = [root]
    elif root.tag == f"{ATOM}feed":
        entries = root.findall(f"{ATOM}entry")
    elif root.tag == "rss":
        return [_rss_record(item, lines[item]) for item in root.findall("channel/item")]
    elif root.tag == f"{RDF}RDF":
        return [_rdf_record(item, lines[item]) for item in root.findall(f"{RSS1}item")]
    else:
        message = (
            f"expected an Atom <feed> from the arXiv API or an arXiv RSS feed, "
            f"found <{_local(root.tag)}>"
        )
        raise ImportFailed([Diagnostic(path, 1, message)])
    for entry in entries:
        _refuse_api_error(entry, path, lines[entry])
    return [_atom_record(entry, lines[entry]) for entry in entries]


def _refuse_api_error(entry: ET.Element, path: str, line: int) -> None:
    """The API reports a bad query as a feed whose one entry is the error."""
    if "/api/errors" in _text(entry, f"{ATOM}id"):
        message = f"the arXiv API returned an error: {collapse(_text(entry, f'{ATOM}summary'))}"
        raise ImportFailed([Diagnostic(path, line, message)])


def _atom_record(entry: ET.Element, line: int) -> _Record:
    """An API entry, or an entry of an Atom announcement feed."""
    summary, announced = _announcement(_text(entry, f"{ATOM}summary"))
    announced = _text(entry, f"{ARXIV}announce_type").strip() or announced
    authors = tuple(
        name
        for author in entry.findall(f"{ATOM}author")
        if (name := collapse(_text(author, f"{ATOM}name")))
    )
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [primary.get("term", "")] if primary is not None else []
    categories += [c.get("term", "") for c in entry.findall(f"{ATOM}category")]
    date_tag = "published" if entry.find(f"{ATOM}published") is not None else "updated"
    return _Record(
        line=line,
        id=_text(entry, f"{ATOM}id"),
        title=_text(entry, f"{ATOM}title"),
        summary=summary,
        authors=authors or _creators(_text(entry, f"{DC}creator")),
        date=_text(entry, f"{ATOM}{date_tag}"),
        date_tag=f"<{date_tag}>",
        doi=_text(entry, f"{ARXIV}doi") or _text(entry, f"{ARXIV}DOI"),
        venue=_text(entry, f"{ARXIV}journal_ref") or _text(entry, f"{ARXIV}journal_reference"),
        categories=_unique(categories),
        url=_link(entry, "alternate"),
        pdf=_link(entry, "pdf"),
        announced=announced,
        unknown=_unknown(entry),
    )


def _rss_record(item: ET.Element, line: int) -> _Record:
    """An item of an RSS 2.0 announcement feed."""
    summary, announced = _announcement(_text(item, "description"))
    return _Record(
        line=line,
        id=_text(item, "guid") or _text(item, "link"),
        title=_text(item, "title"),
        summary=summary,
        authors=_creators(_text(item, f"{DC}creator")),
        date=_rfc822_day(_text(item, "pubDate")),
        date_tag="<pubDate>",
        doi=_text(item, f"{ARXIV}DOI") or _text(item, f"{ARXIV}doi"),
        venue=_text(item, f"{ARXIV}journal_reference") or _text(item, f"{ARXIV}journal_ref"),
        categories=_unique(c.text or "" for c in item.findall("category")),
        url=http_url(_text(item, "link")),
        pdf=None,
        announced=_text(item, f"{ARXIV}announce_type").strip() or announced,
        unknown=_unknown(item),
    )


def _rdf_record(item: ET.Element, line: int) -> _Record:
    """An item of the RSS 1.0 feed: its title ends with the id, the category and the kind."""
    title = _text(item, f"{RSS1}title")
    suffix = _RDF_SUFFIX.search(title)
    kind = collapse(suffix.group(3) or "") if suffix else ""
    return _Record(
        line=line,
        id=item.get(f"{RDF}about") or _text(item, f"{RSS1}link"),
        title=title[: suffix.start()] if suffix else title,
        summary=_html_text(_text(item, f"{RSS1}description")),
        authors=_creators(_html_text(_text(item, f"{DC}creator"))),
        date="",
        date_tag="a date",
        doi="",
        venue="",
        categories=(suffix.group(2).strip(),) if suffix else (),
        url=http_url(_text(item, f"{RSS1}link")),
        pdf=None,
        announced=_RDF_KINDS.get(kind, "new") if suffix else None,
        unknown=_unknown(item),
    )


def _unknown(entry: ET.Element) -> tuple[str, ...]:
    """The elements of an entry or item that are neither read nor known to be left out (a comment,
    rights), as ``arxiv:name``, ``dc:name`` or ``name``; empty ones are not named."""
    names = []
    for child in entry:
        if child.tag not in _KNOWN and ((child.text or "").strip() or len(child)):
            namespace, _, name = child.tag.rpartition("}")
            names.append(f"{_PREFIXES.get(namespace + '}', '')}{name}")
    return tuple(dict.fromkeys(names))


def _announcement(summary: str) -> tuple[str, str | None]:
    """A feed's abstract without its ``arXiv:ID Announce Type: TYPE Abstract:`` opening, and
    the type; an abstract without one as it is, and None."""
    found = _ANNOUNCED.match(summary)
    return (summary[found.end():], found.group(1)) if found else (summary, None)


def _creators(value: str) -> tuple[str, ...]:
    """The names of a ``dc:creator`` that lists them all, separated by commas."""
    names = re.split(r",\s*(?:and\s+)?", value)
    return tuple(name for part in names if (name := collapse(part)) and not _ET_AL.match(name))


def _html_text(value: str) -> str:
    """The text of an HTML fragment (RSS 1.0 abstracts and author lists): no tags, no entities."""
    return html.unescape(_TAG.sub("", value))


def _rfc822_day(value: str) -> str:
    """``YYYY-MM-DD`` of an RSS date (``Fri, 23 Aug 2024 00:00:00 -0400``) in its own time zone;
    "" if it is not one."""
    try:
        return email.utils.parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def _draft(record: _Record) -> PaperDraft | str:
    """The record's draft, or why it was skipped."""
    title = collapse(tex_accents(record.title))
    abstract = arxiv_abstract(record.summary)
    if not title:
        return "skipped an entry without a title"
    if not abstract:
        return f"skipped an entry without an abstract (summary): {title!r}"
    ident = arxiv_id(record.id)
    url, pdf = arxiv_urls(ident) if ident else (record.url, record.pdf)
    return PaperDraft(
        title=title,
        abstract=abstract,
        date=_date(record, ident),
        authors=tuple(collapse(tex_accents(name)) for name in record.authors),
        arxiv=ident,
        doi=doi_id(record.doi),
        venue=collapse(latex_to_text(record.venue) if "\\" in record.venue else record.venue) or None,
        url=url,
        pdf=pdf,
        source=SOURCE,
        line=record.line,
        extra=(("categories", record.categories),) if record.categories else (),
    )


def _date(record: _Record, ident: str | None) -> str | None:
    """The API's date; a feed's announcement day for a new paper; else the month of the id."""
    day = iso_day(record.date) if record.announced in (None, "new") else None
    return day or (_id_month(ident) if ident else None)


def _id_month(ident: str) -> str:
    """``YYYY-MM`` from an arXiv id: ``2203.01250`` and ``hep-th/9901001`` name their month."""
    digits = ident.rpartition("/")[2]
    year = int(digits[:2])
    return f"{year + (1900 if year >= 91 else 2000)}-{digits[2:4]}"


def _notes(record: _Record, draft: PaperDraft | str) -> list[str]:
    """Warnings about one record: why it was skipped, or what it lacks."""
    if isinstance(draft, str):
        return [draft]
    notes = []
    if draft.arxiv is None:
        notes.append(f"{record.id.strip()!r:.60} is not an arXiv id: {draft.title!r}")
    if draft.date is None:
        notes.append(f"{record.date_tag} is missing or not a date: {draft.title!r}")
    return notes


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return "".join(found.itertext()) if found is not None else ""


def _link(entry: ET.Element, kind: str) -> str | None:
    """The href of the entry's ``alternate`` link or of its PDF link."""
    for link in entry.findall(f"{ATOM}link"):
        is_pdf = link.get("title") == "pdf" or link.get("type") == "application/pdf"
        if is_pdf if kind == "pdf" else link.get("rel", "alternate") == kind and not is_pdf:
            return http_url(link.get("href", ""))
    return None


def _unique(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(term.strip() for term in terms if term.strip()))
