"""Shared fixtures: fixture sites written inline, a paper-file factory, the seed dump."""

from __future__ import annotations

import faulthandler
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Properties are checked, never timed: a busy machine (or the suite's own processes side by side)
# makes an example take longer, which is no failure.
settings.register_profile("untimed", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("untimed")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEED = FIXTURES / "seed" / "daily-2025-03-11.txt"
HANG_SECONDS = 120

MINIMAL_TAGS = """\
tags:
  - slug: speech
    name: Speech
    description: Speech processing.
    keywords: [speech]
  - slug: moe
    name: Mixture of experts
    description: Sparse expert models.
    keywords: [mixture of experts, MoE]
"""


def paper_text(title: str = "A paper", body: str = "An abstract.", **keys: object) -> str:
    """A paper file; keys are written as given (strings verbatim), so tests can write bad YAML too."""
    lines = ["---", f'title: "{title}"' if title is not None else ""]
    for key, value in keys.items():
        lines.append(f"{key}: {value}")
    return "\n".join([*[x for x in lines if x], "---", body, ""])


def make_site(root: Path, papers: Mapping[str, str] | None = None, tags: str = MINIMAL_TAGS,
              config: str = "title: Test catalogue\nsite_url: https://example.org/cat/\npage_size: 2\n") -> Path:
    (root / "content" / "papers").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(config, encoding="utf-8")
    (root / "content" / "tags.yaml").write_text(tags, encoding="utf-8")
    for name, text in (papers or {}).items():
        (root / "content" / "papers" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def hang_guard() -> Iterator[None]:
    """Ends the test's process (printing every thread's traceback) if the test is still running
    after ``HANG_SECONDS``: for input that would keep a careless parser busy for hours. A bound
    on a hang, far above any machine's time, not a timing."""
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", {
        "first-paper.md": paper_text("First paper on speech", "Speech *recognition* work.", date="2025-03-11",
                                     tags="[speech]", authors="[Ada Lovelace, Alan Turing]", arxiv='"2401.00001"'),
        "second-paper.md": paper_text("Second paper", "Mixture of experts.", date="2025-03-10", tags="[moe]"),
        "third-paper.md": paper_text("Third paper", "Both speech and MoE.", date="2024-12", tags="[speech, moe]"),
        "undated-paper.md": paper_text("Undated paper", "No date.", tags="[speech]"),
    })


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the repository's site (site.yaml and content/) to build without touching the checkout."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "content", root / "content")
    return root
