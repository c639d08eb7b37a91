"""Related papers: TF-IDF cosine similarity of title and abstract, computed at build time.

``related(papers, k)`` maps each slug to up to ``k`` slugs of the most similar other papers,
best first. Text is lowercased and split on anything that is not a letter or a digit; stop
words, single characters and bare numbers are dropped, plurals are folded (``experts`` is
``expert``) and so are version numbers of named models (``mamba2`` is ``mamba``). A term
weighs ``(1 + log tf) * log((1 + N) / df) * boost``: the boost is ``TITLE_BOOST`` for a word
of the title and ``SUBJECT_BOOST`` for a word of both the title and the abstract's first
sentence (that is where a paper names its subject: "monaural speech separation",
"mixture-of-experts"), so that papers on the same subject come before papers that merely
share a method. Terms found in one paper only are dropped, since they link nothing. Each
paper keeps its ``TERMS_PER_PAPER`` heaviest terms, L2-normalised; pairs whose cosine is
below ``MIN_SCORE`` are not related at all, so a list may be shorter than ``k``.

The cost stays linear in the number of papers: the candidates of a paper come from the
postings of its kept terms, and each term's postings are capped at the ``POSTINGS_PER_TERM``
papers that weigh it most. The sparse product and the selection run in numpy/scipy, a batch
of papers at a time, so memory stays bounded. Equal scores are broken by slug, and the
result depends only on the set of papers, not on their order: two builds of the same
catalogue give the same lists. With ``cache=`` (a file under the build cache), the term weights
of papers whose title and abstract did not change are read back instead of recomputed, and
the lists are the same as without it.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from itertools import count
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from .cache import text_key
from .model import Paper

TITLE_BOOST = 2.0
SUBJECT_BOOST = 8.0
TERMS_PER_PAPER = 24
POSTINGS_PER_TERM = 64
MIN_SCORE = 0.03  # below this a pair shares no more than a passing word
LEAD_CHARS = 400  # an opening sentence longer than this is not taken as a statement of subject
BATCH = 2048  # papers tokenised at once
CELLS = 1 << 21  # entries of a block of the similarity product, of a padded block

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

STOP_WORDS = frozenset(
    """a about above across after again against all almost along already also although always am
    among an and another any are around as at be because been before being below between both but
    by can cannot could did do does doing done down during each either else enough etc even ever
    every few for from further had has have having he her here hers herself him himself his how
    however i if in into is it its itself just least less let like made make makes many may me
    might more moreover most much must my neither no nor not now of off often on once one only onto
    or other others otherwise our ours ourselves out over own per rather same several she should
    since so some such than that the their theirs them themselves then there thereby therefore
    these they this those though through throughout thus to together too toward towards under
    until up upon us use used uses using very via was we well were what whatever when where whereas
    whether which while who whom whose why will with within without would yet you your yours
    paper propose proposed proposes approach present presents show shows shown demonstrate
    demonstrates novel new existing work works based achieve achieves achieving result results
    furthermore significantly significant extensive experiments experimental introduce introduces
    outperforms outperform respectively various different including compared code available
    publicly github""".split()
)

# Bytes of UTF-8 text: ASCII letters (lowercased), digits and non-ASCII bytes make words; the
# markers \x01 (end of a paper), \x02 (end of its title) and \x03 (end of the abstract's first
# sentence) are words of their own; every other byte separates words.
_TABLE = bytes(
    c + 32 if 65 <= c <= 90
    else c if (48 <= c <= 57 or 97 <= c <= 122 or c >= 128 or c in (1, 2, 3))
    else 32
    for c in range(256)
)
_MARKERS = (b"\x01", b"\x02", b"\x03")  # token ids 0, 1 and 2
# What one occurrence adds to a count, by place: far apart, so a count tells where a term was.
_LEAD_BITS, _TITLE_BITS = 20, 40
_BODY, _LEAD, _TITLE = 1, 1 << _LEAD_BITS, 1 << _TITLE_BITS


def related(papers: Sequence[Paper], k: int = 5, cache: Path | None = None,
            save: Path | None = None, text_keys: Mapping[str, bytes] | None = None) -> dict[str, tuple[str, ...]]:
    """Slug -> up to ``k`` slugs of the most similar other papers, best first (ties by slug).

    ``cache``: a file that keeps each paper's term weights between builds (written anew each
    time, or to ``save`` if given), so that only new and edited papers are tokenised; the result
    is the same. ``text_keys``: slug -> ``text_key`` of each paper, if the caller has them."""
    rows = _rows(papers, k, cache, save, text_keys)
    return {slug: tuple(slugs[j] for j, _ in row) for slug, row, slugs in rows}


def related_scores(papers: Sequence[Paper], k: int = 5,
                   cache: Path | None = None) -> dict[str, tuple[tuple[str, float], ...]]:
    """Like ``related``, with each related paper's cosine similarity (0 to 1)."""
    rows = _rows(papers, k, cache, cache)
    return {slug: tuple((slugs[j], s) for j, s in row) for slug, row, slugs in rows}


def stem(word: str) -> str:
    """Fold an English plural to its singular: experts -> expert, studies -> study."""
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ss", "us", "is")) or not word[-2].isalpha():
        return word
    return word[:-1]


def term_of(token: str) -> str | None:
    """The term a lowercased token counts as, or None when it carries no topic."""
    if not token.isascii():  # the first run of letters and digits: "model’s" -> "model"
        words = "".join(c if c.isalnum() else " " for c in token.lower()).split()
        token = words[0] if words else ""
    if len(token) < 2 or token in STOP_WORDS or not any(c.isalpha() for c in token):
        return None
    family = token.rstrip("0123456789")  # a version of a named model: mamba2, gpt4, llama3
    term = stem(family if len(family) >= 3 and family.isalpha() else token)
    return None if term in STOP_WORDS else term


Row = list[tuple[int, float]]


def _rows(papers: Sequence[Paper], k: int, cache: Path | None, save: Path | None,
          text_keys: Mapping[str, bytes] | None = None) -> Iterator[tuple[str, Row, list[str]]]:
    """(slug, [(index in slugs, score), ...], slugs) for each paper, slugs in sorted order."""
    ordered = sorted(papers, key=lambda p: p.slug)
    slugs = [p.slug for p in ordered]
    if k <= 0 or len(ordered) < 2:
        yield from ((slug, [], slugs) for slug in slugs)
        return
    weights = term_weights(ordered)[0] if cache is None else cached_term_weights(ordered, cache, save or cache,
                                                                                text_keys)
    vectors = weigh(weights)
    del weights  # the largest matrix: not kept through the products
    columns, scores = neighbours(vectors, cap_postings(vectors), k)
    for slug, cols, vals in zip(slugs, columns.tolist(), scores.tolist(), strict=True):
        yield slug, [(j, s) for j, s in zip(cols, vals, strict=True) if j >= 0], slugs


def term_weights(papers: Sequence[Paper]) -> tuple[sparse.csr_matrix, list[str]]:
    """Papers x terms, ``(1 + log tf) * boost`` of each term before its idf; and the terms.

    Terms are in sorted order and only those that occur are kept, so the matrix of a paper
    does not depend on the other papers."""
    tokens: defaultdict[bytes, int] = defaultdict(count().__next__)
    for marker in _MARKERS:
        tokens[marker]
    token_term: list[int] = [-1] * len(_MARKERS)
    terms: dict[str, int] = {}
    place = np.array([_BODY, _TITLE, _LEAD], dtype=np.int64)  # by the marker closing the part
    boosts = np.array([1.0, TITLE_BOOST, SUBJECT_BOOST], dtype=np.float32)
    blocks: list[sparse.csr_matrix] = []
    for start in range(0, len(papers), BATCH):
        batch = papers[start:start + BATCH]
        text = "".join([_marked(p) for p in batch])
        words = text.encode("utf-8", "replace").translate(_TABLE).split()
        ids = np.fromiter(map(tokens.__getitem__, words), dtype=np.int64, count=len(words))
        for token in list(tokens)[len(token_term):]:
            term = term_of(token.decode("utf-8", "replace"))
            token_term.append(-1 if term is None else terms.setdefault(term, len(terms)))
        ends = np.flatnonzero(ids < len(_MARKERS))  # each closes a title, lead or body part
        sizes = np.diff(ends, prepend=-1)
        col = np.asarray(token_term, dtype=np.int32)[ids]
        keep = col >= 0
        weight = np.repeat(place[ids[ends]], sizes)[keep]
        row = np.repeat(np.arange(len(ends)) // len(_MARKERS), sizes)[keep]
        indptr = np.zeros(len(batch) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=len(batch)), out=indptr[1:])
        block = sparse.csr_matrix((weight, col[keep], indptr), shape=(len(batch), 1 << 30))
        block.sum_duplicates()  # counts, each occurrence adding _TITLE, _LEAD or _BODY
        title = block.data >> _TITLE_BITS
        lead = (block.data >> _LEAD_BITS) & (_LEAD - 1)
        tf = (title + lead + (block.data & (_LEAD - 1))).astype(np.float32)
        boost = boosts[(title > 0) * (1 + (lead > 0))]
        blocks.append(sparse.csr_matrix(((1 + np.log(tf)) * boost, block.indices, block.indptr),
                                        shape=block.shape))
    number, names = _sorted_terms(list(terms), [block.indices for block in blocks])
    rows = sum(block.shape[0] for block in blocks)
    data = np.empty(sum(block.nnz for block in blocks), dtype=np.float32)
    indices = np.empty(len(data), dtype=np.int32)
    indptr = np.zeros(rows + 1, dtype=np.int64)
    done = at = 0
    while blocks:  # one matrix, its blocks freed as they are copied in
        block = blocks.pop(0)
        data[at:at + block.nnz] = block.data
        indices[at:at + block.nnz] = number[block.indices]
        indptr[done + 1:done + block.shape[0] + 1] = block.indptr[1:] + at
        done, at = done + block.shape[0], at + block.nnz
    return sparse.csr_matrix((data, indices, indptr), shape=(rows, max(1, len(names)))), names


def _sorted_terms(vocab: list[str], columns: list[Ints]) -> tuple[Ints, list[str]]:
    """A new number for each term (in sorted order of the terms that occur) and those terms."""
    found = np.zeros(len(vocab), dtype=bool)
    for part in columns:
        found[part] = True
    used = np.flatnonzero(found)
    names = [vocab[i] for i in used.tolist()]
    order = sorted(range(len(names)), key=names.__getitem__)
    number = np.zeros(len(vocab), dtype=np.int64)
    number[used[order]] = np.arange(len(order))
    return number, [names[i] for i in order]


def cached_term_weights(papers: Sequence[Paper], path: Path, save: Path | None = None,
                        text_keys: Mapping[str, bytes] | None = None) -> sparse.csr_matrix:
    """``term_weights`` reusing the rows of unchanged papers from ``path``, then saving to ``save``
    (by default ``path``). ``text_keys``: slug -> ``text_key``, if known."""
    keys = [text_key(p) for p in papers] if text_keys is None else [text_keys[p.slug] for p in papers]
    old_keys, old_vocab, old = _load(path)
    where = {key: row for row, key in enumerate(old_keys)}
    hits = np.array([where.get(key, -1) for key in keys], dtype=np.int64)
    fresh = np.flatnonzero(hits < 0)
    new, new_vocab = term_weights([papers[i] for i in fresh.tolist()])
    if len(fresh) == len(papers):  # nothing to reuse (a first build): no copies to stack and renumber
        _save(save or path, keys, new_vocab, new)
        return new
    number = {term: i for i, term in enumerate(old_vocab)}
    renumber = np.array([number.setdefault(term, len(number)) for term in new_vocab] or [0])
    width = max(1, len(number))
    reused = old[hits[hits >= 0]]
    parts = [sparse.csr_matrix((reused.data, reused.indices, reused.indptr),
                               shape=(reused.shape[0], width)),
             sparse.csr_matrix((new.data, renumber[new.indices], new.indptr),
                               shape=(new.shape[0], width))]
    source = np.empty(len(papers), dtype=np.int64)  # each paper's row in the stacked parts
    source[hits >= 0] = np.arange(reused.shape[0])
    source[fresh] = reused.shape[0] + np.arange(len(fresh))
    matrix = sparse.vstack(parts, format="csr")[source]
    renumbered, vocab = _sorted_terms(list(number), [matrix.indices])
    matrix.indices = renumbered[matrix.indices].astype(matrix.indices.dtype)
    matrix.resize((matrix.shape[0], max(1, len(vocab))))
    _save(save or path, keys, vocab, matrix)
    return matrix


# Bump the first number when the tokenisation changes: a cache of other settings is ignored.
_CACHE_FORMAT = hashlib.blake2b(repr((1, TITLE_BOOST, SUBJECT_BOOST, LEAD_CHARS, _BODY, _LEAD,
                                      _TITLE, sorted(STOP_WORDS))).encode(),
                                digest_size=8).hexdigest()


def _load(path: Path) -> tuple[list[bytes], list[str], sparse.csr_matrix]:
    """What ``_save`` wrote; nothing when the file is missing, damaged or of other settings."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["format"]) != _CACHE_FORMAT:
                raise ValueError("made with other settings")
            raw = saved["keys"].tobytes()
            keys = [raw[i:i + 16] for i in range(0, len(raw), 16)]
            text = saved["vocab"].tobytes().decode("utf-8")
            vocab = text.split("\n") if text else []
            matrix = sparse.csr_matrix((saved["data"], saved["indices"], saved["indptr"]),
                                       shape=(len(keys), max(1, len(vocab))))
            return keys, vocab, matrix
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError, zipfile.BadZipFile):
        return [], [], sparse.csr_matrix((0, 1), dtype=np.float32)


def _save(path: Path, keys: list[bytes], vocab: list[str], matrix: sparse.csr_matrix) -> None:
    """Write the cache atomically: a temporary file, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp.npz")
    np.savez(temporary, format=np.array(_CACHE_FORMAT),
             keys=np.frombuffer(b"".join(keys), dtype=np.uint8),
             vocab=np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
             data=matrix.data, indices=matrix.indices, indptr=matrix.indptr)
    os.replace(temporary, path)


def _marked(paper: Paper) -> str:
    """Title, first sentence and rest of the abstract, between the marker characters."""
    title, abstract = paper.title, paper.abstract_md
    if any(c in title or c in abstract for c in "\x01\x02\x03"):
        title, abstract = (text.translate(_NO_MARKERS) for text in (title, abstract))
    cut = abstract.find(". ", 0, LEAD_CHARS) + 1
    return f"{title} \x02 {abstract[:cut]} \x03 {abstract[cut:]} \x01 "


_NO_MARKERS = str.maketrans("\x01\x02\x03", "   ")


def weigh(weights: sparse.csr_matrix) -> sparse.csr_matrix:
    """Papers x terms: TF-IDF rows cut to each paper's heaviest terms, L2-normalised."""
    weights.sort_indices()  # each row's terms in one order however the matrix was made: sums round alike
    n = weights.shape[0]
    df = np.bincount(weights.indices, minlength=weights.shape[1])
    idf = np.log((1.0 + n) / np.maximum(df, 1))
    idf[df < 2] = 0.0
    rows: list[sparse.csr_matrix] = []
    for start in range(0, n, BATCH):
        block = weights[start:start + BATCH]
        data = block.data * idf[block.indices]
        block = _keep(block, data > 0, data)
        block = _keep(block, top_per_row(block.indptr, block.data, TERMS_PER_PAPER, block.indices))
        norms = np.sqrt(np.bincount(_row_of(block.indptr), weights=block.data**2,
                                    minlength=block.shape[0]))
        block.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(block.indptr))
        rows.append(block)
    vectors = sparse.vstack(rows, format="csr")
    vectors.sort_indices()  # sums in term order, whatever order the terms were counted in
    return vectors


def cap_postings(vectors: sparse.csr_matrix) -> sparse.csr_matrix:
    """Terms x papers: each term's postings cut to the papers that weigh it most."""
    postings = vectors.T.tocsr()
    mask = top_per_row(postings.indptr, postings.data, POSTINGS_PER_TERM, postings.indices)
    return _keep(postings, mask)


def neighbours(vectors: sparse.csr_matrix, postings: sparse.csr_matrix,
               k: int) -> tuple[Ints, Floats]:
    """The ``k`` best other papers of each paper (-1 where there are fewer) and their scores."""
    n = vectors.shape[0]
    columns = np.full((n, k), -1, dtype=np.int64)
    scores = np.zeros((n, k))
    step = max(1, CELLS // max(1, TERMS_PER_PAPER * POSTINGS_PER_TERM))
    for start in range(0, n, step):
        block = (vectors[start:start + step] @ postings).tocsr()
        if not block.nnz:
            continue
        # A row holds its own paper at most once: the (k+1)-th largest of a sample of the row is
        # a lower bound of the k-th largest of the others, and what lies below it is not kept.
        bound = np.maximum(_sample_bound(block.indptr, block.data, k + 1), MIN_SCORE)
        at = np.flatnonzero(block.data >= np.repeat(bound, np.diff(block.indptr)))
        rows = np.searchsorted(block.indptr, at, side="right") - 1
        cols = block.indices[at]
        other = cols != rows + start
        rows, cols, vals = rows[other], cols[other], block.data[at[other]]
        indptr = np.zeros(block.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=block.shape[0]), out=indptr[1:])
        chosen = _top_per_row(indptr, vals, k, cols, rows)
        r, c, s = rows[chosen], cols[chosen], vals[chosen]
        order = np.lexsort((c, -s, r))
        r, c, s = r[order], c[order], s[order]
        rank = np.arange(len(r)) - np.searchsorted(r, r)
        columns[r + start, rank] = c
        scores[r + start, rank] = s
    return columns, scores


def top_per_row(indptr: Ints, data: Floats, m: int, order: Ints | None = None,
                rows: Ints | None = None) -> Bools:
    """Mask of the ``m`` largest entries of each CSR row (``rows``: the row of each entry).

    Among equal values at the cut, the entries with the smaller ``order`` (default: position)
    are kept."""
    rows = _row_of(indptr) if rows is None else rows
    order = np.arange(len(data)) if order is None else order
    if len(data) <= 2 * _SAMPLE * m * (len(indptr) - 1):
        return _top_per_row(indptr, data, m, order, rows)
    survive = np.flatnonzero(data >= _sample_bound(indptr, data, m)[rows])
    kept = _top_per_row(np.searchsorted(survive, indptr), data[survive], m, order[survive],
                        rows[survive])
    keep = np.zeros(len(data), dtype=bool)
    keep[survive[kept]] = True
    return keep


_SAMPLE = 8  # entries of a row sampled for a bound, for each one kept


def _sample_bound(indptr: Ints, data: Floats, m: int) -> Floats:
    """A lower bound of the ``m``-th largest entry of each CSR row (-inf where a row has no more
    than ``m``): the ``m``-th largest of a sample of the row, every few entries. What lies below it
    cannot be among the row's ``m`` largest, so an exact pass need only see what does not."""
    lengths = np.diff(indptr)
    sample = _SAMPLE * m
    taken = np.minimum(lengths, sample)
    slots = indptr[:-1, None] + np.arange(sample) * np.maximum(1, lengths // sample)[:, None]
    block = np.where(np.arange(sample) < taken[:, None], data[np.minimum(slots, len(data) - 1)],
                     -np.inf)
    return np.where(taken > m, np.partition(block, sample - m, axis=1)[:, sample - m], -np.inf)


def _top_per_row(indptr: Ints, data: Floats, m: int, order: Ints, rows: Ints) -> Bools:
    cut = _mth_largest(indptr, np.diff(indptr), data, m)[rows]
    keep = data > cut
    equal = np.flatnonzero(data == cut)
    if len(equal):
        room = m - np.bincount(rows[keep], minlength=len(indptr) - 1)
        equal = equal[np.lexsort((order[equal], rows[equal]))]
        first = np.searchsorted(rows[equal], rows[equal])
        keep[equal[np.arange(len(equal)) - first < room[rows[equal]]]] = True
    return keep


def _mth_largest(indptr: Ints, lengths: Ints, data: Floats, m: int) -> Floats:
    """The ``m``-th largest of the first ``lengths[r]`` entries of each row; -inf if fewer."""
    threshold = np.full(len(lengths), -np.inf)
    long_rows = np.flatnonzero(lengths > m)
    long_rows = long_rows[np.argsort(lengths[long_rows], kind="stable")]
    sizes = lengths[long_rows]
    start = 0
    while start < len(long_rows):  # rows of similar length together, as a padded block
        ahead = sizes[start:start + max(1, CELLS // int(sizes[start]))]
        # at most CELLS cells, and rows at most twice as long as the first: at least half of a
        # block is entries, not filler (the postings of terms run from 65 to a thousand papers)
        fits = int(np.count_nonzero((np.arange(1, len(ahead) + 1) * ahead <= CELLS) & (ahead <= 2 * ahead[0])))
        group = long_rows[start:start + max(1, fits)]
        width = int(sizes[start + len(group) - 1])
        slots = indptr[group, None] + np.arange(width)
        values = data[np.minimum(slots, len(data) - 1)]
        block = np.where(slots < (indptr[group] + lengths[group])[:, None], values, -np.inf)
        threshold[group] = np.partition(block, width - m, axis=1)[:, width - m]
        start += len(group)
    return threshold


def _keep(matrix: sparse.csr_matrix, mask: Bools, data: Floats | None = None) -> sparse.csr_matrix:
    """The entries of ``matrix`` where ``mask`` holds, with values from ``data`` if given."""
    rows = _row_of(matrix.indptr)[mask]
    indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=matrix.shape[0]), out=indptr[1:])
    values = (matrix.data if data is None else data)[mask]
    return sparse.csr_matrix((values, matrix.indices[mask], indptr), shape=matrix.shape,
                             copy=False)


def _row_of(indptr: Ints) -> Ints:
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
