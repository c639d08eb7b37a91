"""Plain text from hostile Markdown: bounded time on long runs of link punctuation."""

from __future__ import annotations

import time

import pytest

from site_gen.textutil import plain_text

MB = 1_000_000
ROUNDS = 3


def test_links_become_their_text():
    assert plain_text("See [the code](https://x.org/a_(b)) and ![a figure](f.png \"t\").") == \
        "See the code and a figure."


def fastest(text: str) -> float:
    """The least time of one uncached ``plain_text`` call on ``text``."""
    uncached = plain_text.__wrapped__  # type: ignore[attr-defined]
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        uncached(text)
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("text", [
    "[" * (5 * MB) + "](x",
    "](" * (MB // 2),
    "[a" * MB + "](",
    "[x](" * MB,
    "[" + "a" * MB + "](" + "(a" * 100_000,
], ids=["open-brackets", "close-open", "bracket-letter", "unclosed-links", "nested-parens"])
@pytest.mark.usefixtures("hang_guard")
def test_link_punctuation_runs_stay_linear(text):
    """As fast as ordinary prose with links of the same length, give or take a small factor: a
    pattern that backtracks over the run would take hours on these megabytes, not a few times
    longer. Measured against that prose in the same moment, so a busy machine slows both."""
    prose = ("See [the code](https://x.org) and " * (len(text) // 34 + 1))[:len(text)]
    assert fastest(text) < 5 * fastest(prose) + 0.1
