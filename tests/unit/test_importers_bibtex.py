import logging

import pytest

from site_gen.errors import ImportFailed
from site_gen.importers._latex import abstract_markdown, display_names, latex_to_text, month_number
from site_gen.importers.bibtex import parse
from site_gen.render import render_markdown
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "samples" / "real.bib"
HABITS = FIXTURES / "importers" / "habits.bib"
COLT = "Proceedings of the 2017 Conference on Learning Theory"


def _parse_file(path):
    return parse(path.read_text(encoding="utf-8"), str(path))


def _by_title(drafts, start):
    return next(d for d in drafts if d.title.startswith(start))


def test_the_colt_sample_gives_76_papers_and_skips_the_untitled_proceedings():
    drafts, warnings = _parse_file(SAMPLE)
    assert len(drafts) == 76
    [skipped] = warnings
    assert skipped.line == 1 and skipped.severity == "warning"
    assert skipped.message.startswith("skipped @proceedings{COLT-2017}: it has no title")
    assert {d.source for d in drafts} == {"bibtex"}


def test_papers_take_venue_and_year_from_the_only_proceedings_entry():
    drafts, _ = _parse_file(SAMPLE)
    assert {d.date for d in drafts} == {"2017"} and {d.venue for d in drafts} == {COLT}


def test_tex_accents_become_unicode_in_names_and_names_read_first_last():
    drafts, _ = _parse_file(SAMPLE)
    brosse = _by_title(drafts, "Sampling from a log-concave")
    assert brosse.authors == ("Nicolas Brosse", "Alain Durmus", "Éric Moulines", "Marcelo Pereyra")
    assert brosse.line == 173
    assert _by_title(drafts, "Algorithmic Chaining").authors[0] == "Nicolò Cesa-Bianchi"
    assert _by_title(drafts, "Algorithmic Chaining").authors[3] == "Sébastien Gerchinovitz"
    assert _by_title(drafts, "Fast rates for online").authors == ("Gergely Neu", "Vicenç Gómez")
    assert _by_title(drafts, "An Improved Parametrization").authors[1] == "Gábor Lugosi"


def test_math_stays_as_written_and_case_braces_go():
    drafts, _ = _parse_file(SAMPLE)
    assert _by_title(drafts, "Matrix Completion").title == (
        "Matrix Completion from $O(n)$ Samples in Linear Time"
    )
    assert _by_title(drafts, "Empirical Risk Minimization").title == (
        "Empirical Risk Minimization for Stochastic Convex Optimization: "
        "${O}(1/n)$- and ${O}(1/n^2)$-type of Risk Bounds"
    )
    assert _by_title(drafts, "Fast rates for online").title == (
        "Fast rates for online learning in Linearly Solvable Markov Decision Processes"
    )


def test_math_loses_the_space_inside_its_dollars_that_markdown_would_not_read_as_math():
    drafts, _ = _parse_file(SAMPLE)
    greedy = _by_title(drafts, "Greed Is Good")
    assert "ratio smaller than $k + 1/2 - \\varepsilon$. To further" in greedy.abstract
    assert "ratio smaller than <span class=\"math inline\">k + 1/2 - \\varepsilon</span>" in render_markdown(
        greedy.abstract)
    [draft], _ = parse("@misc{k, title = {$ O(n) $ and \\( x \\) and $$ y $$}}", "x.bib")
    assert draft.title == "$O(n)$ and $x$ and $$y$$"


def test_abstracts_keep_paragraphs_and_display_math():
    drafts, _ = _parse_file(SAMPLE)
    scarlett = _by_title(drafts, "Lower Bounds on Regret for Noisy Gaussian")
    first, second = scarlett.abstract.split("\n\n")
    assert first.startswith("In this paper, we consider the problem of sequentially optimizing")
    assert (
        "$T = \\Omega\\big(\\frac{1}{\\epsilon^2} (\\log\\frac{1}{\\epsilon})^{d/2}\\big)$"
        in second
    )
    assert "For the Matérn-$\\nu$ kernel" in second
    corralling = _by_title(drafts, "Corralling a Band")
    assert "base algorithm if it were to be run on its own." in corralling.abstract  # {\it ...}
    assert _by_title(drafts, "Preface").abstract == ""  # allowed: BibTeX often has none


def test_tex_lists_become_markdown_lists():
    drafts, _ = _parse_file(SAMPLE)
    recovery = _by_title(drafts, "Sample complexity of population recovery")
    assert ("polling impediments:\n\n"
            "- in lossy population recovery, a pollee may skip each question with probability $\\epsilon$;\n"
            "- in noisy population recovery, a pollee may lie on each question with probability $\\epsilon$.\n\n"
            "Given $n$ lossy") in recovery.abstract
    assert "<li>in lossy population recovery" in render_markdown(recovery.abstract)


@pytest.mark.parametrize(("tex", "markdown"), [
    (r"Steps: \begin{enumerate} \item one \item \item two 1. \end{enumerate}", "Steps:\n\n1. one\n2. two 1."),
    (r"\begin{enumerate}\item[(a)] one \item[(b)] \emph{two}\end{enumerate} Then", "- (a) one\n- (b) two\n\nThen"),
    (r"\begin{itemize}\item A* search \item \# of nodes\end{itemize}", "- A\\* search\n- \\# of nodes"),
    (r"\begin{enumerate} no items \end{enumerate} after", "no items\n\nafter"),
    (r"A \begin{enumerate}\item x \begin{itemize}\item y* \item z\end{itemize} \item w\end{enumerate} B",
     "A\n\n1. x\n   - y\\*\n   - z\n2. w\n\nB"),
    (r"unclosed \begin{itemize}\item x", "unclosed \\* x"),
])
def test_list_items_are_escaped_and_numbered(tex, markdown):
    assert abstract_markdown(tex) == markdown


def test_a_list_in_a_list_is_nested_in_the_page():
    tex = r"\begin{itemize}\item x \begin{enumerate}\item y\end{enumerate}\end{itemize}"
    html = render_markdown(abstract_markdown(tex))
    assert html == "<ul>\n<li>x\n<ol>\n<li>y</li>\n</ol>\n</li>\n</ul>\n"


def test_an_escaped_dollar_is_a_dollar_sign_not_math():
    assert abstract_markdown(r"costs \$5 to \$10, or $x$") == r"costs \$5 to \$10, or $x$"
    assert render_markdown(abstract_markdown(r"from \$x\$ to $y$")) == (
        '<p>from $x$ to <span class="math inline">y</span></p>\n')
    assert latex_to_text(r"Save \$5") == "Save $5"  # a title is plain text


def test_capitalised_field_names_and_extra_keys():
    drafts, _ = _parse_file(SAMPLE)
    last = drafts[-1]
    assert last.title == "Optimal learning via local entropies and sample compression"
    assert last.authors == ("Zhivotovskiy Nikita",) and last.line == 990
    assert dict(last.extra) == {
        "pages": "2023-2065",
        "bibtex_key": "Zhivotovskiy17",
        "entry_type": "inproceedings",
    }


def test_string_macros_concatenation_and_month_macros():
    drafts, _ = _parse_file(HABITS)
    macro = drafts[0]
    assert macro.venue == "Journal of Machine Learning Research (JMLR)"
    assert macro.date == "2019-09"
    assert macro.title == "The Bayesian ß-Method — AT&T's 100% $\\mathcal{O}(n)$ Bound"
    assert macro.authors == ("Jörg Müller", "Ludwig van Beethoven")  # "others" names no one
    assert dict(macro.extra)["et_al"] is True
    assert macro.doi == "10.5555/3322706.3322707"
    assert macro.url == "https://jmlr.org/papers/v20/18-001.html"
    assert dict(macro.extra)["pages"] == "1–42" and dict(macro.extra)["volume"] == "20"
    assert dict(macro.extra)["number"] == "1–2"


def test_crossref_inherits_venue_and_date():
    drafts, warnings = _parse_file(HABITS)
    cross = _by_title(drafts, "Inherited venue")
    assert (cross.venue, cross.date) == ("Proceedings of the Example Conference", "2018-07")
    lost = _by_title(drafts, "A dangling crossref")
    assert (lost.venue, lost.date) == (None, None)
    messages = {(w.line, w.message) for w in warnings}
    assert (52, "crossref 'nowhere' names no entry of this file") in messages
    assert (53, "year 'in press' is not a year; the date is left out") in messages


def test_arxiv_ids_from_eprint_and_from_an_arxiv_journal():
    drafts, warnings = _parse_file(HABITS)
    preprint = _by_title(drafts, "An arXiv preprint")
    assert (preprint.arxiv, preprint.venue, preprint.date) == ("2401.00001", None, "2024")
    eprint = _by_title(drafts, "Eprint with a prefix")
    assert (eprint.arxiv, eprint.date, eprint.url) == ("2312.11825", "2023-12-19", None)
    assert dict(eprint.extra)["categories"] == ("cs.SD",)
    messages = {(w.line, w.message) for w in warnings}
    assert (38, "month '13' is not a month; the date is the year alone") in messages
    assert (47, "url 'ftp://example.org/paper.pdf' is not an http(s) URL; left out") in messages
    assert (56, "skipped @misc{untitled}: it has no title") in messages


@pytest.mark.parametrize(
    ("fields", "arxiv"),
    [
        ("eprint = {1706.03762}", "1706.03762"),
        ("eprint = {hep-th/9901001}, eprinttype = {arxiv}", "hep-th/9901001"),
        ("eprint = {12345}, archivePrefix = {PubMed}", None),
        ("url = {https://arxiv.org/abs/1706.03762v5}", "1706.03762"),
        ("journal = {CoRR}, volume = {abs/1706.03762}", "1706.03762"),
        ("journal = {ArXiv}, volume = {abs/1706.03762}", "1706.03762"),
    ],
)
def test_arxiv_id_sources(fields, arxiv):
    [draft], _ = parse(f"@article{{k, title = {{T}}, {fields}}}", "x.bib")
    assert draft.arxiv == arxiv


def test_syntax_errors_fail_the_file_at_each_entrys_line(caplog):
    with caplog.at_level(logging.DEBUG), pytest.raises(ImportFailed) as failed:
        _parse_file(FIXTURES / "importers" / "broken.bib")
    assert [(d.line, d.message.split(":")[0]) for d in failed.value.diagnostics] == [
        (6, "invalid BibTeX in @article{unclosed}"),
        (11, "invalid BibTeX in @article{nocomma}"),
    ]
    assert "Expected comma after entry key" in failed.value.diagnostics[1].message
    assert not [r for r in caplog.records if r.name.startswith("bibtexparser")]


def test_an_unterminated_last_entry_fails():
    with pytest.raises(ImportFailed, match=r"^x.bib:2: invalid BibTeX in @article\{k\}"):
        parse("\n@article{k,\n  title = {Open\n", "x.bib")


@pytest.mark.parametrize("text", ["", "Just some notes.\n", '{"title": "T"}\n', "% a comment, mail me@x.org\n"])
def test_a_file_without_any_bibtex_block_fails(text):
    with pytest.raises(ImportFailed, match=r"^x.bib:1: no BibTeX entry \(such as @article\{key, \.\.\.\}\) found"):
        parse(text, "x.bib")


def test_bibtex_without_entries_gives_no_papers_and_no_error():
    assert parse('@string{acl = "ACL"}\n@comment{nothing yet}\n', "x.bib") == ([], [])


def test_repeated_fields_keep_the_first_value_with_a_warning():
    [draft], [warning] = parse("@article{k,\n title = {One},\n title = {Two}}", "x.bib")
    assert draft.title == "One"
    assert (warning.line, warning.message) == (
        1,
        "@article{k} repeats title: the first value is used",
    )


def test_undefined_macros_are_kept_with_a_warning():
    [draft], [warning] = parse("@article{k, title = {T}, journal = nowhere}", "x.bib")
    assert draft.venue == "nowhere" and "undefined macro 'nowhere'" in warning.message


def test_doi_with_characters_the_schema_refuses_is_left_out():
    [draft], [warning] = parse("@article{k, title = {T},\n doi = {10.1000/a b}}", "x.bib")
    assert draft.doi is None and warning.line == 2


@pytest.mark.parametrize(
    ("author", "names", "et_al"),
    [
        ("Ada Lovelace and others", ("Ada Lovelace",), True),
        ("Ada Lovelace AND {Others}", ("Ada Lovelace", "Others"), False),  # braced: a name
        ("Ada Lovelace and Alan Turing", ("Ada Lovelace", "Alan Turing"), False),
        ("others", (), False),
    ],
)
def test_and_others_says_the_authors_are_the_first_of_more(author, names, et_al):
    [draft], _ = parse(f"@article{{k, title = {{T}}, author = {{{author}}}}}", "x.bib")
    assert draft.authors == names and dict(draft.extra).get("et_al", False) is et_al


def test_names_that_cannot_be_split_are_kept_as_written():
    names, problems = display_names("A, B, C, D and Smith, Jane")
    assert names == ("A, B, C, D", "Jane Smith")
    assert problems and "Too many commas" in problems[0]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("Knuth, Donald E.", ("Donald E. Knuth",)),
        ("Donald E. Knuth", ("Donald E. Knuth",)),
        ("de la Fontaine, Jean", ("Jean de la Fontaine",)),
        ("King, Jr., Martin Luther", ("Martin Luther King Jr.",)),
        ("{Barnes and Noble, Inc.} and Ada Lovelace", ("Barnes and Noble, Inc.", "Ada Lovelace")),
        ("Erd{\\H{o}}s, Paul AND Kov{\\'a}cs, G.", ("Paul Erdős", "G. Kovács")),
    ],
)
def test_display_names(names, expected):
    assert display_names(names) == (expected, [])


@pytest.mark.parametrize(
    ("value", "number"),
    [("3", 3), ("03", 3), ("mar", 3), ("Mar.", 3), ("March", 3), ("Sept", 9), ("june 11", 6)],
)
def test_month_forms(value, number):
    assert month_number(value) == number


@pytest.mark.parametrize("value", ["13", "0", "ma", "Foo", ""])
def test_not_months(value):
    assert month_number(value) is None


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("{\\\"o} \\'e {\\ss} \\c{c} {\\o} \\v{s}", "ö é ß ç ø š"),
        ("pages 1--3 --- ``quoted''", "pages 1–3 — “quoted”"),
        ("R\\&D, 100\\% and 50% of \\$5 \\#1 a\\_b", "R&D, 100% and 50% of $5 #1 a_b"),
        ("AT&T", "AT&T"),
        ("{\\textbraceleft}x{\\textbraceright} {\\textbackslash}", "{x} \\"),
        ("Mat\\'ern-$\\nu$ $a \\% b$", "Matérn-$\\nu$ $a \\% b$"),
        ("The {$\\mathcal{O}(n)$} Bound", "The $\\mathcal{O}(n)$ Bound"),
        ("\\$5, $\\=$ and $$\\int_0^1 --$$ -- $x", "$5, $\\=$ and $$\\int_0^1 --$$ – $x"),
        ("(Yao `82) and `single' quotes, $a`b$", "(Yao \u201882) and \u2018single' quotes, $a`b$"),
        ("needs \\[ O(n \\log n) \\] samples, \\(k\\)-SAT", "needs $$O(n \\log n)$$ samples, $k$-SAT"),
    ],
)
def test_latex_to_text(tex, text):
    assert latex_to_text(tex) == text


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("\\href{https://x.org/a_b}{our code}", "our code <https://x.org/a_b>"),
        ("\\href {https://x.org} {\\texttt{https://x.org}}", "<https://x.org>"),
        ("see \\href", "see "),
        ("\\texttt{torch.nn} \\textsf{x} \\mbox{y} \\verb|a_b|", "torch.nn x y a_b"),
        ("as in \\cite{a, b}, \\citep[p.~3]{c} and \\textcite{9.51:2}", "as in [a, b], [c] and [9.51:2]"),
        ("Fig.~\\ref{fig:1} and \\eqref{e1}", "Fig.\xa0fig:1 and (e1)"),
        ("\\textless x\\textgreater{} \\S{}3 \\textbar{} \\frac \\overline", "<x> §3 | "),
    ],
)
def test_tex_macros_keep_their_text(tex, text, caplog):
    assert latex_to_text(tex) == text
    assert not caplog.records  # no "failed its substitution" from pylatexenc for \frac without arguments


def test_an_abstract_with_links_and_citations_renders_them():
    tex = "We use \\texttt{torch} as in \\cite{devlin2019}; code at \\href{https://github.com/x/y_z}{GitHub}."
    markdown = abstract_markdown(tex)
    assert markdown == "We use torch as in [devlin2019]; code at GitHub <https://github.com/x/y_z>."
    assert '<a href="https://github.com/x/y_z">' in render_markdown(markdown)


def test_howpublished_href_gives_the_url():
    [draft], warnings = _parse_file(FIXTURES / "importers" / "bbt_href.bib")
    assert draft.title == "GAP – Groups, Algorithms, and Programming, Version 4.13dev"
    assert draft.url == "https://www.gap-system.org"
    assert [(w.line, w.message) for w in warnings] == [
        (3, "fields not imported (in how many entries): key (1), keywords (1), organization (1)"),
    ]


def test_biblatex_journaltitle_subtitle_and_seasons():
    drafts, warnings = _parse_file(FIXTURES / "importers" / "bbt_biblatex.bib")
    seasons, ranged, crossed = drafts
    assert (seasons.venue, seasons.date) == ("Seasonal Journal", "2012")
    assert ranged.date == "2012"
    assert crossed.title == ("Double Crossed: The Spillover and Crossover Effect of Work Demands on "
                             "Work Outcomes Through the Family")
    assert crossed.venue == "Journal of Applied Psychology"
    assert [(w.line, w.message) for w in warnings] == [
        (4, "skipped @book{9.8:11}: it has no title"),
        (17, "date '2012-22' is not YYYY[-MM[-DD]]; the year 2012 is used"),
        (26, "date '2012-22/2012-23' is not YYYY[-MM[-DD]]; the year 2012 is used"),
        (40, "fields not imported (in how many entries): annotation (1)"),
    ]


@pytest.mark.parametrize(
    ("fields", "date", "message"),
    [
        ("date = {2024-03-15T10:00:00Z}", "2024-03-15", None),
        ("date = {n.d.}, year = {2001}", "2001", "date 'n.d.' is not YYYY[-MM[-DD]]; the year field is used"),
        ("date = {-3000~}", None, "date '-3000~' is not YYYY[-MM[-DD]]; the date is left out"),
    ],
)
def test_biblatex_dates(fields, date, message):
    [draft], warnings = parse(f"@article{{k, title = {{T}}, {fields}}}", "x.bib")
    assert draft.date == date and [w.message for w in warnings] == ([message] if message else [])


def test_mendeley_urls():
    (wang, dinh), warnings = _parse_file(FIXTURES / "importers" / "mendeley.bib")
    assert wang.url == "https://pubs.rsc.org/en/content/articlehtml/2020/cc/d0cc03512b"
    assert [(w.line, w.message) for w in warnings] == [
        (11, "url holds 3 addresses; the first is kept"),
        (3, "fields not imported (in how many entries): file (2), isbn (1), issn (1), keywords (1), "
            "mendeley-groups (2)"),
    ]
    assert dinh.url == "http://link.springer.com/10.1007/978-3-540-89689-0_23"  # {\_} is an underscore


def test_al_folio_links_and_dblp_corr():
    text = ("@article{k, title = {T}, html = {https://ieeexplore.ieee.org/document/9501966},\n"
            " pdf = {TMC2020.pdf}, code = {https://github.com/sair-lab/AirSLAM},\n"
            " journal = {CoRR}, volume = {abs/2312.11825}, eprintclass = {cs.SD}}")
    [draft], [warning] = parse(text, "x.bib")
    assert (draft.url, draft.code, draft.pdf) == (
        "https://ieeexplore.ieee.org/document/9501966", "https://github.com/sair-lab/AirSLAM", None)
    assert (warning.line, warning.message) == (2, "pdf 'TMC2020.pdf' is not an http(s) URL; left out")
    assert (draft.venue, draft.arxiv) == (None, "2312.11825")
    assert "volume" not in dict(draft.extra) and dict(draft.extra)["categories"] == ("cs.SD",)


def test_a_sici_doi_is_imported_with_its_angle_brackets():
    doi = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
    drafts, warnings = parse(f"@article{{k,\n  title = {{T}},\n  doi = {{https://doi.org/{doi}}},\n}}\n", "a.bib")
    assert warnings == [] and [d.doi for d in drafts] == [doi]
    drafts, warnings = parse("@article{k,\n  title = {T},\n  doi = {10.1000/a b},\n}\n", "a.bib")
    assert [d.doi for d in drafts] == [None]
    assert [str(w) for w in warnings] == ["a.bib:3: warning: doi '10.1000/a b' has spaces or quotes; left out"]


def test_a_year_before_1000_is_left_out_as_the_paper_schema_refuses_it():
    drafts, warnings = parse("@misc{a, title={T}, year={0999}}\n@misc{b, title={U}, date={0500-02-03}}\n", "a.bib")
    assert [d.date for d in drafts] == [None, None]
    assert [str(w) for w in warnings] == [
        "a.bib:1: warning: year '0999' is not a year; the date is left out",
        "a.bib:2: warning: date '0500-02-03' is not YYYY[-MM[-DD]]; the date is left out"]
