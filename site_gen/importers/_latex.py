"""TeX in BibTeX fields: to Unicode text, names to display names, months to numbers."""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from pylatexenc.latex2text import (  # type: ignore[import-untyped]
    LatexNodes2Text,
    MacroTextSpec,
    SpecialsTextSpec,
    get_default_latex_context_db,
)

from ._text import collapse, markdown_text, paragraphs

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
            MacroTextSpec("textasciigrave", "`"),
            *(MacroTextSpec(name, name) for name in ("TeX", "LaTeX", "BibTeX")),
        ],
        specials=[SpecialsTextSpec("&", "&")],  # a bare & in a title is an ampersand
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim")


_DECODER = _decoder()
_QUOTE = re.compile(r"(?<![\\`!?])`(?!`)")  # not \`e (a grave accent), ``, !` or ?` (TeX's ligatures)


def latex_to_text(value: str, *, markdown: bool = False) -> str:
    """TeX to Unicode text; math (``$...$``, ``$$...$$``) is kept exactly as written, and
    ``\\(...\\)`` and ``\\[...\\]`` become ``$...$`` and ``$$...$$``, the math of a paper file.

    Math is set aside before pylatexenc reads the rest, so that the text
    around it is decoded but no TeX inside it is touched. A bare ``%`` in a
    BibTeX field is a per cent sign (``100%``), not a TeX comment. A single
    backquote is TeX's opening quote, which Markdown would read as the start of code.
    With ``markdown``, a dollar sign (``\\$``) stays escaped, so that it does not start math.
    """
    spans = math_spans(value)
    free = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in value)
    mark, dollar = next(free), next(free)
    pieces, last = [], 0
    for start, end in spans:
        pieces += [value[last:start], mark]
        last = end
    pieces.append(value[last:])
    text = "".join(pieces)
    text = _decode(_QUOTE.sub("\u2018", text.replace("\\$", dollar) if markdown else text))
    maths = iter([_dollars(value[start:end]) for start, end in spans])
    return re.sub(mark, lambda _: next(maths, ""), text).replace(dollar, "\\$")


_LIST = re.compile(r"\\begin\{(itemize|enumerate)\}(.*?)\\end\{\1\}", re.DOTALL)
_ITEM = re.compile(r"\\item\b\s*(?:\[([^\]]*)\])?")


def abstract_markdown(tex: str) -> str:
    """A TeX abstract as Markdown: paragraphs of text (``latex_to_text``) escaped to show as written,
    and each ``itemize`` or ``enumerate`` list a Markdown list of its items (numbered unless an item
    has a label of its own, ``\\item[(a)]``, which it keeps)."""
    blocks, last = [], 0
    for found in _LIST.finditer(tex):
        lead, *parts = _ITEM.split(found.group(2))  # text before the first item, then label, text, ...
        blocks += [_text_markdown(tex[last:found.start()]), _text_markdown(lead)]
        items = [(_text_markdown(label or "") + " " + _text_markdown(text)).strip()
                 for label, text in zip(parts[::2], parts[1::2], strict=True)]
        items = [" ".join(item.split()) for item in items if item]
        ordered = found.group(1) == "enumerate" and not any(parts[::2])
        blocks.append("\n".join((f"{n}. " if ordered else "- ") + item for n, item in enumerate(items, 1)))
        last = found.end()
    blocks.append(_text_markdown(tex[last:]))
    return "\n\n".join(block for block in blocks if block)


def _text_markdown(tex: str) -> str:
    return markdown_text(paragraphs(latex_to_text(tex, markdown=True), indented_breaks=False))


def _decode(tex: str) -> str:
    return str(_DECODER.latex_to_text(re.sub(r"(?<!\\)%", r"\\%", tex)))


def _dollars(math: str) -> str:
    """Math between ``\\(...\\)`` or ``\\[...\\]`` written between dollars; other math as it is."""
    if math[:2] in ("\\(", "\\["):
        dollars = "$" if math[1] == "(" else "$$"
        return dollars + math[2:-2].strip() + dollars
    return math


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


def display_names(value: str) -> tuple[tuple[str, ...], list[str]]:
    """Display names (``First von Last Jr``) of a BibTeX name list, and what could not be split."""
    names: list[str] = []
    problems: list[str] = []
    for person in split_names(value):
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


def split_names(value: str) -> list[str]:
    """Split a BibTeX name list at each ``and`` (any case) between spaces, outside braces.

    bibtexparser's own splitter drops a TeX escape that begins a name (``A and \\&B``).
    """
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group()
        if token in "{}":
            depth += 1 if token == "{" else -1
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    return [name.strip() for name in names if name.strip()]


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
