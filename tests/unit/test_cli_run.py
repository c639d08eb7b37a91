"""The ``site-gen`` entry point: the collector's setting for a build, then an immediate exit."""

from __future__ import annotations

import gc

import pytest

from site_gen import cli


def test_run_collects_young_objects_less_often_and_exits_with_the_status(monkeypatch: pytest.MonkeyPatch) -> None:
    saved = gc.get_threshold()
    seen: list[tuple[int, ...]] = []

    def fake_main() -> int:
        seen.append(gc.get_threshold())
        return 3

    def fake_exit(status: int) -> None:
        raise SystemExit(status)

    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    try:
        with pytest.raises(SystemExit) as exited:
            cli.run()
    finally:
        gc.set_threshold(*saved)
    assert exited.value.code == 3
    assert seen == [(cli.GC_YOUNG, *saved[1:])]
    assert cli.GC_YOUNG > saved[0]
