"""The search files: ``search/lunr-index.json`` (for lunr.js 2.3.9) and ``search/documents.json``,
or above ``SHARD_ABOVE`` papers the same index split by term (``search_shards``).

The index holds four fields of text, boosted as a reader ranks them: title, tags (display
names and slugs), authors (also spelled without accents) and abstract; it indexes the readable
text (Markdown marks and TeX delimiters removed). A fifth, ``ids``, holds the arXiv id and the
DOI, each as one term, so that a pasted identifier or link finds its paper.

``documents.json`` maps each ref to what a result shows and nothing else: title, URL (relative
to the base path), date, tag slugs, a snippet of the abstract and the first authors ("A, B, C,
D et al.").

Papers are indexed in order of abstract length (in terms, shortest first; equal lengths in the
site's order, newest first), and each gets a short ref: its position in that order in base 36.
In that order a term's abstract scores, which fall as abstracts grow, come in long runs of
equal values: the index compresses to about two thirds. Both layouts number papers alike, so a
catalogue built whole (``SITE_GEN_SEARCH_SHARD_ABOVE``) has the refs of its split build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from .lunr_index import Analyses, Corpus, count, dumps, html_safe, index_of
from .lunr_text import tokens
from .model import OutputFile, Paper
from .search_shards import MANIFEST_PATH, Document, base36, sharded_files
from .site import paper_url
from .slug import ascii_text
from .textutil import author_line, has_math, plain_text, snippet

INDEX_PATH = PurePosixPath("search/lunr-index.json")
DOCUMENTS_PATH = PurePosixPath("search/documents.json")
FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 10),
    ("tags", 5),
    ("authors", 3),
    ("abstract", 1),
    ("ids", 10),
)
SNIPPET_CHARS = 240
SHARD_ABOVE = 2000  # papers; a larger catalogue gets the split layout
SHARD_ABOVE_ENV = "SITE_GEN_SEARCH_SHARD_ABOVE"  # overrides SHARD_ABOVE (a number of papers)
_LETTER = re.compile(r"[^\W\d_]")
_ARXIV_VERSION = re.compile(r"v\d+$")


@dataclass
class SearchMemo:
    """What ``search_files`` read of each paper, for the next build to skip: keep one between
    builds (a serving process holds it; a build cache can pickle it). Papers are known by a
    digest of everything the search takes from them."""

    analyses: Analyses = field(default_factory=Analyses)
    documents: dict[bytes, Document] = field(default_factory=dict)

    def __getstate__(self) -> object:  # rows of values pickle faster than dictionaries
        rows = [(k, d["title"], d["url"], d["date"], tuple(d["tags"]), d["snippet"], d["authors"])
                for k, d in self.documents.items()]
        return self.analyses, rows

    def __setstate__(self, state: tuple[Analyses, list[tuple[Any, ...]]]) -> None:
        self.analyses, rows = state
        self.documents = {
            key: {"title": title, "url": url, "date": date, "tags": list(tags), "snippet": text, "authors": authors}
            for key, title, url, date, tags, text, authors in rows
        }


def search_files(
    papers: Sequence[Paper],
    tag_names: Mapping[str, str],
    shard_above: int | None = None,
    memo: SearchMemo | None = None,
    sources: Mapping[str, str] | None = None,
) -> list[OutputFile]:
    """The index and the documents of ``papers``; ``tag_names`` maps tag slugs to names.

    Up to ``shard_above`` papers (default ``shard_threshold()``) the two files of the contract,
    above it the split layout with ``search/manifest.json`` (last). With a ``memo`` from the
    last build, only new and changed papers are read again; the output is the same.
    ``sources`` (slug -> digest of the paper's file, which the paper is made of) spares
    hashing the papers' text to know them."""
    return list(search_index(papers, tag_names, memo, sources).files(shard_above))


@dataclass
class SearchIndex:
    """What the search files are made of: the index's corpus, and what each of its documents
    shows as a result, in the corpus's order."""

    corpus: Corpus
    documents: list[Document]

    def files(self, shard_above: int | None = None) -> Iterator[OutputFile]:
        """The search files (see ``search_files``), each made when asked for: a build writes
        each file before the next is made, and so never holds them all."""
        if len(self.documents) > (shard_threshold() if shard_above is None else shard_above):
            yield from sharded_files(self.corpus, self.documents)
            return
        yield OutputFile(INDEX_PATH, dumps(index_of(self.corpus)).encode("utf-8"))
        documents = dict(zip(self.corpus.refs, self.documents, strict=True))
        yield OutputFile(DOCUMENTS_PATH, documents_json(documents).encode())


def search_index(
    papers: Sequence[Paper],
    tag_names: Mapping[str, str],
    memo: SearchMemo | None = None,
    sources: Mapping[str, str] | None = None,
) -> SearchIndex:
    """The ``SearchIndex`` of ``papers`` (arguments as for ``search_files``); the ``memo`` is
    then up to date, and no longer needed to make the files."""
    documents: list[Document] = []
    if memo is None:
        counts = count(_records(papers, tag_names, documents), FIELDS, ref="id")
    else:
        keys = [_paper_key(paper, tag_names, sources) for paper in papers]
        records = _remembered(papers, tag_names, documents, memo, keys)
        counts = count(records, FIELDS, ref="id", analyses=memo.analyses, keys=keys)
        memo.documents = {key: doc for key, doc in zip(keys, documents, strict=True)}
    order = np.argsort(counts.lengths("abstract"), kind="stable").tolist()
    corpus = counts.corpus(order, [ref(n) for n in range(len(order))])
    return SearchIndex(corpus, [documents[i] for i in order])


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
    papers: Sequence[Paper], tag_names: Mapping[str, str], documents: list[Document], first: int = 0
) -> Iterator[dict[str, str]]:
    """``search_records`` one paper at a time (the index reads each once): yields what the
    index reads and appends the paper's document to ``documents``. ``first`` is the position
    of ``papers[0]``."""
    for position, paper in enumerate(papers, first):
        abstract = readable(paper.abstract_md)
        documents.append(
            {
                "title": result_title(paper.title),
                "url": paper_url(paper.slug),
                "date": paper.date,
                "tags": list(paper.tags),
                "snippet": snippet(abstract, SNIPPET_CHARS),
                "authors": author_line(paper.authors, paper.et_al),
            }
        )
        yield {
            "id": ref(position),
            "title": readable(paper.title),
            "tags": tag_text(paper.tags, tag_names),
            "authors": author_text(paper.authors),
            "abstract": abstract,
            "ids": identifier_text(paper),
        }


def result_title(title: str) -> str:
    """A title as a result shows it: TeX math as readable text (results are plain text)."""
    return readable(title) if has_math(title) else title


def _remembered(
    papers: Sequence[Paper],
    tag_names: Mapping[str, str],
    documents: list[Document],
    memo: SearchMemo,
    keys: Sequence[bytes],
) -> Iterator[dict[str, str]]:
    """``_records``, with papers the memo knows taken from it (only their ids are new)."""
    for position, (paper, key) in enumerate(zip(papers, keys, strict=True)):
        known = memo.documents.get(key)
        if known is not None and key in memo.analyses.index:
            documents.append(known)
            yield {"id": ref(position)}
        else:
            yield next(_records([paper], tag_names, documents, position))


def _paper_key(paper: Paper, tag_names: Mapping[str, str], sources: Mapping[str, str] | None = None) -> bytes:
    """A digest of all the search takes from a paper: the paper (or the digest of its file) and
    the names of its tags."""
    names = [tag_names.get(t, t) for t in paper.tags]
    source = sources.get(paper.slug) if sources else None
    if source is not None:
        parts: tuple[object, ...] = (paper.slug, source, names)
    else:
        parts = (paper.slug, paper.title, paper.abstract_md, paper.date, paper.tags, names, paper.authors,
                 paper.et_al, paper.arxiv, paper.doi)
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def identifier_text(paper: Paper) -> str:
    """The paper's arXiv id (without a version) and DOI, each as one index term: lowercased, with
    what lunr's tokenizer splits words at (spaces, hyphens) removed. The search box turns a
    pasted id, ``arXiv:`` or ``doi:`` form or link into the same term."""
    ids = [_ARXIV_VERSION.sub("", paper.arxiv.strip())] if paper.arxiv else []
    if paper.doi:
        ids.append(paper.doi)
    return " ".join("".join(tokens(identifier)) for identifier in ids)


def readable(markdown: str) -> str:
    """Plain text of Markdown with TeX: what a reader sees, and what the index should hold."""
    return plain_text(markdown)


def tag_text(slugs: Sequence[str], tag_names: Mapping[str, str]) -> str:
    """Display names of the tags, each followed by its slug unless the slug just repeats it."""
    words: list[str] = []
    for slug in slugs:
        name = tag_names.get(slug, slug)
        words.append(name)
        if slug.replace("-", " ") != name.lower().replace("-", " "):
            words.append(slug)
    return " ".join(words)


def author_text(authors: Sequence[str]) -> str:
    """The names, then the ASCII spelling of each name that has another and keeps all its
    letters: a reader who types ``muller`` or ``francois`` finds Zoë Müller and François Dubois
    (a name in a script without one, such as 张伟, is not repeated in part)."""
    others = []
    for name in authors:
        if name.isascii():
            continue
        plain = ascii_text(name)
        if len(_LETTER.findall(plain)) >= len(_LETTER.findall(name)):
            others.append(plain)
    return ", ".join([*authors, *others])


def documents_json(documents: Mapping[str, Document]) -> str:
    """Compact JSON, safe to embed in HTML."""
    return html_safe(json.dumps(documents, ensure_ascii=False, separators=(",", ":")))


def ref(position: int) -> str:
    """A paper's ref: its position in base 36."""
    return base36(position)
