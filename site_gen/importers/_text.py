"""Small text helpers shared by the importers: whitespace, dates, URLs, arXiv ids."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable

from markdown_it.common.utils import isWhiteSpace

from ..errors import Diagnostic
from ..schema import NOT_IN_DOI, NOT_IN_ID

YEAR = r"[1-9]\d{3}"  # the years a paper's date may hold: 1000 to 9999
_ISO_DATE = re.compile(rf"({YEAR})-(\d{{2}})-(\d{{2}})(?:$|[T ])")


def collapse(text: str) -> str:
    """One line, single spaces: what a title, a name or a venue looks like."""
    return " ".join(text.split())


def paragraphs(text: str, *, indented_breaks: bool) -> str:
    """Re-flow hard-wrapped text, keeping its paragraphs (separated by a blank line).

    A blank line always ends a paragraph. With ``indented_breaks`` an indented
    line starts one too: arXiv marks paragraphs in abstracts that way, with two
    spaces. A deeper indentation that every line after the first shares is the
    layout of a file that was pretty-printed (or copied from a page that indents
    its XML): only lines indented deeper still start a paragraph there.
    """
    lines = text.strip().splitlines()
    margin = min((_indent(line) for line in lines[1:] if line.strip()), default=0)
    margin = margin if margin > 2 else 0
    found: list[list[str]] = [[]]
    for line in lines:
        starts_new = not line.strip() or (indented_breaks and _indent(line) > margin)
        if starts_new and found[-1]:
            found.append([])
        if line.strip():
            found[-1].append(line)
    return "\n\n".join(collapse(" ".join(lines)) for lines in found if lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


# Outside math, what CommonMark reads as markup in running text: emphasis, a code span, an entity,
# the end of a link's text; an underscore between two letters or digits is text. A backslash before
# ASCII punctuation is an escape already (TeX's ``\\%`` is a per cent sign to both), kept as it is.
_INLINE_MARKUP = re.compile(r"\\[!-/:-@\[-`{-~]|[*`]|_(?:(?![^\W_])|(?<![^\W_]_))|&(?=#?[A-Za-z0-9]+;)|\](?=[(:])")
_INLINE_FIRST = "\\*`_&]"  # what each of those starts with: most abstracts have none of them
# What starts a block other than a paragraph at the start of a one-line paragraph: a heading, a quote,
# a list item, a rule, a fence (``*``, ``_`` and backquotes are escaped wherever they are).
_BLOCK_MARKUP = re.compile(r"#{1,6}(?= |$)|>|[-+](?= |$)|-(?=[- ]*$)|~~~|\d{1,9}(?=[.)](?: |$))")

_EQUATION_LABEL = re.compile(r"\$\$\s*\([^)$\r\n]+\)\s*$")  # "$$ (1)" ending a display


def markdown_text(text: str) -> str:
    """Plain text with TeX math as Markdown that shows the same text: one paragraph for each run of
    lines, its line breaks spaces, and the characters that would be read as markup escaped. Math is
    left as written (``$...$`` and ``$$...$$`` where the renderer's dollar-math rule finds them)."""
    parts = re.split(r"\n[ \t]*\n", text) if "\n" in text else [text]
    paragraphs = (" ".join(part.split()) for part in parts)
    return "\n\n".join(_markdown_paragraph(part) for part in paragraphs if part)


def _markdown_paragraph(text: str) -> str:
    if text.startswith("$$") and len(text) > 3 and (text.endswith("$$") or _EQUATION_LABEL.search(text)):
        return text  # display math, to the renderer's dollar-math block rule: all of it
    block = _BLOCK_MARKUP.match(text)
    if block:  # escape the marker: its first character, or an ordered list's "." or ")"
        at = block.end() if block.group()[0].isdigit() else 0
        text = text[:at] + "\\" + text[at:]
    if not any(char in text for char in _INLINE_FIRST):
        return text
    pieces, last = [], 0
    for start, end in _verbatim_spans(text) if "$" in text or "<" in text else ():
        pieces += [_INLINE_MARKUP.sub(_escaped, text[last:start]), text[start:end]]
        last = end
    pieces.append(_INLINE_MARKUP.sub(_escaped, text[last:]))
    return "".join(pieces)


def _escaped(match: re.Match[str]) -> str:
    found = match.group()
    return found if found[0] == "\\" else "\\" + found


_AUTOLINK = re.compile(r"<(?:(?i:https?|mailto):[^<>\x00-\x20]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]"
                       r"(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>")

_OPENING = re.compile(r"[$<]")


def _verbatim_spans(text: str) -> list[tuple[int, int]]:
    """Where the renderer takes the text as written: inline math, as mdit-py-plugins' dollarmath
    finds it as the renderer sets it up (no space inside the dollars, no digit before an opening
    one or after a closing one, ``$$`` inline), and the autolinks the renderer allows
    (``<https://...>``), whose address would keep a backslash. Markdown's own escapes are skipped:
    the escape rule takes ``\\$`` first."""
    spans: list[tuple[int, int]] = []
    at = 0
    while (i := _next_opening(text, at)) >= 0:
        if text[i] == "<":
            link = _AUTOLINK.match(text, i)
            end = link.end() if link else None
        else:
            end = _math_end(text, i)
        if end is not None:
            spans.append((i, end))
        at = end if end is not None else i + 1
    return spans


def _next_opening(text: str, at: int) -> int:
    """The next unescaped ``$`` or ``<`` from ``at``; -1 if there is none."""
    while (found := _OPENING.search(text, at)) and _backslashes(text, found.start()) % 2:
        at = found.start() + 1
    return found.start() if found else -1


def _backslashes(text: str, i: int) -> int:
    """How many backslashes come just before ``text[i]``."""
    start = i
    while start and text[start - 1] == "\\":
        start -= 1
    return i - start


def _math_end(text: str, i: int) -> int | None:
    if i + 1 >= len(text) or isWhiteSpace(ord(text[i + 1])) or (i > 0 and text[i - 1].isdigit()):
        return None
    double = text[i + 1] == "$"
    end = i + 1 + double
    while True:
        end = text.find("$", end)
        if end < 0:
            return None
        if _backslashes(text, end) % 2 or (double and text[end + 1:end + 2] != "$"):
            end += 1
            continue
        end += double
        break
    if isWhiteSpace(ord(text[end - 1])) or text[end + 1:end + 2].isdigit() or end - i <= 1 + 2 * double:
        return None
    return end + 1


def unspaced_math(math: str) -> str:
    """Math written between dollars without space inside them (``$ x $`` is ``$x$`` to TeX, but a
    Markdown renderer takes only ``$x$`` for math, so that "$5 and $10" stays text); math between
    ``\\(...\\)`` or ``\\[...\\]`` likewise."""
    if math[:2] in ("\\(", "\\["):
        dollars, body = ("$" if math[1] == "(" else "$$"), math[2:-2]
    else:
        dollars = "$$" if math.startswith("$$") and len(math) >= 4 else "$"
        body = math[len(dollars):-len(dollars)]
    return dollars + body.strip() + dollars if body.strip() else math


def math_spans(tex: str) -> list[tuple[int, int]]:
    """Where ``$...$``, ``$$...$$``, ``\\(...\\)`` and ``\\[...\\]`` math is; an escaped ``\\$`` is
    not a delimiter."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tex):
        if tex.startswith(("\\(", "\\["), i):
            close = tex.find("\\)" if tex[i + 1] == "(" else "\\]", i + 2)
            if close >= 0:
                spans.append((i, close + 2))
            i = close + 2 if close >= 0 else i + 2  # an unclosed \( or \[ is text
        elif tex[i] == "\\":
            i += 2
        elif tex[i] != "$":
            i += 1
        else:
            delimiter = "$$" if tex.startswith("$$", i) else "$"
            end = _closing(tex, i + len(delimiter), delimiter)
            if end is None:
                break  # an unclosed $ is text
            spans.append((i, end + len(delimiter)))
            i = end + len(delimiter)
    return spans


def _closing(tex: str, i: int, delimiter: str) -> int | None:
    while i < len(tex):
        if tex[i] == "\\":
            i += 2
        elif tex.startswith(delimiter, i):
            return i
        else:
            i += 1
    return None


_TEX = re.compile(r"[\\^_{}=]")


def tex_math(text: str) -> str:
    """The math of an arXiv abstract as the renderer reads it. arXiv shows ``$ x $``, ``\\(x\\)`` and
    ``\\[x\\]`` as math (with MathJax); the renderer takes only ``$x$`` and ``$$x$$``, so that a
    dollar sign before a space stays one. ``\\(...\\)`` and ``\\[...\\]`` become dollars, and
    the space inside dollars goes where they hold TeX (a backslash, ``^``, ``_``, a brace or
    ``=``): "$5 and $10" is left as it is."""
    pieces, last = [], 0
    for start, end in math_spans(text):
        span = text[start:end]
        if span[:2] in ("\\(", "\\[") or _TEX.search(span):
            pieces += [text[last:start], unspaced_math(span)]
            last = end
    return "".join(pieces) + text[last:] if pieces else text


def arxiv_abstract(summary: str) -> str:
    """An arXiv abstract (from the API, a feed or the Hugging Face API) as Markdown that shows it
    as arXiv does: its paragraphs re-flowed (``paragraphs``), its math as the renderer reads math
    (``tex_math``) and the rest escaped (``markdown_text``)."""
    return markdown_text(tex_math(paragraphs(summary, indented_breaks=True)))


def arxiv_urls(ident: str) -> tuple[str, str]:
    """The abstract page and the PDF of an arXiv id (both without a version: the latest)."""
    return f"https://arxiv.org/abs/{ident}", f"https://arxiv.org/pdf/{ident}"


def iso_day(value: str) -> str | None:
    """``YYYY-MM-DD`` from an ISO 8601 date or timestamp, or None if it is not a real day from
    the year 1000 on."""
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def partial_date(value: str) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` if ``value`` is one and names a real date from
    the year 1000 on."""
    match = re.fullmatch(rf"({YEAR})(?:-(\d{{2}})(?:-(\d{{2}}))?)?", value.strip())
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


def identifier(value: str, refused: re.Pattern[str] = NOT_IN_ID) -> str | None:
    """``value`` stripped if it can be an id such as a citation key (no spaces, no ``<>"``), else None."""
    ident = value.strip()
    return ident if ident and not refused.search(ident) else None


def doi_id(value: str) -> str | None:
    """``value`` stripped if it can be a DOI (no spaces, no ``"``; SICI DOIs hold ``<>``), else None."""
    return identifier(value, NOT_IN_DOI)


def warning(path: str, line: int, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, message, hint, severity="warning")


class Unread:
    """The fields of a file that no paper file has a place for, each with the lines of the records
    that hold it: an import names them in one warning rather than dropping them silently."""

    def __init__(self) -> None:
        self.lines: dict[str, list[int]] = {}

    def add(self, names: Iterable[str], line: int) -> None:
        for name in names:
            self.lines.setdefault(name, []).append(line)

    def warning(self, path: str, records: str) -> list[Diagnostic]:
        """One warning at the first record holding such a field (none if there is none):
        ``fields not imported (in how many RECORDS): keywords (3), isbn (1)``."""
        if not self.lines:
            return []
        listed = ", ".join(f"{name} ({len(lines)})" for name, lines in sorted(self.lines.items()))
        first = min(min(lines) for lines in self.lines.values())
        return [warning(path, first, f"fields not imported (in how many {records}): {listed}")]


class LineIndex:
    """Turns character offsets of a text into 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._starts = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._starts, offset) + 1
