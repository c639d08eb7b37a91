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
    assert '<input id="site-search" class="search-input" name="q" type="text" enterkeyhint="search"' in home
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
