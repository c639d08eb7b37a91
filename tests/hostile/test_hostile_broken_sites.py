"""Each folder of tests/sites/broken/ is a tiny site with one kind of bad input.

``expected.txt`` holds the exact diagnostic lines ``site-gen build`` must print, in order. The
files those lines name are the bad ones: the test first builds the site without them (a bad
site.yaml or tags.yaml is replaced by a good one), then puts them back and builds again. The
second build must print exactly the expected lines and no traceback, exit with 1 when any line
is an error (0 when all are warnings), and, when it fails, leave the previous ``_site/`` and
everything else in the project byte-for-byte as it was (its cache under .cache/ aside, which
PRODUCT.md lets a build write; a separate test asks that a failed build leave it alone too).

Optional files: ``args.txt`` (extra command-line arguments) and ``xfail.txt`` (why the case
fails today; the test is then expected to fail until that is fixed).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.hostile.support import CASES, site_build, tree

META = {"expected.txt", "args.txt", "xfail.txt"}
GOOD_SITE_YAML = "title: Broken-input fixture\nsite_url: https://example.org/catalogue/\npage_size: 5\n"
GOOD_TAGS_YAML = """\
tags:
  - slug: speech
    name: Speech
    description: Speech processing.
    keywords: [speech]
  - slug: moe
    name: Mixture of experts
    description: Sparse expert models.
    keywords: [mixture of experts]
"""
GOOD_FILES = {"site.yaml": GOOD_SITE_YAML, "content/tags.yaml": GOOD_TAGS_YAML}
OWN = ("_site", ".cache")  # where PRODUCT.md lets a build write
WHERE = re.compile(r"^(.+?)(?::\d+)?: ")


def case_params() -> list[object]:
    params = []
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        marks = []
        if (case / "xfail.txt").exists():
            reason = (case / "xfail.txt").read_text(encoding="utf-8").strip()
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


def copy_case(case: Path, root: Path) -> None:
    for path in case.rglob("*"):
        rel = path.relative_to(case)
        if path.is_file() and str(rel) not in META:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / rel)


def named_files(lines: list[str]) -> set[str]:
    return {m.group(1) for line in lines if (m := WHERE.match(line))}


@pytest.mark.parametrize("case", case_params())
def test_broken_site(case: Path, tmp_path: Path):
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    args = (case / "args.txt").read_text(encoding="utf-8").split() if (case / "args.txt").exists() else []
    errors = [line for line in expected if not re.match(r"^.+?(?::\d+)?: warning: ", line)]
    root = tmp_path / "site"
    copy_case(case, root)
    for rel in named_files(expected):
        if rel in GOOD_FILES:
            (root / rel).write_text(GOOD_FILES[rel], encoding="utf-8")
        elif (root / rel).is_dir():
            shutil.rmtree(root / rel)
        elif (root / rel).exists():
            (root / rel).unlink()
    good = site_build(root, *args)
    assert good.returncode == 0, f"the site without its bad files must build:\n{good.stderr}"
    site_before = tree(root / "_site")

    copy_case(case, root)
    project_before = tree(root, skip=OWN)
    result = site_build(root, *args)

    assert "Traceback" not in result.stderr
    counted = f"{len(errors)} problem" + ("" if len(errors) == 1 else "s")
    summary = [f"site-gen build: {counted}; nothing was written"] if errors else []
    assert result.stderr.splitlines() == expected + summary
    assert result.returncode == (1 if errors else 0)
    if errors:
        assert tree(root / "_site") == site_before, "a failed build changed the previous _site/"
        assert tree(root, skip=OWN) == project_before, "a failed build wrote outside _site/"
    else:
        for paper in (root / "content" / "papers").glob("*.md"):
            assert (root / "_site" / "papers" / paper.stem / "index.html").is_file(), paper.name


def test_every_case_has_an_expected_file():
    for case in (p for p in CASES.iterdir() if p.is_dir()):
        assert (case / "expected.txt").is_file(), case.name
        assert (case / "site.yaml").is_file() and (case / "content" / "tags.yaml").is_file(), case.name


def test_a_failed_build_leaves_the_cache_alone(tmp_path: Path):
    case = CASES / "template-runtime-error"
    root = tmp_path / "site"
    copy_case(case, root)
    (root / "mytheme/templates/paper.html").unlink()
    (root / "content/papers/third-paper.md").write_text('---\ntitle: "Third"\n---\nNew.\n', encoding="utf-8")
    assert site_build(root).returncode == 0
    (root / "content/papers/third-paper.md").write_text('---\ntitle: "Third, edited"\n---\nNew.\n', encoding="utf-8")
    copy_case(case, root)
    before = tree(root / ".cache")
    assert site_build(root).returncode == 1
    assert tree(root / ".cache") == before
