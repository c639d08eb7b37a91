"""Watching the sources: what changed (a pure classification) and when to rebuild (debounce)."""

from __future__ import annotations

import enum
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from .config import CONFIG_FILE, SiteConfig
from .content import PAPERS_DIR
from .themes import Theme

TAGS_FILE = "tags.yaml"
QUIET = 0.05  # seconds without a new change before a burst counts as finished (watchfiles waits 30 ms first)
MAX_WAIT = 1.0  # a burst never delays the rebuild by more than this


class Kind(enum.Enum):
    """What a changed file is: whether to rebuild, read site.yaml again, follow the theme."""

    PAPER = "paper"  # content/papers/<slug>.md: its page, the listings and tags it is on, search
    TAGS = "tags"  # content/tags.yaml: tag names and descriptions on every page
    TEMPLATE = "template"  # a theme's templates/ or theme.yaml: every page
    STATIC = "static"  # a theme's static/: copy the file (and the asset versions in every page)
    CONFIG = "config"  # site.yaml: reload the configuration, everything
    FOLDER = "folder"  # the content folder or a theme folder (or one holding it) came or went: watch again


@dataclass(frozen=True, slots=True)
class Change:
    kind: Kind
    path: Path

    def __str__(self) -> str:
        return f"{self.path} ({self.kind.value})"


@dataclass(frozen=True, slots=True)
class Sources:
    """The folders and files a build reads, as absolute paths."""

    config_file: Path
    content: Path
    theme_dirs: tuple[Path, ...]

    @classmethod
    def of(cls, config: SiteConfig) -> Sources:
        root = config.root.resolve()
        # A missing theme or a broken theme.yaml is reported by the build; still watch the folders
        # found up to it, the broken file's among them, to see it fixed
        dirs = tuple(d.resolve() for d in Theme(config, lenient=True).dirs)
        extra = [root / config.theme_dir] if config.theme_dir else []
        themes = [*extra, *dirs, root / "themes"]
        unique = tuple(dict.fromkeys(d.resolve() for d in themes))
        return cls(root / CONFIG_FILE, (root / config.content_dir).resolve(), unique)

    def recursive_roots(self) -> list[Path]:
        """Existing folders to watch recursively, none inside another."""
        found = sorted(
            {p for p in (self.content, *self.theme_dirs) if p.is_dir()},
            key=lambda p: (len(p.parts), str(p)),
        )
        roots: list[Path] = []
        for path in found:
            if not any(path.is_relative_to(r) for r in roots):
                roots.append(path)
        return roots

    def flat_roots(self) -> list[Path]:
        """Folders to watch for their own entries: the project folder (site.yaml), and the nearest
        existing folder in it above a source folder that does not exist yet, to see it made."""
        root = self.config_file.parent
        found = [root]
        for folder in (self.content, *self.theme_dirs):
            if folder.is_relative_to(root) and not folder.is_dir():
                while not folder.is_dir():
                    folder = folder.parent
                found.append(folder)
        return list(dict.fromkeys(found))


def classify(path: Path, sources: Sources) -> Change | None:
    """The kind of a changed file, or None when no build reads it (editor backups, other files)."""
    name = path.name
    if not name or name.startswith((".", "#")) or name.endswith(("~", ".tmp", ".swp", ".swx")):
        return None
    if path == sources.config_file:
        return Change(Kind.CONFIG, path)
    if any(folder.is_relative_to(path) for folder in (sources.content, *sources.theme_dirs)):
        return Change(Kind.FOLDER, path)
    if path.is_relative_to(sources.content):
        rel = path.relative_to(sources.content)
        if rel == Path(TAGS_FILE):
            return Change(Kind.TAGS, path)
        if len(rel.parts) == 2 and rel.parts[0] == PAPERS_DIR and rel.suffix == ".md":
            return Change(Kind.PAPER, path)
        if rel == Path(PAPERS_DIR):  # the folder itself (created, removed, renamed)
            return Change(Kind.PAPER, path)
        return None
    for theme in sources.theme_dirs:
        if path.is_relative_to(theme):
            rel = path.relative_to(theme)
            if rel.parts[:1] == ("static",):
                return Change(Kind.STATIC, path)
            if rel.parts[:1] == ("templates",) or rel == Path("theme.yaml"):
                return Change(Kind.TEMPLATE, path)
            return None
    return None


def classify_all(paths: Iterable[Path], sources: Sources) -> list[Change]:
    """The relevant changes among ``paths``, each once, in a stable order."""
    found = {c for c in (classify(p, sources) for p in paths) if c is not None}
    return sorted(found, key=lambda c: (c.kind.value, str(c.path)))


def collect(
    inbox: queue.Queue[Path],
    stop: threading.Event,
    quiet: float = QUIET,
    max_wait: float = MAX_WAIT,
    give_up: float | None = None,
) -> set[Path]:
    """Block until a change arrives (or ``give_up`` seconds have passed: then none), then gather
    the rest of its burst: many saves, one build."""
    paths: set[Path] = set()
    until = None if give_up is None else time.monotonic() + give_up
    while not paths:
        if stop.is_set() or (until is not None and time.monotonic() > until):
            return paths
        try:
            paths.add(inbox.get(timeout=0.2))
        except queue.Empty:
            continue
    deadline = time.monotonic() + max_wait
    while (left := deadline - time.monotonic()) > 0:
        try:
            paths.add(inbox.get(timeout=min(quiet, left)))
        except queue.Empty:
            break
    return paths


class Watcher:
    """watchfiles in background threads, feeding changed paths into ``inbox`` until closed."""

    def __init__(
        self, sources: Sources, inbox: queue.Queue[Path], on_error: Callable[[str], None] = print
    ) -> None:
        self.sources = sources
        self.roots = sources.recursive_roots()
        self.inbox = inbox
        self.on_error = on_error
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> Watcher:
        if self.roots:
            self._spawn(self.roots, recursive=True)
        # site.yaml: watch its folder, not the file, so that saves by rename are seen too
        self._spawn(self.sources.flat_roots(), recursive=False)
        return self

    def _spawn(self, paths: list[Path], recursive: bool) -> None:
        thread = threading.Thread(
            target=self._run,
            args=(paths, recursive),
            daemon=True,
            name=f"watch-{len(self.threads)}",
        )
        self.threads.append(thread)
        thread.start()

    def _run(self, paths: list[Path], recursive: bool) -> None:
        try:
            for batch in watchfiles.watch(
                *paths,
                stop_event=self.stop,
                recursive=recursive,
                step=30,
                raise_interrupt=False,
                rust_timeout=1000,
            ):
                for _, name in batch:
                    self.inbox.put(Path(name))
        except (OSError, RuntimeError) as exc:  # the folder vanished, or too many inotify watches
            if not self.stop.is_set():
                self.on_error(
                    f"site-gen serve: stopped watching {', '.join(map(str, paths))}: {exc}"
                )

    def close(self, timeout: float = 2.0) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
