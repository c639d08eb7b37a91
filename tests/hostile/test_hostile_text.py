"""Plain text from hostile Markdown: bounded time on long runs of link punctuation."""

from __future__ import annotations

import time

import pytest

from site_gen.textutil import plain_text

MB = 1_000_000


def test_links_become_their_text():
    assert plain_text("See [the code](https://x.org/a_(b)) and ![a figure](f.png \"t\").") == \
        "See the code and a figure."


@pytest.mark.parametrize("text", [
    "[" * (5 * MB) + "](x",
    "](" * (MB // 2),
    "[a" * MB + "](",
    "[x](" * MB,
    "[" + "a" * MB + "](" + "(a" * 100_000,
], ids=["open-brackets", "close-open", "bracket-letter", "unclosed-links", "nested-parens"])
def test_link_punctuation_runs_stay_linear(text):
    started = time.perf_counter()
    plain_text(text)
    assert time.perf_counter() - started < 5
