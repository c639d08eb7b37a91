"""site.yaml: problems reported as diagnostics, never as a traceback or an empty site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_gen import config
from site_gen.cli import main
from site_gen.errors import BuildFailed
from tests.conftest import REPO, make_site, paper_text


def problems(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as err:
        config.load(root)
    return [str(d) for d in err.value.diagnostics]


def test_a_site_yaml_that_cannot_be_read_is_a_diagnostic(tmp_path: Path):
    (tmp_path / "site.yaml").mkdir()
    assert problems(tmp_path) == ["site.yaml: cannot read: Is a directory"]


@pytest.mark.parametrize("key", ["content_dir", "theme_dir"])
def test_a_folder_setting_that_names_no_folder_is_an_error_at_its_line(tmp_path: Path, key: str):
    (tmp_path / "site.yaml").write_text(f"title: T\n{key}: contnet\n", encoding="utf-8")
    assert problems(tmp_path) == [f"site.yaml:2: '{key}' is not a folder: 'contnet' (create it, or correct "
                                  "the path, which is relative to site.yaml's folder)"]


def test_folder_settings_that_name_folders_pass(tmp_path: Path):
    (tmp_path / "papers-here").mkdir()
    (tmp_path / "overrides").mkdir()
    (tmp_path / "site.yaml").write_text("content_dir: papers-here\ntheme_dir: overrides\n", encoding="utf-8")
    loaded = config.load(tmp_path)
    assert (loaded.content_dir, loaded.theme_dir) == ("papers-here", "overrides")
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")  # the defaults need no folder
    assert config.load(tmp_path).content_dir == "content"


def test_a_theme_in_neither_themes_folder_is_an_error_at_its_line(tmp_path: Path):
    (tmp_path / "site.yaml").write_text("title: T\n\ntheme: nope\npage_size: 0\n", encoding="utf-8")
    assert problems(tmp_path) == ["site.yaml:3: theme 'nope' not found in themes/",
                                  "site.yaml:4: 'page_size' must be between 1 and 1000, not 0"]


@pytest.mark.parametrize("command", ["check", "build"])
def test_check_and_build_report_a_missing_theme_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            command: str) -> None:
    root = make_site(tmp_path / "site", {"paper.md": paper_text()}, config="title: T\ntheme: nope\n")
    assert main([command, "--root", str(root)]) == 1
    written = "" if command == "check" else "; nothing was written"
    assert capsys.readouterr().err.splitlines() == ["site.yaml:2: theme 'nope' not found in themes/",
                                                    f"site-gen {command}: 1 problem{written}"]


def test_a_theme_of_the_project_or_of_the_generator_passes(tmp_path: Path):
    (tmp_path / "themes" / "mine").mkdir(parents=True)
    (tmp_path / "site.yaml").write_text("theme: mine\n", encoding="utf-8")
    assert config.load(tmp_path).theme == "mine"
    (tmp_path / "site.yaml").write_text("theme: default\n", encoding="utf-8")
    assert config.load(tmp_path).theme == "default"


@pytest.mark.parametrize("command", [["build"], ["check"], ["tags"], ["serve", "--port", "0"]])
def test_a_folder_that_is_not_a_catalogue_is_an_error_not_an_empty_site(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    """site-gen run in the wrong folder (content/, or the parent of the clone)."""
    (tmp_path / "papers").mkdir()
    assert main([*command, "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"{tmp_path}: not a catalogue: no site.yaml and no content/ folder here "
                      "(run site-gen in the catalogue's folder, or name it with --root)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers"]


def test_an_import_outside_a_catalogue_is_refused_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """site-gen import run in docs/ wrote docs/content/papers/; a new catalogue starts with its site.yaml."""
    source = REPO / "tests" / "fixtures" / "samples" / "arxiv_atom_classic_2entries.xml"
    folder = tmp_path / "docs"
    folder.mkdir()
    assert main(["import", "--root", str(folder), "arxiv", str(source)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{folder}: not a catalogue: no site.yaml and no content/ folder here (run site-gen in the "
                   "catalogue's folder, or name it with --root; to start a new catalogue here, write its "
                   "site.yaml first)", "site-gen import: 1 problem; nothing was written"]
    assert list(folder.iterdir()) == []
    (folder / "site.yaml").write_text("title: T\n", encoding="utf-8")
    assert main(["import", "--root", str(folder), "arxiv", str(source)]) == 0
    assert len(list((folder / "content" / "papers").glob("*.md"))) == 2


def test_a_catalogue_needs_only_one_of_site_yaml_and_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "content").mkdir()
    assert main(["check", "--root", str(tmp_path)]) == 0
    (tmp_path / "content").rmdir()
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == ["0 papers, 0 tags: no errors"] * 2


def test_a_missing_tag_names_the_tags_file_of_content_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    root = make_site(tmp_path / "site", {"paper.md": paper_text(tags="[speech, nope]")})
    (root / "content").rename(root / "reading")
    (root / "site.yaml").write_text("title: T\ncontent_dir: reading\n", encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "reading/papers/paper.md:3: warning: tag 'nope' is not defined in tags.yaml (add it to reading/tags.yaml)"]


def test_the_readme_documents_every_setting_with_its_default() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration (`site.yaml`)", 1)[1].split("\n## ", 1)[0]
    rows = {m[1]: m[2] or "" for m in re.finditer(r"^\| `(\w+)` \| *(`[^`]*`)? *\|", section, re.M)}
    expected = {key: f"`{str(field.default).lower() if isinstance(field.default, bool) else field.default}`"
                if field.default != "" else "" for key, field in config.FIELDS.items()}
    assert rows == expected


@pytest.mark.parametrize("line, expected", [
    # Absolute URLs add a path to site_url: https://example.org/cat?x=1/feed.xml is no feed.
    ("site_url: https://example.org/cat?x=1",
     "'site_url' must not have a query (?) or a fragment (#) (write https://example.org/cat)"),
    ("site_url: https://example.org/cat/#top",
     "'site_url' must not have a query (?) or a fragment (#) (write https://example.org/cat/)"),
    ("site_url: https://example.org/?",
     "'site_url' must not have a query (?) or a fragment (#) (write https://example.org/)"),
    ("site_url: https://me:secret@example.org/",
     "'site_url' must not hold a user name or password: every page would publish them"),
    ("site_url: https://example.org:99999/", "'site_url' has a port that is not a number from 0 to 65535"),
    # A type is named as YAML wrote it, never as a Python class.
    ("feed_size: 1.5", "'feed_size' must be a whole number, not 1.5"),
    ("page_size: 20.0", "'page_size' must be a whole number, not 20.0"),
    ("description: 2.5", "'description' must be a string, not a number (put the value in quotes)"),
    ("author_pages: yes", "'author_pages' must be a whole number, not a boolean"),
    # HTML's lang takes a language tag, whose language has two or three letters.
    ("language: english", "'language' must be a language tag such as en or pt-BR, not 'english'"),
    ("language: Deutsch", "'language' must be a language tag such as en or pt-BR, not 'Deutsch'"),
    ("language: en_US", "'language' must be a language tag such as en or pt-BR, not 'en_US'"),
    # A browser drops a tab from a link, and a line or bidi control would garble it.
    ('base_url: "/a\\tb/"', "'base_url' must be a path such as / or /my-repo/, not '/a\\tb/'"),
    ('base_url: "/a\\u2028b/"', "'base_url' must be a path such as / or /my-repo/, not '/a\\u2028b/'"),
    ('base_url: "/a\\u202eb/"', "'base_url' must be a path such as / or /my-repo/, not '/a\\u202eb/'"),
])
def test_a_bad_setting_is_an_error_at_its_line(tmp_path: Path, line: str, expected: str):
    (tmp_path / "site.yaml").write_text(f"title: T\n{line}\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    assert problems(tmp_path) == [f"site.yaml:2: {expected}"]


def test_a_site_url_with_a_port_is_kept(tmp_path: Path):
    (tmp_path / "site.yaml").write_text("title: T\nsite_url: https://example.org:8443/cat\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    assert config.load(tmp_path).site_url == "https://example.org:8443/cat/"


@pytest.mark.parametrize("value", ["en", "pt-BR", "zh-Hant-TW", "yue", "de-CH-1996"])
def test_language_tags_pass(tmp_path: Path, value: str):
    (tmp_path / "site.yaml").write_text(f"language: {value}\n", encoding="utf-8")
    assert config.load(tmp_path).language == value
