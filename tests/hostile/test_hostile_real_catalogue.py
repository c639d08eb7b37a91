"""The repository's own catalogue with every bad paper of tests/sites/broken/ dropped into it at once, then
with the hostile corpus: every bad file is named at its line, the old site stays, no payload is live."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.hostile.support import CASES, HOSTILE, site_build, tree
from tests.hostile.test_hostile_injection import RISKY_TAGS, harmless_twin, html_files, live_payloads, parse, signature

LINE = re.compile(r"^(content/papers/[^:]+):(\d+): (?!warning: )")


def bad_papers() -> dict[str, Path]:
    """Every paper file that is an error on its own, by file name (the first case that has the name)."""
    found: dict[str, Path] = {}
    for case in sorted(p for p in CASES.iterdir() if p.is_dir() and not (p / "args.txt").exists()):
        for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
            m = LINE.match(line)
            if m and (case / m.group(1)).is_file():
                found.setdefault(Path(m.group(1)).name, case / m.group(1))
    return found


def test_every_bad_file_is_named_at_its_line_and_nothing_changes(repo_copy: Path):
    assert site_build(repo_copy).returncode == 0
    site_before = tree(repo_copy / "_site")
    bad = bad_papers()
    assert len(bad) > 40
    for name, source in bad.items():
        shutil.copyfile(source, repo_copy / "content" / "papers" / name)
    project_before = tree(repo_copy, skip=("_site",))

    result = site_build(repo_copy)

    assert result.returncode == 1 and "Traceback" not in result.stderr
    named = {Path(m.group(1)).name for line in result.stderr.splitlines() if (m := LINE.match(line))}
    assert sorted(set(bad) - named) == []
    assert tree(repo_copy / "_site") == site_before
    assert tree(repo_copy, skip=("_site",)) == project_before


def test_the_hostile_corpus_in_the_real_catalogue_is_inert(repo_copy: Path, tmp_path: Path):
    for paper in (HOSTILE / "content" / "papers").glob("*.md"):
        shutil.copyfile(paper, repo_copy / "content" / "papers" / paper.name)
    result = site_build(repo_copy)
    assert result.returncode == 0, result.stderr
    twin = tmp_path / "twin"
    harmless_twin(twin)
    shutil.copyfile(repo_copy / "site.yaml", twin / "site.yaml")
    for paper in (repo_copy / "content" / "papers").glob("*.md"):
        if not (twin / "content" / "papers" / paper.name).exists():
            shutil.copyfile(paper, twin / "content" / "papers" / paper.name)
    shutil.copyfile(repo_copy / "content" / "tags.yaml", twin / "content" / "tags.yaml")
    assert site_build(twin).returncode == 0
    own = {signature(tag, attrs) for path in html_files(twin / "_site") for tag, attrs in parse(path).elements
           if tag in RISKY_TAGS or any(name.startswith("on") for name, _ in attrs)}
    assert live_payloads(repo_copy / "_site", own) == []
