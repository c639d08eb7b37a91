"""The bytes a real browser fetches before the first search result, whatever the layout.

Serves the built site on a local port, opens `/search/?q=QUERY` in headless Chromium
(Playwright, Debian's `/usr/bin/chromium`), notes the moment the first link to a paper is
added to the results, and takes the requests of the page and of its workers (the search
engine runs in one) whose responses had arrived by then: requests made right after are not
counted. Each is mapped back to its file and measured raw and gzipped (a host compresses on
the fly; the local server does not). Optional: without Playwright or Chromium the measurement
is skipped and says why.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from bench.node import TYPICAL_QUERY
from bench.search import gzip_size

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
FIRST_RESULT = '#search-results a[href*="papers/"]'
# In the page, before its scripts: when the first result is added (milliseconds since 1970).
AT_FIRST_RESULT = f"""
window.__firstResultAt = null;
new MutationObserver((changes, observer) => {{
  if (!document.querySelector({FIRST_RESULT!r})) return;
  window.__firstResultAt = performance.timeOrigin + performance.now();
  observer.disconnect();
}}).observe(document, {{ childList: true, subtree: true }});
"""
TIMEOUT_MS = 120_000
PAGE_KINDS = (".html", ".css", ".svg", ".ico", ".png", ".woff2")  # not search costs


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:
            pass  # the browser closed once the first result showed, with fetches still running

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _file_of(site: Path, url: str) -> Path | None:
    path = site / unquote(urlsplit(url).path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


class Fetches:
    """The requests a page and its workers complete, each with the time its response ended."""

    def __init__(self, page: Page) -> None:
        self.finished: list[Request] = []
        page.on("requestfinished", self._finished)

    def _finished(self, request: Request) -> None:
        self.finished.append(request)

    def at_first_result(self, page: Page) -> list[str]:
        """The URLs whose responses had arrived when the page showed its first result (once
        ``AT_FIRST_RESULT`` was added to the page before it loaded)."""
        page.wait_for_function("window.__firstResultAt !== null", timeout=TIMEOUT_MS)
        page.wait_for_timeout(200)  # the events of requests already done, still on their way
        moment = page.evaluate("window.__firstResultAt")
        arrived = []
        for request in self.finished:
            timing = request.timing  # startTime since 1970, responseEnd after it; -1 if unknown
            if timing["responseEnd"] < 0 or timing["startTime"] + timing["responseEnd"] <= moment:
                arrived.append(request.url)
        return list(dict.fromkeys(arrived))


def first_result_fetches(site: Path, query: str = TYPICAL_QUERY) -> dict[str, Any]:
    """What `/search/?q=query` fetched when its first result appeared (HTML and CSS apart)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    if not CHROMIUM.is_file():
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page()
            page.add_init_script(AT_FIRST_RESULT)
            fetches = Fetches(page)
            port = server.server_address[1]
            page.goto(f"http://127.0.0.1:{port}/search/?q={quote(query)}", timeout=TIMEOUT_MS)
            fetched = fetches.at_first_result(page)
            browser.close()
    except Error as exc:
        return {"skipped": f"browser: {str(exc).splitlines()[0]}"}
    finally:
        server.shutdown()
        server.server_close()
    return _sizes(site, fetched, query)


def _sizes(site: Path, urls: list[str], query: str) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for url in urls:
        path = _file_of(site, url)
        if path is None:
            continue
        data = path.read_bytes()
        name = str(path.relative_to(site))
        kind = "page" if name.endswith(PAGE_KINDS) else "search"
        files.append({"path": name, "kind": kind, "raw_bytes": len(data), "gzip_bytes": gzip_size(data)})
    counted = [f for f in files if f["kind"] == "search"]
    return {
        "query": query,
        "raw_bytes": sum(f["raw_bytes"] for f in counted),
        "gzip_bytes": sum(f["gzip_bytes"] for f in counted),
        "page_gzip_bytes": sum(f["gzip_bytes"] for f in files if f["kind"] == "page"),
        "files": files,
    }
