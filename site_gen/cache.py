"""The build cache under ``.cache/``: parsed papers by content hash, and what the last build wrote.

A cache is only ever an optimisation: a missing, stale or unreadable cache means a full build.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .model import Paper
from .output import process_alive, uninterrupted
from .search import SearchMemo

Signature = tuple[int, int, int]  # a file's modification time, size and inode
Record = tuple[str, Paper, Signature]  # what a build keeps of a paper file: digest, paper, signature

CACHE_DIR = ".cache"
FORMAT = 1


def digest(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever the generator's own code does, so an upgrade never reuses stale pages
    (the code a process runs is the code it started with)."""
    here = Path(__file__).parent
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(here.rglob("*.py"))]
    return digest(__version__, FORMAT, stats)


@dataclass
class Manifest:
    """What the last successful build wrote into ``out``: each page's input key."""

    out: str = ""
    salt: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # output path -> input key
    files: list[str] = field(default_factory=list)  # every other file written, but the search files
    search: list[str] = field(default_factory=list)  # the search files
    search_key: str = ""  # digest of what the search files are made of
    digests: dict[str, str] = field(default_factory=dict)  # the digest of each file that is not a page
    tag_names: dict[str, str] = field(default_factory=dict)  # tag slug -> name


RELATED_FILE = "related.npz"
PAPER_BUCKETS = 16  # the papers are saved in parts: an edit rewrites the part of its file only
PAPER_FILES = tuple(f"papers-{n:02d}.pickle" for n in range(PAPER_BUCKETS))
RELATED_LISTS = "related-lists.pickle"
FEEDS_FILE = "feeds.pickle"
SHOWN_FILE = "shown.txt"  # pages the preview wrote since the last build that succeeded
CACHE_FILES = (*PAPER_FILES, "bibtex.pickle", "search-memo.pickle", RELATED_FILE, RELATED_LISTS, FEEDS_FILE,
               "manifest.pickle")  # manifest last


def text_key(paper: Paper) -> bytes:
    """A digest of what the related papers read of a paper: its title and abstract."""
    text = f"{paper.title}\x00{paper.abstract_md}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).digest()


def digests_by_slug(records: Mapping[str, Record]) -> dict[str, str]:
    """Slug -> digest of the paper's file, from the papers' records."""
    return {paper.slug: key for key, paper, _ in records.values()}


def paper_bucket(display: str) -> int:
    """The part of the papers' cache that holds the file shown as ``display``."""
    return zlib.crc32(display.encode("utf-8", "surrogatepass")) % PAPER_BUCKETS


class BuildCache:
    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.dir = root / CACHE_DIR
        self.enabled = enabled
        self.paper_records: dict[str, Record] = {}  # saved once the build has succeeded
        self.known_keys: dict[str, str] = {}  # slug -> file digest, of the papers of the last build
        self._paper_parts: list[dict[str, Record] | None] = [None] * PAPER_BUCKETS  # as read
        self.bibtex_entries_next: dict[tuple[str, str], str] = {}  # likewise
        self.owner = os.getpid()  # the building process: its workers' saves are its own

    def related_paths(self) -> tuple[Path, Path] | None:
        """Where the related papers' term weights are read from, and where this build saves them."""
        return (self.dir / RELATED_FILE, self._pending(RELATED_FILE)) if self.enabled else None

    def _load(self, name: str) -> Any:
        if not self.enabled:
            return None
        try:
            with open(self.dir / name, "rb") as fh:
                stamp, value = pickle.load(fh)
            return value if stamp == code_fingerprint() else None
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            return None

    def _save(self, name: str, value: Any) -> None:
        """Write ``name``: to a file of its own first, put in place by ``commit`` once the build has
        succeeded (so a failed build leaves the cache as it was). Workers may save too."""
        if not self.enabled:
            return
        self.dir.mkdir(exist_ok=True)
        tmp = self.dir / f".{name}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            pickle.dump((code_fingerprint(), value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self._pending(name))

    def _pending(self, name: str) -> Path:
        return self.dir / f".{name}.pending-{self.owner}"

    def commit(self) -> None:
        """Put in place what this build saved (all of it: Ctrl-C waits); drop what builds that were
        killed left."""
        with uninterrupted():
            for name in CACHE_FILES:
                with contextlib.suppress(FileNotFoundError):
                    os.replace(self._pending(name), self.dir / name)
            if self.enabled:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.dir / SHOWN_FILE)  # written again by this build, if they changed
        self._remove_left()

    def _remove_left(self) -> None:
        """Remove what builds that were stopped left: their saved files, never put in place, and
        the temporary files of a worker stopped while it saved (a failed build stops its search)."""
        if not self.enabled:
            return
        for left in self.dir.glob(".*.pending-*"):
            owner = left.name.rpartition("-")[2].partition(".")[0]  # also .<name>.pending-<owner>.tmp.npz
            if owner.isdigit() and int(owner) != self.owner and not process_alive(int(owner)):
                left.unlink(missing_ok=True)
        for left in self.dir.glob(".*.tmp"):
            pid = left.name[:-len(".tmp")].rpartition(".")[2]
            if pid.isdigit() and not process_alive(int(pid)):
                left.unlink(missing_ok=True)

    def shown_pages(self) -> set[str]:
        """The output paths of the pages the preview wrote (``add_shown_pages``) since the last
        build that succeeded: the manifest's keys say nothing of what they hold."""
        try:
            return set((self.dir / SHOWN_FILE).read_text("utf-8").splitlines()) if self.enabled else set()
        except (OSError, UnicodeDecodeError):
            return set()

    def add_shown_pages(self, paths: Iterable[str]) -> None:
        """Note, before the preview writes them, pages that the next build must write again even
        if their keys did not change: an edit shown at once, then undone after its build failed."""
        if not self.enabled:
            return
        self.dir.mkdir(exist_ok=True)
        tmp = self.dir / f".{SHOWN_FILE}.{os.getpid()}.tmp"
        tmp.write_text("".join(f"{p}\n" for p in sorted(self.shown_pages() | set(paths))), "utf-8")
        os.replace(tmp, self.dir / SHOWN_FILE)

    def discard(self) -> None:
        """Drop what this build saved: the cache stays as the last build that succeeded left it."""
        for name in CACHE_FILES:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._pending(name))
        self._remove_left()

    def papers(self) -> dict[str, Record]:
        """display path -> (content digest, parsed paper, file signature)."""
        records: dict[str, Record] = {}
        for n, name in enumerate(PAPER_FILES):
            value = self._load(name)
            if isinstance(value, dict):
                self._paper_parts[n] = value
                records.update(value)
        return records

    def save_papers(self, papers: dict[str, Record]) -> None:
        """Save the parts of the papers' cache that differ from what was read."""
        parts: list[dict[str, Record]] = [{} for _ in range(PAPER_BUCKETS)]
        for display, record in papers.items():
            parts[paper_bucket(display)][display] = record
        for n, (part, old) in enumerate(zip(parts, self._paper_parts, strict=True)):
            if old is None or not _same_records(part, old):
                self._save(PAPER_FILES[n], part)

    def related_lists(self, key: str) -> dict[str, tuple[str, ...]] | None:
        """The related papers of the last build, if it made them of the same texts (``key``)."""
        value = self._load(RELATED_LISTS)
        return value[1] if isinstance(value, tuple) and len(value) == 2 and value[0] == key else None

    def save_related_lists(self, key: str, lists: dict[str, tuple[str, ...]]) -> None:
        self._save(RELATED_LISTS, (key, lists))

    def bibtex_entries(self) -> dict[tuple[str, str], str]:
        """(paper digest, citation key) -> BibTeX entry, from the last build."""
        value = self._load("bibtex.pickle")
        return value if isinstance(value, dict) else {}

    def save_bibtex_entries(self) -> None:
        self._save("bibtex.pickle", self.bibtex_entries_next)

    def search_memo(self) -> SearchMemo:
        """What the search read of each paper last time (an empty memo when there is none)."""
        value = self._load("search-memo.pickle")
        return value if isinstance(value, SearchMemo) else SearchMemo()

    def save_search_memo(self, memo: SearchMemo | None) -> None:
        if memo is not None:
            self._save("search-memo.pickle", memo)

    def feeds(self) -> dict[str, tuple[str, bytes]]:
        """The last build's feeds: path -> (digest of what the feed shows, its bytes)."""
        value = self._load(FEEDS_FILE)
        return value if isinstance(value, dict) else {}

    def save_feeds(self, feeds: dict[str, tuple[str, bytes]]) -> None:
        self._save(FEEDS_FILE, feeds)

    def manifest(self) -> Manifest | None:
        value = self._load("manifest.pickle")
        return value if isinstance(value, Manifest) else None

    def save_manifest(self, manifest: Manifest) -> None:
        self._save("manifest.pickle", manifest)


def _same_records(new: dict[str, Record], old: dict[str, Record]) -> bool:
    """Whether two parts of the papers' cache hold the same files, with the same digests and signatures
    (a paper is made of its file's bytes and name: the same digest, the same paper)."""
    return new.keys() == old.keys() and all(
        (record[0], record[2]) == (old[display][0], old[display][2]) for display, record in new.items())
