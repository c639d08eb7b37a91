"""TeX in BibTeX fields: to Unicode text, names to display names, months to numbers."""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from pylatexenc.latex2text import (  # type: ignore[import-untyped]
    LatexNodes2Text,
    MacroTextSpec,
    SpecialsTextSpec,
    get_default_latex_context_db,
)

from ._text import collapse

MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTHS = tuple(name[:3] for name in MONTH_NAMES)  # BibTeX's month macros


def _decoder() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    db.add_context_category(
        "site-gen",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textasciitilde", "~"),
            *(MacroTextSpec(name, name) for name in ("TeX", "LaTeX", "BibTeX")),
        ],
        specials=[SpecialsTextSpec("&", "&")],  # a bare & in a title is an ampersand
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim")


_DECODER = _decoder()


def latex_to_text(value: str) -> str:
    """TeX to Unicode text; math (``$...$``) is kept as written.

    A bare ``%`` in a BibTeX field is a per cent sign (``100%``), not a TeX comment.
    """
    return str(_DECODER.latex_to_text(re.sub(r"(?<!\\)%", r"\\%", value)))


def display_names(value: str) -> tuple[tuple[str, ...], list[str]]:
    """Display names (``First von Last Jr``) of a BibTeX name list, and what could not be split."""
    names: list[str] = []
    problems: list[str] = []
    for person in split_multiple_persons_names(value):
        if person.strip().lower() == "others":
            continue
        try:
            parts = parse_single_name_into_parts(person)
            display = " ".join(parts.first + parts.von + parts.last + parts.jr)
        except InvalidNameError as exc:
            problems.append(f"author {person!r} kept as written: {exc.reason}")
            display = person
        names.append(collapse(latex_to_text(display)))
    return tuple(name for name in names if name), problems


def month_number(value: str) -> int | None:
    """A month number from ``3``, ``03``, ``mar``, ``Mar.``, ``March``, ``Sept`` or ``March 11``."""
    word = (value.split() or [""])[0].rstrip(".").lower()
    if word.isdigit():
        return int(word) if 1 <= int(word) <= 12 else None
    if word == "sept":
        return 9
    found = [n for n, name in enumerate(MONTH_NAMES, 1) if len(word) >= 3 and name.startswith(word)]
    return found[0] if found else None


def verbatim(value: str) -> str:
    """A URL-like field as written: without ``\\url{}`` and TeX escapes such as ``\\_``."""
    value = value.strip()
    wrapped = re.fullmatch(r"\\url\s*\{(.*)\}", value, re.DOTALL)
    value = wrapped.group(1).strip() if wrapped else value
    return re.sub(r"\\([_%#&~$])", r"\1", value)
