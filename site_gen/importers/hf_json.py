"""Hugging Face daily-papers JSON -> paper drafts.

Reads the API's list (items ``{"paper": {...}, "publishedAt": <listing time>, ...}``)
and the older shapes: a list of papers without the ``paper`` wrapper, an object
holding such a list (``papers``, ``dailyPapers``, ``data``, ...), one paper (as
``/api/papers/<id>`` gives it), or JSON Lines: one item or paper a line, as
archives append them.

Per paper: ``title`` and ``summary`` are required (else the paper is skipped
with a warning); ``id`` is the arXiv id, which gives ``arxiv``, ``url`` (the
arXiv abstract page) and ``pdf``; ``publishedAt`` of the paper (not of the
listing) gives ``date``, the listing's when the paper has none; ``githubRepo``
gives ``code`` and ``projectPage`` the extra key ``project``. Authors flagged
``hidden`` are left out, as the Hugging Face page leaves them out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..errors import Diagnostic, ImportFailed
from ..model import PaperDraft
from ..schema import arxiv_id
from ..yamlio import WrittenFloat
from . import ImportResult
from ._text import (
    LineIndex,
    Unread,
    arxiv_abstract,
    arxiv_urls,
    collapse,
    http_url,
    iso_day,
    warning,
)

SOURCE = "hf-json"
# Keys of the API's items and papers: those read, and those known and left out (counts, the
# submitter, thumbnails, machine-written summaries); any other key is named in a warning.
_KNOWN_KEYS = frozenset({
    "id", "title", "summary", "authors", "publishedAt", "githubRepo", "projectPage",
    "upvotes", "numComments", "thumbnail", "mediaUrls", "submittedBy", "submittedOnDailyAt", "submittedOnDailyBy",
    "organization", "isAuthorParticipating", "discussionId", "githubRepoAddedBy", "githubStars", "ai_summary",
    "ai_keywords",
})  # fmt: skip
_LIST_KEYS = ("papers", "dailyPapers", "data", "items", "results")
_DECODER = json.JSONDecoder()


def _loads(text: str) -> Any:
    """``json.loads``, each number with a fraction kept with its text: an id written as a number,
    ``2401.10010``, is still the arXiv id it says."""
    return json.loads(text, parse_float=lambda written: WrittenFloat(float(written), written))


Note = Callable[[str], None]
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # how JSON writes a surrogate code point
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any) -> Any:
    """Every string with its surrogate code points made U+FFFD. JSON can escape half a pair
    (``"\\ud800"``) where no UTF-8 file can hold one; a whole pair is read as one character."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def parse(text: str, path: str) -> ImportResult:
    text = text.removeprefix("\ufeff")
    try:
        records = _records(_loads(text), text, path)
    except json.JSONDecodeError as exc:
        records = _json_lines(text, path, exc)
    if _SURROGATE_ESCAPE.search(text):
        records = [(_without_lone_surrogates(record), line) for record, line in records]
    drafts: list[PaperDraft] = []
    warnings: list[Diagnostic] = []
    unread = Unread()
    for record, line in records:

        def note(message: str, line: int = line) -> None:
            warnings.append(warning(path, line, message))

        draft = _draft(record, line, note)
        if draft is not None:
            drafts.append(draft)
            unread.add(_unknown_keys(record), line)
    return drafts, warnings + unread.warning(path, "papers")


def _unknown_keys(record: dict[str, Any]) -> list[str]:
    """The keys of a paper record that the importer neither reads nor knows to leave out, with
    ``paper.`` before those of the paper inside a listing item; keys without a value and the API's
    own record ids (``_id``) are not named."""
    paper = record.get("paper")
    holders = [("", record), *([("paper.", paper)] if isinstance(paper, dict) else [])]
    return [
        prefix + key
        for prefix, holder in holders
        for key, value in holder.items()
        if key not in _KNOWN_KEYS and key != "paper" and not key.startswith("_") and value not in (None, "", [], {})
    ]


def _json_lines(text: str, path: str, error: json.JSONDecodeError) -> list[tuple[Any, int]]:
    """The records of a JSON Lines file, one item (or a list of items) a line; ``error`` (the file
    read as one JSON value) is the problem reported when the first line is not a JSON value of its own."""
    records: list[tuple[Any, int]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = _loads(line)
        except json.JSONDecodeError as exc:
            if records:
                message = f"invalid JSON Lines: {exc.msg} (column {exc.colno})"
                raise ImportFailed([Diagnostic(path, number, message)]) from None
            break
        records.extend((item, number) for item in (value if isinstance(value, list) else [value]))
    if not records:
        message = f"invalid JSON: {error.msg} (column {error.colno})"
        raise ImportFailed([Diagnostic(path, error.lineno, message)]) from None
    return records


def _records(data: Any, text: str, path: str) -> list[tuple[Any, int]]:
    """The paper records of the file, each with the line where it starts."""
    lines = LineIndex(text)
    start = _skip(text, 0)
    if isinstance(data, list):
        return list(zip(data, map(lines.line, _item_offsets(text, start)), strict=True))
    if isinstance(data, dict):
        if _is_paper(data):
            return [(data, lines.line(start))]
        key = _list_key(data)
        if key is not None:
            offsets = _item_offsets(text, _member_offsets(text, start)[key])
            return list(zip(data[key], map(lines.line, offsets), strict=True))
    found = _json_kind(data) if not isinstance(data, dict) else "an object without a list"
    message = f"expected a list of papers (or an object holding one), found {found}"
    raise ImportFailed([Diagnostic(path, lines.line(start), message)])


def _json_kind(value: Any) -> str:
    """What a message calls a value: JSON's words (null, a number, an array), never a Python
    class (NoneType, int, list)."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)  # null, true, false
    for kind, name in ((str, "a string"), ((int, float), "a number"), (list, "an array"), (dict, "an object")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _is_paper(data: dict[str, Any]) -> bool:
    return isinstance(data.get("paper"), dict) or ("title" in data and "summary" in data)


def _list_key(data: dict[str, Any]) -> str | None:
    for key in _LIST_KEYS:
        if isinstance(data.get(key), list):
            return key
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return key
    return None


def _item_offsets(text: str, start: int) -> list[int]:
    """Offsets of the items of the (valid) JSON array whose ``[`` is at ``start``."""
    offsets: list[int] = []
    i = _skip(text, start + 1)
    while text[i] != "]":
        offsets.append(i)
        _, end = _DECODER.raw_decode(text, i)
        i = _skip(text, end)
        i = _skip(text, i + 1) if text[i] == "," else i
    return offsets


def _member_offsets(text: str, start: int) -> dict[str, int]:
    """Offsets of the values of the (valid) JSON object whose ``{`` is at ``start``."""
    offsets: dict[str, int] = {}
    i = _skip(text, start + 1)
    while text[i] != "}":
        key, end = _DECODER.raw_decode(text, i)
        i = _skip(text, _skip(text, end) + 1)  # past the colon
        offsets[key] = i
        _, end = _DECODER.raw_decode(text, i)
        i = _skip(text, end)
        i = _skip(text, i + 1) if text[i] == "," else i
    return offsets


def _skip(text: str, i: int) -> int:
    """The offset of the first non-space character at or after ``i``."""
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _draft(record: Any, line: int, note: Note) -> PaperDraft | None:
    if not isinstance(record, dict) or not isinstance(record.get("paper", {}), dict):
        note(f"skipped an item that is not a paper object ({_json_kind(record)})")
        return None
    paper: dict[str, Any] = record.get("paper", record)
    title = collapse(_string(paper, record, "title", note))
    abstract = arxiv_abstract(_string(paper, record, "summary", note))
    if not title:
        note("skipped a paper without a title")
        return None
    if not abstract:
        note(f"skipped a paper without an abstract (summary): {title!r}")
        return None
    ident = _arxiv(paper.get("id"), note)
    url, pdf = arxiv_urls(ident) if ident else (None, None)
    project = _url(paper.get("projectPage"), "projectPage", note)
    return PaperDraft(
        title=title,
        abstract=abstract,
        date=_date(paper.get("publishedAt", record.get("publishedAt")), note),
        authors=_authors(paper.get("authors"), note),
        arxiv=ident,
        url=url,
        pdf=pdf,
        code=_url(paper.get("githubRepo"), "githubRepo", note),
        source=SOURCE,
        line=line,
        extra=(("project", project),) if project else (),
    )


def _string(paper: dict[str, Any], record: dict[str, Any], key: str, note: Note) -> str:
    """``paper[key]``, else the listing item's ``key``; '' when missing or not a string."""
    for holder in (paper,) if paper is record else (paper, record):
        value = holder.get(key)
        if isinstance(value, str) and value.strip():
            return value
        if value is not None and not isinstance(value, str):
            note(f"{key!r} is {_json_kind(value)}, not a string; left out")
    return ""


def _authors(value: Any, note: Note) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        note(f"'authors' is {_json_kind(value)}, not an array; left out")
        return ()
    names: list[str] = []
    for author in value:
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            if author.get("hidden") is not True:
                names.append(collapse(author["name"]))
        elif isinstance(author, str):
            names.append(collapse(author))
        else:
            note(f"an author of unknown shape was left out: {author!r:.60}")
    return tuple(name for name in names if name)


def _arxiv(value: Any, note: Note) -> str | None:
    if value is None:
        return None
    if isinstance(value, WrittenFloat):  # an id written as a number: read as it was written
        value = value.written
    ident = arxiv_id(value) if isinstance(value, str) else None
    if ident is None:
        note(f"'id' {value!r:.40} is not an arXiv id; the paper gets no arXiv links")
    return ident


def _date(value: Any, note: Note) -> str | None:
    if value is None:
        return None
    day = iso_day(value) if isinstance(value, str) else None
    if day is None:
        note(f"'publishedAt' {value!r:.40} is not a date; left out")
    return day


def _url(value: Any, key: str, note: Note) -> str | None:
    if value is None or value == "":
        return None
    url = http_url(value) if isinstance(value, str) else None
    if url is None:
        note(f"{key!r} {value!r:.60} is not an http(s) URL; left out")
    return url
