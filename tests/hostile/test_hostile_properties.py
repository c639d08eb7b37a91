"""Properties: slugs are safe, stable and unique; an imported draft reads back from its file unchanged."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from site_gen.content import MAX_TAGS, PAPER_FIELDS, parse_paper
from site_gen.model import PaperDraft
from site_gen.slug import MAX_LENGTH, SLUG_RE, fallback_slug, is_slug, slugify, unique_slug
from site_gen.store import Catalogue, clean_text, draft_values, render_paper, upsert
from site_gen.taxonomy import SLUG as TAG_SLUG

# --- slugs ----------------------------------------------------------------------------------

hostile_text = st.lists(st.one_of(
    st.characters(),
    st.sampled_from(["../", "..", "/", "\\", "\x00", "%2e%2e", "-", "--", " ", ".", "~", "\u202e", "\u200b", "ﬁ",
                     "İ", "ẞ", "Ⅻ", "①", "ǅ", "½", "𝔘𝔫𝔦"]),
), max_size=60).map("".join)


@given(hostile_text)
@example("../../etc/passwd")
@example("..\\..\\windows")
@example("\x00")
@example("CON")
@example("ﬁne ①")
def test_a_slug_is_one_safe_path_segment(title: str):
    slug = slugify(title)
    assert slug == "" or is_slug(slug)
    assert len(slug) <= MAX_LENGTH
    assert slug == slug.lower() and slug.isascii()
    assert not set(slug) & set("/\\.\x00%~ ")
    assert slugify(slug) == slug  # already a slug: unchanged


@given(hostile_text, st.one_of(st.none(), st.text(max_size=30)), st.one_of(st.none(), st.text(max_size=30)))
def test_a_paper_always_gets_a_slug_and_the_same_one(title: str, arxiv: str | None, doi: str | None):
    slug = fallback_slug(title, arxiv, doi)
    assert is_slug(slug) and len(slug) <= MAX_LENGTH + len("arxiv-")
    assert re.search(r"[a-z]", slug)
    assert slug == fallback_slug(title, arxiv, doi)


def test_tag_slugs_and_paper_slugs_follow_one_rule():
    assert TAG_SLUG.pattern == SLUG_RE.pattern


@given(st.lists(hostile_text, min_size=1, max_size=30))
@example(["\ud800"])  # a lone surrogate: a JSON importer can read one from "\ud800"
def test_unique_slugs_are_unique_and_keep_their_base(titles: list[str]):
    taken: set[str] = set()
    for title in titles:
        base = fallback_slug(title)
        slug = unique_slug(base, taken)
        assert slug not in taken and is_slug(slug)
        assert slug == base or re.fullmatch(re.escape(base) + r"-\d+", slug)
        taken.add(slug)


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(hostile_text.filter(str.strip), min_size=1, max_size=12))
@example(["\x1b", "A title"])
def test_importing_papers_never_gives_two_the_same_file(tmp_path_factory, titles: list[str]):
    root = tmp_path_factory.mktemp("catalogue")
    drafts = [PaperDraft(title=t, abstract="x", arxiv=f"2401.{i:05d}") for i, t in enumerate(titles)]
    report = upsert(Catalogue(root), drafts, lambda title, abstract: ())
    kept = [t for t in titles if clean_text(t).strip()]  # a title of control characters only is skipped
    assert len(report.created) == len(kept) == len(set(report.created))
    assert len(report.diagnostics) == len(titles) - len(kept)
    assert sorted(p.name for p in (root / "papers").iterdir()) == sorted(f"{s}.md" for s in report.created)


# --- front matter round trip ----------------------------------------------------------------

YAML_SPECIAL = [": ", ":", "#", " #", "- ", "-", "[", "]", "{", "}", ",", "&", "*", "!", "%", "@", "`", "'", '"',
                "|", ">", "?", "\\", "<<", "---", "...", "null", "Null", "NULL", "~", "true", "False", "yes", "No",
                "on", "OFF", "y", "n", "2312.11820", "2312.1182", "1e3", "0x1F", "0o17", ".inf", "-.nan", "12:30",
                "2025-03-11", "=", "\t", "\u2028", "\u0085", "\ufeff", "é", "中文", "😀"]
piece = st.one_of(st.sampled_from(YAML_SPECIAL), st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))
special = st.lists(piece, min_size=1, max_size=6).map("".join)
name = special.filter(lambda s: clean_text(s).strip())
tag = st.from_regex(SLUG_RE, fullmatch=True).filter(lambda s: len(s) <= 40)
identifier = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9./:_;()'&*!%@`#\[\]{}-]{0,30}", fullmatch=True)
url = st.one_of(
    st.from_regex(r"https?://[a-z0-9]{1,10}\.org/[A-Za-z0-9/_.~%!$&()*+,;=:@-]{0,30}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{1,8}/[a-z0-9/_.-]{0,20}", fullmatch=True),
).filter(lambda u: "&#" not in u and not re.search(r"&[A-Za-z][A-Za-z0-9]*;", u))
date = st.sampled_from(["2025-03-11", "2024-02-29", "2025-03", "2025", "1999-12-31"])


def normal(text: str) -> str:
    """What the schema keeps of a string: control characters gone, whitespace runs collapsed."""
    return " ".join(clean_text(text).split())


@settings(max_examples=300, deadline=None)
@given(title=name, abstract=special, authors=st.lists(name, max_size=5), tags=st.lists(tag, max_size=5, unique=True),
       venue=st.none() | name, source=st.none() | name, arxiv=st.none() | identifier, doi=st.none() | identifier,
       link=st.none() | url, day=st.none() | date, categories=st.lists(name, max_size=3),
       publisher=st.none() | name, pages=st.none() | name, volume=st.none() | name,
       key=st.none() | identifier, year=st.none() | st.integers(1000, 9999), month=st.none() | st.integers(1, 12))
@example(title="Zhao, Shengkui", abstract="x", authors=["Zhao, Shengkui", "Ma, Yukun"], tags=[], venue="Proc. A, B",
         source=None, arxiv=None, doi=None, link=None, day=None, categories=["cs.CL, cs.SD"], publisher=None,
         pages=None, volume=None, key=None, year=None, month=None)
@example(title="null", abstract="true", authors=["yes", "~", "2312.11820", " padded "], tags=["speech"],
         venue="No", source="@daily", arxiv="2312.11820", doi="10.1000/[x]{y}", link="https://a.org/?q=a&b=%20",
         day="2024-02-29", categories=["- item", "#tag"], publisher="&anchor", pages="*alias", volume="!tag",
         key="%directive", year=2025, month=3)
def test_a_draft_reads_back_from_its_file(title, abstract, authors, tags, venue, source, arxiv, doi, link, day,
                                          categories, publisher, pages, volume, key, year, month):
    extra = {"categories": tuple(categories), "publisher": publisher, "pages": pages, "volume": volume,
             "bibtex_key": key, "year": year, "month": month, "project": link}
    draft = PaperDraft(title=title, abstract=abstract, date=day, authors=tuple(authors), venue=venue, source=source,
                       arxiv=arxiv, doi=doi, url=link, pdf=link, code=link,
                       extra=tuple((k, v) for k, v in extra.items() if v not in (None, ())))
    values = draft_values(draft, tags)
    assert set(values) <= set(PAPER_FIELDS)
    text = render_paper(values, abstract)
    paper, problems = parse_paper(text.encode("utf-8"), "p.md", "p")
    assert problems == [], text
    assert paper is not None
    assert paper.title == normal(title)
    assert paper.abstract_md == clean_text(abstract).strip("\n")
    assert paper.authors == tuple(normal(a) for a in authors)
    assert paper.tags == tuple(tags)
    assert (paper.venue, paper.source) == (venue and normal(venue), source and normal(source))
    assert (paper.arxiv, paper.doi) == (arxiv, doi)
    assert (paper.url, paper.pdf, paper.code) == (link, link, link)
    assert paper.date == (day or (f"{year:04d}" + (f"-{month:02d}" if month else "") if year else None))
    got = dict(paper.extra)
    assert got.get("categories", ()) == tuple(normal(c) for c in categories)
    for k in ("publisher", "pages", "volume"):
        assert got.get(k) == (extra[k] and normal(extra[k]))
    assert (got.get("bibtex_key"), got.get("year"), got.get("month"), got.get("project")) == (key, year, month, link)


@given(st.integers(MAX_TAGS - 3, MAX_TAGS + 3).map(lambda n: [f"tag-{i}" for i in range(n)]))
def test_tag_lists_round_trip_up_to_the_limit(tags: list[str]):
    text = render_paper(draft_values(PaperDraft(title="T", abstract=""), tags), "")
    paper, problems = parse_paper(text.encode(), "p.md", "p")
    if len(tags) <= MAX_TAGS:
        assert problems == [] and paper is not None and paper.tags == tuple(tags)
    else:
        assert [d.message for d in problems] == [f"'tags' has {len(tags)} items; at most {MAX_TAGS} are allowed"]


def test_round_trip_through_the_importer_keeps_an_existing_file(tmp_path: Path):
    draft = PaperDraft(title="Zhao, Shengkui: a #1 paper", abstract="A: b", authors=("Zhao, Shengkui",),
                       arxiv="2312.11820")
    upsert(Catalogue(tmp_path), [draft], lambda title, abstract: ())
    [path] = (tmp_path / "papers").iterdir()
    paper, problems = parse_paper(path.read_bytes(), "p.md", path.stem)
    assert problems == [] and paper is not None
    assert (paper.title, paper.authors, paper.arxiv) == (draft.title, draft.authors, draft.arxiv)
