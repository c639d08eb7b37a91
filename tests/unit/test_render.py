"""Shortcuts for plain text: the abstract renderer and plain_text give the output of their full paths exactly."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from site_gen.content import load_papers
from site_gen.render import markdown_renderer, render_markdown
from tests.conftest import REPO

MD = markdown_renderer()
# Letters and every character CommonMark or the math plugin could read as markup, with the
# white space and line breaks that decide paragraphs, indented code and hard breaks.
ALPHABET = "ab1. \n\t\r\\`*_[]()!<>&#;$~=+-|\"'é\u00a0\u2028\x00"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
@example("plain text\nsecond line\n\nnext paragraph")
@example("1. a list")
@example("95\\% of R&D, Q&A; AT&T; &copy; \\\\ \\a \\")
@example("\\*x\\* \\\\*y* \\_z\\_ \\[w\\](v)")
@example("cites [1] and [2, 3]; [a][b] ![c] [d]")
@example("[d]: /url\n\nsee [d] and [text](/link)")
@example("a  \nhard break")
@example("Tom & Jerry <3 \"quotes\" a<b c>d")
@example("see <https://example.org> or <a@b.org>")
@example("AT&amp;T &#35;1 &copy; & done")
@example("\\* not emphasis \\\\ and a \\ backslash")
def test_plain_shortcut_matches_markdown_it(text: str) -> None:
    assert render_markdown(text) == MD.render(text)


def test_math_at_the_start_of_a_paragraph_that_ends_in_a_digit() -> None:
    # dollarmath alone reads the character before a paragraph's first "$" as its last character
    assert render_markdown("$x$ costs 5") == '<p><span class="math inline">x</span> costs 5</p>\n'
    assert render_markdown("5$x$ costs 5") == "<p>5$x$ costs 5</p>\n"
    assert render_markdown("$x$5") == "<p>$x$5</p>\n"


def test_the_seed_abstracts_render_as_markdown_it_renders_them() -> None:
    papers = load_papers(REPO / "content", REPO).papers
    assert len(papers) >= 57
    for paper in papers:
        assert render_markdown(paper.abstract_md) == MD.render(paper.abstract_md), paper.path


def reference_plain_text(markdown: str) -> str:
    """plain_text without its shortcuts: every rule applied to every text."""
    from site_gen import textutil as t

    text = t._MD_ESCAPE.sub(lambda m: chr(t._ESCAPED_BASE + ord(m[1])), t.tex_text(markdown))
    text = t._MD_FENCE.sub("", t._MD_LINK.sub(r"\1", text))
    text = t._marks_dropped(t._MD_BLOCK.sub("", text)).translate(t._UNESCAPE)
    return " ".join(t.strip_control(text).split())


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="ab1. \n\t#>-*+`${}[]()\\\u00a0\u2028\x00\x1f\ufffe", max_size=40))
@example(" x  y\u2028z\x00 ")
@example("- item\n- two\n1. three")
@example("see [a link](http://x.org) and \\mathbf{x}")
def test_plain_text_shortcuts_change_nothing(text: str) -> None:
    from site_gen.textutil import plain_text

    assert plain_text.__wrapped__(text) == reference_plain_text(text)


def test_adopted_fragments_are_those_the_renderer_makes_and_share_one_buffer() -> None:
    """A worker's fragments (``prepare``) taken by another renderer (``adopt``) give the same bytes
    as rendering them there, and those of one batch are slices of one buffer, not an object each
    (reading them must leave the memory shared with forked workers)."""
    from site_gen import config
    from site_gen.build import load_site
    from site_gen.render import SHARED_FRAGMENTS, Renderer
    from site_gen.themes import Theme

    site, _ = load_site(config.load(REPO))
    theme = Theme(site.config)
    adopting, rendering = Renderer(site, theme), Renderer(site, theme)
    half = len(site.papers) // 2
    batches = [Renderer(site, theme).prepare(site.papers[:half]), Renderer(site, theme).prepare(site.papers[half:])]
    for batch in batches:
        adopting.adopt(batch)
    for paper in site.papers:
        for template in SHARED_FRAGMENTS:
            assert adopting._fragment(template, adopting.view(paper)) == \
                rendering._fragment(template, rendering.view(paper)), (template, paper.slug)
    buffers = {id(adopting._fragments[template, paper.slug][0])
               for paper in site.papers for template in SHARED_FRAGMENTS}
    assert len(buffers) == len(batches)


def test_a_code_block_in_an_abstract_can_be_reached_with_the_keyboard_to_scroll_it() -> None:
    fenced = render_markdown("Run\n\n```python\nx = f(a, b)\n```\n")
    indented = render_markdown("Run\n\n    x = f(a, b)\n")
    assert '<pre tabindex="0"><code class="language-python">x = f(a, b)\n</code></pre>' in fenced
    assert '<pre tabindex="0"><code>x = f(a, b)\n</code></pre>' in indented


def test_first_authors_names_four_then_et_al() -> None:
    from site_gen.model import Paper
    from site_gen.render import first_authors

    def paper(authors: tuple[str, ...], et_al: bool = False) -> Paper:
        return Paper(slug="p", title="P", abstract_md="", path="p.md", authors=authors,
                     extra=(("et_al", True),) if et_al else ())

    assert first_authors(paper(("A", "B", "C", "D"))) == "A, B, C, D"
    assert first_authors(paper(("A", "B", "C", "D", "E"))) == "A, B, C, D et al."
    assert first_authors(paper(("A",), et_al=True)) == "A et al."
    assert first_authors(paper(("A", "B", "C")), 2) == "A, B et al."
