"""Declarative checks shared by site.yaml, front matter and tags.yaml.

Each key is declared once with its kind and documentation; ``check`` returns the
converted values and every problem at once, each at the line of its key.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from .errors import Diagnostic
from .textutil import find_control

Converter = Callable[[Any], Any]


class Invalid(ValueError):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Field:
    kind: Converter
    doc: str
    required: bool = False
    default: Any = None


def _type_name(value: Any) -> str:
    """What a message calls a value's type: YAML's words, never a Python class (a number that
    YAML read as a float is a ``WrittenFloat``, and still "a number")."""
    for kind, name in ((bool, "a boolean"), (int, "a number"), (float, "a number"), (str, "a string"),
                       (list, "a list"), (dict, "a mapping"), (date, "a date")):
        if isinstance(value, kind):
            return name
    return "empty" if value is None else type(value).__name__


QUOTE = "put the value in quotes"
QUOTE_BOOLEAN = "YAML reads yes, no, on, off, true and false as booleans: put the value in quotes"


def _quote_hint(value: Any) -> str:
    """How to write a value that YAML read as something other than a string."""
    return QUOTE_BOOLEAN if isinstance(value, bool) else QUOTE  # tags: [no, on] is [false, true] in YAML


def control_message(char: str) -> str:
    """What a problem says of a character that ``CONTROL`` finds."""
    return f"contains the control character U+{ord(char):04X}"


def string(value: Any) -> str:
    if value is None:
        raise Invalid("must not be empty")
    if not isinstance(value, str):
        raise Invalid(f"must be a string, not {_type_name(value)}", _quote_hint(value))
    if bad := find_control(value):
        raise Invalid(control_message(bad.group()), "remove it")
    return value.strip()


def text(value: Any) -> str:
    """A non-empty string."""
    result = string(value)
    if not result:
        raise Invalid("must not be empty")
    return " ".join(result.split())


def string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise Invalid("must be a list, not a string", f"write [{value}]")
    if not isinstance(value, list):
        raise Invalid(f"must be a list of strings, not {_type_name(value)}")
    items = []
    for i, item in enumerate(value, 1):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if item is None:
            raise Invalid(f"item {i} is empty")
        if not isinstance(item, str):
            raise Invalid(f"item {i} must be a string, not {_type_name(item)}", _quote_hint(item))
        try:
            item = text(item)
        except Invalid as exc:
            raise Invalid(f"item {i} {exc}", exc.hint) from None
        items.append(item)
    return tuple(items)


def short_list(limit: int, what: str) -> Converter:
    """A list of strings with at most ``limit`` items."""
    def convert(value: Any) -> tuple[str, ...]:
        if isinstance(value, list) and len(value) > limit:
            raise Invalid(f"has {len(value)} items; at most {limit} are allowed", what)
        return string_list(value)
    return convert


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[Tt]|[ \t]+)\d{1,2}:\d{2}.*")  # as Hugo and Jekyll write one


def partial_date(value: Any) -> str:
    """YYYY-MM-DD, YYYY-MM or YYYY; checked for being a real day."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (m := _DATE.fullmatch(value.strip())):
        timed = _DATE_TIME.fullmatch(value.strip()) if isinstance(value, str) else None
        raise Invalid(f"must be a date YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}",
                      f"a paper is listed by its day, without a time: write date: {timed[1]}" if timed else "")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        date(year or 1, month or 1, day or 1)
    except ValueError as exc:
        raise Invalid(f"is not a real date: {value} ({exc})") from None
    if year is None or year < 1000:
        raise Invalid(f"is not a plausible year: {value}")
    return value.strip()


_CHAR_REF = re.compile(r"&(?:#|[A-Za-z][A-Za-z0-9]*;)")  # &#106; or &colon;: HTML, not a URL


def _char_name(c: str) -> str:
    """A character as a message names it: '<' as written, U+200B where it would not show."""
    if not c.isprintable():
        return f"U+{ord(c):04X}"
    return "\"'\"" if c == "'" else f"'{c}'"


_HOST_FIRST = re.compile(r"www\.|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::\d+)?/")  # arxiv.org/abs/...


def web_url(value: Any) -> str:
    """An http(s) URL or a relative one; every other scheme is refused, and so is a host name
    without a scheme (``www.example.org``, ``github.com/a/b``), which would be a relative link."""
    url = string(value)
    bad = dict.fromkeys(c for c in url if c.isspace() or c in "\\<>\"'`" or unicodedata.category(c)[0] == "C")
    if bad:
        raise Invalid(f"is not a valid URL: {url!r}", f"{', '.join(map(_char_name, bad))} must be percent-encoded")
    if _CHAR_REF.search(url):
        raise Invalid(f"is not a valid URL: {url!r}", "write the URL itself, not HTML character references")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise Invalid(f"is not a valid URL: {url!r}") from None
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        raise Invalid(f"has the scheme {parts.scheme!r}; only http and https URLs are allowed")
    if url.startswith("//") or (parts.scheme and not parts.netloc):
        raise Invalid(f"is not a valid URL: {url!r}")
    if not parts.scheme and _HOST_FIRST.match(url):
        raise Invalid(f"has no scheme: {url!r} would be a link relative to the page", f"write https://{url}")
    return url


NOT_IN_ID = re.compile(r"[\s<>\"]")  # what an id may not hold (the importers check the same)
NOT_IN_DOI = re.compile(r"[\s\"]")  # SICI DOIs hold < and >


def identifier(value: Any, refused: re.Pattern[str] = NOT_IN_ID) -> str:
    """An id such as an arXiv id, which YAML would read as a number unless quoted."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        written = getattr(value, "written", "2312.11820")  # the file's text, when YAML read a float from it
        raise Invalid(f"must be a quoted string, not the number {value!r}",
                      f'YAML reads {written} as a number: write "{written}"')
    result = text(value)
    if refused.search(result):
        raise Invalid(f"is not a valid identifier: {result!r}")
    return result


# An arXiv id as people and the importers meet it: new (2510.14968) or old style (hep-th/9901001),
# with a version, an arXiv: prefix or as its abstract page or PDF; group 1 is the bare id.
ARXIV_ID = re.compile(
    r"(?:arxiv:\s*|oai:arxiv\.org:|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    r"(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?",
    re.IGNORECASE,
)


def arxiv_id(value: str) -> str | None:
    """The bare arXiv id (no version, no URL, no ``arXiv:``), or None if ``value`` is not one."""
    match = ARXIV_ID.fullmatch(value.strip())
    return match.group(1) if match else None


def arxiv(value: Any) -> str:
    """An arXiv id without version: one written with its version, a prefix or as an address is
    refused with the bare id to write (its links and the importers' matching use the bare id)."""
    result = identifier(value)
    bare = arxiv_id(result)
    if bare and bare != result:
        raise Invalid(f"is not an arXiv id without version: {result!r}", f'write "{bare}"')
    return result


def doi(value: Any) -> str:
    """A DOI: an identifier that may hold ``<`` and ``>``, as the SICI DOIs of older articles do
    (``10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0``)."""
    return identifier(value, NOT_IN_DOI)


def integer(low: int, high: int) -> Converter:
    def convert(value: Any) -> int:
        if isinstance(value, float):
            raise Invalid(f"must be a whole number, not {getattr(value, 'written', value)}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"must be a whole number, not {_type_name(value)}")
        if not low <= value <= high:
            raise Invalid(f"must be between {low} and {high}, not {value}")
        return value
    return convert


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, not {_type_name(value)}")
    return value


def did_you_mean(key: str, known: Mapping[str, Any], what: str = "keys") -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else f"known {what}: " + ", ".join(sorted(known))


def check(
    data: Any, fields: Mapping[str, Field], path: str, key_lines: Mapping[str, int], first_line: int = 1,
    what: str = "key",
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Validate a mapping against ``fields``: values converted, problems all collected."""
    if not isinstance(data, dict):
        return {}, [Diagnostic(path, first_line, f"expected a mapping of keys, not {_type_name(data)}")]
    values: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for key, value in data.items():
        line = key_lines.get(str(key), first_line)
        spec = fields.get(str(key))
        if spec is None:
            problems.append(Diagnostic(path, line, f"unknown {what} '{key}'", did_you_mean(str(key), fields)))
        elif value is None and not spec.required:
            continue
        else:
            try:
                values[str(key)] = spec.kind(value)
            except Invalid as exc:
                problems.append(Diagnostic(path, line, f"'{key}' {exc}", exc.hint))
    for key, spec in fields.items():
        if key not in values and not any(d.message.startswith(f"'{key}'") for d in problems):
            if spec.required:
                problems.append(Diagnostic(path, key_lines.get(key, first_line), f"missing required {what} '{key}'"))
            elif spec.default is not None:
                values[key] = spec.default
    return values, problems
