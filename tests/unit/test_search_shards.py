"""The split search layout: search/manifest.json and the files it names.

Decoding the shards must give back exactly the whole index (every posting, every field-vector
entry, every term index); the Node checks in tests/integration/test_lunr_node.py run the
browser engine on both layouts.
"""

from __future__ import annotations

import json
import pickle
import tracemalloc
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

import pytest

from site_gen import search, search_shards
from site_gen.lunr_index import count, index_of
from site_gen.model import OutputFile
from site_gen.search import FIELDS, search_files, search_records
from site_gen.search_shards import MANIFEST_PATH, shard_of
from tests.fixtures.search.corpus import TAGS, seed_papers, synthetic_papers

WHOLE = {search.INDEX_PATH, search.DOCUMENTS_PATH}


def split(files: list[OutputFile]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and the files it names (by name, parsed), each checked to be in its folder."""
    by_path = {f.path: f.data for f in files}
    manifest = json.loads(by_path.pop(MANIFEST_PATH))
    folder = MANIFEST_PATH.parent / manifest["base"]
    named = {}
    for path, data in by_path.items():
        if path.name.startswith("d"):
            k = int(path.stem[1:])
            assert path.parent == MANIFEST_PATH.parent / manifest["chunkFolders"][k // manifest["chunkGroup"]], path
        else:
            assert path.parent == folder, path
        named[path.name] = json.loads(data)
    return manifest, named


@pytest.fixture(scope="module")
def catalogue() -> list[Any]:
    return seed_papers() + synthetic_papers(400)


@pytest.fixture(scope="module")
def layouts(catalogue: list[Any]) -> tuple[list[OutputFile], list[OutputFile]]:
    """The same catalogue split (small shards, so that terms spread over many) and whole."""
    saved = search_shards.SHARD_BYTES
    search_shards.SHARD_BYTES = 3000
    try:
        parts = search_files(catalogue, TAGS, shard_above=0)
    finally:
        search_shards.SHARD_BYTES = saved
    return parts, search_files(catalogue, TAGS, shard_above=len(catalogue))


def test_threshold_chooses_the_layout(catalogue: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    papers = catalogue[:60]
    assert {f.path for f in search_files(papers, TAGS, shard_above=60)} == WHOLE
    assert MANIFEST_PATH in {f.path for f in search_files(papers, TAGS, shard_above=59)}
    assert search.SHARD_ABOVE == 2000
    assert {f.path for f in search_files(papers, TAGS)} == WHOLE
    monkeypatch.setenv(search.SHARD_ABOVE_ENV, "10")
    assert MANIFEST_PATH in {f.path for f in search_files(papers, TAGS)}
    assert search.index_path(11) == MANIFEST_PATH and search.index_path(10) == search.INDEX_PATH
    monkeypatch.setenv(search.SHARD_ABOVE_ENV, "1000000000")
    assert search.shard_threshold() == 1_000_000_000
    monkeypatch.delenv(search.SHARD_ABOVE_ENV)
    assert search.index_path(2000) == search.INDEX_PATH
    assert search.index_path(2001) == PurePosixPath("search/manifest.json")


def test_manifest_format(layouts: tuple[list[OutputFile], list[OutputFile]]) -> None:
    manifest, named = split(layouts[0])
    whole = json.loads({f.path: f.data for f in layouts[1]}[search.INDEX_PATH])
    assert manifest["layout"] == "lunr-shards" and manifest["format"] == 2
    assert manifest["version"] == "2.3.9"
    assert manifest["fields"] == whole["fields"] == ["title", "tags", "authors", "abstract", "ids"]
    assert manifest["boosts"] == {"title": 10, "tags": 5, "authors": 3, "abstract": 1, "ids": 10}
    assert manifest["pipeline"] == whole["pipeline"] == ["stemmer"]
    assert manifest["documents"] == len(whole["fieldVectors"]) // len(whole["fields"])
    assert set(manifest["averageFieldLength"]) == set(manifest["fields"])
    assert len(manifest["base"]) == 13 and manifest["base"].endswith("/")
    firsts = manifest["shards"]
    assert firsts[0] == "" and firsts == sorted(firsts) and len(set(firsts)) == len(firsts)
    assert len(firsts) > 20
    chunks = -(-manifest["documents"] // manifest["chunk"])
    assert manifest["chunks"] == chunks
    folders = manifest["chunkFolders"]
    assert manifest["chunkGroup"] == 64 and len(folders) == -(-chunks // 64)
    assert all(len(f) == 13 and f.endswith("/") for f in folders) and len(set(folders)) == len(folders)
    assert manifest["base"] not in folders and len(manifest["build"]) == 12
    expected = {f"t{k}.json" for k in range(len(firsts))} | {f"d{k}.json" for k in range(chunks)}
    assert set(named) == expected | {manifest["tags"], manifest["terms"]}


def test_shards_hold_exactly_the_whole_index(
    layouts: tuple[list[OutputFile], list[OutputFile]],
) -> None:
    manifest, named = split(layouts[0])
    whole = json.loads({f.path: f.data for f in layouts[1]}[search.INDEX_PATH])
    assert decode(manifest, named) == whole


def decode(manifest: Mapping[str, Any], named: Mapping[str, Any]) -> dict[str, Any]:
    """The whole serialized index, rebuilt from the shards (what lunr.Index.load would read)."""
    fields = manifest["fields"]
    n_docs = manifest["documents"]
    refs = [search.ref(n) for n in range(n_docs)]
    vectors: dict[str, list[tuple[int, float]]] = {f"{f}/{r}": [] for r in refs for f in fields}
    inverted = []
    firsts = manifest["shards"]
    for k in range(len(firsts)):
        for term, index, mask, *lists in named[f"t{k}.json"]:
            assert shard_of(firsts, term) == k
            posting: dict[str, Any] = {"_index": index}
            pairs = iter(lists)
            for f, field in enumerate(fields):
                posting[field] = {}
                if not mask & 1 << f:
                    continue
                gaps, scores = next(pairs), next(pairs)
                assert len(gaps) == len(scores) > 0
                doc = 0
                for gap, score in zip(gaps, scores, strict=True):
                    doc += gap
                    posting[field][refs[doc]] = {}
                    vectors[f"{field}/{refs[doc]}"].append((index, score / 1000))
            assert next(pairs, None) is None
            inverted.append([term, posting])
    field_vectors = []
    for name, entries in vectors.items():
        entries.sort()
        field_vectors.append([name, [x for pair in entries for x in pair]])
    return {
        "version": manifest["version"],
        "fields": fields,
        "fieldVectors": field_vectors,
        "invertedIndex": inverted,
        "pipeline": manifest["pipeline"],
    }


def test_documents_tags_and_terms(layouts: tuple[list[OutputFile], list[OutputFile]]) -> None:
    manifest, named = split(layouts[0])
    whole_files = {f.path: f.data for f in layouts[1]}
    documents = json.loads(whole_files[search.DOCUMENTS_PATH])
    chunk = manifest["chunk"]
    rows = [row for k in range(manifest["chunks"]) for row in named[f"d{k}.json"]]
    assert len(rows) == manifest["documents"] == len(documents)
    for n, row in enumerate(rows):
        title, url, date, tags, snippet, authors = row
        assert documents[search.ref(n)] == {
            "title": title,
            "url": url,
            "date": date,
            "tags": tags,
            "snippet": snippet,
            "authors": authors,
        }
        assert n // chunk < manifest["chunks"]
    table = named[manifest["tags"]]
    coded = table["docs"].split(",")
    width = table["width"]
    assert len(coded) == len(rows) and width == 1
    for row, codes in zip(rows, coded, strict=True):
        positions = [int(codes[i : i + width], 36) for i in range(0, len(codes), width)]
        assert positions == sorted(positions)
        assert sorted(table["tags"][p] for p in positions) == sorted(row[3])
    index = json.loads(whole_files[search.INDEX_PATH])
    assert named[manifest["terms"]].split("\n") == [term for term, _ in index["invertedIndex"]]


def test_tag_codes_widen_past_36_tags() -> None:
    docs: list[search_shards.Document] = [
        {"title": "t", "url": "u", "date": None, "tags": [f"tag-{i}", "common"], "snippet": ""}
        for i in range(40)
    ]
    table = search_shards._tag_table(docs)
    assert table["width"] == 2 and table["tags"][0] == "common"
    rows = str(table["docs"]).split(",")
    assert all(len(row) == 4 and row.startswith("00") for row in rows)


def test_deterministic_and_safe_in_html(catalogue: list[Any]) -> None:
    title = "</script><b>A & B</b>\u2028\u2029 café"
    papers = [*catalogue[:50], catalogue[50].__class__(**{**_fields(catalogue[50]), "title": title})]
    first = search_files(papers, TAGS, shard_above=0)
    assert first == search_files(list(papers), TAGS, shard_above=0)
    for file in first:
        text = file.data.decode("utf-8")
        assert not any(c in text for c in "<>&\u2028\u2029"), file.path
        json.loads(text)
    changed = [*papers[:-1], papers[-1].__class__(**{**_fields(papers[-1]), "title": "Other"})]
    other = search_files(changed, TAGS, shard_above=0)
    assert split(other)[0]["base"] != split(first)[0]["base"]
    assert split(other)[0]["build"] != split(first)[0]["build"]


def test_what_a_document_shows_changes_only_its_folder(catalogue: list[Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit that leaves the index as it was (a date: not indexed) rewrites one folder of
    document files; the term shards and the other documents' folders keep their names."""
    monkeypatch.setattr(search_shards, "CHUNK_GROUP", 4)
    indexed, documents = search_records(catalogue, TAGS)
    corpus = count(indexed, FIELDS).corpus()
    shown = [documents[ref] for ref in corpus.refs]
    before = split(search_shards.sharded_files(corpus, shown))
    shown[100] = {**shown[100], "date": "1999-01-01"}
    after = split(search_shards.sharded_files(corpus, shown))
    assert after[0]["base"] == before[0]["base"] and after[0]["build"] != before[0]["build"]
    changed = [k for k, (a, b) in enumerate(zip(before[0]["chunkFolders"], after[0]["chunkFolders"], strict=True))
               if a != b]
    assert changed == [100 // search_shards.CHUNK // 4]
    assert [name for name in before[1] if before[1][name] != after[1][name]] == [f"d{100 // search_shards.CHUNK}.json"]


def _fields(paper: Any) -> dict[str, Any]:
    return {name: getattr(paper, name) for name in paper.__slots__}


def test_papers_are_numbered_by_abstract_length(catalogue: list[Any]) -> None:
    indexed, _ = search_records(catalogue, TAGS)
    lengths = count(indexed, FIELDS).lengths("abstract").tolist()
    manifest, named = split(search_files(catalogue, TAGS, shard_above=0))
    rows = [row for k in range(manifest["chunks"]) for row in named[f"d{k}.json"]]
    by_url = {f"papers/{p.slug}/": i for i, p in enumerate(catalogue)}
    order = [by_url[row[1]] for row in rows]
    assert order == sorted(range(len(catalogue)), key=lambda i: (lengths[i], i))


def test_shard_of_uses_javascript_string_order() -> None:
    firsts = ["", "b", "\uffff", "\U0001f600"]  # JavaScript puts U+1F600 (a surrogate pair) first
    assert sorted(firsts, key=lambda t: t.encode("utf-16-be", "surrogatepass")) == [
        "",
        "b",
        "\U0001f600",
        "\uffff",
    ]
    ordered = ["", "b", "\U0001f600", "\uffff"]
    assert shard_of(ordered, "a") == 0
    assert shard_of(ordered, "b") == 1
    assert shard_of(ordered, "zz") == 1
    assert shard_of(ordered, "\ue000") == 2
    assert shard_of(ordered, "\uffff") == 3


def test_terms_past_the_basic_plane_are_in_javascript_order_in_the_split_layout() -> None:
    """lunr.js inserts the terms into its token set in order and refuses one out of order: U+1D538
    (a surrogate pair) comes before U+FF41 there, and after it by code point."""
    from site_gen.model import Paper

    titles = ["\U0001d538lgebra notes", "\uff41bc wide", "zebra", "\U0001f600 smile"]
    papers = [Paper(slug=f"p{n}", title=title, abstract_md="plain words", path=f"p{n}.md")
              for n, title in enumerate(titles)]
    manifest, named = split(search_files(papers, {}, shard_above=0))
    whole = json.loads({f.path: f.data for f in search_files(papers, {}, shard_above=10)}[search.INDEX_PATH])
    terms = [term for term, _ in whole["invertedIndex"]]
    assert terms.index("\U0001d538lgebra") < terms.index("\uff41bc")
    assert named[manifest["terms"]].split("\n") == terms
    assert decode(manifest, named) == whole

def test_empty_and_tiny_catalogues() -> None:
    manifest, named = split(search_files([], TAGS, shard_above=-1))
    assert manifest["documents"] == 0 and manifest["shards"] == [""]
    assert named["t0.json"] == [] and named[manifest["terms"]] == ""
    papers = seed_papers()[:1]
    manifest, named = split(search_files(papers, TAGS, shard_above=0))
    corpus = count(search_records(papers, TAGS)[0], FIELDS).corpus()
    assert decode(manifest, named) == index_of(corpus).as_dict()


def test_paths_are_under_search() -> None:
    files = search_files(seed_papers(), TAGS, shard_above=0)
    assert files[-1].path == PurePosixPath("search/manifest.json")  # last: once what it names is written
    assert all(f.path.parts[0] == "search" and len(f.path.parts) in (2, 3) for f in files)


def test_a_memo_from_the_last_build_gives_the_same_files(catalogue: list[Any]) -> None:
    memo = search.SearchMemo()
    papers = list(catalogue[:300])
    tags = dict(TAGS)
    for step in range(5):
        for shard_above in (0, 10_000):
            remembered = search_files(papers, tags, shard_above=shard_above, memo=memo)
            assert remembered == search_files(papers, tags, shard_above=shard_above), step
        assert len(memo.documents) == len(memo.analyses.index) == len(papers)
        memo = pickle.loads(pickle.dumps(memo))
        edited = papers[7]
        papers[7] = edited.__class__(**{**_fields(edited), "abstract_md": "Zebrafish swim. " * step})
        papers = papers[1:] + catalogue[300 + step : 301 + step]  # one removed, one added
        tags["speech"] = f"Speech {step}"  # a renamed tag changes the papers that have it


def test_the_files_are_made_one_at_a_time(catalogue: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A build writes each search file before the next is made, so that it never holds them
    all: taken one by one and let go, they need a fraction of the memory of the whole list."""
    monkeypatch.setattr(search_shards, "SHARD_BYTES", 3000)
    indexed, documents = search_records(catalogue, TAGS)
    corpus = count(indexed, FIELDS).corpus()
    shown = [documents[ref] for ref in corpus.refs]
    total = sum(len(f.data) for f in search_shards.sharded_files(corpus, shown))

    def peak(take: Callable[[], object]) -> int:
        tracemalloc.start()
        try:
            take()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    one_by_one = peak(lambda: sum(len(f.data) for f in search_shards.sharded_files(corpus, shown)))
    whole = peak(lambda: list(search_shards.sharded_files(corpus, shown)))
    assert total > 500_000
    assert whole - one_by_one > total // 2
