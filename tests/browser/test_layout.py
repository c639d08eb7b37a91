"""What a reader sees of the layout: no page is wider than a phone, whatever the catalogue's words
and URLs (see messy_build in conftest.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LONG_NAME, LONG_WORD

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
  const link = document.querySelector('.links a');
  return {
    color: style(document.body).color, background: style(document.body).backgroundColor,
    shown: ['.site-nav', '.search-box', '.copy-button', '.site-footer']
      .filter(s => style(document.querySelector(s)).display !== 'none'),
    bibtexCut: pre.scrollWidth - pre.clientWidth,
    linkAfter: getComputedStyle(link, '::after').content, href: link.getAttribute('href'),
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_printed_paper_page_is_black_on_white_with_its_links_and_whole_bibtex(
    page: Page, messy_url: str, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(messy_url + "papers/long-words/", wait_until="networkidle")
    page.emulate_media(media="print", color_scheme=scheme)
    printed = page.evaluate(PRINTED)
    assert (printed["color"], printed["background"]) == ("rgb(0, 0, 0)", "rgb(255, 255, 255)")
    assert printed["shown"] == [], "the header's links and search, the copy button and the footer are not printed"
    assert printed["bibtexCut"] <= 0, "the BibTeX entry wraps instead of being cut at the margin"
    assert printed["linkAfter"] == f'" {printed["href"]}"', "a link button prints its address"
