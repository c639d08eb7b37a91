"""Plain text from Markdown and LaTeX, for snippets, search and feeds."""

from __future__ import annotations

import re
from collections.abc import Callable
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

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Link text without brackets and a destination with at most one level of parentheses: each
# character is looked at a bounded number of times, so a long run of "[" or "](" stays linear.
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_MD_BLOCK = re.compile(r"^[ \t]*(?:#{1,6}|>|[*+-]|\d+\.)[ \t]+", re.M)
_TEX_CMD = re.compile(r"\\(?:mathcal|mathbf|mathrm|mathbb|text|textbf|textit|emph|operatorname)\{([^{}]*)\}")
_TEX_WORD = re.compile(r"\\([A-Za-z]+)")
_DROPPED = "*`${}"
_DROP = str.maketrans("", "", _DROPPED)


_MATH = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\[")


def has_math(text: str) -> bool:
    """Whether the text holds TeX math: ``$...$``, ``\\(...\\)`` or ``\\[...\\]``."""
    return "$" in text and _MATH.search(text) is not None or "\\(" in text or "\\[" in text


def strip_control(text: str) -> str:
    """Remove characters that XML 1.0 forbids and HTML treats as errors."""
    return _CONTROL.sub("", text)


@lru_cache(maxsize=1 << 16)  # each paper's text is asked for by the page, feeds, metadata and search
def plain_text(markdown: str) -> str:
    """Readable one-line text: Markdown marks and LaTeX commands removed, math kept as its symbols."""
    text = _MD_LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    if "\\" in text:
        text = _TEX_WORD.sub(r"\1", _TEX_CMD.sub(r"\1", text))
    if "\n" in text or _MD_BLOCK.match(text):
        text = _MD_BLOCK.sub("", text)
    if any(char in text for char in _DROPPED):
        text = text.translate(_DROP)
    if text.isprintable() and "  " not in text:  # no control character; no white space but single spaces
        return text.strip()
    return " ".join(strip_control(text).split())


def snippet(text: str, limit: int = 220) -> str:
    """``text`` cut at a word boundary near ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"
