"""The search index split by term, for catalogues too large to fetch whole.

Layout (all under ``search/``; each folder is named by a hash, of what its files are made of
for the term shards and of its files for the documents, so that a file name is never reused
for other content and an edit rewrites only the folders whose files changed):

- ``manifest.json``: what the engine reads first (format below);
- ``<h>/t<k>.json``: term shard k, the terms from ``first[k]`` (inclusive) to ``first[k + 1]``
  (exclusive) in JavaScript's string order. Each term is
  ``[term, termIndex, fieldMask, docs, scores, docs, scores, ...]`` with one ``docs, scores``
  pair per field whose bit is set in ``fieldMask`` (bit f for ``fields[f]``): ``docs`` are
  document numbers, the first as it is and each next as the difference from the one before;
  ``scores`` are the document's field-vector entries for the term in thousandths;
- ``<h>/tags.json``: ``{"tags": [slug, ...], "width": w, "docs": "..."}``: every document's
  tags, for the facets of the search page: ``docs`` separates documents with ``,``; a
  document's tags are its tags' positions in ``tags`` in base 36, ``w`` digits each, ascending
  (the documents' own files list them in the paper's order);
- ``<h>/terms.json``: every term in order, one string, joined by newlines: what a fuzzy query
  (``word~1``) or a wildcard with no leading letters (``*former``) expands against;
- ``<g>/d<k>.json``: documents ``k * chunk`` to ``k * chunk + chunk - 1``, each
  ``[title, url, date, tags, snippet, authors]`` (what ``documents.json`` holds); document file k is in
  the folder ``chunkFolders[k // chunkGroup]``. The term shards change with nearly any edit of
  an abstract (a document's scores depend on the average abstract length); the documents of
  other folders do not.

Document number n has the ref ``n.toString(36)``. A term's record is exactly its posting and
its entries in the field vectors of the whole index (lunr.js's ``termIndex``, scores rounded as
lunr.js rounds them), so the shards a query's terms fall in hold all that lunr.js's scoring
reads for that query: a sum over fields of the dot product of the query vector with the field
vector, which only involves the query's terms.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import Any, TypedDict

import numpy as np

from . import __version__
from .lunr_index import Corpus, html_safe, json_string
from .lunr_text import LUNR_VERSION
from .model import OutputFile

LAYOUT = "lunr-shards"
FORMAT = 2
MANIFEST_PATH = PurePosixPath("search/manifest.json")
SHARD_BYTES = 24_000  # raw JSON bytes of terms per shard (a term larger than that is alone)
CHUNK = 8  # documents per document file: results are scattered, so chunks stay small
CHUNK_GROUP = 64  # document files per folder: an edit rewrites the folders whose documents changed
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


class Document(TypedDict):
    """What a result shows (one entry of ``documents.json``)."""

    title: str
    url: str
    date: str | None
    tags: list[str]
    snippet: str
    authors: str


def sharded_files(corpus: Corpus, documents: Sequence[Document]) -> Iterator[OutputFile]:
    """The files the manifest names, for ``corpus`` and its ``documents`` (in the corpus's
    document order), then the manifest. One at a time: the caller writes each and lets it go,
    so that a build never holds all of them (80 MB at 50,000 papers).

    The term shards' folder is named before its files are made, by a hash of what they are made
    of (the corpus, and the tags and terms files beside them); each folder of documents by a
    hash of its files."""
    if len(documents) != len(corpus.refs):
        raise ValueError("one document per indexed paper")
    beside = [("tags.json", _json(_tag_table(documents))), ("terms.json", _json("\n".join(_js_sorted(corpus.terms))))]
    folder = _corpus_folder(corpus, beside)
    firsts = []
    for k, (first, text) in enumerate(_shards(corpus)):
        firsts.append(first)
        yield OutputFile(MANIFEST_PATH.parent / folder / f"t{k}.json", text)
    for name, data in beside:
        yield OutputFile(MANIFEST_PATH.parent / folder / name, data)
    del beside
    chunk_folders = []
    n_chunks = (len(documents) + CHUNK - 1) // CHUNK
    for group_start in range(0, n_chunks, CHUNK_GROUP):
        group = [
            (f"d{k}.json", _json([_document_row(d) for d in documents[k * CHUNK : k * CHUNK + CHUNK]]))
            for k in range(group_start, min(group_start + CHUNK_GROUP, n_chunks))
        ]
        chunk_folders.append(_folder(group))
        for name, data in group:
            yield OutputFile(MANIFEST_PATH.parent / chunk_folders[-1] / name, data)
    manifest: dict[str, Any] = {
        "layout": LAYOUT,
        "format": FORMAT,
        "version": LUNR_VERSION,
        "build": hashlib.blake2b("".join([folder, *chunk_folders]).encode(), digest_size=6).hexdigest(),
        "fields": list(corpus.fields),
        "boosts": {f: _number(b) for f, b in zip(corpus.fields, corpus.boosts, strict=True)},
        "pipeline": ["stemmer"],
        "documents": len(corpus.refs),
        "averageFieldLength": dict(zip(corpus.fields, corpus.average_lengths(), strict=True)),
        "base": f"{folder}/",
        "shards": firsts,
        "chunk": CHUNK,
        "chunks": n_chunks,
        "chunkGroup": CHUNK_GROUP,
        "chunkFolders": [f"{name}/" for name in chunk_folders],
        "tags": "tags.json",
        "terms": "terms.json",
    }
    yield OutputFile(MANIFEST_PATH, _json(manifest))


def _folder(payload: Sequence[tuple[str, bytes]]) -> str:
    """The name of a folder of files: a hash of their names and contents."""
    digest = hashlib.blake2b(digest_size=6)
    for name, data in payload:
        digest.update(b"%s\0%d\0" % (name.encode(), len(data)))
        digest.update(data)
    return digest.hexdigest()


def _corpus_folder(corpus: Corpus, beside: Sequence[tuple[str, bytes]]) -> str:
    """The name of the term shards' folder: a hash of all its files are made of (the version of
    the generator and of this layout, the corpus whole) and of the files ``beside`` them."""
    digest = hashlib.blake2b(digest_size=6)
    digest.update(repr((__version__, FORMAT, SHARD_BYTES, corpus.fields, corpus.boosts, len(corpus.refs))).encode())
    digest.update("\n".join(corpus.terms).encode("utf-8", "surrogatepass"))
    for column, lengths in zip(corpus.columns, corpus.lengths, strict=True):
        for array in (column.bounds, column.docs, column.tfs, lengths):
            digest.update(b"%d\0" % len(array))
            digest.update(np.ascontiguousarray(array).data)
    digest.update(_folder(beside).encode())
    return digest.hexdigest()


def _shards(corpus: Corpus) -> Iterator[tuple[str, bytes]]:
    """(first term, JSON) of each shard: terms in JavaScript's order, cut into runs of about
    ``SHARD_BYTES``. The first shard's first term is ``""``, so that every string has one."""
    records: list[str] = []
    first = ""
    size = 0
    for term, record in _term_records(corpus):
        if records and size + len(record) > SHARD_BYTES:
            yield first, _shard_json(records)
            records, size, first = [], 0, term
        records.append(record)
        size += len(record) + 1
    yield first, _shard_json(records)


def _shard_json(records: list[str]) -> bytes:
    return html_safe("[" + ",".join(records) + "]").encode("utf-8")


def _term_records(corpus: Corpus) -> Iterator[tuple[str, str]]:
    """(term, its record) for every term, in JavaScript's string order."""
    scores = corpus.scores()
    width = len(corpus.fields)
    gaps = []
    for column in corpus.columns:
        gap = column.docs.copy()
        gap[1:] -= column.docs[:-1]
        starts = column.bounds[:-1][np.diff(column.bounds) > 0]
        gap[starts] = column.docs[starts]  # each term's first document as it is
        gaps.append(gap)
    largest = max([int(a.max()) for a in (*gaps, *scores) if len(a)], default=0)
    text = [str(i) for i in range(largest + 1)].__getitem__
    bounds = [column.bounds.tolist() for column in corpus.columns]
    for term in _js_order(corpus.terms):
        mask = 0
        parts = [json_string(corpus.terms[term]), str(term), ""]
        for field in range(width):
            start, end = bounds[field][term], bounds[field][term + 1]
            if start == end:
                continue
            mask |= 1 << field
            parts.append("[" + ",".join(map(text, gaps[field][start:end].tolist())) + "]")
            parts.append("[" + ",".join(map(text, scores[field][start:end].tolist())) + "]")
        parts[2] = str(mask)
        yield corpus.terms[term], "[" + ",".join(parts) + "]"


def _document_row(doc: Document) -> list[object]:
    return [doc["title"], doc["url"], doc["date"], doc["tags"], doc["snippet"], doc["authors"]]


def _tag_table(documents: Sequence[Document]) -> dict[str, object]:
    """Tags by frequency (ties by slug), and each document's tags as a string of codes: the
    tags' positions in that list in base 36, ``width`` digits each, in ascending order."""
    counts: dict[str, int] = {}
    for doc in documents:
        for tag in doc["tags"]:
            counts[tag] = counts.get(tag, 0) + 1
    tags = sorted(counts, key=lambda t: (-counts[t], t))
    width = len(base36(max(len(tags) - 1, 0)))
    code = {tag: base36(i).rjust(width, "0") for i, tag in enumerate(tags)}
    rows: dict[tuple[str, ...], str] = {}  # papers share tag sets
    for doc in documents:
        key = tuple(doc["tags"])
        if key not in rows:
            rows[key] = "".join(sorted({code[t] for t in key}))
    return {"tags": tags, "width": width, "docs": ",".join([rows[tuple(d["tags"])] for d in documents])}


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def base36(number: int) -> str:
    """``number`` in base 36, as JavaScript's ``number.toString(36)`` writes it."""
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if not number:
            return digits


def _js_order(terms: Sequence[str]) -> list[int]:
    """Term numbers in JavaScript's default string order (UTF-16 code units)."""
    if any(max(term, default="") > "\uffff" for term in terms):
        return sorted(range(len(terms)), key=lambda i: _utf16(terms[i]))
    return sorted(range(len(terms)), key=terms.__getitem__)


def _js_sorted(terms: Sequence[str]) -> list[str]:
    if any(max(term, default="") > "\uffff" for term in terms):
        return sorted(terms, key=_utf16)
    return sorted(terms)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


def _json(value: object) -> bytes:
    """Compact JSON, safe to embed in HTML (``<``, ``>``, ``&``, U+2028, U+2029 escaped)."""
    return html_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":"))).encode("utf-8")


def shard_of(first_terms: Sequence[str], term: str) -> int:
    """The shard holding ``term`` (if the index has it): the last whose first term is not
    after it, in JavaScript's string order."""
    key = _utf16(term)
    low, high = 0, len(first_terms)
    while high - low > 1:
        middle = (low + high) // 2
        if _utf16(first_terms[middle]) <= key:
            low = middle
        else:
            high = middle
    return low
