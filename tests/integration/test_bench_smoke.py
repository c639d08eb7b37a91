"""`python -m bench` at a tiny size: it runs end to end and reports every field."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD_FIELDS = {"wall_s", "cpu_s", "peak_rss_mib", "tree_pss_mib", "pages_per_s", "bytes", "files"}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One run from another folder, with a relative --out (as `make bench-smoke` passes)."""
    cwd = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "50", "--runs", "1", "--out", "out"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| N |" in done.stdout
    out = cwd / "out"
    assert not (out / "work" / "n50").exists()  # projects are removed unless --keep
    result = json.loads((out / "results.json").read_text())
    return result, (out / "results.md").read_text()


def test_reports_the_machine(results: tuple[dict[str, Any], str]) -> None:
    machine = results[0]["machine"]
    assert {"cpu", "cores", "python", "node", "hugo", "site_gen", "date"} <= set(machine)
    assert machine["site_gen"].startswith("site-gen")


def test_reports_the_full_build(results: tuple[dict[str, Any], str]) -> None:
    result, markdown = results
    assert result["runs"] == 1
    (size,) = result["sizes"]
    assert size["n"] == 50
    median = size["site_gen"]["median"]
    assert BUILD_FIELDS <= set(median)
    assert median["html_pages"] > 50  # a page per paper, listings, tags
    assert median["wall_s"] > 0 and median["pages_per_s"] > 0
    assert "| 50 |" in markdown
    assert "- N=50: site-gen " in markdown  # each round, beside the medians


def node_available() -> bool:
    return shutil.which("node") is not None and (REPO / "node_modules" / "lunr").exists()


def test_reports_the_search_costs(results: tuple[dict[str, Any], str]) -> None:
    search = results[0]["sizes"][0]["search"]
    files, first = search["search_files"], search["first_query"]
    assert 0 < files["gzip_bytes"] < files["raw_bytes"]
    assert first["layout"] == "monolithic" and not first["upper_bound"]
    fetched = {f["path"] for f in first["files"]}
    assert {"search/lunr-index.json", "search/documents.json"} <= fetched
    assert any(Path(p).name.startswith("lunr") and p.endswith(".js") for p in fetched)
    assert node_available(), "the bench's search checks need node and node_modules/lunr: run `make setup`"
    assert first["method"] == "engine in Node"
    chromium = search["browser"]  # a real browser fetched what the engine in Node fetched
    assert "skipped" not in chromium, f"the bench's browser check did not run: {chromium['skipped']}"
    assert {f["path"] for f in chromium["files"] if f["kind"] == "search"} == fetched
    assert chromium["gzip_bytes"] == first["gzip_bytes"]


def test_times_lunr_and_the_engine_in_node(results: tuple[dict[str, Any], str]) -> None:
    """Fails, never skips, without Node: `make test` installs what it needs."""
    timings = results[0]["sizes"][0]["search"]["node"]
    assert "skipped" not in timings, timings
    lunr, engine = timings["lunr"], timings["engine"]
    assert "skipped" not in lunr and "skipped" not in engine, timings
    assert lunr["load_total_ms"] > 0 and lunr["query_ms"] >= 0, lunr
    assert engine["load_ms"] > 0 and engine["first_ms"] > 0 and engine["warm_ms"] >= 0, engine
    (round_,) = engine["rounds"]
    assert [q["query"] for q in round_["queries"]][0] == "transformer"
    assert all(q["hits"] > 0 for q in round_["queries"])  # the generated text has these words


def test_reports_the_one_paper_rebuild(results: tuple[dict[str, Any], str]) -> None:
    rebuild = results[0]["sizes"][0]["rebuild"]
    assert [(run["status"], run["edit_seen"]) for run in rebuild["runs"]] == [(0, True)]
    assert rebuild["median"]["wall_s"] > 0


@pytest.mark.skipif(shutil.which("hugo") is None, reason="Hugo is not installed")
def test_builds_the_same_catalogue_with_hugo(results: tuple[dict[str, Any], str]) -> None:
    size = results[0]["sizes"][0]
    assert BUILD_FIELDS <= set(size["hugo"]["median"])
    assert size["hugo"]["median"]["html_pages"] > 50
    assert size["ratio"]["wall_s"] > 0
