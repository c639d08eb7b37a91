import os
from pathlib import Path

import pytest

from site_gen.content import load_papers, parse_paper


def parse(text: str, slug: str = "a-paper"):
    return parse_paper(text.encode(), f"content/papers/{slug}.md", slug)


def messages(text: str, slug: str = "a-paper") -> list[str]:
    paper, problems = parse(text, slug)
    assert paper is None
    return [str(d) for d in problems]


def test_valid_paper():
    paper, problems = parse('---\ntitle: "T"\ndate: 2025-03-11\ntags: [speech]\nauthors: [A B]\n'
                            'arxiv: "2312.11825"\nurl: https://x.org/\n---\nBody *md*\n')
    assert problems == []
    assert paper.title == "T" and paper.date == "2025-03-11" and paper.tags == ("speech",)
    assert paper.arxiv == "2312.11825" and paper.abstract_md == "Body *md*" and paper.body_line == 9


P = "content/papers/a-paper.md"


@pytest.mark.parametrize("front, expected", [
    ('tgas: [x]', f"{P}:3: unknown key 'tgas' (did you mean 'tags'?)"),
    ("tags: speech", f"{P}:3: 'tags' must be a list, not a string (write [speech])"),
    ("authors: 42", f"{P}:3: 'authors' must be a list of strings, not a number"),
    ("date: 2025-02-30", f"{P}:3: 'date' is not a real date: 2025-02-30 (day is out of range for month)"),
    ("date: March", f"{P}:3: 'date' must be a date YYYY-MM-DD, YYYY-MM or YYYY, not 'March'"),
    ("date: 2024-03-11T23:30:00-05:00", f"{P}:3: 'date' must be a date YYYY-MM-DD, YYYY-MM or YYYY, not "
                                        "'2024-03-11T23:30:00-05:00' (a paper is listed by its day, without a "
                                        "time: write date: 2024-03-11)"),
    ("date: 2024-03-11 10:00:00 +0200", f"{P}:3: 'date' must be a date YYYY-MM-DD, YYYY-MM or YYYY, not "
                                        "'2024-03-11 10:00:00 +0200' (a paper is listed by its day, without a "
                                        "time: write date: 2024-03-11)"),
    ("arxiv: 2312.11820", f"{P}:3: 'arxiv' must be a quoted string, not the number 2312.1182 "
                          '(YAML reads 2312.11820 as a number: write "2312.11820")'),
    ("arxiv: 2401.10010", f"{P}:3: 'arxiv' must be a quoted string, not the number 2401.1001 "
                          '(YAML reads 2401.10010 as a number: write "2401.10010")'),
    ("doi: 10.1000  # the prefix", f"{P}:3: 'doi' must be a quoted string, not the number 10.1 "
                                   '(YAML reads 10.1000 as a number: write "10.1000")'),
    ("url: javascript:alert(1)", f"{P}:3: 'url' has the scheme 'javascript'; only http and https URLs are allowed"),
    ("pdf: data:text/html,x", f"{P}:3: 'pdf' has the scheme 'data'; only http and https URLs are allowed"),
    ("tags: [../evil]", f"{P}:3: tag '../evil' is not a valid tag slug (use 'evil')"),
    ("tags: [no, on]", f"{P}:3: 'tags' item 1 must be a string, not a boolean "
                       "(YAML reads yes, no, on, off, true and false as booleans: put the value in quotes)"),
    ("venue: Yes", f"{P}:3: 'venue' must be a string, not a boolean "
                   "(YAML reads yes, no, on, off, true and false as booleans: put the value in quotes)"),
    ("venue: 1.5", f"{P}:3: 'venue' must be a string, not a number (put the value in quotes)"),
    ("month: 3.50", f"{P}:3: 'month' must be a whole number, not 3.50"),
    ("month: 13", f"{P}:3: 'month' must be between 1 and 12, not 13"),
    ("year: 999", f"{P}:3: 'year' must be between 1000 and 9999, not 999"),
    ('date: "0999-12-31"', f"{P}:3: 'date' is not a plausible year: 0999-12-31"),
    ("tags: [speech, moe, speech]", f"{P}:3: tag 'speech' is listed 2 times (list each tag once)"),
    ("tags: [moe, moe, moe]", f"{P}:3: tag 'moe' is listed 3 times (list each tag once)"),
])
def test_front_matter_errors_point_at_the_key(front, expected):
    assert messages(f'---\ntitle: "T"\n{front}\n---\nBody\n') == [expected]


def test_the_ends_of_a_range_are_allowed():
    paper, problems = parse('---\ntitle: "T"\nyear: 1000\nmonth: 12\n---\n')
    assert problems == [] and paper.date == "1000-12"
    paper, problems = parse('---\ntitle: "T"\nyear: 9999\nmonth: 1\n---\n')
    assert problems == [] and paper.date == "9999-01"

def test_missing_and_empty_title():
    assert messages("---\ndate: 2025-01-01\n---\n") == [f"{P}:2: missing required key 'title'"]
    assert messages('---\ntitle: ""\n---\n') == [f"{P}:2: 'title' must not be empty"]


def test_all_problems_at_once():
    assert len(messages('---\ntitle: ""\ntgas: []\ndate: 99\nurl: ftp://x\n---\n')) == 4


def test_file_name_must_be_a_slug():
    assert messages('---\ntitle: "T"\n---\n', slug="Bad Name")[0].startswith(
        "content/papers/Bad Name.md:1: file name 'Bad Name.md' is not a valid slug")


def test_duplicates_name_both_files(tmp_path: Path):
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a.md").write_text('---\ntitle: A\narxiv: "1"\n---\n')
    (papers / "b.md").write_text('---\ntitle: B\narxiv: "1"\n---\n')
    result = load_papers(tmp_path / "content", tmp_path)
    assert [str(d) for d in result.diagnostics] == [
        "content/papers/b.md:3: warning: same arXiv id '1' as content/papers/a.md (merge the two files or remove one)"]


def test_duplicate_ids_point_at_their_keys_also_when_cached(tmp_path: Path):
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a.md").write_text('---\ntitle: A\ndoi: 10.1/X\narxiv: "1"\n---\n')
    (papers / "b.md").write_text('---\ntitle: B\ndate: 2024-01-01\ntags: []\narxiv: "1"\n'
                                 'doi: 10.1/x\n---\ndoi: not a key\n')
    first = load_papers(tmp_path / "content", tmp_path)
    cached = load_papers(tmp_path / "content", tmp_path, cache=first.cache)  # no file parsed again
    expected = ["content/papers/b.md:5: warning: same arXiv id '1' as content/papers/a.md",
                "content/papers/b.md:6: warning: same DOI '10.1/x' as content/papers/a.md"]
    for result in (first, cached):
        assert [str(d).split(" (")[0] for d in result.diagnostics] == expected


def test_symlink_outside_content_is_not_followed(tmp_path: Path):
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    secret = tmp_path / "secret.md"
    secret.write_text('---\ntitle: Secret\n---\n')
    (papers / "link.md").symlink_to(secret)
    result = load_papers(tmp_path / "content", tmp_path)
    assert result.papers == []
    assert "symlink leads outside the content folder" in str(result.diagnostics[0])


def test_editors_backups_and_lock_files_are_passed_over_in_silence(tmp_path: Path):
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a-paper.md").write_text('---\ntitle: A\n---\n')
    for name in ("a-paper.md~", ".#a-paper.md", "#a-paper.md#", ".a-paper.md.swp"):
        (papers / name).write_text('---\ntitle: An older A\n---\n')
    result = load_papers(tmp_path / "content", tmp_path)
    assert [p.title for p in result.papers] == ["A"] and result.diagnostics == []

def _paper_file(root: Path, title: str) -> Path:
    path = root / "content" / "papers" / "a-paper.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'---\ntitle: "{title}"\n---\nAbstract.\n', encoding="utf-8")
    return path


def test_a_file_whose_signature_is_unchanged_is_not_read_again(tmp_path: Path):
    path = _paper_file(tmp_path, "Old title")
    hour_ago = path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))
    first = load_papers(tmp_path / "content", tmp_path)
    path.write_text(path.read_text().replace("Old", "New"), encoding="utf-8")  # same size, same inode
    os.utime(path, ns=(hour_ago, hour_ago))  # and the same time: nothing tells the edit apart
    assert [p.title for p in load_papers(tmp_path / "content", tmp_path, first.cache).papers] == ["Old title"]
    assert [p.title for p in load_papers(tmp_path / "content", tmp_path).papers] == ["New title"]


def test_without_a_cache_each_signature_is_taken_as_its_file_is_read(tmp_path: Path):
    from site_gen.content import discover

    path = _paper_file(tmp_path, "A title")
    hour_ago = path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))
    found, _ = discover(tmp_path / "content", tmp_path, signatures=False)
    assert [f.signature for f in found] == [None]  # no stat of every file before any is read
    stat = path.stat()
    loaded = load_papers(tmp_path / "content", tmp_path)
    assert loaded.cache["content/papers/a-paper.md"][2] == (stat.st_mtime_ns, stat.st_size, stat.st_ino)


@pytest.mark.parametrize("stat_size", [0, 1, 5_000, 9_999, 10_000, 10_001, 70_000])
@pytest.mark.parametrize("limit", [3, 10_000, 10_001, 500_001])
def test_a_file_is_read_to_its_end_whatever_its_stat_said(tmp_path: Path, stat_size: int, limit: int):
    from site_gen.content import _read_to_end

    data = bytes(range(256)) * 39 + b"0123456789abcdef"  # 10,000 bytes
    path = tmp_path / "paper.md"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:  # a size below the file's is a file that grew after its stat, above it one that shrank
        assert _read_to_end(fd, limit, stat_size) == data[:limit]
    finally:
        os.close(fd)


def test_an_edit_within_the_clock_tick_of_the_last_build_is_read(tmp_path: Path):
    path = _paper_file(tmp_path, "Old title")
    first = load_papers(tmp_path / "content", tmp_path)  # the file is seconds old: its signature is not kept
    stamp = path.stat().st_mtime_ns
    path.write_text(path.read_text().replace("Old", "New"), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert [p.title for p in load_papers(tmp_path / "content", tmp_path, first.cache).papers] == ["New title"]


@pytest.mark.parametrize("path, root", [
    ("/a/b/content/papers/x.md", "/a/b"), ("content/papers/x.md", "."), ("/a/bc/x.md", "/a/b"),
    ("/a/b/x.md", "/a/b/"), ("/a/b/../c.md", "/a/b"), ("/abs/x.md", "."), ("x.md", "/a"), ("a/x.md", "a"),
])
def test_display_paths_are_what_pathlib_gives(path: str, root: str):
    from site_gen.content import display_path

    try:
        expected = str(Path(path).relative_to(Path(root)))
    except ValueError:
        expected = path
    assert display_path(Path(path), Path(root)) == expected


def test_a_paper_survives_the_cache_and_the_workers_with_every_field():
    """Papers cross process boundaries and the build cache pickled, field by field."""
    import dataclasses
    import pickle

    from site_gen.model import Paper

    values = {f.name: f"value of {f.name}" for f in dataclasses.fields(Paper)}
    values.update(body_line=7, tags_line=3, tags=("a", "b"), authors=("X Y",), extra=(("venue", "V"),))
    paper = Paper(**values)
    copy = pickle.loads(pickle.dumps(paper, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == paper
    assert [getattr(copy, f.name) for f in dataclasses.fields(Paper)] == list(values.values())


def test_the_papers_cache_rewrites_only_the_part_of_an_edited_file(tmp_path: Path):
    from site_gen.cache import PAPER_FILES, BuildCache, paper_bucket

    papers_dir = tmp_path / "content" / "papers"
    papers_dir.mkdir(parents=True)
    for n in range(40):
        (papers_dir / f"paper-{n}.md").write_text(f"---\ntitle: Paper {n}\n---\nAbstract {n}.\n", encoding="utf-8")
    hour_ago = (papers_dir / "paper-0.md").stat().st_mtime_ns - 3600 * 10**9
    for path in papers_dir.iterdir():
        os.utime(path, ns=(hour_ago, hour_ago))  # old enough for their signatures to be kept

    def build() -> tuple[BuildCache, dict[str, int]]:
        cache = BuildCache(tmp_path)
        cache.save_papers(load_papers(tmp_path / "content", tmp_path, cache.papers()).cache)
        cache.commit()
        return cache, {name: (tmp_path / ".cache" / name).stat().st_ino for name in PAPER_FILES
                       if (tmp_path / ".cache" / name).exists()}

    _, first = build()
    edited = papers_dir / "paper-7.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Abstract", "New abstract"), encoding="utf-8")
    os.utime(edited, ns=(hour_ago + 10**9, hour_ago + 10**9))
    cache, second = build()
    part = PAPER_FILES[paper_bucket("content/papers/paper-7.md")]
    assert [name for name in first if first[name] != second[name]] == [part]
    titles = {p.slug: p.abstract_md for _, p, _ in cache.papers().values()}
    assert len(titles) == 40 and titles["paper-7"] == "New abstract 7."


SICI = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"


def test_a_doi_may_hold_angle_brackets_as_sici_dois_do():
    paper, problems = parse(f'---\ntitle: "T"\ndoi: "{SICI}"\n---\n')
    assert problems == [] and paper.doi == SICI
    assert messages('---\ntitle: "T"\ndoi: "10.1000/a b"\n---\n') == [
        f"{P}:3: 'doi' is not a valid identifier: '10.1000/a b'"]
    assert messages('---\ntitle: "T"\narxiv: "<2401.00001>"\n---\n') == [
        f"{P}:3: 'arxiv' is not a valid identifier: '<2401.00001>'"]


def test_an_arxiv_id_with_its_version_or_a_prefix_names_the_bare_id_to_write():
    """Its link would be arxiv.org/abs/arXiv:..., and the importers match papers by the bare id."""
    for written in ("2401.00001v2", "arXiv:2401.00001", "https://arxiv.org/abs/2401.00001v1", "hep-th/9901001v3"):
        bare = written.rsplit("/", 1)[-1].removeprefix("arXiv:").split("v")[0]
        bare = "hep-th/9901001" if written.startswith("hep") else bare
        assert messages(f'---\ntitle: "T"\narxiv: "{written}"\n---\n') == [
            f"{P}:3: 'arxiv' is not an arXiv id without version: '{written}' (write \"{bare}\")"]
    for bare in ("2401.00001", "hep-th/9901001", "math.GT/0309136", "not-an-arxiv-id"):
        paper, problems = parse(f'---\ntitle: "T"\narxiv: "{bare}"\n---\n')
        assert problems == [] and paper.arxiv == bare
