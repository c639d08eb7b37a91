import pytest

from site_gen.model import Paper
from site_gen.site import home_url, paginate

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
