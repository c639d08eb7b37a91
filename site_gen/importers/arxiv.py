"""arXiv API Atom XML -> paper drafts.

The XML is read with the standard library's expat, which builds an
ElementTree while it records the line of every ``<entry>``. A document type
declaration is refused outright: an API response never has one, and without
one there are no entities to expand, internal or external.

Per entry: ``title`` and ``summary`` are required (else it is skipped with a
warning); the ``id`` gives ``arxiv`` without version (``2510.14968``,
``hep-th/9901001``), ``url`` and ``pdf``; ``published`` gives ``date``;
``arxiv:doi`` gives ``doi`` and ``arxiv:journal_ref`` gives ``venue``; the
primary category and the others give the extra key ``categories``, primary
first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

from ..errors import Diagnostic, ImportFailed
from ..model import PaperDraft
from . import ImportResult
from ._text import (
    arxiv_id,
    arxiv_urls,
    collapse,
    http_url,
    identifier,
    iso_day,
    markdown_text,
    paragraphs,
    warning,
)

SOURCE = "arxiv"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def parse(text: str, path: str) -> ImportResult:
    root, entry_lines = _read(text.removeprefix("\ufeff"), path)
    if root.tag == f"{ATOM}entry":
        entries = [root]
    elif root.tag == f"{ATOM}feed":
        entries = root.findall(f"{ATOM}entry")
    else:
        message = f"expected an Atom <feed> from the arXiv API, found <{_local(root.tag)}>"
        raise ImportFailed([Diagnostic(path, 1, message)])
    drafts: list[PaperDraft] = []
    warnings: list[Diagnostic] = []
    for entry, line in zip(entries, entry_lines, strict=True):
        _refuse_api_error(entry, path, line)
        draft = _draft(entry, line)
        if isinstance(draft, PaperDraft):
            drafts.append(draft)
        warnings.extend(warning(path, line, message) for message in _notes(entry, draft))
    return drafts, warnings


def _read(text: str, path: str) -> tuple[ET.Element, list[int]]:
    """The document's root element and the line of each top-level ``<entry>``."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    entry_lines: list[int] = []
    depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth <= 2 and _clark(name) == f"{ATOM}entry":
            entry_lines.append(parser.CurrentLineNumber)
        builder.start(_clark(name), {_clark(k): v for k, v in attrs.items()})

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(_clark(name))

    def refuse_doctype(*_: object) -> None:
        raise _Refused("a document type declaration (<!DOCTYPE>) is not allowed")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
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
    return builder.close(), entry_lines


def _clark(name: str) -> str:
    """expat's ``uri}local`` as ElementTree's ``{uri}local``."""
    return "{" + name if "}" in name else name


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _refuse_api_error(entry: ET.Element, path: str, line: int) -> None:
    """The API reports a bad query as a feed whose one entry is the error."""
    if "/api/errors" in _text(entry, f"{ATOM}id"):
        message = f"the arXiv API returned an error: {collapse(_text(entry, f'{ATOM}summary'))}"
        raise ImportFailed([Diagnostic(path, line, message)])


def _draft(entry: ET.Element, line: int) -> PaperDraft | str:
    """The entry's draft, or why it was skipped."""
    title = collapse(_text(entry, f"{ATOM}title"))
    abstract = markdown_text(paragraphs(_text(entry, f"{ATOM}summary"), indented_breaks=True))
    if not title:
        return "skipped an entry without a title"
    if not abstract:
        return f"skipped an entry without an abstract (summary): {title!r}"
    ident = arxiv_id(_text(entry, f"{ATOM}id"))
    url, pdf = arxiv_urls(ident) if ident else (_link(entry, "alternate"), _link(entry, "pdf"))
    categories = _categories(entry)
    return PaperDraft(
        title=title,
        abstract=abstract,
        date=iso_day(_text(entry, f"{ATOM}published") or _text(entry, f"{ATOM}updated")),
        authors=tuple(
            name
            for author in entry.findall(f"{ATOM}author")
            if (name := collapse(_text(author, f"{ATOM}name")))
        ),
        arxiv=ident,
        doi=identifier(_text(entry, f"{ARXIV}doi")),
        venue=collapse(_text(entry, f"{ARXIV}journal_ref")) or None,
        url=url,
        pdf=pdf,
        source=SOURCE,
        line=line,
        extra=(("categories", categories),) if categories else (),
    )


def _notes(entry: ET.Element, draft: PaperDraft | str) -> list[str]:
    """Warnings about one entry: why it was skipped, or what it lacks."""
    if isinstance(draft, str):
        return [draft]
    notes = []
    if draft.arxiv is None:
        notes.append(f"<id> {_text(entry, f'{ATOM}id')!r:.60} is not an arXiv id: {draft.title!r}")
    if draft.date is None:
        notes.append(f"<published> is missing or not a date: {draft.title!r}")
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


def _categories(entry: ET.Element) -> tuple[str, ...]:
    primary = entry.find(f"{ARXIV}primary_category")
    terms = [primary.get("term", "")] if primary is not None else []
    terms += [c.get("term", "") for c in entry.findall(f"{ATOM}category")]
    return tuple(dict.fromkeys(term.strip() for term in terms if term.strip()))
