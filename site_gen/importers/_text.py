"""Small text helpers shared by the importers: whitespace, dates, URLs, arXiv ids."""

from __future__ import annotations

import bisect
import datetime as dt
import re

from ..errors import Diagnostic

_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = re.compile(
    rf"(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    rf"({_NEW_ID}|{_OLD_ID})(?:v\d+)?(?:\.pdf)?/?",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


def collapse(text: str) -> str:
    """One line, single spaces: what a title, a name or a venue looks like."""
    return " ".join(text.split())


def paragraphs(text: str, *, indented_breaks: bool) -> str:
    """Re-flow hard-wrapped text, keeping its paragraphs (separated by a blank line).

    A blank line always ends a paragraph. With ``indented_breaks`` an indented
    line starts one too: arXiv marks paragraphs in abstracts that way.
    """
    found: list[list[str]] = [[]]
    for line in text.strip().splitlines():
        starts_new = not line.strip() or (indented_breaks and line[:1].isspace())
        if starts_new and found[-1]:
            found.append([])
        if line.strip():
            found[-1].append(line)
    return "\n\n".join(collapse(" ".join(lines)) for lines in found if lines)


def arxiv_id(value: str) -> str | None:
    """The bare arXiv id (no version, no URL, no ``arXiv:``), or None if ``value`` is not one."""
    match = _ARXIV_ID.fullmatch(value.strip())
    return match.group(1) if match else None


def arxiv_urls(ident: str) -> tuple[str, str]:
    """The abstract page and the PDF of an arXiv id (both without a version: the latest)."""
    return f"https://arxiv.org/abs/{ident}", f"https://arxiv.org/pdf/{ident}"


def iso_day(value: str) -> str | None:
    """``YYYY-MM-DD`` from an ISO 8601 date or timestamp, or None if it is not a real day."""
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def partial_date(value: str) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` if ``value`` is one and names a real date."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not match:
        return None
    try:
        dt.date(*(int(part or 1) for part in match.groups()))
    except ValueError:
        return None
    return value.strip()


def http_url(value: str) -> str | None:
    """``value`` stripped if it is an http(s) URL the paper schema accepts, else None."""
    url = value.strip()
    if re.fullmatch(r"https?://[^/\s\\<>\"'`]+[^\s\\<>\"'`]*", url, re.IGNORECASE):
        return url
    return None


def identifier(value: str) -> str | None:
    """``value`` stripped if it can be an id such as a DOI (no spaces, no ``<>"``), else None."""
    ident = value.strip()
    return ident if ident and not re.search(r'[\s<>"]', ident) else None


def warning(path: str, line: int, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, message, hint, severity="warning")


class LineIndex:
    """Turns character offsets of a text into 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._starts = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._starts, offset) + 1
