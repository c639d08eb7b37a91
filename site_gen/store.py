"""Writing paper files: serialise front matter, write atomically, merge instead of clobbering."""

from __future__ import annotations

import codecs
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .content import PAPER_FIELDS, PAPERS_DIR
from .errors import Diagnostic, ImportFailed
from .model import PaperDraft
from .schema import arxiv_id
from .slug import fallback_slug, unique_slug
from .textutil import strip_control
from .yamlio import FENCE, YAML_TEXT, YamlError, decode, split_front_matter

Tagger = Callable[[str, str], tuple[str, ...]]
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .,()'/+-]*[A-Za-z0-9.)]|[A-Za-z]")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


# What YAML may not hold as it is (outside its printable set, such as DEL and the C1 controls)
# or reads as a line break or a byte-order mark: written as \u escapes.
_YAML_ESCAPE = re.compile(f"[^\t\n\r{YAML_TEXT}]")


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON syntax), with what YAML would refuse or misread escaped."""
    return _YAML_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _scalar(value: Any, in_list: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and ": " not in text and " #" not in text \
            and not (in_list and "," in text):  # in [a, b] a comma ends the item: "Zhao, Shengkui" is quoted
        return text
    return _quoted(text)


def _yaml_value(key: str, value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v, in_list=True) for v in value) + "]"
    if key == "date" and re.fullmatch(r"\d{4}(-\d{2}){0,2}", str(value)):
        return str(value)
    if key in ("title", "arxiv", "doi"):
        return _quoted(str(value))
    return _scalar(value)


def front_matter_lines(values: dict[str, Any]) -> list[str]:
    """``key: value`` lines in the schema's order; values quoted when YAML would misread them."""
    return [f"{k}: {_yaml_value(k, values[k])}" for k in PAPER_FIELDS
            if k in values and (k == "tags" or values[k] not in (None, "", (), []))]


def clean_text(text: str) -> str:
    """Text as a paper file holds it: LF line ends, no control characters."""
    return strip_control(text.replace("\r\n", "\n").replace("\r", "\n"))


def render_paper(values: dict[str, Any], abstract: str) -> str:
    body = clean_text(abstract).strip("\n")
    return "---\n" + "\n".join(front_matter_lines(values)) + "\n---\n" + (body + "\n" if body else "")


def draft_values(draft: PaperDraft, tags: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {"title": draft.title, "date": draft.date, "tags": list(tags),
                              "authors": list(draft.authors), "arxiv": draft.arxiv, "doi": draft.doi,
                              "venue": draft.venue, "url": draft.url, "pdf": draft.pdf, "code": draft.code,
                              "source": draft.source}
    values.update(dict(draft.extra))
    values = {k: _cleaned(v) for k, v in values.items()}
    return {k: v for k, v in values.items() if k == "tags" or v not in (None, "", [], ())}


def _cleaned(value: Any) -> Any:
    """A value as a paper file holds it (``clean_text``); text left blank by that is empty, and
    list items left blank are dropped: an author of control characters only is no author."""
    if isinstance(value, str):
        text = clean_text(value)
        return text if text.strip() else ""
    if isinstance(value, (list, tuple)):
        return [item for item in map(_cleaned, value) if item != ""]
    return value


def atomic_write(path: Path, text: str, *, overwrite: bool) -> bool:
    """Write via a temporary file in the same folder; never replace an existing file unless asked."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if the file appeared meanwhile: nothing is clobbered
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass
class Existing:
    path: Path
    data: dict[str, Any]
    body: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # entries of a paper an earlier entry of the file gave
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Catalogue:
    """The paper files on disk, indexed by slug, arXiv id, DOI and title, for idempotent upserts."""

    def __init__(self, content_dir: Path) -> None:
        self.dir = content_dir / PAPERS_DIR
        self.by_slug: dict[str, Existing | None] = {}
        self.by_id: dict[str, str] = {}
        self.by_title: dict[str, list[str]] = {}  # the slug a file's title gives -> the files' slugs
        self.broken: list[Diagnostic] = []
        if self.dir.is_dir():
            for path in sorted(self.dir.glob("*.md")):
                self._index(path)

    def _index(self, path: Path) -> None:
        slug = path.name[:-3]
        try:
            doc = split_front_matter(decode(path.read_bytes(), str(path)), str(path))
            data = doc.data if isinstance(doc.data, dict) else {}
            self.add(slug, Existing(path, data, doc.body))
        except YamlError as exc:
            self.by_slug[slug] = None  # unreadable: never touched, its slug stays taken
            self.broken.append(exc.diagnostic)

    def add(self, slug: str, existing: Existing) -> None:
        self.by_slug[slug] = existing
        ids = {key: existing.data.get(key) for key in ("arxiv", "doi")}
        for key, value in ids.items():
            if isinstance(value, str):
                self.by_id[_id_key(key, value)] = slug
        title = existing.data.get("title")
        if isinstance(title, str) and title.strip():
            named = fallback_slug(title, *(v if isinstance(v, str) else None for v in ids.values()))
            if slug not in (same := self.by_title.setdefault(named, [])):
                same.append(slug)

    def find(self, draft: PaperDraft, slug: str) -> str | None:
        """The slug of the paper the draft is: the one with its arXiv id or DOI, else the first of
        ``slug``, ``slug-2``, ``slug-3``, ... that is not another paper, else a file of another
        name whose title gives ``slug`` (a file renamed by hand) and that is not another paper."""
        for key, value in (("arxiv", draft.arxiv), ("doi", draft.doi)):
            if value and _id_key(key, value) in self.by_id:
                return self.by_id[_id_key(key, value)]
        candidate, number = slug, 1
        while candidate in self.by_slug:
            existing = self.by_slug[candidate]
            if existing is not None and not self._conflict(existing, draft):
                return candidate
            number += 1
            candidate = f"{slug}-{number}"
        for renamed in self.by_title.get(slug, ()):
            existing = self.by_slug.get(renamed)
            if existing is not None and not self._conflict(existing, draft):
                return renamed
        return None

    @staticmethod
    def _conflict(existing: Existing, draft: PaperDraft) -> bool:
        """Same slug but a different paper: both carry an id and the ids differ, or both name
        authors and no name of one shares a word with a name of the other (two "Editorial
        comments" by different people; "Zhao, Shengkui" and "Shengkui Zhao" are one author)."""
        for key, value in (("arxiv", draft.arxiv), ("doi", draft.doi)):
            other = existing.data.get(key)
            if value and isinstance(other, str) and _id_key(key, other) != _id_key(key, value):
                return True
        theirs = existing.data.get("authors")
        if draft.authors and isinstance(theirs, list):
            ours, known = _name_words(draft.authors), _name_words(a for a in theirs if isinstance(a, str))
            return bool(ours and known) and not ours & known
        return False


def _id_key(key: str, value: str) -> str:
    """How an id is compared: an arXiv id written by hand with its version, an ``arXiv:`` prefix
    or as its abstract page's address (``2510.14968v2``) is the paper of the bare id."""
    return f"{key}:{(arxiv_id(value) if key == 'arxiv' else None) or value.strip()}".lower()


def _name_words(names: Iterable[str]) -> set[str]:
    """The words of authors' names, without accents or case: ``Müller, J.`` gives ``muller``."""
    text = unicodedata.normalize("NFKD", " ".join(names)).casefold()
    return {word for word in re.findall(r"[^\W\d_]{2,}", "".join(c for c in text if not unicodedata.combining(c)))}


def upsert(catalogue: Catalogue, drafts: Sequence[PaperDraft], tagger: Tagger, force: bool = False,
           source: str = "") -> ImportReport:
    """Create new paper files and merge drafts into existing ones; report each paper's fate.
    ``source``: the imported file, as its warnings name it."""
    report = ImportReport(diagnostics=list(catalogue.broken))
    catalogue.dir.mkdir(parents=True, exist_ok=True)
    first: dict[str, int] = {}  # the slug of each paper this import has given -> its first entry's line
    for draft in drafts:
        if not _cleaned(draft.title):
            report.diagnostics.append(Diagnostic(
                source or "import", draft.line, f"skipped a paper whose title has only control characters: "
                f"{draft.title!r}", severity="warning"))
            continue
        slug = fallback_slug(draft.title, draft.arxiv, draft.doi)
        found = catalogue.find(draft, slug)
        if found is None and slug in catalogue.by_slug and catalogue.by_slug[slug] is None:
            report.kept.append(slug)  # most likely this paper, in a file being edited: never a copy of it
            report.diagnostics.append(Diagnostic(
                str(catalogue.dir / f"{slug}.md"), 0, "cannot be read, so the paper of that slug was not "
                "imported", "fix the file and import again", severity="warning"))
        elif found is None:
            new = unique_slug(slug, catalogue.by_slug)
            if _create(catalogue, draft, new, tagger, report):
                first[new] = draft.line
        elif found in first:
            _repeat(catalogue, found, first[found], draft, force, report, source)
        else:
            first[found] = draft.line
            _merge(catalogue, found, draft, force, report)
    return report


def _repeat(catalogue: Catalogue, slug: str, line: int, draft: PaperDraft, force: bool, report: ImportReport,
            source: str) -> None:
    """An entry of the paper that an earlier entry of the same file gave (the same title, with no
    id or author to tell them apart): merged into it as any entry is, and counted as repeated,
    not as kept, when it changes nothing. An abstract of its own that differs is not lost silently."""
    existing = catalogue.by_slug[slug]
    assert existing is not None
    ours, theirs = clean_text(draft.abstract).strip(), clean_text(existing.body).strip()
    if ours and theirs and ours != theirs:
        fate = "this one replaced that entry's" if force else "that entry's is kept, this one is not imported"
        report.diagnostics.append(Diagnostic(
            source or "import", draft.line, f"{draft.title!r} repeats the paper of line {line} "
            f"({PAPERS_DIR}/{slug}.md) with another abstract: {fate}",
            "if it is another paper, give it a file of its own by hand", severity="warning"))
    _merge(catalogue, slug, draft, force, report, unchanged=report.repeated)


def _create(catalogue: Catalogue, draft: PaperDraft, slug: str, tagger: Tagger, report: ImportReport) -> bool:
    """Write the paper's file under ``slug``; whether it was written (not if a file came meanwhile)."""
    tags = list(dict.fromkeys([*draft.tags, *tagger(draft.title, draft.abstract)]))
    values = draft_values(draft, tags)
    path = catalogue.dir / f"{slug}.md"
    if atomic_write(path, render_paper(values, draft.abstract), overwrite=False):
        catalogue.add(slug, Existing(path, values, draft.abstract))
        report.created.append(slug)
        return True
    catalogue.by_slug[slug] = None
    report.kept.append(slug)
    return False


def _merge(catalogue: Catalogue, slug: str, draft: PaperDraft, force: bool, report: ImportReport,
           unchanged: list[str] | None = None) -> None:
    """Fill in (or, with ``force``, replace) the keys of the paper ``slug`` from ``draft``; a paper
    this changes nothing in goes to ``unchanged`` (by default ``report.kept``)."""
    existing = catalogue.by_slug[slug]
    assert existing is not None
    new = {k: v for k, v in draft_values(draft, draft.tags).items() if v != []}
    original, as_written = _read(existing.path)
    if force:
        values = {**existing.data, **new}
        if "authors" in new and "et_al" not in new:  # et_al qualifies the author list it came with
            values.pop("et_al", None)
        body = draft.abstract or existing.body
        changed = values != existing.data or body.strip() != existing.body.strip()
        text = render_paper(values, body)
    else:
        missing = {k: v for k, v in new.items() if k not in existing.data}  # `project:` alone was written
        if "authors" not in missing:
            missing.pop("et_al", None)
        body = existing.body if existing.body.strip() else clean_text(draft.abstract)
        changed = bool(missing) or body.strip() != existing.body.strip()
        text = _append_keys(original, missing, body, existing.body)
        values = {**existing.data, **missing}
        if changed and not _reads_as(existing.path, original, text, missing, body):
            report.diagnostics.append(Diagnostic(
                str(existing.path), 1, "cannot add " + ", ".join(missing or ["the abstract"]) +
                " without rewriting the front matter; the file is left unchanged",
                "add them by hand, or import with --force", severity="warning"))
            changed = False
    if not changed:
        (report.kept if unchanged is None else unchanged).append(slug)
        return
    atomic_write(existing.path, as_written(text), overwrite=True)
    catalogue.add(slug, Existing(existing.path, values, body))
    report.merged.append(slug)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read(path: Path) -> tuple[str, Callable[[str], str]]:
    """A paper file's text, without a byte order mark and with LF line ends; and what gives a new
    text (LF line ends) as the file is written: with its byte order mark and CRLF line ends if it
    has them, so that a file saved on Windows changes only where it was edited."""
    raw = path.read_bytes()
    bom = "\ufeff" if raw.startswith(codecs.BOM_UTF8) else ""
    crlf = b"\r\n" in raw
    return _normalise(raw.decode("utf-8-sig")), lambda text: bom + (text.replace("\n", "\r\n") if crlf else text)


def _fence_at(text: str) -> int:
    """Where the line that closes the front matter (``---`` or ``...``) starts."""
    close = FENCE.search(text, text.index("\n") + 1)
    assert close is not None  # the file was read as front matter, so it has a closing line
    return close.start()


def _reads_as(path: Path, old: str, new: str, changes: dict[str, Any], body: str | None = None) -> bool:
    """True when ``new`` holds what ``old`` held with ``changes`` (and ``body``): the edit lost nothing."""
    try:
        before, after = split_front_matter(old, str(path)), split_front_matter(new, str(path))
    except YamlError:
        return False
    wanted_body = before.body if body is None else body
    return (isinstance(before.data, dict) and after.data == {**before.data, **changes}
            and after.body.strip() == wanted_body.strip())


def _append_keys(text: str, missing: dict[str, Any], body: str, old_body: str) -> str:
    """Add keys before the closing fence, keeping every byte a person wrote."""
    text = _normalise(text)
    at = _fence_at(text)
    head = text[:at] + "".join(line + "\n" for line in front_matter_lines(missing))
    rest = text[at:]
    if not old_body.strip() and body.strip():
        rest = rest.rstrip("\n") + "\n" + body.strip("\n") + "\n"
    return head + rest


# The tags key and the lines of its value: indented lines, or block list items at the margin.
_TAGS_LINE = re.compile(r"^tags[ \t]*:.*(?:\n(?:[ \t]*\n)*(?:[ \t]+\S.*|-(?:[ \t].*)?))*$", re.M)


def set_tags(path: Path, tags: Sequence[str]) -> None:
    """Give a paper file tags: replace its ``tags:`` key or add one; every other byte stays."""
    old, as_written = _read(path)
    at = _fence_at(old)
    head, rest = old[:at], old[at:]
    line = front_matter_lines({"tags": list(tags)})[0]
    head = _TAGS_LINE.sub(line, head, count=1) if _TAGS_LINE.search(head) else head + line + "\n"
    if not _reads_as(path, old, head + rest, {"tags": list(tags)}):
        raise ImportFailed([Diagnostic(str(path), 1, "cannot set the tags without rewriting the front matter; "
                                                     "the file is left unchanged", "edit its tags by hand")])
    atomic_write(path, as_written(head + rest), overwrite=True)
