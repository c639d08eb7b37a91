"""Hostile files given to ``site-gen import``: a clear message or a clean import, never a traceback."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tests.hostile.support import CASES, site_build, site_gen, tree

FORMATS = ("daily", "hf-json", "arxiv", "bibtex")
LOLS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
FILES: dict[str, bytes] = {
    "random.bin": random.Random(5).randbytes(20_000),
    "empty.txt": b"",
    "latin1.txt": "Mar 11\n\nCaf\xe9 paper\n\nAbstract.\n".encode("latin-1"),
    "billion-laughs.xml": (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol1 "lol">{LOLS}]>'
                           '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol9;</title></entry></feed>'
                           ).encode(),
    "external-entity.xml": (b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                            b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1'
                            b'</id><title>&x;</title><summary>s</summary></entry></feed>'),
    "hostile.bib": (b"@article{k,\n title={<script>alert(1)</script> and {\\\"a}},\n"
                    b" author={Zhao, Shengkui and Ma, Yukun},\n url={javascript:alert(1)},\n"
                    b" doi={10.1000/\"><svg onload=alert(1)>},\n year={2024}}\n"),
    "hostile.json": (b'[{"paper": {"id": "../../etc/passwd", "title": "<script>alert(1)</script>", "summary": "s",'
                     b' "authors": [{"name": 42}, {"name": "Zhao, Shengkui"}]}}]'),
}
DEEP = {
    "deep.json": ("hf-json", b"[" * 100_000 + b"]" * 100_000),
    "deep.bib": ("bibtex", b"@article{k, title={" + b"{" * 50_000 + b"x" + b"}" * 50_000 + b"}}"),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(CASES / "accepted-bom-crlf", root, ignore=shutil.ignore_patterns("expected.txt"))
    return root


def import_file(project: Path, fmt: str, name: str, data: bytes):  # type: ignore[no-untyped-def]
    source = project.parent / name
    source.write_bytes(data)
    return site_gen("import", fmt, str(source), "--root", str(project), "--year", "2025", timeout=120)


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_file_is_imported_cleanly_or_refused_clearly(project: Path, fmt: str, name: str):
    result = import_file(project, fmt, name, FILES[name])
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1)
    if result.returncode == 1:
        assert result.stderr.strip(), "a refusal says why"
    for path in (project / "content" / "papers").glob("*.md"):
        assert "root:" not in path.read_text(encoding="utf-8"), "an external entity was read"
    build = site_build(project)
    assert build.returncode == 0, f"what the importer wrote must build:\n{build.stderr}"


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deeply_nested_input_is_refused_clearly(project: Path, name: str):
    fmt, data = DEEP[name]
    before = tree(project)
    result = import_file(project, fmt, name, data)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1 and "nested too deeply" in result.stderr
    assert f"is it really {'an' if fmt == 'hf-json' else 'a'} {fmt} file?" in result.stderr  # not "a hf-json"
    assert tree(project) == before


def test_an_import_creates_the_content_dir_site_yaml_names(tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "site.yaml").write_text("title: T\ncontent_dir: catalogue\n", encoding="utf-8")
    assert site_build(project).returncode == 1, "a build of a folder that is not there is refused"
    result = import_file(project, "daily", "day.txt", b"Mar 11\n\nA paper\n\nIts abstract.\n")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (project / "catalogue" / "papers").glob("*.md")] == ["a-paper.md"]
    assert site_build(project).returncode == 0


def test_imported_abstracts_show_their_text_in_the_built_page(tmp_path: Path):
    """Plain text that Markdown would read as markup (emphasis, code, a list, a heading) is shown
    as written on the paper page, in its description and in the search index; math is typeset."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "site.yaml").write_text("title: T\n", encoding="utf-8")
    abstract = "A* beats D* on ``grid'' and ``maze'' maps, for $x_1*y$ in __init__.\n\n1. We also # count."
    record = {"paper": {"id": "2503.00001", "title": "A paper", "summary": abstract, "publishedAt": "2025-03-11"}}
    result = import_file(project, "hf-json", "day.json", json.dumps([record]).encode())
    assert result.returncode == 0, result.stderr
    assert site_build(project).returncode == 0
    page = (project / "_site" / "papers" / "a-paper" / "index.html").read_text(encoding="utf-8")
    assert "<p>A* beats D* on ``grid'' and ``maze'' maps, for " in page
    assert '<span class="math inline">x_1*y</span> in __init__.</p>' in page
    assert "<p>1. We also # count.</p>" in page and "<em>" not in page and "<code>" not in page
    assert '<meta name="description" content="A* beats D* on ``grid&#39;&#39; and ``maze' in page


def test_a_bibtex_file_in_the_encoding_its_jabref_line_names_is_read_in_it(project: Path):
    """JabRef writes ``% Encoding: ISO8859_1`` at the top of a file it saved in Latin-1; another
    file that is not UTF-8, or not what its line names, is refused at its line."""
    latin = ("% Encoding: ISO8859_1\n\n@article{m2020,\n  author = {M\xfcller, J\xfcrgen},\n"
             "  title = {\xc9tude of caf\xe9s},\n  year = {2020},\n}\n").encode("latin-1")
    result = import_file(project, "bibtex", "latin.bib", latin)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    text = (project / "content" / "papers" / "etude-of-cafes.md").read_text(encoding="utf-8")
    assert 'title: "Étude of cafés"' in text and 'authors: ["Jürgen Müller"]' in text
    before = tree(project)
    for name, data, message in [
        ("undeclared.bib", latin.replace(b"% Encoding: ISO8859_1\n", b""), ":3: not valid UTF-8: byte 0xfc"),
        ("unknown.bib", latin.replace(b"ISO8859_1", b"KLINGON"), ":1: the file is neither UTF-8 nor KLINGON"),
        ("daily.txt", b"% Encoding: ISO8859_1\nMar 11\n\nCaf\xe9\n\nx\n", ":4: not valid UTF-8"),
    ]:
        result = import_file(project, "daily" if name.endswith(".txt") else "bibtex", name, data)
        assert result.returncode == 1 and message in result.stderr, result.stderr
    assert tree(project) == before
