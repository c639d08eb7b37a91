"""What a changed file means for the preview, and how bursts of saves become one rebuild."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import pytest

from site_gen.config import SiteConfig
from site_gen.watch import Change, Kind, Sources, classify, classify_all, collect

ROOT = Path("/project")
SOURCES = Sources(
    config_file=ROOT / "site.yaml",
    content=ROOT / "content",
    theme_dirs=(ROOT / "overrides", ROOT / "themes" / "default", ROOT / "themes"),
)


@pytest.mark.parametrize(
    "rel, kind",
    [
        ("content/papers/mossformer2.md", Kind.PAPER),
        ("content/papers", Kind.PAPER),
        ("content/tags.yaml", Kind.TAGS),
        ("site.yaml", Kind.CONFIG),
        ("themes/default/templates/base.html", Kind.TEMPLATE),
        ("themes/default/templates/partials/paper_card.html", Kind.TEMPLATE),
        ("themes/default/theme.yaml", Kind.TEMPLATE),
        ("overrides/templates/paper.html", Kind.TEMPLATE),
        ("themes/default/static/css/site.css", Kind.STATIC),
        ("overrides/static/img/logo.svg", Kind.STATIC),
        ("overrides", Kind.FOLDER),  # made after the server started, or removed and made again
        ("content", Kind.FOLDER),
        ("themes", Kind.FOLDER),
    ],
)
def test_classify(rel: str, kind: Kind) -> None:
    assert classify(ROOT / rel, SOURCES) == Change(kind, ROOT / rel)


@pytest.mark.parametrize(
    "rel",
    [
        "content/papers/.mossformer2.md.x1y2.tmp",  # the importer's atomic write
        "content/papers/mossformer2.md~",
        "content/papers/.mossformer2.md.swp",
        "content/papers/#mossformer2.md#",
        "content/papers/notes.txt",
        "content/papers/sub/deeper.md",
        "content/README.md",
        "themes/other/templates/base.html",  # a theme that is not in use
        "themes/default/README.md",
        "_site/index.html",
        "_site.staging-123/index.html",
        "site.yml",
        "Makefile",
    ],
)
def test_classify_ignores_what_no_build_reads(rel: str) -> None:
    assert classify(ROOT / rel, SOURCES) is None


def test_classify_all_deduplicates_and_orders() -> None:
    paths = [
        ROOT / "content/papers/b.md",
        ROOT / "content/papers/a.md",
        ROOT / "content/papers/b.md",
        ROOT / "Makefile",
    ]
    assert classify_all(paths, SOURCES) == [
        Change(Kind.PAPER, ROOT / "content/papers/a.md"),
        Change(Kind.PAPER, ROOT / "content/papers/b.md"),
    ]


def test_sources_of_a_config(tmp_path: Path) -> None:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "themes" / "default" / "templates").mkdir(parents=True)
    sources = Sources.of(SiteConfig(root=tmp_path, theme_dir="custom"))
    assert sources.config_file == tmp_path.resolve() / "site.yaml"
    assert sources.content == tmp_path.resolve() / "content"
    assert sources.theme_dirs[0] == tmp_path.resolve() / "custom"
    assert tmp_path.resolve() / "themes" / "default" in sources.theme_dirs
    roots = sources.recursive_roots()  # existing folders only, none inside another
    assert roots == [tmp_path.resolve() / "content", tmp_path.resolve() / "themes"]


def test_a_theme_whose_theme_yaml_does_not_read_is_still_watched(tmp_path: Path) -> None:
    """The fix of a broken theme.yaml must be seen: its folder stays a theme folder."""
    theme = tmp_path.resolve() / "themes" / "mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: [default\n")
    sources = Sources.of(SiteConfig(root=tmp_path, theme="mine"))
    assert theme in sources.theme_dirs
    assert classify(theme / "theme.yaml", sources) == Change(Kind.TEMPLATE, theme / "theme.yaml")


def test_the_folder_above_a_source_folder_not_made_yet_is_watched(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "content" / "papers").mkdir(parents=True)
    (root / "site").mkdir()
    sources = Sources.of(SiteConfig(root=tmp_path, theme_dir="site/theme"))
    assert sources.flat_roots() == [root, root / "site"]
    (root / "site" / "theme").mkdir()
    assert sources.flat_roots() == [root]
    assert root / "site" / "theme" in sources.recursive_roots()


def test_a_burst_of_saves_is_one_batch() -> None:
    inbox: queue.Queue[Path] = queue.Queue()
    stop = threading.Event()

    def saves() -> None:
        for i in range(5):
            inbox.put(Path(f"/p/{i}.md"))
            time.sleep(0.02)

    threading.Thread(target=saves).start()
    assert collect(inbox, stop, quiet=0.15) == {Path(f"/p/{i}.md") for i in range(5)}
    assert inbox.empty()


def test_a_burst_is_cut_at_max_wait() -> None:
    inbox: queue.Queue[Path] = queue.Queue()
    stop = threading.Event()
    done = threading.Event()

    def endless() -> None:
        while not done.is_set():
            inbox.put(Path("/p/a.md"))
            time.sleep(0.01)

    threading.Thread(target=endless).start()
    started = time.monotonic()
    try:
        assert collect(inbox, stop, quiet=0.1, max_wait=0.3) == {Path("/p/a.md")}
    finally:
        done.set()
    assert time.monotonic() - started < 1.0


def test_collect_returns_when_stopped() -> None:
    stop = threading.Event()
    stop.set()
    assert collect(queue.Queue(), stop) == set()


def test_collect_gives_up_when_told() -> None:
    started = time.monotonic()
    assert collect(queue.Queue(), threading.Event(), give_up=0.3) == set()
    assert 0.3 <= time.monotonic() - started < 1
