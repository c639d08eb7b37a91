"""The bytes a real browser fetches before the first search result, whatever the layout.

Serves the built site on a local port, opens `/search/?q=QUERY` in headless Chromium
(Playwright, Debian's `/usr/bin/chromium`) and, at the moment the first link to a paper is
added to the results, takes the resources the page has received (the Resource Timing
entries, read in the page itself: requests the page starts right after are not counted). Each
is mapped back to its file and measured raw and gzipped (a host compresses on the fly; the
local server does not). Optional: without Playwright or Chromium the measurement is skipped
and says why.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from bench.node import TYPICAL_QUERY
from bench.search import gzip_size

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
# In the page, before its scripts: what it has received when the first result is added.
AT_FIRST_RESULT = f"""
performance.setResourceTimingBufferSize(100000);
window.__fetchedAtFirstResult = null;
new MutationObserver((changes, observer) => {{
  if (!document.querySelector({FIRST_RESULT!r})) return;
  window.__fetchedAtFirstResult = performance.getEntriesByType("resource").map((entry) => entry.name);
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
            port = server.server_address[1]
            page.goto(f"http://127.0.0.1:{port}/search/?q={quote(query)}", timeout=TIMEOUT_MS)
            page.wait_for_function("window.__fetchedAtFirstResult !== null", timeout=TIMEOUT_MS)
            fetched = list(dict.fromkeys(page.evaluate("window.__fetchedAtFirstResult")))
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
