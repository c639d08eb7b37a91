"""search/lunr-index.json and search/documents.json, as PRODUCT.md describes them."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from site_gen.lunr_index import html_safe
from site_gen.model import Paper
from site_gen.search import (
    DOCUMENTS_PATH,
    INDEX_PATH,
    author_text,
    documents_json,
    identifier_text,
    ref,
    search_files,
    search_records,
    tag_text,
)
from tests.fixtures.search.corpus import TAGS, seed_papers

LONG = (
    "Selective state-space models (SSMs) like Mamba overcome some of the shortcomings of "
    "Transformers, such as quadratic computational complexity with sequence length and large "
    "inference-time memory requirements from the key-value cache. Moreover, recent studies have "
    "shown that SSMs can match or exceed the language modeling capabilities of Transformers."
)


def paper(slug: str = "a-paper", **keys: object) -> Paper:
    values: dict[str, object] = {"title": "A paper", "abstract_md": "An abstract.", **keys}
    return Paper(slug=slug, path=f"content/papers/{slug}.md", **values)  # type: ignore[arg-type]


def built(papers: list[Paper]) -> tuple[dict[str, object], dict[str, dict[str, object]]]:
    files = {f.path: f.data for f in search_files(papers, TAGS)}
    assert set(files) == {INDEX_PATH, DOCUMENTS_PATH}
    return json.loads(files[INDEX_PATH]), json.loads(files[DOCUMENTS_PATH])


def test_paths() -> None:
    assert INDEX_PATH == PurePosixPath("search/lunr-index.json")
    assert DOCUMENTS_PATH == PurePosixPath("search/documents.json")


def test_refs_are_positions_in_base_36() -> None:
    assert [ref(n) for n in (0, 9, 10, 35, 36, 1295, 1296, 49999)] == [
        "0",
        "9",
        "a",
        "z",
        "10",
        "zz",
        "100",
        "12kv",
    ]


def test_documents_hold_what_a_result_shows() -> None:
    p = paper(
        "mamba",
        title="Mamba",
        abstract_md=LONG,
        date="2025-03-11",
        tags=("mamba", "llm"),
        authors=("Ana Zhao",),
    )
    _, documents = built([paper("first"), p])
    assert list(documents) == ["0", "1"]
    doc = documents["1"]
    assert set(doc) == {"title", "url", "date", "tags", "snippet", "authors"}
    assert doc["title"] == "Mamba"
    assert doc["url"] == "papers/mamba/"
    assert doc["date"] == "2025-03-11"
    assert doc["tags"] == ["mamba", "llm"]
    assert doc["authors"] == "Ana Zhao"
    assert documents["0"]["date"] is None
    assert documents["0"]["authors"] == ""


def test_a_result_names_the_first_four_authors() -> None:
    names = ("Ana Zhao", "Bo Li", "Zoë Müller", "Dan Wu", "Eve Ng")
    _, documents = built([paper("five", authors=names), paper("some", authors=names[:2], extra=(("et_al", True),))])
    by_url = {doc["url"]: doc for doc in documents.values()}
    assert by_url["papers/five/"]["authors"] == "Ana Zhao, Bo Li, Zoë Müller, Dan Wu et al."
    assert by_url["papers/some/"]["authors"] == "Ana Zhao, Bo Li et al."


def test_snippet_is_plain_text_cut_at_a_word() -> None:
    _, documents = built([paper(abstract_md=LONG), paper("b", abstract_md="Short *one*.")])
    assert documents["0"]["url"] == "papers/b/"  # the shorter abstract comes first
    snippet = str(documents["1"]["snippet"])
    assert 200 <= len(snippet) <= 241
    assert snippet.endswith("…")
    assert LONG.startswith(snippet[:-1])
    assert LONG[len(snippet) - 1] in " ,.;:"
    assert documents["0"]["snippet"] == "Short one."


def test_markdown_and_tex_become_readable_text() -> None:
    md = "We get $O(n^2)$ cost with **bold** claims, a [link](https://x.org) and `code`, 100\\%."
    indexed, documents = search_records([paper(abstract_md=md)], TAGS)
    text = "We get O(n^2) cost with bold claims, a link and code, 100%."
    assert indexed[0]["abstract"] == text
    assert documents["0"]["snippet"] == text


def test_index_fields_boosts_and_text() -> None:
    p = paper(
        title="Speech Separation",
        tags=("speech-separation", "llm"),
        authors=("Shengkui Zhao", "Yukun Ma"),
        abstract_md="Monaural mixtures.",
    )
    indexed, _ = search_records([p], TAGS)
    assert indexed[0] == {
        "id": "0",
        "title": "Speech Separation",
        "tags": "Speech separation Large language models llm",
        "authors": "Shengkui Zhao, Yukun Ma",
        "abstract": "Monaural mixtures.",
        "ids": "",
    }
    index, _ = built([p])
    assert index["fields"] == ["title", "tags", "authors", "abstract", "ids"]
    assert index["pipeline"] == ["stemmer"]
    assert index["version"] == "2.3.9"
    assert {"speech", "separ", "zhao", "monaur", "llm"} <= {t for t, _ in index["invertedIndex"]}


def test_authors_are_also_indexed_without_accents() -> None:
    assert author_text(["Zoë Müller", "Wei Chen", "François Dubois", "张伟", "张伟 (Wei Zhang)"]) == (
        "Zoë Müller, Wei Chen, François Dubois, 张伟, 张伟 (Wei Zhang), Zoe Muller, Francois Dubois"
    )
    index, _ = built([paper(authors=("Zoë Müller", "Stéfan van der Walt"))])
    assert {"zoë", "müller", "stéfan", "zoe", "muller", "stefan"} <= {t for t, _ in index["invertedIndex"]}


def test_arxiv_id_and_doi_are_each_one_term() -> None:
    p = paper(arxiv="2403.01844v2", doi="10.1007/978-3-030-58452-8_13")
    assert identifier_text(p) == "2403.01844 10.1007/9783030584528_13"
    assert identifier_text(paper(arxiv="hep-th/9901001")) == "hepth/9901001"
    index, _ = built([p, paper("other", doi="10.1145/3442188.3445922")])
    terms = {t for t, _ in index["invertedIndex"]}
    assert {"2403.01844", "10.1007/9783030584528_13", "10.1145/3442188.3445922"} <= terms
    assert not {"3", "030", "978"} & terms  # a DOI's parts would match unrelated words


def test_tag_text_adds_slugs_that_say_more_than_the_name() -> None:
    assert tag_text(["speech-separation"], TAGS) == "Speech separation"
    assert tag_text(["moe"], TAGS) == "Mixture of experts moe"
    assert tag_text(["unknown-tag"], TAGS) == "unknown-tag"


def test_json_is_safe_to_embed_in_html() -> None:
    title = "</script><b>A & B</b>\u2028\u2029"
    files = search_files([paper(title=title, abstract_md=title)], TAGS)
    for file in files:
        text = file.data.decode("utf-8")
        assert not re.search("[<>&\u2028\u2029]", text), file.path
    _, documents = built([paper(title=title)])
    assert documents["0"]["title"] == title
    assert documents_json({}) == "{}"


def test_deterministic_and_compact() -> None:
    papers = seed_papers()
    first = search_files(papers, TAGS)
    assert first == search_files(list(papers), TAGS)
    for file in first:
        text = file.data.decode("utf-8")
        assert text == html_safe(
            json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
        )


def test_seed_catalogue() -> None:
    index, documents = built(seed_papers())
    assert len(documents) == 57
    assert len(index["fieldVectors"]) == 57 * 5  # type: ignore[arg-type]
    assert all(len(str(d["snippet"])) <= 241 for d in documents.values())


def test_snippets_and_the_index_read_escaped_characters_as_themselves() -> None:
    from site_gen.search import readable

    assert readable("We compare A\\* search, 5.8\\% of \\_tokens and *emphasis*.") == (
        "We compare A* search, 5.8% of _tokens and emphasis.")
