"""Search timings in Node: lunr.js on the whole index, and the site's own engine on any layout.

- `lunr`: lunr.js 2.3.9 reads, parses and loads `search/lunr-index.json` and answers the
  queries (median of repeated runs): the figures PEERS.md quotes for a monolithic index.
  Skipped when the site has no single index (a sharded layout).
- `engine`: the built site's `assets/js/search-engine.js` run in Node, files read from disk:
  its load time, each query's first search as the search page runs it (loading shards and
  documents) and warm searches; and the files the first query fetched, which is what a
  reader's browser fetches for it.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LUNR_SCRIPT = HERE / "lunr_query.js"
ENGINE_SCRIPT = HERE / "engine_run.mjs"
QUERIES = (
    "transformer",
    "speech separation",
    "diffusion video generation",
    "reinforcement learning agents",
    "language models benchmark evaluation",
    "quantization",
)
TYPICAL_QUERY = QUERIES[0]  # a one-word query, as in the Pagefind figures of PEERS.md
FIRST_SHOWN = 10  # results the search page shows first, before loading the rest (search.js)
REPEAT = 15
MAX_INDEX_BYTES = 400 * 1024 * 1024  # V8 cannot hold a much larger string
TIMEOUT_S = 900


def _node(arguments: list[str]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        return {"skipped": "node is not on PATH"}
    command = [node, "--max-old-space-size=4096", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        return {"skipped": f"node failed: {done.stderr.strip()[-800:]}"}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def lunr_timings(site: Path) -> dict[str, Any]:
    """lunr.js read/parse/load of the whole index and median query times, or why not."""
    index = site / "search" / "lunr-index.json"
    if not index.exists():
        return {"skipped": "no search/lunr-index.json"}
    if index.stat().st_size > MAX_INDEX_BYTES:
        return {"skipped": f"lunr-index.json is {index.stat().st_size} bytes"}
    result = _node([str(LUNR_SCRIPT), str(index), str(REPEAT), *QUERIES])
    if "skipped" not in result:
        result["query_ms"] = statistics.median(q["median_ms"] for q in result["queries"])
        result["load_total_ms"] = result["read_ms"] + result["parse_ms"] + result["load_ms"]
    return result


def engine_timings(site: Path, engine: str | None) -> dict[str, Any]:
    """The site's engine on each query: load, first (cold) and warm search times, fetches."""
    if engine is None:
        return {"skipped": "the search page loads no search-engine script"}
    manifest = site / "search" / "manifest.json"
    entry = "search/manifest.json" if manifest.exists() else "search/lunr-index.json"
    if not manifest.exists() and (site / entry).stat().st_size > MAX_INDEX_BYTES:
        return {"skipped": f"{entry} is too large for Node"}
    arguments = [str(ENGINE_SCRIPT), str(site), str(site / engine), entry, str(FIRST_SHOWN), str(REPEAT)]
    result = _node([*arguments, *QUERIES])
    if "skipped" in result:
        return result
    queries = result["queries"]
    return {
        "entry": entry,
        "load_ms": statistics.median(q["load_ms"] for q in queries),
        "first_ms": statistics.median(q["first_ms"] for q in queries),
        "warm_ms": statistics.median(q["warm_median_ms"] for q in queries),
        "typical_fetched": next(q["fetched"] for q in queries if q["query"] == TYPICAL_QUERY),
        "queries": [{k: v for k, v in q.items() if k != "fetched"} for q in queries],
    }


def timings(site: Path, engine: str | None) -> dict[str, Any]:
    return {"lunr": lunr_timings(site), "engine": engine_timings(site, engine)}
