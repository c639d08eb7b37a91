"""Accessibility in a real browser: axe-core (node_modules/axe-core, from the npm registry) finds no
violation on every kind of page, in the light and the dark colour scheme, at desktop and phone
widths; and the site can be used with the keyboard alone, with a visible focus at every stop.

Like every browser test, these fail (they never skip) when Chromium, Playwright or axe-core is
missing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
# Pages of the catalogue that the rich_url fixture serves (see conftest.py)
LINKED_PAPER = "papers/mossformer2-combining-transformer-and-rnn-free-recurrent-network-for-enhanced/"
MATH_PAPER = "papers/fast-attention-in-subquadratic-time/"

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "home": "",
    "home-page-2": "page/2/",
    "paper": LINKED_PAPER,
    "paper-with-math": MATH_PAPER,
    "tag": "tags/speech/",
    "tags": "tags/",
    "author": "authors/wei-chen/",
    "authors": "authors/",
    "year": "years/2024/",
    "years": "years/",
    "search": "search/?q=speech+separation",
    "search-with-popup": "search/?q=speech+separation",
    "not-found": "404.html",
}
# What focus may land on is drawn with an outline; for these the outline is on the label.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const drawn = el.matches('.sort-option input, .facet input') ? el.closest('label') : el;
  const style = getComputedStyle(drawn);
  const box = drawn.getBoundingClientRect();
  return {
    element: el.outerHTML.slice(0, 120),
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
      && box.right > 0 && box.left < innerWidth,
  };
}"""


STOP = """() => {
  const el = document.activeElement;
  if (el.type === 'radio') return 'radio:' + el.value;
  return el.tagName.toLowerCase() + ':' + el.textContent.trim().slice(0, 40);
}"""


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"the accessibility tests need axe-core at {AXE}: run `npm ci` (or `make test`)")
    return AXE


def run_axe(page: Page, script: Path) -> list[str]:
    """axe-core's violations (default rule set: WCAG 2.x A and AA, and best practices), one line each."""
    page.add_script_tag(path=str(script))
    result: dict[str, Any] = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in result["violations"]
    ]


def open_page(page: Page, url: str, name: str) -> None:
    """The page in the state to check: results shown, the header popup open, math typeset."""
    page.goto(url)
    if name.startswith("search"):
        expect(page.locator("#search-results > li").first).to_be_visible()
        expect(page.locator("#search-facets")).to_be_visible()
    if name == "search-with-popup":
        box = page.locator("#site-search")
        box.click()
        box.press_sequentially("mossformer", delay=10)
        # the options of the whole word, not of a prefix typed before it (they would be replaced)
        expect(page.locator("#search-option-all")).to_have_attribute("href", re.compile(r"\?q=mossformer$"))
        expect(page.locator("#search-listbox [role=option]").first).to_be_visible()
        page.keyboard.press("ArrowDown")
        expect(page.locator("#search-listbox [aria-selected=true]")).to_have_count(1)
    if name == "paper":
        expect(page.locator(".paper-header .authors a")).not_to_have_count(0)
        expect(page.locator(".related li")).not_to_have_count(0)
        expect(page.locator(".copy-button")).to_be_visible()
        expect(page.locator(".links li")).to_have_count(4)
    if name == "paper-with-math":
        expect(page.locator(".abstract .katex").first).to_be_visible()
        expect(page.locator(".paper-header h1 .katex")).to_have_count(1)
    if name in ("home", "home-page-2", "tag", "author", "year"):
        expect(page.locator(".sort-control")).to_be_visible()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(
    page: Page, rich_url: str, axe_script: Path, console: Any, name: str, scheme: str, viewport: str
) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    page.emulate_media(color_scheme=scheme)
    open_page(page, rich_url + PAGES[name], name)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    violations = run_axe(page, axe_script)
    assert violations == [], f"{name} ({scheme}, {viewport}):\n" + "\n".join(violations)
    assert console.errors == []


def focus_state(page: Page) -> dict[str, Any]:
    state = page.evaluate(FOCUS_STATE)
    assert state is not None, "Tab left the page's controls"
    return state


def assert_focus_visible(page: Page) -> None:
    state = focus_state(page)
    assert state["outline"] != "none" and state["width"] >= 2, f"no visible focus on {state['element']}"
    assert state["inView"], f"focused element out of view: {state['element']}"


def tab(page: Page) -> None:
    page.keyboard.press("Tab")
    assert_focus_visible(page)


def tab_until(page: Page, selector: str, limit: int) -> list[str]:
    """Press Tab until the first element that `selector` matches has the focus; the stops on the way."""
    stops = []
    for _ in range(limit):
        tab(page)
        stops.append(page.evaluate(STOP))
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return stops
    raise AssertionError(f"{selector} not reached in {limit} Tab presses: {stops}")


def test_keyboard_header_order_then_open_a_paper_from_a_listing_with_enter(
    page: Page, rich_url: str, console: Any
) -> None:
    page.goto(rich_url + "tags/speech/")
    header = [
        page.locator(".skip-link"),
        page.locator(".brand"),
        page.locator(".site-nav a", has_text="Papers"),
        page.locator(".site-nav a", has_text="Tags"),
        page.locator(".site-nav a", has_text="Authors"),
        page.locator(".site-nav a", has_text="Years"),
        page.locator("#site-search"),
    ]
    for stop in header:
        tab(page)
        expect(stop).to_be_focused()
    expect(page.locator(".site-nav a", has_text="Tags")).to_have_attribute("aria-current", "true")

    for _ in header[1:]:
        page.keyboard.press("Shift+Tab")
        assert_focus_visible(page)
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")  # skip to the content
    expect(page.locator("main")).to_be_focused()
    stops = tab_until(page, ".paper-card-title a", limit=10)  # the heading's links, then the sort control
    assert stops[-2] == "radio:date", stops
    first = page.locator(".paper-card-title a").first
    expect(first).to_be_focused()
    href = first.get_attribute("href") or ""
    page.keyboard.press("Enter")
    page.wait_for_url(rich_url + href.lstrip("/"))
    expect(page.locator("h1")).to_be_visible()
    assert console.errors == []


def test_keyboard_copies_the_bibtex_entry(page: Page, rich_url: str, console: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(rich_url + LINKED_PAPER)
    button = page.locator(".copy-button")
    stops = tab_until(page, ".copy-button", limit=60)
    assert stops[-2] == "pre:" + (page.locator("#bibtex").text_content() or "")[:40], "the entry scrolls by keyboard"
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_text("Copied")
    expect(page.locator(".cite-box [role=status]")).to_have_text("Copied to the clipboard.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#bibtex").text_content()
    assert copied.startswith("@") and "MossFormer2" in copied
    page.keyboard.press("Space")  # the button keeps the focus and works again
    expect(button).to_be_focused()
    assert console.errors == []


@pytest.mark.parametrize("name", ["home", "paper", "paper-with-math", "tag", "tags", "author", "search"])
def test_tabbing_through_a_page_shows_the_focus_at_every_stop_and_reaches_the_footer(
    page: Page, rich_url: str, console: Any, name: str
) -> None:
    open_page(page, rich_url + PAGES[name], name)
    stops = tab_until(page, ".site-footer p:last-child a:last-child", limit=200)
    if name != "search":  # the search page starts with the focus in its field
        assert stops[0] == "a:Skip to content", stops
    assert console.errors == []


def test_the_search_popup_is_usable_with_the_keyboard_at_phone_width(
    page: Page, rich_url: str, console: Any
) -> None:
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(rich_url)
    for _ in range(7):  # skip link, brand, four nav links, then the search box
        tab(page)
    box = page.locator("#site-search")
    expect(box).to_be_focused()
    page.keyboard.type("mossformer")
    option = page.locator("#search-listbox [role=option]").first
    expect(option).to_be_visible()
    box_right = page.evaluate("document.querySelector('.search-popup').getBoundingClientRect().right")
    assert box_right <= VIEWPORTS["phone"]["width"], "the popup runs off the screen"
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_url(rich_url + LINKED_PAPER)
    assert console.errors == []


# Every text that a live region on the page is given, in order (empty ones left out).
RECORD_LIVE = """() => {
  window.liveSaid = [];
  for (const region of document.querySelectorAll('[aria-live], [role=status], [role=alert], [role=log]')) {
    new MutationObserver(() => {
      const text = region.textContent.trim();
      if (text) window.liveSaid.push(text);
    }).observe(region, { childList: true, subtree: true, characterData: true });
  }
}"""


@pytest.mark.parametrize("where", ["search page", "header box"])
def test_screen_readers_hear_the_result_count_once_the_typing_pauses(
    page: Page, rich_url: str, console: Any, where: str
) -> None:
    """Typing at an ordinary pace (a key every 0.15 s) changes the results at each key; a live
    region that followed them would read a count over every letter typed."""
    page.goto(rich_url + ("search/" if where == "search page" else ""))
    field = page.locator("#search-page-input" if where == "search page" else "#site-search")
    field.click()
    page.wait_for_timeout(1200)  # the page's own first words are said
    page.evaluate(RECORD_LIVE)
    field.press_sequentially("speech separation", delay=150)
    expected = "papers? match “speech separation”" if where == "search page" else r"results?\."
    page.wait_for_function("window.liveSaid.length > 0")
    page.wait_for_timeout(1500)
    said = page.evaluate("window.liveSaid")
    assert len(said) == 1 and re.match(r"^\d+ " + expected, said[0]), said
    assert console.errors == []


def test_a_focused_link_is_never_hidden_under_a_tall_sticky_header(page: Page, messy_url: str, console: Any) -> None:
    """A long site title wraps the sticky header onto several lines; tabbing back up a page must
    still bring each link into view below it, not under it."""
    page.set_viewport_size({"width": 1280, "height": 480})  # a short window: tabbing back scrolls the page
    page.goto(messy_url + "papers/many-authors/")
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert header > 130, "the title wraps the header onto more lines than the default padding clears"
    page.wait_for_function("document.documentElement.style.scrollPaddingTop !== ''")  # the script has measured it
    page.keyboard.press("End")
    # The End key scrolls smoothly: tabbing while that scroll still runs would find its links
    # carried up under the header by it, not by the page.
    page.wait_for_function("innerHeight + scrollY >= document.documentElement.scrollHeight - 1")
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        place = page.evaluate("""() => {
          const el = document.activeElement;
          if (el === document.body || el.closest('.site-header') || el.matches('.skip-link')) return null;
          return [el.outerHTML.slice(0, 80), el.getBoundingClientRect().bottom,
                  document.querySelector('.site-header').getBoundingClientRect().bottom];
        }""")
        if place:
            element, bottom, header_bottom = place
            assert bottom > header_bottom + 5, f"{element} is under the header"
    assert console.errors == []


def test_a_tag_pages_feed_link_says_whose_feed_it_is(page: Page, rich_url: str) -> None:
    """Read out of context (a screen reader's list of links), "feed" beside the footer's "Atom feed"
    does not say which of the two it is."""
    page.goto(rich_url + "tags/speech/")
    link = page.get_by_role("link", name="feed of the papers tagged Speech", exact=True)
    expect(link).to_have_attribute("href", "/tags/speech/feed.xml")
    expect(link.locator(".visually-hidden")).to_have_text(" of the papers tagged Speech")  # what is seen stays "feed"
