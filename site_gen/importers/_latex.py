"""TeX in BibTeX fields: to Unicode text, names to display names, months to numbers."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from pylatexenc.latex2text import (  # type: ignore[import-untyped]
    LatexNodes2Text,
    MacroTextSpec,
    SpecialsTextSpec,
    get_default_latex_context_db,
)
from pylatexenc.latexwalker import LatexMacroNode  # type: ignore[import-untyped]
from pylatexenc.latexwalker import get_default_latex_context_db as default_parsing_db
from pylatexenc.macrospec import MacroSpec  # type: ignore[import-untyped]

from ._text import collapse, markdown_text, math_spans, paragraphs, unspaced_math

MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTHS = tuple(name[:3] for name in MONTH_NAMES)  # BibTeX's month macros


_CITES = (
    "cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "citeyearpar", "citenum",
    "Cite", "Citep", "Citet", "Citeauthor", "textcite", "parencite", "autocite", "footcite", "smartcite",
    "Textcite", "Parencite", "Autocite", "nocite",
)  # fmt: skip
_KEPT_TEXT = ("texttt", "textsf", "textmd", "textup", "textnormal", "textcircled", "mbox", "hbox")
_SYMBOLS = {
    "textless": "<", "textgreater": ">", "textbar": "|", "textbardbl": "\u2016", "textquotedbl": '"',
    "textunderscore": "_", "textminus": "\u2212", "S": "\u00a7", "P": "\u00b6", "ddag": "\u2021",
    "euro": "\u20ac", "pounds": "\u00a3", "copyright": "\u00a9", "checkmark": "\u2713", "SS": "SS",
    "slash": "/", "nobreakspace": " ", "enspace": " ", "newline": "\n",
}  # fmt: skip


class _Decoder(LatexNodes2Text):  # type: ignore[misc]
    def apply_simplify_repl(self, node: Any, simplify_repl: Any, what: str) -> str:
        """A macro whose template needs arguments (``\\frac`` is ``%s/%s``) but that has none is
        nothing, where pylatexenc logs a warning and writes the template itself."""
        if isinstance(simplify_repl, str) and "%" in simplify_repl and len(simplify_repl) > 1:
            if node.isNodeType(LatexMacroNode) and not any(_arguments(node)):
                return ""
        return str(super().apply_simplify_repl(node, simplify_repl, what))


def _arguments(node: Any) -> list[Any]:
    return list(node.nodeargd.argnlist) if node.nodeargd and node.nodeargd.argnlist else []


def _argument(node: Any, l2tobj: LatexNodes2Text, index: int) -> str:
    """The text of a macro's argument (``-1``: the last), or ``""`` when it has no such argument."""
    arguments = _arguments(node)
    found = arguments[index] if -len(arguments) <= index < len(arguments) else None
    return str(l2tobj.nodelist_to_text([found])).strip() if found is not None else ""


def _link(node: Any, l2tobj: LatexNodes2Text) -> str:
    """``\\url{u}`` and ``\\href{u}{u}`` as ``<u>`` (an autolink in Markdown), ``\\href{u}{text}`` as
    ``text <u>``."""
    url = _argument(node, l2tobj, 0)
    text = _argument(node, l2tobj, 1) if node.macroname == "href" else url
    return (f"{text} <{url}>" if text != url else f"<{url}>") if url else text


def _citation(node: Any, l2tobj: LatexNodes2Text) -> str:
    """``\\cite{a,b}`` (and natbib's and biblatex's citations) as ``[a, b]``: the keys, as written."""
    keys = [key.strip() for key in _argument(node, l2tobj, -1).split(",") if key.strip()]
    return f"[{', '.join(keys)}]" if keys else ""


def _decoder() -> tuple[LatexNodes2Text, Any]:
    """pylatexenc's text decoder and the macros its parser must know the arguments of."""
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
            *(MacroTextSpec(name, text) for name, text in _SYMBOLS.items()),
            *(MacroTextSpec(name, discard=False) for name in _KEPT_TEXT),
            MacroTextSpec("verb", simplify_repl=lambda n, l2tobj: _argument(n, l2tobj, 0)),
            MacroTextSpec("url", simplify_repl=_link),
            MacroTextSpec("href", simplify_repl=_link),
            *(MacroTextSpec(name, simplify_repl=_citation) for name in _CITES),
            MacroTextSpec("ref", simplify_repl=lambda n, l2tobj: _argument(n, l2tobj, 0)),
            MacroTextSpec("eqref", simplify_repl=lambda n, l2tobj: f"({_argument(n, l2tobj, 0)})"),
        ],
        specials=[SpecialsTextSpec("&", "&")],  # a bare & in a title is an ampersand
    )
    parsing = default_parsing_db()
    parsing.add_context_category(
        "site-gen", prepend=True, macros=[MacroSpec("href", "{{"), *(MacroSpec(name, "*[[{") for name in _CITES)]
    )
    return _Decoder(latex_context=db, math_mode="verbatim"), parsing


_DECODER, _PARSING = _decoder()
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
    maths = iter([unspaced_math(value[start:end]) for start, end in spans])
    return re.sub(mark, lambda _: next(maths, ""), text).replace(dollar, "\\$")


_ACCENTED = r"(?:\{\s*(?:\\[ij]|[A-Za-z])\s*\}|\\[ij](?![A-Za-z])|[A-Za-z])"  # o, {o}, \i, {\i}
_ACCENT = (rf"\\[\"'`^~=.]{_ACCENTED}"  # \"o, \'{e}, \^\i
           rf"|\\[uvHckrbd](?:\{{\s*(?:\\[ij]|[A-Za-z])\s*\}}|\s+[A-Za-z](?![A-Za-z]))")  # \v{c}, \c c
_LETTER = r"\\(?:ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])"  # \ss, \o, \AA
_TEX_TEXT = re.compile(
    rf"\{{(?:{_ACCENT}|{_LETTER})\}}"  # {\"o}, {\ss}
    rf"|{_ACCENT}"
    rf"|{_LETTER}(?:\{{\}}|\s*)"  # \ss{}, \o rn: TeX takes the space after a control word
    r"|\\[&%#_]"
)


def tex_accents(value: str) -> str:
    """Plain text (an arXiv title or author's name) with its TeX accents and letters as Unicode
    (``G\\"odel``, ``{\\'e}``, ``\\v{c}``, ``\\ss``) and ``\\&``, ``\\%``, ``\\#``, ``\\_`` as the
    characters; everything else, math (``$\\alpha$``) and other backslashes above all, as written.
    An accent that makes no single letter (``\\"q``) is left as written too."""
    if "\\" not in value:
        return value
    spans = math_spans(value)
    pieces, last = [], 0
    for start, end in [*spans, (len(value), len(value))]:
        pieces += [_TEX_TEXT.sub(_tex_letter, value[last:start]), value[start:end]]
        last = end
    return "".join(pieces)


def _tex_letter(match: re.Match[str]) -> str:
    tex = match.group()
    text = unicodedata.normalize("NFC", _decode(tex.rstrip()))
    return text if len(text) == 1 else tex


_LIST = re.compile(r"\\(begin|end)\{(itemize|enumerate)\}")
_ITEM = re.compile(r"\\item\b\s*(?:\[([^\]]*)\])?")
Part = tuple[str | None, str]  # (None, TeX text) or ("itemize" or "enumerate", the list's body)


def abstract_markdown(tex: str) -> str:
    """A TeX abstract as Markdown: paragraphs of text (``latex_to_text``) escaped to show as written,
    and each ``itemize`` or ``enumerate`` list a Markdown list of its items, a list in an item
    indented under it (numbered unless an item has a label of its own, ``\\item[(a)]``, which it
    keeps)."""
    return "\n\n".join(block for block in map(_part_markdown, _outer_lists(tex)) if block)


def _outer_lists(tex: str) -> list[Part]:
    """The text and the outermost lists of ``tex``, in order; a list never closed is text."""
    parts: list[Part] = []
    depth = last = opened = 0
    for found in _LIST.finditer(tex):
        if found[1] == "begin":
            if not depth:
                opened = found.start()
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                begin = _LIST.match(tex, opened)
                assert begin is not None
                parts += [(None, tex[last:opened]), (begin[2], tex[begin.end():found.start()])]
                last = found.end()
    parts.append((None, tex[last:]))
    return parts


def _part_markdown(part: Part) -> str:
    kind, tex = part
    return _text_markdown(tex) if kind is None else _list_markdown(kind, tex)


def _list_markdown(kind: str, body: str) -> str:
    lead: list[Part] = []  # what comes before the first item: paragraphs before the list
    items: list[tuple[str, list[Part]]] = []  # each item's label and parts
    for part in _outer_lists(body):
        if part[0] is not None:
            (items[-1][1] if items else lead).append(part)
            continue
        pieces = _ITEM.split(part[1])  # text, label, text, label, text, ...
        (items[-1][1] if items else lead).append((None, pieces[0]))
        items += [(label or "", [(None, text)]) for label, text in zip(pieces[1::2], pieces[2::2], strict=True)]
    ordered = kind == "enumerate" and not any(label for label, _ in items)
    blocks = [block for block in map(_part_markdown, lead) if block]
    lines: list[str] = []
    for label, parts in items:
        text = " ".join(" ".join(_part_markdown(part).split()) for part in [(None, label), *parts] if part[0] is None)
        inner = [block for block in (_part_markdown(part) for part in parts if part[0] is not None) if block]
        if text.strip() or inner:
            marker = f"{len(lines) + 1}. " if ordered else "- "
            indent = "\n" + " " * len(marker)
            lines.append((marker + text.strip()).rstrip() + "".join(indent + b.replace("\n", indent) for b in inner))
    return "\n\n".join([*blocks, "\n".join(lines)] if lines else blocks)


def _text_markdown(tex: str) -> str:
    return markdown_text(paragraphs(latex_to_text(tex, markdown=True), indented_breaks=False))


def _decode(tex: str) -> str:
    return str(_DECODER.latex_to_text(re.sub(r"(?<!\\)%", r"\\%", tex), latex_context=_PARSING))


def display_names(value: str) -> tuple[tuple[str, ...], list[str]]:
    """Display names (``First von Last Jr``) of a BibTeX name list, and what could not be split.
    BibTeX's ``and others`` names no one (``et_al`` says that the list goes on)."""
    names: list[str] = []
    problems: list[str] = []
    for person in split_names(value):
        if is_others(person):
            continue
        try:
            parts = parse_single_name_into_parts(person)
            display = " ".join(parts.first + parts.von + parts.last + parts.jr)
        except InvalidNameError as exc:
            problems.append(f"author {person!r} kept as written: {exc.reason}")
            display = person
        names.append(collapse(latex_to_text(display)))
    return tuple(name for name in names if name), problems


def is_others(person: str) -> bool:
    """BibTeX's ``others``: the authors not named, written ``A and B and others``."""
    return person.strip().lower() == "others"


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
    """A URL-like field as written: without ``\\url{}`` and TeX escapes such as ``\\_`` or, as
    Mendeley writes them, ``{\\_}``."""
    value = value.strip()
    wrapped = re.fullmatch(r"\\url\s*\{(.*)\}", value, re.DOTALL)
    value = wrapped.group(1).strip() if wrapped else value
    return re.sub(r"\{\\([_%#&~$])\}|\\([_%#&~$])", lambda m: m.group(1) or m.group(2), value)
