"""The command line: verbs build, serve, import, tags, check. Diagnostics on stderr, exit codes here."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from . import __version__, content, store, taxonomy
from . import config as config_mod
from .build import TAGS_FILE, build, display_path, load_site, load_taxonomy
from .errors import BuildFailed, Diagnostic, SiteGenError, errors_only, printable
from .importers import IMPORTERS, source_text
from .render import template_syntax_errors
from .schema import did_you_mean
from .textutil import counted
from .themes import Theme
from .yamlio import YamlError


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        print(d, file=sys.stderr)


def _config(args: argparse.Namespace, new_content: bool = False) -> config_mod.SiteConfig:
    """The configuration; when it has problems, the content's problems are reported with them.
    ``new_content``: the content folder need not exist yet."""
    overrides = {"base_url": getattr(args, "base_url", None), "site_url": getattr(args, "site_url", None)}
    if getattr(args, "strict", False):
        overrides["strict"] = True
    cfg, problems = config_mod.load_lenient(Path(args.root), overrides, new_content)
    if problems:
        try:
            load_site(cfg)
        except SiteGenError as exc:
            problems += exc.diagnostics
        raise BuildFailed(problems)
    return cfg


def _out(args: argparse.Namespace) -> Path:
    return Path(args.out) if args.out else Path(args.root) / "_site"


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    cfg = _config(args)
    report = build(cfg, _out(args), detach=True)
    _report(report.warnings)
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
    print(f"Built {counted(report.papers, 'paper')} into {report.pages} pages ({report.files} files, "
          f"{report.bytes / 1e6:.1f} MB) in {time.perf_counter() - started:.2f}s [{stages}]")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    cfg = _config(args)
    site, warnings = load_site(cfg)
    theme = Theme(cfg)  # loaded as build loads it: a theme or parent theme that is not there, where it is named
    if problems := template_syntax_errors(theme):
        raise BuildFailed(problems + warnings)
    _report(warnings)
    print(f"{counted(len(site.papers), 'paper')}, {len(site.tags)} tags: no errors")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(_config(args), _out(args), host=args.host, port=args.port)


def cmd_import(args: argparse.Namespace) -> int:
    cfg = _config(args, new_content=True)
    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SiteGenError([Diagnostic(str(path), 0, f"cannot read: {exc.strerror}")]) from None
    try:
        text = source_text(args.format, raw, str(path))
    except YamlError as exc:
        raise SiteGenError([exc.diagnostic]) from None
    options = {"year": args.year} if args.format == "daily" and args.year else {}
    try:
        drafts, warnings = IMPORTERS[args.format](text, str(path), **options)
    except RecursionError:
        raise SiteGenError([Diagnostic(str(path), 0, "the file is nested too deeply to read",
                                       f"is it really {_article(args.format)} {args.format} file?")]) from None
    tags, problems = load_taxonomy(cfg)
    if errors_only(problems):
        raise SiteGenError(problems)
    catalogue = store.Catalogue(cfg.content_path)
    report = store.upsert(catalogue, drafts, lambda title, abstract: taxonomy.match(tags, title, abstract),
                          force=args.force, source=str(path))
    _report([*warnings, *report.diagnostics])
    repeated = f", {len(report.repeated)} repeated" if report.repeated else ""
    print(f"{path}: {counted(len(drafts), 'paper')}: {len(report.created)} created, {len(report.merged)} merged, "
          f"{len(report.kept)} kept{repeated}")
    for label, slugs in (("created", report.created), ("merged", report.merged)):
        for slug in slugs:
            print(f"  {label}: {content.PAPERS_DIR}/{slug}.md")
    return 0


def _article(word: str) -> str:
    """"an" before a word said with a vowel first (an arxiv file, an hf-json file), else "a"."""
    return "an" if word[:1] in "aeiou" or word.startswith("hf") else "a"


def cmd_tags(args: argparse.Namespace) -> int:
    """Apply the tag rules to papers that have no tags yet (all papers with --all); with --tag,
    only the rules of the tags it names."""
    cfg = _config(args)
    tags, problems = load_taxonomy(cfg)
    if args.tag:
        known = {tag.slug: tag for tag in tags}
        problems += [Diagnostic("--tag", 0, f"no tag '{slug}' in {display_path(cfg, TAGS_FILE)}",
                                did_you_mean(slug, known, "tags")) for slug in args.tag if slug not in known]
        tags = tuple(tag for tag in tags if tag.slug in args.tag)
    loaded = content.load_papers(cfg.content_path, cfg.root)
    if any(d.severity == "error" for d in problems + loaded.diagnostics):
        raise SiteGenError(problems + loaded.diagnostics)
    done: list[str] = []
    failed: list[Diagnostic] = []
    untagged = 0
    try:
        for paper in loaded.papers:
            if paper.tags and not args.all:
                continue
            found = taxonomy.match(tags, paper.title, paper.abstract_md)
            new = tuple(dict.fromkeys([*paper.tags, *found]))
            if not new:
                untagged += 1
            if new != paper.tags:
                if not args.dry_run:
                    problem = _set_tags(cfg.root, paper.path, new)
                    if problem is not None:
                        failed.append(problem)
                        continue
                done.append(f"{paper.path}: tags {', '.join(new)}")
    finally:
        # Listed once the files are written: a reader that stops reading (``site-gen tags | head -1``)
        # cannot stop the tagging half-way.
        for line in done:
            print(line)
    _report(failed)
    changed = len(done)
    if args.dry_run:
        summary, rest = f"Dry run: would tag {counted(changed, 'paper')}", f"; {untagged} would still have no tags"
    else:
        still = "still has" if untagged == 1 else "still have"
        summary, rest = f"{counted(changed, 'paper')} tagged", f"; {untagged} {still} no tags"
    if failed:
        summary += f"; {len(failed)} could not be"
    print(summary + (rest if untagged > 0 else ""))
    return 1 if failed else 0


def _set_tags(root: Path, shown: str, tags: tuple[str, ...]) -> Diagnostic | None:
    """Write a paper's tags; what stopped it, at the path diagnostics show, when it could not."""
    try:
        store.set_tags(root / shown, tags)
    except SiteGenError as exc:
        return replace(exc.diagnostics[0], path=shown)
    except OSError as exc:
        return Diagnostic(shown, 0, f"cannot set the tags: {exc.strerror or exc}; the file is left unchanged")
    return None


def _year(text: str) -> int:
    """``--year``: a year of four digits, as a paper's date holds it."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}") from None
    if not 1000 <= year <= 9999:
        raise argparse.ArgumentTypeError(f"{year} is not a year of four digits, as a paper's date needs")
    return year


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="site-gen", description="Static sites for catalogues of research papers.")
    ap.add_argument("--version", action="version", version=f"site-gen {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, given_only: bool = False) -> None:
        """``--root`` and ``--debug``, before the verb or after it: a verb's parser sets them only
        when given (``given_only``), so it keeps what was given before the verb."""
        p.add_argument("--root", default=argparse.SUPPRESS if given_only else ".",
                       help="the project folder (site.yaml, content/); default: .")
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS if given_only else False,
                       help="show Python tracebacks")

    common(ap)

    def verb(name: str, fn: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        common(p, given_only=True)
        p.set_defaults(fn=fn)
        return p

    for name, fn, help in (("build", cmd_build, "build the site into _site/"),
                           ("serve", cmd_serve, "build, serve and rebuild on changes")):
        p = verb(name, fn, help)
        p.add_argument("--base-url", help="the path the site is served under, such as /my-repo/ (default: "
                       "$BASE_URL, else base_url in site.yaml)")
        p.add_argument("--site-url", help="the absolute URL of the site, for feeds, sitemap and canonical links "
                       "(default: $SITE_URL, else site_url in site.yaml)")
        p.add_argument("--out", help="output folder (default: _site)")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    serve = sub.choices["serve"]
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    check = verb("check", cmd_check, "validate content, configuration and theme without building")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    imp = verb("import", cmd_import, "import papers from a file into content/papers/")
    imp.add_argument("format", choices=sorted(IMPORTERS), help="the file's format")
    imp.add_argument("file", help="the file to import")
    imp.add_argument("--year", type=_year, help="daily: the year of the dump's date lines "
                     "(default: the latest such day that is not in the future)")
    imp.add_argument("--force", action="store_true", help="overwrite keys of existing papers")
    tags = verb("tags", cmd_tags, "tag papers that have no tags, from the rules in content/tags.yaml")
    tags.add_argument("--all", action="store_true", help="add matching tags to every paper, keeping existing ones")
    tags.add_argument("--tag", action="append", metavar="SLUG",
                      help="apply only this tag's rules (repeatable), such as a tag just added")
    tags.add_argument("--dry-run", action="store_true", help="show what would change")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except SiteGenError as exc:
        if args.debug:
            raise
        _report(exc.diagnostics)
        written = "" if args.command == "check" else "; nothing was written"  # check never writes
        problems = counted(len(errors_only(exc.diagnostics)), "problem")
        print(f"site-gen {args.command}: {problems}{written}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # run() ends quietly when the reader of the output has gone
    except OSError as exc:
        if args.debug:
            raise
        where = f"{printable(str(exc.filename))}: " if exc.filename else ""
        left = "; the previous site is left as it was" if args.command == "build" else ""
        print(f"site-gen {args.command}: {where}{exc.strerror or exc}{left}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


# Collections of the youngest objects every GC_YOUNG allocations instead of Python's 700: a build
# makes mostly objects that live until it ends (papers, page keys, search terms), which the
# collector would otherwise go through again and again (a tenth of a second of a 10,000-paper
# rebuild); what it leaves as garbage cycles (template contexts) is still collected.
GC_YOUNG = 20_000


def run() -> None:
    """The ``site-gen`` command: ``main``, then exit at once. A build's objects (every paper, page
    key and search term: a tenth of a second to free one by one at 10,000 papers) go with the
    process; the files are closed and the workers stopped by then, and nothing else is left to do."""
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    try:
        status = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        # The reader of the output has gone (``site-gen tags | head -1``): the rest of it is dropped
        # without a traceback, with the status a shell gives a command that SIGPIPE ended. Every
        # command has written its files before it says so, and os._exit flushes nothing more.
        status = 128 + signal.SIGPIPE
    os._exit(status)


if __name__ == "__main__":
    run()
