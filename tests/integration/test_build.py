"""Build fixture sites and the real catalogue; check pages, counts, pagination, feeds, links."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_gen import config
from site_gen.build import build
from site_gen.errors import BuildFailed
from site_gen.importers.daily import parse
from tests.conftest import REPO, SEED, make_site, paper_text
from tests.sitecheck import broken_links, snapshot

ATOM = "{http://www.w3.org/2005/Atom}"


def build_at(root: Path, base: str = "/") -> Path:
    out = root / "_site"
    build(config.load(root, {"base_url": base}), out)
    return out


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_gen.cli", *args], capture_output=True, text=True, cwd=REPO)


def test_fixture_site_pages_counts_and_pagination(site_root: Path):
    out = build_at(site_root)
    for rel in ("index.html", "page/2/index.html", "papers/first-paper/index.html", "tags/index.html",
                "tags/speech/index.html", "tags/speech/page/2/index.html", "tags/moe/index.html",
                "search/index.html", "404.html", "feed.xml", "tags/speech/feed.xml", "sitemap.xml",
                "robots.txt", ".nojekyll", "assets/css/site.css", "assets/js/lunr.min.js",
                "search/lunr-index.json", "search/documents.json"):
        assert (out / rel).is_file(), rel
    assert not (out / "page/3").exists()
    home = (out / "index.html").read_text()
    assert home.index("First paper on speech") < home.index("Second paper")
    assert "Undated paper" in (out / "page/2/index.html").read_text()
    assert '<li><a href="/page/2/" aria-label="Page 2">2</a></li>' in home
    assert '<li><a href="/" aria-current="page" aria-label="Page 1">1</a></li>' in home
    tags = (out / "tags/index.html").read_text()
    assert '<span class="tag-name">Speech</span> <span class="tag-count">3</span>' in tags
    paper = (out / "papers/first-paper/index.html").read_text()
    assert "<em>recognition</em>" in paper and "Ada Lovelace, Alan Turing" in paper
    assert 'href="/tags/speech/"' in paper and "https://arxiv.org/abs/2401.00001" in paper
    assert broken_links(out) == []


def test_feed_and_sitemap_are_valid_xml_with_absolute_urls(site_root: Path):
    out = build_at(site_root)
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries][:2] == ["First paper on speech", "Second paper"]
    assert entries[0].find(f"{ATOM}link").get("href") == "https://example.org/cat/papers/first-paper/"
    assert entries[0].findtext(f"{ATOM}updated") == "2025-03-11T00:00:00Z"
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/cat/papers/first-paper/" in locs and "https://example.org/cat/" in locs
    assert "Sitemap: https://example.org/cat/sitemap.xml" in (out / "robots.txt").read_text()


def test_a_catalogue_without_papers_builds_a_home_page_that_says_so(tmp_path: Path):
    out = build_at(make_site(tmp_path / "empty"))
    home = (out / "index.html").read_text()
    assert "0 papers" in home and '<p class="empty">No papers yet.</p>' in home and "paper-list" not in home
    tags = (out / "tags/index.html").read_text()
    assert "0 tags" in tags and '<p class="empty">No tags yet.</p>' in tags and "tag-index" not in tags
    assert (out / "search/index.html").is_file() and (out / "feed.xml").is_file()
    assert broken_links(out) == []


def test_more_pages_than_one_sitemap_may_list_make_a_sitemap_index(site_root: Path, monkeypatch):
    from site_gen import feeds

    def sitemap(out: Path, name: str = "sitemap.xml") -> tuple[str, list[str]]:
        root = ET.parse(out / name).getroot()
        return root.tag.rpartition("}")[2], [e.text for e in root.iter(f"{{{feeds.SITEMAP}}}loc")]

    whole = sitemap(build_at(site_root))[1]
    monkeypatch.setattr(feeds, "SITEMAP_URLS", 4)
    out = build_at(site_root)
    kind, parts = sitemap(out)
    assert kind == "sitemapindex" and len(parts) == -(-len(whole) // 4) > 2
    assert parts[0] == "https://example.org/cat/sitemap-1.xml"
    listed = [sitemap(out, part.rpartition("/")[2]) for part in parts]
    assert {kind for kind, _ in listed} == {"urlset"} and max(len(locs) for _, locs in listed) == 4
    assert [loc for _, locs in listed for loc in locs] == whole
    assert "Sitemap: https://example.org/cat/sitemap.xml" in (out / "robots.txt").read_text()
    for paper in (site_root / "content/papers").glob("*.md"):  # the next build needs fewer parts
        if paper.name != "first-paper.md":
            paper.unlink()
    out = build_at(site_root)
    kind, parts = sitemap(out)
    assert {path.name for path in out.glob("sitemap*.xml")} == {"sitemap.xml", *(p.rpartition("/")[2] for p in parts)}
    assert len(parts) < len(listed)
    assert broken_links(out) == []


def test_the_404_page_has_no_canonical_link_and_asks_not_to_be_indexed(site_root: Path):
    out = build_at(site_root)
    assert '<link rel="canonical" href="https://example.org/cat/tags/">' in (out / "tags/index.html").read_text()
    not_found = (out / "404.html").read_text()
    assert 'rel="canonical"' not in not_found
    assert '<meta name="robots" content="noindex">' in not_found


def test_sub_path_base_url(site_root: Path):
    out = build_at(site_root, "/paper-catalogue/")
    assert broken_links(out, "/paper-catalogue/") == []
    home = (out / "index.html").read_text()
    assert 'href="/paper-catalogue/papers/first-paper/"' in home
    assert 'data-base="/paper-catalogue/"' in home


def test_builds_are_deterministic(site_root: Path, tmp_path: Path):
    first = snapshot(build_at(site_root))
    assert snapshot(build_at(site_root)) == first


def test_failed_build_keeps_previous_site(site_root: Path):
    out = build_at(site_root)
    before = snapshot(out)
    (site_root / "content/papers/bad.md").write_text(paper_text("Bad", tgas="[x]"))
    (site_root / "content/papers/worse.md").write_text("---\ntitle: [oops\n---\n")
    result = run_cli("build", "--root", str(site_root))
    assert result.returncode == 1
    assert "content/papers/bad.md:3: unknown key 'tgas' (did you mean 'tags'?)" in result.stderr
    assert "content/papers/worse.md:3: YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in site_root.iterdir()) == [".cache", "_site", "content", "site.yaml"]


def test_refuses_to_replace_a_folder_that_is_not_a_site(site_root: Path):
    result = run_cli("build", "--root", str(site_root), "--out", str(site_root / "content"))
    assert result.returncode == 1 and "refusing to write the site into" in result.stderr
    other = site_root / "docs"
    other.mkdir()
    (other / "precious.txt").write_text("keep")
    result = run_cli("build", "--root", str(site_root), "--out", str(other))
    assert result.returncode == 1 and "not a built site" in result.stderr
    assert (other / "precious.txt").read_text() == "keep"


def test_real_catalogue(repo_copy: Path):
    out = build_at(repo_copy)
    drafts, _ = parse(SEED.read_text(encoding="utf-8"), "seed", year=2025)
    documents = json.loads((out / "search/documents.json").read_text())
    titles = {doc["title"] for doc in documents.values()}
    assert {d.title for d in drafts} <= titles
    pages = list((out / "papers").glob("*/index.html"))
    assert len(pages) == len(list((repo_copy / "content/papers").glob("*.md"))) >= 57
    assert all(doc["tags"] for doc in documents.values()), "every paper has at least one tag"
    assert broken_links(out) == []
    sub = build_at(repo_copy, "/paper-catalogue/")
    assert broken_links(sub, "/paper-catalogue/") == []


def test_citations(site_root: Path):
    from site_gen.importers.bibtex import parse as parse_bib

    out = build_at(site_root)
    page = (out / "papers/first-paper/index.html").read_text()
    # the link to download it is made in the browser from the entry shown (tests/browser/test_cite.py)
    assert '<span data-download="bibtex" hidden><a download="first-paper.bib">Download .bib</a>' in page
    assert "data:" not in page
    cite = html.unescape(page.split('<code id="bibtex">')[1].split("</code>")[0])
    entries, _ = parse_bib(cite, "first-paper.bib")
    assert [e.title for e in entries] == ["First paper on speech"]
    assert entries[0].authors == ("Ada Lovelace", "Alan Turing") and entries[0].arxiv == "2401.00001"
    everything, _ = parse_bib((out / "papers.bib").read_text(), "papers.bib")
    assert len(everything) == 4
    assert not (out / "papers/first-paper/cite.bib").exists()


def test_math_is_kept_for_katex_and_readable_elsewhere(tmp_path: Path):
    root = make_site(tmp_path / "m", {
        "math-paper.md": paper_text("Attention in $O(n \\\\log n)$ time",
                                    "We reduce $\\mathcal{O}(n^2)$ to $a_b * c_d$ for \\$5 and \\$10.",
                                    tags="[speech]"),
        "plain-paper.md": paper_text("Plain", "Costs $5 and $10.", tags="[speech]"),
    })
    out = build_at(root)
    page = (out / "papers/math-paper/index.html").read_text()
    assert '<span class="math inline">\\mathcal{O}(n^2)</span>' in page
    assert '<span class="math inline">a_b * c_d</span>' in page and "<em>" not in page
    assert "/assets/katex/katex.min.js" in page and (out / "assets/katex/katex.min.js").is_file()
    assert list((out / "assets/katex/fonts").glob("*.woff2"))
    fonts = re.findall(r"url\(([^)]+)\)", (out / "assets/katex/katex.min.css").read_text())
    assert {"woff2", "woff", "ttf"} <= {font.rpartition(".")[2] for font in fonts}
    assert [font for font in fonts if not (out / "assets/katex" / font).is_file()] == []  # what link checkers see
    plain = (out / "papers/plain-paper/index.html").read_text()
    assert "katex" not in plain and "Costs $5 and $10." in plain
    feed = (out / "feed.xml").read_text()
    assert "<title>Attention in O(n log n) time</title>" in feed
    assert broken_links(out) == []


def test_author_and_year_pages(site_root: Path):
    (site_root / "content/papers/more-by-ada.md").write_text(
        paper_text("More by Ada", "Notes.", date="2024-05-01", tags="[speech]", authors="[Ada Lovelace]"))
    out = build_at(site_root)
    ada = (out / "authors/ada-lovelace/index.html").read_text()
    assert "More by Ada" in ada and "First paper on speech" in ada
    assert not (out / "authors/alan-turing").exists(), "one paper: no page (author_pages: 2)"
    paper = (out / "papers/first-paper/index.html").read_text()
    assert '<p class="authors" dir="auto"><a href="/authors/ada-lovelace/">Ada Lovelace</a>, Alan Turing</p>' in paper
    more = (out / "papers/more-by-ada/index.html").read_text()
    assert '<p class="authors" dir="auto"><a href="/authors/ada-lovelace/">Ada Lovelace</a></p>' in more
    assert not (out / "authors/et-al").exists()
    assert 'href="/years/2025/"' in paper
    assert "Ada Lovelace" in (out / "authors/index.html").read_text()
    years = (out / "years/index.html").read_text()
    assert 'href="/years/2024/"' in years and 'href="/years/2025/"' in years
    assert "More by Ada" in (out / "years/2024/index.html").read_text()
    assert broken_links(out) == []


def test_every_spelling_of_an_author_links_to_the_page_and_names_without_latin_letters_have_one(tmp_path: Path):
    root = make_site(tmp_path / "s", {
        "accented.md": paper_text("Accented", "Text.", authors="[Zoë Müller, 张伟]"),
        "plain.md": paper_text("Plain", "Text.", authors="[Zoe Muller, 张伟]"),
    })
    out = build_at(root)
    for slug in ("accented", "plain"):  # the page was linked from the first spelling only
        assert 'href="/authors/zoe-muller/"' in (out / f"papers/{slug}/index.html").read_text(), slug
    plain = (out / "papers/plain/index.html").read_text()
    zhang = re.search(r'<a href="/authors/(author-[0-9a-f]{10})/">张伟</a>', plain)
    assert zhang, "a name without ASCII letters had no page"
    assert "Accented" in (out / "authors" / zhang[1] / "index.html").read_text()
    assert broken_links(out) == []


def test_a_list_of_the_first_authors_says_et_al(tmp_path: Path):
    root = make_site(tmp_path / "s", {
        "cut.md": paper_text("Cut", "Text.", authors="[Ada Lovelace, Alan Turing]", et_al="true"),
        "whole.md": paper_text("Whole", "Text.", authors="[Ada Lovelace]"),
    })
    out = build_at(root)
    page = (out / "papers/cut/index.html").read_text()
    assert ('<p class="authors" dir="auto"><a href="/authors/ada-lovelace/">Ada Lovelace</a>, Alan Turing et al.</p>'
            in page)
    assert "author = {Lovelace, Ada and Turing, Alan and others}" in page
    assert '<meta name="citation_author" content="et al.">' not in page
    home = (out / "index.html").read_text()
    assert '<span class="authors" dir="auto">Ada Lovelace, Alan Turing et al.</span>' in home
    assert '<span class="authors" dir="auto">Ada Lovelace</span>' in home
    assert "Lovelace, Ada and Turing, Alan and others" in (out / "papers.bib").read_text()
    assert not (out / "authors/et-al").exists()


def test_scholarly_metadata_and_related_papers(site_root: Path):
    import re

    out = build_at(site_root)
    page = (out / "papers/first-paper/index.html").read_text()
    assert '<meta name="citation_title" content="First paper on speech">' in page
    assert '<meta name="citation_author" content="Ada Lovelace">' in page
    assert '<meta property="og:url" content="https://example.org/cat/papers/first-paper/">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["@type"] == "ScholarlyArticle" and ld["headline"] == "First paper on speech"
    home = (out / "index.html").read_text()
    site_ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S).group(1))
    assert site_ld["@type"] == "WebSite" and "search/?q=" in json.dumps(site_ld)
    assert "Related papers" in page and 'href="/papers/third-paper/"' in page


def test_theme_dir_overrides_by_name_and_extends_the_theme_through_its_prefix(site_root: Path):
    overrides = site_root / "overrides" / "templates"
    (overrides / "partials").mkdir(parents=True)
    (overrides / "paper.html").write_text(
        '{% extends "theme/paper.html" %}\n'
        "{% block scripts %}{{ super() }}<!-- authors: {% for name, href, separator in authors %}"
        "{{ name }}{{ separator }}{% endfor %} -->{% endblock %}\n")
    (overrides / "partials/site_footer.html").write_text("<footer>Our own footer</footer>\n")
    config_file = site_root / "site.yaml"
    config_file.write_text(config_file.read_text() + "theme_dir: overrides\n")
    out = build_at(site_root)
    paper = (out / "papers/first-paper/index.html").read_text()
    assert "<!-- authors: Ada Lovelace, Alan Turing -->" in paper
    assert '<h1 dir="auto">First paper on speech</h1>' in paper
    assert 'src="/assets/js/copy.js' in paper  # the theme's file
    assert "<footer>Our own footer</footer>" in paper and "Atom feed" not in paper
    assert "<footer>Our own footer</footer>" in (out / "index.html").read_text()


def test_a_theme_extends_another_by_name(site_root: Path):
    theme = site_root / "themes" / "plain"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    (theme / "templates/404.html").write_text('{% extends "base.html" %}{% block content %}Lost.{% endblock %}\n')
    (theme / "templates/paper.html").write_text(
        '{% extends "theme/paper.html" %}{% block title %}Plain: {{ super() }}{% endblock %}\n')
    config_file = site_root / "site.yaml"
    config_file.write_text(config_file.read_text() + "theme: plain\n")
    out = build_at(site_root)
    assert "Lost." in (out / "404.html").read_text()
    paper = (out / "papers/first-paper/index.html").read_text()
    assert "<title>Plain: First paper on speech · Test catalogue</title>" in paper
    assert '<h1 dir="auto">First paper on speech</h1>' in paper


def test_the_theme_prefix_never_names_the_most_specific_folder(site_root: Path):
    theme = site_root / "themes" / "alone"  # a theme of its own, extending none
    shutil.copytree(REPO / "themes/default/templates", theme / "templates")
    (theme / "templates/404.html").write_text('{% extends "theme/base.html" %}\n')
    config_file = site_root / "site.yaml"
    config_file.write_text(config_file.read_text() + "theme: alone\n")
    with pytest.raises(BuildFailed, match="theme/base.html"):
        build_at(site_root)


def test_a_listing_of_one_paper_has_no_sort_control(site_root: Path):
    out = build_at(site_root)
    one = (out / "tags/speech/page/2/index.html").read_text()
    assert one.count('class="paper-card"') == 1
    assert "data-sort-control" not in one and "sort.js" not in one
    two = (out / "tags/moe/index.html").read_text()
    assert two.count('class="paper-card"') > 1
    assert "data-sort-control" in two and "sort.js" in two


def test_a_paper_without_an_abstract_or_a_date_shows_no_empty_section_or_line(site_root: Path):
    (site_root / "content/papers/no-abstract.md").write_text(
        paper_text("Title only", "", date="1981", tags="[speech]", authors="[Ada Lovelace]"))
    out = build_at(site_root)
    bare = (out / "papers/no-abstract/index.html").read_text()
    assert 'id="abstract-heading"' not in bare and 'class="abstract"' not in bare
    assert 'id="cite-heading"' in bare
    assert '<meta name="description" content="Title only, by Ada Lovelace (1981)">' in bare
    undated = (out / "papers/undated-paper/index.html").read_text()
    assert '<p class="meta">' not in undated, "no date and no venue: no empty line for them"
    assert '<section class="abstract" aria-labelledby="abstract-heading">' in (
        out / "papers/first-paper/index.html").read_text()


def test_display_math_inside_a_sentence_stays_in_its_paragraph(tmp_path: Path):
    root = make_site(tmp_path / "m", {"bound.md": paper_text(
        "Bound", "The algorithm requires $$O\\left(H \\ln \\delta^{-1}\\right)$$ samples, for $k < n$.")})
    page = (build_at(root) / "papers/bound/index.html").read_text()
    assert ('<p>The algorithm requires <span class="math block">O\\left(H \\ln \\delta^{-1}\\right)</span>'
            ' samples, for <span class="math inline">k &lt; n</span>.</p>') in page


def test_a_paper_page_links_every_link_its_file_gives(site_root: Path):
    (site_root / "content/papers/linked.md").write_text(paper_text(
        "Linked", "Links.", arxiv='"2401.00002"', doi='"10.1000/xyz"', url="https://example.org/paper",
        pdf="https://example.org/paper.pdf", code="https://example.org/code", project="https://example.org/project"))
    page = (build_at(site_root) / "papers/linked/index.html").read_text()
    links = re.search(r'<ul class="links" aria-label="Links">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'<li><a href="([^"]*)">([^<]*)</a></li>', links) == [
        ("https://arxiv.org/abs/2401.00002", "arXiv:2401.00002"), ("https://example.org/paper.pdf", "PDF"),
        ("https://example.org/paper", "Paper page"), ("https://example.org/project", "Project page"),
        ("https://example.org/code", "Code"), ("https://doi.org/10.1000/xyz", "DOI")]
    (site_root / "content/papers/linked.md").write_text(paper_text("Linked", "Links.",
                                                                   project="https://example.org/project"))
    page = (build_at(site_root) / "papers/linked/index.html").read_text()
    assert '<ul class="links" aria-label="Links">' in page and ">Project page</a>" in page


def test_counts_of_one_are_singular(tmp_path: Path):
    root = make_site(tmp_path / "one", {"only.md": paper_text("Only", "Only.", date="2025-01-01", tags="[speech]",
                                                              authors="[Ada Lovelace]")},
                     config="title: One\nauthor_pages: 1\n")
    out = build_at(root)
    counts = [re.search(r'<p class="count">([^<]*)', (out / page).read_text()).group(1).strip(" ·")
              for page in ("index.html", "tags/index.html", "authors/index.html", "tags/speech/index.html")]
    assert counts == ["1 paper", "1 tag", "1 author with 1 or more papers, most papers first", "1 paper"]


def test_a_paper_page_names_the_authors_under_the_title_then_the_date_and_venue(site_root: Path):
    (site_root / "content/papers/ordered.md").write_text(paper_text(
        "Ordered", "Text.", date="2025-01-02", venue="NeurIPS", authors="[Ada Lovelace]", tags="[speech]"))
    page = (build_at(site_root) / "papers/ordered/index.html").read_text()
    header = page.split('<header class="paper-header">')[1].split("</header>")[0]
    marks = ['<h1 dir="auto">Ordered</h1>', '<p class="authors"', '<p class="meta">', ">2 Jan 2025</time>",
             ">NeurIPS</span>", '<ul class="tag-list"']
    assert [header.find(mark) for mark in marks] == sorted(header.find(mark) for mark in marks)
    assert -1 not in [header.find(mark) for mark in marks]


def test_author_and_year_listings_show_rows_and_the_others_cards(site_root: Path):
    (site_root / "site.yaml").write_text("title: Test catalogue\nauthor_pages: 1\n")
    out = build_at(site_root)
    row = ('<li class="paper-row"><a class="paper-row-title" href="/papers/first-paper/" dir="auto">'
           'First paper on speech</a>\n<p class="meta"><time datetime="2025-03-11">11 Mar 2025</time>'
           '<span class="authors" dir="auto">Ada Lovelace, Alan Turing</span></p></li>')
    for page in ("authors/ada-lovelace/index.html", "years/2025/index.html"):
        html = (out / page).read_text()
        assert row in html, page
        assert 'class="paper-card"' not in html and 'class="snippet"' not in html, page
    for page in ("index.html", "tags/speech/index.html"):
        html = (out / page).read_text()
        assert '<li class="paper-card">' in html, page
        assert '<p class="snippet" dir="auto">Speech recognition work.</p>' in html, page
        assert 'class="paper-row"' not in html, page


def test_a_card_without_date_authors_or_abstract_has_no_empty_lines(site_root: Path):
    (site_root / "content/papers/bare.md").write_text(paper_text("Bare", "", doi='"10.1000/bare"'))
    out = build_at(site_root)
    home = "".join((out / page).read_text() for page in ("index.html", "page/2/index.html", "page/3/index.html"))
    card = next(c for c in home.split('<li class="paper-card">') if 'href="/papers/bare/"' in c).split("</li>")[0]
    assert card.split() == ['<h2', 'class="paper-card-title"', 'dir="auto"><a', 'href="/papers/bare/">Bare</a></h2>']
