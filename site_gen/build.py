"""The build reads as the pipeline: load, check, assemble, render, publish."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import content, feeds, output, taxonomy
from . import site as urls
from .config import SiteConfig
from .errors import BuildFailed, Diagnostic, raise_if_errors
from .render import Renderer
from .search import search_files
from .site import Site, assemble, home_listings, tag_listings
from .themes import BUNDLED_THEMES, Theme

TAGS_FILE = "tags.yaml"
LUNR_JS = PurePosixPath("node_modules/lunr/lunr.min.js")


@dataclass
class BuildReport:
    papers: int = 0
    pages: int = 0
    files: int = 0
    bytes: int = 0
    warnings: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class _Timer:
    def __init__(self, report: BuildReport) -> None:
        self.report, self.last = report, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.timings[stage] = now - self.last
        self.last = now


def load_site(config: SiteConfig) -> tuple[Site, list[Diagnostic]]:
    """Read and check every input; raise BuildFailed with all problems at once."""
    loaded = content.load_papers(config.content_path, config.root)
    tags, tag_problems = taxonomy.load(config.content_path / TAGS_FILE, display_path(config, TAGS_FILE))
    site, site_problems = assemble(config, loaded.papers, tags)
    problems = loaded.diagnostics + tag_problems + site_problems
    raise_if_errors(problems)
    return site, [d for d in problems if d.severity == "warning"]


def display_path(config: SiteConfig, name: str) -> str:
    return str(Path(config.content_dir) / name)


def build(config: SiteConfig, out: Path) -> BuildReport:
    report = BuildReport()
    timer = _Timer(report)
    site, report.warnings = load_site(config)
    report.papers = len(site.papers)
    timer.lap("load")
    theme = Theme(config)
    renderer = Renderer(site, theme)
    output.check_output_dir(out, [config.content_path, config.root, *theme.dirs])
    staging = output.Staging(out)
    with staging as writer:
        pages = write_pages(site, renderer, writer)
        timer.lap("render")
        writer.write_all(feeds.files(site, pages))
        writer.write_all(search_files(site.papers, site.tag_names))
        timer.lap("feeds+search")
        copy_assets(theme, config, writer)
        report.pages, report.files, report.bytes = len(pages), len(writer.written), writer.bytes
        staging.commit()
        timer.lap("write")
    return report


def write_pages(site: Site, renderer: Renderer, writer: output.Writer) -> list[str]:
    """Every HTML page; returns their URLs (for the sitemap)."""
    pages: list[str] = []
    for paper in site.papers:
        writer.write(renderer.paper_page(paper))
        pages.append(urls.paper_url(paper.slug))
    for listing in home_listings(site):
        writer.write(renderer.listing_page(listing))
        pages.append(listing.url)
    for tag in site.tags:
        for listing in tag_listings(site, tag):
            writer.write(renderer.listing_page(listing))
            pages.append(listing.url)
    writer.write_all(renderer.singletons())
    pages += [urls.TAGS_URL, urls.SEARCH_URL]
    return pages


def copy_assets(theme: Theme, config: SiteConfig, writer: output.Writer) -> None:
    for rel, source in theme.static_files():
        writer.copy(source, PurePosixPath("assets") / rel)
    writer.copy(find_lunr(config), PurePosixPath("assets/js/lunr.min.js"))


def find_lunr(config: SiteConfig) -> Path:
    for base in (config.root, BUNDLED_THEMES.parent):
        if (base / LUNR_JS).is_file():
            return base / LUNR_JS
    raise BuildFailed([Diagnostic("package.json", 0, "lunr.js is not installed (node_modules/lunr is missing)",
                                  "run `npm ci` or `make build`")])
