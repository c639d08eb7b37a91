"""What the built site says to the programs that read it, checked against their specifications:
ARIA in HTML for the pages, RFC 9309 and sitemaps.org for robots.txt."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from site_gen import config
from site_gen.build import build
from tests.conftest import make_site, paper_text

# ARIA in HTML: the roles an author may give an <input> of each type (none for the others).
INPUT_ROLES = {
    "text": {"combobox", "searchbox", "spinbutton"},
    "checkbox": {"button", "menuitemcheckbox", "option", "switch"},
    "radio": {"menuitemradio"},
}


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append(dict(attrs))


def build_site(root: Path, **settings: str) -> Path:
    out = root / "_site"
    build(config.load(root, settings), out)
    return out


def test_every_role_given_to_a_form_field_is_one_aria_in_html_allows(site_root: Path):
    out = build_site(site_root)
    wrong = []
    for page in sorted(out.rglob("*.html")):
        parser = _Inputs()
        parser.feed(page.read_text(encoding="utf-8"))
        for attrs in parser.inputs:
            kind = (attrs.get("type") or "text").lower()
            if attrs.get("role") and attrs["role"] not in INPUT_ROLES.get(kind, set()):
                wrong.append(f"{page.relative_to(out)}: <input type={kind} role={attrs['role']}>")
    assert wrong == []


def test_the_header_search_box_is_a_combobox_with_the_search_key(site_root: Path):
    home = (build_site(site_root) / "index.html").read_text(encoding="utf-8")
    assert '<input id="site-search" class="search-input" name="q" type="text" dir="auto" enterkeyhint="search"' in home
    assert 'role="combobox"' in home


def test_robots_txt_names_the_sitemap_by_its_absolute_url(site_root: Path):
    robots = (build_site(site_root) / "robots.txt").read_text(encoding="utf-8")
    assert robots == "User-agent: *\nAllow: /\nSitemap: https://example.org/cat/sitemap.xml\n"


def test_without_site_url_robots_txt_names_no_sitemap(tmp_path: Path):
    """A relative ``Sitemap: /sitemap.xml`` is not a sitemap a crawler can use: it is left out."""
    root = make_site(tmp_path / "site", {"a.md": paper_text("A paper", date="2025-03-11")},
                     config="title: Test catalogue\n")
    out = build_site(root, base_url="/cat/")
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"
    assert (out / "sitemap.xml").is_file()


def test_text_of_papers_takes_its_direction_from_its_own_letters(tmp_path: Path):
    """A Hebrew or Arabic title, author list, venue or abstract is laid out right to left (HTML's
    dir="auto") and kept apart from the English around it, such as the date after a related paper."""
    hebrew = "מודל שפה גדול: מחקר על GPT-4"
    root = make_site(tmp_path / "site", {
        "hebrew.md": paper_text(hebrew, "תקציר בעברית עם GPT-4.", date="2025-03-11",
                                authors='["דוד כהן", Sara Levi]', venue="כנס"),
        "english.md": paper_text("An English paper on GPT-4", "Abstract in English.", date="2025-03-10"),
    })
    out = build_site(root)
    paper = (out / "papers/hebrew/index.html").read_text(encoding="utf-8")
    assert f'<h1 dir="auto">{hebrew}</h1>' in paper
    assert '<p class="authors" dir="auto">דוד כהן, Sara Levi</p>' in paper
    assert '<span class="venue" dir="auto">כנס</span>' in paper
    assert '<div dir="auto"><p>תקציר בעברית עם GPT-4.</p>' in paper
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f'<h2 class="paper-card-title" dir="auto"><a href="/papers/hebrew/">{hebrew}</a></h2>' in home
    assert '<span class="authors" dir="auto">דוד כהן, Sara Levi</span>' in home
    assert '<p class="snippet" dir="auto">תקציר בעברית עם GPT-4.</p>' in home
    english = (out / "papers/english/index.html").read_text(encoding="utf-8")
    assert f'<li><a href="/papers/hebrew/" dir="auto">{hebrew}</a> <time' in english
