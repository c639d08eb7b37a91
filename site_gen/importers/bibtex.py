"""BibTeX -> paper drafts.

bibtexparser (v2) splits the file into blocks and gives each its line;
``@string`` macros, ``#`` concatenation and the month macros are resolved
here, and pylatexenc turns TeX into Unicode (``{\\"o}`` -> ``ö``, ``--`` -> ``–``)
outside math, which stays as written (``$O(n)$``) for KaTeX.

Per entry: ``title`` is required (else it is skipped with a warning), and
biblatex's ``subtitle`` follows it after a colon; an abstract is not required
(``abstract`` or ``""``). ``author`` gives display names (``Last, First`` ->
``First Last``); ``date`` (biblatex; the year alone when the rest is not
``YYYY[-MM[-DD]]``) or ``year`` and ``month`` give ``date``; ``journal``,
``journaltitle`` or ``booktitle`` give ``venue`` (none when it only says arXiv
or CoRR); ``eprint`` (with ``archivePrefix`` or ``eprinttype = arXiv``, or
shaped like an arXiv id), an ``arXiv:`` journal, DBLP's ``abs/<id>`` CoRR
volume or an arXiv URL give ``arxiv``, and ``primaryClass`` or
``eprintclass`` the categories; ``doi``, ``url``, ``pdf`` and ``code`` are kept
as written (the first of several addresses in one field), and without ``url``
the address in ``howpublished`` (``\\url{...}``) or al-folio's ``html`` is the
URL. In text, ``\\href{u}{text}`` becomes ``text <u>``, ``\\url{u}`` ``<u>``
and a citation ``\\cite{a,b}`` ``[a, b]``. An entry inherits ``booktitle``, ``journal``,
``year`` and ``month`` from the entry its ``crossref`` names; in the file of
one volume, as PMLR publishes them (exactly one ``@proceedings`` entry, and no
``@inproceedings`` entry with a ``booktitle`` or ``crossref`` of its own), every
``@inproceedings`` entry inherits from it. A file that mixes venues, such as a
catalogue's ``papers.bib``, leaves an entry without a venue without one.
Other fields (``keywords``, ``isbn``, ``file``, ...) have no place in a paper
file: one warning names them, with how many entries have each.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bibtexparser import model
from bibtexparser.entrypoint import parse_string

from ..errors import Diagnostic, ImportFailed
from ..model import PaperDraft
from ..schema import arxiv_id
from . import ImportResult
from ._latex import (
    MONTHS,
    abstract_markdown,
    display_names,
    is_others,
    latex_to_text,
    month_number,
    split_names,
    verbatim,
)
from ._text import (
    YEAR,
    Unread,
    collapse,
    doi_id,
    http_url,
    identifier,
    partial_date,
    warning,
)

SOURCE = "bibtex"
_KEPT = ("pages", "volume", "number", "publisher")
_READ = frozenset({
    "title", "subtitle", "abstract", "author", "date", "year", "month", "journal", "journaltitle", "booktitle",
    "crossref", "eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass", "arxiv", "arxivid", "doi",
    "url", "howpublished", "html", "pdf", "code", "pages", "volume", "number", "publisher",
})  # fmt: skip
_INHERITED = ("booktitle", "journal", "journaltitle", "year", "month", "date")
_ARXIV_VENUE = re.compile(r"(?:arxiv|corr)\b(?:\s+(?:preprint|e-prints))?[\s,:]*(.*)", re.IGNORECASE)
_LINK = re.compile(r"\\(?:url|href)\s*\{([^{}]*)\}|(https?://[^\s{}]+)")


@dataclass
class _Record:
    kind: str
    key: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


Note = Callable[[int, str], None]


def parse(text: str, path: str) -> ImportResult:
    warnings: list[Diagnostic] = []

    def note(line: int, message: str) -> None:
        warnings.append(warning(path, line, message))

    with _quiet("bibtexparser.splitter"):  # its log repeats what the diagnostics say
        library = parse_string(text.removeprefix("\ufeff"), parse_stack=[])
    if all(isinstance(block, model.ImplicitComment) for block in library.blocks):  # no @ block: text, JSON, ...
        message = "no BibTeX entry (such as @article{key, ...}) found: is this a BibTeX file?"
        raise ImportFailed([Diagnostic(path, 1, message)])
    records = _records(library.blocks, path, note)
    _inherit(records, note)
    drafts: list[PaperDraft] = []
    unread = Unread()
    for record in records:
        draft = _draft(record, note)
        if draft is not None:
            drafts.append(draft)
            for name, value in record.fields.items():
                if name not in _READ and value.strip():
                    unread.add([name], record.lines[name])
    return drafts, warnings + unread.warning(path, "entries")


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    was_disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = was_disabled


def _records(blocks: list[model.Block], path: str, note: Note) -> list[_Record]:
    """The entries with their values resolved; a syntax error anywhere fails the file."""
    strings: dict[str, str] = {}
    records: list[_Record] = []
    errors: list[Diagnostic] = []
    for block in blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            note(line, f"{_head(block.raw)} repeats {names}: the first value is used")
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            note(line, f"{_head(block.raw)}: the key {block.key!r} is used twice in this file")
        if isinstance(block, model.DuplicateBlockKeyBlock | model.DuplicateFieldKeyBlock):
            block = block.ignore_error_block or block
        if isinstance(block, model.ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            errors.append(Diagnostic(path, line, f"invalid BibTeX in {_head(block.raw)}: {reason}"))
        elif isinstance(block, model.String):
            strings[block.key.lower()] = _resolve(block.value, strings, line, note)
        elif isinstance(block, model.Entry):
            records.append(_record(block, line, strings, note))
    if errors:
        raise ImportFailed(errors)
    return records


def _head(raw: str | None) -> str:
    match = re.match(r"\s*(@\w+\s*[{(][^,\s]*)", raw or "")
    return match.group(1) + "}" if match else "this entry"


def _record(entry: model.Entry, line: int, strings: dict[str, str], note: Note) -> _Record:
    record = _Record(entry.entry_type.lower(), entry.key or "", line)
    for item in entry.fields:
        name = item.key.lower()
        if name not in record.fields:
            field_line = (item.start_line or line - 1) + 1
            record.fields[name] = _resolve(str(item.value), strings, field_line, note)
            record.lines[name] = field_line
    return record


def _resolve(raw: str, strings: dict[str, str], line: int, note: Note) -> str:
    """A raw value (``{...}``, ``"..."``, a number, a macro, or ``#`` of those) as text."""
    out: list[str] = []
    for part in _concatenated(raw):
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            out.append(part[1:-1])
        elif part.isdigit() or part.lower() in MONTHS:
            out.append(part)
        elif part.lower() in strings:
            out.append(strings[part.lower()])
        else:
            note(line, f"undefined macro {part!r}; kept as written")
            out.append(part)
    return "".join(out)


def _concatenated(raw: str) -> list[str]:
    """Split a raw value at the ``#`` that are outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(raw):
        depth += (char == "{") - (char == "}")
        quoted ^= char == '"' and depth == 0
        if char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return [part.strip() for part in parts if part.strip()]


def _inherit(records: list[_Record], note: Note) -> None:
    by_key = {record.key.lower(): record for record in records}
    proceedings = [record for record in records if record.kind == "proceedings"]
    papers = [record for record in records if record.kind == "inproceedings"]
    volume = proceedings[0] if len(proceedings) == 1 and not any(
        "booktitle" in paper.fields or "crossref" in paper.fields for paper in papers) else None
    for record in records:
        ref = record.fields.get("crossref", "").strip()
        parent = by_key.get(ref.lower()) if ref else None
        if ref and parent is None:
            note(record.lines["crossref"], f"crossref {ref!r} names no entry of this file")
        elif record.kind == "inproceedings":
            parent = parent or volume
        if parent is None or parent is record:
            continue
        for name in _INHERITED:
            if name in parent.fields and name not in record.fields:
                record.fields[name], record.lines[name] = parent.fields[name], record.line
        if "booktitle" not in record.fields and parent.kind == "proceedings":
            record.fields["booktitle"] = parent.fields.get("title", "")


def _draft(record: _Record, note: Note) -> PaperDraft | None:
    fields = record.fields
    title = collapse(latex_to_text(fields.get("title", "")))
    subtitle = collapse(latex_to_text(fields.get("subtitle", "")))
    if title and subtitle:
        title = f"{title}{'' if title[-1] in '.:?!' else ':'} {subtitle}"
    if not title:
        volume = record.kind == "proceedings"
        why = " (a volume: its entries take their venue and year from it)" if volume else ""
        note(record.line, f"skipped @{record.kind}{{{record.key}}}: it has no title{why}")
        return None
    venue, preprint = _venue(record)
    return PaperDraft(
        title=title,
        abstract=abstract_markdown(fields.get("abstract", "")),
        date=_date(record, note),
        authors=_authors(record, note),
        arxiv=_arxiv(record, preprint),
        doi=_doi(record, note),
        venue=venue,
        url=_page(record, note),
        pdf=_url(record, "pdf", note),
        code=_url(record, "code", note),
        source=SOURCE,
        line=record.line,
        extra=_extra(record),
    )


def _extra(record: _Record) -> tuple[tuple[str, object], ...]:
    """``et_al`` (for ``and others``), ``pages``, ``volume``, ``number``, ``publisher``,
    ``categories`` (from ``primaryClass``), ``bibtex_key`` and ``entry_type``, when known."""
    fields = record.fields
    people = split_names(fields.get("author", ""))
    found: dict[str, object] = {"et_al": any(map(is_others, people)) and not all(map(is_others, people))}
    found.update((name, collapse(latex_to_text(fields.get(name, "")))) for name in _KEPT)
    if arxiv_id(str(found["volume"]).removeprefix("abs/")):  # DBLP's CoRR volume is the arXiv id
        del found["volume"]
    primary = collapse(fields.get("primaryclass") or fields.get("eprintclass") or "")
    found["categories"] = (primary,) if primary else ()
    found["bibtex_key"] = identifier(record.key) or ""
    found["entry_type"] = record.kind
    return tuple((name, value) for name, value in found.items() if value)


def _authors(record: _Record, note: Note) -> tuple[str, ...]:
    names, problems = display_names(record.fields.get("author", ""))
    for problem in problems:
        note(record.lines["author"], problem)
    return names


def _date(record: _Record, note: Note) -> str | None:
    fields, lines = record.fields, record.lines
    if "date" in fields:
        written = fields["date"].strip()
        day = partial_date(written.partition("/")[0].partition("T")[0])  # a range starts at its first day
        if day:
            return day
        leading = re.match(rf"{YEAR}(?!\d)", written)
        if leading or "year" not in fields:
            why = f"the year {leading.group()} is used" if leading else "the date is left out"
            note(lines["date"], f"date {written!r} is not YYYY[-MM[-DD]]; {why}")
            return leading.group() if leading else None
        note(lines["date"], f"date {written!r} is not YYYY[-MM[-DD]]; the year field is used")
    year = fields.get("year", "").strip()
    if not year:
        return None
    if not re.fullmatch(YEAR, year):
        note(lines["year"], f"year {year!r} is not a year; the date is left out")
        return None
    month = fields.get("month", "").strip()
    number = month_number(month)
    if month and number is None:
        note(lines["month"], f"month {month!r} is not a month; the date is the year alone")
    return f"{year}-{number:02d}" if number else year


def _venue(record: _Record) -> tuple[str | None, str | None]:
    """The venue, and the arXiv id when the venue only says "arXiv preprint arXiv:<id>"."""
    journal = ("journal", "journaltitle")
    order = (*journal, "booktitle") if record.kind == "article" else ("booktitle", *journal)
    raw = next((record.fields[name] for name in order if record.fields.get(name)), "")
    venue = collapse(latex_to_text(raw))
    preprint = _ARXIV_VENUE.fullmatch(venue)
    if preprint and (not preprint.group(1) or arxiv_id(preprint.group(1))):
        return None, arxiv_id(preprint.group(1))
    return venue or None, None


def _arxiv(record: _Record, preprint: str | None) -> str | None:
    fields = record.fields
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    candidates = [fields.get("eprint", "") if prefix == "arxiv" else "", fields.get("arxiv", "")]
    candidates += [fields.get("arxivid", ""), preprint or "", verbatim(fields.get("url", ""))]
    if fields.get("journal", "").strip().lower() in ("corr", "arxiv"):  # DBLP, Semantic Scholar
        candidates.append(fields.get("volume", "").removeprefix("abs/"))
    return next((ident for c in candidates if c and (ident := arxiv_id(verbatim(c)))), None)


def _doi(record: _Record, note: Note) -> str | None:
    value = verbatim(record.fields.get("doi", ""))
    value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.IGNORECASE)
    doi = doi_id(value)
    if value and doi is None:
        note(record.lines["doi"], f'doi {value!r:.60} has spaces or quotes; left out')
    return doi


def _page(record: _Record, note: Note) -> str | None:
    """``url``; without it the address in ``howpublished`` (``\\url{...}``, as ``@misc`` entries
    give one) or in ``html`` (al-folio's link to the paper's page)."""
    if record.fields.get("url", "").strip():
        return _url(record, "url", note)
    link = _LINK.search(record.fields.get("howpublished", ""))
    if link:  # howpublished is text around the address, if there is one: nothing to warn about
        return http_url(verbatim(link.group(1) or link.group(2)))
    return _url(record, "html", note)


def _url(record: _Record, name: str, note: Note) -> str | None:
    """An http(s) address; of several separated by spaces (as Mendeley writes them), the first."""
    value = verbatim(record.fields.get(name, ""))
    if not value:
        return None
    first, *others = value.split() if all(map(http_url, value.split())) else [value]
    url = http_url(first)
    if url is None:
        note(record.lines[name], f"{name} {value!r:.60} is not an http(s) URL; left out")
    elif others:
        note(record.lines[name], f"{name} holds {len(others) + 1} addresses; the first is kept")
    return url
