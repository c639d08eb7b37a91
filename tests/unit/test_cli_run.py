"""The ``site-gen`` entry point: the collector's setting for a build, then an immediate exit; a closed pipe."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from site_gen import cli
from tests.conftest import REPO, make_site, paper_text


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


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_a_reader_that_stops_reading_ends_the_output_quietly_not_the_tagging(tmp_path: Path, unbuffered: str) -> None:
    """``site-gen tags | head -1``: every paper is tagged, and no traceback; with PYTHONUNBUFFERED (as in many
    containers) each line is written as it is printed, else at the end."""
    root = make_site(tmp_path / "site", {f"paper-{i}.md": paper_text(f"Speech paper {i}", "About speech.")
                                         for i in range(5)})
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run([sys.executable, "-m", "site_gen.cli", "tags", "--root", str(root)], stdout=writer,
                                stderr=subprocess.PIPE, text=True, cwd=REPO, env=env, timeout=120)
    finally:
        os.close(writer)
    assert result.stderr == ""
    assert result.returncode == 128 + signal.SIGPIPE
    for path in sorted((root / "content" / "papers").glob("*.md")):
        assert "tags: [speech]" in path.read_text(encoding="utf-8"), path.name


def test_an_output_folder_that_cannot_be_made_is_named_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(tmp_path / "site", {"a-paper.md": paper_text()})
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    assert cli.main(["build", "--root", str(root), "--out", str(blocker / "site")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"site-gen build: {blocker / 'site'}") and "Not a directory" in err
    assert err.endswith("; the previous site is left as it was\n") and "Traceback" not in err
    with pytest.raises(NotADirectoryError):
        cli.main(["build", "--root", str(root), "--out", str(blocker / "site"), "--debug"])
    crafted = tmp_path / "a\x1b[2J\n::error::b"
    crafted.write_text("", encoding="utf-8")
    assert cli.main(["build", "--root", str(root), "--out", str(crafted / "site")]) == 1
    assert "a\\x1b[2J\\n::error::b" in capsys.readouterr().err  # shown, not acted on by the terminal


@pytest.mark.parametrize("year", ["225", "0", "10000", "twenty"])
def test_a_daily_year_a_paper_date_cannot_hold_is_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], year: str) -> None:
    """--year 225 (a typo for 2025) wrote dates such as 0225-03-11, which every build then refused."""
    root = make_site(tmp_path / "site")
    seed = REPO / "tests" / "fixtures" / "seed" / "daily-2025-03-11.txt"
    with pytest.raises(SystemExit) as exited:
        cli.main(["import", "--root", str(root), "daily", str(seed), "--year", year])
    assert exited.value.code == 2
    assert "argument --year: " in capsys.readouterr().err
    assert list((root / "content" / "papers").iterdir()) == []


def test_a_daily_paper_repeated_on_the_page_is_reported_as_repeated_with_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two papers of one title on a page: "1 created, 0 merged, 1 kept" and the second abstract lost, silently."""
    root = make_site(tmp_path / "site")
    page = tmp_path / "day.txt"
    page.write_text("Mar 12\n\nSame title\n\nFirst abstract.\n\nSame title\n\nSecond abstract.\n", encoding="utf-8")
    assert cli.main(["import", "--root", str(root), "daily", str(page), "--year", "2025"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{page}: 2 papers: 1 created, 0 merged, 0 kept, 1 repeated",
                                "  created: papers/same-title.md"]
    assert err.startswith(f"{page}:7: warning: 'Same title' repeats the paper of line 3 (papers/same-title.md) "
                          "with another abstract")


@pytest.mark.parametrize("verb", ["build", "serve"])
def test_help_names_the_environment_variables_that_set_the_urls(capsys: pytest.CaptureFixture[str], verb: str) -> None:
    """As the README's Configuration says: --base-url or BASE_URL, --site-url or SITE_URL."""
    with pytest.raises(SystemExit):
        cli.main([verb, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: $BASE_URL, else base_url in site.yaml)" in text
    assert "(default: $SITE_URL, else site_url in site.yaml)" in text


@pytest.mark.parametrize("argv", [["--root", "R", "--debug", "check"], ["check", "--root", "R", "--debug"],
                                  ["--root", "elsewhere", "check", "--root", "R", "--debug"]])
def test_root_and_debug_may_come_before_or_after_the_verb(argv: list[str]) -> None:
    args = cli.parser().parse_args(argv)
    assert (args.command, args.root, args.debug) == ("check", "R", True)


def test_root_and_debug_default_to_here_and_off() -> None:
    args = cli.parser().parse_args(["build"])
    assert (args.root, args.debug) == (".", False)
