"""Sorting a listing page by date or by title, in the browser: the cards of the page are reordered
without a reload, the choice is announced and remembered, the control works with the keyboard,
and without JavaScript it stays hidden."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

CARDS = "ol.paper-list > li"  # cards, or an author's rows
TITLE = "Title A–Z"
NEWEST = "Newest first"


def titles(page: Page) -> list[str]:
    """The cards' titles in plain text: a title with TeX, typeset on the page, carries it in data-title."""
    return page.locator(CARDS).evaluate_all(
        "cards => cards.map(c => c.dataset.title || c.querySelector('a').textContent.trim())"
    )


def dates(page: Page) -> list[str]:
    """Each card's date (ISO), "" for an undated paper."""
    return page.locator(CARDS).evaluate_all(
        "cards => cards.map(c => (c.querySelector('time') || {}).dateTime || '')"
    )


def is_newest_first(values: list[str]) -> bool:
    dated = [v for v in values if v]
    return dated == sorted(dated, reverse=True) and values == dated + [""] * (len(values) - len(dated))


def by_title(values: list[str]) -> list[str]:
    return sorted(values, key=str.casefold)


def option(page: Page, label: str) -> Any:
    return page.get_by_role("radio", name=label)


def choose(page: Page, label: str) -> None:
    """Click the option as a reader does: on its label (the radio button itself is not drawn)."""
    page.locator(".sort-option", has_text=label).click()
    expect(option(page, label)).to_be_checked()


def test_sorting_by_title_and_back_reorders_the_cards_without_a_reload(
    page: Page, rich_url: str, console: Any
) -> None:
    page.goto(rich_url + "authors/wei-chen/")
    control = page.locator(".sort-control")
    expect(control).to_be_visible()
    expect(option(page, NEWEST)).to_be_checked()
    served = titles(page)
    assert len(served) > 5 and is_newest_first(dates(page))
    assert served != by_title(served), "the fixture should order differently by date and by title"
    page.evaluate("window.notReloaded = true")

    choose(page, TITLE)
    assert titles(page) == by_title(served)
    expect(page.locator("[data-sort-status]")).to_have_text("Sorted by title, A to Z.")
    expect(page.locator(CARDS)).to_have_count(len(served))

    choose(page, NEWEST)
    assert titles(page) == served
    expect(page.locator("[data-sort-status]")).to_have_text("Sorted by date, newest first.")
    assert page.evaluate("window.notReloaded") is True
    assert console.errors == []


def test_the_choice_is_remembered_across_pages_and_reloads(page: Page, rich_url: str, console: Any) -> None:
    page.goto(rich_url + "tags/speech/")
    choose(page, TITLE)
    page.reload()
    expect(option(page, TITLE)).to_be_checked()
    assert titles(page) == by_title(titles(page))
    expect(page.locator("[data-sort-status]")).to_have_text("")  # announced on a change, not on load

    page.goto(rich_url + "page/2/")
    expect(page.locator(".sort-control legend")).to_have_text("Sort this page")
    expect(option(page, TITLE)).to_be_checked()
    shown = titles(page)
    assert shown == by_title(shown)
    choose(page, NEWEST)
    assert is_newest_first(dates(page))

    page.goto(rich_url + "years/2024/")
    expect(option(page, NEWEST)).to_be_checked()
    assert is_newest_first(dates(page))
    assert console.errors == []


def test_the_control_works_with_the_keyboard(page: Page, rich_url: str, console: Any) -> None:
    page.goto(rich_url)
    served = titles(page)
    page.locator("main").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name === 'sort'"):
            break
    newest = option(page, NEWEST)
    expect(newest).to_be_focused()
    label = page.locator(".sort-option", has=newest)
    assert label.evaluate("l => getComputedStyle(l).outlineStyle") != "none", "no visible focus"
    page.keyboard.press("ArrowRight")
    expect(option(page, TITLE)).to_be_focused()
    expect(option(page, TITLE)).to_be_checked()
    assert titles(page) == by_title(served)
    page.keyboard.press("ArrowLeft")
    expect(newest).to_be_checked()
    assert titles(page) == served
    page.keyboard.press("Tab")  # on to the first card, now first again in date order
    expect(page.locator(f"{CARDS} a").first).to_be_focused()
    assert console.errors == []


def test_without_javascript_the_control_is_hidden_and_the_order_is_by_date(
    browser: Browser, rich_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(rich_url + "authors/wei-chen/")
        expect(page.locator(".sort-control")).to_be_hidden()
        assert is_newest_first(dates(page))
    finally:
        context.close()



@pytest.mark.parametrize("width", [320, 360])
def test_on_a_phone_the_control_stays_on_one_line(page: Page, rich_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(rich_url)
    expect(page.locator(".sort-control")).to_be_visible()
    heights = page.locator(".sort-control legend, .sort-option").evaluate_all(
        "els => els.map(el => el.getClientRects().length === 1 ? el.getBoundingClientRect().height : -1)"
    )
    line = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.sort-option')).lineHeight)")
    # the label and each option a line of its own height (an option broken over two lines, "Newest /
    # first", was twice as tall), all side by side
    assert all(0 < h < 2 * line for h in heights), f"{heights} at a line height of {line}"
    tops = page.locator(".sort-control legend, .sort-option").evaluate_all(
        "els => els.map(el => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2))"
    )
    assert max(tops) - min(tops) <= 2, f"not side by side: {tops}"
