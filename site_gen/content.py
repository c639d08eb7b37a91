"""Paper files: discover, read and validate them; write new ones without clobbering."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema as s
from .cache import Record, Signature, digest
from .errors import Diagnostic
from .model import Paper
from .parallel import map_chunks
from .slug import is_slug, slugify, too_long
from .textutil import find_control
from .yamlio import YamlError, decode, split_front_matter

MAX_FILE_BYTES = 500_000  # the worst Markdown shapes we know take seconds to render at this size, not minutes
MAX_TAGS = 100  # each tag page lists the paper with all its tags: the output grows as the square
PAPER_FIELDS: dict[str, s.Field] = {
    "title": s.Field(s.text, "the paper's title", required=True),
    "date": s.Field(s.partial_date, "YYYY-MM-DD, YYYY-MM or YYYY: the listing day or publication date"),
    "tags": s.Field(s.short_list(MAX_TAGS, "a paper is listed under a few subjects, not every one"),
                    "tag slugs from content/tags.yaml", default=()),
    "authors": s.Field(s.string_list, "author display names", default=()),
    "et_al": s.Field(s.boolean, "true when the authors named are the first of more (BibTeX's 'and others')"),
    "arxiv": s.Field(s.arxiv, "arXiv id without version, quoted"),
    "doi": s.Field(s.doi, "DOI, such as 10.1000/xyz"),
    "venue": s.Field(s.text, "journal, conference or workshop"),
    "url": s.Field(s.web_url, "the paper's landing page (http/https)"),
    "pdf": s.Field(s.web_url, "the PDF (http/https)"),
    "code": s.Field(s.web_url, "the code repository (http/https)"),
    "project": s.Field(s.web_url, "the paper's project page (http/https)"),
    "source": s.Field(s.text, "where the record came from: daily, hf-json, arxiv, bibtex or a file name"),
    "categories": s.Field(s.string_list, "arXiv categories, the primary one first"),
    "year": s.Field(s.integer(1000, 9999), "publication year, when only the year is known (importers)"),
    "month": s.Field(s.integer(1, 12), "publication month (importers)"),
    "pages": s.Field(s.text, "page range, as in BibTeX"),
    "volume": s.Field(s.text, "volume, as in BibTeX"),
    "number": s.Field(s.text, "issue or report number, as in BibTeX"),
    "publisher": s.Field(s.text, "publisher, as in BibTeX"),
    "bibtex_key": s.Field(s.identifier, "the citation key to use in BibTeX"),
    "entry_type": s.Field(s.identifier, "BibTeX entry type: article, inproceedings, misc, ..."),
}
CORE_KEYS = ("title", "date", "tags", "authors", "arxiv", "doi", "venue", "url", "pdf", "code", "source")
PAPERS_DIR = "papers"
NO_SIGNATURE: Signature = (-1, -1, -1)
RACY_NS = 2_000_000_000  # file times move in clock ticks: a recent one does not prove a file unchanged


@dataclass
class LoadResult:
    papers: list[Paper] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    cache: dict[str, Record] = field(default_factory=dict)  # display path -> (digest, paper, signature)


@dataclass(frozen=True, slots=True)
class Found:
    """A paper file: its path, the path as diagnostics show it, and its signature when found
    (None: to be taken when the file is read)."""

    path: str
    display: str
    signature: Signature | None

    @property
    def slug(self) -> str:
        return os.path.basename(self.path)[:-3]


def discover(content_dir: Path, root: Path | None = None,
             signatures: bool = True) -> tuple[list[Found], list[Diagnostic]]:
    """The paper files, sorted by name; symlinks that lead outside ``content_dir`` are skipped
    with a warning. Strings, not paths: at 50,000 files pathlib's parsing is a visible cost.
    Without ``signatures``, none is taken (a stat of each file)."""
    papers_dir = content_dir / PAPERS_DIR
    shown_dir = display_path(papers_dir, root)
    if not papers_dir.is_dir():
        if papers_dir.is_symlink():  # to a folder not there (a drive not mounted) or to itself
            return [], [Diagnostic(shown_dir, 0, "symlink leads to no folder",
                                   "a build would replace the site with an empty one: mend or remove the link")]
        return [], []
    inside = content_dir.resolve()
    outside = "symlink leads outside the content folder; not followed"
    if not papers_dir.resolve().is_relative_to(inside):
        return [], [Diagnostic(shown_dir, 0, outside, severity="warning")]
    found: list[Found] = []
    problems: list[Diagnostic] = []
    with os.scandir(papers_dir) as entries:
        for entry in entries:
            if entry.name.startswith((".", "#")) or entry.name.endswith("~"):
                continue  # hidden files, our temporary files and editors' backups
            shown = os.path.join(shown_dir, entry.name)
            try:
                if entry.is_symlink() and leads_outside(entry.path, inside):
                    problems.append(Diagnostic(shown, 0, outside, severity="warning"))
                elif entry.name.endswith(".md") and entry.is_file():
                    found.append(Found(entry.path, shown, _signature(entry) if signatures else None))
                else:
                    problems.append(_not_a_paper(entry, shown))
            except OSError as exc:  # a loop of symlinks
                problems.append(Diagnostic(shown, 0, f"cannot read: {exc.strerror}; ignored", severity="warning"))
    found.sort(key=lambda f: os.path.basename(f.path))
    return found, problems


def leads_outside(path: str | Path, folder: Path) -> bool:
    """Whether the symlink ``path`` leads outside ``folder`` (a resolved path). A loop of
    symlinks leads nowhere: reading it says so."""
    try:
        return not Path(path).resolve().is_relative_to(folder)
    except (OSError, RuntimeError):
        return False


def _signature(entry: os.DirEntry[str]) -> Signature:
    """Modification time, size and inode: a file whose signature is unchanged is not read again
    (editors and importers replace or rewrite files, which changes the time or the inode)."""
    try:
        stat = entry.stat()
    except OSError:
        return NO_SIGNATURE
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _not_a_paper(entry: os.DirEntry[str], shown: str) -> Diagnostic:
    """Why an entry of content/papers/ is not read: an error when it was clearly meant as a paper."""
    stem, _, extension = entry.name.rpartition(".")
    if extension.lower() == "md" and extension != "md" and entry.is_file():
        return Diagnostic(shown, 1, "a paper file name ends in '.md', in lowercase",
                          f"rename it to {slugify(stem) or stem}.md")
    if entry.is_dir():
        return Diagnostic(shown, 0, "folders inside content/papers/ are not read; ignored", severity="warning")
    if entry.name.endswith(".md"):
        return Diagnostic(shown, 0, "not a regular file; ignored", severity="warning")
    return Diagnostic(shown, 0, "not a paper file (content/papers/<slug>.md); ignored", severity="warning")


def parse_paper(raw: bytes, path: str, slug: str) -> tuple[Paper | None, list[Diagnostic]]:
    """One paper file's bytes -> a Paper, or the diagnostics that explain why not."""
    problems: list[Diagnostic] = []
    if not is_slug(slug):
        hint = f"rename it to {slugify(slug)}.md" if slugify(slug) else "name it after its title, as in a-title.md"
        problems.append(Diagnostic(path, 1, f"file name '{slug}.md' is not a valid slug "
                                            "(lowercase ASCII letters, digits and single hyphens)", hint))
    try:
        doc = split_front_matter(decode(raw, path), path)
    except YamlError as exc:
        return None, [*problems, exc.diagnostic]
    values, more = s.check(doc.data, PAPER_FIELDS, path, doc.key_lines, first_line=2)
    problems += more
    if bad := find_control(doc.body):
        line = doc.body_line + doc.body.count("\n", 0, bad.start())
        problems.append(Diagnostic(path, line, f"the abstract {s.control_message(bad.group())}", "remove it"))
    tag_line = doc.key_lines.get("tags", 2)
    tags = values.get("tags", ())
    for n, tag in enumerate(tags):
        if not is_slug(tag):
            problems.append(Diagnostic(path, tag_line, f"tag '{tag}' is not a valid tag slug",
                                       f"use '{slugify(tag)}'" if slugify(tag) else "use letters and digits"))
        elif long := too_long(tag):
            problems.append(Diagnostic(path, tag_line, f"tag '{tag}' {long}", "shorten it"))
        elif tag in tags[:n] and tag not in tags[n + 1:]:
            problems.append(Diagnostic(path, tag_line, f"tag '{tag}' is listed {tags.count(tag)} times",
                                       "list each tag once"))
    if problems:
        return None, problems
    return make_paper(values, slug, path, doc.body, doc.body_line, doc.key_lines.get("tags", 0)), []


def make_paper(values: dict[str, Any], slug: str, path: str, body: str, body_line: int, tags_line: int = 0) -> Paper:
    core = {k: values[k] for k in CORE_KEYS if k in values}
    extra = tuple((k, values[k]) for k in PAPER_FIELDS if k not in CORE_KEYS and k in values)
    date = core.pop("date", None)
    if date is None and "year" in values:
        date = f"{values['year']:04d}" + (f"-{values['month']:02d}" if "month" in values else "")
    return Paper(slug=slug, abstract_md=body.strip("\n"), path=path, body_line=body_line, date=date,
                 extra=extra, tags_line=tags_line, **core)


def read_paper(path: Path | str, display: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A paper file's bytes, never more than ``MAX_FILE_BYTES`` of them."""
    raw, problems, _ = _read_paper(path, display)
    return raw, problems


def _read_paper(path: Path | str, display: str,
                signed: bool = False) -> tuple[bytes | None, list[Diagnostic], Signature]:
    """``read_paper``, and if ``signed`` the file's signature, taken before it is read."""
    signature = NO_SIGNATURE
    try:
        fd = os.open(path, _READ)
        try:
            stat = os.fstat(fd)
            if signed:
                signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            raw = _read_to_end(fd, MAX_FILE_BYTES + 1, stat.st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        return None, [Diagnostic(display, 0, f"cannot read: {exc.strerror}")], signature
    if len(raw) > MAX_FILE_BYTES:
        return None, [Diagnostic(display, 1, f"file too large: more than {MAX_FILE_BYTES:,} bytes",
                                 "a paper file holds an abstract; link the full text with url or pdf")], signature
    return raw, [], signature


_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def _read_to_end(fd: int, limit: int, size: int) -> bytes:
    """At most ``limit`` bytes of an open file of ``size`` bytes (by its stat), to its end.

    One read of the size and a byte more finds the end of a file that did not grow: ``open``
    and ``read(limit)`` would add three system calls and allocate ``limit`` bytes (half a
    megabyte, a fresh mapping) for each file of a few kilobytes."""
    chunks = [os.read(fd, min(limit, size + 1))]
    total = len(chunks[0])
    while chunks[-1] and total < limit and total > size:  # it grew: read on to its end
        chunks.append(os.read(fd, min(limit - total, 1 << 16)))
        total += len(chunks[-1])
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def load_file(path: Path, display: str) -> tuple[Paper | None, list[Diagnostic]]:
    raw, problems = read_paper(path, display)
    return parse_paper(raw, display, path.name[:-3]) if raw is not None else (None, problems)


Loaded = tuple[str, str, Paper | None, list[Diagnostic], Signature]  # display path, digest, paper, problems, signature


def _load_chunk(jobs: Sequence[tuple[Found, Record | None]]) -> list[Loaded]:
    results: list[Loaded] = []
    for found, cached in jobs:
        display, signature = found.display, found.signature
        if cached is not None and signature not in (None, NO_SIGNATURE) and cached[2] == signature:
            results.append((display, cached[0], cached[1], [], signature))  # unchanged since the last build
            continue
        raw, problems, taken = _read_paper(found.path, display, signed=signature is None)
        signature = taken if signature is None else signature
        if raw is None:
            results.append((display, "", None, problems, signature))
            continue
        key = digest(raw)
        if cached is not None and cached[0] == key:
            results.append((display, key, cached[1], [], signature))
        else:
            results.append((display, key, *parse_paper(raw, display, found.slug), signature))
    return results


def load_papers(content_dir: Path, root: Path | None = None, cache: dict[str, Record] | None = None) -> LoadResult:
    """Every paper of the catalogue, validated; a file whose signature or bytes match ``cache`` is
    not parsed again.

    Duplicates by URL or id are reported naming both files.
    """
    # Signatures are taken before the files are read: a file edited while the build runs is read
    # again next time. Without a cache to compare them with, each is taken as its file is read.
    cache = cache or {}
    files, warnings = discover(content_dir, root, signatures=bool(cache))
    result = LoadResult(diagnostics=list(warnings))
    jobs = [(found, cache.get(found.display)) for found in files]
    racy = time.time_ns() - RACY_NS  # a file changed this recently may change again within its clock tick
    misses = sum(1 for job in jobs if job[1] is None)
    chunks = map_chunks(_load_chunk, jobs, min_parallel=1500) if misses > 1500 else [_load_chunk(jobs)]
    for display, key, paper, problems, signature in (item for chunk in chunks for item in chunk):
        result.diagnostics += problems
        if paper is not None:
            result.papers.append(paper)
            result.cache[display] = (key, paper, signature if signature[0] < racy else NO_SIGNATURE)
    paths = {found.display: found.path for found in files}
    result.diagnostics += find_duplicates(result.papers, lambda paper, key: _key_line(paths[paper.path], key))
    return result


def _key_line(path: str, key: str) -> int:
    """The line of a front-matter ``key`` in a paper file that was read and found valid; 1 if the
    file has changed since and the key cannot be found."""
    try:
        with open(path, "rb") as file:
            return split_front_matter(decode(file.read(), path), path).key_lines.get(key, 1)
    except (OSError, YamlError):
        return 1


def display_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` when it is inside it, as diagnostics show it."""
    if root is not None:
        text, base = str(path), str(root)
        if ".." not in text:  # the common cases, without pathlib's parsing
            if base == "." and not os.path.isabs(text):
                return text
            if text.startswith(base + os.sep):
                return text[len(base) + 1 :]
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def find_duplicates(papers: Iterable[Paper],
                    key_line: Callable[[Paper, str], int] = lambda paper, key: 1) -> list[Diagnostic]:
    """Files that hold the same arXiv id or DOI (a warning: the catalogue lists the paper twice),
    reported at the line ``key_line`` gives for the key in the second file. Two files cannot
    write to the same URL: a slug is the name of a file in one folder, and lowercase."""
    problems: list[Diagnostic] = []
    seen: dict[tuple[str, str], Paper] = {}
    for paper in papers:
        for kind, name, value in (("arXiv id", "arxiv", paper.arxiv), ("DOI", "doi", paper.doi)):
            if not value:
                continue
            first = seen.setdefault((name, value.lower()), paper)
            if first is not paper:
                problems.append(Diagnostic(paper.path, key_line(paper, name), f"same {kind} '{value}' as {first.path}",
                                           "merge the two files or remove one", severity="warning"))
    return problems
