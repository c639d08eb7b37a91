import json
import re
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from markupsafe import escape

from site_gen.config import SiteConfig
from site_gen.model import Paper
from site_gen.scholar import (
    canonical_url,
    escape_each,
    highwire_meta,
    json_ld_paper,
    json_ld_site,
    open_graph,
    paper_head,
    script_json,
    twitter_card,
)

CONFIG = SiteConfig(
    root=Path("."),
    title="Daily ML Papers",
    description="Papers & notes",
    site_url="https://example.github.io/cat/",
    base_url="/cat/",
)
NO_SITE_URL = SiteConfig(root=Path("."), title="Daily ML Papers", base_url="/cat/")
TAGS = {"speech": "Speech", "speech-separation": "Speech separation"}

MOSSFORMER = Paper(
    slug="mossformer2",
    title="MossFormer2: *Combining* Transformer and $O(n^2)$ Networks",
    abstract_md="Our previously proposed **MossFormer** works on [WSJ0-2mix](https://x.y). Second.",
    path="content/papers/mossformer2.md",
    date="2025-03-11",
    tags=("speech", "speech-separation"),
    authors=("Shengkui Zhao", "Yukun Ma"),
    arxiv="2312.11825",
    doi="10.1000/xyz",
    venue="Proceedings of ICASSP 2024",
    url="https://example.org/moss",
    extra=(("pages", "12--19"), ("volume", "3"), ("number", "4")),
)
PAYLOAD = "</script><script>alert(1)</script> <!-- x \u2028 y \u2029 ]]> & 'q' \"d\""


def values(meta, name):
    return [v for k, v in meta if k == name]


def test_highwire_tags_carry_what_google_scholar_reads():
    meta = highwire_meta(MOSSFORMER, CONFIG, TAGS)
    assert meta[0] == ("citation_title", "MossFormer2: Combining Transformer and O(n^2) Networks")
    assert values(meta, "citation_author") == ["Shengkui Zhao", "Yukun Ma"]
    assert values(meta, "citation_publication_date") == ["2025/03/11"]
    assert values(meta, "citation_online_date") == ["2025/03/11"]
    assert values(meta, "citation_conference_title") == ["Proceedings of ICASSP 2024"]
    assert values(meta, "citation_journal_title") == []
    assert values(meta, "citation_doi") == ["10.1000/xyz"]
    assert values(meta, "citation_arxiv_id") == ["2312.11825"]
    assert values(meta, "citation_pdf_url") == ["https://arxiv.org/pdf/2312.11825"]
    assert values(meta, "citation_abstract_html_url") == [
        "https://example.github.io/cat/papers/mossformer2/"
    ]
    assert values(meta, "citation_keywords") == ["Speech; Speech separation"]
    assert values(meta, "citation_firstpage") == ["12"] and values(meta, "citation_lastpage") == [
        "19"
    ]
    assert values(meta, "citation_volume") == ["3"] and values(meta, "citation_issue") == ["4"]
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta)


@pytest.mark.parametrize(
    ("keys", "published", "online"),
    [
        ({"date": "2024-07"}, "2024", "2024"),
        ({"date": "2023"}, "2023", "2023"),
        ({"extra": (("year", 2021), ("month", 5))}, "2021", None),
        ({}, None, None),
    ],
)
def test_scholar_dates_are_a_full_day_or_a_year(keys, published, online):
    paper = Paper(slug="p", title="P", abstract_md="", path="p.md", **keys)
    meta = highwire_meta(paper, CONFIG)
    assert values(meta, "citation_publication_date") == ([published] if published else [])
    assert values(meta, "citation_online_date") == ([online] if online else [])
    for name in ("citation_publication_date", "citation_online_date"):
        assert all(re.fullmatch(r"\d{4}(/\d{2}/\d{2})?", v) for v in values(meta, name))


def test_a_journal_venue_and_an_own_pdf():
    paper = Paper(
        slug="p",
        title="P",
        abstract_md="",
        path="p.md",
        venue="Journal of Machine Learning Research",
        pdf="https://jmlr.org/p.pdf",
        arxiv="2401.00001",
    )
    meta = highwire_meta(paper, CONFIG)
    assert values(meta, "citation_journal_title") == ["Journal of Machine Learning Research"]
    assert values(meta, "citation_pdf_url") == ["https://jmlr.org/p.pdf"]


def test_a_page_without_an_abstract_is_not_named_as_the_abstract_page():
    assert values(highwire_meta(replace(MOSSFORMER, abstract_md=""), CONFIG), "citation_abstract_html_url") == []


def test_without_site_url_fields_that_must_be_absolute_are_left_out():
    assert canonical_url(MOSSFORMER, NO_SITE_URL) is None
    assert values(highwire_meta(MOSSFORMER, NO_SITE_URL), "citation_abstract_html_url") == []
    assert values(open_graph(MOSSFORMER, NO_SITE_URL), "og:url") == []
    article = json.loads(json_ld_paper(MOSSFORMER, NO_SITE_URL))
    assert article["url"] == "/cat/papers/mossformer2/"
    assert article["isPartOf"]["url"] == "/cat/"
    site = json.loads(json_ld_site(NO_SITE_URL))
    assert site["potentialAction"]["target"]["urlTemplate"] == "/cat/search/?q={search_term_string}"


def test_json_ld_scholarly_article():
    article = json.loads(json_ld_paper(MOSSFORMER, CONFIG, TAGS))
    assert article["@context"] == "https://schema.org" and article["@type"] == "ScholarlyArticle"
    assert (
        article["headline"]
        == article["name"]
        == "MossFormer2: Combining Transformer and O(n^2) Networks"
    )
    assert article["author"] == [
        {"@type": "Person", "name": "Shengkui Zhao"},
        {"@type": "Person", "name": "Yukun Ma"},
    ]
    assert article["datePublished"] == "2025-03-11"
    assert article["description"] == "Our previously proposed MossFormer works on WSJ0-2mix. Second."
    assert "abstract" not in article  # the page's body has it: the head gives the description
    assert article["url"] == "https://example.github.io/cat/papers/mossformer2/"
    assert article["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "arXiv", "value": "2312.11825"},
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/xyz"},
    ]
    assert article["sameAs"] == [
        "https://arxiv.org/abs/2312.11825",
        "https://doi.org/10.1000/xyz",
        "https://example.org/moss",
    ]
    assert article["keywords"] == ["Speech", "Speech separation"]
    assert article["isPartOf"] == {
        "@type": "WebSite",
        "name": "Daily ML Papers",
        "url": "https://example.github.io/cat/",
    }


def test_links_made_of_ids_are_percent_encoded_as_the_page_links_are():
    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
    article = json.loads(json_ld_paper(replace(MOSSFORMER, doi=sici, arxiv="hep-th/9901001#x", url=None), CONFIG))
    assert article["sameAs"] == [
        "https://arxiv.org/abs/hep-th/9901001%23x",
        "https://doi.org/10.1002/%28SICI%291097-4571%28199806%2949%3A8%3C693%3A%3AAID-ASI4%3E3.0.CO%3B2-0",
    ]
    assert values(highwire_meta(replace(MOSSFORMER, pdf=None, arxiv="a b"), CONFIG), "citation_pdf_url") == [
        "https://arxiv.org/pdf/a%20b"]


def test_json_ld_of_a_bare_paper_has_no_empty_fields():
    article = json.loads(
        json_ld_paper(Paper(slug="p", title="P", abstract_md="", path="p.md"), CONFIG)
    )
    assert set(article) == {
        "@context",
        "@type",
        "headline",
        "name",
        "url",
        "inLanguage",
        "isPartOf",
    }


def test_json_ld_website_with_search_action():
    site = json.loads(json_ld_site(CONFIG))
    assert site["@type"] == "WebSite" and site["url"] == "https://example.github.io/cat/"
    assert site["name"] == "Daily ML Papers" and site["description"] == "Papers & notes"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert (
        action["target"]["urlTemplate"]
        == "https://example.github.io/cat/search/?q={search_term_string}"
    )
    assert action["query-input"] == "required name=search_term_string"


def hostile_paper() -> Paper:
    return Paper(
        slug="p",
        title=PAYLOAD,
        abstract_md=PAYLOAD,
        path="p.md",
        date="2025-01-02",
        tags=("t",),
        authors=(PAYLOAD,),
        arxiv="2401.00001",
        doi="10.1/" + PAYLOAD,
        venue=PAYLOAD,
        url="https://e.org/?a=</script>",
        extra=(("publisher", PAYLOAD),),
    )


def test_json_ld_cannot_break_out_of_its_script_element():
    config = SiteConfig(
        root=Path("."), title=PAYLOAD, description=PAYLOAD, site_url="https://e.org/"
    )
    for text in (json_ld_paper(hostile_paper(), config, {"t": PAYLOAD}), json_ld_site(config)):
        for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
            assert unsafe not in text
        page = f'<script type="application/ld+json">{text}</script>'
        assert page.lower().count("</script") == 1 and "<!--" not in page
        data = json.loads(text)
        strings = list(_strings(data))
        assert any(
            PAYLOAD.replace("\u2028", " ").replace("\u2029", " ").split()[0] in s for s in strings
        )
    article = json.loads(json_ld_paper(hostile_paper(), config, {"t": PAYLOAD}))
    assert article["author"][0]["name"] == " ".join(PAYLOAD.split())
    assert article["identifier"][1]["value"] == "10.1/" + PAYLOAD


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def test_script_json_is_compact_and_round_trips():
    data = {"a": ["<b>", "&", "\u2028", "é", "</script>"], "n": 1}
    text = script_json(data)
    assert text == (
        '{"a":["\\u003cb\\u003e","\\u0026","\\u2028","\\u00e9","\\u003c/script\\u003e"],"n":1}'
    )
    assert text.isascii() and json.loads(text) == data


def test_meta_values_are_escaped_by_the_template():
    env = jinja2.Environment(autoescape=True)
    template = env.from_string(
        '{% for k, v in meta %}<meta name="{{ k }}" content="{{ v }}">{% endfor %}'
    )
    html = template.render(
        meta=highwire_meta(hostile_paper(), CONFIG) + open_graph(hostile_paper(), CONFIG)
    )
    assert "<script" not in html and "<!--" not in html
    assert html.count("<meta ") == html.count(">")


def test_head_html_escapes_each_value_as_markupsafe_does():
    head = paper_head(hostile_paper(), CONFIG)
    html = str(head.html())
    for attr, pairs in (("name", head.highwire), ("property", head.open_graph), ("name", head.twitter)):
        for key, value in pairs:
            assert f'<meta {attr}="{key}" content="{escape(value)}">\n' in html
    assert html.count("<meta ") == len(head.highwire) + len(head.open_graph) + len(head.twitter)


@pytest.mark.parametrize("values", [[], [""], ["a", "", "<b>&\"'"], ["NUL\x00inside", "x<y"], ["\x00", "\x00\x00"]])
def test_escape_each_is_escape_of_each(values):
    assert escape_each(values) == [str(escape(v)) for v in values]


def test_open_graph_and_twitter_card():
    meta = open_graph(MOSSFORMER, CONFIG, TAGS)
    assert meta[:2] == [
        ("og:type", "article"),
        ("og:title", "MossFormer2: Combining Transformer and O(n^2) Networks"),
    ]
    assert values(meta, "og:description") == [
        "Our previously proposed MossFormer works on WSJ0-2mix. Second."
    ]
    assert values(meta, "og:url") == ["https://example.github.io/cat/papers/mossformer2/"]
    assert values(meta, "og:site_name") == ["Daily ML Papers"]
    assert values(meta, "article:published_time") == ["2025-03-11"]
    assert values(meta, "article:author") == ["Shengkui Zhao", "Yukun Ma"]
    assert values(meta, "article:tag") == ["Speech", "Speech separation"]
    card = twitter_card(MOSSFORMER, CONFIG)
    assert card == [("twitter:card", "summary")]  # X reads the title and description from og:


def test_long_abstracts_are_cut_for_previews():
    paper = Paper(slug="p", title="P", abstract_md="word " * 200, path="p.md")
    (description,) = values(open_graph(paper, CONFIG), "og:description")
    assert len(description) <= 201 and description.endswith("…")
    assert json.loads(json_ld_paper(paper, CONFIG))["description"] == description


def test_tags_without_names_read_as_words():
    paper = Paper(slug="p", title="P", abstract_md="", path="p.md", tags=("speech-separation",))
    assert values(highwire_meta(paper, CONFIG), "citation_keywords") == ["Speech separation"]


def test_paper_head_gathers_every_part():
    head = paper_head(MOSSFORMER, CONFIG, TAGS)
    assert head.canonical == "https://example.github.io/cat/papers/mossformer2/"
    assert head.highwire == highwire_meta(MOSSFORMER, CONFIG, TAGS)
    assert head.open_graph == open_graph(MOSSFORMER, CONFIG, TAGS)
    assert head.twitter == twitter_card(MOSSFORMER, CONFIG)
    assert head.json_ld == json_ld_paper(MOSSFORMER, CONFIG, TAGS)
    given = paper_head(MOSSFORMER, CONFIG, TAGS, abstract_text="Already plain.")
    assert json.loads(given.json_ld)["description"] == "Already plain."
    assert values(given.open_graph, "og:description") == ["Already plain."]
    assert paper_head(MOSSFORMER, NO_SITE_URL).canonical is None
