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
catalogue give the same lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import count

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

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


def related(papers: Sequence[Paper], k: int = 5) -> dict[str, tuple[str, ...]]:
    """Slug -> up to ``k`` slugs of the most similar other papers, best first (ties by slug)."""
    return {slug: tuple(slugs[j] for j, _ in row) for slug, row, slugs in _rows(papers, k)}


def related_scores(papers: Sequence[Paper], k: int = 5) -> dict[str, tuple[tuple[str, float], ...]]:
    """Like ``related``, with each related paper's cosine similarity (0 to 1)."""
    return {slug: tuple((slugs[j], s) for j, s in row) for slug, row, slugs in _rows(papers, k)}


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


def _rows(papers: Sequence[Paper], k: int) -> Iterator[tuple[str, Row, list[str]]]:
    """(slug, [(index in slugs, score), ...], slugs) for each paper, slugs in sorted order."""
    ordered = sorted(papers, key=lambda p: p.slug)
    slugs = [p.slug for p in ordered]
    if k <= 0 or len(ordered) < 2:
        yield from ((slug, [], slugs) for slug in slugs)
        return
    vectors = weigh(*term_weights(ordered))
    columns, scores = neighbours(vectors, cap_postings(vectors), k)
    for slug, cols, vals in zip(slugs, columns.tolist(), scores.tolist(), strict=True):
        yield slug, [(j, s) for j, s in zip(cols, vals, strict=True) if j >= 0], slugs


def term_weights(papers: Sequence[Paper]) -> tuple[list[sparse.csr_matrix], int]:
    """``(1 + log tf) * boost`` of each term before its idf, in blocks of rows; the term count."""
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
    return blocks, max(1, len(terms))


def _marked(paper: Paper) -> str:
    """Title, first sentence and rest of the abstract, between the marker characters."""
    title, abstract = paper.title, paper.abstract_md
    if any(c in title or c in abstract for c in "\x01\x02\x03"):
        title, abstract = (text.translate(_NO_MARKERS) for text in (title, abstract))
    cut = abstract.find(". ", 0, LEAD_CHARS) + 1
    return f"{title} \x02 {abstract[:cut]} \x03 {abstract[cut:]} \x01 "


_NO_MARKERS = str.maketrans("\x01\x02\x03", "   ")


def weigh(blocks: list[sparse.csr_matrix], terms: int) -> sparse.csr_matrix:
    """Papers x terms: TF-IDF rows cut to each paper's heaviest terms, L2-normalised.

    Takes the blocks of ``term_weights`` and empties the list as it goes, to keep memory low."""
    n = sum(block.shape[0] for block in blocks)
    df = sum((np.bincount(block.indices, minlength=terms) for block in blocks), np.zeros(terms))
    idf = np.log((1.0 + n) / np.maximum(df, 1))
    idf[df < 2] = 0.0
    rows: list[sparse.csr_matrix] = []
    while blocks:
        block = blocks.pop(0)
        data = block.data * idf[block.indices]
        block = _keep(block, data > 0, data)
        block = _keep(block, top_per_row(block.indptr, block.data, TERMS_PER_PAPER))
        norms = np.sqrt(np.bincount(_row_of(block.indptr), weights=block.data**2,
                                    minlength=block.shape[0]))
        block.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(block.indptr))
        rows.append(block)
    matrix = sparse.vstack(rows, format="csr")
    matrix.resize((n, terms))
    return matrix


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
        rows = _row_of(block.indptr)
        good = block.data >= MIN_SCORE
        good &= block.indices != rows + start
        rows, cols, vals = rows[good], block.indices[good], block.data[good]
        indptr = np.zeros(block.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=block.shape[0]), out=indptr[1:])
        chosen = top_per_row(indptr, vals, k, cols, rows)
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
    lengths = np.diff(indptr)
    sample = 8 * m
    if len(data) <= 2 * sample * len(lengths):
        return _top_per_row(indptr, data, m, order, rows)
    # The m-th largest of a sample of a row (every few entries) is a lower bound of the row's
    # m-th largest: what lies below it cannot be kept, so the exact pass sees far fewer entries.
    taken = np.minimum(lengths, sample)
    slots = indptr[:-1, None] + np.arange(sample) * np.maximum(1, lengths // sample)[:, None]
    block = np.where(np.arange(sample) < taken[:, None], data[np.minimum(slots, len(data) - 1)],
                     -np.inf)
    bound = np.where(taken > m, np.partition(block, sample - m, axis=1)[:, sample - m], -np.inf)
    survive = np.flatnonzero(data >= bound[rows])
    kept = _top_per_row(np.searchsorted(survive, indptr), data[survive], m, order[survive],
                        rows[survive])
    keep = np.zeros(len(data), dtype=bool)
    keep[survive[kept]] = True
    return keep


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
        fits = int(np.count_nonzero(np.arange(1, len(ahead) + 1) * ahead <= CELLS))
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
