"""One error family: every problem is a Diagnostic, reported as ``path:line: message``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]

# What a terminal would act on rather than show: the controls (an escape sequence in a file name
# would drive it; a line end would start a line that looks like a report of its own), and the
# bidirectional controls, which would reorder the rest of the line.
_UNSHOWN = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` for a terminal or a log: each character ``_UNSHOWN`` names written as Python
    writes it in a string (``\\x1b``, ``\\n``, ``\\u202e``)."""
    if text.isprintable():
        return text
    return _UNSHOWN.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one input file. ``line`` is 1-based; 0 when unknown."""

    path: str
    line: int
    message: str
    hint: str = ""
    severity: Severity = "error"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.message)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        text = f"{where}: {prefix}{self.message}"
        return printable(f"{text} ({self.hint})" if self.hint else text)


class SiteGenError(Exception):
    """Base class of every error the user should see as diagnostics, never as a traceback."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(map(str, self.diagnostics)))

    def __reduce__(self) -> tuple[type[SiteGenError], tuple[list[Diagnostic]]]:
        return (type(self), (self.diagnostics,))  # crosses process boundaries intact


class BuildFailed(SiteGenError):
    """Content, configuration or templates are invalid; nothing was written."""


class ImportFailed(SiteGenError):
    """An importer rejected its input file; nothing was written."""


def errors_only(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def raise_if_errors(diagnostics: Iterable[Diagnostic], exc: type[SiteGenError] = BuildFailed) -> None:
    """Raise when any diagnostic is an error; the exception carries the warnings too, to be shown with them."""
    found = list(diagnostics)
    if errors_only(found):
        raise exc(found)


def promote(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Warnings become errors (``--strict``)."""
    return [replace(d, severity="error") for d in diagnostics]
