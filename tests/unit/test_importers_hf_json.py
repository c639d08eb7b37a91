import json

import pytest

from site_gen.errors import ImportFailed
from site_gen.importers import IMPORTERS
from site_gen.importers.hf_json import parse
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "samples" / "hf_daily.json"
MIXED = FIXTURES / "importers" / "hf_mixed.json"


def _parse_file(path):
    return parse(path.read_text(encoding="utf-8"), str(path))


def test_the_api_sample_gives_20_papers_with_publication_dates_and_links():
    drafts, warnings = _parse_file(SAMPLE)
    assert warnings == [] and len(drafts) == 20
    first = drafts[0]
    assert first.title == (
        "HiFi-UMI: Learning Deployable Manipulation Policies from High-Fidelity UMI Data Alone"
    )
    assert first.abstract.startswith("Learning deployable manipulation policies is bottlenecked")
    assert first.date == "2026-07-28"  # the paper's publishedAt, not the listing's 2026-07-27
    assert first.arxiv == "2607.25895"
    assert first.url == "https://arxiv.org/abs/2607.25895"
    assert first.pdf == "https://arxiv.org/pdf/2607.25895"
    assert first.code is None
    assert dict(first.extra) == {
        "project": "https://cloud.simpleai.tech/simple-world-lab/hifi-umi/"
    }
    assert len(first.authors) == 18 and first.authors[:2] == ("Simple AI", "Yuteng Wei")
    assert drafts[1].code == "https://github.com/LeqsNaN/RARG"
    assert {d.source for d in drafts} == {"hf-json"}


def test_each_draft_points_at_the_line_where_its_item_starts():
    drafts, _ = _parse_file(SAMPLE)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert drafts[0].line == 2
    for draft in drafts:
        assert lines[draft.line - 1].strip() == "{"
        assert f'"id": "{draft.arxiv}"' in lines[draft.line + 1]


def test_abstract_paragraphs_are_kept():
    drafts, _ = _parse_file(SAMPLE)
    codenib = next(d for d in drafts if d.title.startswith("CodeNib"))
    first, second = codenib.abstract.split("\n\n")
    assert first.endswith("through one runtime.") and second.startswith("Across 100 snapsh")


def test_records_without_title_or_abstract_are_skipped_with_warnings_at_their_lines():
    drafts, warnings = _parse_file(MIXED)
    assert [d.title for d in drafts] == ["Good paper with a wrapped title", "Odd fields"]
    assert all(w.severity == "warning" for w in warnings)
    by_line = {(w.line, w.message) for w in warnings}
    assert (19, "skipped a paper without an abstract (summary): 'No abstract'") in by_line
    assert (22, "skipped a paper without a title") in by_line
    assert (25, "skipped an item that is not a paper object (a string)") in by_line


def test_fields_of_unknown_shape_are_left_out_with_a_warning():
    drafts, warnings = _parse_file(MIXED)
    good, odd = drafts
    assert good.authors == ("Ada Lovelace", "Alan Turing")  # hidden and nameless authors left out
    assert good.arxiv == "2401.00001" and good.date == "2024-01-02"
    assert good.abstract == "First paragraph, wrapped.\n\nSecond paragraph."
    assert (
        good.code == "https://github.com/example/good" and good.extra == ()
    )  # javascript: refused
    assert (odd.arxiv, odd.url, odd.pdf, odd.date, odd.authors) == (None, None, None, None, ())
    messages = [w.message for w in warnings if w.line == 26]
    assert any("'not-an-id' is not an arXiv id" in m for m in messages)
    assert any("'authors' is a string, not an array" in m for m in messages)
    assert any("'publishedAt' 'yesterday' is not a date" in m for m in messages)
    assert any("javascript:alert(1)" in w.message and w.line == 2 for w in warnings)


@pytest.mark.parametrize("link", ['https://github.com/a/b"onmouseover="x', "https://github.com/a\\b",
                                  "https://github.com/a/<b>", "https://github.com/a/b c", "https:///a/b"])
def test_a_link_the_paper_schema_would_refuse_is_left_out_so_the_build_accepts_the_file(link):
    from site_gen.content import parse_paper
    from site_gen.store import draft_values, render_paper

    item = {"paper": {"id": "2401.00001", "title": "T", "summary": "S.", "githubRepo": link}}
    drafts, warnings = parse(json.dumps([item]), "papers.json")
    assert drafts[0].code is None
    assert [w.message for w in warnings] == [f"'githubRepo' {link!r:.60} is not an http(s) URL; left out"]
    text = render_paper(draft_values(drafts[0], []), drafts[0].abstract)
    assert parse_paper(text.encode(), "t.md", "t")[1] == []

def test_keys_it_does_not_know_are_named_in_one_warning_at_the_first_paper_holding_one():
    items = [
        {"paper": {"id": "2401.00001", "title": "A", "summary": "x", "upvotes": 3, "_id": "6a69"}, "_id": "6a70",
         "numComments": 1},
        {"paper": {"id": "2401.00002", "title": "B", "summary": "y", "venue": "ACL", "keywords": ["a"]},
         "rank": 2},
        {"paper": {"id": "2401.00003", "title": "C", "summary": "z", "venue": "EMNLP", "keywords": []},
         "rank": None},
        {"paper": {"id": "2401.00004", "title": "", "summary": "skipped", "venue": "ICML"}},
    ]
    text = "[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]"
    drafts, warnings = parse(text, "new.json")
    assert len(drafts) == 3
    (unread,) = [w for w in warnings if "not imported" in w.message]
    assert unread.severity == "warning" and unread.line == 3
    assert unread.message == "fields not imported (in how many papers): paper.keywords (1), paper.venue (2), rank (1)"


@pytest.mark.parametrize(
    "data",
    [
        [{"id": "2401.00001", "title": "T", "summary": "S", "authors": [{"name": "A B"}]}],
        {"papers": [{"id": "2401.00001", "title": "T", "summary": "S", "authors": ["A B"]}]},
        {"count": 1, "data": [{"paper": {"id": "2401.00001", "title": "T", "summary": "S"}}]},
        {"id": "2401.00001", "title": "T", "summary": "S", "publishedAt": "2024-01-02"},
    ],
    ids=["list-of-papers", "papers-key", "data-key", "one-paper"],
)
def test_older_shapes_are_accepted(data):
    drafts, warnings = parse(json.dumps(data, indent=2), "old.json")
    assert warnings == []
    assert [(d.title, d.abstract, d.arxiv) for d in drafts] == [("T", "S", "2401.00001")]


def test_line_numbers_work_inside_a_wrapping_object():
    text = (
        '{\n  "count": 2,\n  "papers": [\n    {"title": "A", "summary": "x"},\n\n'
        '    {"title": "B", "summary": "y"}\n  ]\n}'
    )
    drafts, _ = parse(text, "w.json")
    assert [d.line for d in drafts] == [4, 6]


def test_malformed_json_fails_at_its_line():
    with pytest.raises(ImportFailed) as failed:
        _parse_file(FIXTURES / "importers" / "hf_broken.json")
    [diagnostic] = failed.value.diagnostics
    assert diagnostic.line == 7 and diagnostic.severity == "error"
    assert diagnostic.message.startswith("invalid JSON: Expecting ',' delimiter")


@pytest.mark.parametrize("text", ['"just a string"', "42", '{"count": 0}'])
def test_json_that_holds_no_list_of_papers_fails(text):
    with pytest.raises(ImportFailed, match="expected a list of papers"):
        parse(text, "x.json")


def test_a_byte_order_mark_is_ignored():
    drafts, _ = parse('\ufeff[{"title": "T", "summary": "S"}]', "bom.json")
    assert [d.title for d in drafts] == ["T"]


def test_the_registry_runs_the_importer():
    drafts, warnings = IMPORTERS["hf-json"](SAMPLE.read_text(encoding="utf-8"), "hf.json")
    assert len(drafts) == 20 and warnings == []
    assert set(IMPORTERS) == {"daily", "hf-json", "arxiv", "bibtex"}


def test_half_a_surrogate_pair_becomes_a_replacement_character(tmp_path):
    """JSON can escape a lone surrogate, which no UTF-8 paper file can hold; a pair is one character."""
    from site_gen.store import Catalogue, upsert

    text = json.dumps([{"paper": {"id": "2401.00001", "title": "Half \ud800 pair \U0001f600",
                                  "summary": "An abstract \udfff here.", "authors": []}}])
    assert "\\ud800" in text
    [draft], _ = parse(text, "daily.json")
    assert draft.title == "Half \ufffd pair \U0001f600" and draft.abstract == "An abstract \ufffd here."
    report = upsert(Catalogue(tmp_path), [draft], lambda title, abstract: ())
    [created] = report.created
    assert "Half \ufffd pair" in (tmp_path / "papers" / f"{created}.md").read_text(encoding="utf-8")


JSON_LINES = FIXTURES / "importers" / "hf_daily_2025-03-11.jsonl"


def test_json_lines_give_one_paper_a_line():
    drafts, warnings = _parse_file(JSON_LINES)
    assert warnings == [] and [d.line for d in drafts] == [1, 2]
    first, second = drafts
    assert first.title == "Feature-Level Insights into Artificial Text Detection with Sparse Autoencoders"
    assert (first.arxiv, first.date, len(first.authors)) == ("2503.03601", "2025-03-05", 8)
    assert first.abstract.startswith("Artificial Text Detection (ATD) is becoming increasingly important with the rise")
    assert (second.arxiv, second.code) == ("2503.07605", "https://github.com/IAAR-Shanghai/SEAP")


def test_a_json_lines_line_may_hold_a_list_of_items():
    text = '[{"title": "A", "summary": "x"}, {"title": "B", "summary": "y"}]\n{"title": "C", "summary": "z"}\n'
    drafts, _ = parse(text, "days.jsonl")
    assert [(d.title, d.line) for d in drafts] == [("A", 1), ("B", 1), ("C", 2)]


@pytest.mark.parametrize("text, line, message", [
    ('{"title": "A", "summary": "x"}\n{"title": "B",\n', 2, "invalid JSON Lines: Expecting"),
    ('[\n  {"title": "A"}\n] trailing', 3, "invalid JSON: Extra data"),
])
def test_broken_json_lines_fail_at_their_line(text, line, message):
    with pytest.raises(ImportFailed) as failed:
        parse(text, "x.jsonl")
    [diagnostic] = failed.value.diagnostics
    assert diagnostic.line == line and diagnostic.message.startswith(message)


def test_a_paper_without_its_own_date_takes_the_listing_day():
    item = {"paper": {"id": "2503.03601", "title": "T", "summary": "S"}, "publishedAt": "2025-03-05T10:33:52.000Z"}
    [draft], warnings = parse(json.dumps([item]), "day.json")
    assert draft.date == "2025-03-05" and warnings == []


def test_a_date_before_the_year_1000_is_left_out_as_the_paper_schema_refuses_it():
    record = {"paper": {"id": "2401.00001", "title": "T", "summary": "s", "publishedAt": "0999-01-01T00:00:00Z"}}
    drafts, warnings = parse(json.dumps([record]), "a.json")
    assert [d.date for d in drafts] == [None]
    assert [str(w) for w in warnings] == [
        "a.json:1: warning: 'publishedAt' '0999-01-01T00:00:00Z' is not a date; left out"]


def test_an_id_written_as_a_number_keeps_its_trailing_zero():
    text = ('[{"id": 2401.10010, "title": "T", "summary": "S"},'
            ' {"id": 2401.1001e0, "title": "U", "summary": "S"}]')
    (first, second), warnings = parse(text, "papers.json")
    assert first.arxiv == "2401.10010" and first.url == "https://arxiv.org/abs/2401.10010"
    assert second.arxiv is None
    assert [w.message for w in warnings] == ["'id' '2401.1001e0' is not an arXiv id; the paper gets no arXiv links"]
    lines = parse('{"id": 2401.10010, "title": "T", "summary": "S"}\n'
                  '{"id": 2401.00010, "title": "U", "summary": "S"}\n', "papers.jsonl")[0]
    assert [draft.arxiv for draft in lines] == ["2401.10010", "2401.00010"]


@pytest.mark.parametrize(("text", "message"), [
    ("null", "x.json:1: expected a list of papers (or an object holding one), found null"),
    ("3", "x.json:1: expected a list of papers (or an object holding one), found a number"),
    ('"papers"', "x.json:1: expected a list of papers (or an object holding one), found a string"),
    ("true", "x.json:1: expected a list of papers (or an object holding one), found true"),
])
def test_a_file_that_is_not_a_list_of_papers_names_what_it_is_in_json_words(text, message):
    """"found NoneType": a Python class, where the file holds JSON."""
    with pytest.raises(ImportFailed) as failed:
        parse(text, "x.json")
    assert [str(d) for d in failed.value.diagnostics] == [message]


def test_fields_of_another_type_are_named_in_json_words():
    """"'title' is a int": Python's class names, with the article of another word."""
    items = [{"paper": {"id": "2401.00001", "title": 42, "summary": "x"}},
             {"paper": {"id": "2401.00002", "title": "T", "summary": ["x"]}},
             {"paper": {"id": "2401.00004", "title": "U", "summary": "x", "authors": {"name": "A"}}},
             {"paper": {"id": "2401.00003", "title": "T", "summary": {"a": 1}}}, [1], None, 2.5]
    _, warnings = parse(json.dumps(items), "x.json")
    assert [w.message for w in warnings] == [
        "'title' is a number, not a string; left out", "skipped a paper without a title",
        "'summary' is an array, not a string; left out", "skipped a paper without an abstract (summary): 'T'",
        "'authors' is an object, not an array; left out",
        "'summary' is an object, not a string; left out", "skipped a paper without an abstract (summary): 'T'",
        "skipped an item that is not a paper object (an array)", "skipped an item that is not a paper object (null)",
        "skipped an item that is not a paper object (a number)"]
