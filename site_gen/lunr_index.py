"""A fast builder of lunr.js 2.3.9 indexes: what ``lunr.Index.load`` reads, written directly.

``build_index`` does what ``lunr(function () { ... })`` does in lunr.js 2.3.9 with the default
pipeline (tokenizer, trimmer, stop word filter, stemmer; the trimmer keeps the letters of every
script, see ``lunr_text``) and an empty metadata whitelist, and
``dumps`` writes what ``JSON.stringify`` writes for that index, key for key and digit for digit.
The text pipeline lives in ``lunr_text``; this module owns the scoring and the JSON.

Speed comes from doing per distinct token what lunr does per token, and per array what it does
per posting: the pipeline runs once per distinct raw token (a cache maps it to a term), counting
is ``Counter``'s, and inverting, numbering and scoring are numpy operations on flat arrays with
lunr's arithmetic in lunr's order (IEEE doubles give the same bits).

``count`` reads documents once, in any order; ``Counts.corpus`` then numbers documents in the
order a caller chooses and terms by first occurrence in that order, as lunr's builder would
had the documents been added in that order. A ``Corpus`` keeps each term's posting and its
entries in the field vectors together, so that a writer can split the index by term
(``search_shards``) or write it whole (``index_of`` and ``dumps``).
"""

from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from site_gen.lunr_text import (
    LUNR_VERSION,
    STOP_WORDS,
    js_key_order,
    js_log,
    js_number,
    stem,
    trim,
)
from site_gen.lunr_text import tokens as split_tokens

K1 = 1.2
B = 0.75
_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # what JSON.stringify escapes in valid text
_HTML_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
Ints = npt.NDArray[np.int32]
_BLOCK = 1 << 20
Longs = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class FieldVector:
    """One document field as lunr stores it: term numbers ascending, scores in thousandths."""

    terms: tuple[int, ...]
    scores: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LunrIndex:
    """A built index. ``terms[i]`` has lunr's ``_index`` i; ``postings[i][f]`` lists the
    documents (numbers into ``refs``) holding that term in ``fields[f]``, in the key order of
    lunr.js; ``vectors[d * len(fields) + f]`` is the vector of field f of document d."""

    fields: tuple[str, ...]
    refs: tuple[str, ...]
    terms: tuple[str, ...]
    postings: tuple[tuple[tuple[int, ...], ...], ...]
    vectors: tuple[FieldVector, ...]

    def term_order(self) -> list[int]:
        """Term numbers in the order lunr.js serializes them (``Object.keys(...).sort()``)."""
        if any(max(term, default="") > "\uffff" for term in self.terms):
            return sorted(range(len(self.terms)), key=lambda i: _utf16_key(self.terms[i]))
        return sorted(range(len(self.terms)), key=self.terms.__getitem__)

    def as_dict(self) -> dict[str, object]:
        """The plain structure ``lunr.Index.load`` takes (scores as floats)."""
        width = len(self.fields)
        vectors: list[object] = []
        for number, vector in enumerate(self.vectors):
            elements: list[float] = []
            for term, score in zip(vector.terms, vector.scores, strict=True):
                elements += [term, score / 1000]
            field, ref = self.fields[number % width], self.refs[number // width]
            vectors.append([f"{field}/{ref}", elements])
        inverted: list[object] = []
        for term in self.term_order():
            posting: dict[str, object] = {"_index": term}
            for field, docs in zip(self.fields, self.postings[term], strict=True):
                posting[field] = {self.refs[doc]: {} for doc in docs}
            inverted.append([self.terms[term], posting])
        return {
            "version": LUNR_VERSION,
            "fields": list(self.fields),
            "fieldVectors": vectors,
            "invertedIndex": inverted,
            "pipeline": ["stemmer"],
        }


def count(
    docs: Iterable[Mapping[str, str]],
    fields: Sequence[tuple[str, float]],
    ref: str = "id",
    analyses: Analyses | None = None,
    keys: Sequence[Hashable] | None = None,
) -> Counts:
    """Read ``docs`` once through lunr's builder pipeline (tokenizer, trimmer, stop word filter,
    stemmer): each field's distinct terms with their frequencies, in order of first occurrence.
    ``docs`` may be a generator: no document is kept.

    With ``analyses`` and ``keys`` (one per document, naming all of its text), a document that
    ``analyses`` knows from the last count is not read again (only its ref is), and
    ``analyses`` then knows this count's documents."""
    _check_fields([name for name, _ in fields])
    names = js_key_order([name for name, _ in fields])
    boosts = dict(fields)
    remember = analyses is not None and keys is not None
    numbers = analyses.start(tuple(names)) if analyses is not None and remember else _TermNumbers()
    lookup = numbers.__getitem__
    known = analyses.index if analyses is not None and remember else {}
    flat = _Flat(len(names))
    refs: list[str] = []
    run = -1  # documents run[0]:run[1] of the last count, about to be taken as they were
    run_end = -1
    for position, doc in enumerate(docs):
        refs.append(str(doc[ref]))
        old = known.get(keys[position], -1) if keys is not None and known else -1
        if old >= 0:
            if old != run_end:
                if run_end > run:
                    flat.take(analyses, run, run_end)  # type: ignore[arg-type]
                run = old
            run_end = old + 1
            continue
        if run_end > run:
            flat.take(analyses, run, run_end)  # type: ignore[arg-type]
            run = run_end = -1
        for field, name in enumerate(names):
            found = split_tokens(doc.get(name) or "")
            tf = Counter(map(lookup, found))
            flat.add(field, tf, len(found) - tf.pop(-1, 0))
    if run_end > run:
        flat.take(analyses, run, run_end)  # type: ignore[arg-type]
    if len(set(refs)) != len(refs):
        raise ValueError(f"documents share a ref ({ref!r} must be unique)")
    arrays = flat.arrays()
    if analyses is not None and keys is not None:
        analyses.remember(keys, arrays)
    return Counts(
        fields=tuple(names),
        boosts=tuple(float(boosts[name] or 1) for name in names),
        refs=tuple(refs),
        terms=tuple(numbers.terms),
        flat=arrays,
    )


class _Flat:
    """``Counts.flat`` in the making: documents read now, and runs of documents taken as the
    last count left them (slices of its arrays)."""

    def __init__(self, width: int) -> None:
        self.pieces: list[list[list[Ints]]] = [[[], [], [], []] for _ in range(width)]
        self.fresh = [self._new() for _ in range(width)]

    @staticmethod
    def _new() -> tuple[array[int], array[int], array[int], array[int]]:
        return array("i"), array("i"), array("i"), array("i")

    def add(self, field: int, tf: Counter[int], length: int) -> None:
        terms, tfs, sizes, lengths = self.fresh[field]
        terms.extend(tf)
        tfs.extend(tf.values())
        sizes.append(len(tf))
        lengths.append(length)

    def _flush(self) -> None:
        for field, arrays in enumerate(self.fresh):
            if arrays[2]:
                for pieces, values in zip(self.pieces[field], arrays, strict=True):
                    pieces.append(_ints(values))
                self.fresh[field] = self._new()

    def take(self, analyses: Analyses, start: int, end: int) -> None:
        self._flush()
        for field, (terms, tfs, sizes, lengths) in enumerate(analyses.flat):
            first, last = analyses.starts[field][start], analyses.starts[field][end]
            pieces = self.pieces[field]
            pieces[0].append(terms[first:last])
            pieces[1].append(tfs[first:last])
            pieces[2].append(sizes[start:end])
            pieces[3].append(lengths[start:end])

    def arrays(self) -> tuple[tuple[Ints, Ints, Ints, Ints], ...]:
        self._flush()
        result = []
        for pieces in self.pieces:
            joined = [p[0] if len(p) == 1 else np.concatenate(p or [np.zeros(0, np.int32)]) for p in pieces]
            result.append((joined[0], joined[1], joined[2], joined[3]))
        return tuple(result)


class Analyses:
    """The pipeline's work kept from one count to the next (in memory, or pickled: a few flat
    arrays and dictionaries): each document's fields as the last count read them (distinct term
    numbers, frequencies, length), by the key of its text, and the term numbers and token cache
    they refer to. Terms keep their numbers from count to count; ``Counts.corpus`` numbers the
    terms it finds afresh, as lunr does."""

    def __init__(self) -> None:
        self.fields: tuple[str, ...] = ()
        self.numbers = _TermNumbers()
        self.index: dict[Hashable, int] = {}  # key -> the document's place in flat
        self.flat: tuple[tuple[Ints, Ints, Ints, Ints], ...] = ()
        self.starts: tuple[Longs, ...] = ()  # per field, where each document's terms start

    def start(self, fields: tuple[str, ...]) -> _TermNumbers:
        """Ready for documents with ``fields`` (other fields than last time: start over)."""
        if fields != self.fields:
            self.__init__()  # type: ignore[misc]
            self.fields = fields
        return self.numbers

    def remember(self, keys: Sequence[Hashable], flat: tuple[tuple[Ints, Ints, Ints, Ints], ...]) -> None:
        self.index = {key: position for position, key in enumerate(keys)}
        self.flat = flat
        self.starts = tuple(np.concatenate(([0], np.cumsum(f[2], dtype=np.int64))) for f in flat)


def _ints(values: array[int]) -> Ints:
    if values.itemsize == 4:
        return np.frombuffer(values, dtype=np.int32)  # shares the array's memory
    return np.array(values, dtype=np.int32)


class _TermNumbers(dict[str, int]):
    """Raw token to term number (-1 for a stop word). The pipeline runs once per raw token,
    and the stemmer once per trimmed word (``model,`` and ``(model`` are one word)."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: dict[str, int] = {}
        self.words: dict[str, int] = {}

    def __missing__(self, token: str) -> int:
        word = trim(token)
        number = self.words.get(word)
        if number is None:
            if word in STOP_WORDS:
                number = -1
            else:
                number = self.terms.setdefault(stem(word), len(self.terms))
            self.words[word] = number
        self[token] = number
        return number


@dataclass(frozen=True, slots=True)
class Counts:
    """What ``count`` read. Per field, four flat arrays: the distinct terms of each document's
    field (numbered as first met) and their frequencies, document after document, then per
    document how many distinct terms and how many terms (the field's length) it has."""

    fields: tuple[str, ...]
    boosts: tuple[float, ...]
    refs: tuple[str, ...]
    terms: tuple[str, ...]
    flat: tuple[tuple[Ints, Ints, Ints, Ints], ...]

    def lengths(self, field: str) -> Ints:
        """Each document's length of ``field`` in terms (as lunr counts it)."""
        return self.flat[self.fields.index(field)][3]

    def corpus(self, order: Sequence[int] | None = None, refs: Sequence[str] | None = None) -> Corpus:
        """The index of the documents added in ``order`` (positions, default as read), with
        ``refs`` (default their own): documents are numbered in that order and terms by first
        occurrence in it (document, then field, then position), as lunr.js numbers them."""
        n_docs = len(self.refs)
        width = len(self.fields)
        position = np.arange(n_docs) if order is None else np.asarray(order, dtype=np.int64)
        if sorted(position.tolist()) != list(range(n_docs)):
            raise ValueError("order must list every document once")
        new_refs = tuple(self.refs[i] for i in position.tolist()) if refs is None else tuple(refs)
        if len(new_refs) != n_docs or len(set(new_refs)) != n_docs:
            raise ValueError("one distinct ref per document")
        new_doc = np.empty(n_docs, dtype=np.int32)
        new_doc[position] = np.arange(n_docs, dtype=np.int32)
        n_terms = len(self.terms)
        # A term's first occurrence: the least (document, field, rank in the field) holding it.
        widest = 1 + max((int(f[2].max()) for f in self.flat if len(f[2])), default=0)
        first = np.full(n_terms, np.iinfo(np.int64).max, dtype=np.int64)
        # The arrays are as long as a field's postings (6.5 million for the abstracts of 50,000
        # papers): the arithmetic is done in place, so that a build holds fewer of them at once.
        for field, (terms, _, sizes, _) in enumerate(self.flat):
            starts = np.cumsum(sizes, dtype=np.int64)
            starts -= sizes
            rank = np.arange(len(terms), dtype=np.int32)
            rank -= np.repeat(starts.astype(np.int32), sizes)
            key = np.repeat(new_doc.astype(np.int64) * width + field, sizes)
            key *= widest
            key += rank
            del starts, rank
            np.minimum.at(first, terms, key)
            del key
        # Terms numbered by first occurrence; a term no document holds (kept by Analyses from
        # an earlier build) gets none.
        by_first = np.argsort(first, kind="stable")
        present = int(np.count_nonzero(first != np.iinfo(np.int64).max))
        del first
        number = np.full(n_terms, -1, dtype=np.int32)
        number[by_first[:present]] = np.arange(present, dtype=np.int32)
        names = [self.terms[old] for old in by_first[:present].tolist()]
        n_terms = present
        columns = []
        for terms, tfs, sizes, _ in self.flat:
            renumbered = number[terms]
            bounds = np.zeros(n_terms + 1, dtype=np.int64)
            np.cumsum(np.bincount(renumbered, minlength=n_terms), out=bounds[1:])
            key = renumbered.astype(np.int64)
            del renumbered
            key *= n_docs
            key += np.repeat(new_doc, sizes)
            by_term = np.argsort(key)
            del key
            columns.append(Column(bounds, np.repeat(new_doc, sizes)[by_term], tfs[by_term]))
            del by_term
        lengths = tuple(f[3][position] for f in self.flat)
        return Corpus(self.fields, self.boosts, new_refs, tuple(names), tuple(columns), lengths)


@dataclass(frozen=True, slots=True)
class Column:
    """The postings of one field: term t's documents are ``docs[bounds[t]:bounds[t + 1]]``
    (ascending), with the term's frequency in each at the same places in ``tfs``."""

    bounds: Longs
    docs: Ints
    tfs: Ints

    def terms(self) -> Ints:
        """The term of each posting."""
        return np.repeat(np.arange(len(self.bounds) - 1, dtype=np.int32), np.diff(self.bounds))


@dataclass(frozen=True, slots=True)
class Corpus:
    """Documents numbered in index order and terms as lunr numbers them: per field a ``Column``
    of postings and each document's field length."""

    fields: tuple[str, ...]
    boosts: tuple[float, ...]
    refs: tuple[str, ...]
    terms: tuple[str, ...]
    columns: tuple[Column, ...]
    lengths: tuple[Ints, ...]

    def document_frequencies(self) -> Longs:
        """Per term, the documents holding it, once per field (what ``lunr.idf`` counts)."""
        return sum((np.diff(c.bounds) for c in self.columns), np.zeros(len(self.terms), np.int64))

    def idf(self) -> npt.NDArray[np.float64]:
        """``lunr.idf`` of every term, with ``Math.log`` as V8 computes it."""
        n_docs = len(self.refs)
        cache: dict[int, float] = {}
        values = []
        for with_term in self.document_frequencies().tolist():
            value = cache.get(with_term)
            if value is None:
                x = (n_docs - with_term + 0.5) / (with_term + 0.5)
                value = cache[with_term] = js_log(1 + abs(x))
            values.append(value)
        return np.array(values, dtype=np.float64)

    def scores(self, idf: npt.NDArray[np.float64] | None = None) -> tuple[Ints, ...]:
        """Per field, every posting's entry in its field vector, in thousandths, as
        ``Builder.createFieldVectors`` computes it in lunr's order of operations:
        ``Math.round(idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (length / average)) + tf)
        * boost * 1000)``."""
        idf = self.idf() if idf is None else idf
        n_docs = len(self.refs)
        result = []
        for column, lengths, boost in zip(self.columns, self.lengths, self.boosts, strict=True):
            scores = np.zeros(len(column.docs), dtype=np.int32)
            result.append(scores)
            if not len(scores):
                continue
            norm = K1 * (1 - B + B * (lengths / (float(lengths.sum()) / n_docs)))
            terms = column.terms()
            for start in range(0, len(scores), _BLOCK):  # bounded memory: a block at a time
                end = start + _BLOCK
                tfs = column.tfs[start:end]
                score = idf[terms[start:end]] * ((K1 + 1) * tfs)
                score /= norm[column.docs[start:end]] + tfs
                score *= boost
                score *= 1000
                floor = np.floor(score)
                score -= floor
                scores[start:end] = floor + (score >= 0.5)
        return tuple(result)

    def average_lengths(self) -> tuple[float, ...]:
        n_docs = len(self.refs)
        return tuple(float(lengths.sum()) / n_docs if n_docs else 0.0 for lengths in self.lengths)


def build_index(docs: Sequence[Mapping[str, str]], fields: Sequence[tuple[str, float]], ref: str = "id") -> LunrIndex:
    """Index ``docs`` as lunr.js 2.3.9 would, with ``fields`` as (name, boost) pairs."""
    return index_of(count(docs, fields, ref).corpus())


def index_of(corpus: Corpus) -> LunrIndex:
    """The whole index of a corpus: postings in lunr.js's key order and one vector per field
    of every document (``Builder.createFieldVectors``)."""
    width = len(corpus.fields)
    n_docs = len(corpus.refs)
    n_terms = len(corpus.terms)
    key_order = js_key_order(range(n_docs), key=corpus.refs.__getitem__)
    rank = np.empty(n_docs, dtype=np.int64)
    rank[np.array(key_order, dtype=np.int64)] = np.arange(n_docs)
    vectors: list[FieldVector] = [FieldVector((), ())] * (n_docs * width)
    columns: list[list[tuple[int, ...]]] = []
    for field, (column, scores) in enumerate(zip(corpus.columns, corpus.scores(), strict=True)):
        terms = column.terms().astype(np.int64)  # products below pass 2**31
        # postings: each term's documents in the order of a JavaScript object's keys
        keyed = column.docs[np.argsort(terms * n_docs + rank[column.docs])].tolist()
        bounds = column.bounds.tolist()
        columns.append([tuple(keyed[bounds[t] : bounds[t + 1]]) for t in range(n_terms)])
        # vectors: each document's terms ascending
        by_doc = np.argsort(column.docs.astype(np.int64) * n_terms + terms)
        docs, terms_, values = (a[by_doc].tolist() for a in (column.docs, terms, scores))
        start = 0
        while start < len(docs):
            doc = docs[start]
            end = start + 1
            while end < len(docs) and docs[end] == doc:
                end += 1
            vectors[doc * width + field] = FieldVector(tuple(terms_[start:end]), tuple(values[start:end]))
            start = end
    postings = tuple(zip(*columns, strict=True)) if columns else ((),) * n_terms
    return LunrIndex(corpus.fields, corpus.refs, corpus.terms, tuple(postings), tuple(vectors))


def _check_fields(names: list[str]) -> None:
    if len(set(names)) != len(names):
        raise ValueError("a field is named twice")
    for name in names:
        if "/" in name:
            raise ValueError(f"Field {name!r} contains illegal character '/'")


def posting_json(index: LunrIndex, term: int, ref_keys: Sequence[str]) -> str:
    """One entry of ``invertedIndex``; ``ref_keys[d]`` is ``"<ref>":{}`` as JSON."""
    parts = [f'{json_string(index.terms[term])},{{"_index":{term}']
    for field, docs in zip(index.fields, index.postings[term], strict=True):
        parts.append(f",{json_string(field)}:{{{','.join([ref_keys[d] for d in docs])}}}")
    return f"[{''.join(parts)}}}]"


def vector_json(index: LunrIndex, number: int, numbers: Mapping[int, str]) -> str:
    """One entry of ``fieldVectors``; ``numbers`` maps a score in thousandths to its JSON."""
    width = len(index.fields)
    name = f"{index.fields[number % width]}/{index.refs[number // width]}"
    vector = index.vectors[number]
    elements = ",".join([f"{t},{numbers[s]}" for t, s in zip(vector.terms, vector.scores, strict=True)])
    return f"[{json_string(name)},[{elements}]]"


def dumps(index: LunrIndex) -> str:
    """Compact, deterministic JSON of the index: ``JSON.stringify`` of what lunr.js builds,
    with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped so that it is safe inside HTML."""
    ref_keys = [f"{json_string(ref)}:{{}}" for ref in index.refs]
    numbers = _ScoreText()
    vectors = ",".join([vector_json(index, n, numbers) for n in range(len(index.vectors))])
    inverted = ",".join([posting_json(index, t, ref_keys) for t in index.term_order()])
    fields = ",".join(map(json_string, index.fields))
    text = (
        f'{{"version":"{LUNR_VERSION}","fields":[{fields}],"fieldVectors":[{vectors}],'
        f'"invertedIndex":[{inverted}],"pipeline":["stemmer"]}}'
    )
    return html_safe(text)


def html_safe(text: str) -> str:
    """JSON text with ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\u`` escapes (same value)."""
    for char, escape in _HTML_UNSAFE.items():
        if char in text:
            text = text.replace(char, escape)
    return text


class _ScoreText(dict[int, str]):
    """Scores in thousandths to JSON numbers, as ``Math.round(x * 1000) / 1000`` prints."""

    def __missing__(self, thousandths: int) -> str:
        text = self[thousandths] = js_number(thousandths / 1000)
        return text


def json_string(text: str) -> str:
    """A JSON string as ``JSON.stringify`` writes it."""
    if _ESCAPED.search(text):
        return json.dumps(text, ensure_ascii=False)
    return f'"{text}"'


def _utf16_key(text: str) -> bytes:
    """Sort key of JavaScript's default string order (UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")
