"""The search files: ``search/lunr-index.json`` (for lunr.js 2.3.9) and ``search/documents.json``,
or above ``SHARD_ABOVE`` papers the same index split by term (``search_shards``).

The index holds four fields, boosted as a reader ranks them: title, tags (display names and
slugs), authors and abstract; it indexes the readable text (Markdown marks and TeX delimiters
removed). ``documents.json`` maps each ref to what a result shows and nothing else: title, URL
(relative to the base path), date, tag slugs and a snippet of the abstract.

Papers are indexed in order of abstract length (in terms, shortest first; equal lengths in the
site's order, newest first), and each gets a short ref: its position in that order in base 36.
In that order a term's abstract scores, which fall as abstracts grow, come in long runs of
equal values: the index compresses to about two thirds. Both layouts number papers alike, so a
catalogue built whole (``SITE_GEN_SEARCH_SHARD_ABOVE``) has the refs of its split build.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePosixPath

import numpy as np

from .lunr_index import count, dumps, html_safe, index_of
from .model import OutputFile, Paper
from .search_shards import MANIFEST_PATH, Document, sharded_files
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
SHARD_ABOVE = 2000  # papers; a larger catalogue gets the split layout
SHARD_ABOVE_ENV = "SITE_GEN_SEARCH_SHARD_ABOVE"  # overrides SHARD_ABOVE (a number of papers)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash escape: \% shows as %


def search_files(
    papers: Sequence[Paper], tag_names: Mapping[str, str], shard_above: int | None = None
) -> list[OutputFile]:
    """The index and the documents of ``papers``; ``tag_names`` maps tag slugs to names.

    Up to ``shard_above`` papers (default ``shard_threshold()``) the two files of the contract,
    above it the split layout with ``search/manifest.json``."""
    documents: list[Document] = []
    counts = count(_records(papers, tag_names, documents), FIELDS, ref="id")
    order = np.argsort(counts.lengths("abstract"), kind="stable").tolist()
    refs = [ref(n) for n in range(len(order))]
    corpus = counts.corpus(order, refs)
    del counts
    in_order = [documents[i] for i in order]
    del documents
    if len(papers) > (shard_threshold() if shard_above is None else shard_above):
        return sharded_files(corpus, in_order)
    return [
        OutputFile(INDEX_PATH, dumps(index_of(corpus)).encode("utf-8")),
        OutputFile(DOCUMENTS_PATH, documents_json(dict(zip(refs, in_order, strict=True))).encode()),
    ]


def index_path(n_papers: int) -> PurePosixPath:
    """The search file a page's engine starts from, for a catalogue of ``n_papers``:
    ``search/lunr-index.json`` (whole) or ``search/manifest.json`` (split). Pages can name it
    (``data-index`` on the engine's script) so that the engine need not look for it."""
    return MANIFEST_PATH if n_papers > shard_threshold() else INDEX_PATH


def shard_threshold() -> int:
    """Papers up to which the search is one index: ``SHARD_ABOVE``, or the environment's
    ``SITE_GEN_SEARCH_SHARD_ABOVE`` (a number; a huge one keeps large catalogues whole)."""
    value = os.environ.get(SHARD_ABOVE_ENV, "").strip()
    return int(value) if value.isdigit() else SHARD_ABOVE


def search_records(
    papers: Sequence[Paper], tag_names: Mapping[str, str]
) -> tuple[list[dict[str, str]], dict[str, Document]]:
    """What the index reads for each paper (field name to text, and ``id``: the position in
    ``papers`` in base 36), and the documents by that id."""
    documents: list[Document] = []
    indexed = list(_records(papers, tag_names, documents))
    return indexed, {record["id"]: doc for record, doc in zip(indexed, documents, strict=True)}


def _records(
    papers: Sequence[Paper], tag_names: Mapping[str, str], documents: list[Document]
) -> Iterator[dict[str, str]]:
    """``search_records`` one paper at a time (the index reads each once): yields what the
    index reads and appends the paper's document to ``documents``."""
    for position, paper in enumerate(papers):
        abstract = readable(paper.abstract_md)
        documents.append(
            {
                "title": paper.title,
                "url": paper_url(paper.slug),
                "date": paper.date,
                "tags": list(paper.tags),
                "snippet": snippet(abstract, SNIPPET_CHARS),
            }
        )
        yield {
            "id": ref(position),
            "title": readable(paper.title),
            "tags": tag_text(paper.tags, tag_names),
            "authors": ", ".join(paper.authors),
            "abstract": abstract,
        }


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
