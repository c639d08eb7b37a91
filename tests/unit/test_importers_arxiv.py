import pytest

from site_gen.errors import ImportFailed
from site_gen.importers.arxiv import parse
from site_gen.schema import arxiv_id
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
        ("<html/>", "expected an Atom <feed> from the arXiv API or an arXiv RSS feed, found <html>"),
    ],
)
def test_files_that_are_not_arxiv_xml_fail(text, message):
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


def test_a_pretty_printed_abstract_is_one_paragraph_not_one_per_line():
    [draft], warnings = _parse_file(IMPORTERS_DIR / "arxiv_api_reindented.xml")
    assert warnings == [] and draft.arxiv == "cond-mat/0102536"
    assert "\n" not in draft.abstract
    assert draft.abstract.startswith("The effect of the electron-electron cusp on the convergence of config")
    assert draft.abstract.endswith("not a limiting factor, to within chemical accuracy, for CI calculations.")
    assert draft.doi == "10.1063/1.1383585" and draft.venue == "J. Chem. Phys. 115, 1626 (2001)"


@pytest.mark.parametrize(
    ("summary", "abstract"),
    [  # paragraphs indented deeper than a pretty-printed margin; the 2025 API's one-line paragraphs
        (
            "  First line\n      wrapped here.\n        Second paragraph\n      wrapped too.\n    ",
            "First line wrapped here.\n\nSecond paragraph wrapped too.",
        ),
        ("Context: one.\n  Objective: two.\n  Methods: three.", "Context: one.\n\nObjective: two.\n\nMethods: three."),
    ],
)
def test_indented_paragraphs_stay_paragraphs(summary, abstract):
    text = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>'
        f"<published>2024-01-01T00:00:00Z</published><title>T</title><summary>{summary}</summary>"
        "</entry></feed>"
    )
    [draft], _ = parse(text, "x.xml")
    assert draft.abstract == abstract


def test_a_file_decoded_twice_is_mended_and_reported():
    path = IMPORTERS_DIR / "arxiv_api_2026_decoded_twice.xml"
    [draft], [mended] = _parse_file(path)
    assert "Dirk W\u00fcbben" in draft.authors and len(draft.authors) == 34
    assert mended.severity == "warning" and "decoded twice" in mended.message
    assert "W\u00c3\u00bcbben" in path.read_text(encoding="utf-8").splitlines()[mended.line - 1]
    assert (draft.arxiv, draft.date, draft.line) == ("1707.08567", "2017-07-27", 10)
    assert dict(draft.extra) == {"categories": ("cs.IT",)}


def test_a_file_with_proper_non_ascii_text_is_left_as_it_is():
    text = (
        '<entry xmlns="http://www.w3.org/2005/Atom"><id>http://arxiv.org/abs/2401.00001v1</id>'
        "<published>2024-01-01T00:00:00Z</published><title>Caf\u00e9 \u00c3\u00a9</title>"
        "<summary>S</summary></entry>"
    )
    [draft], warnings = parse(text, "x.xml")
    assert (draft.title, warnings) == ("Caf\u00e9 \u00c3\u00a9", [])


_FEED_PAPER = {
    "arxiv": "2203.01250",
    "title": "Mass concentration in rescaled first order integral functionals",
    "authors": ("Antonin Monteil", "Paul Pegon"),
    "doi": "10.5802/jep.257",
    "venue": "Journal de l'\u00c9cole polytechnique - Math\u00e9matiques, Tome 11 (2024), pp. 431-472",
    "url": "https://arxiv.org/abs/2203.01250",
    "pdf": "https://arxiv.org/pdf/2203.01250",
    "date": "2022-03",  # a replacement: the month of the id, not the day of the announcement
}


@pytest.mark.parametrize(("name", "line"), [("arxiv_feed_atom.xml", 8), ("arxiv_feed_rss.xml", 17)])
def test_announcement_feeds_give_the_paper_without_the_announcement(name, line):
    [draft], warnings = _parse_file(IMPORTERS_DIR / name)
    assert warnings == [] and draft.line == line
    assert {key: getattr(draft, key) for key in _FEED_PAPER} == _FEED_PAPER
    assert draft.abstract.startswith("We consider first order local minimization problems of the form $")
    assert "Announce" not in draft.abstract and "arXiv:" not in draft.abstract
    assert dict(draft.extra) == {"categories": ("math.AP", "math.OC")}


def _announced(kind, ident="2402.00001v1"):
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<entry><id>oai:arXiv.org:{ident}</id><title>T</title>"
        f"<summary>arXiv:{ident} Announce Type: {kind} \nAbstract: The abstract.</summary>"
        "<published>2024-02-05T00:00:00-05:00</published>"
        "<dc:creator>Ada Lovelace, Alan Turing, and Grace Hopper</dc:creator></entry></feed>"
    )


@pytest.mark.parametrize(
    ("kind", "ident", "date"),
    [
        ("new", "2402.00001v1", "2024-02-05"),
        ("cross", "2301.02225v1", "2023-01"),
        ("replace", "2306.13961v3", "2023-06"),
        ("replace-cross", "hep-th/9901001v2", "1999-01"),
    ],
)
def test_a_feed_gives_the_announcement_day_only_to_new_papers(kind, ident, date):
    [draft], warnings = parse(_announced(kind, ident), "x.xml")
    assert (draft.date, draft.abstract, warnings) == (date, "The abstract.", [])
    assert draft.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")


def test_the_rss_1_feed_before_2024_gives_its_papers():
    drafts, warnings = _parse_file(IMPORTERS_DIR / "arxiv_feed_rss1_2018.xml")
    assert warnings == []
    assert [(d.arxiv, d.title, d.date, dict(d.extra)["categories"]) for d in drafts] == [
        ("1805.08875", "Measurement of Transverse Single Spin Asymmetries", "2018-05", ("hep-ex",)),
        ("1805.09166", "Recent Top quark results from the Tevatron", "2018-05", ("hep-ex",)),
        ("1805.06430", "New Perspective on Hybrid Mesons", "2018-05", ("nucl-th",)),
    ]
    first = drafts[0]
    assert first.authors == ("Christopher Dilks (STAR Collaboration)",)
    assert first.abstract.startswith("In 2015 the first collisions between polarized protons")
    assert "<p>" not in first.abstract and "$2.6<\\eta<4$" in first.abstract
    assert len(drafts[2].authors) == 6 and drafts[2].authors[-1] == "Hong-Shi Zong"
    assert [d.line for d in drafts] == [38, 58, 66]


def test_an_rss_1_author_list_cut_short_leaves_out_its_et_al():
    text = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><item rdf:about="http://arxiv.org/abs/2107.03419">'
        "<title>T. (arXiv:2107.03419v1 [hep-ex])</title><description>S</description>"
        "<dc:creator>&lt;a href=&quot;x&quot;&gt;LHCb collaboration&lt;/a&gt;: &lt;a href=&quot;y&quot;&gt;"
        "R. Aaij&lt;/a&gt;, et al. (909 additional authors not shown)</dc:creator></item></rdf:RDF>"
    )
    [draft], _ = parse(text, "x.xml")
    assert (draft.title, draft.authors) == ("T", ("LHCb collaboration: R. Aaij",))


@pytest.mark.parametrize(
    "text",
    [
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv Query: id_list=0808.05394</title></feed>',
        "<rss version='2.0'><channel><title>cs.LG updates on arXiv.org</title></channel></rss>",
    ],
)
def test_a_file_without_entries_says_so(text):
    drafts, [empty] = parse(text, "x.xml")
    assert drafts == [] and empty.severity == "warning" and "no entries" in empty.message


def test_elements_it_does_not_know_are_named_in_one_warning_and_known_ones_are_not():
    entry = (
        "<entry><id>http://arxiv.org/abs/2401.0000{n}v1</id><title>T{n}</title><summary>S</summary>"
        "<published>2024-01-02T00:00:00Z</published><arxiv:comment>12 pages</arxiv:comment>"
        "<author><name>A B</name><arxiv:affiliation>Lab</arxiv:affiliation></author>{extra}</entry>\n"
    )
    extras = ["", "<arxiv:license>CC BY</arxiv:license>", "<arxiv:license>CC0</arxiv:license><media:x>y</media:x>",
              "<arxiv:license/>"]
    text = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"'
        ' xmlns:media="http://search.yahoo.com/mrss/">\n'
        + "".join(entry.format(n=n, extra=extra) for n, extra in enumerate(extras, 1))
        + "</feed>\n"
    )
    drafts, warnings = parse(text, "q.xml")
    assert len(drafts) == 4
    (unread,) = warnings
    assert unread.severity == "warning" and unread.line == 3
    assert unread.message == "fields not imported (in how many entries): arxiv:license (2), x (1)"


def test_tex_accents_in_titles_and_authors_become_unicode_as_in_the_journal_ref():
    """``G\\"odel`` was stored as written (slug ``on-the-g-odel-machine``), while the journal
    reference of the same entry was converted."""
    api = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        "<entry><id>http://arxiv.org/abs/2401.00001v1</id><published>2024-01-01T00:00:00Z</published>"
        '<title>On the G\\"odel Machine: $\\alpha$-rules, \\(\\"o\\) and A\\B \\"q at 100\\%</title>'
        "<summary>S</summary><author><name>Kurt G\\\"odel</name></author>"
        "<author><name>Bj{\\o}rn Ko\\v{c}i\\v{s}</name></author>"
        "<arxiv:journal_ref>Caf\\'e 1 (2024)</arxiv:journal_ref></entry></feed>"
    )
    [draft], warnings = parse(api, "x.xml")
    assert warnings == [] and draft.venue == "Caf\u00e9 1 (2024)"
    assert draft.title == 'On the G\u00f6del Machine: $\\alpha$-rules, \\(\\"o\\) and A\\B \\"q at 100%'
    assert draft.authors == ("Kurt G\u00f6del", "Bj\u00f8rn Ko\u010di\u0161")
    rss = (
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>'
        "<title>Erd\\H{o}s on {\\ss}</title><link>https://arxiv.org/abs/2402.00001</link>"
        "<description>arXiv:2402.00001v1 Announce Type: new Abstract: S</description>"
        "<guid>oai:arXiv.org:2402.00001v1</guid><pubDate>Mon, 05 Feb 2024 00:00:00 -0500</pubDate>"
        "<dc:creator>Kurt G\\\"odel, Fran\\c{c}ois Caf\\'e</dc:creator></item></channel></rss>"
    )
    [draft], warnings = parse(rss, "x.xml")
    assert (draft.title, draft.authors) == ("Erd\u0151s on \u00df", ("Kurt G\u00f6del", "Fran\u00e7ois Caf\u00e9"))
