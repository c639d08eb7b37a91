"""`python -m bench.search_check`: the split search against the whole index, on a large catalogue.

Generates a catalogue (`bench.generate`, N papers), builds its search files twice, split by
term and whole (one lunr index), and runs the site's engine on both in Node for a table of
queries (tests/js/compare_layouts.mjs): every result, with its score and rank, must be the same;
a query in lunr syntax must also give lunr.js's own top ten on the whole index. Prints each
query's hits and what the split engine fetched for it, and exits with status 1 on a difference.

With ``--random N``, N more queries are made from the catalogue's own words (``--query-seed``
picks them): one to four words, prefixes, typos and names, with fields, wildcards, presence,
boosts and edit distances mixed in, as readers type them.

    python -m bench.search_check [--papers 10000] [--seed 0] [--random 0] [--query-seed 0]
                                 [--out .cache/search-check]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import generate
from bench.node import QUERIES
from site_gen import config
from site_gen.build import load_site
from site_gen.model import OutputFile, Paper
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


FIELDS = ("title", "abstract", "authors", "tags")
WORD = re.compile(r"[^\W_][\w'.+-]*", re.UNICODE)


def random_queries(papers: list[Paper], count: int, seed: int) -> list[str]:
    """``count`` queries made of the papers' own words, deterministic for ``seed``."""
    rng = random.Random(seed)
    words: dict[str, list[str]] = {field: [] for field in FIELDS}
    for paper in rng.sample(papers, min(len(papers), 500)):
        words["title"] += WORD.findall(paper.title)
        words["abstract"] += WORD.findall(paper.abstract_md)[:60]
        words["authors"] += [part for name in paper.authors for part in name.split()]
        words["tags"] += [part for tag in paper.tags for part in tag.split("-")]
    queries = []
    for _ in range(count):
        terms = []
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 4))):
            field = rng.choice(("title", "abstract", "abstract", "abstract", "authors", "tags"))
            terms.append(_term(rng, rng.choice(words[field]), field))
        queries.append(" ".join(terms))
    return queries


def _term(rng: random.Random, word: str, field: str) -> str:
    """One word of a query, perhaps cut, misspelt or dressed in lunr's syntax."""
    kind = rng.random()
    if kind < 0.12 and len(word) > 3:
        word = word[: rng.randint(2, len(word) - 1)]  # half typed
    elif kind < 0.18 and len(word) > 3:
        cut = rng.randrange(1, len(word) - 1)
        word = word[:cut] + word[cut + 1 :]  # a letter missed
    elif kind < 0.22:
        word = word.upper()
    if rng.random() < 0.35:
        return word  # as typed, most words carry no syntax
    syntax = rng.random()
    if syntax < 0.15:
        return f"{field}:{word}"
    if syntax < 0.3:
        return word[: max(1, len(word) // 2)] + "*"
    if syntax < 0.36 and len(word) > 3:
        return "*" + word[len(word) // 2 :]
    if syntax < 0.42 and len(word) > 4:
        return word[:2] + "*" + word[-2:]
    if syntax < 0.55:
        return "+" + word
    if syntax < 0.65:
        return "-" + word
    if syntax < 0.75:
        return f"{word}^{rng.choice((2, 5, 10, 0.5))}"
    if syntax < 0.88:
        return f"{word}~{rng.choice((1, 1, 2))}"
    return f"{rng.choice(FIELDS)}:{word[: max(2, len(word) - 2)]}*"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_check", description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--random", type=int, default=0, help="this many random queries as well")
    parser.add_argument("--query-seed", type=int, default=0)
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
    queries = list(dict.fromkeys([*QUERIES, *LAYOUT_QUERIES,
                                  *random_queries(list(site.papers), args.random, args.query_seed)]))
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
