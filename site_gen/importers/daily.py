"""The plain-text dump of a daily-papers page.

Everything before the first date line (``Mar 11``) is page chrome. After a date
line, each paper is a title block, blank line(s), an abstract block; a block is
one or more consecutive non-blank lines. A later date line starts another day.

The page's chrome between papers is skipped wherever it is, as a browser or a
text exporter saves it: upvote, comment and GitHub star counts (``42``, ``-``,
``[-] 3``, ``GitHub 1.2k``), ``Submitted by`` and the name after it, ``5 authors``,
the ``·`` separator with the organisation or author count before it (on a short
line of its own) and the paper's own date after it (``Mar 8, 2024``: the day of the listing is the date
line's), ``Published on ...`` and links alone on a line. A date line followed by
a paragraph too long to be a title is read as a paper's title, with a warning.
"""

from __future__ import annotations

import re
from datetime import date

from ..errors import Diagnostic, ImportFailed
from ..model import PaperDraft
from ._text import markdown_text, warning

_FULL = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"]
MONTHS = {**{m: i for i, m in enumerate(_FULL, 1)}, **{m[:3]: i for i, m in enumerate(_FULL, 1)}, "sept": 9}
_DATE_LINE = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?")
MAX_TITLE = 400


def date_of(line: str) -> tuple[int, int] | None:
    """(month, day) when the line is a date line such as ``Mar 11`` or ``March 11``."""
    m = _DATE_LINE.fullmatch(line.strip())
    month = MONTHS.get(m.group(1).lower()) if m else None
    if m is None or month is None:
        return None
    day = int(m.group(2))
    return (month, day) if 1 <= day <= 31 else None


def resolve_year(month: int, day: int, year: int | None, today: date) -> date | None:
    """The day with ``year``, or the latest such day that is not in the future."""
    for candidate in ([year] if year else [today.year, today.year - 1, today.year - 2, today.year - 3, today.year - 4]):
        try:
            day_date = date(candidate, month, day)
        except ValueError:
            continue
        if year or day_date <= today:
            return day_date
    return None


_COUNT = r"(?:-|\d[\d,]*(?:\.\d+)?\s*[kKmM]?)"
_CHROME = re.compile(
    rf"[\s\[\]()|*#•·-]*(?:{_COUNT}[\s\[\]()|*#•·-]*)?(?:\[\s*\d+\s*\])?"  # a count, a separator, brackets
    rf"|\W*(?:github|stars?|upvotes?|comments?)\W*(?:{_COUNT}\W*)?"  # a labelled count
    rf"|\W*{_COUNT}\s+(?:authors?|upvotes?|comments?|stars?)(?:\]\(\S*\))?\W*"  # "5 authors", "12 upvotes"
    r"|\W*submitted\s+by(?:\W+\S+)?"  # and the submitter's name
    r"|\W*published\s+(?:on\s+)?[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,?\s+\d{4})?\W*",
    re.IGNORECASE,
)
_LINK = re.compile(r"<?https?://\S+>?")  # a link alone, not the last line of a wrapped abstract
_DATED = re.compile(r"\W*([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(,?\s+\d{4})?\b[^A-Za-z]*")
_SEPARATOR = "·"
_BYLINE = 60  # an organisation or author line before the separator is at most this long


def _paper_date(line: str, after_separator: bool) -> bool:
    """Whether ``line`` is a paper's own date: ``Mar 8, 2024``, or ``May 30`` after the separator."""
    m = _DATED.fullmatch(line)
    return bool(m and m.group(1).lower() in MONTHS and (m.group(3) or after_separator))


def _without_chrome(lines: list[str]) -> list[str]:
    """The lines with the page's chrome between papers made blank."""
    kept = [line.strip() for line in lines]
    last_text = -1  # the index of the last line kept as text
    after_separator = skip_name = False
    for i, line in enumerate(kept):
        if not line:
            continue
        separator = line.startswith(_SEPARATOR)
        link = _LINK.fullmatch(line) and (i == 0 or not kept[i - 1])
        if skip_name or link or _CHROME.fullmatch(line) or _paper_date(line, after_separator):
            skip_name = False
            if re.fullmatch(r"\W*submitted\s+by\W*", line, re.IGNORECASE):
                skip_name = True  # the submitter's name is on the next line
            if line == _SEPARATOR and 0 <= last_text and _byline(kept, last_text, i):
                kept[last_text] = ""
            kept[i] = ""
        elif date_of(line) is None:
            last_text = i
        after_separator = separator
    return kept


def _byline(lines: list[str], i: int, separator: int) -> bool:
    """Whether line ``i`` is a short line on its own right before the separator (chrome between them
    made blank already), as an organisation or author list is."""
    return len(lines[i]) <= _BYLINE and (i == 0 or not lines[i - 1]) and not any(lines[i + 1:separator])


def _blocks(lines: list[str]) -> list[tuple[int, str]]:
    """(first line number, text) of each run of non-blank lines; a date line is a block of its own."""
    blocks: list[tuple[int, str]] = []
    start, parts = 0, list[str]()
    for number, line in enumerate([*_without_chrome(lines), ""], 1):
        dated = date_of(line) is not None
        if parts and (dated or not line):
            blocks.append((start, " ".join(parts)))
            parts = []
        if dated:
            blocks.append((number, line))
        elif line:
            if not parts:
                start = number
            parts.append(line)
    return blocks


def parse(text: str, path: str, *, year: int | None = None,
          today: date | None = None) -> tuple[list[PaperDraft], list[Diagnostic]]:
    """Papers of the dump; raise ImportFailed with ``path:line`` on a malformed dump."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFailed([Diagnostic(path, line, "binary data (a NUL byte) in a text dump")])
    if not text.strip():
        raise ImportFailed([Diagnostic(path, 1, "empty file: no papers to import")])
    today = today or date.today()
    drafts: list[PaperDraft] = []
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    current: date | None = None
    pending: tuple[int, str] | None = None
    blocks = _blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for at, (number, block) in enumerate(blocks):
        when = date_of(block)
        if when is not None and current is not None and pending is None and _abstract_follows(blocks, at):
            warnings.append(warning(path, number, f"{block!r} is read as a title, not a day: an abstract follows it"))
            when = None
        if when is not None:
            if pending:
                problems.append(Diagnostic(path, pending[0], f"title with no abstract: {pending[1][:80]!r}"))
                pending = None
            current = resolve_year(*when, year, today)
            if current is None:
                problems.append(Diagnostic(path, number, f"{block!r} is not a day of {year or 'a recent year'}"))
        elif current is None:
            continue  # page chrome before the first date line
        elif pending is None:
            if len(block) > MAX_TITLE:
                problems.append(Diagnostic(path, number, f"expected a title, found a paragraph of {len(block)} "
                                           "characters (an abstract without its title?)"))
                continue
            pending = (number, block)
        else:
            drafts.append(PaperDraft(title=pending[1], abstract=markdown_text(block), date=current.isoformat(),
                                     source="daily", line=pending[0]))
            pending = None
    if pending:
        problems.append(Diagnostic(path, pending[0], f"title with no abstract: {pending[1][:80]!r}"))
    if current is None and not problems:
        problems.append(Diagnostic(path, 1, "no date line (such as 'Mar 11') found: is this a daily-papers dump?"))
    if problems:
        raise ImportFailed(problems)
    return drafts, warnings


def _abstract_follows(blocks: list[tuple[int, str]], at: int) -> bool:
    """Whether the block after ``at`` is too long to be a title."""
    return at + 1 < len(blocks) and len(blocks[at + 1][1]) > MAX_TITLE
