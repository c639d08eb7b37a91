"""Plain text from Markdown and LaTeX, for snippets, search and feeds."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from markupsafe import escape


def _escape_str_slowly(text: str) -> str:
    return str(escape(text))


escape_str: Callable[[str], str]  # ``str(markupsafe.escape(text))`` for a str
try:  # what markupsafe.escape does to a str, in C, without making a Markup of the result
    from markupsafe import _speedups
    escape_str = _speedups._escape_inner
except (ImportError, AttributeError):  # another markupsafe
    escape_str = _escape_str_slowly

# What XML 1.0 forbids or HTML parses as an error: the C0 controls but tab and line ends, DEL and
# the C1 controls, and the noncharacters (U+FDD0-U+FDEF and the last two code points of each plane).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
                     + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
                     + "]")
# Link text without brackets and a destination with at most one level of parentheses: each
# character is looked at a bounded number of times, so a long run of "[" or "](" stays linear.
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_MD_BLOCK = re.compile(r"^[ \t]*(?:#{1,6}|>|[*+-]|\d+\.)[ \t]+", re.M)
_MD_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}[^`\n]*|~{3,}.*)$", re.M)  # a code block's fence, with its language
# TeX as a reader says it: letters and relations as their symbols, x/y for a fraction, the
# argument of a font or an accent without the command, environments and spacing dropped; any
# other command as its name (\log, \max).
_TEX_SYMBOLS = {
    **dict(zip("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi "
               "varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega".split(),
               "αβγδϵεζηθϑικλμνξπϖρϱσςτυϕφχψω", strict=True)),
    **dict(zip("Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split(), "ΓΔΘΛΞΠΣΥΦΨΩ", strict=True)),
    **dict(zip("leq le geq ge neq ne approx sim simeq equiv propto times cdot pm mp div infty partial nabla "
               "sum prod int in notin subset subseteq supset supseteq cup cap emptyset forall exists neg "
               "wedge land vee lor to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow iff mapsto "
               "ll gg lesssim gtrsim ell star circ langle rangle ldots cdots dots dotsc dotsb prime".split(),
               "≤≤≥≥≠≠≈∼≃≡∝×·±∓÷∞∂∇∑∏∫∈∉⊂⊆⊃⊇∪∩∅∀∃¬∧∧∨∨→→←⇒⇐↔⟺↦≪≫≲≳ℓ⋆∘⟨⟩……………′", strict=True)),
}
_TEX_SILENT = frozenset(
    """left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr middle displaystyle textstyle scriptstyle
    limits nolimits em it bf rm sf tt sc sl quad qquad item noindent mathcal mathbf mathrm mathbb mathit
    mathsf mathtt mathfrak mathscr mathnormal boldsymbol bm text textbf textit textsc textrm textsf texttt
    textup textnormal emph underline overline operatorname mbox hbox tilde widetilde hat widehat bar vec dot
    ddot breve check acute grave""".split())
_DOUBLE_STRUCK = dict(zip("RNZQCPE", "ℝℕℤℚℂℙ𝔼", strict=True))
_TEX_ENV = re.compile(r"\\(?:begin|end)\{[A-Za-z*]*\}")
_TEX_FRAC = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
_TEX_SQRT = re.compile(r"\\sqrt\{([^{}]*)\}")
_TEX_BB = re.compile(r"\\mathbb\{([RNZQCPE])\}")
_TEX_SPACE = re.compile(r"\\[,;:! ]")
_TEX_WORD = re.compile(r"\\([A-Za-z]+) ?")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a Markdown backslash escape: \% shows as %
_ESCAPED_BASE = 0xF0000  # an escaped ASCII character, while marks are dropped: a private-use one
_UNESCAPE = {_ESCAPED_BASE + code: chr(code) for code in range(0x21, 0x7F)}
_DROPPED = "*`${}"
_DROP = str.maketrans("", "", "{}")  # TeX's groups; the other marks only where they pair up
_CODE = re.compile(r"(`+)([^`]+)\1")
# Emphasis as CommonMark reads it in the common cases: a run of stars before a word and the same
# run after one, not inside words; a star of its own (A* search, Q*: ...) is a star. No pattern
# looks past the next mark of its kind, so each character is looked at a bounded number of times.
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3})(?=[^\s*])([^*]+)(?<=[^\s*])\1(?![\w*])")
_DOLLARS = re.compile(r"(?<!\d)(\${1,2})(?=[^\s$])([^$]*?[^\s$])\1(?!\d)")  # $x$, $$x$$; not $5 and $6


_MATH = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\[")


def has_math(text: str) -> bool:
    """Whether the text holds TeX math: ``$...$``, ``\\(...\\)`` or ``\\[...\\]``."""
    return "$" in text and _MATH.search(text) is not None or "\\(" in text or "\\[" in text


def find_control(text: str) -> re.Match[str] | None:
    """The first character of ``text`` that ``CONTROL`` names, if any. Most text is printable but
    for its line ends, which ``str.isprintable`` tells many times faster than the pattern (a
    character it names is never printable)."""
    if text.isprintable() or text.replace("\n", " ").isprintable():
        return None
    return CONTROL.search(text)


def strip_control(text: str) -> str:
    """Remove characters that XML 1.0 forbids and HTML treats as errors (``CONTROL``)."""
    return CONTROL.sub("", text) if find_control(text) else text


@lru_cache(maxsize=1 << 16)  # each paper's text is asked for by the page, feeds, metadata and search
def plain_text(markdown: str) -> str:
    """Readable one-line text: Markdown marks and LaTeX commands removed, math kept as its symbols."""
    text = markdown
    escaped = "\\" in text
    if escaped:  # an escaped character is itself, not a mark: kept apart until the marks are gone
        text = _MD_ESCAPE.sub(lambda m: chr(_ESCAPED_BASE + ord(m[1])), tex_text(text))
    if "](" in text:  # a link's text (``[text\](url)`` is not a link: its ``]`` is escaped)
        text = _MD_LINK.sub(r"\1", text)
    if "```" in text or "~~~" in text:
        text = _MD_FENCE.sub("", text)
    if "\n" in text or _MD_BLOCK.match(text):
        text = _MD_BLOCK.sub("", text)
    if any(char in text for char in _DROPPED):
        text = _marks_dropped(text)
    if escaped:
        text = text.translate(_UNESCAPE)
    if text.isprintable() and "  " not in text:  # no control character; no white space but single spaces
        return text.strip()
    return " ".join(strip_control(text).split())


def _marks_dropped(text: str) -> str:
    """Markdown's code spans, emphasis and math without their marks, and TeX's braces dropped;
    a mark that does not pair up is text (``A* search``, ``$5``)."""
    if "`" in text:
        text = _CODE.sub(r"\2", text)
    if "$" in text:
        text = _DOLLARS.sub(r"\2", text)
    if "*" in text:
        for _ in range(2):  # **bold with *emphasis* inside**
            text = _EMPHASIS.sub(r"\2", text)
    return text.translate(_DROP)


def author_line(authors: Sequence[str], et_al: bool = False, count: int = 4) -> str:
    """The first ``count`` authors, and "et al." when there are more (or, ``et_al``, when the
    names are only the first of more): a card's, a row's and a search result's author line."""
    names = ", ".join(authors[:count])
    return names + " et al." if et_al or len(authors) > count else names


def counted(count: int, noun: str) -> str:
    """``1 paper``, ``2 papers``: how command output counts things."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def unescaped(markdown: str) -> str:
    """Markdown's backslash escapes undone: ``A\\* search`` is ``A* search``."""
    return _MD_ESCAPE.sub(r"\1", markdown) if "\\" in markdown else markdown


def tex_text(text: str) -> str:
    """TeX commands as a reader says them: ``\\tilde\\Theta(\\sqrt{n})`` is ``Θ(√n)``, ``\\frac{a}{b}``
    is ``a/b``; braces and Markdown's escapes (``\\%``) are left for the caller."""
    text = _TEX_SPACE.sub(" ", _TEX_ENV.sub(" ", text))
    text = _TEX_BB.sub(lambda m: _DOUBLE_STRUCK[m[1]], text) if "mathbb" in text else text
    text = _TEX_FRAC.sub(r"\1/\2", text) if "frac" in text else text
    text = _TEX_SQRT.sub(r"√\1", text) if "sqrt" in text else text
    return _TEX_WORD.sub(_tex_word, text)


def _tex_word(match: re.Match[str]) -> str:
    name = match[1]
    if name in _TEX_SILENT:
        return ""
    symbol = _TEX_SYMBOLS.get(name)
    if symbol is None:  # \log n: the name, and the space after it, apart from a word before it
        before = match.string[match.start() - 1:match.start()]
        return (" " if before.isalnum() else "") + match[0][1:]
    return symbol + match[0][len(name) + 1:]


def snippet(text: str, limit: int = 220) -> str:
    """``text`` cut at a word boundary near ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"
