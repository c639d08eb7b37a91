"""An open tab in headless Chromium reloads by itself after an edit; a broken edit shows in it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from site_gen import config as config_mod
from site_gen.serve import Preview

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
]  # fmt: skip
BASE = "/paper-catalogue/"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as pw:
        found = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield found
        found.close()


@pytest.fixture
def preview(site_root: Path) -> Iterator[Preview]:
    config = config_mod.load(site_root, {"base_url": BASE})
    running = Preview(config, site_root / "_site", "127.0.0.1", 0)
    running.start()
    running.serve_in_background()
    yield running
    running.close()


@pytest.fixture
def tab(chromium: Browser) -> Iterator[Page]:
    """A page that fails the test on a script error or a failed request (the event stream's too)."""
    context = chromium.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert problems == []


def test_an_open_page_reloads_after_an_edit(preview: Preview, tab: Page, site_root: Path) -> None:
    tab.goto(preview.url + "papers/first-paper/")
    tab.wait_for_function("() => document.querySelector('h1').textContent.includes('First paper')")
    tab.wait_for_timeout(300)  # the event stream is open
    tab.evaluate("window.leftOpen = true")
    paper = site_root / "content" / "papers" / "first-paper.md"
    saved = time.monotonic()
    paper.write_text(paper.read_text().replace("First paper on speech", "Reloaded by itself"))
    # A new document, not a patched one (waiting survives the second reload, after the build that
    # follows the edit shown at once, where evaluating at the wrong moment would not)
    tab.wait_for_function(
        "() => window.leftOpen === undefined"
        " && document.querySelector('h1').textContent.includes('Reloaded by itself')",
        timeout=5000,
    )
    took = time.monotonic() - saved
    assert took < 5, f"save to reload took {took:.2f}s"
    print(f"save to reload in the browser: {took:.2f}s")


def test_a_broken_edit_shows_in_the_open_page_and_recovers(
    preview: Preview, tab: Page, site_root: Path
) -> None:
    tab.goto(preview.url)
    tab.wait_for_timeout(300)
    paper = site_root / "content" / "papers" / "second-paper.md"
    good = paper.read_text()
    paper.write_text(good.replace("date: 2025-03-10", "date: 2025-13-45"))
    overlay = tab.locator("#site-gen-build-error")
    overlay.wait_for(state="visible", timeout=5000)
    assert "content/papers/second-paper.md:" in overlay.inner_text()
    assert tab.locator("h1", has_text="Build failed").is_visible()
    paper.write_text(good)
    overlay.wait_for(state="detached", timeout=5000)
    assert "Second paper" in tab.content()


def test_every_one_of_many_open_tabs_loads_and_reloads(preview: Preview, chromium: Browser,
                                                        site_root: Path) -> None:
    """A browser opens at most six connections to a host: what keeps a tab listening for
    reloads must not hold one of them, or the seventh tab would never load."""
    context = chromium.new_context()
    context.set_default_timeout(5000)
    tabs = []
    try:
        for _ in range(8):
            tab = context.new_page()
            tab.goto(preview.url + "papers/first-paper/")
            tab.wait_for_function("() => document.querySelector('h1').textContent.includes('First paper')")
            tabs.append(tab)
        tabs[-1].wait_for_timeout(300)  # every tab is listening
        paper = site_root / "content" / "papers" / "first-paper.md"
        paper.write_text(paper.read_text().replace("First paper on speech", "Seen in every tab"))
        for tab in tabs:
            tab.wait_for_function("() => document.querySelector('h1').textContent.includes('Seen in every tab')")
    finally:
        context.close()
