"""Jinja2 and markdown-it-py: the site's pages as OutputFiles. Escaping is the default."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from . import scholar, search
from . import site as urls
from .citation import bibtex_entry, catalogue_keys
from .content import PAPER_FIELDS
from .errors import BuildFailed, Diagnostic
from .model import Listing, OutputFile, Paper, Tag
from .pages import PageSpec
from .site import Site
from .textutil import author_line, has_math, plain_text, snippet
from .themes import Theme

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_SAFE_LINK = re.compile(r"^(?:https?:|mailto:|#|/|\.|[^:/?#]*(?:[/?#]|$))", re.I)


@functools.cache
def markdown_renderer() -> MarkdownIt:
    """CommonMark without raw HTML; ``$...$`` and ``$$...$$`` kept intact as math for KaTeX. Made
    (and markdown-it-py loaded) once, when an abstract first needs the parser: most never do."""
    from markdown_it import MarkdownIt
    from markdown_it.common.utils import escapeHtml
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.dollarmath.index import math_inline_dollar

    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    dollars = math_inline_dollar(allow_space=False, allow_digits=False, allow_double=True)

    def math_inline(state: StateInline, silent: bool) -> bool:
        """dollarmath's rule, but at the start of a paragraph no character comes before the "$" (the
        rule reads ``src[-1]``: ``$x$ costs 5`` was not math, as the paragraph ends in a digit)."""
        if state.pos or not state.src[-1:].isdigit():
            return dollars(state, silent)
        src, state.src = state.src, state.src + "\n"
        try:
            return dollars(state, silent)
        finally:
            state.src = src

    def display_math_in_text(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
        """``$$...$$`` inside a paragraph is display math, as in TeX: a span (dollarmath writes a div,
        which cannot stand in a paragraph) that KaTeX typesets on a line of its own."""
        return f'<span class="math block">{escapeHtml(tokens[idx].content.strip())}</span>'

    def scrolling_code(rule: str) -> Callable[..., str]:
        """A code block that scrolls sideways (a line wider than the page) can be reached with the
        keyboard to scroll it, as the BibTeX entry can."""
        default = getattr(md.renderer, rule)

        def render(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
            return '<pre tabindex="0"' + str(default(tokens, idx, options, env))[len("<pre"):]
        return render

    md.inline.ruler.at("math_inline", math_inline)
    md.add_render_rule("math_inline_double", display_math_in_text)
    md.add_render_rule("fence", scrolling_code("fence"))
    md.add_render_rule("code_block", scrolling_code("code_block"))
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return md


# Text that no CommonMark rule acts on: no inline mark, escape or entity, and no line that could start
# a block other than a paragraph (indent, heading, quote, list, rule, fence, HTML, setext underline).
# Brackets are text unless they make an inline link (reference links need a definition, which starts a line).
_MARKUP = re.compile(r"[`*_$\r\x00]|\]\(|\\\n|&#?[A-Za-z0-9]+;|<[A-Za-z/!?]")
_MAYBE_MARKUP = re.compile(r"[`*_$\r\x00\]\\&<]")  # where _MARKUP can match: one scan of most abstracts
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation: the character itself
_BLOCK_START = frozenset("#>+*=_~`<[0123456789-")


def render_markdown(text: str) -> str:
    """``markdown_renderer().render(text)``, without the parser for the many abstracts that are plain
    paragraphs."""
    if _MAYBE_MARKUP.search(text) and _MARKUP.search(text):
        return str(markdown_renderer().render(text))
    paragraphs, lines = [], []
    for line in [*text.split("\n"), ""]:
        if line and line.strip() == line and line[0] not in _BLOCK_START:
            lines.append(line)
        elif line:  # a line that may start a block, or white space the parser knows the meaning of
            return str(markdown_renderer().render(text))
        elif lines:
            paragraph = "\n".join(lines)
            if "\\" in paragraph:
                paragraph = _ESCAPED.sub(r"\1", paragraph)
            paragraphs.append("<p>" + _escape_html(paragraph) + "</p>\n")
            lines = []
    return "".join(paragraphs)


def _escape_html(text: str) -> str:
    """markdown-it-py's ``escapeHtml``: ``&``, ``<``, ``>`` and ``"``, not ``'``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def human_date(value: str | None) -> str:
    """'2025-03-11' -> '11 Mar 2025'; '2025-03' -> 'Mar 2025'; '2025' -> '2025'."""
    if not value:
        return ""
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return value


_VIEW_FIELDS = ("paper", "link", "href", "tags", "date_display", "snippet", "tag_links", "abstract_html")
_COPIED = (*(name for name in Paper.__dataclass_fields__ if name not in _VIEW_FIELDS), "et_al")
_EXTRA_KEYS = frozenset(PAPER_FIELDS).difference(_COPIED)  # kept in ``Paper.extra``


class PaperView:
    """What a template sees of a paper: its fields, plus its link (``link``, relative to the base
    path; ``href``, under it), tag records (``tags``), display text and, for the paper's own page,
    ``abstract_html``. The paper's fields are copied in: a template reads an attribute of a slot
    several times faster than one found through ``__getattr__``."""

    __slots__ = (*_VIEW_FIELDS, *_COPIED)
    paper: Paper
    link: str
    href: str
    tags: tuple[Tag, ...]
    date_display: str
    snippet: str
    tag_links: Markup  # partials/tag_links.html, for cards and the paper's page
    abstract_html: str

    def __init__(self, paper: Paper, link: str, href: str, tags: tuple[Tag, ...], date_display: str,
                 snippet: str, tag_links: Markup | None = None, abstract_html: str = "") -> None:
        for name, value in zip(_VIEW_FIELDS, (paper, link, href, tags, date_display, snippet,
                                              tag_links or Markup(), abstract_html), strict=True):
            setattr(self, name, value)
        for name in _COPIED:
            setattr(self, name, getattr(paper, name))

    def with_abstract(self, html: str) -> PaperView:
        """This view with the abstract as the paper's own page shows it."""
        return PaperView(self.paper, self.link, self.href, self.tags, self.date_display, self.snippet,
                         self.tag_links, html)

    def __getattr__(self, name: str) -> Any:
        """What the paper has beyond its fields: the other keys a paper file may have (``project``,
        ``pages``, ...), None where this one has none. It also tells type checkers that the copied
        fields exist."""
        if name in _EXTRA_KEYS:
            return dict(self.paper.extra).get(name)
        return getattr(self.paper, name)


CARD, ROW, RELATED_ITEM = "partials/paper_card.html", "partials/paper_row.html", "partials/related_item.html"
SHARED_FRAGMENTS = (CARD, ROW, RELATED_ITEM)  # partials about one paper that many pages show
# Listings of an author's and a year's papers show each in a row (title, date, authors), as an
# index does; the home page and the tags' listings show cards (with the abstract's first lines
# and the tags). Every paper is on the page of each of its authors: in cards, those pages would be
# a fifth of the site, and a site of 50,000 papers larger than the 1 GB GitHub documents as the
# most a Pages site may be.
ROW_KINDS = frozenset({"author", "year"})
Prepared = tuple[str, str, str, tuple[bytes, ...]]  # slug, snippet, tag links, shared fragments


def first_authors(paper: Paper | PaperView, count: int = 4) -> str:
    """The paper's first ``count`` authors, and "et al." when it has more (or names only some)."""
    return author_line(paper.authors, paper.et_al, count)


def add_filters(env: jinja2.Environment) -> None:
    """The filters and tests the templates use, besides Jinja's own."""
    env.filters.update(human_date=human_date, plain=plain_text, first_authors=first_authors)
    env.tests["math"] = has_math


class Renderer:
    def __init__(self, site: Site, theme: Theme, cite_keys: Mapping[str, str] | None = None) -> None:
        self.site = site
        self.config = site.config
        self.theme = theme
        self.env = theme.environment()
        self.env.globals.update(
            config=self.config, site=site, base=self.config.base_url, url=self.url, asset=self.asset,
            assets=_Assets(self.asset), site_header=self.site_header, site_footer=self.site_footer,
            abs_url=self.config.absolute,
            tag_url=urls.tag_url, paper_url=urls.paper_url, author_url=self.author_link, year_url=urls.year_url,
            card=self.card, search_index=self.url(str(search.index_path(len(site.papers)))),
        )
        add_filters(self.env)
        self._globals = dict(self.env.globals)
        self._nav = self.nav()
        self._chrome: dict[object, Markup] = {}  # the header by the state of its links, and the footer
        self._templates: dict[str, jinja2.Template] = {}
        self._tags = {t.slug: t for t in site.tags}
        self._asset_versions: dict[str, str] = {}
        self._views: dict[str, PaperView] = {}
        self._tag_names = site.tag_names
        self._authors = site.author_pages()
        # UTF-8: half the memory of a str as soon as a fragment has one character beyond ASCII (a
        # snippet's ellipsis), and memory is what a large catalogue runs out of first
        self._fragments: dict[tuple[str, str], tuple[bytes, int, int]] = {}  # (buffer, start, end)
        self._papers: dict[str, Paper] = {}  # by slug, once ``adopt`` needs them
        self.cite_keys = cite_keys if cite_keys is not None else catalogue_keys(site.papers)
        self.bibtex: dict[str, str] = {}  # slug -> BibTeX entry, of each paper page rendered

    def url(self, path: str = "") -> str:
        """A link under the base path: url('tags/') -> '/base/tags/'."""
        return self.config.base_url + path.lstrip("/")

    def nav(self) -> list[tuple[str, str]]:
        """The header's sections: (path, label), the home page's path being ''."""
        sections = [("", "Papers"), (urls.TAGS_URL, "Tags")]
        sections += [(urls.AUTHORS_URL, "Authors")] if self.site.authors else []
        sections += [(urls.YEARS_URL, "Years")] if self.site.by_year else []
        return sections

    def site_header(self, page_url: str) -> Markup:
        """partials/site_header.html for a page: its links to the sections, each with its
        ``aria-current`` ("page" on the section's own page, "true" on its other pages)."""
        nav = tuple((self.url(path), label, "page" if page_url == path else
                     "true" if path and page_url.startswith(path) or not path and page_url.startswith("page/")
                     else None) for path, label in self._nav)
        html = self._chrome.get(nav)
        if html is None:
            html = self._chrome[nav] = Markup(self.render("partials/site_header.html", nav=nav))
        return html

    def site_footer(self) -> Markup:
        """partials/site_footer.html: the same on every page."""
        html = self._chrome.get("footer")
        if html is None:
            html = self._chrome["footer"] = Markup(self.render("partials/site_footer.html"))
        return html

    def card(self, view: PaperView) -> Markup:
        """A paper's card in listings (partials/paper_card.html), rendered once per paper."""
        return self.fragment(CARD, view)

    def prepare(self, papers: Sequence[Paper]) -> list[Prepared]:
        """What many pages show of each paper (its view's text and its shared fragments), made once
        by a worker for the renderers that ``adopt`` it."""
        prepared = []
        for paper in papers:
            view = self.view(paper)
            fragments = tuple(self._fragment(template, view) for template in SHARED_FRAGMENTS)
            prepared.append((paper.slug, view.snippet, str(view.tag_links), fragments))
        return prepared

    def adopt(self, prepared: Sequence[Prepared]) -> None:
        """Take what ``prepare`` made. The fragments of a batch are kept in one buffer and read as
        slices of it: a page then changes no reference count of an object per fragment, so the
        pages of memory that hold them stay shared with the workers forked to render (a worker
        that changes a count gets a copy of the page it is on)."""
        if not self._papers:
            self._papers = {paper.slug: paper for paper in self.site.papers}
        papers = self._papers
        buffer = b"".join([html for *_, fragments in prepared for html in fragments])
        at = 0
        for slug, text, tag_links, fragments in prepared:
            self._views[slug] = self._new_view(papers[slug], text, Markup(tag_links))
            for template, html in zip(SHARED_FRAGMENTS, fragments, strict=True):
                self._fragments[template, slug] = (buffer, at, at + len(html))
                at += len(html)

    def fragment(self, template: str, view: PaperView) -> Markup:
        """A partial about one paper, rendered once however many pages show it."""
        return Markup(self._fragment(template, view).decode())

    def fragments(self, template: str, views: Iterable[PaperView], separator: bytes = b"") -> Markup:
        """``fragment`` of each view, joined."""
        return Markup(separator.join([self._fragment(template, view) for view in views]).decode())

    def _fragment(self, template: str, view: PaperView) -> bytes:
        found = self._fragments.get((template, view.slug))
        if found is None:
            html = self.render(template, paper=view).encode()
            self._fragments[template, view.slug] = (html, 0, len(html))
            return html
        buffer, start, end = found
        return buffer[start:end]  # the buffer itself when it holds only this fragment

    def author_link(self, name: str) -> str | None:
        """The page of an author who has one, else None."""
        slug = self._authors.get(name)
        return urls.author_url(slug) if slug else None

    def asset(self, path: str) -> str:
        version = self._asset_versions.get(path)
        if version is None:
            source = self.theme.static_file(path)
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10] if source else "0"
            version = self._asset_versions[path] = digest
        return f"{self.url('assets/' + path)}?v={version}"

    def view(self, paper: Paper) -> PaperView:
        """One view per paper, shared by every listing it appears on."""
        view = self._views.get(paper.slug)
        if view is None:
            view = self._views[paper.slug] = self._new_view(paper, snippet(plain_text(paper.abstract_md), 240))
        return view

    def _new_view(self, paper: Paper, text: str, tag_links: Markup | None = None) -> PaperView:
        tags = tuple(self._tags[t] for t in paper.tags if t in self._tags)
        link = urls.paper_url(paper.slug)
        view = PaperView(paper, link, self.url(link), tags, human_date(paper.date), text, tag_links)
        if tag_links is None and tags:
            view.tag_links = Markup(self.render("partials/tag_links.html", paper=view))
        return view

    def page(self, template: str, path: str, **context: Any) -> OutputFile:
        html = self.render(template, page_url=path, **context)
        return OutputFile(PurePosixPath(path + "index.html" if path.endswith("/") or not path else path),
                          html.encode("utf-8"))

    def render(self, template: str, **context: Any) -> str:
        """``get_template(template).render(**context)``, with the globals merged as a plain dict
        (Jinja merges them key by key on every render, which costs more than a small template)."""
        try:
            compiled = self._templates.get(template) or self._templates.setdefault(
                template, self.env.get_template(template))
            try:
                variables = compiled.new_context({**self._globals, **context}, shared=True)
                return str(self.env.concat(compiled.root_render_func(variables)))
            except Exception:
                self.env.handle_exception()  # raises it again, its traceback at the template's lines
        except BuildFailed:
            raise  # from a template this one includes, or a fragment it shows, named there
        except Exception as exc:  # Jinja2's own errors, and what the template's code raised (1 // 0)
            raise BuildFailed([template_diagnostic(exc, self.theme)]) from None

    def paper_page(self, paper: Paper, related: Iterable[Paper] = ()) -> list[OutputFile]:
        """The paper's page."""
        view = self.view(paper)
        page = view.with_abstract(render_markdown(paper.abstract_md))
        bibtex = self.bibtex[paper.slug] = bibtex_entry(paper, self.cite_keys.get(paper.slug))
        head = scholar.paper_head(paper, self.config, self._tag_names, plain_text(paper.abstract_md))
        meta = replace(head, json_ld=Markup(head.json_ld))
        # (name, link or None, what follows the name): the template then needs no loop object, a fifth of its time
        last = len(paper.authors) - 1
        ends = " " if paper.et_al else ""
        authors = [(name, self.url(link) if (link := self.author_link(name)) else None, ", " if i < last else ends)
                   for i, name in enumerate(paper.authors)]
        if paper.et_al and authors:
            authors.append(("et al.", None, ""))
        others = [self.view(p) for p in related]
        items = self.fragments(RELATED_ITEM, others)
        html = self.page("paper.html", view.link, paper=page, authors=authors, related=others, related_items=items,
                         bibtex=bibtex, meta=meta,
                         math=has_math(paper.title) or 'class="math' in page.abstract_html)
        return [html]

    def listing_page(self, listing: Listing) -> OutputFile:
        template = "listing.html" if listing.kind == "home" else f"{listing.kind}.html"
        site_ld = Markup(scholar.json_ld_site(self.config)) if listing.kind == "home" and listing.page == 1 else ""
        papers = [self.view(p) for p in listing.papers]
        cards = self.fragments(ROW if listing.kind in ROW_KINDS else CARD, papers, b"\n")
        math = any(has_math(p.title) for p in listing.papers)
        return self.page(template, listing.url, listing=listing, papers=papers, cards=cards, math=math,
                         site_json_ld=site_ld)

    def render_spec(self, spec: PageSpec) -> list[OutputFile]:
        """The files of one page."""
        if spec.kind == "paper":
            assert spec.paper is not None
            return self.paper_page(spec.paper, spec.related)
        if spec.kind == "listing":
            assert spec.listing is not None
            return [self.listing_page(spec.listing)]
        if spec.kind == "tags":
            counts = {t.slug: len(self.site.by_tag[t.slug]) for t in self.site.tags}
            return [self.page("tags.html", spec.url, tags=self.site.tags, counts=counts)]
        if spec.kind == "authors":
            counts = {a.slug: len((self.site.by_author or {})[a.slug]) for a in self.site.authors}
            return [self.page("authors.html", spec.url, authors=self.site.authors, counts=counts)]
        if spec.kind == "years":
            counts = {y: len(p) for y, p in (self.site.by_year or {}).items()}
            return [self.page("years.html", spec.url, years=counts)]
        return [self.page(f"{spec.kind}.html", spec.url)]


class _Assets(dict[str, str]):
    """``assets['css/site.css']`` in templates: a static file's URL with its version."""

    def __init__(self, asset: Callable[[str], str]) -> None:
        super().__init__()
        self._asset = asset

    def __missing__(self, path: str) -> str:
        url = self[path] = self._asset(path)
        return url


def template_syntax_errors(theme: Theme) -> list[Diagnostic]:
    """Every template of the theme compiled, as a build would load it: the syntax errors of all
    of them (a build stops at the first it loads)."""
    env = theme.environment()
    add_filters(env)
    problems: dict[str, Diagnostic] = {}
    for name in env.list_templates(extensions=("html", "xml")):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problem = template_diagnostic(exc, theme)
            problems.setdefault(problem.path, problem)  # 'theme/x.html' is a parent's x.html again
    return list(problems.values())


def template_diagnostic(exc: Exception, theme: Theme) -> Diagnostic:
    """Name the template file and line of a Jinja2 error."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(theme.display(exc.filename or exc.name or "?"), exc.lineno or 0,
                          f"template error: {exc.message}")
    tb = exc.__traceback__
    where, line = "", 0
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py"):
            where, line = filename, tb.tb_lineno
        tb = tb.tb_next
    if isinstance(exc, jinja2.TemplateNotFound) and not isinstance(exc, jinja2.TemplatesNotFound):
        message = f"no template '{exc.name}' in the theme"  # Jinja2's message is the name alone
    elif isinstance(exc, jinja2.TemplateError):
        message = str(exc)
    else:  # an error of Python's that the template's code raised
        message = f"{type(exc).__name__}: {exc}"
    return Diagnostic(theme.display(where or "templates"), line, f"template error: {message}")

