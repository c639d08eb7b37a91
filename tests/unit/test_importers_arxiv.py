import pytest

from site_gen.errors import ImportFailed
from site_gen.importers._text import arxiv_id
from site_gen.importers.arxiv import parse
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "samples" / "arxiv_atom_classic_2entries.xml"
IMPORTERS_DIR = FIXTURES / "importers"


def _parse_file(path):
    return parse(path.read_text(encoding="utf-8"), str(path))


def test_the_api_sample_gives_both_entries():
    drafts, warnings = _parse_file(SAMPLE)
    assert warnings == [] and len(drafts) == 2
    rdd, flow = drafts
    assert rdd.title == (
        "RDD: Retrieval-Based Demonstration Decomposer for Planner Alignment in Long-Horizon Tasks"
    )
    assert rdd.abstract.startswith("To tackle long-horizon tasks, recent hierarchical")
    assert "\n" not in rdd.abstract and "  " not in rdd.abstract
    assert rdd.abstract.endswith("Code and more results are available at rdd-neurips.github.io.")
    assert rdd.arxiv == "2510.14968" and rdd.date == "2025-10-16"
    assert rdd.authors == ("Mingxuan Yan", "Yuping Wang", "Zechun Liu", "Jiachen Li")
    assert rdd.url == "https://arxiv.org/abs/2510.14968"
    assert rdd.pdf == "https://arxiv.org/pdf/2510.14968"
    assert dict(rdd.extra) == {
        "categories": ("cs.RO", "cs.AI", "cs.CV", "cs.LG", "cs.SY", "eess.SY")
    }
    assert flow.authors[-1] == "Martin Magnusson" and dict(flow.extra) == {"categories": ("cs.RO",)}
    assert (rdd.line, flow.line) == (10, 56)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert all(lines[d.line - 1].strip() == "<entry>" for d in drafts)
    assert {d.source for d in drafts} == {"arxiv"}


def test_old_style_ids_doi_journal_ref_and_paragraphs():
    drafts, warnings = _parse_file(IMPORTERS_DIR / "arxiv_mixed.xml")
    [old] = drafts
    assert old.arxiv == "hep-th/9901001"
    assert old.url == "https://arxiv.org/abs/hep-th/9901001"
    assert old.pdf == "https://arxiv.org/pdf/hep-th/9901001"
    assert old.title == "An old-style identifier" and old.authors == ("Edward Witten",)
    assert old.abstract == (
        "First paragraph of the abstract, wrapped at the margin.\n\n"
        "Second paragraph, after an indented line."
    )
    assert old.doi == "10.1000/example.1" and old.venue == "Nucl. Phys. B 500 (1999) 1-20"
    assert old.date == "1999-01-04"  # published, not updated
    assert dict(old.extra) == {"categories": ("hep-th", "gr-qc")}
    [skipped] = warnings
    assert skipped.line == 23 and skipped.severity == "warning"
    assert skipped.message == "skipped an entry without an abstract (summary): 'No abstract here'"


def test_malformed_xml_fails_at_its_line():
    with pytest.raises(ImportFailed) as failed:
        _parse_file(IMPORTERS_DIR / "arxiv_broken.xml")
    [diagnostic] = failed.value.diagnostics
    assert (diagnostic.line, diagnostic.message) == (5, "invalid XML: mismatched tag (column 21)")


def test_a_document_type_declaration_is_refused_before_any_entity_is_expanded():
    with pytest.raises(ImportFailed) as failed:
        _parse_file(IMPORTERS_DIR / "arxiv_doctype.xml")
    [diagnostic] = failed.value.diagnostics
    assert diagnostic.line == 2 and "<!DOCTYPE>" in diagnostic.message


def test_an_api_error_response_fails_with_its_message():
    with pytest.raises(ImportFailed) as failed:
        _parse_file(IMPORTERS_DIR / "arxiv_error.xml")
    [diagnostic] = failed.value.diagnostics
    assert diagnostic.line == 7
    assert diagnostic.message.endswith("incorrect id format for 1234.12345")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid XML: no element found"),
        ("not xml", "invalid XML: syntax error"),
        ("<rss version='2.0'/>", "expected an Atom <feed> from the arXiv API, found <rss>"),
    ],
)
def test_files_that_are_not_atom_fail(text, message):
    with pytest.raises(ImportFailed, match="^x.xml:1: " + message):
        parse(text, "x.xml")


def test_an_entry_whose_id_is_not_arxiv_keeps_its_own_links_and_is_reported():
    text = (
        '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n'
        "<id>tag:example.org,2024:1</id><title>T</title><summary>S</summary>\n"
        '<link href="https://example.org/1" rel="alternate"/>\n'
        '<link href="https://example.org/1.pdf" title="pdf" rel="related"/>\n'
        "</entry>\n</feed>"
    )
    [draft], warnings = parse(text, "x.xml")
    assert (draft.arxiv, draft.url, draft.pdf) == (
        None,
        "https://example.org/1",
        "https://example.org/1.pdf",
    )
    assert [w.line for w in warnings] == [2, 2]  # no arXiv id, no date


def test_a_single_entry_document_is_accepted():
    text = (
        '<entry xmlns="http://www.w3.org/2005/Atom"><id>http://arxiv.org/abs/2401.00001v1</id>'
        "<published>2024-01-01T00:00:00Z</published><title>T</title><summary>S</summary></entry>"
    )
    [draft], warnings = parse(text, "x.xml")
    assert (draft.arxiv, warnings) == ("2401.00001", [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://arxiv.org/abs/2510.14968v1", "2510.14968"),
        ("https://arxiv.org/pdf/2312.11825v2.pdf", "2312.11825"),
        ("arXiv:1706.03762", "1706.03762"),
        ("http://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("0704.0001", "0704.0001"),
        ("https://example.org/abs/2510.14968", None),
        ("2510.149", None),
        ("", None),
    ],
)
def test_arxiv_ids(value, expected):
    assert arxiv_id(value) == expected
