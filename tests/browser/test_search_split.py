"""Search on a catalogue above the split threshold, in Chromium.

One generated catalogue of 2,500 papers is built twice: as it comes (above 2,000 papers: the
index split by term, search/manifest.json) under /split/, and whole (SITE_GEN_SEARCH_SHARD_ABOVE
above its size: lunr-index.json and documents.json) under /whole/. Both are served by one
server. The split site must show the results of the whole one, fetching a small part of it.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from bench.browser import AT_FIRST_RESULT, Fetches
from bench.generate import generate
from tests.browser.conftest import Console, _serve, site_gen
from tests.fixtures.search.queries import LAYOUT_QUERIES

PAPERS = 2500
RESULT = "#search-results .paper-card-title a"


@dataclass(frozen=True)
class Served:
    url: str  # the server's root: the sites are at url + "split/" and url + "whole/"
    folder: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("split-search")
    project = generate(root / "project", PAPERS, seed=3).root
    site = root / "served"
    site_gen("build", "--root", str(project), "--base-url", "/split/", "--out", str(site / "split"), cwd=project)
    saved = os.environ.get("SITE_GEN_SEARCH_SHARD_ABOVE")
    os.environ["SITE_GEN_SEARCH_SHARD_ABOVE"] = str(10 * PAPERS)
    try:
        site_gen("build", "--root", str(project), "--base-url", "/whole/", "--out", str(site / "whole"), cwd=project)
    finally:
        if saved is None:
            del os.environ["SITE_GEN_SEARCH_SHARD_ABOVE"]
        else:
            os.environ["SITE_GEN_SEARCH_SHARD_ABOVE"] = saved
    assert (site / "split" / "search" / "manifest.json").is_file()
    assert not (site / "split" / "search" / "lunr-index.json").exists()
    assert (site / "whole" / "search" / "lunr-index.json").is_file()
    for url in _serve(site, "/"):
        yield Served(url, site)


def gzip_size(data: bytes) -> int:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return len(compressor.compress(data) + compressor.flush())


def result_links(page: Page, at_least: int) -> list[str]:
    """The links of the results shown, once there are ``at_least``, without the site's folder."""
    page.wait_for_function(f"document.querySelectorAll({RESULT!r}).length >= {at_least}")
    hrefs = page.eval_on_selector_all(RESULT, "links => links.map((a) => a.getAttribute('href'))")
    return [re.sub(r"^/(split|whole)/", "/", h) for h in hrefs]


def results_page(page: Page, url: str) -> tuple[list[str], str]:
    """The links of the first fifty results of a search page, and its status line."""
    page.goto(url)
    links = result_links(page, 50)
    return links, page.text_content("#search-status") or ""


def test_search_page_shows_the_whole_index_results_for_a_few_files(
    page: Page, served: Served, console: Console
) -> None:
    page.add_init_script(AT_FIRST_RESULT)  # what the page and its worker have when the first result appears
    fetches = Fetches(page)
    split, split_status = results_page(page, served.url + "split/search/?q=transformer")
    first = [urlsplit(url).path.lstrip("/") for url in fetches.at_first_result(page)]
    whole, whole_status = results_page(page, served.url + "whole/search/?q=transformer")
    assert split == whole and len(split) == 50
    assert split_status == whole_status and "papers match" in split_status
    files = [served.folder / path for path in first if path.startswith("split/search/") and path.endswith(".json")]
    assert served.folder / "split/search/manifest.json" in files
    assert not any(f.name in ("lunr-index.json", "documents.json") for f in files)
    # The first ten results are shown with their documents; the other forty follow.
    assert 1 <= sum(re.fullmatch(r"d\d+\.json", f.name) is not None for f in files) <= 10, files
    gzipped = sum(gzip_size(f.read_bytes()) for f in files)
    everything = sum(gzip_size(f.read_bytes()) for f in (served.folder / "split/search").rglob("*.json"))
    assert gzipped < min(100_000, everything / 25), (gzipped, everything)
    # Until the page names its index (data-index), the engine first asks for the whole one.
    assert all("lunr-index.json" in e or "documents.json" in e for e in console.errors), console.errors


def test_header_box_shows_the_same_papers(page: Page, served: Served) -> None:
    titles = {}
    for name in ("split", "whole"):
        page.goto(served.url + name + "/")
        page.fill(".site-header .search-input", "speech separation")
        page.wait_for_selector(".search-option-title")
        titles[name] = page.eval_on_selector_all(".search-option-title", "els => els.map((e) => e.textContent)")
    assert titles["split"] == titles["whole"] and len(titles["split"]) == 8


def test_engine_gives_the_whole_index_top_ten_for_every_kind_of_query(
    page: Page, served: Served
) -> None:
    page.goto(served.url + "split/search/")
    page.wait_for_function("() => window.SiteSearchEngine")
    report: dict[str, Any] = page.evaluate(
        """async (queries) => {
          const top = async (engine, q) => {
            try {
              return (await engine.search(q)).slice(0, 10).map((r) => [r.ref, r.score]);
            } catch (error) {
              return error.name + ': ' + error.message;
            }
          };
          const whole = await SiteSearchEngine.load({ base: '/whole/', index: '/whole/search/lunr-index.json' });
          const differ = [];
          let compared = 0;
          for (const q of queries) {
            // in the page: a fresh engine per query (no shard loaded yet) without a worker each
            const split = await SiteSearchEngine.load(
              { base: '/split/', index: '/split/search/manifest.json', worker: false });
            const a = await top(split, q);
            const b = await top(whole, q);
            compared += 1;
            if (JSON.stringify(a) !== JSON.stringify(b)) differ.push({ q, split: a, whole: b });
          }
          return { compared, differ };
        }""",
        LAYOUT_QUERIES,
    )
    assert report["compared"] == len(LAYOUT_QUERIES)
    assert report["differ"] == []


WORKER_QUERIES = ["transformer", "language model benchmark evaluation", "quantizat", "title:mamba",
                  "+speech -diffusion", "sp*ch", "zzzzunknown", "title:"]


def test_the_worker_engine_gives_the_page_engine_results_and_the_page_runs_no_query(
    page: Page, served: Served
) -> None:
    page.goto(served.url + "split/search/")
    page.wait_for_function("() => window.SiteSearchEngine")
    report: dict[str, Any] = page.evaluate(
        """async (queries) => {
          const options = { base: '/split/', index: '/split/search/manifest.json' };
          const here = await SiteSearchEngine.load(Object.assign({ worker: false }, options));
          const there = await SiteSearchEngine.load(options);
          let pageQueries = 0;
          const query = lunr.Index.prototype.query;
          lunr.Index.prototype.query = function (...args) { pageQueries += 1; return query.apply(this, args); };
          const outcome = async (engine, q) => {
            try {
              const results = await engine.search(q, { tags: true, documents: 10 });
              await engine.documents(results.slice(0, 20));
              return {
                count: results.length,
                top: results.slice(0, 20).map((r) => [r.ref, r.score, [...r.terms].sort(), r.doc]),
                // every result's tags (a document that is not shown may have them in another order)
                tags: results.map((r) => [...r.doc.tags].sort().join(' ')),
              };
            } catch (error) {
              return error.name + ': ' + error.message;
            }
          };
          const differ = [];
          let inWorker = 0;
          for (const q of queries) {
            const before = pageQueries;
            const b = await outcome(there, q);
            inWorker += pageQueries - before;
            const a = await outcome(here, q);
            if (JSON.stringify(a) !== JSON.stringify(b)) differ.push({ q, page: a, worker: b });
          }
          // Searches with the same options while one runs: the newest replaces the one waiting.
          const settled = await Promise.allSettled(['speech', 'mamba', 'transformer'].map((q) => there.search(q)));
          const last = await here.search('transformer');
          return {
            differ, inWorker, termOf: there.termOf('Separations'), size: [here.size, there.size],
            settled: settled.map((s) => s.status === 'fulfilled' ? s.value.length : s.reason.name),
            last: last.length,
          };
        }""",
        WORKER_QUERIES,
    )
    assert report["differ"] == []
    assert report["inWorker"] == 0  # lunr.js ran the worker engine's queries in the worker
    assert len(page.workers) >= 1
    assert report["termOf"] == "separ"
    assert report["size"] == [PAPERS, PAPERS]
    assert report["settled"][1] == "Superseded"
    assert report["settled"][0] > 0 and report["settled"][2] == report["last"] > 0


def test_show_more_appends_the_next_results_in_order_and_keeps_the_focus(page: Page, served: Served) -> None:
    shown = {}
    for name in ("split", "whole"):
        first, status = results_page(page, served.url + name + "/search/?q=transformer")
        total = int(re.sub(r"\D", "", status.split(" papers")[0]))
        assert total > 50 and page.text_content("#search-more") == f"Show {min(50, total - 50)} more"
        page.focus("#search-more")
        page.keyboard.press("Enter")
        shown[name] = result_links(page, min(100, total))
        assert shown[name][:50] == first
        if total > 100:  # the button is still there, focused, for the next step
            page.wait_for_function(f"document.querySelector('#search-more').textContent === "
                                   f"'Show {min(50, total - 100)} more'")
            assert page.evaluate("document.activeElement.id") == "search-more"
    assert shown["split"] == shown["whole"]


def test_back_from_a_result_shows_the_list_as_it_was_with_that_result_focused(page: Page, served: Served) -> None:
    """The browser loads the search page again (Chromium run by Playwright keeps no page in its
    back-forward cache): the results, their number and the place in them come back all the same."""
    for name in ("split", "whole"):
        page.goto(served.url + name + "/search/?q=transformer")
        result_links(page, 50)
        page.click("#search-more")
        links = result_links(page, 100)
        chosen = page.locator(RESULT).nth(70)
        href = chosen.get_attribute("href")
        chosen.focus()
        where = page.evaluate("scrollY")
        assert where > 1000
        page.keyboard.press("Enter")
        page.wait_for_url("**/papers/**")
        page.go_back()
        assert result_links(page, 100) == links
        page.wait_for_function("document.activeElement.matches('#search-results a')")
        assert page.evaluate("document.activeElement.getAttribute('href')") == href
        assert abs(page.evaluate("scrollY") - where) < 5
        assert page.input_value("#search-page-input") == "transformer"


class HeldShards:
    """Term shards asked for while ``on``, answered when it is turned off: a slow search."""

    def __init__(self, page: Page) -> None:
        self.routes: list[Any] = []
        self.on = True
        page.route(re.compile(r".*/search/[0-9a-f]+/t\d+\.json$"), self.hold)

    def hold(self, route: Any) -> None:
        if self.on:
            self.routes.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        assert self.routes, "the query needed no shard that was not loaded"
        self.on = False
        for route in self.routes:
            route.continue_()


def test_a_search_that_takes_a_while_says_it_is_searching(page: Page, served: Served) -> None:
    results_page(page, served.url + "split/search/?q=speech")
    held = HeldShards(page)
    page.fill("#search-page-input", "automatic")
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('Searching for')")
    assert page.text_content("#search-status") == "Searching for “automatic”…"
    held.release()
    page.wait_for_function("/papers? match/.test(document.querySelector('#search-status').textContent)")


def test_the_header_box_says_it_is_searching_while_a_search_takes_a_while(page: Page, served: Served) -> None:
    page.goto(served.url + "split/")
    page.fill(".site-header .search-input", "speech")
    page.wait_for_selector(".search-option-title")
    held = HeldShards(page)
    page.fill(".site-header .search-input", "automatic")
    page.wait_for_selector(".search-popup-msg:has-text('Searching…')")
    held.release()
    page.wait_for_selector(".search-option-title")
    assert page.is_hidden(".search-popup-msg")
