"""Bad input at scale: each case builds within bounded time and memory, or fails at once with a clear message.

Every build runs in a child process with a timeout; the child reports its peak memory (its own and
its workers'), so a case that hangs or balloons fails here instead of on a user's machine.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_gen.content import MAX_FILE_BYTES, MAX_TAGS
from tests.conftest import REPO
from tests.hostile.support import CASES

MB = 1_000_000
MEASURED = """
import resource, sys
from site_gen.cli import main
try:
    status = main(sys.argv[1:])
finally:
    peak = max(resource.getrusage(r).ru_maxrss for r in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"peak-kib {peak}", file=sys.stderr)
sys.exit(status)
"""


@dataclass
class Run:
    status: int
    lines: list[str]  # stderr without the memory report
    seconds: float
    peak_mb: float


def measured_build(root: Path, timeout: float = 300) -> Run:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", MEASURED, "build", "--root", str(root)], capture_output=True,
                            text=True, cwd=REPO, timeout=timeout)
    seconds = time.perf_counter() - started
    lines = result.stderr.splitlines()
    peak = [int(line.split()[1]) for line in lines if line.startswith("peak-kib ")]
    return Run(result.returncode, [line for line in lines if not line.startswith("peak-kib ")], seconds,
               peak[0] / 1024 if peak else 0.0)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(CASES / "accepted-bom-crlf", root, ignore=shutil.ignore_patterns("expected.txt", "bom-crlf.md"))
    return root


def paper(root: Path, name: str, text: str) -> None:
    (root / "content" / "papers" / name).write_text(text, encoding="utf-8")


def words(count: int) -> str:
    rng = random.Random(1)
    vocabulary = "speech model attention transformer data learning neural network audio language".split()
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def fails_fast(run: Run, message: str) -> None:
    assert run.status == 1
    assert message in run.lines
    assert not any("Traceback" in line for line in run.lines)
    assert run.seconds < 60 and run.peak_mb < 500, run


def test_a_5_mb_abstract_is_refused_without_reading_it_all(site: Path):
    paper(site, "big.md", '---\ntitle: "Big"\ntags: [speech]\n---\n' + words(5 * MB // 6)[: 5 * MB] + "\n")
    run = measured_build(site)
    fails_fast(run, f"content/papers/big.md:1: file too large: more than {MAX_FILE_BYTES:,} bytes (a paper file "
                    "holds an abstract; link the full text with url or pdf)")


def test_an_abstract_just_under_the_limit_builds(site: Path):
    body = words(MAX_FILE_BYTES // 7)[: MAX_FILE_BYTES - 100]
    paper(site, "big.md", '---\ntitle: "Big"\ntags: [speech]\n---\n' + body)
    run = measured_build(site)
    assert run.status == 0, run.lines
    assert run.seconds < 120 and run.peak_mb < 1000, run
    assert (site / "_site/papers/big/index.html").stat().st_size > MAX_FILE_BYTES // 2


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["> " * 100 + "a\n" * 240_000, "![" * 240_000, "*a " * 160_000],
                         ids=["nested-quotes-with-lazy-lines", "image-openers", "emphasis-runs"])
def test_the_slowest_markdown_we_know_at_the_limit_still_finishes(site: Path, shape: str):
    paper(site, "slow.md", '---\ntitle: "Slow"\n---\n' + shape[: MAX_FILE_BYTES - 100])
    run = measured_build(site, timeout=600)
    assert run.status == 0, run.lines
    assert run.peak_mb < 1500, run


def test_10000_tags_on_one_paper_are_refused(site: Path):
    tags = [f"tag-{i}" for i in range(10_000)]
    (site / "content/tags.yaml").write_text(
        "tags:\n" + "".join(f"  - slug: {t}\n    name: Tag {t}\n" for t in tags), encoding="utf-8")
    paper(site, "many-tags.md", '---\ntitle: "Many tags"\ntags: [' + ", ".join(tags) + "]\n---\nBody.\n")
    run = measured_build(site)
    assert run.lines[-2:] == [
        f"content/papers/many-tags.md:3: 'tags' has 10000 items; at most {MAX_TAGS} are allowed (a paper is "
        "listed under a few subjects, not every one)",
        "site-gen build: 1 problem; nothing was written"]
    fails_fast(run, run.lines[-2])


def test_the_most_tags_a_paper_may_have_build(site: Path):
    tags = [f"tag-{i}" for i in range(MAX_TAGS)]
    (site / "content/tags.yaml").write_text(
        "tags:\n" + "".join(f"  - slug: {t}\n    name: Tag {t}\n" for t in tags), encoding="utf-8")
    for n in range(20):
        paper(site, f"paper-{n}.md", f'---\ntitle: "Paper {n}"\ntags: [' + ", ".join(tags) + "]\n---\nBody.\n")
    run = measured_build(site)
    assert run.status == 0, run.lines
    assert run.seconds < 120 and run.peak_mb < 1000, run
    assert (site / f"_site/tags/tag-{MAX_TAGS - 1}/index.html").is_file()


def test_a_2000_character_title(site: Path):
    title = ("Word " * 400)[:2000]
    paper(site, "long-title.md", f'---\ntitle: "{title}"\n---\nBody.\n')
    run = measured_build(site)
    assert run.status == 0, run.lines
    assert run.seconds < 60, run
    assert title.strip() in (site / "_site/papers/long-title/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("front, message", [
    ("title: " + "[" * 400_000, "content/papers/deep.md:2: YAML syntax error: exceeded maximum nesting depth"),
    ('title: "T"\nvenue: ' + "{a: " * 100_000, "content/papers/deep.md:3: YAML syntax error: exceeded maximum "
                                                "nesting depth"),
    ('title: "T"\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "\n".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(20)),
     "content/papers/deep.md:4: YAML aliases (*name) are not allowed here (write the value out in full)"),
], ids=["nested-lists", "nested-mappings", "billion-laughs"])
def test_deep_and_exploding_yaml_fails_fast(site: Path, front: str, message: str):
    paper(site, "deep.md", f"---\n{front}\n---\nBody.\n")
    fails_fast(measured_build(site), message)


def test_alias_bombs_in_tags_yaml_and_site_yaml_fail_fast(site: Path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(20))
    (site / "site.yaml").write_text("title: T\n" + bomb, encoding="utf-8")
    run = measured_build(site)
    fails_fast(run, "site.yaml:3: YAML aliases (*name) are not allowed here (write the value out in full)")
    (site / "site.yaml").write_text("title: T\n", encoding="utf-8")
    (site / "content/tags.yaml").write_text("tags:\n  - &t {slug: x, name: y}\n" + "  - *t\n" * 1000)
    run = measured_build(site)
    assert run.status == 1 and run.seconds < 60 and run.peak_mb < 500, run
    assert "content/tags.yaml:2: YAML anchors and aliases (&name, *name) are not allowed (write the value out in " \
           "full)" in run.lines


def test_30000_authors(site: Path):
    authors = ", ".join(f"Author {i}" for i in range(30_000))
    paper(site, "authors.md", f'---\ntitle: "A large collaboration"\nauthors: [{authors}]\n---\nBody.\n')
    run = measured_build(site)
    assert run.status == 0, run.lines
    assert run.seconds < 120 and run.peak_mb < 1000, run
