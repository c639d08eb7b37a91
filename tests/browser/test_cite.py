"""A paper's BibTeX entry downloads as a file from its page, byte for byte the entry shown."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.test_math import MATH_PAPER

pytestmark = pytest.mark.browser


def test_the_bibtex_entry_downloads_as_shown(page: Page, rich_url: str, console: Any) -> None:
    page.goto(rich_url + MATH_PAPER)
    shown = page.locator("#bibtex").text_content()
    assert shown and shown.startswith("@")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download .bib").click()
    download = info.value
    assert download.suggested_filename == "fast-attention-in-subquadratic-time.bib"
    path = download.path()
    assert path is not None
    with open(path, encoding="utf-8", newline="") as file:
        assert file.read() == shown
    assert console.errors == []
