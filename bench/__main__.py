"""`python -m bench`: site-gen against Hugo on generated catalogues of several sizes.

For each N: generate the catalogue once (for both generators), then R interleaved rounds of
a cold site-gen build (its `_site*` and `.cache` removed first) and, when `hugo` is on PATH,
a cold Hugo build of the same papers. After each site-gen build: search timings in Node
(every round), the search's bytes (once: they are deterministic) and a one-paper rebuild
with the warm cache.
Medians go to stdout, `<out>/results.md` and `<out>/results.json`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import browser, builds, measure, node, report, search
from bench.generate import generate

NODE_KEYS = {
    "lunr": ("read_ms", "parse_ms", "load_ms", "load_total_ms", "query_ms"),
    "engine": ("load_ms", "first_ms", "warm_ms"),
}


def sizes(text: str) -> list[int]:
    """'1000,10k,50000' -> [1000, 10000, 50000]."""
    values = []
    for part in text.split(","):
        part = part.strip().lower()
        values.append(int(part[:-1]) * 1000 if part.endswith("k") else int(part))
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 1000,10000")
    return values


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measured(builder: builds.Builder, max_load: float | None = None) -> dict[str, Any]:
    """Build with `builder` as it stands (cold or warm) and measure the build and its output."""
    load = measure.settle(max_load)
    run = measure.run(builder.command, cwd=builder.project)
    row: dict[str, Any] = {**asdict(run), "load_at_start": load}
    if run.status == 0:
        stats = measure.output_stats(builder.out)
        row.update(asdict(stats), pages_per_s=stats.html_pages / run.wall_s)
        del row["output"]
    else:
        log(f"{builder.name} failed with status {run.status}:\n{run.output}")
    return row


def cold(builder: builds.Builder, max_load: float | None) -> dict[str, Any]:
    builder.clean()
    return measured(builder, max_load)


def one_paper_rebuild(builder: builds.Builder, paper: Path) -> dict[str, Any]:
    """Edit one abstract, rebuild with the warm cache, check the page shows it, restore."""
    original = builds.edit_paper(paper)
    try:
        row = measured(builder)  # no settling: the cache is warm now
    finally:
        builds.replace_file(paper, original)
    page = builder.out / "papers" / paper.stem / "index.html"
    row["edit_seen"] = page.exists() and builds.EDIT.strip() in page.read_text(encoding="utf-8")
    if row["status"] == 0 and not row["edit_seen"]:
        log(f"the one-paper rebuild did not update {page}")
    return row


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"runs": runs, "median": report.medians([r for r in runs if r["status"] == 0])}


def node_summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Per runner (lunr, engine): medians over the rounds it was not skipped in."""
    summary: dict[str, Any] = {}
    for runner, keys in NODE_KEYS.items():
        timed = [r[runner] for r in rounds if "skipped" not in r[runner]]
        if not timed:
            summary[runner] = rounds[0][runner] if rounds else {"skipped": "no successful build"}
            continue
        summary[runner] = {**report.medians([{k: r[k] for k in keys} for r in timed]), "rounds": timed}
    return summary


def search_costs(site: Path, timing: dict[str, Any], with_browser: bool) -> dict[str, Any]:
    """Sizes and a first query's fetches (deterministic, so measured once), also in Chromium."""
    fetched = timing["engine"].get("typical_fetched")
    return {
        "search_files": search.search_files(site),
        "first_query": search.first_query(site, fetched),
        "browser": browser.first_result_fetches(site) if with_browser else {"skipped": "--no-browser"},
    }


@dataclass
class Rounds:
    """What the rounds of one size measured so far."""

    mine: list[dict[str, Any]] = field(default_factory=list)
    peer: list[dict[str, Any]] = field(default_factory=list)
    rebuilds: list[dict[str, Any]] = field(default_factory=list)
    node: list[dict[str, Any]] = field(default_factory=list)
    search: dict[str, Any] | None = None


def after_build(mine: builds.Builder, paper: Path, rounds: Rounds, browse: bool) -> None:
    """After a good cold build: search costs (sizes once), lunr.js timings, a rebuild."""
    timing = node.timings(mine.out, search.engine_script(mine.out))
    rounds.node.append(timing)
    if rounds.search is None:
        rounds.search = search_costs(mine.out, timing, browse)
    rounds.rebuilds.append(one_paper_rebuild(mine, paper))


def run_rounds(
    n: int, mine: builds.Builder, peer: builds.Builder | None, paper: Path, options: argparse.Namespace
) -> Rounds:
    rounds = Rounds()
    for round_ in range(options.runs):
        order = [mine, peer] if round_ % 2 == 0 else [peer, mine]  # alternate who goes first
        for builder in (b for b in order if b is not None):
            row = cold(builder, options.max_load)
            log(
                f"N={n} round {round_ + 1}/{options.runs}: {builder.name} {row['wall_s']:.2f} s "
                f"(load {row['load_at_start']:.1f})"
            )
            (rounds.mine if builder is mine else rounds.peer).append(row)
            if builder is mine and row["status"] == 0:
                after_build(mine, paper, rounds, not options.no_browser)
    return rounds


def bench_size(n: int, work: Path, options: argparse.Namespace) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    hugo_root = work / "hugo" if not options.no_hugo and builds.hugo_executable() else None
    catalogue = generate(work / "site", n, options.seed, hugo_root=hugo_root)
    generated = time.perf_counter() - started
    log(f"N={n}: generated in {generated:.1f} s")
    mine = builds.site_gen(catalogue.root)
    peer = builds.hugo(hugo_root) if hugo_root else None
    paper = catalogue.root / "content" / "papers" / f"{sorted(catalogue.slugs)[n // 2]}.md"
    rounds = run_rounds(n, mine, peer, paper, options)
    mine_summary = summary(rounds.mine)
    peer_summary = summary(rounds.peer) if peer else None
    return {
        "n": n,
        "seed": options.seed,
        "generate_s": generated,
        "load_average": [load_before, os.getloadavg()[0]],  # 1-minute, before and after
        "site_gen": mine_summary,
        "hugo": peer_summary,
        "ratio": report.ratios(mine_summary["median"], (peer_summary or {}).get("median", {})),
        "search": rounds.search and {**rounds.search, "node": node_summary(rounds.node)},
        "rebuild": summary(rounds.rebuilds),
    }


def failed(result: dict[str, Any]) -> bool:
    """A site-gen build failed, or a one-paper rebuild did not show the edit."""
    return any(
        run["status"] != 0 or not run.get("edit_seen", True)
        for size in result["sizes"]
        for run in size["site_gen"]["runs"] + size["rebuild"]["runs"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=sizes,
        default=sizes("1000,10000,50000"),
        help="catalogue sizes, comma-separated (default 1000,10000,50000)",
    )
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(".cache/bench"),
        help="results and work folder (default .cache/bench)",
    )
    parser.add_argument("--seed", type=int, default=0, help="catalogue seed (default 0)")
    parser.add_argument(
        "--max-load",
        type=float,
        default=None,
        help="before each cold build, wait (up to 5 min) for the 1-minute load average to drop below this",
    )
    parser.add_argument("--no-hugo", action="store_true", help="do not build with Hugo")
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="do not count a first query's fetches in Chromium (Playwright)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the generated projects and their output under OUT/work",
    )
    args = parser.parse_args(argv)
    args.out = args.out.resolve()  # the builds run in their project folders
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    result: dict[str, Any] = {"machine": report.machine(), "runs": args.runs, "sizes": []}
    for n in args.sizes:
        work = args.out / "work" / f"n{n}"
        result["sizes"].append(bench_size(n, work, args))
        report.write(args.out, result)  # partial results survive an interrupted long run
        if not args.keep:
            shutil.rmtree(work)
    print(report.write(args.out, result), end="")
    return 1 if failed(result) else 0


if __name__ == "__main__":
    raise SystemExit(main())
