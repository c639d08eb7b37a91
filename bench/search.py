"""What the search costs a reader in bytes: the search files, and a first query's fetches.

Gzip sizes use level 6 (gzip's and most web servers' default), file by file, as a host
compresses each response. "First query" bytes are what `/search/?q=QUERY` fetches before it
can show its first results, HTML, CSS and icons aside: the scripts the search page loads
plus the search data. Which data depends on the layout of `_site/search/`, so the site's own
engine says: the files it fetched for the query when run in Node (`bench.node`). Without
Node, the plan falls back to what the layout implies: for the whole index
(`lunr-index.json` and `documents.json`) that is exact; for a manifest it is every file
under `search/`, flagged as an upper bound. `bench.browser` measures the same in Chromium.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from bench.node import TYPICAL_QUERY

_SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
# src, and data-* attributes naming scripts that a loader fetches later (data-lunr="...js")
_SCRIPT_URL = re.compile(r"""\b(?:src|data-[\w-]+)\s*=\s*["']([^"']+\.js(?:\?[^"']*)?)["']""")


def gzip_size(data: bytes) -> int:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip container
    return len(compressor.compress(data) + compressor.flush())


def file_sizes(site: Path, relative: list[str]) -> list[dict[str, Any]]:
    sizes = []
    for name in relative:
        data = (site / name).read_bytes()
        sizes.append({"path": name, "raw_bytes": len(data), "gzip_bytes": gzip_size(data)})
    return sizes


def _totals(files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "raw_bytes": sum(f["raw_bytes"] for f in files),
        "gzip_bytes": sum(f["gzip_bytes"] for f in files),
        "files": files,
    }


def search_files(site: Path) -> dict[str, Any]:
    """Every file under `search/` (the page, the data, any scripts kept there)."""
    folder = site / "search"
    names = sorted(str(p.relative_to(site)) for p in folder.rglob("*") if p.is_file())
    return _totals(file_sizes(site, names))


def page_scripts(site: Path, page: str = "search/") -> list[str]:
    """The local scripts the search page loads (or names for a loader), else any lunr*.js."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    scripts: list[str] = []
    sources = [src for tag in _SCRIPT_TAG.findall(html) for src in _SCRIPT_URL.findall(tag)]
    for src in sources:
        url = urlparse(urljoin(f"/{page}", src))
        if url.scheme or url.netloc:
            continue
        path = url.path.lstrip("/")
        if (site / path).is_file() and path not in scripts:
            scripts.append(path)
    if not any(Path(s).name.startswith("lunr") for s in scripts):
        scripts += sorted(str(p.relative_to(site)) for p in site.rglob("lunr*.js"))[:1]
    return scripts


def engine_script(site: Path) -> str | None:
    """The search engine among the search page's scripts (assets/js/search-engine.js)."""
    return next((s for s in page_scripts(site) if "search-engine" in Path(s).name), None)


def layout(site: Path) -> str:
    return "manifest" if (site / "search" / "manifest.json").exists() else "monolithic"


def first_query(site: Path, engine_fetched: list[str] | None, query: str = TYPICAL_QUERY) -> dict[str, Any]:
    """The scripts and data a first query fetches: as the engine fetched them, else planned."""
    upper_bound = False
    if engine_fetched is not None:
        data, method = [f for f in engine_fetched if (site / f).is_file()], "engine in Node"
    elif layout(site) == "monolithic":
        data, method = ["search/lunr-index.json", "search/documents.json"], "layout"
    else:
        data = sorted(str(p.relative_to(site)) for p in (site / "search").rglob("*.json"))
        method, upper_bound = "layout (every search file)", True
    files = file_sizes(site, list(dict.fromkeys(page_scripts(site) + data)))
    return {
        "query": query,
        "layout": layout(site),
        "method": method,
        "upper_bound": upper_bound,
        **_totals(files),
    }
