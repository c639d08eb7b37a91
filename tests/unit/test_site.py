from pathlib import Path

import pytest

from site_gen.config import SiteConfig
from site_gen.model import Paper, Tag
from site_gen.site import assemble, home_url, paginate

PAPERS = [Paper(slug=f"p{n}", title=f"P{n}", abstract_md="", path=f"p{n}.md") for n in range(100)]


def numbers(page: int, pages: int) -> list[int]:
    listing = list(paginate(PAPERS[:pages], 1, home_url, "T"))[page - 1]
    return [number for number, _ in listing.numbered()]


@pytest.mark.parametrize(
    ("page", "pages", "expected"),
    [
        (1, 2, [1, 2]),
        (1, 7, [1, 2, 3, 0, 7]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),  # a gap of one page shows that page
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        (50, 100, [1, 0, 48, 49, 50, 51, 52, 0, 100]),
        (100, 100, [1, 0, 98, 99, 100]),
    ],
)
def test_pagination_numbers_the_first_last_and_nearby_pages(page, pages, expected):
    assert numbers(page, pages) == expected


def test_numbered_pages_link_where_the_pages_are():
    listing = list(paginate(PAPERS[:24], 2, home_url, "T"))[3]
    links = dict(listing.numbered())
    assert links[1] == "" and links[4] == listing.url == "page/4/" and links[12] == "page/12/"
    assert links[0] is None and listing.prev_url == "page/3/" and listing.next_url == "page/5/"


def test_a_tag_missing_from_tags_yaml_is_one_problem_that_counts_the_papers_naming_it():
    papers = [Paper(slug=f"q{n}", title=f"Q{n}", abstract_md="", path=f"q{n}.md", date=f"2024-01-0{n + 1}",
                    tags=("renamed",) if n else ("renamed", "solo"), tags_line=3) for n in range(3)]
    _, problems = assemble(SiteConfig(root=Path(".")), papers, (Tag(slug="kept", name="Kept"),))
    assert [(p.path, p.message) for p in problems] == [
        ("q2.md", "tag 'renamed' is not defined in tags.yaml (2 other papers name it too)"),
        ("q0.md", "tag 'solo' is not defined in tags.yaml"),
    ]
