"""The plain-text dump of a daily-papers page.

Everything before the first date line (``Mar 11``) is page chrome. After a date
line, each paper is a title block, blank line(s), an abstract block; a block is
one or more consecutive non-blank lines. A later date line starts another day.
"""

from __future__ import annotations

import re
from datetime import date

from ..errors import Diagnostic, ImportFailed
from ..model import PaperDraft
from ._text import markdown_text

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


def _blocks(lines: list[str]) -> list[tuple[int, str]]:
    """(first line number, text) of each run of non-blank lines; a date line is a block of its own."""
    blocks: list[tuple[int, str]] = []
    start, parts = 0, list[str]()
    for number, line in enumerate([*lines, ""], 1):
        dated = date_of(line) is not None
        if parts and (dated or not line.strip()):
            blocks.append((start, " ".join(parts)))
            parts = []
        if dated:
            blocks.append((number, line.strip()))
        elif line.strip():
            if not parts:
                start = number
            parts.append(line.strip())
    return blocks


def parse(text: str, path: str, *, year: int | None = None,
          today: date | None = None) -> tuple[list[PaperDraft], list[Diagnostic]]:
    """Papers of the dump; raise ImportFailed with ``path:line`` on a malformed dump."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFailed([Diagnostic(path, line, "binary data (a NUL byte) in a text dump")])
    if not text.strip():
        raise ImportFailed([Diagnostic(path, 1, "empty file: no papers to import")])
    today = today or date.today()
    drafts: list[PaperDraft] = []
    problems: list[Diagnostic] = []
    current: date | None = None
    pending: tuple[int, str] | None = None
    for number, block in _blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        when = date_of(block)
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
    return drafts, []
