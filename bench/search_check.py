"""`python -m bench.search_check`: the split search against the whole index, on a large catalogue.

Generates a catalogue (`bench.generate`, N papers), builds its search files twice, split by
term and whole (one lunr index), and runs the site's engine on both in Node for a table of
queries (tests/js/compare_layouts.mjs): every result, with its score and rank, must be the same;
a query in lunr syntax must also give lunr.js's own top ten on the whole index. Prints each
query's hits and what the split engine fetched for it, and exits with status 1 on a difference.

    python -m bench.search_check [--papers 10000] [--seed 0] [--out .cache/search-check]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import generate
from bench.node import QUERIES
from site_gen import config
from site_gen.build import load_site
from site_gen.model import OutputFile
from site_gen.search import search_files
from tests.fixtures.search.queries import LAYOUT_QUERIES

REPO = Path(__file__).resolve().parents[1]
COMPARE = REPO / "tests" / "js" / "compare_layouts.mjs"


def write(folder: Path, files: list[OutputFile]) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    for file in files:
        target = folder / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_check", description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(".cache/search-check"))
    args = parser.parse_args(argv)
    node = shutil.which("node")
    if node is None:
        print("node is not on PATH", file=sys.stderr)
        return 2
    work = args.out / f"n{args.papers}"
    started = time.perf_counter()
    generate(work / "project", args.papers, args.seed)
    site, _ = load_site(config.load(work / "project"))
    split = write(work / "split", search_files(site.papers, site.tag_names, shard_above=0))
    whole = search_files(site.papers, site.tag_names, shard_above=len(site.papers))
    whole_dir = write(work / "whole", whole)
    del whole
    print(f"built both layouts of {args.papers:,} papers in {time.perf_counter() - started:.0f} s")
    queries = list(dict.fromkeys([*QUERIES, *LAYOUT_QUERIES]))
    spec = {"split": str(split), "whole": str(whole_dir), "queries": queries, "all": True}
    spec["documents"] = 10
    (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(
        [node, "--max-old-space-size=4096", str(COMPARE), str(work / "spec.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    if not done.stdout:
        print(done.stderr, file=sys.stderr)
        return 1
    report = json.loads(done.stdout)
    print(f"{'query':<48} {'hits':>8} {'files':>6} {'raw bytes':>10} {'ms':>6}  same")
    for entry in report["queries"]:
        print(
            f"{json.dumps(entry['q'], ensure_ascii=False):<48} {entry['hits']!s:>8} "
            f"{entry['files']:>6} {entry['bytes']:>10,} {entry['ms']:>6}  {entry['same']}"
        )
    for failure in report["failures"]:
        print("FAILED:", failure)
    print(f"{len(report['queries'])} queries, {len(report['failures'])} failures")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
