"""tests/sites/hostile/ carries injection payloads in every field; none may be live in the built site.

The built files are read as a browser reads them: HTML through html.parser (so entities are
decoded as in attributes and text), JSON through json, feeds and the sitemap through an XML
parser. Every script element, event-handler attribute and risky element must be one the theme
itself writes: the same site built from harmless content gives the list of those.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_gen.content import load_papers
from site_gen.search import result_title
from site_gen.textutil import plain_text
from tests.hostile.support import HOSTILE, site_build

ATOM = "{http://www.w3.org/2005/Atom}"
URL_ATTRS = {"href", "src", "action", "formaction", "srcset", "poster", "data", "background", "xlink:href",
             "cite", "longdesc", "ping", "manifest", "codebase", "archive", "lowsrc", "dynsrc"}
RISKY_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "style",
              "link", "meta", "svg", "math", "template", "input", "button", "textarea", "select", "img",
              "video", "audio", "source", "portal", "noscript"}
DATA_SCRIPTS = {"application/json", "application/ld+json"}  # inline scripts a browser does not run
BAD_SCHEME = re.compile(r"^(?:javascript|data|vbscript):", re.I)
HARMLESS_VALUES = {
    "arxiv": '"2401.00001"', "doi": '"10.1000/xyz"', "venue": "A venue", "url": "https://example.org/paper",
    "pdf": "https://example.org/paper.pdf", "code": "https://example.org/code", "project": "https://example.org/p",
    "source": "daily", "categories": "[cs.CL]", "publisher": "A publisher", "pages": '"1--2"', "volume": '"1"',
    "bibtex_key": "key2025", "entry_type": "article", "year": "2025", "month": "3",
}
HARMLESS_BODY = ("Text with *emphasis*, a [link](https://example.org/), ![a figure](https://example.org/f.png), "
                 "`code` and $y$.\n\n```\nfenced\n```\n")


def harmless_twin(root: Path) -> None:
    """The hostile site with every value replaced by a harmless one of the same shape: the same papers,
    dates, tags, number of authors and keys, so that every conditional of the theme goes the same way."""
    (root / "content" / "papers").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Harmless\ndescription: Harmless.\nauthor: Someone\n"
                                    "site_url: https://example.org/hostile/\npage_size: 3\nauthor_pages: 1\n",
                                    encoding="utf-8")
    tags = "".join(f"  - slug: {slug}\n    name: Tag {slug}\n    description: Harmless.\n"
                   for slug in ("xss", "quotes", "json"))
    (root / "content" / "tags.yaml").write_text("tags:\n" + tags, encoding="utf-8")
    for n, paper in enumerate(load_papers(HOSTILE / "content", HOSTILE).papers):
        lines = ["---", f'title: "Harmless paper {n}' + (' $x$"' if "$" in paper.title else '"'),
                 f"date: {paper.date}", f"tags: [{', '.join(paper.tags)}]",
                 f"authors: [{', '.join(f'Author {n}-{i}' for i in range(len(paper.authors)))}]"]
        present = {k for k in HARMLESS_VALUES if getattr(paper, k, None) or k in dict(paper.extra)}
        lines += [f"{k}: {v}" for k, v in HARMLESS_VALUES.items() if k in present]
        text = "\n".join([*lines, "---", HARMLESS_BODY])
        (root / "content" / "papers" / Path(paper.path).name).write_text(text, encoding="utf-8")


class Page(HTMLParser):
    """The elements, attributes, script bodies and comments of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str]]]] = []
        self.scripts: list[tuple[tuple[tuple[str, str], ...], str]] = []
        self.comments: list[str] = []
        self.h1: list[str] = []
        self._stack: list[str] = []
        self._script: tuple[tuple[str, str], ...] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pairs = [(k, v or "") for k, v in attrs]
        self.elements.append((tag, pairs))
        if tag == "script":
            self._script = tuple(sorted(pairs))
            self.scripts.append((self._script, ""))
        if tag == "h1":
            self.h1.append("")
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        if tag in self._stack:
            del self._stack[len(self._stack) - 1 - self._stack[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        if "h1" in self._stack and self.h1:
            self.h1[-1] += data

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def signature(tag: str, attrs: list[tuple[str, str]]) -> tuple[object, ...]:
    """What makes two risky elements the same: a script's every attribute; other elements' attribute names."""
    if tag == "script":
        return (tag, tuple(sorted(attrs)))
    return (tag, tuple(sorted(name for name, _ in attrs)))


def normalised_url(value: str) -> str:
    """A URL as a browser's URL parser sees its scheme: C0 and spaces trimmed, tabs and newlines removed."""
    return re.sub(r"[\t\n\r]", "", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                 "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                                                 "\x1e\x1f ")


def build(root: Path) -> Path:
    result = site_build(root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return root / "_site"


def html_files(site: Path) -> Iterator[Path]:
    return iter(sorted(site.rglob("*.html")))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "site"
    shutil.copytree(HOSTILE, root)
    return build(root)


@pytest.fixture(scope="module")
def theme_own(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[object, ...]]:
    """Signatures of the risky elements the theme writes, from the same site with harmless content."""
    root = tmp_path_factory.mktemp("harmless") / "site"
    harmless_twin(root)
    own: set[tuple[object, ...]] = set()
    for path in html_files(build(root)):
        for tag, attrs in parse(path).elements:
            if tag in RISKY_TAGS or any(name.startswith("on") for name, _ in attrs):
                own.add(signature(tag, attrs))
    return own


def test_the_corpus_is_valid_and_every_field_is_hostile():
    loaded = load_papers(HOSTILE / "content", HOSTILE)
    assert [d for d in loaded.diagnostics if d.severity == "error"] == []
    assert len(loaded.papers) == 5
    assert all("<" in p.title or "&" in p.title for p in loaded.papers)


def live_payloads(site: Path, theme_own: set[tuple[object, ...]]) -> list[str]:
    """Every script, handler, risky element or script URL in the HTML of ``site`` that the theme did not write."""
    live = []
    for path in html_files(site):
        where = path.relative_to(site)
        page = parse(path)
        for tag, attrs in page.elements:
            risky = tag in RISKY_TAGS or any(name.startswith("on") for name, _ in attrs)
            if risky and signature(tag, attrs) not in theme_own:
                live.append(f"{where}: <{tag} {attrs}>")
            for name, value in attrs:
                if (name in URL_ATTRS or name.startswith("on")) and BAD_SCHEME.search(normalised_url(value)):
                    live.append(f"{where}: <{tag} {name}={value!r}>")
                if name == "content" and re.search(r"url\s*=\s*['\"]?\s*(?:javascript|data|vbscript):", value, re.I):
                    live.append(f"{where}: <{tag} {name}={value!r}>")
        for attrs, body in page.scripts:
            if body.strip() and dict(attrs).get("type") not in DATA_SCRIPTS:
                live.append(f"{where}: inline script {body[:80]!r}")
            elif body.strip():
                json.loads(body)  # a payload that closed the element early would leave broken JSON
        live += [f"{where}: comment {c[:80]!r}" for c in page.comments if "script" in c.lower() or "alert" in c]
    return live


@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href=" java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<iframe src="data:text/html,x"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<script src="/assets/js/search.js?v=other"></script>',
    '<div onmouseover="alert(1)">x</div>',
    '<script type="text/plain">alert(1)</script>',
])
def test_the_check_finds_a_live_payload(tmp_path: Path, html: str):
    (tmp_path / "index.html").write_text(f"<!doctype html><html><body><p>{html}</p></body></html>")
    assert live_payloads(tmp_path, set()) != []


def test_no_script_handler_or_risky_element_the_theme_did_not_write(hostile_site: Path, theme_own):
    assert live_payloads(hostile_site, theme_own) == []


def test_payloads_are_shown_as_text(hostile_site: Path):
    for paper in load_papers(HOSTILE / "content", HOSTILE).papers:
        page = parse(hostile_site / "papers" / paper.slug / "index.html")
        assert [" ".join(h.split()) for h in page.h1] == [" ".join(paper.title.split())]
    home = (hostile_site / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in home
    entity = (hostile_site / "papers/entity-tricks/index.html").read_text(encoding="utf-8")
    assert "&amp;lt;script&amp;gt;alert(&#39;entity&#39;)" in entity  # an entity in the title stays text


def test_json_files_parse_and_cannot_close_a_script(hostile_site: Path):
    files = sorted(hostile_site.rglob("*.json"))
    assert files
    for path in files:
        raw = path.read_text(encoding="utf-8")
        json.loads(raw)
        assert "</script" not in raw.lower() and "<!--" not in raw, path
        assert "\u2028" not in raw and "\u2029" not in raw, path
    documents = json.loads((hostile_site / "search/documents.json").read_text(encoding="utf-8"))
    titles = {doc["title"] for doc in documents.values()}
    assert {result_title(p.title) for p in load_papers(HOSTILE / "content", HOSTILE).papers} == titles


def test_feeds_and_sitemap_are_xml_carrying_the_payloads_as_text(hostile_site: Path):
    feeds = [hostile_site / "feed.xml", *sorted(hostile_site.glob("tags/*/feed.xml"))]
    for path in [*feeds, hostile_site / "sitemap.xml"]:
        ET.parse(path)
    feed = ET.parse(hostile_site / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == "Catalogue </title><script>alert('site-title')</script>"
    assert feed.findtext(f"{ATOM}subtitle", "").startswith("\"><img src=x onerror=alert('site-description')>")
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    papers = load_papers(HOSTILE / "content", HOSTILE).papers
    assert sorted(titles) == sorted(plain_text(p.title) for p in papers)
    authors = {a.text for a in feed.iter(f"{ATOM}name")}
    assert "<img src=x onerror=alert('author')>" in authors
    labels = {c.get("label") for c in feed.iter(f"{ATOM}category")}
    assert "<script>alert('tag-name')</script>" in labels


def test_inline_json_carries_the_payloads_as_data(hostile_site: Path):
    found = []
    for path in html_files(hostile_site):
        for _, body in parse(path).scripts:
            if body.strip():
                found.append(json.loads(body))
    text = json.dumps(found, ensure_ascii=False)
    assert "</script><!--<script>alert('tag-json')</script>" in text
