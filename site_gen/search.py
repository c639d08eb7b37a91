"""The search files: ``search/lunr-index.json`` (for lunr.js 2.3.9) and ``search/documents.json``.

Each paper gets a short ref, its position in the given order in base 36. The index holds four
fields, boosted as a reader ranks them: title, tags (display names and slugs), authors and
abstract; it indexes the readable text (Markdown marks and TeX delimiters removed).
``documents.json`` maps each ref to what a result shows and nothing else: title, URL (relative
to the base path), date, tag slugs and a snippet of the abstract.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import TypedDict

from .lunr_index import build_index, dumps, html_safe
from .model import OutputFile, Paper
from .site import paper_url
from .textutil import plain_text, snippet

INDEX_PATH = PurePosixPath("search/lunr-index.json")
DOCUMENTS_PATH = PurePosixPath("search/documents.json")
FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 10),
    ("tags", 5),
    ("authors", 3),
    ("abstract", 1),
)
SNIPPET_CHARS = 240
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash escape: \% shows as %


class Document(TypedDict):
    """One entry of ``documents.json``."""

    title: str
    url: str
    date: str | None
    tags: list[str]
    snippet: str


def search_files(papers: Sequence[Paper], tag_names: Mapping[str, str]) -> list[OutputFile]:
    """The index and the documents of ``papers``; ``tag_names`` maps tag slugs to names."""
    indexed, documents = search_records(papers, tag_names)
    index = build_index(indexed, FIELDS, ref="id")
    return [
        OutputFile(INDEX_PATH, dumps(index).encode("utf-8")),
        OutputFile(DOCUMENTS_PATH, documents_json(documents).encode("utf-8")),
    ]


def search_records(
    papers: Sequence[Paper], tag_names: Mapping[str, str]
) -> tuple[list[dict[str, str]], dict[str, Document]]:
    """What the index reads for each paper (field name to text, and ``id``), and the documents."""
    indexed: list[dict[str, str]] = []
    documents: dict[str, Document] = {}
    for position, paper in enumerate(papers):
        key = ref(position)
        abstract = readable(paper.abstract_md)
        indexed.append(
            {
                "id": key,
                "title": readable(paper.title),
                "tags": tag_text(paper.tags, tag_names),
                "authors": ", ".join(paper.authors),
                "abstract": abstract,
            }
        )
        documents[key] = {
            "title": paper.title,
            "url": paper_url(paper.slug),
            "date": paper.date,
            "tags": list(paper.tags),
            "snippet": snippet(abstract, SNIPPET_CHARS),
        }
    return indexed, documents


def readable(markdown: str) -> str:
    """Plain text of Markdown with TeX: what a reader sees, and what the index should hold."""
    return plain_text(_MD_ESCAPE.sub(r"\1", markdown))


def tag_text(slugs: Sequence[str], tag_names: Mapping[str, str]) -> str:
    """Display names of the tags, each followed by its slug unless the slug just repeats it."""
    words: list[str] = []
    for slug in slugs:
        name = tag_names.get(slug, slug)
        words.append(name)
        if slug.replace("-", " ") != name.lower().replace("-", " "):
            words.append(slug)
    return " ".join(words)


def documents_json(documents: Mapping[str, Document]) -> str:
    """Compact JSON, safe to embed in HTML."""
    return html_safe(json.dumps(documents, ensure_ascii=False, separators=(",", ":")))


def ref(position: int) -> str:
    """A paper's ref: its position in base 36."""
    digits = ""
    while True:
        position, digit = divmod(position, 36)
        digits = _DIGITS[digit] + digits
        if not position:
            return digits
