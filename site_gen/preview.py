"""The preview's first answer to an edit: the pages it changes, in a fraction of a second.

When only existing paper files changed, ``show_edit`` renders the changed papers' pages, the
pages that list them among their related papers, and the listings whose papers or order
changed, from what the last build left (``Warm``): its related papers and citation keys. The
build that follows at once makes everything exact (related papers, search, feeds, indexes) and
replaces what it must. Anything else (a new, removed or invalid file, a broken tags.yaml, more
than ``MAX_PAGES`` pages) is left to that build.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from . import content, output
from .build import Warm, load_taxonomy
from .cache import BuildCache
from .errors import errors_only
from .pages import PageSpec
from .render import Renderer, template_syntax_errors
from .site import assemble, listings, paper_url

MAX_PAGES = 200  # more than this is a change for the build, not a glance at one edit


def compile_templates(warm: Warm) -> None:
    """Every template of the last build's theme compiled and kept by the theme, so that the next
    edit's pages render without compiling any: a full build compiles them in its workers, and
    what they compile is not kept here. It only saves time: a template that fails to load (edited
    meanwhile) is the next build's to report."""
    with contextlib.suppress(Exception):
        template_syntax_errors(warm.theme)


def show_edit(warm: Warm, out: Path, paths: Sequence[Path]) -> tuple[int, Warm] | None:
    """Write the pages an edit of the paper files ``paths`` changes; (pages written, the state to
    use for the next edit), or None when the edit is the build's to show."""
    if not (out / output.MARKER).is_file():  # removed since (rm -rf _site): the build makes it whole
        return None
    config = warm.config
    by_slug = {paper.slug: paper for paper in warm.site.papers}
    folder = (config.content_path / content.PAPERS_DIR).resolve()
    edited = {}
    for path in map(Path, paths):
        old = by_slug.get(path.name.removesuffix(".md")) if path.resolve().parent == folder else None
        paper, problems = content.load_file(path, old.path) if old else (None, [])
        if old is None or paper is None or errors_only(problems):
            return None
        edited[old.slug] = paper
    tags, tag_problems = load_taxonomy(config)
    site, problems = assemble(config, [edited.get(p.slug, p) for p in warm.site.papers], tags)
    if errors_only(tag_problems + problems):
        return None
    papers = {paper.slug: paper for paper in site.papers}
    shown = [slug for slug in papers if slug in edited or not edited.keys().isdisjoint(warm.related.get(slug, ()))]
    specs = [PageSpec(paper_url(slug), "paper", "", paper=papers[slug],
                      related=tuple(papers[s] for s in warm.related.get(slug, ()) if s in papers)) for slug in shown]
    # Only the listings the edited papers were or are in can change: home, their tags, authors, years.
    moved = [by_slug[slug] for slug in edited] + [papers[slug] for slug in edited]
    listed = dict(warm.listed)
    for listing in listings(warm.site, holding=moved):
        listed.pop(listing.url, None)
    for listing in listings(site, holding=moved):
        now = listed[listing.url] = listing.shown
        if now != warm.listed.get(listing.url) or not edited.keys().isdisjoint(now[1]):
            specs.append(PageSpec(listing.url, "listing", "", listing=listing))
    if len(specs) > MAX_PAGES:
        return None
    renderer = Renderer(site, warm.theme, warm.cite_keys)
    pages = [page for spec in specs for page in renderer.render_spec(spec)]
    BuildCache(config.root).add_shown_pages(str(page.path) for page in pages)  # if its build fails
    writer = output.Writer(out, atomic=True)
    try:
        writer.write_all(pages)
    except BaseException:
        writer.discard()
        raise
    writer.commit()
    return len(specs), Warm(config, site, warm.related, warm.cite_keys, listed, warm.theme)
