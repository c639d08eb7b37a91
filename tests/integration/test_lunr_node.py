"""Our index against lunr.js 2.3.9 itself, in Node (tests/js/*.mjs).

These tests fail, never skip, when Node or node_modules/lunr is missing: `make test` installs
node_modules with `npm ci`.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from bench.search_check import random_queries
from site_gen import lunr_text, search_shards
from site_gen.lunr_index import build_index, dumps
from site_gen.model import OutputFile
from site_gen.search import FIELDS, search_files, search_records
from tests.fixtures.search.corpus import TAGS, seed_papers, synthetic_papers
from tests.fixtures.search.queries import LAYOUT_QUERIES

pytestmark = pytest.mark.node

REPO = Path(__file__).resolve().parents[2]
LUNR = REPO / "node_modules" / "lunr"
JS = REPO / "tests" / "js"
QUERIES = [
    "survey",
    "key",
    "day",
    "delay",
    "display",
    "today",
    "surveys",
    "keys",
    "1.3b",
    "e.g",
    "o'brien",
    "speech separation",
    "mixture of experts",
    "language model",
    "title:mamba",
    "authors:zhao",
    "tags:speech",
    "quantiz*",
    "transformr~1",
    "+speech -diffusion",
    "monaural^10 speech",
    "state space",
    "llm",
    "the",
]
TRICKY = [
    "A survey of key ideas: day, delay, display and today (1.3b params, (e.g., o'brien, et al.)",
    "Surveys; keys — days! Delays… displays? Todays' O'Brien's (1.3B) e.g. i.e., U.S.A.",
    "Zero-shot   TTS\u00a0with\u2003odd\ufeffspaces\u2028and\x85next-line, tabs\tand\nlines",
    "Ünïcödé café naïve façade Straße İstanbul ΣΟΦΙΑ 𝑥-vector 😀emoji 中文 αβ-divergence",
    '$O(n^2)$ \\mathcal{O} 100\\% <b>bold</b> & A&B x<y "quoted" back\\slash ___ ** --',
    "the of and a to in is it that — ( ) [ ] { } ... , ; : ' \"",
    "happy sky fly try youth yelling agreed feed hopping generalization conditional",
    "constructor __proto__ toString hasOwnProperty valueOf",
]


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("node is not installed: the lunr.js checks need Node.js 20")
    package = LUNR / "package.json"
    if not package.is_file():
        pytest.fail("node_modules/lunr is missing: run `npm ci` (or `make test`)")
    version = json.loads(package.read_text(encoding="utf-8"))["version"]
    if version != "2.3.9":
        pytest.fail(f"node_modules/lunr is {version}, not 2.3.9: run `npm ci`")
    return path


def run_json(node: str, script: str, *paths: Path) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [node, str(JS / script), *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def compare(
    node: str,
    tmp_path: Path,
    docs: Sequence[Mapping[str, str]],
    fields: Sequence[tuple[str, float]],
    title_queries: bool = False,
) -> dict[str, Any]:
    """Build our index, let tests/js/compare_index.mjs build lunr.js's, and return its report."""
    spec = {
        "ref": "id",
        "fields": fields,
        "documents": docs,
        "queries": QUERIES,
        "titleQueries": title_queries,
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    (tmp_path / "index.json").write_text(dumps(build_index(docs, fields)), encoding="utf-8")
    status, report = run_json(
        node, "compare_index.mjs", tmp_path / "spec.json", tmp_path / "index.json"
    )
    assert report["lunrVersion"] == "2.3.9"
    assert report["failures"] == [], json.dumps(report.get("diff"), ensure_ascii=False)[:3000]
    assert report["identical"] and status == 0
    return report


def test_seed_index_is_lunr_js_index(node: str, tmp_path: Path) -> None:
    docs, _ = search_records(seed_papers(), TAGS)
    report = compare(node, tmp_path, docs, FIELDS, title_queries=True)
    ranks = [entry["rank"] for entry in report["titleQueries"]]
    assert len(ranks) == 57 and all(1 <= rank <= 3 for rank in ranks), report["titleQueries"]
    assert all(len(entry["q"].split()) == 3 for entry in report["titleQueries"])
    assert all(query["same"] for query in report["queries"])


def test_words_lunr_py_tokenises_differently(node: str, tmp_path: Path) -> None:
    # Integer refs ("0", "2", "9", "10") come first in a JavaScript object's keys.
    refs = ["0", "b", "10", "a", "2", "01", "x/y", "9"]
    docs = [
        {"id": lunr_ref, "title": text, "abstract": TRICKY[-1 - i]}
        for i, (lunr_ref, text) in enumerate(zip(refs, TRICKY, strict=True))
    ]
    report = compare(node, tmp_path, docs, [("title", 10), ("abstract", 1)])
    hits = {query["q"]: query.get("hits", 0) for query in report["queries"]}
    assert all(hits[word] > 0 for word in ("survey", "key", "day", "delay", "display", "today"))
    assert all(hits[word] > 0 for word in ("1.3b", "e.g", "o'brien"))


def test_synthetic_catalogue(node: str, tmp_path: Path) -> None:
    docs, _ = search_records(synthetic_papers(1500), TAGS)
    compare(node, tmp_path, docs, FIELDS)


def test_boosts_numeric_field_names_and_empty_fields(node: str, tmp_path: Path) -> None:
    docs = [{"id": str(i), "b": text, "2": TRICKY[i - 1], "1": ""} for i, text in enumerate(TRICKY)]
    compare(node, tmp_path, docs, [("b", 2.5), ("2", 0.3), ("1", 0)])


def test_pipeline_numbers_and_stop_words(node: str, tmp_path: Path) -> None:
    rng = random.Random(5)
    texts = _random_words(rng, 20000) + TRICKY
    pairs = [[df, n] for n in (1, 2, 57, 1000) for df in range(1, 4 * n + 1, 1 + n // 100)]
    pairs += [[df, n] for n in (10000, 50000) for df in (1, 2, 3, 10, 100, 1000, n // 2, n, 3 * n)]
    logs = [1 + i / 997 for i in range(3000)] + [rng.uniform(1, 1e5) for _ in range(3000)]
    numbers = [rng.uniform(0, 50) for _ in range(5000)] + [k / 1000 + 0.0005 for k in range(3000)]
    request = {
        "texts": texts,
        "idf": pairs,
        "log": logs,
        "numbers": numbers,
        "stopWordCandidates": sorted(lunr_text.STOP_WORDS | {"yet", "yes", "also", "shall"}),
    }
    (tmp_path / "request.json").write_text(json.dumps(request), encoding="utf-8")
    status, answer = run_json(node, "pipeline.mjs", tmp_path / "request.json")
    assert status == 0
    assert [lunr_text.terms(t) for t in texts] == answer["terms"]
    assert [lunr_text.js_log(1 + abs((n - df + 0.5) / (df + 0.5))) for df, n in pairs] == answer[
        "idf"
    ]
    assert [lunr_text.js_log(x) for x in logs] == answer["log"]
    assert [lunr_text.js_number(lunr_text.js_round(x * 1000) / 1000) for x in numbers] == answer[
        "numbers"
    ]
    assert set(answer["stopWords"]) == lunr_text.STOP_WORDS


def test_stop_words_are_lunr_js_list() -> None:
    source = (LUNR / "lunr.js").read_text(encoding="utf-8")
    block = source[source.index("lunr.stopWordFilter = lunr.generateStopWordFilter([") :]
    block = block[: block.index("])")]
    assert set(re.findall(r"'([a-z]+)'", block)) == lunr_text.STOP_WORDS


def _random_words(rng: random.Random, n: int) -> list[str]:
    """Words that exercise every stemmer step, and random strings of odd characters."""
    suffixes = (
        "ational tional enci anci izer bli alli entli eli ousli ization ation ator alism "
        "iveness fulness ousness aliti iviti biliti logi icate ative alize iciti ical ful "
        "ness al ance ence er ic able ible ant ement ment ent ou ism ate iti ous ive ize "
        "sion tion e ll eed ed ing ies sses s ss y ey ay oy at bl iz"
    ).split()
    odd = (
        "abcdefghijklmnopqrstuvwxyz0123456789.,;:()[]'\"_-$%&*!?/\\^~ÉéüßİΣσςñ𝑥😀\u00a0\ufeff\x85YZ"
    )
    words = []
    for _ in range(n):
        if rng.random() < 0.7:
            stem = "".join(rng.choice("bcdfghjklmnprstvwyaeiou") for _ in range(rng.randint(1, 6)))
            words.append(stem + "".join(rng.choices(suffixes, k=rng.randint(1, 2))))
        else:
            words.append("".join(rng.choice(odd) for _ in range(rng.randint(1, 9))))
    return words


def write_site(folder: Path, files: Sequence[OutputFile]) -> Path:
    for file in files:
        target = folder / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
    return folder


def compare_layouts(
    node: str, tmp_path: Path, papers: Sequence[Any], queries: Sequence[str], shard_bytes: int,
    documents_every: int = 1,
) -> dict[str, Any]:
    saved = search_shards.SHARD_BYTES
    search_shards.SHARD_BYTES = shard_bytes
    try:
        split = write_site(tmp_path / "split", search_files(papers, TAGS, shard_above=0))
    finally:
        search_shards.SHARD_BYTES = saved
    whole = write_site(tmp_path / "whole", search_files(papers, TAGS, shard_above=len(papers)))
    spec = {"split": str(split), "whole": str(whole), "queries": queries, "all": True}
    spec["documents"] = 10
    spec["documents_every"] = documents_every
    (tmp_path / "layouts.json").write_text(json.dumps(spec), encoding="utf-8")
    status, report = run_json(node, "compare_layouts.mjs", tmp_path / "layouts.json")
    assert report["failures"] == [], json.dumps(report, ensure_ascii=False)[:3000]
    assert status == 0
    return report


def test_split_layout_gives_the_whole_index_results(node: str, tmp_path: Path) -> None:
    # Small shards: terms, prefixes and fuzzy expansions fall across many shard boundaries.
    papers = seed_papers() + synthetic_papers(2000)
    report = compare_layouts(node, tmp_path, papers, LAYOUT_QUERIES, shard_bytes=4000)
    by_query = {entry["q"]: entry for entry in report["queries"]}
    assert by_query["-speech"]["hits"] > 100  # every document without the term, in order
    assert by_query["bogus:word"]["hits"].startswith("QueryError")
    for lone in ("*", "title:*", "speech *"):  # lunr.js would match every term: refused at once
        assert by_query[lone]["hits"] == "QueryError: a wildcard needs letters with it"
    for lone in ("\\", "speech \\"):  # a backslash that escapes nothing
        assert by_query[lone]["hits"] == "QueryError: a backslash needs a character after it"
    for far in ("speech~3", "representations~12", "title:mamba~8 speech"):  # minutes, or out of memory
        assert by_query[far]["hits"] == "QueryError: an edit distance of at most 2 is searched"
    assert isinstance(by_query["speech~2"]["hits"], int) and by_query["speech~2"]["hits"] > 0
    # In a fuzzy term (~0 too) a * is one character: terms of five letters that start with "acti"
    assert 0 < by_query["acti*~0"]["hits"] < by_query["acti*"]["hits"]
    assert isinstance(by_query["speech : model"]["hits"], int) and by_query["speech : model"]["hits"] > 0
    assert by_query["transformer"]["files"] <= 4  # the manifest and the shards of its terms


def test_split_layout_with_default_shards(node: str, tmp_path: Path) -> None:
    papers = synthetic_papers(2500, seed=7)
    queries = ["transformer", "speech separation", "quant", "title:mamba", "model~1", "-speech"]
    report = compare_layouts(node, tmp_path, papers, queries, shard_bytes=search_shards.SHARD_BYTES)
    assert all(entry["same"] for entry in report["queries"])


def test_split_layout_on_random_queries(node: str, tmp_path: Path) -> None:
    """Queries nobody wrote down, from the papers' own words; their report is larger than a pipe
    holds, which the script must still write whole before it exits."""
    papers = seed_papers() + synthetic_papers(1200, seed=11)
    queries = random_queries(papers, 650, seed=5)
    # The results of every query are compared; the documents they show, of every fifth one.
    report = compare_layouts(node, tmp_path, papers, queries, shard_bytes=4000, documents_every=5)
    assert len(report["queries"]) == len(queries)
    assert len(json.dumps(report, indent=1)) > 65536  # as the script writes it
    assert sum(isinstance(entry["hits"], int) and entry["hits"] > 0 for entry in report["queries"]) > 400


def a_year_later(paper: Any) -> Any:
    return dataclasses.replace(paper, date=f"{int(paper.date[:4]) + 1}{paper.date[4:]}")


@pytest.mark.parametrize("change", ["papers", "dates"])
def test_a_page_keeps_searching_after_the_site_is_rebuilt(node: str, tmp_path: Path, change: str) -> None:
    """Papers replaced (every file changes) or only dates (not indexed: the term shards keep their
    folder, and only the documents' folders change)."""
    papers = synthetic_papers(600, seed=3)
    first = write_site(tmp_path / "first", search_files(papers, TAGS, shard_above=0))
    if change == "papers":
        changed = papers[:-50] + synthetic_papers(60, seed=4)
    else:
        changed = [a_year_later(paper) for paper in papers]
        manifests = [json.loads((site / "search/manifest.json").read_text()) for site in (first, write_site(
            tmp_path / "peek", search_files(changed, TAGS, shard_above=0)))]
        assert manifests[0]["base"] == manifests[1]["base"] and manifests[0]["build"] != manifests[1]["build"]
    second = write_site(tmp_path / "second", search_files(changed, TAGS, shard_above=0))
    whole = write_site(tmp_path / "whole", search_files(changed, TAGS, shard_above=len(changed)))
    (tmp_path / "site").mkdir()
    spec = {
        "first": str(first),
        "second": str(second),
        "whole": str(whole),
        "site": str(tmp_path / "site"),
        "before": "speech",
        "during": "quantization diffusion",
        "after": "transformer mamba",
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    status, report = run_json(node, "new_build.mjs", tmp_path / "spec.json")
    assert report["ok"] and status == 0, report
    assert report["missing"]  # a shard of the first build was asked for, then the new manifest


def test_a_pasted_identifier_or_link_finds_its_paper(node: str, tmp_path: Path) -> None:
    """arXiv ids (new and old style, with a version or not), DOIs and links to their pages, each
    found as the one term the ``ids`` field holds; a number that begins many ids (``2403``) is not
    taken for a prefix of them."""
    papers = synthetic_papers(300, seed=5)
    papers = [dataclasses.replace(p, arxiv=f"24{1 + i % 12:02d}.{10000 + i:05d}") for i, p in enumerate(papers)]
    papers[7] = dataclasses.replace(papers[7], arxiv="hep-th/9901001")
    papers[8] = dataclasses.replace(papers[8], arxiv=None, doi="10.1007/978-3-030-58452-8_13")
    papers[9] = dataclasses.replace(papers[9], doi="10.1002/(SICI)1097-4636(199603)31:3<289::AID-JBM1>3.0.CO;2-H")
    wanted = {
        "2403.10002": 2,
        "2403.10002v3": 2,
        "arXiv:2403.10002": 2,
        "arxiv: 2403.10002v1": 2,
        "arXiv:2403.10002v2 [cs.CL]": 2,
        "https://arxiv.org/abs/2403.10002": 2,
        "https://arxiv.org/pdf/2403.10002v2.pdf": 2,
        "https://huggingface.co/papers/2403.10002": 2,
        "https://www.alphaxiv.org/overview/2403.10002": 2,
        "https://arxiv.org/abs/hep-th/9901001v2": 7,
        "hep-th/9901001": 7,
        "10.1007/978-3-030-58452-8_13": 8,
        "https://doi.org/10.1007/978-3-030-58452-8_13": 8,
        "DOI: 10.1007/978-3-030-58452-8_13": 8,
        "https://doi.org/10.1002/(SICI)1097-4636(199603)31:3%3C289::AID-JBM1%3E3.0.CO;2-H": 9,
    }
    report = compare_layouts(node, tmp_path, papers, [*wanted, "2403", "speech 2403.10002"], shard_bytes=4000)
    documents = json.loads((tmp_path / "whole/search/documents.json").read_text(encoding="utf-8"))
    entries = {entry["q"]: entry for entry in report["queries"]}
    for query, position in wanted.items():
        entry = entries[query]
        assert entry["hits"] == 1, entry
        assert documents[entry["first"]]["url"] == f"papers/{papers[position].slug}/", entry
    assert entries["2403"]["hits"] == 0  # no paper says 2403; 25 ids begin with it
    assert documents[entries["speech 2403.10002"]["first"]]["url"] == f"papers/{papers[2].slug}/"


def test_words_of_every_script_are_found(node: str, tmp_path: Path) -> None:
    """lunr.trimmer would strip every letter outside A-Z from a word's edges: a word in Cyrillic,
    Greek or Chinese became the empty term, and "café" was "caf"."""
    seed = seed_papers()[:30]
    papers = seed + [
        dataclasses.replace(seed[0], slug="razdelenie-rechi", title="Разделение речи с помощью трансформеров",
                            authors=("Иван Петров",)),
        dataclasses.replace(seed[1], slug="zhang-wei", title="语音分离 (speech separation)", authors=("张伟",)),
        dataclasses.replace(seed[2], slug="zeta", title="Η συνάρτηση ζήτα", authors=("Zoë Café",)),
    ]
    queries = ["Иван", "речи", "трансформеров", "张伟", "语音分离", "ζήτα", "café", "zoë", "title:речи", "Пет*"]
    report = compare_layouts(node, tmp_path, papers, queries, shard_bytes=4000)
    hits = {entry["q"]: entry["hits"] for entry in report["queries"]}
    assert all(isinstance(hits[q], int) and hits[q] >= 1 for q in queries), hits
