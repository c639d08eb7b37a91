"""What a reader sees of the layout: no page is wider than a phone, whatever the catalogue's words
and URLs; a paper by many authors names the first ten; a printed page keeps what paper can show
(see messy_build in conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LONG_NAME, LONG_WORD
from tests.browser.test_accessibility import axe_script, run_axe

__all__ = ["axe_script"]  # the fixture, shared

pytestmark = pytest.mark.browser

AUTHOR = "authors/" + LONG_NAME.lower().split()[0][:80] + "/"
PAGES = ["", "papers/long-words/", "tags/", "tags/long/", "authors/", AUTHOR, "years/2025/",
         f"search/?q={LONG_WORD}"]
WIDER = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(el => el.tagName.toLowerCase() + '.' + el.className).slice(0, 5)"""


@pytest.mark.parametrize("path", PAGES)
def test_long_words_and_urls_wrap_on_a_phone(page: Page, messy_url: str, path: str) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(messy_url + path, wait_until="networkidle")
    if path.startswith("search/"):
        page.locator("#search-results .paper-card").first.wait_for()
        page.locator("#search-facets .facet").first.wait_for()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{path or 'home'} is {width} px wide at 360 px: {page.evaluate(WIDER)}"


PRINTED = """() => {
  const style = el => el ? getComputedStyle(el) : null;
  const pre = document.querySelector('.cite-box pre');
  const code = document.querySelector('.abstract pre');
  const link = document.querySelector('.links a');
  return {
    color: style(document.body).color, background: style(document.body).backgroundColor,
    shown: ['.site-nav', '.search-box', '.copy-button', '.site-footer']
      .filter(s => style(document.querySelector(s)).display !== 'none'),
    bibtexCut: pre.scrollWidth - pre.clientWidth,
    codeCut: code.scrollWidth - code.clientWidth,
    linkAfter: getComputedStyle(link, '::after').content, href: link.getAttribute('href'),
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_printed_paper_page_is_black_on_white_with_its_links_and_whole_bibtex(
    page: Page, messy_url: str, scheme: str
) -> None:
    page.set_viewport_size({"width": 640, "height": 900})  # about the width of a printed A4 page
    page.emulate_media(color_scheme=scheme)
    page.goto(messy_url + "papers/long-words/", wait_until="networkidle")
    page.emulate_media(media="print", color_scheme=scheme)
    printed = page.evaluate(PRINTED)
    assert (printed["color"], printed["background"]) == ("rgb(0, 0, 0)", "rgb(255, 255, 255)")
    assert printed["shown"] == [], "the header's links and search, the copy button and the footer are not printed"
    assert printed["bibtexCut"] <= 0, "the BibTeX entry wraps instead of being cut at the margin"
    assert printed["codeCut"] <= 0, "a code block in the abstract wraps instead of being cut at the margin"
    assert printed["linkAfter"] == f'" {printed["href"]}"', "a link button prints its address"


SAME_LINE = """el => {
  const tops = range => [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
  const more = el.querySelector('details'), before = document.createRange(), after = document.createRange();
  before.selectNodeContents(el);
  before.setEndBefore(more);
  after.selectNodeContents(more);
  return Math.abs(tops(before).at(-1) - tops(after)[0]) < 2;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_long_author_list_shows_ten_names_and_the_others_on_request(
    page: Page, messy_url: str, axe_script: Path, console: Any, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(messy_url + "papers/many-authors/", wait_until="networkidle")
    authors = page.locator(".paper-header .authors")
    more = authors.locator("summary")
    expect(more).to_have_text("and 30 more")
    assert authors.inner_text().startswith("Author1 Name1, Author2 Name2, ")
    expect(authors).to_contain_text("Author10 Name10, and 30 more")
    assert "Author11" not in authors.inner_text()
    assert run_axe(page, axe_script) == []
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_be_hidden()
    expect(authors).to_be_focused()  # not lost with the summary that hid: a screen reader stays here
    assert "Author10 Name10, Author11 Name11, " in authors.inner_text()
    assert authors.inner_text().endswith("Author40 Name40")
    assert authors.evaluate(SAME_LINE), "the names it opens on continue the line"
    page.emulate_media(media="print")
    page.reload()
    expect(more).to_be_hidden()
    assert "Author10 Name10, Author11 Name11, " in authors.inner_text(), "a printed page names every author"
    assert console.errors == []
