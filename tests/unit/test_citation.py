import string
from dataclasses import replace
from datetime import date

import pytest
from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from site_gen.citation import bibtex_entry, bibtex_file, citation_key, entry_type
from site_gen.importers import bibtex
from site_gen.importers._text import collapse
from site_gen.model import Paper
from tests.conftest import FIXTURES

ROUND_TRIP = ("title", "authors", "date", "venue", "doi", "arxiv", "url")


def paper(**keys):
    values = {"slug": "a-paper", "title": "A paper", "abstract_md": "", "path": "a-paper.md"}
    return Paper(**{**values, **keys})


def read_back(entry):
    drafts, warnings = bibtex.parse(entry, "cite.bib")
    assert warnings == [] and len(drafts) == 1, (entry, warnings)
    return drafts[0]


def assert_round_trip(original):
    entry = bibtex_entry(original)
    back = read_back(entry)
    for name in ROUND_TRIP:
        assert getattr(back, name) == getattr(original, name), (name, entry)


MOSSFORMER = paper(
    slug="mossformer2",
    title="MossFormer2: Combining Transformer and RNN-Free Recurrent Network",
    authors=("Shengkui Zhao", "Yukun Ma"),
    date="2025-03-11",
    arxiv="2312.11825",
    venue="Proceedings of ICASSP 2024",
    extra=(("categories", ("cs.SD", "eess.AS")),),
)


def test_an_entry_has_a_readable_key_and_protected_capitals():
    entry = bibtex_entry(MOSSFORMER)
    assert entry.startswith("@inproceedings{zhao2025mossformer2,\n")
    assert "  author = {Zhao, Shengkui and Ma, Yukun},\n" in entry
    assert "  title = {{MossFormer2:} {Combining} {Transformer} and {RNN-Free} {Recurrent}" in entry
    assert "  booktitle = {Proceedings of ICASSP 2024},\n" in entry
    assert "  year = 2025,\n  month = mar,\n  date = {2025-03-11},\n" in entry
    assert (
        "  eprint = {2312.11825},\n  archivePrefix = {arXiv},\n  primaryClass = {cs.SD},\n" in entry
    )
    assert entry.endswith("}\n")


def test_a_list_of_the_first_authors_ends_with_others_and_reads_back():
    cut = replace(MOSSFORMER, extra=(("et_al", True),))
    entry = bibtex_entry(cut)
    assert "  author = {Zhao, Shengkui and Ma, Yukun and others},\n" in entry
    back = read_back(entry)
    assert back.authors == cut.authors and dict(back.extra)["et_al"] is True
    assert "others" not in bibtex_entry(replace(cut, authors=()))


@pytest.mark.parametrize("pages", ["12--19", "12-19", "12–19", "12---19", "12—19"])
def test_a_page_range_is_written_with_bibtex_double_hyphen(pages: str) -> None:
    # A hand-written "12--19" (as in BibTeX) was escaped to 12-{}-19, which prints a hyphen pair
    paper = replace(MOSSFORMER, extra=(("pages", pages),))
    assert "  pages = {12--19},\n" in bibtex_entry(paper)


def test_a_page_without_a_range_is_kept() -> None:
    paper = replace(MOSSFORMER, extra=(("pages", "e1234"),))
    assert "  pages = {e1234},\n" in bibtex_entry(paper)


def test_volume_number_and_pages_follow_the_date():
    paper = replace(MOSSFORMER, extra=(("pages", "12–19"), ("number", "4"), ("volume", "3")))
    assert "  date = {2025-03-11},\n  volume = {3},\n  number = {4},\n  pages = {12--19},\n" in bibtex_entry(paper)


@pytest.mark.parametrize(
    ("keys", "kind"),
    [
        ({"venue": "Journal of Machine Learning Research"}, "article"),
        ({"venue": "Advances in Neural Information Processing Systems Workshop"}, "inproceedings"),
        ({"venue": "Proc. ACL"}, "inproceedings"),
        ({}, "misc"),
        ({"venue": "Some Journal", "extra": (("entry_type", "incollection"),)}, "incollection"),
        ({"extra": (("entry_type", "no-such-type"),)}, "misc"),
    ],
)
def test_entry_type_follows_the_venue_or_the_imported_type(keys, kind):
    assert entry_type(paper(**keys)) == kind
    assert bibtex_entry(paper(**keys)).startswith(f"@{kind}{{")


def test_journal_or_booktitle_by_type():
    assert "  journal = {Nature},\n" in bibtex_entry(paper(venue="Nature"))
    assert "  booktitle = {Nature},\n" in bibtex_entry(
        paper(venue="Nature", extra=(("entry_type", "inproceedings"),))
    )


@pytest.mark.parametrize(
    ("keys", "key"),
    [
        (
            {"authors": ("Jörg Müller",), "date": "2019", "title": "The Łódź Method"},
            "muller2019lodz",
        ),
        ({"title": "On the 1st Try"}, "1st"),
        ({"title": "深度学习", "slug": "paper-0a1b2c3d4e"}, "paper0a1b2c3d4e"),
        ({"extra": (("bibtex_key", "Agarwal17open"),)}, "Agarwal17open"),
        ({"extra": (("bibtex_key", "bad key,{}"),), "title": "Good"}, "good"),
    ],
)
def test_citation_keys_are_ascii_and_stable(keys, key):
    assert citation_key(paper(**keys)) == key


def test_a_file_gives_repeated_keys_a_suffix():
    papers = [paper(authors=("Ada Lovelace",), date="1843", title="Notes") for _ in range(3)]
    text = bibtex_file(papers)
    assert [line for line in text.splitlines() if line.startswith("@")] == [
        "@misc{lovelace1843notes,",
        "@misc{lovelace1843notesb,",
        "@misc{lovelace1843notesc,",
    ]
    drafts, warnings = bibtex.parse(text, "all.bib")
    assert len(drafts) == 3 and warnings == []


def test_keys_that_differ_only_in_case_are_repeats():
    """BibTeX says 'Repeated entry' and biber drops the second of two keys that differ in case."""
    imported = paper(slug="a", authors=("Wei Zhao",), date="2025", title="Deep nets",
                     extra=(("bibtex_key", "Zhao2025deep"),))
    made = paper(slug="b", authors=("Wei Zhao",), date="2025", title="Deep nets again")
    text = bibtex_file([imported, made])
    assert [line for line in text.splitlines() if line.startswith("@")] == [
        "@misc{Zhao2025deep,", "@misc{zhao2025deepb,"]


@pytest.mark.parametrize(
    ("author", "written", "parts"),
    [
        ("Ludwig van Beethoven", "van Beethoven, Ludwig", ("Ludwig", "van", "Beethoven", "")),
        ("Stéfan van der Walt", "van der Walt, Stéfan", ("Stéfan", "van der", "Walt", "")),
        ("Jean de la Fontaine", "de la Fontaine, Jean", ("Jean", "de la", "Fontaine", "")),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther", ("Martin Luther", "", "King", "Jr.")),
        ("Tom B. Brown", "Brown, Tom B.", ("Tom B.", "", "Brown", "")),
        ("Plato", "Plato", ("", "", "Plato", "")),
        ("Ada Jr", "Jr, Ada", ("Ada", "", "Jr", "")),  # two words: Jr is the last name, as BibTeX reads it
    ],
)
def test_names_are_split_into_von_last_jr_and_first_as_bibtex_splits_them(author, written, parts):
    """``Beethoven, Ludwig van`` would make "van" a first name (``L. v. Beethoven``)."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    entry = bibtex_entry(paper(authors=(author,)))
    assert f"  author = {{{written}}},\n" in entry
    split = parse_single_name_into_parts(written)
    assert tuple(" ".join(part) for part in (split.first, split.von, split.last, split.jr)) == parts
    assert read_back(entry).authors == (author,)


def test_special_characters_are_escaped():
    entry = bibtex_entry(paper(title="100% of R&D_x #1 {odd} ~^ \\cmd $5"))
    assert "100\\% of {R\\&D\\_x} \\#1 {\\textbraceleft}odd{\\textbraceright}" in entry
    assert "{\\textasciitilde}{\\textasciicircum} {\\textbackslash}cmd \\$5" in entry


def test_dollar_amounts_are_not_math():
    """A closing ``$`` before a digit is a price: ``$5-$10`` as math would print "5-" in italics and lose a sign."""
    entry = bibtex_entry(paper(title="Prices of $5-$10 per hour", venue="Costs of $x$ and $2"))
    assert "  title = {{Prices} of \\$5-\\$10 per hour},\n" in entry
    assert "  journal = {Costs of $x$ and \\$2},\n" in entry

def test_urls_keep_their_characters_but_cannot_break_the_entry():
    entry = bibtex_entry(paper(url="https://example.org/a_b%20c#x{y}\\z", doi="10.1000/a_b%c#d"))
    assert "  url = {https://example.org/a_b%20c#x%7By%7D%5Cz},\n" in entry
    assert "  doi = {10.1000/a_b%c#d},\n" in entry


def test_an_arxiv_id_with_a_brace_cannot_break_the_file():
    papers = [paper(slug="a", title="A", arxiv="2401.0{0001"), paper(slug="b", title="B", arxiv="2401.00002\\")]
    text = bibtex_file(papers)
    assert "  eprint = {2401.0%7B0001},\n" in text and "  eprint = {2401.00002%5C},\n" in text
    assert [type(block) for block in parse_string(text).blocks] == [model.Entry, model.Entry], text


@pytest.mark.parametrize(
    "keys",
    [
        {"title": "Ünïcödé «Título» — Ærø, Łódź & São Paulo: 100% $\\alpha$-Stable"},
        {"title": "The {Braces} } and { and \\ and $ signs $5 and $10"},
        {"title": "Math $O(n^{2})$, $\\mathcal{O}(1/n)$- and $x_{i}$ kept"},
        {"title": "Broken math $x}$ and $% comment$ and $trailing\\$ and $ spaced $"},
        {"title": "Ligatures -- --- `` '' !` ?` <<x>> ,,y"},
        {"authors": ("Ludwig van Beethoven", "bell hooks", "Martin Luther King, Jr.", "Plato")},
        {"authors": ("Ada and Lovelace", "others", "Jean-Pierre Sauvage", "Erdős Pál")},
        {"venue": "Proceedings of ACL & EMNLP", "date": "2024-02", "doi": "10.18653/v1/2024.acl-1"},
        {"arxiv": "hep-th/9901001", "date": "1999", "url": "https://arxiv.org/abs/hep-th/9901001"},
    ],
)
def test_round_trip_of_tricky_papers(keys):
    assert_round_trip(paper(**keys))


def test_the_colt_sample_round_trips_through_the_importer():
    drafts, _ = bibtex.parse((FIXTURES / "samples" / "real.bib").read_text("utf-8"), "real.bib")
    for draft in drafts:
        original = paper(
            title=draft.title, authors=draft.authors, date=draft.date, venue=draft.venue
        )
        assert_round_trip(original)


def test_a_catalogue_file_round_trips_through_the_importer():
    """papers.bib mixes venues: a paper without one (lost2022) takes none from the only
    @proceedings paper of the file, as a paper of a PMLR volume's file would."""
    drafts, _ = bibtex.parse((FIXTURES / "importers" / "habits.bib").read_text("utf-8"), "habits.bib")
    originals = [paper(slug=f"paper-{n}", title=d.title, authors=d.authors, date=d.date, venue=d.venue,
                       doi=d.doi, arxiv=d.arxiv, url=d.url, extra=d.extra) for n, d in enumerate(drafts)]
    assert {dict(p.extra).get("entry_type") for p in originals} >= {"proceedings", "inproceedings"}
    back, _ = bibtex.parse(bibtex_file(originals), "papers.bib")
    for name in ROUND_TRIP:
        assert [getattr(b, name) for b in back] == [getattr(o, name) for o in originals], name


TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"),
        include_characters=string.punctuation,
    ),
    min_size=1,
    max_size=40,
).map(collapse)
WORD = st.text(
    alphabet=st.characters(categories=("L", "Nd"), include_characters="-'.{}\\&%$_#~^"),
    min_size=1,
    max_size=12,
)
NAME = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
DATE = (
    st.dates(min_value=date(1000, 1, 1))  # the years a paper file may hold
    .map(lambda d: d.isoformat())
    .flatmap(lambda iso: st.sampled_from([iso[:4], iso[:7], iso]))
)
ARXIV = st.from_regex(r"\A(?:[0-9]{4}\.[0-9]{5}|(?:hep-th|math|cond-mat)/[0-9]{7})\Z")
DOI = st.from_regex(r"\A10\.[0-9]{4,5}/[A-Za-z0-9._;()/:%#&_-]{1,20}\Z")
URL = st.from_regex(r"\Ahttps://example\.org/[A-Za-z0-9._~:/?#@!$&()*+,;=%-]{0,30}\Z")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=TEXT,
    authors=st.lists(NAME, max_size=4).map(tuple),
    date=st.none() | DATE,
    venue=st.none() | TEXT,
    doi=st.none() | DOI,
    arxiv=st.none() | ARXIV,
    url=st.none() | URL,
)
def test_round_trip_of_generated_papers(title, authors, date, venue, doi, arxiv, url):
    assume(title and (venue is None or venue))
    assume(venue is None or not venue.lower().startswith("arxiv"))  # read as a preprint note
    original = paper(
        title=title, authors=authors, date=date, venue=venue, doi=doi, arxiv=arxiv, url=url
    )
    entry = bibtex_entry(original)
    library = parse_string(entry)
    assert [type(block) for block in library.blocks] == [model.Entry], entry
    back = read_back(entry)
    for name in ROUND_TRIP:
        assert getattr(back, name) == getattr(original, name), (name, entry)
