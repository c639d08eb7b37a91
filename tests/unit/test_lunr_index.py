"""The lunr index builder: lunr.js's tokens, terms, numbers and JSON, and lunr.py's semantics.

The Node checks in tests/integration/test_lunr_node.py compare with lunr.js itself; these tests
run without Node. The expected texts below were printed by lunr.js 2.3.9.
"""

from __future__ import annotations

import json
import math
import random
import re

import lunr as lunr_py  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen.lunr_index import LunrIndex, build_index, dumps, html_safe
from site_gen.lunr_text import (
    STOP_WORDS,
    is_array_index,
    js_key_order,
    js_log,
    js_number,
    js_round,
    stem,
    terms,
    tokens,
)
from tests.fixtures.search.corpus import seed_entries

# lunr(function () { this.ref("id"); this.field("t"); this.metadataWhitelist = []; ... })
# over TRICKY_DOCS, then JSON.stringify(index), in Node 20 with lunr 2.3.9.
TRICKY_DOCS = [
    {"id": "1", "t": "Hello ( world — $x$ survey key, (e.g., o'brien, (1.3b today"},
    {"id": "a", "t": "day delay display"},
    {"id": "0", "t": "x"},
]
TRICKY_JSON = (
    '{"version":"2.3.9","fields":["t"],"fieldVectors":[["t/1",[0,0.658,1,1.008,2,0.658,3,0.315,'
    '4,0.658,5,0.658,6,0.658,7,0.658,8,0.658,9,0.658]],["t/a",[10,1.173,11,1.173,12,1.173]],'
    '["t/0",[3,0.699]]],"invertedIndex":[["",{"_index":1,"t":{"1":{}}}],["1.3b",{"_index":8,'
    '"t":{"1":{}}}],["day",{"_index":10,"t":{"a":{}}}],["delay",{"_index":11,"t":{"a":{}}}],'
    '["display",{"_index":12,"t":{"a":{}}}],["e.g",{"_index":6,"t":{"1":{}}}],["hello",'
    '{"_index":0,"t":{"1":{}}}],["key",{"_index":5,"t":{"1":{}}}],["o\'brien",{"_index":7,'
    '"t":{"1":{}}}],["survey",{"_index":4,"t":{"1":{}}}],["today",{"_index":9,"t":{"1":{}}}],'
    '["world",{"_index":2,"t":{"1":{}}}],["x",{"_index":3,"t":{"0":{},"1":{}}}]],'
    '"pipeline":["stemmer"]}'
)
FIELDS = [("title", 10.0), ("abstract", 1.0)]


def test_index_is_what_lunr_js_writes() -> None:
    assert dumps(build_index(TRICKY_DOCS, [("t", 1)])) == TRICKY_JSON


def test_words_lunr_py_gets_wrong_keep_their_lunr_js_terms() -> None:
    text = "survey key day delay display today (1.3b (e.g., o'brien, Surveys"
    assert terms(text) == [
        "survey",
        "key",
        "day",
        "delay",
        "display",
        "today",
        "1.3b",
        "e.g",
        "o'brien",
        "survey",
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("caresses", "caress"),
        ("ponies", "poni"),
        ("cats", "cat"),
        ("agreed", "agre"),
        ("feed", "feed"),
        ("plastered", "plaster"),
        ("motoring", "motor"),
        ("sing", "sing"),
        ("conflated", "conflat"),
        ("troubled", "troubl"),
        ("sized", "size"),
        ("hopping", "hop"),
        ("falling", "fall"),
        ("filing", "file"),
        ("happy", "happi"),
        ("sky", "ski"),
        ("relational", "relat"),
        ("conditional", "condit"),
        ("digitizer", "digit"),
        ("hopefulness", "hope"),
        ("formalize", "formal"),
        ("electrical", "electr"),
        ("adjustment", "adjust"),
        ("adoption", "adopt"),
        ("controll", "control"),
        ("generalization", "gener"),
        ("youth", "youth"),
        ("yelling", "yell"),
        ("by", "by"),
    ],
)
def test_porter_stemmer(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_tokenizer_splits_on_javascript_whitespace_and_hyphens_only() -> None:
    assert tokens("A-b\u00a0c\ufeffd\u2003e\x85f\x1cg") == ["a", "b", "c", "d", "e\x85f\x1cg"]
    assert tokens(" \t-- ") == []


def test_trimmer_is_lunr_js_on_ascii_and_keeps_the_letters_of_every_script() -> None:
    assert terms("(1.3b o'brien, (e.g.,") == ["1.3b", "o'brien", "e.g"]  # lunr.trimmer's own
    assert terms("(café) naïve ÉTÉ «Иван» 张伟, “quotes” —") == ["café", "naïv", "été", "иван", "张伟", "quot", ""]
    assert terms("पत्रिका। 𝑥s") == ["पत्रिका", "𝑥"]  # a vowel sign (a mark) ends a word; 𝑥 is a letter


def test_stop_words_and_punctuation() -> None:
    assert len(STOP_WORDS) == 119
    assert terms("the model , of — models") == ["model", "", "", "model"]


def test_stemmer_counts_utf16_code_units() -> None:
    assert stem("𝑥s") == "𝑥"  # three code units in JavaScript, so step 1a applies
    assert stem("𝑥ing") == "𝑥ing"  # no vowel before "ing"
    assert stem("a𝑥ing") == "a𝑥"


def test_js_numbers() -> None:
    assert js_number(1.0) == "1"
    assert js_number(0.001) == "0.001"
    assert js_number(1.5e-5) == "0.000015"
    assert js_number(1e-7) == "1e-7"
    assert js_number(1e21) == "1e+21"
    assert js_number(123.456) == "123.456"
    assert js_number(-0.0) == "0"


def test_js_round_takes_halves_up() -> None:
    assert [js_round(x) for x in (0.5, 1.5, 2.5, -0.5, 2.4999999999999996)] == [1, 2, 3, 0, 2]
    assert js_round(0.49999999999999994) == 0


def test_js_log_is_fdlibm() -> None:
    assert js_log(2.5) == 0.9162907318741551  # Math.log(2.5) in Node
    assert js_log(1.0) == 0.0
    assert js_log(0.0) == -math.inf
    assert math.isnan(js_log(-1.0))
    for x in (1.000001, 1.5, 3.0, 57.5, 1e5, 1e300, 5e-324):
        assert js_log(x) == pytest.approx(math.log(x), rel=1e-15)


def test_key_order_puts_integer_keys_first() -> None:
    keys = ["b", "10", "2", "01", "a", "0", "4294967295", "4294967294"]
    assert js_key_order(keys) == ["0", "2", "10", "4294967294", "b", "01", "a", "4294967295"]
    assert not is_array_index("-1") and not is_array_index("1e3") and not is_array_index("١")


def test_postings_list_refs_in_javascript_key_order() -> None:
    docs = [{"id": ref, "t": "word"} for ref in ("b", "10", "a", "9")]
    posting = json.loads(dumps(build_index(docs, [("t", 1)])))["invertedIndex"][0][1]
    assert list(posting["t"]) == ["9", "10", "b", "a"]


def test_output_is_html_safe_and_round_trips() -> None:
    docs = [{"id": "<&>", "t": "a<b c&d e>f </script>"}, {"id": "\u2028", "t": "\u2029"}]
    text = dumps(build_index(docs, [("t", 1)]))
    assert not re.search("[<>&\u2028\u2029]", text)
    loaded = json.loads(text)
    assert [term for term, _ in loaded["invertedIndex"]] == ["a<b", "c&d", "e>f", "script"]
    assert [ref for ref, _ in loaded["fieldVectors"]] == ["t/<&>", "t/\u2028"]
    assert html_safe('{"k":"<"}') == '{"k":"\\u003c"}'


def test_build_checks_refs_and_fields() -> None:
    with pytest.raises(ValueError, match="ref"):
        build_index([{"id": "1"}, {"id": "1"}], [("t", 1)])
    with pytest.raises(ValueError, match="illegal"):
        build_index([], [("a/b", 1)])


def test_empty_catalogue() -> None:
    loaded = json.loads(dumps(build_index([], FIELDS)))
    assert loaded == {
        "version": "2.3.9",
        "fields": ["title", "abstract"],
        "fieldVectors": [],
        "invertedIndex": [],
        "pipeline": ["stemmer"],
    }


def test_missing_fields_count_as_empty() -> None:
    index = build_index([{"id": "0", "title": "Mamba"}, {"id": "1", "abstract": "Mamba"}], FIELDS)
    assert [v.terms for v in index.vectors] == [(0,), (), (), (0,)]


def _agreeing_docs(n: int) -> list[dict[str, str]]:
    """Seed text reduced to words both libraries treat alike: ASCII letters only (the trimmers
    differ on punctuation) and no y (the stemmers' step 1c differs: survey, key, fly)."""

    def clean(text: str) -> str:
        return " ".join(w for w in re.findall(r"[A-Za-z]+", text) if "y" not in w.lower())

    return [
        {"id": str(i), "title": clean(title), "abstract": clean(abstract)}
        for i, (title, abstract) in enumerate(seed_entries()[:n])
    ]


def test_same_terms_and_vectors_as_lunr_py_where_both_agree() -> None:
    docs = _agreeing_docs(57)
    fields = [{"field_name": name, "boost": boost} for name, boost in FIELDS]
    theirs = lunr_py.lunr(ref="id", fields=fields, documents=docs).serialize()
    ours = json.loads(dumps(build_index(docs, FIELDS)))
    assert [t for t, _ in ours["invertedIndex"]] == [t for t, _ in theirs["invertedIndex"]]
    for (_, mine), (_, other) in zip(ours["invertedIndex"], theirs["invertedIndex"], strict=True):
        assert mine["_index"] == other["_index"]
        for field in ours["fields"]:
            assert set(mine[field]) == set(other[field])
    their_vectors = dict(theirs["fieldVectors"])
    assert [name for name, _ in ours["fieldVectors"]] == list(their_vectors)
    for name, elements in ours["fieldVectors"]:
        # Exact here; in general lunr.py's round(x, 3) and math.log could differ from
        # Math.round and V8's log in the last digit.
        assert elements == their_vectors[name]


def test_deterministic() -> None:
    docs = _agreeing_docs(20)
    assert dumps(build_index(docs, FIELDS)) == dumps(build_index(list(docs), FIELDS))


def test_as_dict_is_the_same_structure() -> None:
    index = build_index(TRICKY_DOCS, [("t", 1)])
    assert index.as_dict() == json.loads(TRICKY_JSON)


_text = st.text(st.sampled_from("ab yé-(.,'$\u00a0\t0Z<"), max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_text, _text), max_size=6))
def test_index_invariants(pairs: list[tuple[str, str]]) -> None:
    docs = [{"id": format(i, "x"), "title": t, "abstract": a} for i, (t, a) in enumerate(pairs)]
    index = build_index(docs, FIELDS)
    assert json.loads(dumps(index)) == index.as_dict()
    _check_consistent(index, docs)


def _check_consistent(index: LunrIndex, docs: list[dict[str, str]]) -> None:
    width = len(index.fields)
    for number, vector in enumerate(index.vectors):
        assert list(vector.terms) == sorted(set(vector.terms))
        doc, field = divmod(number, width)
        expected = {index.terms.index(t) for t in terms(docs[doc][index.fields[field]])}
        assert set(vector.terms) == expected
        for term in vector.terms:
            assert doc in index.postings[term][field]


def test_large_catalogues_keep_postings_and_vectors_in_place() -> None:
    # 60,000 documents and as many terms: document x term products pass 2**31.
    n = 60_000
    docs = [{"id": format(i, "x"), "t": f"w{i}x"} for i in range(n)]
    index = build_index(docs, [("t", 1)])
    assert len(index.terms) == n
    for i in (0, 1, 40_000, n - 1):
        term = index.terms.index(f"w{i}x")
        assert term == i and index.postings[term] == ((i,),)
        assert index.vectors[i].terms == (i,)


def test_numbering_a_corpus_holds_few_arrays_as_long_as_its_postings() -> None:
    """At 50,000 papers a field has millions of postings; ``Counts.corpus`` works on them in
    place (about 19 bytes a posting of the largest field at its peak, where it took 27)."""
    import tracemalloc

    from site_gen.lunr_index import count

    rng = random.Random(5)
    words = [f"w{i}" for i in range(3000)]
    docs = [{"id": str(n), "title": " ".join(rng.choices(words[:300], k=8)),
             "abstract": " ".join(rng.choices(words, k=200))} for n in range(1500)]
    counts = count(docs, [("title", 10), ("abstract", 1)])
    postings = max(len(terms) for terms, *_ in counts.flat)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        corpus = counts.corpus(list(reversed(range(len(docs)))))
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert len(corpus.refs) == len(docs)
    assert peak / postings < 22, peak / postings
