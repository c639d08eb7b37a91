"""The benchmark's report: what it says beside the medians."""

from __future__ import annotations

from bench import report


def _size(mine: list[float], peer: list[float] | None) -> dict:
    def runs(walls: list[float]) -> dict:
        return {"runs": [{"wall_s": w, "status": 0} for w in walls] + [{"wall_s": 0.1, "status": 1}]}

    return {"n": 10_000, "site_gen": runs(mine), "hugo": runs(peer) if peer is not None else None}


def test_each_round_is_listed_in_order_with_the_fastest_of_each():
    line = report._rounds_line(_size([4.53, 4.5, 4.63], [3.02, 3.88, 5.99]))
    assert line == ("- N=10,000: site-gen 4.53, 4.50, 4.63 s; Hugo 3.02, 3.88, 5.99 s; "
                    "fastest 4.50 / 3.02 s = 1.49")


def test_without_hugo_only_site_gen_rounds_are_listed():
    assert report._rounds_line(_size([1.25, 1.5], None)) == "- N=10,000: site-gen 1.25, 1.50 s"
