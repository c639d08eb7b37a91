"""Search in a real browser: the header box, the /search/ page, tag facets, query errors,
at the site root and under a sub-path base URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LINKED_PAPER

pytestmark = pytest.mark.browser

SUB_PATH = "/paper-catalogue/"  # the sub_url fixture serves the sub-path build here

MOSS = "papers/mossformer2-combining-transformer-and-rnn-free-recurrent-network-for-enhanced/"
OPTIONS = "#search-listbox [role=option]"
RESULTS = "#search-results > li"


def type_in_header(page: Page, text: str) -> None:
    box = page.locator("#site-search")
    box.click()
    box.press_sequentially(text, delay=15)


def result_count(page: Page) -> int:
    status = page.locator("#search-status")
    expect(status).to_have_text(re.compile(r"^\d+ papers? (of|match)"))
    return int(status.inner_text().split()[0])


def facets(page: Page) -> dict[str, int]:
    """Facet name -> count, as shown."""
    found = {}
    for label in page.locator("#search-facets .facet").all():
        name = label.locator(".facet-name").inner_text()
        found[name] = int(label.locator(".facet-count").inner_text().split()[0])
    return found


def result_tags(page: Page) -> list[list[str]]:
    return [item.locator(".tag").all_inner_texts() for item in page.locator(RESULTS).all()]


# ---- the header box ----


def test_header_box_shows_results_as_you_type_and_a_click_opens_the_paper(
    page: Page, root_url: str, console: Any
) -> None:
    page.goto(root_url)
    type_in_header(page, "monaural speech separation")
    first = page.locator(OPTIONS).first
    expect(first).to_contain_text("MossFormer2")
    expect(page.locator("#site-search")).to_have_attribute("aria-expanded", "true")
    expect(first.locator("mark").first).to_be_visible()
    first.click()
    page.wait_for_url(root_url + MOSS)
    expect(page.locator("h1")).to_contain_text("MossFormer2")
    assert console.errors == []


def test_header_box_keyboard_arrows_enter_and_escape(
    page: Page, root_url: str, console: Any
) -> None:
    page.goto(root_url)
    type_in_header(page, "mossformer2 monaural")
    box = page.locator("#site-search")
    # The results of the whole query, not of the words typed before it (a slow machine may show those first)
    expect(page.locator("#search-option-all")).to_have_attribute("href", re.compile(r"\?q=mossformer2\+monaural$"))
    expect(page.locator(OPTIONS).first).to_contain_text("MossFormer2")
    page.keyboard.press("Escape")
    expect(page.locator(".search-popup")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("mossformer2 monaural")
    page.keyboard.press("ArrowDown")  # reopens
    expect(page.locator(OPTIONS).first).to_be_visible()
    page.keyboard.press("ArrowDown")
    first = page.locator(OPTIONS).first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    page.keyboard.press("Enter")
    page.wait_for_url(root_url + MOSS)
    assert console.errors == []


def test_typing_after_choosing_a_result_leaves_it_and_enter_searches_the_new_words(
    page: Page, root_url: str, console: Any
) -> None:
    page.goto(root_url)
    type_in_header(page, "speech")
    box = page.locator("#site-search")
    expect(page.locator(OPTIONS).first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator(OPTIONS).first).to_have_attribute("aria-selected", "true")
    # At once, while the popup still shows the results of "speech": none is chosen any more.
    box.press("Space")
    chosen = "[document.activeElement.getAttribute('aria-activedescendant'), " \
        "document.querySelectorAll('[role=option][aria-selected=true]').length]"
    assert page.evaluate(chosen) == [None, 0]
    box.press("s")
    box.press("Enter")
    page.wait_for_url(root_url + "search/?q=speech+s")
    assert console.errors == []


def test_header_box_enter_without_a_selection_opens_the_search_page(
    page: Page, root_url: str, console: Any
) -> None:
    page.goto(root_url + "tags/")
    type_in_header(page, "mixture of experts")
    expect(page.locator(OPTIONS).first).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(root_url + "search/?q=mixture+of+experts")
    expect(page.locator("#search-page-input")).to_have_value("mixture of experts")
    assert result_count(page) >= 5
    expect(page.locator(RESULTS).first).to_contain_text("Mixture of Experts")
    assert console.errors == []


def test_header_box_loads_the_index_only_when_used(page: Page, root_url: str, console: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(root_url, wait_until="networkidle")
    assert not [u for u in requested if "lunr" in u or u.endswith(".json")], requested
    with page.expect_response(lambda r: r.url.endswith("/search/lunr-index.json")) as index:
        page.locator("#site-search").focus()
    assert index.value.ok
    assert console.errors == []


def test_slash_focuses_the_header_box_unless_typing_in_a_field(page: Page, root_url: str) -> None:
    page.goto(root_url + MOSS)
    page.locator("h1").click()
    page.keyboard.press("/")
    box = page.locator("#site-search")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    page.keyboard.type("a/b")
    expect(box).to_have_value("a/b")
    page.goto(root_url + "search/")
    field = page.locator("#search-page-input")
    expect(field).to_be_focused()
    page.keyboard.type("x/")
    expect(field).to_have_value("x/")
    page.locator("h1").click()
    page.keyboard.press("/")  # on the search page, its own field
    expect(field).to_be_focused()
    expect(field).to_have_value("x/")


def test_slash_from_a_checkbox_or_button_focuses_the_search_field(page: Page, root_url: str) -> None:
    page.goto(root_url + "search/?q=speech")
    field = page.locator("#search-page-input")
    box = page.locator("#search-facets input[type=checkbox]").first
    box.focus()
    page.keyboard.press("/")  # a checkbox takes no text
    expect(field).to_be_focused()
    expect(box).not_to_be_checked()


def test_partial_words_find_papers(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url)
    type_in_header(page, "mossfor")
    expect(page.locator(OPTIONS).first).to_contain_text("MossFormer2")
    box = page.locator("#site-search")
    box.fill("")
    box.press_sequentially("quantizat", delay=15)
    expect(page.locator(OPTIONS).first).to_contain_text(re.compile("Quantiz", re.I))
    assert console.errors == []


def test_header_box_reports_an_unparsable_query(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url)
    type_in_header(page, "title:")
    message = page.locator(".search-popup-msg")
    expect(message).to_be_visible()
    expect(message).to_contain_text("title:mamba")
    expect(page.locator(OPTIONS)).to_have_count(0)
    assert console.errors == []


# ---- the search page ----


def test_search_page_reads_q_and_shows_counted_highlighted_results(
    page: Page, root_url: str, console: Any
) -> None:
    page.goto(root_url + "search/?q=quantization")
    count = result_count(page)
    assert count >= 3
    expect(page.locator("#search-status")).to_have_text(f"{count} papers match “quantization”.")
    expect(page.locator(RESULTS)).to_have_count(count)
    first = page.locator(RESULTS).first
    assert (first.locator("h2 a").get_attribute("href") or "").startswith("/papers/")
    expect(first.locator("time")).to_have_text("11 Mar 2025")
    marks = {m.lower() for m in page.locator(f"{RESULTS} mark").all_inner_texts()}
    assert marks and all(m.startswith("quantiz") for m in marks), marks
    assert all(tags for tags in result_tags(page))
    assert console.errors == []


def test_search_page_updates_the_url_as_you_type_and_back_restores_it(
    page: Page, root_url: str, console: Any
) -> None:
    page.goto(root_url + "search/")
    page.locator("#search-page-input").press_sequentially("mamba", delay=15)
    page.wait_for_url(root_url + "search/?q=mamba")
    count = result_count(page)
    assert count >= 1
    assert page.title().startswith("mamba · ")
    page.locator(f"{RESULTS} h2 a").first.click()
    page.wait_for_url(re.compile(r"/papers/"))
    page.go_back()
    page.wait_for_url(root_url + "search/?q=mamba")
    expect(page.locator("#search-page-input")).to_have_value("mamba")
    assert result_count(page) == count
    assert console.errors == []


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("title:mamba", lambda title: "mamba" in title.lower()),
        ("+speech -synthesis", lambda title: "synthesis" not in title.lower()),
        ("quantiz*", lambda title: True),
    ],
)
def test_lunr_query_syntax(
    page: Page, root_url: str, console: Any, query: str, check: Callable[[str], bool]
) -> None:
    page.goto(root_url + "search/?q=" + quote_plus(query))
    assert result_count(page) >= 1
    titles = page.locator(f"{RESULTS} h2").all_inner_texts()
    assert titles and all(check(t) for t in titles), titles
    assert console.errors == []


@pytest.mark.parametrize("query", ["speech:", ":", "^", "mamba^", "title:", "+", "speech~x"])
def test_unparsable_query_shows_a_friendly_message(
    page: Page, root_url: str, console: Any, query: str
) -> None:
    page.goto(root_url + "search/?q=" + quote_plus(query))
    notice = page.locator("#search-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("could not be read")
    expect(page.locator(RESULTS)).to_have_count(0)
    expect(page.locator("#search-page-input")).to_have_value(query)
    assert console.errors == []


@pytest.mark.parametrize("query", ["*", "-*", "title:*", "speech *"])
def test_a_wildcard_without_letters_is_explained_at_once(
    page: Page, root_url: str, console: Any, query: str
) -> None:
    """lunr.js would take a lone `*` for every term of the index: tens of seconds on a large catalogue."""
    page.goto(root_url + "search/?q=" + quote_plus(query))
    notice = page.locator("#search-notice")
    expect(notice).to_contain_text("A “*” stands for the rest of a word")
    expect(page.locator(RESULTS)).to_have_count(0)
    type_in_header(page, query)
    expect(page.locator(".search-popup-msg")).to_contain_text("as in quantiz*")
    assert console.errors == []


def test_a_lone_backslash_is_explained_as_a_backslash(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url + "search/?q=" + quote_plus("speech \\"))
    notice = page.locator("#search-notice")
    expect(notice).to_contain_text("A “\\” alone has no meaning: it makes the character after it part of a word.")
    expect(notice).not_to_contain_text("*")
    notice.get_by_role("link", name="Search for “speech” instead").click()
    assert result_count(page) >= 10
    type_in_header(page, "\\")
    expect(page.locator(".search-popup-msg")).to_contain_text("A “\\” alone has no meaning")
    assert console.errors == []


@pytest.mark.parametrize("query", ["speech~3", "representations~12", "title:mamba~8 speech"])
def test_a_large_edit_distance_is_explained_at_once(page: Page, root_url: str, console: Any, query: str) -> None:
    """lunr.js's fuzzy terms grow exponentially with the edit distance: `representations~12` took
    more memory than a tab has, and `speech~8` ten seconds."""
    page.goto(root_url + "search/?q=" + quote_plus(query))
    notice = page.locator("#search-notice")
    expect(notice).to_contain_text("could not be read")
    expect(notice).to_contain_text("A “~” allows at most 2 typos in a word, as in speach~1")
    expect(page.locator(RESULTS)).to_have_count(0)
    type_in_header(page, query)
    expect(page.locator(".search-popup-msg")).to_contain_text("A “~” allows at most 2 typos in a word")
    page.goto(root_url + "search/?q=" + quote_plus("speech~2"))  # the limit itself is searched
    expect(page.locator(RESULTS).first).to_be_visible()
    assert console.errors == []


def test_only_common_words_are_named_as_too_common(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url + "search/?q=" + quote_plus("The of and the"))
    expect(page.locator("#search-status")).to_have_text(
        "“the”, “of” and “and” are too common to search for: add a word that says more."
    )
    type_in_header(page, "a")
    popup = page.locator(".search-popup-msg")
    expect(popup).to_have_text("“a” is too common to search for: add a word that says more.")
    page.goto(root_url + "search/?q=" + quote_plus("the zzzzunknown"))  # a word that says more, found nowhere
    expect(page.locator("#search-status")).to_have_text("No papers match “the zzzzunknown”.")
    assert console.errors == []


def test_no_match_suggests_allowing_a_typo_and_browsing(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url + "search/?q=" + quote_plus("mosformer sepration"))
    expect(page.locator("#search-status")).to_have_text("No papers match “mosformer sepration”.")
    notice = page.locator("#search-notice")
    expect(notice).to_have_text(
        "Check the spelling, or search for “mosformer~1 sepration~1”, which allows a typo in each word."
        " Or browse the tag index or the list of papers."
    )
    expect(notice.locator("a")).to_have_text(["search for “mosformer~1 sepration~1”", "tag index", "list of papers"])
    retry = notice.get_by_role("link", name="search for “mosformer~1 sepration~1”")
    expect(retry).to_have_attribute("href", "/search/?q=mosformer%7E1+sepration%7E1")  # opens in a new tab too
    page.set_viewport_size({"width": 360, "height": 740})
    assert retry.evaluate("a => a.getClientRects().length") >= 2, "the link wraps in its sentence, not as a block"
    retry.click()
    page.wait_for_url(root_url + "search/?q=mosformer%7E1+sepration%7E1")
    expect(page.locator(RESULTS).first).to_contain_text("MossFormer2")
    expect(notice).to_be_hidden()
    page.goto(root_url + "search/?q=" + quote_plus("zzzzunknown~1"))  # nothing left to loosen
    expect(notice).to_have_text("Check the spelling. Or browse the tag index or the list of papers.")
    assert console.errors == []


def test_a_long_query_is_quoted_back_shortened(page: Page, root_url: str, console: Any) -> None:
    """A pasted paragraph is searched whole, but the status line (which a screen reader reads out)
    and the tab's title repeat only its beginning."""
    query = "speech separation " * 40
    page.goto(root_url + "search/?q=" + quote_plus(query))
    start = query[:60].rstrip() + "…"
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d+ papers match “" + re.escape(start) + r"”\.$"))
    assert page.title().startswith(start + " · Search")
    assert page.input_value("#search-page-input") == query
    page.set_viewport_size({"width": 360, "height": 740})
    word = "x" * 200
    for text in (word, word + ":"):  # one word a phone cannot fit, offered back in a link
        page.goto(root_url + "search/?q=" + quote_plus(text))
        expect(page.locator("#search-notice a").first).to_contain_text("x" * 59 + "…")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"{text[-5:]} widens the page"
        assert word not in (page.locator("#search-notice").text_content() or "")
    assert console.errors == []


def test_unparsable_query_offers_the_plain_words(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url + "search/?q=" + quote_plus("speech:"))
    page.get_by_role("link", name="Search for “speech” instead").click()
    page.wait_for_url(root_url + "search/?q=speech")
    assert result_count(page) >= 10
    expect(page.locator("#search-notice")).to_be_hidden()
    assert console.errors == []


def test_tag_facets_narrow_results_with_counts(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url + "search/?q=speech")
    total = result_count(page)
    shown = facets(page)
    assert shown["Speech"] <= total and shown["Quantization"] >= 1
    assert all(0 < n <= total for n in shown.values())

    page.locator(".facet", has_text="Quantization").click()
    page.wait_for_url(root_url + "search/?q=speech&tag=quantization")
    narrowed = shown["Quantization"]
    expect(page.locator(RESULTS)).to_have_count(narrowed)
    assert all("Quantization" in tags for tags in result_tags(page))
    expect(page.locator("#search-status")).to_contain_text(f"{narrowed} paper")
    assert facets(page)["Quantization"] == narrowed

    others = {name: n for name, n in facets(page).items() if name != "Quantization"}
    second, expected = next(iter(others.items()))
    page.locator(".facet", has_text=second).click()
    expect(page.locator(RESULTS)).to_have_count(expected)  # all selected tags (AND)
    assert all({"Quantization", second} <= set(tags) for tags in result_tags(page))
    expect(page.locator("#search-facets legend")).to_contain_text("all selected tags")

    page.go_back()
    page.wait_for_url(root_url + "search/?q=speech&tag=quantization")
    expect(page.locator(RESULTS)).to_have_count(narrowed)
    page.get_by_role("button", name="Clear tags").click()
    expect(page.locator(RESULTS)).to_have_count(total)
    assert console.errors == []


def test_tag_filter_from_the_url_and_names_shown_as_text(
    page: Page, root_url: str, console: Any
) -> None:
    page.goto(root_url + "search/?q=recurrent&tag=recurrent-networks")
    name = "Recurrent <networks> & RNNs"
    expect(page.locator(".facet", has_text=name).locator("input")).to_be_checked()
    count = facets(page)[name]
    expect(page.locator(RESULTS)).to_have_count(count)
    assert all(name in tags for tags in result_tags(page))
    assert console.errors == []


def test_a_tag_without_words_links_to_the_tag_page(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url + "search/?tag=recurrent-networks")
    expect(page.locator("#search-status")).to_contain_text("Type words to search the papers tagged")
    link = page.locator("#search-notice a")
    expect(link).to_have_text("Recurrent <networks> & RNNs")
    assert link.get_attribute("href") == "/tags/recurrent-networks/"
    page.fill("#search-page-input", "recurrent")
    expect(page.locator(RESULTS).first).to_be_visible()
    expect(page.locator("#search-notice")).to_be_hidden()
    assert console.errors == []


def test_a_quoted_phrase_is_said_to_be_searched_word_by_word(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url + "search/?q=%22speech+separation%22")
    expect(page.locator("#search-status")).to_contain_text("papers match")
    expect(page.locator("#search-status")).to_contain_text("Words in quotes are searched one by one, not as a phrase.")
    page.fill("#search-page-input", "speech separation")
    expect(page.locator("#search-status")).not_to_contain_text("quotes")
    assert console.errors == []


# ---- when the index does not come ----

BROKEN = {
    "index missing": ("**/search/lunr-index.json", lambda route: route.fulfill(status=404, body="Not found")),
    "offline": ("**/search/lunr-index.json", lambda route: route.abort("internetdisconnected")),
    "engine script missing": ("**/search-engine.js*", lambda route: route.fulfill(status=404, body="Not found")),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_search_that_cannot_load_says_so_and_offers_the_listings(page: Page, root_url: str, case: str) -> None:
    pattern, handler = BROKEN[case]
    page.route(pattern, handler)
    page.goto(root_url + "search/?q=speech")
    notice = page.locator("#search-notice")
    expect(notice).to_contain_text("Search could not load its index.")
    expect(notice.locator("a")).to_have_text(["tag index", "list of papers"])
    expect(page.locator("#search-announce")).to_contain_text("Search could not load its index.")
    page.goto(root_url)
    type_in_header(page, "speech")
    expect(page.locator(".search-popup-msg")).to_have_text("Search is not available right now.")
    expect(page.locator(".search-live")).to_have_text("Search is not available right now.")  # heard, not only seen


def test_an_index_still_loading_after_a_while_says_so(page: Page, root_url: str) -> None:
    held: list[Any] = []
    page.route("**/search/lunr-index.json", lambda route: held.append(route))  # never answered: a stalled connection
    page.goto(root_url + "search/?q=speech")
    expect(page.locator("#search-status")).to_have_text("Loading the search index…")
    notice = page.locator("#search-notice")
    expect(notice).to_contain_text("still loading", timeout=9000)
    expect(notice.locator("a")).to_have_text(["tag index", "list of papers"])
    expect(page.locator("#search-announce")).to_contain_text("still loading")
    page.goto(root_url)
    type_in_header(page, "speech")
    expect(page.locator(".search-popup-msg")).to_have_text("Loading the search index…")
    expect(page.locator(".search-popup-msg")).to_contain_text("still loading", timeout=9000)
    expect(page.locator(".search-live")).to_contain_text("still loading")
    assert held


def test_search_page_without_javascript_points_to_the_tags(page: Page, root_url: str) -> None:
    # Chromium driven over CDP still parses <noscript> as text, so check what it holds.
    page.goto(root_url + "search/?q=speech")
    fallback = page.locator("main noscript").text_content() or ""
    assert "Search needs JavaScript" in fallback
    assert 'href="/tags/"' in fallback
    expect(page.get_by_text("Search needs JavaScript")).to_be_hidden()


# ---- under a sub-path base URL ----


def test_header_search_under_a_sub_path(page: Page, sub_url: str, console: Any) -> None:
    assert sub_url.endswith(SUB_PATH)
    page.goto(sub_url + "tags/")
    type_in_header(page, "mossformer2 monaural")
    first = page.locator(OPTIONS).first
    expect(first).to_contain_text("MossFormer2")
    assert first.get_attribute("href") == SUB_PATH + MOSS
    first.click()
    page.wait_for_url(sub_url + MOSS)
    page.locator("#site-search").focus()
    page.keyboard.type("speech")
    expect(page.locator(OPTIONS).first).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(sub_url + "search/?q=speech")
    assert result_count(page) >= 10
    hrefs = page.locator(f"{RESULTS} a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs and all(h.startswith(SUB_PATH) for h in hrefs), hrefs
    page.locator(".facet", has_text="Quantization").click()
    page.wait_for_url(sub_url + "search/?q=speech&tag=quantization")
    assert console.errors == []


@pytest.mark.parametrize("where", ["root", "sub"])
def test_no_console_errors_on_any_kind_of_page(
    page: Page, root_url: str, sub_url: str, console: Any, where: str
) -> None:
    base = root_url if where == "root" else sub_url
    for path in ["", "page/2/", MOSS, "tags/", "tags/speech/", "search/?q=speech", "404.html"]:
        page.goto(base + path, wait_until="networkidle")
        page.locator("#site-search").focus()
        page.keyboard.type("speech")
        expect(page.locator(OPTIONS).first).to_be_visible()
    assert console.errors == []


LAYOUT_SHIFTS = """
window.__shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.mark.parametrize("width", [390, 1280])
def test_pages_do_not_shift_while_search_results_arrive(
    page: Page, root_url: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    page.add_init_script(LAYOUT_SHIFTS)
    for path in ["", MOSS, "tags/", "search/?q=speech", "search/?q=speech%3A"]:
        page.goto(root_url + path, wait_until="networkidle")
        page.wait_for_timeout(200)
        shift = page.evaluate("window.__shift")
        assert shift < 0.02, f"{path}: cumulative layout shift {shift:.3f}"


def test_many_facets_fold_behind_a_toggle(page: Page, root_url: str, console: Any) -> None:
    page.goto(root_url + "search/?q=model")
    result_count(page)
    toggle = page.locator(".facet-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".facet")).to_have_count(8)
    total = int(re.findall(r"\d+", toggle.inner_text())[0])
    assert total > 8
    toggle.click()
    expect(page.locator(".facet")).to_have_count(total)
    expect(page.locator(".facet-toggle")).to_be_focused()
    page.locator(".facet-toggle").click()
    expect(page.locator(".facet")).to_have_count(8)
    expect(page.locator(".facet-toggle")).to_have_attribute("aria-expanded", "false")
    page.locator(".facet-toggle").click()
    last = page.locator(".facet").last
    name = last.locator(".facet-name").inner_text()
    count = int(last.locator(".facet-count").inner_text().split()[0])
    last.click()
    expect(page.locator(RESULTS)).to_have_count(count)
    expect(page.locator(".facet", has_text=name).locator("input")).to_be_checked()
    assert console.errors == []


@pytest.mark.parametrize(
    "title",
    [
        "MossFormer2: Combining Transformer and RNN-Free Recurrent Network",
        "NUPES : Non-Uniform Post-Training Quantization via Power Exponent Search",
    ],
)
def test_a_pasted_title_with_a_colon_finds_the_paper(
    page: Page, root_url: str, console: Any, title: str
) -> None:
    page.goto(root_url)
    page.locator("#site-search").fill(title)
    expect(page.locator(OPTIONS).first).to_contain_text(title.split(":")[0].strip())
    assert console.errors == []


@pytest.mark.parametrize("query", ["речи", "Иван", "张伟", "title:Разделение"])
def test_words_in_any_script_are_found_and_highlighted(page: Page, messy_url: str, console: Any, query: str) -> None:
    page.goto(messy_url + "search/?q=" + quote_plus(query))
    expect(page.locator(RESULTS)).to_have_count(1)
    expect(page.locator(RESULTS).first.locator("h2 a")).to_have_attribute("href", "/papers/razdelenie-rechi/")
    word = query.split(":")[-1].lower()
    marks = {m.lower() for m in page.locator(f"{RESULTS} mark").all_inner_texts()}
    assert marks == {word}, marks  # in the title, the snippet or the authors
    expect(page.locator(f"{RESULTS} .meta .authors")).to_have_text("Иван Петров, 张伟")
    assert console.errors == []


def test_a_query_in_a_right_to_left_script_reads_right_to_left(page: Page, root_url: str) -> None:
    page.goto(root_url + "search/")
    for field in ("#site-search", "#search-page-input"):
        page.locator(field).fill("זיהוי דיבור 2025")
        assert page.locator(field).evaluate("el => el.matches(':dir(rtl)')"), f"{field} reads Hebrew right to left"
        page.locator(field).fill("speech")
        assert page.locator(field).evaluate("el => el.matches(':dir(ltr)')"), f"{field} reads English left to right"


@pytest.mark.parametrize(
    "pasted", ["https://arxiv.org/pdf/2312.11825v2", "arXiv:2312.11825", "doi:10.1000/example.2312.11825"]
)
def test_a_pasted_arxiv_link_or_doi_finds_the_paper(page: Page, rich_url: str, console: Any, pasted: str) -> None:
    page.goto(rich_url)
    page.locator("#site-search").fill(pasted)
    expect(page.locator(OPTIONS).first).to_have_attribute("href", "/" + LINKED_PAPER)
    page.locator("#site-search").press("Enter")
    expect(page.locator(RESULTS)).to_have_count(1)
    expect(page.locator(RESULTS).first.locator("h2 a")).to_have_attribute("href", "/" + LINKED_PAPER)
    assert console.errors == []


def test_the_quick_results_name_the_authors(page: Page, messy_url: str, console: Any) -> None:
    page.goto(messy_url)
    page.locator("#site-search").fill("Иван")
    option = page.locator(OPTIONS).first
    expect(option.locator(".search-option-meta")).to_have_text("8 Mar 2025 · Иван Петров, 张伟")
    expect(option.locator(".search-option-meta mark")).to_have_text("Иван")
    assert console.errors == []
