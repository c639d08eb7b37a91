"""A fast builder of lunr.js 2.3.9 indexes: what ``lunr.Index.load`` reads, written directly.

``build_index`` does what ``lunr(function () { ... })`` does in lunr.js 2.3.9 with the default
pipeline (tokenizer, trimmer, stop word filter, stemmer) and an empty metadata whitelist, and
``dumps`` writes what ``JSON.stringify`` writes for that index, key for key and digit for digit.
The text pipeline lives in ``lunr_text``; this module owns the scoring and the JSON.

Speed comes from doing per distinct token what lunr does per token: the pipeline runs once per
distinct raw token (a cache maps it to its term number), and counting is ``Counter``'s.

Every term owns its posting; field vectors are per document and field. Both are kept as plain
numbers (term numbers, document numbers, scores in thousandths) so that a later writer can split
the inverted index and the vectors by term and serialize each part with ``posting_json`` and
``vector_json``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from site_gen.lunr_text import LUNR_VERSION, js_key_order, js_log, js_number, term_of
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


def build_index(
    docs: Sequence[Mapping[str, str]], fields: Sequence[tuple[str, float]], ref: str = "id"
) -> LunrIndex:
    """Index ``docs`` as lunr.js 2.3.9 would, with ``fields`` as (name, boost) pairs."""
    names = js_key_order([name for name, _ in fields])
    boosts = dict(fields)
    _check_fields([name for name, _ in fields])
    refs = tuple(str(doc[ref]) for doc in docs)
    if len(set(refs)) != len(refs):
        raise ValueError(f"documents share a ref ({ref!r} must be unique)")
    numbers = _TermNumbers()
    counts: list[dict[int, int]] = []
    lengths: list[int] = []
    for doc in docs:
        for name in names:
            tf, length = _count_terms(doc.get(name) or "", numbers)
            counts.append(tf)
            lengths.append(length)
    term_ids = numbers.terms
    postings = _postings(refs, len(names), counts, len(term_ids))
    idf = [_idf(posting, len(refs)) for posting in postings]
    vectors = _vectors(names, [boosts[name] or 1 for name in names], counts, lengths, idf)
    return LunrIndex(tuple(names), refs, tuple(term_ids), postings, vectors)


def _check_fields(names: list[str]) -> None:
    if len(set(names)) != len(names):
        raise ValueError("a field is named twice")
    for name in names:
        if "/" in name:
            raise ValueError(f"Field {name!r} contains illegal character '/'")


def _count_terms(text: str, numbers: _TermNumbers) -> tuple[dict[int, int], int]:
    """Term frequencies of one field (by term number) and its length in terms."""
    found = [numbers[token] for token in split_tokens(text)]
    tf = Counter(found)
    return tf, len(found) - tf.pop(-1, 0)


class _TermNumbers(dict[str, int]):
    """Raw token to term number (-1 for a stop word). Tokens are looked up in order, so the
    first token of a term is its first occurrence and terms are numbered as lunr numbers them."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: dict[str, int] = {}

    def __missing__(self, token: str) -> int:
        term = term_of(token)
        number = self[token] = -1 if term is None else self.terms.setdefault(term, len(self.terms))
        return number


def _postings(
    refs: tuple[str, ...], width: int, counts: list[dict[int, int]], n_terms: int
) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Documents per term and field, in the order lunr.js keeps a posting's keys."""
    lists: list[list[list[int]]] = [[[] for _ in range(n_terms)] for _ in range(width)]
    for doc in js_key_order(range(len(refs)), key=refs.__getitem__):
        for field in range(width):
            column = lists[field]
            for term in counts[doc * width + field]:
                column[term].append(doc)
    return tuple(zip(*(map(tuple, column) for column in lists), strict=True))


def _idf(posting: tuple[tuple[int, ...], ...], n_docs: int) -> float:
    """``lunr.idf``: a document counts once per field that holds the term."""
    with_term = sum(map(len, posting))
    return js_log(1 + abs((n_docs - with_term + 0.5) / (with_term + 0.5)))


def _vectors(
    names: list[str],
    boosts: list[float],
    counts: list[dict[int, int]],
    lengths: list[int],
    idf: list[float],
) -> tuple[FieldVector, ...]:
    """``Builder.createFieldVectors``, with lunr's arithmetic in lunr's order."""
    width = len(names)
    n_docs = len(lengths) // width if width else 0
    average = [sum(lengths[f::width]) / n_docs if n_docs else 0.0 for f in range(width)]
    vectors: list[FieldVector] = []
    for number, tf in enumerate(counts):
        if not tf:
            vectors.append(FieldVector((), ()))
            continue
        field = number % width
        boost = boosts[field]
        norm = K1 * (1 - B + B * (lengths[number] / average[field]))
        terms = sorted(tf)
        # score = idf * ((k1 + 1) * tf) / (norm + tf); score *= boost; Math.round(score * 1000)
        raw = [idf[t] * ((K1 + 1) * tf[t]) / (norm + tf[t]) * boost * 1000 for t in terms]
        floors = list(map(math.floor, raw))
        scores = [f + (x - f >= 0.5) for x, f in zip(raw, floors, strict=True)]
        vectors.append(FieldVector(tuple(terms), tuple(scores)))
    return tuple(vectors)


def posting_json(index: LunrIndex, term: int, ref_keys: Sequence[str]) -> str:
    """One entry of ``invertedIndex``; ``ref_keys[d]`` is ``"<ref>":{}`` as JSON."""
    parts = [f'{_string(index.terms[term])},{{"_index":{term}']
    for field, docs in zip(index.fields, index.postings[term], strict=True):
        parts.append(f",{_string(field)}:{{{','.join([ref_keys[d] for d in docs])}}}")
    return f"[{''.join(parts)}}}]"


def vector_json(index: LunrIndex, number: int, numbers: Mapping[int, str]) -> str:
    """One entry of ``fieldVectors``; ``numbers`` maps a score in thousandths to its JSON."""
    width = len(index.fields)
    name = f"{index.fields[number % width]}/{index.refs[number // width]}"
    vector = index.vectors[number]
    elements = ",".join(
        [f"{t},{numbers[s]}" for t, s in zip(vector.terms, vector.scores, strict=True)]
    )
    return f"[{_string(name)},[{elements}]]"


def dumps(index: LunrIndex) -> str:
    """Compact, deterministic JSON of the index: ``JSON.stringify`` of what lunr.js builds,
    with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped so that it is safe inside HTML."""
    ref_keys = [f"{_string(ref)}:{{}}" for ref in index.refs]
    numbers = _ScoreText()
    vectors = ",".join([vector_json(index, n, numbers) for n in range(len(index.vectors))])
    inverted = ",".join([posting_json(index, t, ref_keys) for t in index.term_order()])
    fields = ",".join(map(_string, index.fields))
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


def _string(text: str) -> str:
    """A JSON string as ``JSON.stringify`` writes it."""
    if _ESCAPED.search(text):
        return json.dumps(text, ensure_ascii=False)
    return f'"{text}"'


def _utf16_key(text: str) -> bytes:
    """Sort key of JavaScript's default string order (UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")
