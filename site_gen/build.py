"""The build reads as the pipeline: load, check, assemble, plan, render, publish.

A cold build renders every page in parallel into a staging folder and swaps it in. With a
cache from the last build, only pages whose inputs changed are rendered again and replaced
in place, each file atomically; the search files follow when any paper changed.
"""

from __future__ import annotations

import functools
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from . import content, feeds, output, search, taxonomy
from .cache import BuildCache, Manifest, code_fingerprint, digest, digests_by_slug, text_key
from .citation import bibtex_entry, catalogue_keys
from .config import BUNDLED_THEMES, SiteConfig
from .errors import BuildFailed, Diagnostic, errors_only, promote, raise_if_errors
from .model import OutputFile, Tag
from .pages import PageSpec, other_specs, page_urls, paper_specs
from .parallel import Forked, jobs_default, run_tasks_while, tapered, trim_memory
from .render import Renderer
from .search import search_index
from .site import Site, assemble
from .themes import Theme

R = TypeVar("R")
TAGS_FILE = "tags.yaml"
LUNR_JS = PurePosixPath("node_modules/lunr/lunr.min.js")
KATEX = PurePosixPath("node_modules/katex/dist")
KATEX_FILES = ("katex.min.css", "katex.min.js", "contrib/auto-render.min.js")
INCREMENTAL_LIMIT = 0.3  # above this share of changed pages, a full (atomic) build is as fast


@dataclass(frozen=True)
class Warm:
    """What a build leaves for the preview: enough to render the pages an edit of a paper changes
    at once, before the next build (which also redoes related papers and search) has run."""

    config: SiteConfig
    site: Site
    related: Mapping[str, tuple[str, ...]]
    cite_keys: Mapping[str, str]
    listed: Mapping[str, tuple[int, tuple[str, ...]]]  # listing URL -> what it showed (Listing.shown)
    theme: Theme  # the build's, which keeps the templates compiled with it


@dataclass
class BuildReport:
    papers: int = 0
    pages: int = 0
    rendered: int = 0
    files: int = 0
    bytes: int = 0
    incremental: bool = False
    warnings: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    warm: Warm | None = None  # what the preview keeps to show the next edit before the next build


class _Timer:
    def __init__(self, report: BuildReport) -> None:
        self.report, self.last = report, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.timings[stage] = now - self.last
        self.last = now


def load_site(config: SiteConfig, cache: BuildCache | None = None) -> tuple[Site, list[Diagnostic]]:
    """Read and check every input; raise BuildFailed with all problems at once."""
    site, warnings, _ = _load(config, cache)
    return site, warnings


def _load(config: SiteConfig, cache: BuildCache | None) -> tuple[Site, list[Diagnostic], dict[str, str]]:
    known = None
    if cache:
        known = cache.papers()
        cache.known_keys = digests_by_slug(known)
    loaded = content.load_papers(config.content_path, config.root, known)
    tags, tag_problems = load_taxonomy(config)
    site, site_problems = assemble(config, loaded.papers, tags)
    if errors_only(tag_problems):
        site_problems = []  # tags missing from a broken tags.yaml: its own errors say why
    problems = loaded.diagnostics + tag_problems + site_problems
    raise_if_errors(promote(problems) if config.strict else problems)
    if cache:
        cache.paper_records = loaded.cache
    keys = digests_by_slug(loaded.cache)  # content digest of each file
    return site, [d for d in problems if d.severity == "warning"], keys


def most_pages_change(previous: Manifest, salt: str, site: Site, before: Mapping[str, str],
                      after: Mapping[str, str]) -> bool:
    """Whether a build renders more than ``INCREMENTAL_LIMIT`` of the pages again, as far as
    the inputs tell before any page's key is known: every page when the salt changed (a theme,
    a setting, site-gen's version: every key holds it); else at least the pages of the papers
    added, edited (``before`` and ``after``: slug -> file digest) or removed, and of those with
    a tag that was renamed or removed."""
    if previous.salt != salt:
        return True
    names = site.tag_names
    renamed = {slug for slug, name in previous.tag_names.items() if names.get(slug) != name}
    changed = sum(before.get(p.slug) != after.get(p.slug) or not renamed.isdisjoint(p.tags) for p in site.papers)
    changed += len(before.keys() - after.keys())
    return changed > INCREMENTAL_LIMIT * max(1, len(after), len(before))


def load_taxonomy(config: SiteConfig) -> tuple[tuple[Tag, ...], list[Diagnostic]]:
    """content/tags.yaml, unless it is a symlink that leads outside the content folder."""
    path, display = config.content_path / TAGS_FILE, display_path(config, TAGS_FILE)
    if path.is_symlink() and content.leads_outside(path, config.content_path.resolve()):
        return (), [Diagnostic(display, 0, "symlink leads outside the content folder; not followed",
                               severity="warning")]
    return taxonomy.load(path, display)


def display_path(config: SiteConfig, name: str) -> str:
    return str(Path(config.content_dir) / name)


def build(config: SiteConfig, out: Path, use_cache: bool = True, jobs: int | None = None,
          detach: bool = False) -> BuildReport:
    """Build the site into ``out``. ``detach``: a full build that replaces a previous site leaves
    removing the old one to a process of its own (the command line's choice: it need not wait)."""
    cache = BuildCache(config.root, use_cache)
    try:
        report = _build(config, out, cache, jobs, detach)
    except BaseException:
        cache.discard()
        raise
    cache.commit()
    return report


def _build(config: SiteConfig, out: Path, cache: BuildCache, jobs: int | None, detach: bool) -> BuildReport:
    report = BuildReport()
    timer = _Timer(report)
    site, report.warnings, keys = _load(config, cache)
    report.papers = len(site.papers)
    timer.lap("load")
    theme = Theme(config)
    output.check_output_dir(out, [config.content_path, config.root, *theme.dirs], [config.content_path, *theme.dirs])
    output.remove_leftovers(out)
    previous = cache.manifest()
    if previous and (previous.out != str(out.resolve()) or not (out / output.MARKER).is_file()):
        previous = None
    salt = digest(code_fingerprint(), config.with_overrides(root=Path(".")), theme.fingerprint(),
                  bool(site.authors), bool(site.by_year), search.index_path(len(site.papers)))  # in every page
    if previous and most_pages_change(previous, salt, site, cache.known_keys, keys):
        # The build takes a full build's path from the start. Begun as an incremental one, it
        # would make the search files once for that, then again for the full build it turns into,
        # while a worker still held the first: 1.2 GB at 50,000 papers, against 0.9 GB cold.
        previous = None
    search_key = digest(salt, sorted(keys.items()), site.tag_names)
    stale = previous is not None and (previous.search_key != search_key
                                      or not all((out / p).is_file() for p in previous.search))
    with ExitStack() as stack:  # the workers of prepare stop when the build is done
        staging = None if previous else output.Staging(out, detach)  # a full build's folder
        if staging:
            stack.enter_context(staging)
        prepared = prepare(site, theme, jobs, cache, out, previous, stale, stack, staging)
        renderer, searched, late = prepared.renderer, prepared.searched, prepared.late
        shown = prepared.related()
        others = other_specs(site, keys, salt)  # while the workers work
        prepared.cite_keys()
        specs = paper_specs(site, keys, shown, renderer.cite_keys, salt) + others
        ahead = Ahead(renderer, specs, staging.folder) if staging else None
        prepared.ready(ahead.render if ahead else None)
        timer.lap("prepare")

        def extras() -> list[OutputFile]:  # while the workers render
            return [*late().feeds, *asset_files(theme, config)]

        def bibtex() -> OutputFile:  # after the pages, whose renderers made the entries of their papers
            return OutputFile(PurePosixPath("papers.bib"), catalogue_bibtex(site, keys, renderer, cache))

        written = None
        if previous:
            written = update(out, renderer, specs, extras, bibtex, previous, searched, report,
                             late().missing | cache.shown_pages())
        if written is None:
            written = full_build(renderer, specs, extras, bibtex, report, jobs, cache,
                                 staging or output.Staging(out, detach), searched() if staging else None, ahead)
    files, search_paths, digests = written
    timer.lap("write")
    cache.save_bibtex_entries()
    cache.save_manifest(Manifest(str(out.resolve()), salt, {p: s.key for s in specs for p in s.paths},
                                 files, search_paths, search_key, digests, site.tag_names))
    timer.lap("cache")
    report.pages = len(specs)
    report.warm = Warm(config, site, shown, renderer.cite_keys,
                       {s.url: s.listing.shown for s in others if s.listing}, theme)
    return report


def catalogue_bibtex(site: Site, keys: dict[str, str], renderer: Renderer, cache: BuildCache) -> bytes:
    """papers.bib: every paper's entry, from its page if rendered, else from the last build."""
    known = cache.bibtex_entries()
    entries = {}
    for paper in site.papers:
        cite_key = renderer.cite_keys[paper.slug]
        key = (keys[paper.slug], cite_key)
        entries[key] = renderer.bibtex.get(paper.slug) or known.get(key) or bibtex_entry(paper, cite_key)
    cache.bibtex_entries_next = entries
    return "\n".join(entries.values()).encode("utf-8")


RENDER_CHUNK = 50  # pages: the last chunks of a full build, a few hundredths of a second each
PREPARE_MIN = 1000  # papers; below this, forking workers costs more than it saves


@dataclass
class Prepared:
    """What ``prepare`` starts: the renderer; ``related()``, the related papers once made;
    ``cite_keys()``, which gives the renderer the citation keys; ``ready(meanwhile)``, once the
    renderer has every shared fragment and the workers of a full build are done (while a worker
    still makes the search files of a full build, this process calls ``meanwhile()`` until it
    returns False: work that needs the fragments); ``searched()``, the
    search files once made: for a full build (``staging``) written to its folder (``Done``), for
    an incremental one whose search is stale written beside their targets (``Searched``), else
    None; ``late()``, the rest (``Late``)."""

    renderer: Renderer
    related: Callable[[], Related]
    cite_keys: Callable[[], None]
    ready: Callable[[Callable[[], bool] | None], None]
    searched: Callable[[], Any]
    late: Callable[[], Late]


def prepare(site: Site, theme: Theme, jobs: int | None, cache: BuildCache, out: Path, previous: Manifest | None,
            stale: bool, stack: ExitStack, staging: output.Staging | None) -> Prepared:
    """Tasks shared by forked workers and this process, which first goes on with the rest of the
    build: the search files; the related papers; the citation keys; for an incremental build,
    the rest (``Late``); for a full build, the fragments many pages show of each paper, which the
    renderer adopts, so that every page renderer forked later starts with all of them (a full
    build's Late is made by this process while the workers render the pages).

    This process takes the fragments last (``ready``), after the related papers and what it makes
    of them, so that a worker done with the search takes its share. For a full build, the search
    is done before ``ready`` returns, so that no more processes work at once than there are jobs;
    for an incremental one, its worker goes on while this process renders, stops when ``stack``
    closes, and search files not put in place by then are removed."""
    renderer = Renderer(site, theme, cite_keys={})
    tasks: list[Callable[[], object]] = []
    late = partial(_late, site, cache, out, previous)
    late_at = search_at = keys_at = None
    if staging is not None:
        search_at = len(tasks)
        tasks.append(partial(_write_search, site, staging.folder, cache))
    elif stale and previous:
        # The search files take longest: the worker starts on them at once, while this process
        # makes the related papers, then (unless the worker is done first) the citation keys and
        # Late, which the pages wait for.
        search_at, late_at, keys_at = len(tasks), len(tasks) + 1, len(tasks) + 2
        tasks += [partial(_search, site, cache, out, previous.digests), late, partial(catalogue_keys, site.papers)]
    related_at = len(tasks)
    tasks.append(partial(related_papers, site, cache))
    if keys_at is None:
        keys_at = len(tasks)
        tasks.append(partial(catalogue_keys, site.papers))
    if late_at is None and staging is None:
        late_at = len(tasks)
        tasks.append(late)
    keys_task, fragments_at = keys_at, len(tasks)
    if len(site.papers) < PREPARE_MIN:
        jobs = 1
    elif staging is not None:
        jobs = jobs or jobs_default()
        tasks += [partial(renderer.prepare, chunk) for chunk in tapered(site.papers, jobs, len(site.papers) // 64 + 1)]
    work = stack.enter_context(Forked(tasks, jobs))
    if search_at is not None and staging is None:
        stack.callback(_remove_unused, work, search_at, out)

    def related() -> Related:
        lists: Related = work.result(related_at)  # claimed here at once, unless a worker is free
        return lists

    def cite_keys() -> None:
        renderer.cite_keys = work.result(keys_task)

    def ready(meanwhile: Callable[[], bool] | None = None) -> None:
        for index in range(fragments_at, len(tasks)):
            renderer.adopt(work.take(index))
        if staging is not None and search_at is not None:  # a full build makes the search files
            while meanwhile is not None and work.running(search_at) and meanwhile():
                pass
            work.result(search_at)
        if late_at is not None and search_at is None:
            work.result(late_at)
        if staging is not None or search_at is None:
            work.close()  # nothing more to come: free the workers' memory before more are forked

    return Prepared(renderer, related, cite_keys, ready,
                    partial(work.result, search_at) if search_at is not None else lambda: None,
                    partial(work.result, late_at) if late_at is not None else functools.cache(late))


@dataclass
class Late:
    """What a build needs only once its pages are rendered: the feeds and the sitemap; and, for an
    incremental build, the pages missing from the output."""

    feeds: list[OutputFile]
    missing: set[str]


def _late(site: Site, cache: BuildCache, out: Path, previous: Manifest | None) -> Late:
    """``Late``; and the papers and the feeds saved to the cache."""
    cache.save_papers(cache.paper_records)
    folder = str(out)  # os.path: pathlib's parsing would cost more than the check at 10,000 pages
    missing = {p for p in previous.pages if not os.path.isfile(os.path.join(folder, p))} if previous else set()
    memo = cache.feeds()
    made = list(feeds.files(site, page_urls(site), memo, digests_by_slug(cache.paper_records)))
    cache.save_feeds(memo)
    return Late(made, missing)


def related_papers(site: Site, cache: BuildCache | None = None) -> dict[str, tuple[str, ...]]:
    """Related papers by text similarity of title and abstract: the last build's lists when no
    title or abstract changed (an edit of tags, authors or dates), else made again with the term
    weights of papers that did not change read from the cache."""
    if not site.config.related:
        return {}
    text_keys = {p.slug: text_key(p) for p in site.papers}
    texts = digest(site.config.related, *(part for slug in sorted(text_keys) for part in (slug, text_keys[slug])))
    kept = cache.related_lists(texts) if cache else None
    if kept is not None:
        return kept
    from . import related  # numpy and scipy: loaded by the worker that needs them, not at start-up

    weights_from, weights_to = (cache.related_paths() if cache else None) or (None, None)
    papers = related.related(site.papers, site.config.related, weights_from, weights_to, text_keys)
    trim_memory()  # what the sparse products left behind, before workers fork
    if cache:
        cache.save_related_lists(texts, papers)
    return papers


Written = tuple[list[str], list[str], dict[str, str]]  # the files other than pages, the search files, their digests


@dataclass
class Done:
    """What a worker did: pages and bytes written, search files, BibTeX entries."""

    pages: int = 0
    bytes: int = 0
    search: list[str] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # of the search files
    bibtex: dict[str, str] = field(default_factory=dict)  # slug -> entry, of the papers rendered


def _render_chunk(renderer: Renderer, specs: Sequence[PageSpec], folder: Path) -> Done:
    with output.Writer(folder) as writer:
        for spec in specs:
            writer.write_all(renderer.render_spec(spec))
    entries = {spec.paper.slug: renderer.bibtex[spec.paper.slug] for spec in specs if spec.paper}
    return Done(len(specs), writer.bytes, bibtex=entries)


class Ahead:
    """The first pages of a full build, rendered by this process while a worker finishes the
    search files (``render``: a chunk at a time, up to half of the pages); ``full_build`` renders
    the rest."""

    def __init__(self, renderer: Renderer, specs: Sequence[PageSpec], folder: Path) -> None:
        self.renderer, self.specs, self.folder = renderer, specs, folder
        self.rendered = 0  # the first pages of specs
        self.done: list[Done] = []

    def render(self) -> bool:
        """Render the next chunk; False once there is none to render ahead."""
        if self.rendered >= len(self.specs) // 2:
            return False
        chunk = self.specs[self.rendered : self.rendered + RENDER_CHUNK]
        self.done.append(_render_chunk(self.renderer, chunk, self.folder))
        self.rendered += len(chunk)
        return True


def _search_files(site: Site, cache: BuildCache, write: Callable[[Iterator[tuple[OutputFile, str]]], R]) -> R:
    """The search files, reading only new and edited papers again (the memo of the last build),
    handed to ``write`` one at a time as they are made, each with its digest. The memo is saved
    for the next build as soon as the index is made (by the worker: it is large, and the next
    build reads it from the cache), and let go while the files are made."""
    memo = cache.search_memo()
    index = search_index(site.papers, site.tag_names, memo, sources=digests_by_slug(cache.paper_records))
    cache.save_search_memo(memo)
    del memo
    trim_memory()  # what making the index and the memo left behind
    return write((file, digest(file.data)) for file in index.files())


def _write_search(site: Site, folder: Path, cache: BuildCache) -> Done:
    def write(files: Iterator[tuple[OutputFile, str]]) -> Done:
        done = Done()
        with output.Writer(folder) as writer:
            for file, key in files:
                writer.write(file)
                done.search.append(str(file.path))
                done.digests[str(file.path)] = key
        done.bytes = writer.bytes
        return done

    return _search_files(site, cache, write)


Related = dict[str, tuple[str, ...]]  # slug -> slugs of related papers


def _remove_unused(work: Forked, index: int, out: Path) -> None:
    """The search files a worker wrote (task ``index``) for a build that did not put them in place.
    A build stopped (or failed) while the worker still makes them does not wait for it: the
    worker is stopped, and the scratch folder it wrote them in removed."""
    if not work.started(index):
        return
    if work.running(index):
        work.close()
        output.remove_leftovers(out)
        return
    try:
        pending = work.result(index).pending
    except Exception:  # the worker failed: the build reports why
        return
    output.discard(pending)


@dataclass
class Searched:
    """The search files of an incremental build, made by a worker: those that changed are written
    beside their targets (``pending``: temporary file, target), put in place by the build's commit."""

    paths: list[str]
    digests: dict[str, str]
    pending: list[tuple[str, str]]
    bytes: int


def _search(site: Site, cache: BuildCache, out: Path, previous: dict[str, str]) -> Searched:
    writer = output.Writer(out, atomic=True)

    def write(files: Iterator[tuple[OutputFile, str]]) -> Searched:
        paths, digests = [], {}
        for file, key in files:
            path = str(file.path)
            paths.append(path)
            digests[path] = key
            if changed(path, key, previous, out):
                writer.write(file)
        return Searched(paths, digests, writer.pending, writer.bytes)

    try:
        return _search_files(site, cache, write)
    except BaseException:
        writer.discard()
        raise


def full_build(renderer: Renderer, specs: Sequence[PageSpec], extras: Callable[[], list[OutputFile]],
               bibtex: Callable[[], OutputFile], report: BuildReport, jobs: int | None, cache: BuildCache,
               staging: output.Staging, search: Done | None = None, ahead: Ahead | None = None) -> Written:
    """Every page (and, unless ``search`` says it was done, the search files), in parallel, into
    the ``staging`` folder, which replaces the site only when all went well; but the pages
    ``ahead`` rendered. A staging folder not yet entered is entered here, and nothing was
    written to it: the search files are made again."""
    with ExitStack() as stack:
        if not staging.entered:
            stack.enter_context(staging)
            search, ahead = None, None
        folder = staging.folder
        tasks: list[Callable[[], Done]] = [] if search else [partial(_write_search, renderer.site, folder, cache)]
        left = specs[ahead.rendered :] if ahead else specs
        chunks = tapered(left, jobs or jobs_default(), RENDER_CHUNK) if len(left) > 1000 else [left]
        tasks += [partial(_render_chunk, renderer, chunk, folder) for chunk in chunks if chunk]
        results, extra = run_tasks_while(tasks, extras, jobs)
        if search is None:
            search = results[0]
        else:
            results.append(search)
        results += ahead.done if ahead else []
        for done in results:
            renderer.bibtex.update(done.bibtex)
        extra.append(bibtex())
        staging.writer.write_all(extra)
        report.rendered = sum(done.pages for done in results)
        report.bytes = staging.writer.bytes + sum(done.bytes for done in results)
        report.files = len(extra) + sum(len(s.paths) for s in specs) + len(search.search)
        staging.commit()
    return [str(f.path) for f in extra], search.search, {**search.digests, **file_digests(extra)}


def update(out: Path, renderer: Renderer, specs: Sequence[PageSpec], extras: Callable[[], list[OutputFile]],
           bibtex: Callable[[], OutputFile], previous: Manifest, searched: Callable[[], Searched | None],
           report: BuildReport, missing: set[str]) -> Written | None:
    """Render only pages whose inputs changed or that are ``missing`` from ``out`` (or that the preview
    wrote since the last build that succeeded: ``BuildCache.shown_pages``), then replace them
    one file at a time; everything is made before anything is written. ``searched()``: the new search
    files, if any.

    None when so much changed that a full build is as fast (and swaps the whole site atomically).
    """
    changed = [s for s in specs if any(previous.pages.get(p) != s.key or p in missing for p in s.paths)]
    if len(changed) > INCREMENTAL_LIMIT * max(1, len(specs)):
        return None
    pages = [f for s in changed for f in renderer.render_spec(s)]
    extra = [*extras(), bibtex()]
    digests = file_digests(extra)
    writer = output.Writer(out, atomic=True)
    try:
        writer.write_all(pages)
        writer.write_all(changed_files(extra, digests, previous.digests, out))
        search = searched()
    except BaseException:
        writer.discard()
        raise
    if search:
        writer.pending += search.pending  # written by the worker, put in place with the rest
        writer.bytes += search.bytes
        writer.written.update(PurePosixPath(target).relative_to(out) for _, target in search.pending)
    writer.commit()
    search_paths = search.paths if search else previous.search
    files = [str(f.path) for f in extra]
    digests = {**(search.digests if search else {p: previous.digests.get(p, "") for p in search_paths}), **digests}
    keep = {p for s in specs for p in s.paths} | set(files) | set(search_paths)
    writer.remove(sorted({*previous.pages, *previous.files, *previous.search} - keep))
    report.rendered, report.files, report.bytes = len(changed), len(writer.written), writer.bytes
    report.incremental = True
    return files, search_paths, digests


def file_digests(files: Sequence[OutputFile]) -> dict[str, str]:
    return {str(f.path): digest(f.data) for f in files}


def changed_files(files: Sequence[OutputFile], digests: dict[str, str], previous: dict[str, str],
            out: Path) -> list[OutputFile]:
    """The files whose bytes differ from what the last build wrote (``previous``: its digests)."""
    return [f for f in files if changed(str(f.path), digests[str(f.path)], previous, out)]


def changed(path: str, key: str, previous: dict[str, str], out: Path) -> bool:
    """Whether the file ``path`` of ``out``, whose bytes have the digest ``key``, differs from what
    the last build wrote there (``previous``: its digests) or is missing."""
    return previous.get(path) != key or not os.path.isfile(os.path.join(out, path))


def asset_files(theme: Theme, config: SiteConfig) -> list[OutputFile]:
    files = [OutputFile(PurePosixPath("assets") / rel, source.read_bytes()) for rel, source in theme.static_files()]
    files.append(OutputFile(PurePosixPath("assets/js/lunr.min.js"), npm_file(config, LUNR_JS).read_bytes()))
    for rel in KATEX_FILES:
        files.append(OutputFile(PurePosixPath("assets/katex") / rel, npm_file(config, KATEX / rel).read_bytes()))
    stylesheet = npm_file(config, KATEX / "katex.min.css")
    named = sorted(set(re.findall(r"url\((fonts/[\w.-]+)\)", stylesheet.read_text("utf-8"))))  # woff2, woff, ttf
    files += [OutputFile(PurePosixPath("assets/katex") / rel, (stylesheet.parent / rel).read_bytes()) for rel in named]
    return files


def npm_file(config: SiteConfig, rel: PurePosixPath) -> Path:
    """A file of an npm package (lunr.js, KaTeX), from the project's or the generator's node_modules."""
    for base in (config.root, BUNDLED_THEMES.parent):
        if (base / rel).is_file():
            return base / rel
    raise BuildFailed([Diagnostic("package.json", 0, f"{rel.parts[1]} is not installed ({rel} is missing)",
                                  "run `npm ci` or `make build`")])
