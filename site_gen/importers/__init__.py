"""Importers: pure parsers that turn a source file's text into paper drafts.

Every importer is a module with one entry point::

    def parse(text: str, path: str) -> ImportResult

``text`` is the whole file, already decoded; ``path`` is only used in
diagnostics. ``parse`` reads no file, writes nothing and makes no slug: the
caller tags, slugs, merges and writes the drafts.

* A file that cannot be read as its format at all (broken JSON, XML or
  BibTeX syntax) raises :class:`~site_gen.errors.ImportFailed` with one
  ``Diagnostic`` per problem, at the line where the problem is.
* A record that cannot become a paper (no title, no abstract where the
  format always has one) is skipped, and a field of a shape the importer does
  not know is left out; each gives a ``Diagnostic`` with severity
  ``"warning"`` in the second element of the result, and the import goes on.

An importer that needs options (``daily`` needs the year) takes them as
keyword-only arguments with defaults, so ``parse(text, path)`` always works.
"""

from __future__ import annotations

import codecs
import importlib
import re
from typing import Any, Protocol

from ..errors import Diagnostic
from ..model import PaperDraft
from ..yamlio import YamlError, decode

ImportResult = tuple[list[PaperDraft], list[Diagnostic]]
"""The drafts in file order, and the warnings about what was skipped."""


class Importer(Protocol):
    def __call__(self, text: str, path: str, /, **options: Any) -> ImportResult: ...


_MODULES: dict[str, str] = {
    "daily": "daily",
    "hf-json": "hf_json",
    "arxiv": "arxiv",
    "bibtex": "bibtex",
}


def _lazy(module: str) -> Importer:
    """Import the module on first call, so one missing or slow module never breaks the others."""

    def parse(text: str, path: str, /, **options: Any) -> ImportResult:
        loaded = importlib.import_module(f"{__name__}.{module}")
        result: ImportResult = loaded.parse(text, path, **options)
        return result

    parse.__name__ = parse.__qualname__ = f"{module}.parse"
    return parse


IMPORTERS: dict[str, Importer] = {name: _lazy(module) for name, module in _MODULES.items()}
"""FORMAT (as in ``site-gen import FORMAT FILE``) -> its ``parse``."""


# JabRef's first line names the file's encoding (``% Encoding: ISO8859_1``); a few other tools copy it.
_DECLARED = re.compile(rb"^%[ \t]*Encoding:[ \t]*([A-Za-z0-9_.:-]+)[ \t]*\r?$", re.MULTILINE)


def source_text(fmt: str, raw: bytes, path: str) -> str:
    """The text of a file to import: UTF-8, or for a BibTeX file that is not, the encoding its
    ``% Encoding:`` line declares (JabRef's); raises YamlError for a file that is neither."""
    try:
        return decode(raw, path)
    except YamlError:
        found = _DECLARED.search(raw, 0, 2000) if fmt == "bibtex" else None
        if found is None:
            raise
        name = found.group(1).decode("ascii")
        try:
            text = raw.decode(codecs.lookup(name).name)
        except (LookupError, UnicodeDecodeError):
            line = raw.count(b"\n", 0, found.start()) + 1
            message = f"the file is neither UTF-8 nor {name}, the encoding its Encoding line names"
            raise YamlError(Diagnostic(path, line, message, "save the file as UTF-8")) from None
    return decode(text.encode("utf-8"), path)
