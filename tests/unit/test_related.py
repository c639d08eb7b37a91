import random

import numpy as np
import pytest

from site_gen import related as rel
from site_gen.importers.daily import parse
from site_gen.model import Paper
from site_gen.related import related, related_scores, stem, term_of, top_per_row
from site_gen.slug import slugify
from tests.conftest import SEED


def paper(slug: str, title: str, abstract: str = "", **keys: object) -> Paper:
    return Paper(slug=slug, title=title, abstract_md=abstract, path=f"{slug}.md", **keys)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed() -> dict[str, Paper]:
    drafts, _ = parse(SEED.read_text(encoding="utf-8"), "seed.txt", year=2025)
    papers = [paper(slugify(d.title), d.title, d.abstract) for d in drafts]
    return {p.slug: p for p in papers}


@pytest.fixture(scope="module")
def seed_related(seed: dict[str, Paper]) -> dict[str, tuple[str, ...]]:
    return related(list(seed.values()), 5)


def titles_of(seed: dict[str, Paper], lists: dict[str, tuple[str, ...]], start: str) -> list[str]:
    slug = next(s for s, p in seed.items() if p.title.startswith(start))
    return [seed[s].title.lower() for s in lists[slug]]


def count(titles: list[str], *words: str) -> int:
    return sum(1 for t in titles if any(w in t for w in words))


SPEECH = ("speech", "asr", "audio", "tts")


def test_the_speech_separation_paper_is_related_to_speech_papers(seed, seed_related):
    titles = titles_of(seed, seed_related, "MossFormer2")
    assert len(titles) == 5
    assert count(titles, *SPEECH) >= 3, titles


@pytest.mark.parametrize("start", ["Speech Enhancement and Dereverberation", "Pheme:",
                                   "Stateful Conformer", "Denoising LM"])
def test_speech_papers_are_related_to_speech_papers(seed, seed_related, start):
    assert count(titles_of(seed, seed_related, start), *SPEECH) >= 3


@pytest.mark.parametrize("start", ["Layerwise Recurrent Router", "A Survey on Mixture of Experts",
                                   "DeepSpeed-MoE", "OpenMoE", "MC-MoE"])
def test_mixture_of_experts_papers_are_related_to_moe_papers(seed, seed_related, start):
    assert count(titles_of(seed, seed_related, start), "mixture", "moe", "expert") >= 4


def test_quantization_papers_find_each_other(seed, seed_related):
    titles = titles_of(seed, seed_related, "FineQuant")
    assert titles[0].startswith("dual grained quantization")
    assert count(titles[:3], "quantization") == 2


def test_speculative_decoding_papers_find_each_other(seed, seed_related):
    titles = titles_of(seed, seed_related, "SpecDec++")
    assert count(titles[:3], "speculative", "parallel decoding") == 3


def test_state_space_papers_find_each_other(seed, seed_related):
    titles = titles_of(seed, seed_related, "An Empirical Study of Mamba")
    firsts = {t.split(":")[0] for t in titles[:2]}
    assert firsts == {"unlocking state-tracking in linear rnns through negative eigenvalues",
                      "hybridna"}


def test_lists_are_plain_tuples_of_other_slugs_best_first(seed):
    scored = related_scores(list(seed.values()), 5)
    for slug, row in scored.items():
        assert type(row) is tuple and len(row) <= 5
        slugs = [s for s, _ in row]
        assert slug not in slugs and len(set(slugs)) == len(slugs)
        values = [v for _, v in row]
        assert values == sorted(values, reverse=True) and all(0 < v <= 1.0 + 1e-9 for v in values)
    plain = related(list(seed.values()), 5)
    assert plain == {slug: tuple(s for s, _ in row) for slug, row in scored.items()}
    assert all(type(s) is str for row in plain.values() for s in row)


def test_the_result_does_not_depend_on_the_order_of_the_papers(seed, seed_related):
    papers = list(seed.values())
    random.Random(7).shuffle(papers)
    assert related(papers, 5) == seed_related


def test_equal_scores_are_ordered_by_slug():
    twin = "Graph coloring heuristics"
    papers = [paper("c-twin", twin), paper("a-twin", twin), paper("b-twin", twin),
              paper("zebra", twin + " survey"), paper("other", "Protein folding")]
    lists = related(papers, 2)
    assert lists["zebra"] == ("a-twin", "b-twin")
    assert lists["c-twin"] == ("a-twin", "b-twin")
    assert lists["other"] == ()


def test_k_and_small_catalogues():
    papers = [paper("one", "Speech recognition"),
              paper("two", "Speech recognition with transducers")]
    assert related(papers, 0) == {"one": (), "two": ()}
    assert related(papers[:1], 5) == {"one": ()}
    assert related([], 5) == {}
    assert related(papers, 5) == {"one": ("two",), "two": ("one",)}


def test_title_words_outweigh_abstract_words():
    papers = [paper("query", "Speech enhancement", "We study denoising of recordings."),
              paper("title-match", "Speech enhancement with diffusion", "A generative model."),
              paper("body-match", "Generative models", "Speech enhancement appears once here.")]
    assert related(papers, 2)["query"] == ("title-match", "body-match")


def test_marker_characters_and_other_scripts_in_the_text_are_harmless():
    papers = [paper("a", "Neural \x01 codec \x02 models", "Audio \x03 tokens. Über alles."),
              paper("b", "Neural codec language models", "Audio tokens for über speech."),
              paper("c", "Ωmega: 数学 reasoning", "Quantum chemistry.")]
    lists = related(papers, 2)
    assert lists["a"] == ("b",) and lists["b"] == ("a",) and lists["c"] == ()


def test_terms():
    words = ("experts", "studies", "process", "processes", "bus", "analysis", "llms", "gpt4s")
    assert [stem(w) for w in words] == [
        "expert", "study", "process", "process", "bus", "analysis", "llm", "gpt4s"]
    assert term_of("the") is None and term_of("x") is None and term_of("2024") is None
    assert term_of("7b") == "7b" and term_of("models") == "model"
    assert term_of("mamba2") == "mamba" and term_of("gpt4") == "gpt" and term_of("t5") == "t5"
    assert term_of("model’s") == "model" and term_of("Über".lower()) == "über"


@pytest.mark.parametrize("seed_value", range(30))
def test_top_per_row_keeps_the_largest_and_breaks_ties_by_order(seed_value):
    rng = np.random.default_rng(seed_value)
    longest = 40 if seed_value % 2 else 600  # long rows and small m take the sampled path
    lengths = rng.integers(0, longest, size=30)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    data = rng.integers(0, 6 + seed_value % 3 * 50, size=int(indptr[-1])).astype(np.float64)
    order = rng.permutation(len(data)).astype(np.int64)
    m = int(rng.integers(1, 12))
    keep = top_per_row(indptr, data, m, order)
    for r in range(len(lengths)):
        lo, hi = indptr[r], indptr[r + 1]
        expected = sorted(range(lo, hi), key=lambda i: (-data[i], order[i]))[:m]
        assert set(np.flatnonzero(keep[lo:hi]) + lo) == set(expected)


@pytest.mark.parametrize("seed_value", range(6))
def test_neighbours_are_the_best_other_papers_of_the_whole_product(seed_value):
    """The sampled bound that spares most of each product row never drops one of the k best."""
    from scipy import sparse

    rng = np.random.default_rng(seed_value)
    n, terms = 300, 12 if seed_value % 2 else 40  # few terms: long rows, many equal scores
    dense = rng.random((n, terms)) * (rng.random((n, terms)) < 0.3)
    dense = np.round(dense, 1)
    vectors = sparse.csr_matrix(dense / np.maximum(np.linalg.norm(dense, axis=1), 1e-9)[:, None])
    postings = vectors.T.tocsr()
    k = 1 + seed_value % 5
    columns, scores = rel.neighbours(vectors, postings, k)
    product = (vectors @ postings).toarray()
    for i in range(n):
        best = sorted((j for j in range(n) if j != i and product[i, j] >= rel.MIN_SCORE),
                      key=lambda j: (-product[i, j], j))[:k]
        assert columns[i].tolist() == best + [-1] * (k - len(best))
        assert np.allclose(scores[i, :len(best)], product[i, best])


def test_capped_postings_still_find_close_papers(monkeypatch):
    monkeypatch.setattr(rel, "POSTINGS_PER_TERM", 4)
    monkeypatch.setattr(rel, "CELLS", 64)
    rng = random.Random(3)
    topics = ["speech recognition acoustic", "protein folding structure", "graph coloring vertices"]
    papers = []
    for i in range(60):
        filler = rng.sample(["common", "method", "data", "study", "system"], 3)
        words = topics[i % 3].split() + filler
        abstract = " ".join(words) + f" unique{i}."
        papers.append(paper(f"p{i:02d}", f"{words[0]} {words[1]} {i}", abstract))
    lists = related(papers, 3)
    for i in range(60):
        row = lists[f"p{i:02d}"]
        assert len(row) == 3 and all(int(s[1:]) % 3 == i % 3 for s in row), (i, row)


def test_a_cache_of_term_weights_gives_the_same_lists_and_skips_unchanged_papers(
        seed, tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "related.npz"
    papers = list(seed.values())
    cold = related(papers, 5)
    assert related(papers, 5, cache) == cold and cache.is_file()
    tokenised: list[int] = []
    original = rel.term_weights
    monkeypatch.setattr(rel, "term_weights", lambda ps: tokenised.append(len(ps)) or original(ps))
    assert related(papers, 5, cache) == cold and tokenised == [0]
    edited = [p for p in papers if not p.title.startswith(("OpenMoE", "Pheme"))]
    first = edited[0]
    edited[0] = paper(first.slug, first.title, first.abstract_md + " Speech separation again.")
    edited.append(paper("renamed-moe", "OpenMoE under another slug", seed[next(
        s for s, p in seed.items() if p.title.startswith("OpenMoE"))].abstract_md))
    edited.append(paper("brand-new", "Streaming speech recognition on device", "Transducers."))
    tokenised.clear()
    assert related(edited, 5, cache) == related(edited, 5)
    assert tokenised[0] == 3  # the edited paper, the renamed one (new title), the new one


def test_a_damaged_or_foreign_cache_is_ignored(seed, tmp_path, monkeypatch):
    papers = list(seed.values())
    cache = tmp_path / "related.npz"
    cache.write_bytes(b"not a cache")
    assert related(papers, 5, cache) == related(papers, 5)
    cache.write_bytes(cache.read_bytes()[:2000])  # a build stopped while writing it
    assert related(papers, 5, cache) == related(papers, 5)
    monkeypatch.setattr(rel, "_CACHE_FORMAT", "other settings")
    assert related(papers, 5, cache) == related(papers, 5)


def test_the_cache_breaks_exact_ties_as_a_cold_run_does(tmp_path):
    """Papers with the same text score exactly alike; the cached rows must round alike too."""
    papers = [paper(f"paper-{i:02d}", f"Paper {i} on {'speech' if i % 2 else 'experts'}",
                    f"Abstract {i} about mixture of experts and speech.") for i in range(30)]
    cache = tmp_path / "related.npz"
    related(papers, 5, cache)
    papers[3] = paper("paper-03", papers[3].title, "An edited abstract about mixture of experts and speech.")
    assert related_scores(papers, 5, cache) == related_scores(papers, 5)
