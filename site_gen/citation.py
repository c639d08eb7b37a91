"""BibTeX for papers: one entry (a paper page's "cite" block) or a whole file.

Text fields are written so that no character can break the entry or change
meaning: the BibTeX specials are escaped (``\\&``, ``\\%``, ``{\\textbraceleft}``,
...), Unicode is kept as UTF-8 (biber and BibTeX 0.99 pass it through), math
(``$O(n)$``) is kept as written, and words of the title with capitals are
braced so that styles do not lowercase them. Authors are written
``von Last, Jr, First`` as BibTeX reads their display names (``van Beethoven,
Ludwig``, ``King, Jr., Martin Luther``). URL-like fields (``url``,
``doi``, ``eprint``) are written as they are, with braces, backslashes and spaces
percent-encoded. The BibTeX importer reads every entry back to the same
paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .model import Paper
from .slug import slugify

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
ENTRY_TYPES = (
    "article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
    "mastersthesis", "misc", "online", "phdthesis", "proceedings", "techreport", "unpublished",
)  # fmt: skip
_CONFERENCE = re.compile(
    r"\b(proceedings|conference|workshop|symposium|meeting|congress|colloquium)\b|^proc\b", re.I
)
_ESCAPES = {
    "\\": "{\\textbackslash}",
    "{": "{\\textbraceleft}",
    "}": "{\\textbraceright}",
    "~": "{\\textasciitilde}",
    "^": "{\\textasciicircum}",
    "`": "{\\textasciigrave}",  # a backquote of its own is TeX's opening quote
    **{char: "\\" + char for char in "$%&#_"},
}
_SPECIAL = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')")
_NEEDS_ESCAPE = re.compile(r"[\\{}~^$%&#_`]|--|''")  # what _escape changes, found in one pass
_STOPWORDS = frozenset("a an the on of in for and to with from by at is are via towards".split())
_KEY = re.compile(r"[A-Za-z0-9_:.+/-]+")
_PAGE_DASHES = re.compile("-+|[–—]")
_SUFFIXES = frozenset(("jr", "sr", "ii", "iii", "iv"))
_SPACES = re.compile(r"(\s+)")


def bibtex_file(papers: Iterable[Paper]) -> str:
    """Entries for ``papers`` in the order given; a repeated key gets ``b``, ``c``, ... appended."""
    papers = list(papers)
    return "\n".join(bibtex_entry(paper, key) for paper, key in zip(papers, citation_keys(papers), strict=True))


def citation_keys(papers: Iterable[Paper]) -> list[str]:
    """A unique key for each paper, in the order given: repeats get ``b``, ``c``, ... Keys that
    differ only in case are repeats: BibTeX and biber compare keys ignoring case."""
    taken: set[str] = set()
    keys: list[str] = []
    for paper in papers:
        key = base = citation_key(paper)
        suffix = ord("a")
        while key.lower() in taken:
            suffix += 1
            key = f"{base}{chr(suffix)}" if suffix <= ord("z") else f"{base}-{suffix - ord('a')}"
        taken.add(key.lower())
        keys.append(key)
    return keys


def catalogue_keys(papers: Sequence[Paper]) -> dict[str, str]:
    """Slug -> citation key of every paper, unique across the catalogue."""
    return dict(zip((p.slug for p in papers), citation_keys(papers), strict=True))


def bibtex_entry(paper: Paper, key: str | None = None) -> str:
    """One BibTeX entry, ``@type{key,`` to ``}``, ending with a newline."""
    kind = entry_type(paper)
    fields = [(name, value) for name, value in _fields(paper, kind) if value]
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@{kind}{{{key or citation_key(paper)},\n{body}}}\n"


def entry_type(paper: Paper) -> str:
    """The imported ``entry_type`` if known, else from the venue: a conference or a journal."""
    stored = str(dict(paper.extra).get("entry_type", "")).lower()
    if stored in ENTRY_TYPES:
        return stored
    if not paper.venue:
        return "misc"
    return "inproceedings" if _CONFERENCE.search(paper.venue) else "article"


def citation_key(paper: Paper) -> str:
    """The imported ``bibtex_key``, else ``<first author's last name><year><first title word>``."""
    stored = str(dict(paper.extra).get("bibtex_key", ""))
    if _KEY.fullmatch(stored):
        return stored
    author = _fold(paper.authors[0].split()[-1]) if paper.authors else ""
    year = paper.date[:4] if paper.date else ""
    words = (_fold(word) for word in paper.title.split())
    word = next((w for w in words if w and w not in _STOPWORDS), "")
    return author + year + word or _fold(paper.slug) or "paper"


@lru_cache(maxsize=1 << 16)  # names and title words recur
def _fold(text: str) -> str:
    return slugify(text).replace("-", "")


def _fields(paper: Paper, kind: str) -> list[tuple[str, str]]:
    extra = dict(paper.extra)
    year, month, day = ((paper.date or "").split("-") + ["", ""])[:3]
    categories = extra.get("categories") or ("",)
    names = [_name(author) for author in paper.authors] + (["others"] if paper.et_al and paper.authors else [])
    return [
        ("author", _braced(" and ".join(names))),
        ("title", _braced(_protect_capitals(paper.title))),
        ("journal" if kind == "article" else "booktitle", _braced(_latex(paper.venue or ""))),
        ("year", year),
        ("month", MONTHS[int(month) - 1] if month else ""),
        ("date", _braced(paper.date) if day and paper.date else ""),
        ("volume", _braced(_latex(str(extra.get("volume", ""))))),
        ("number", _braced(_latex(str(extra.get("number", ""))))),
        ("pages", _braced(_pages(str(extra.get("pages", ""))))),
        ("publisher", _braced(_latex(str(extra.get("publisher", ""))))),
        ("doi", _braced(_verbatim(paper.doi or ""))),
        ("eprint", _braced(_verbatim(paper.arxiv or ""))),
        ("archivePrefix", "{arXiv}" if paper.arxiv else ""),
        ("primaryClass", _braced(_latex(str(categories[0]))) if paper.arxiv else ""),
        ("url", _braced(_verbatim(paper.url or ""))),
    ]


def _braced(value: str) -> str:
    return "{" + value + "}" if value else ""


def _pages(text: str) -> str:
    """A page range as BibTeX writes it: a hyphen, a run of them or a dash between pages is ``--``
    (BibTeX styles read even a single hyphen there as a range)."""
    return "--".join(_latex(part) for part in _PAGE_DASHES.split(text))


def _latex(text: str) -> str:
    """Text (with ``$...$`` math) as a BibTeX field value that keeps every character."""
    if not text:  # most optional fields
        return ""
    return "".join(part if is_math else _escape(part) for is_math, part in _segments(text))


def _escape(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    return _LIGATURE.sub("{}", _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text))


def _segments(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into plain text and ``$...$`` math, which must be well formed to count."""
    parts: list[tuple[bool, str]] = []
    plain = i = 0
    while (start := text.find("$", i)) != -1 and (end := text.find("$", start + 1)) != -1:
        if _is_math(text[start + 1 : end]) and not text[end + 1 : end + 2].isdigit():
            parts += [(False, text[plain:start]), (True, text[start : end + 1])]
            plain = i = end + 1
        else:
            i = start + 1
    parts.append((False, text[plain:]))
    return [(is_math, part) for is_math, part in parts if part]


def _is_math(body: str) -> bool:
    """TeX math that survives BibTeX as written: balanced braces, no comment, no trailing escape."""
    if not body or body != body.strip() or body.endswith("\\") or re.search(r"(?<!\\)%", body):
        return False
    depth = 0
    for char in body:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def _protect_capitals(title: str) -> str:
    """Brace every word with a capital letter, so that a style's lowercasing leaves it alone."""
    out = []
    for is_math, part in _segments(title):
        if is_math:
            out.append(part)
            continue
        words = _SPACES.split(part)
        if _NEEDS_ESCAPE.search(part):
            words = [_escape(w) for w in words]
        out.append("".join(map(_protected, words)))
    return "".join(out)


@lru_cache(maxsize=1 << 16)  # title words recur
def _protected(word: str) -> str:
    return "{" + word + "}" if _has_upper(word) else word


def _has_upper(word: str) -> bool:
    return not word.islower() and any(char.isupper() for char in word)


@lru_cache(maxsize=1 << 14)  # names recur across a catalogue
def _name(author: str) -> str:
    """``von Last, Jr, First``, split as BibTeX splits the display name ``First von Last Jr``:
    the lowercase words before the last word are the von part (``van Beethoven, Ludwig``),
    the last name is what follows them (else the last word), and a trailing ``Jr.``, ``Sr.``,
    ``II``, ``III`` or ``IV`` after a comma; a name that holds a comma is braced whole."""
    raw = author.split()
    words = [_name_word(word) for word in raw]
    if "," in author:
        return "{" + " ".join(words) + "}"
    jr: list[str] = []
    if len(words) > 2 and raw[-1].rstrip(".").lower() in _SUFFIXES:
        raw, words, jr = raw[:-1], words[:-1], words[-1:]
    if len(words) < 2:
        return "".join(words)
    lower = [i for i, word in enumerate(raw[:-1]) if word[:1].islower()]
    start = lower[0] if lower else len(words) - 1
    last = " ".join(words[start:])
    return ", ".join([last, *jr, " ".join(words[:start])] if start else [last, *jr])


def _name_word(word: str) -> str:
    """A word of a name, braced when BibTeX would read it as a separator (``and``, ``others``)."""
    escaped = _escape(word)
    return "{" + escaped + "}" if word.lower() in ("and", "others") else escaped


def _verbatim(value: str) -> str:
    """A URL or DOI as written; braces, backslashes and spaces percent-encoded."""
    if not value:
        return ""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}", value.strip())
