from pathlib import Path

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from site_gen.content import parse_paper
from site_gen.model import PaperDraft
from site_gen.store import Catalogue, clean_text, draft_values, render_paper, set_tags, upsert


def no_tags(title: str, abstract: str) -> tuple[str, ...]:
    return ()


def speech_tagger(title: str, abstract: str) -> tuple[str, ...]:
    return ("speech",) if "speech" in (title + abstract).lower() else ()


def draft(title="A paper on speech", abstract="An abstract.", **kw) -> PaperDraft:
    return PaperDraft(title=title, abstract=abstract, date="2025-03-11", source="daily", **kw)


def test_create_then_idempotent(tmp_path: Path):
    report = upsert(Catalogue(tmp_path), [draft()], speech_tagger)
    assert report.created == ["a-paper-on-speech"]
    path = tmp_path / "papers" / "a-paper-on-speech.md"
    assert path.read_text() == ('---\ntitle: "A paper on speech"\ndate: 2025-03-11\ntags: [speech]\n'
                                "source: daily\n---\nAn abstract.\n")
    before = path.stat().st_mtime_ns
    again = upsert(Catalogue(tmp_path), [draft()], speech_tagger)
    assert again.created == [] and again.kept == ["a-paper-on-speech"]
    assert path.stat().st_mtime_ns == before


def test_edited_page_is_never_overwritten_but_missing_keys_are_filled(tmp_path: Path):
    upsert(Catalogue(tmp_path), [draft()], no_tags)
    path = tmp_path / "papers" / "a-paper-on-speech.md"
    edited = path.read_text().replace("An abstract.", "My edited abstract.").replace("tags: []", "tags: [mine]")
    path.write_text(edited + "\n# a note\n")
    report = upsert(Catalogue(tmp_path), [draft(arxiv="2401.00001", abstract="Other")], no_tags)
    assert report.merged == ["a-paper-on-speech"]
    text = path.read_text()
    assert "My edited abstract." in text and "tags: [mine]" in text and "# a note" in text
    assert 'arxiv: "2401.00001"' in text


def test_a_key_written_without_a_value_is_not_filled_in(tmp_path: Path):
    """Someone who took a wrong link out of a paper keeps it out: `code:` alone (or "" or [])
    says there is none; a key the file does not have at all is filled in."""
    upsert(Catalogue(tmp_path), [draft()], no_tags)
    path = tmp_path / "papers" / "a-paper-on-speech.md"
    path.write_text(path.read_text().replace("source: daily\n", 'source: daily\ncode:\nurl: ""\nauthors: []\n'))
    before = path.read_text()
    again = draft(code="https://github.com/a/b", url="https://x.org/", authors=("Ada",), venue="Nature")
    assert upsert(Catalogue(tmp_path), [again], no_tags).merged == ["a-paper-on-speech"]
    assert path.read_text() == before.replace("authors: []\n", "authors: []\nvenue: Nature\n")


def test_force_overwrites_keys(tmp_path: Path):
    upsert(Catalogue(tmp_path), [draft()], no_tags)
    report = upsert(Catalogue(tmp_path), [draft(abstract="New abstract.")], no_tags, force=True)
    assert report.merged == ["a-paper-on-speech"]
    assert "New abstract." in (tmp_path / "papers" / "a-paper-on-speech.md").read_text()


def test_force_keeps_the_abstract_when_the_import_has_none(tmp_path: Path):
    upsert(Catalogue(tmp_path), [draft()], no_tags)
    report = upsert(Catalogue(tmp_path), [draft(abstract="", venue="Nature")], no_tags, force=True)
    assert report.merged == ["a-paper-on-speech"]
    text = (tmp_path / "papers" / "a-paper-on-speech.md").read_text()
    assert "venue: Nature" in text and text.endswith("---\nAn abstract.\n")


def test_a_file_written_while_the_import_runs_is_never_replaced(tmp_path: Path):
    catalogue = Catalogue(tmp_path)  # the folder as it was when the import began
    path = tmp_path / "papers" / "a-paper-on-speech.md"
    path.parent.mkdir()
    path.write_text("---\ntitle: Written by hand meanwhile\n---\n")
    report = upsert(catalogue, [draft()], no_tags)
    assert report.created == [] and report.kept == ["a-paper-on-speech"]
    assert path.read_text() == "---\ntitle: Written by hand meanwhile\n---\n"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left

def test_et_al_comes_only_with_the_authors_it_qualifies(tmp_path: Path):
    cut = draft(authors=("Ada Lovelace",), extra=(("et_al", True),))
    upsert(Catalogue(tmp_path), [draft(authors=("Ada Lovelace", "Alan Turing"))], no_tags)
    path = tmp_path / "papers" / "a-paper-on-speech.md"
    upsert(Catalogue(tmp_path), [cut], no_tags)
    assert "et_al" not in path.read_text() and "Alan Turing" in path.read_text()
    upsert(Catalogue(tmp_path), [cut], no_tags, force=True)
    assert "authors: [Ada Lovelace]\net_al: true\n" in path.read_text()
    upsert(Catalogue(tmp_path), [draft(authors=("Ada Lovelace", "Alan Turing"))], no_tags, force=True)
    assert "et_al" not in path.read_text() and "Alan Turing" in path.read_text()
    path.unlink()
    upsert(Catalogue(tmp_path), [draft()], no_tags)
    upsert(Catalogue(tmp_path), [cut], no_tags)
    assert "authors: [Ada Lovelace]\net_al: true\n" in path.read_text()


def test_same_arxiv_id_merges_even_with_another_title(tmp_path: Path):
    upsert(Catalogue(tmp_path), [draft(arxiv="2401.00001")], no_tags)
    report = upsert(Catalogue(tmp_path), [draft(title="Renamed", arxiv="2401.00001", authors=("A B",))], no_tags)
    assert report.merged == ["a-paper-on-speech"] and report.created == []


def test_an_arxiv_id_written_by_hand_with_a_version_or_prefix_is_the_same_paper(tmp_path: Path):
    """A person who copied the id from arXiv's page (``2401.00001v2``, ``arXiv:2401.00001``) wrote
    the paper's id: an import of that paper merges into their file, under another title or the same."""
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "my-notes.md").write_text('---\ntitle: "My notes"\narxiv: "2401.00001v2"\n---\nMine.\n')
    (papers / "a-paper-on-speech.md").write_text('---\ntitle: "A paper on speech"\narxiv: "arXiv:2401.00002"\n---\n')
    report = upsert(Catalogue(tmp_path), [draft(title="Other title", arxiv="2401.00001"),
                                          draft(arxiv="2401.00002")], no_tags)
    assert report.created == [] and sorted(report.merged) == ["a-paper-on-speech", "my-notes"]
    assert sorted(p.name for p in papers.iterdir()) == ["a-paper-on-speech.md", "my-notes.md"]
    assert 'arxiv: "2401.00001v2"' in (papers / "my-notes.md").read_text()


def test_same_slug_different_paper_gets_a_suffix(tmp_path: Path):
    report = upsert(Catalogue(tmp_path), [draft(arxiv="1"), draft(arxiv="2")], no_tags)
    assert report.created == ["a-paper-on-speech", "a-paper-on-speech-2"]


def test_same_title_by_other_authors_is_another_paper_and_the_same_authors_merge(tmp_path: Path):
    comments = [draft(title="Editorial comments", authors=("Barbara Beeton",)),
                draft(title="Editorial comments", authors=("Karl Berry",)),
                draft(title="Editorial comments", authors=("Ana Müller", "Li Wei")),
                draft(title="Editorial comments", authors=("Beeton, B.",), venue="TUGboat"),
                draft(title="Editorial comments", venue="TUGboat 2")]
    report = upsert(Catalogue(tmp_path), comments, no_tags)
    assert report.created == ["editorial-comments", "editorial-comments-2", "editorial-comments-3"]
    assert report.merged == ["editorial-comments"] and report.kept == []
    assert report.repeated == ["editorial-comments"]  # the paper the first entry gave, not one that was there
    again = [draft(title="Editorial comments", authors=("Berry, Karl",)),
             draft(title="Editorial comments", authors=("Ana Muller",), venue="TUGboat 3")]
    report = upsert(Catalogue(tmp_path), again, no_tags)
    assert report.created == [] and report.kept == ["editorial-comments-2"]
    assert report.merged == ["editorial-comments-3"]


def test_a_repeated_title_with_another_abstract_is_a_warning_at_its_line_not_a_silent_kept(tmp_path: Path):
    """A daily page listing two papers of one title (no id or author tells them apart): the second
    abstract was dropped, reported as "kept" on a first import, with no warning."""
    twice = [draft(title="Same title", abstract="First.", line=3),
             draft(title="Same title", abstract="Second.", line=7),
             draft(title="Other", line=11), draft(title="Other", line=15)]
    for run in range(2):
        report = upsert(Catalogue(tmp_path), twice, no_tags, source="day.txt")
        assert report.created == ([] if run else ["same-title", "other"])
        assert report.kept == (["same-title", "other"] if run else []) and report.merged == []
        assert report.repeated == ["same-title", "other"]
        assert [str(d) for d in report.diagnostics] == [
            "day.txt:7: warning: 'Same title' repeats the paper of line 3 (papers/same-title.md) with another "
            "abstract: that entry's is kept, this one is not imported (if it is another paper, give it a file of "
            "its own by hand)"]
    assert (tmp_path / "papers" / "same-title.md").read_text().endswith("---\nFirst.\n")
    forced = upsert(Catalogue(tmp_path), twice, no_tags, force=True, source="day.txt")
    assert forced.merged == ["same-title"] and "this one replaced that entry's" in str(forced.diagnostics[0])


def test_a_file_renamed_by_hand_is_found_by_its_title_and_keeps_its_edits(tmp_path: Path):
    """A paper without an arXiv id or DOI (a daily page's, a BibTeX entry's) whose file someone
    renamed is the same paper, not a new one; a paper of that title by others is another."""
    upsert(Catalogue(tmp_path), [draft(authors=("Ada Lovelace",))], no_tags)
    papers = tmp_path / "papers"
    (papers / "a-paper-on-speech.md").rename(papers / "speech.md")
    edited = (papers / "speech.md").read_text().replace("An abstract.", "My notes.")
    (papers / "speech.md").write_text(edited)
    again = [draft(authors=("Lovelace, A.",), venue="Nature"), draft(authors=("Alan Turing",))]
    report = upsert(Catalogue(tmp_path), again, no_tags)
    assert report.merged == ["speech"] and report.created == ["a-paper-on-speech"]
    assert (papers / "speech.md").read_text() == edited.replace("---\nMy", "venue: Nature\n---\nMy")
    assert upsert(Catalogue(tmp_path), again, no_tags).kept == ["speech", "a-paper-on-speech"]


def test_broken_existing_file_is_left_alone(tmp_path: Path):
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "a-paper-on-speech.md").write_text("---\ntitle: [broken\n---\n")
    report = upsert(Catalogue(tmp_path), [draft()], no_tags)
    assert report.created == [] and report.kept == ["a-paper-on-speech"]  # not a second copy of the paper
    assert (papers / "a-paper-on-speech.md").read_text() == "---\ntitle: [broken\n---\n"
    assert sorted(p.name for p in papers.iterdir()) == ["a-paper-on-speech.md"]
    assert [d.message for d in report.diagnostics][-1] == "cannot be read, so the paper of that slug was not imported"


def test_set_tags_replaces_only_the_tags_line(tmp_path: Path):
    path = tmp_path / "p.md"
    path.write_text('---\ntitle: "T"  # mine\ntags: []\n---\nBody\n')
    set_tags(path, ["speech", "moe"])
    assert path.read_text() == '---\ntitle: "T"  # mine\ntags: [speech, moe]\n---\nBody\n'



def test_a_file_saved_on_windows_keeps_its_byte_order_mark_and_crlf_line_ends(tmp_path: Path):
    """Setting tags or filling in keys changes only those lines: a file with a BOM and CRLF line
    ends (as Notepad saves it) keeps them, so a diff shows the edit and nothing else."""
    upsert(Catalogue(tmp_path), [draft()], no_tags)
    path = tmp_path / "papers" / "a-paper-on-speech.md"
    written = "\ufeff" + path.read_text().replace("\n", "\r\n")
    path.write_bytes(written.encode("utf-8"))
    set_tags(path, ["speech"])
    tagged = written.replace("tags: []", "tags: [speech]")
    assert path.read_bytes() == tagged.encode("utf-8")
    assert upsert(Catalogue(tmp_path), [draft(arxiv="2401.00001")], no_tags).merged == ["a-paper-on-speech"]
    merged = tagged.replace("source: daily\r\n", 'source: daily\r\narxiv: "2401.00001"\r\n')
    assert path.read_bytes() == merged.encode("utf-8")


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
    lambda s: s.strip() and not s.strip().startswith("#"))


@settings(max_examples=200)
@given(title=names, abstract=st.text(max_size=200), authors=st.lists(names, max_size=4),
       venue=st.one_of(st.none(), names))
@example(title="T", abstract="", authors=["\ufffe"], venue="\ufffe")  # cleaned to nothing
@example(title="T", abstract="", authors=["Zhao, Shengkui", "No", "Null"], venue="Yes")  # a comma; YAML's words
def test_front_matter_round_trip(title, abstract, authors, venue):
    assume(clean_text(title).strip())  # else the import skips the paper (below)
    d = PaperDraft(title=title, abstract=abstract, date="2024-02-29", authors=tuple(authors), venue=venue,
                   arxiv="2312.11825", source="daily")
    text = render_paper(draft_values(d, ["speech"]), abstract)
    paper, problems = parse_paper(text.encode(), "p.md", "p")
    assert problems == []
    assert paper.title == " ".join(clean_text(title).split())
    assert paper.authors == tuple(" ".join(a.split()) for a in map(clean_text, authors) if a.strip())
    assert paper.venue == (" ".join(clean_text(venue).split()) or None if venue else None)
    assert paper.abstract_md == clean_text(abstract).strip("\n")
    assert (paper.date, paper.arxiv, paper.tags) == ("2024-02-29", "2312.11825", ("speech",))


def test_text_left_blank_by_cleaning_is_left_out(tmp_path: Path):
    """Control characters and noncharacters are removed from what a paper file holds; an author or
    a venue made of nothing else would be an empty value, which the build refuses."""
    report = upsert(Catalogue(tmp_path), [draft(authors=("Ada", "\x07", "\ufffe "), venue="\ufffe")], no_tags)
    path = tmp_path / "papers" / f"{report.created[0]}.md"
    paper, problems = parse_paper(path.read_bytes(), str(path), report.created[0])
    assert problems == []
    assert paper.authors == ("Ada",) and paper.venue is None


def test_a_title_of_control_characters_only_is_skipped_with_a_warning(tmp_path: Path):
    drafts = [draft(title="\ufffe\x07", arxiv="2401.00002", line=7), draft()]
    report = upsert(Catalogue(tmp_path), drafts, no_tags, source="papers.json")
    assert report.created == ["a-paper-on-speech"]
    assert [str(d) for d in report.diagnostics] == [
        "papers.json:7: warning: skipped a paper whose title has only control characters: '\\ufffe\\x07'"]
