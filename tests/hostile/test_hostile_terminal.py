"""Names and values from the project reach the terminal (and a CI log) only as text: an escape
sequence in a file name must not drive the terminal, nor a line end in it start a line of its own
(``::error::`` is a GitHub Actions command)."""

from __future__ import annotations

from pathlib import Path

from site_gen.serve import describe
from site_gen.watch import Change, Kind
from tests.conftest import make_site, paper_text
from tests.hostile.support import site_build

NAME = "a\x1b]0;PWNED\x07\x1b[2J\n::error::b\u202egpj.md"
SHOWN = "a\\x1b]0;PWNED\\x07\\x1b[2J\\n::error::b\\u202egpj.md"


def test_build_errors_show_control_characters_escaped(tmp_path: Path):
    root = make_site(tmp_path / "site", {
        NAME: paper_text("A paper"),
        "bad-key.md": paper_text("Another", **{'"k\\e[31m\\u2066"': "1"}),
    })
    result = site_build(root)
    assert result.returncode == 1
    assert not {"\x1b", "\x07", "\u202e", "\u2066"} & set(result.stderr)
    lines = result.stderr.splitlines()
    assert all(line.startswith(("content/papers/", "site-gen build:")) for line in lines), lines
    assert any(line.startswith(f"content/papers/{SHOWN}:1: ") for line in lines), lines
    assert any("k\\x1b[31m\\u2066" in line for line in lines if line.startswith("content/papers/bad-key.md")), lines


def test_the_preview_names_changed_files_escaped(tmp_path: Path):
    changed = describe([Change(Kind.PAPER, tmp_path / "content" / "papers" / NAME)], tmp_path)
    assert changed == f"content/papers/{SHOWN} changed"
