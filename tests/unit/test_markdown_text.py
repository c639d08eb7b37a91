"""Importers write plain-text abstracts as Markdown that shows the same text (``markdown_text``)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_gen.importers import arxiv, bibtex, daily, hf_json
from site_gen.importers._text import markdown_text
from site_gen.render import markdown_renderer, render_markdown

ALLOWED = {"paragraph_open", "paragraph_close", "inline", "text", "softbreak", "math_inline", "math_inline_double"}


def shown(markdown: str) -> tuple[str | None, set[str]]:
    """The text a reader sees, with math as written; and the kinds of any other tokens made.
    None for the text of a display-math block, whose source must then be the text itself."""
    found, kinds = [], set()
    for token in markdown_renderer().parse(markdown):
        if token.type in ("math_block", "math_block_label"):
            return None, set()
        kinds.add(token.type)
        for child in token.children or ():
            kinds.add(child.type)
            if child.type == "text":
                found.append(child.content)
            elif child.type == "softbreak":
                found.append(" ")
            elif child.type in ("math_inline", "math_inline_double"):
                found.append(child.markup + child.content + child.markup)
    return "".join(found), kinds - ALLOWED


PIECES = [*"ab1 *_`#>-+.)]([:&;!$~=é字\u00a0", "&amp;", "&#1;", "1. ", "$$", "x_1", "a*b"]


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_rendered_text_is_the_text_and_math_as_written(pieces):
    text = " ".join(pieces.split())
    markdown = markdown_text(text)
    seen, markup = shown(markdown)
    if seen is None:
        assert markdown == text
    else:
        assert markup == set() and seen == text, markdown


@pytest.mark.parametrize(("text", "html"), [
    ("A* search and D* search", "<p>A* search and D* search</p>\n"),
    ("We call __init__ and _private_ names", "<p>We call __init__ and _private_ names</p>\n"),
    ("x_1 and snake_case stay as written", "<p>x_1 and snake_case stay as written</p>\n"),
    ("``mining'' and ``aligning'' pairs", "<p>``mining'' and ``aligning'' pairs</p>\n"),
    ("# of parameters", "<p># of parameters</p>\n"),
    ("1. We propose", "<p>1. We propose</p>\n"),
    ("2) a method", "<p>2) a method</p>\n"),
    ("> 90% accuracy", "<p>&gt; 90% accuracy</p>\n"),
    ("- a dash", "<p>- a dash</p>\n"),
    ("---", "<p>---</p>\n"),
    ("see [1](here) and [2]: there", "<p>see [1](here) and [2]: there</p>\n"),
    ("AT&amp;T", "<p>AT&amp;amp;T</p>\n"),
    ("costs $5 and $10", "<p>costs $5 and $10</p>\n"),
])
def test_plain_text_renders_as_itself(text, html):
    assert render_markdown(markdown_text(text)) == html


def test_math_is_left_as_written():
    markdown = markdown_text("a*b and $x_1 * y_2$ and $$\\sum_i a_i$$ b*c")
    assert markdown == "a\\*b and $x_1 * y_2$ and $$\\sum_i a_i$$ b\\*c"
    html = render_markdown(markdown)
    assert '<span class="math inline">x_1 * y_2</span>' in html and "a*b and" in html


def test_tex_escapes_already_there_are_kept():
    # TeX's \% and \_ are a per cent sign and an underscore to Markdown as well; \emph stays TeX
    assert markdown_text("5.8\\% of \\_tokens \\emph{all}") == "5.8\\% of \\_tokens \\emph{all}"


def test_autolinks_keep_their_address():
    markdown = markdown_text("code at <https://github.com/a/b_c_> and *more*")
    assert markdown == "code at <https://github.com/a/b_c_> and \\*more\\*"
    assert 'href="https://github.com/a/b_c_"' in render_markdown(markdown)
    assert markdown_text("<HTTP://X.ORG/a_> a_") == "<HTTP://X.ORG/a_> a\\_"


def test_paragraphs_are_kept_and_lines_joined():
    assert markdown_text("one\ntwo *\n\n  # three\n") == "one two \\*\n\n\\# three"


def test_display_math_paragraph_is_untouched():
    assert markdown_text("$$a_1 * b$$") == "$$a_1 * b$$"


def test_every_importer_escapes_abstracts():
    summary = "1. We compare A* and D* search."
    expected = "1\\. We compare A\\* and D\\* search."
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>'
            f"<title>T</title><summary>{summary}</summary><published>2024-01-01T00:00:00Z</published>"
            "</entry></feed>")
    hf = json.dumps([{"paper": {"id": "2401.00001", "title": "T", "summary": summary, "publishedAt": "2024-01-01"}}])
    bib = "@article{k, title={T}, abstract={" + summary + "}, year=2024}"
    dump = f"Jan 1\n\nT\n\n{summary}\n"
    for drafts in (arxiv.parse(atom, "a.xml")[0], hf_json.parse(hf, "h.json")[0], bibtex.parse(bib, "b.bib")[0],
                   daily.parse(dump, "d.txt", year=2024)[0]):
        assert [d.abstract for d in drafts] == [expected]


def test_arxiv_and_hf_abstracts_typeset_the_math_arxiv_typesets():
    """arXiv shows ``$ x_1 $``, ``\\(O(n)\\)`` and ``\\[x^2\\]`` as math; a dollar amount stays text."""
    summary = r"Ratio $ k + 1/2 - \varepsilon$, \(O(n)\) time, \[ x^2 \] at $5 and $10, and $ O(n) $ as written."
    expected = r"Ratio $k + 1/2 - \varepsilon$, $O(n)$ time, $$x^2$$ at $5 and $10, and $ O(n) $ as written."
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>'
            f"<title>T</title><summary>{summary}</summary><published>2024-01-01T00:00:00Z</published>"
            "</entry></feed>")
    hf = json.dumps([{"paper": {"id": "2401.00001", "title": "T", "summary": summary, "publishedAt": "2024-01-01"}}])
    for drafts in (arxiv.parse(atom, "a.xml")[0], hf_json.parse(hf, "h.json")[0]):
        [draft] = drafts
        assert draft.abstract == expected
        html = render_markdown(draft.abstract)
        assert r'<span class="math inline">k + 1/2 - \varepsilon</span>' in html
        assert '<span class="math inline">O(n)</span> time, <span class="math block">x^2</span> at $5 and $10' in html
