"""The build reads as the pipeline: load, check, assemble, plan, render, publish.

A cold build renders every page in parallel into a staging folder and swaps it in. With a
cache from the last build, only pages whose inputs changed are rendered again and replaced
in place, each file atomically; the search files follow when any paper changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import content, feeds, output, taxonomy
from .cache import BuildCache, Manifest, code_fingerprint, digest
from .citation import bibtex_file
from .config import SiteConfig
from .errors import BuildFailed, Diagnostic, raise_if_errors
from .model import OutputFile
from .pages import PageSpec, plan
from .parallel import chunked, jobs_default, run_tasks
from .render import Renderer
from .search import DOCUMENTS_PATH, INDEX_PATH, search_files
from .site import Site, assemble
from .themes import BUNDLED_THEMES, Theme

TAGS_FILE = "tags.yaml"
LUNR_JS = PurePosixPath("node_modules/lunr/lunr.min.js")
KATEX = PurePosixPath("node_modules/katex/dist")
KATEX_FILES = ("katex.min.css", "katex.min.js", "contrib/auto-render.min.js")
INDEX_FILES = (INDEX_PATH, DOCUMENTS_PATH)
INCREMENTAL_LIMIT = 0.3  # above this share of changed pages, a full (atomic) build is as fast


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
    loaded = content.load_papers(config.content_path, config.root, cache.papers() if cache else None)
    tags, tag_problems = taxonomy.load(config.content_path / TAGS_FILE, display_path(config, TAGS_FILE))
    site, site_problems = assemble(config, loaded.papers, tags)
    problems = loaded.diagnostics + tag_problems + site_problems
    raise_if_errors(problems)
    if cache:
        cache.save_papers(loaded.cache)
    keys = {paper.slug: key for key, paper in loaded.cache.values()}  # content digest of each file
    return site, [d for d in problems if d.severity == "warning"], keys


def display_path(config: SiteConfig, name: str) -> str:
    return str(Path(config.content_dir) / name)


def build(config: SiteConfig, out: Path, use_cache: bool = True, jobs: int | None = None) -> BuildReport:
    report = BuildReport()
    timer = _Timer(report)
    cache = BuildCache(config.root, use_cache)
    site, report.warnings, keys = _load(config, cache)
    report.papers = len(site.papers)
    timer.lap("load")
    theme = Theme(config)
    output.check_output_dir(out, [config.content_path, config.root, *theme.dirs])
    renderer = Renderer(site, theme)
    salt = digest(code_fingerprint(), config.with_overrides(root=Path(".")), theme.fingerprint())
    specs = plan(site, keys, related_papers(site), salt)
    extra = [*feeds.files(site, [s.url for s in specs if s.kind != "404"]), *asset_files(theme, config),
             OutputFile(PurePosixPath("papers.bib"), bibtex_file(site.papers).encode("utf-8"))]
    manifest = Manifest(str(out.resolve()), salt, {path: s.key for s in specs for path in s.paths},
                        [str(f.path) for f in extra] + [str(p) for p in INDEX_FILES],
                        digest(salt, sorted(keys.values()), site.tag_names))
    timer.lap("plan")
    previous = cache.manifest()
    if previous and previous.out == manifest.out and (out / output.MARKER).is_file():
        report.incremental = update(out, renderer, specs, extra, previous, manifest, report)
    if not report.incremental:
        cache.clear_manifest()
        full_build(out, renderer, specs, extra, report, jobs)
    cache.save_manifest(manifest)
    timer.lap("write")
    report.pages = len(specs)
    return report


def related_papers(site: Site) -> dict[str, tuple[str, ...]]:
    return {}


def _render_chunk(renderer: Renderer, specs: Sequence[PageSpec], folder: Path) -> tuple[int, int]:
    writer = output.Writer(folder)
    for spec in specs:
        writer.write_all(renderer.render_spec(spec))
    return len(specs), writer.bytes


def _write_search(site: Site, folder: Path) -> tuple[int, int]:
    writer = output.Writer(folder)
    writer.write_all(search_files(site.papers, site.tag_names))
    return 0, writer.bytes


def full_build(out: Path, renderer: Renderer, specs: Sequence[PageSpec], extra: Sequence[OutputFile],
               report: BuildReport, jobs: int | None) -> None:
    """Every page, in parallel, into a staging folder that replaces ``out`` only when all went well."""
    jobs = jobs or jobs_default()
    staging = output.Staging(out)
    with staging as writer:
        folder = writer.folder
        tasks: list[Callable[[], tuple[int, int]]] = [lambda: _write_search(renderer.site, folder)]
        pieces = jobs * 4 if len(specs) > 1000 else 1
        tasks += [lambda c=chunk: _render_chunk(renderer, c, folder) for chunk in chunked(specs, pieces)]
        results = run_tasks(tasks, jobs)
        writer.write_all(extra)
        report.rendered = sum(r[0] for r in results)
        report.bytes = writer.bytes + sum(r[1] for r in results)
        report.files = len(extra) + sum(len(s.paths) for s in specs) + len(INDEX_FILES)
        staging.commit()


def update(out: Path, renderer: Renderer, specs: Sequence[PageSpec], extra: Sequence[OutputFile],
           previous: Manifest, manifest: Manifest, report: BuildReport) -> bool:
    """Render only pages whose inputs changed, then replace them in ``out`` one file at a time."""
    changed = [s for s in specs if any(previous.pages.get(p) != s.key or not (out / p).is_file() for p in s.paths)]
    if len(changed) > INCREMENTAL_LIMIT * max(1, len(specs)):
        return False
    pages = [f for s in changed for f in renderer.render_spec(s)]  # all rendered before anything is written
    stale_index = previous.search_key != manifest.search_key or not all((out / p).is_file() for p in INDEX_FILES)
    search = search_files(renderer.site.papers, renderer.site.tag_names) if stale_index else []
    writer = output.Writer(out, atomic=True)
    writer.write_all(pages)
    for item in [*search, *extra]:
        writer.write_if_changed(item)
    for rel in sorted((set(previous.pages) | set(previous.files)) - set(manifest.pages) - set(manifest.files)):
        writer.remove(rel)
    report.rendered, report.files, report.bytes = len(pages), len(writer.written), writer.bytes
    return True


def asset_files(theme: Theme, config: SiteConfig) -> list[OutputFile]:
    files = [OutputFile(PurePosixPath("assets") / rel, source.read_bytes()) for rel, source in theme.static_files()]
    files.append(OutputFile(PurePosixPath("assets/js/lunr.min.js"), npm_file(config, LUNR_JS).read_bytes()))
    for rel in KATEX_FILES:
        files.append(OutputFile(PurePosixPath("assets/katex") / rel, npm_file(config, KATEX / rel).read_bytes()))
    fonts = npm_file(config, KATEX / "katex.min.css").parent / "fonts"
    files += [OutputFile(PurePosixPath("assets/katex/fonts") / f.name, f.read_bytes())
              for f in sorted(fonts.glob("*.woff2"))]
    return files


def npm_file(config: SiteConfig, rel: PurePosixPath) -> Path:
    """A file of an npm package (lunr.js, KaTeX), from the project's or the generator's node_modules."""
    for base in (config.root, BUNDLED_THEMES.parent):
        if (base / rel).is_file():
            return base / rel
    raise BuildFailed([Diagnostic("package.json", 0, f"{rel.parts[1]} is not installed ({rel} is missing)",
                                  "run `npm ci` or `make build`")])
