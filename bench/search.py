"""What the search costs a reader: bytes on the wire and lunr.js time in Node.

Gzip sizes use level 6 (gzip's and most web servers' default). "First query" bytes are
what a browser fetches on `/search/?q=QUERY` before it can show a result, HTML and CSS
aside: the scripts the search page loads plus the search data the query needs. Which data a
query needs depends on the layout of `_site/search/`:

- monolithic (the contract up to at least 2,000 papers): `lunr-index.json` and
  `documents.json`, whatever the query;
- with `search/manifest.json`: the files that the layout named by the manifest's `layout`
  key says the query needs. Register a planner for a layout in `PLANNERS`; an unknown
  layout is measured as the upper bound (every file under `search/`), flagged as such.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

NODE_SCRIPT = Path(__file__).resolve().parent / "lunr_query.js"
TYPICAL_QUERY = "transformer"
QUERIES = (
    "transformer",
    "speech separation",
    "diffusion video generation",
    "reinforcement learning agents",
    "language models benchmark evaluation",
    "quantization",
)
NODE_REPEAT = 15
NODE_MAX_INDEX_BYTES = 400 * 1024 * 1024  # V8 cannot hold much larger strings
_SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
# src, and data-* attributes naming scripts that a loader fetches later (data-lunr="...js")
_SCRIPT_URL = re.compile(r"""\b(?:src|data-[\w-]+)\s*=\s*["']([^"']+\.js(?:\?[^"']*)?)["']""")

# A planner gets (site folder, parsed manifest, query) and returns the data files (relative
# to the site) that the query fetches before its first result is shown.
Planner = Callable[[Path, dict[str, Any], str], list[str]]
PLANNERS: dict[str, Planner] = {}


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


def data_plan(site: Path, query: str) -> tuple[str, list[str], bool]:
    """(layout, data files the query fetches, whether that is only an upper bound)."""
    manifest_path = site / "search" / "manifest.json"
    if not manifest_path.exists():
        return "monolithic", ["search/lunr-index.json", "search/documents.json"], False
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    layout = str(manifest.get("layout", "unknown"))
    planner = PLANNERS.get(layout)
    if planner is None:
        everything = sorted(str(p.relative_to(site)) for p in (site / "search").rglob("*.json") if p.is_file())
        return f"manifest:{layout}", everything, True
    return f"manifest:{layout}", ["search/manifest.json", *planner(site, manifest, query)], False


def first_query(site: Path, query: str = TYPICAL_QUERY) -> dict[str, Any]:
    layout, data, upper_bound = data_plan(site, query)
    files = file_sizes(site, page_scripts(site) + data)
    return {"query": query, "layout": layout, "upper_bound": upper_bound, **_totals(files)}


def node_timings(site: Path, queries: tuple[str, ...] = QUERIES) -> dict[str, Any]:
    """lunr.js read/parse/load times and median query times, or why they were skipped."""
    node = shutil.which("node")
    index = site / "search" / "lunr-index.json"
    if node is None:
        return {"skipped": "node is not on PATH"}
    if not index.exists():
        return {"skipped": "no search/lunr-index.json (sharded layout: not measured yet)"}
    if index.stat().st_size > NODE_MAX_INDEX_BYTES:
        return {"skipped": f"lunr-index.json is {index.stat().st_size} bytes"}
    command = [
        node,
        "--max-old-space-size=4096",
        str(NODE_SCRIPT),
        str(index),
        str(NODE_REPEAT),
        *queries,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        return {"skipped": f"node failed: {done.stderr.strip()[-500:]}"}
    result: dict[str, Any] = json.loads(done.stdout)
    result["query_ms"] = statistics.median(q["median_ms"] for q in result["queries"])
    result["load_total_ms"] = result["read_ms"] + result["parse_ms"] + result["load_ms"]
    return result


def measure(site: Path) -> dict[str, Any]:
    """Sizes (deterministic: measured once) and one round of Node timings."""
    return {
        "search_files": search_files(site),
        "first_query": first_query(site),
        "node": node_timings(site),
    }
