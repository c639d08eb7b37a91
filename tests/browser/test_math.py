"""TeX math in the browser: KaTeX typesets a paper's title and abstract and the titles of listing
cards; listings without math do not load it; related-paper titles read as plain text; a line never
starts with the punctuation after a formula."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MATH_PAPER = "papers/fast-attention-in-subquadratic-time/"  # see rich_build in conftest.py


def katex_requests(page: Page) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url) if "/katex/" in request.url else None)
    return requested


def test_a_paper_with_math_is_typeset(page: Page, rich_url: str, console: Any) -> None:
    page.goto(rich_url + MATH_PAPER)
    expect(page.locator(".paper-header h1 .katex")).to_have_count(1)
    expect(page.locator(".abstract .katex-display")).to_have_count(1)
    assert page.locator(".abstract .katex").count() >= 4
    expect(page.locator(".paper-header h1")).not_to_contain_text("$")
    expect(page.locator(".katex-error")).to_have_count(0)
    assert console.errors == []


def test_listing_cards_typeset_math_titles_only_where_there_are_some(
    page: Page, rich_url: str, console: Any
) -> None:
    requested = katex_requests(page)
    for url, title in (("tags/benchmarks/", ".paper-card-title a"), ("authors/wei-chen/", "a.paper-row-title")):
        page.goto(rich_url + url, wait_until="networkidle")
        card = page.locator(f'{title}[href$="{MATH_PAPER}"]')
        expect(card.locator(".katex")).to_have_count(1)
        expect(card).not_to_contain_text("$")
    assert any(url.endswith("katex.min.js") for url in requested)
    requested.clear()
    page.goto(rich_url + "tags/speech/", wait_until="networkidle")
    assert requested == [], "a listing without math loads no KaTeX"
    assert console.errors == []


def test_related_titles_are_plain_text(page: Page, rich_url: str) -> None:
    page.goto(rich_url + MATH_PAPER)
    links = page.locator(".related li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    shown = []
    for href in links:  # the math paper is related to some of its own related papers
        page.goto(rich_url + href.lstrip("/"))
        shown += page.locator(".related li a").all_inner_texts()
    assert "Fast attention in O(n log n) time" in shown
    assert not [title for title in shown if "$" in title]


PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_a_formula_wider_than_a_phone_scrolls_on_its_own_line(browser: Any, rich_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(rich_url + MATH_PAPER)
        expect(page.locator(".abstract .katex")).not_to_have_count(0)
        assert page.evaluate(PAGE_OVERFLOW) == 0, "the page does not scroll sideways"
        wide = page.locator(".abstract .math-wide")
        expect(wide).to_have_count(1)
        assert wide.evaluate("el => el.scrollWidth > el.clientWidth"), "the formula scrolls in its own box"
        assert wide.get_attribute("tabindex") == "0", "and the keyboard can reach it to scroll it"
        assert page.locator(".abstract .math.inline:not(.math-wide)").count() >= 4, "short formulas stay in the text"
        page.set_viewport_size({"width": 1280, "height": 900})
        expect(wide).to_have_count(0)
        expect(page.locator(".abstract .math[tabindex]")).to_have_count(0)
    finally:
        context.close()


# For each inline formula of the abstract followed by punctuation ("$n$."), whether that punctuation
# stands on the line where the formula ends.
PUNCTUATION_AFTER = """() => [...document.querySelectorAll('.abstract .math.inline:not(.math-wide)')].flatMap(el => {
  const box = el.closest('p'), walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT), texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node);
  const follows = n => el.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING;
  const next = texts.find(n => !el.contains(n) && n.data && follows(n));
  if (!next || !/^[,.;:)]/.test(next.data)) return [];
  const mark = document.createRange();
  mark.setStart(next, 0);
  mark.setEnd(next, 1);
  const end = [...el.querySelectorAll('.katex-html .base')].at(-1).getBoundingClientRect();
  const at = mark.getBoundingClientRect();
  return [Math.abs((at.top + at.bottom) / 2 - (end.top + end.bottom) / 2) < at.height / 2];
})"""


def test_punctuation_after_a_formula_never_starts_a_line(page: Page, rich_url: str) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(rich_url + MATH_PAPER)
    expect(page.locator(".abstract .katex")).not_to_have_count(0)
    for width in range(320, 521, 2):  # the line ends somewhere else at each width
        page.set_viewport_size({"width": width, "height": 800})
        same_line = page.evaluate(PUNCTUATION_AFTER)
        assert same_line, "the fixture has a formula followed by punctuation"
        assert all(same_line), f"at {width} px a line starts with the punctuation after a formula"
