from datetime import date

import pytest

from site_gen.errors import ImportFailed
from site_gen.importers.daily import date_of, parse, resolve_year
from tests.conftest import SEED


def test_seed_gives_57_papers_with_exact_titles_and_abstracts():
    drafts, warnings = parse(SEED.read_text(encoding="utf-8"), "seed.txt", year=2025)
    assert warnings == [] and len(drafts) == 57
    first = drafts[0]
    assert first.title == ("MossFormer2: Combining Transformer and RNN-Free Recurrent Network for Enhanced "
                           "Time-Domain Monaural Speech Separation")
    assert first.abstract.startswith("Our previously proposed MossFormer has achieved promising performance")
    assert first.abstract.endswith("WSJ0-2/3mix, Libri2Mix, and WHAM!/WHAMR! benchmarks.")
    assert {d.date for d in drafts} == {"2025-03-11"} and {d.source for d in drafts} == {"daily"}
    assert drafts[-1].title == "Scalable and Efficient MoE Training for Multitask Multilingual Models"
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert all(lines[d.line - 1] == d.title for d in drafts)


def test_year_defaults_to_the_latest_day_not_in_the_future():
    assert resolve_year(3, 11, None, date(2026, 11, 25)) == date(2026, 3, 11)
    assert resolve_year(12, 24, None, date(2026, 11, 25)) == date(2025, 12, 24)
    assert resolve_year(2, 29, None, date(2026, 11, 25)) == date(2024, 2, 29)
    assert resolve_year(3, 11, 2025, date(2026, 11, 25)) == date(2025, 3, 11)


def test_date_lines():
    assert date_of("Mar 11") == (3, 11) and date_of("September 3") == (9, 3)
    assert date_of("Mamba 2") is None and date_of("Mar 32") is None


def test_chrome_is_skipped_and_days_change():
    text = "Header\n\nSubscribe\n\nMar 11\n\nT1\n\nA1\n\n\n\nMar 10\nT2\n\nA2 line one\nline two"
    drafts, _ = parse(text, "x.txt", year=2025)
    assert [(d.title, d.abstract, d.date) for d in drafts] == [
        ("T1", "A1", "2025-03-11"), ("T2", "A2 line one line two", "2025-03-10")]


@pytest.mark.parametrize("text, message", [
    ("", "x.txt:1: empty file"),
    ("   \n\n", "x.txt:1: empty file"),
    ("Mar 11\n\nTitle only\n", "x.txt:3: title with no abstract: 'Title only'"),
    ("Mar 11\n\nT\n\nA\n\nDangling\n\nMar 10\n\nT2\n\nA2", "x.txt:7: title with no abstract: 'Dangling'"),
    ("just some text\n\nno dates", "x.txt:1: no date line (such as 'Mar 11') found"),
    ("Mar 11\n\n" + "x" * 500 + "\n", "x.txt:3: expected a title, found a paragraph of 500 characters"),
    ("Mar 11\n\nT\x00\n\nA", "x.txt:3: binary data (a NUL byte) in a text dump"),
    ("Feb 30\n\nT\n\nA", "x.txt:1: 'Feb 30' is not a day of 2025"),
])
def test_malformed_dumps(text, message):
    with pytest.raises(ImportFailed) as err:
        parse(text, "x.txt", year=2025)
    assert str(err.value.diagnostics[0]).startswith(message)


_SEED_PAPERS = [  # (title, abstract) of the seed's first papers, as the page shows them
    (
        "Prediction of speech intelligibility with DNN-based performance measures",
        "This paper presents a speech intelligibility model based on automatic speech recognition (ASR), "
        "combining phoneme probabilities from deep neural networks (DNN) and a performance measure.",
    ),
    (
        "An Empirical Study of Mamba-based Language Models",
        "Selective state-space models (SSMs) like Mamba overcome some of the shortcomings of Transformers.",
    ),
    (
        "EMO: Earth Mover Distance Optimization for Auto-Regressive Language Modeling",
        "Neural language models are probabilistic models of human text.",
    ),
]


def _expected(day):
    return [(title, abstract, day) for title, abstract in _SEED_PAPERS]


def test_the_chrome_a_browser_saves_between_papers_is_skipped():
    (t1, a1), (t2, a2), (t3, a3) = _SEED_PAPERS
    text = (
        "\ufeffDaily Papers\r\nby AK and the research community\r\n\r\nMar 11\r\n\r\n"
        f"Submitted by\r\nakhaliq\r\n\r\n52\r\n\r\n{t1}\r\n\r\n{a1}\r\n\r\n· 5 authors\r\n\r\n3\r\n\r\n"
        f"Submitted by akhaliq\r\nUpvote\r\n-\r\n\r\n{t2}\r\n\r\n{a2}\r\n\r\nNVIDIA\r\n·\r\nJun 12, 2024\r\n"
        f"GitHub 1.2k\r\n\r\n12 upvotes\r\n{t3}\r\n\r\n{a3}\r\n\r\nPublished on Mar 10\r\n"
    )
    drafts, warnings = parse(text, "page.txt", year=2025)
    assert [(d.title, d.abstract, d.date) for d in drafts] == _expected("2025-03-11") and warnings == []


def test_a_text_export_with_links_upvote_counts_and_the_papers_own_dates():
    """As a page exporter writes the page: each link's address on a line of its own, ``[-] 3`` for
    the upvotes, the author count and the paper's own date after ``·``."""
    parts = ["Daily Papers", "https://huggingface.co/papers/date/2025-03-10", "Mar 11"]
    for n, (title, abstract) in enumerate(_SEED_PAPERS):
        parts += [f" [-] {n or '-'}", f"https://huggingface.co/login?next=%2Fpapers%2F2503.0000{n}", title,
                  f"https://huggingface.co/papers/2503.0000{n}", abstract, f"https://huggingface.co/papers/2503.0000{n}",
                  "[", f"{n + 2} authors](https://huggingface.co/papers/2503.0000{n})", "·", "May 30", "2",
                  f"https://huggingface.co/papers/2503.0000{n}#community"]
    drafts, _ = parse("\n\n".join(parts), "export.txt", year=2025)
    assert [(d.title, d.abstract, d.date) for d in drafts] == _expected("2025-03-11")


def test_a_link_that_ends_a_wrapped_abstract_is_kept():
    text = "Mar 11\n\nT\n\nThe code is available at\nhttps://github.com/example/code\n\n·\n\nMar 10, 2025"
    [draft], _ = parse(text, "x.txt", year=2025)
    assert draft.abstract == "The code is available at https://github.com/example/code"


def test_a_title_that_looks_like_a_date_line_is_a_title_when_an_abstract_follows():
    abstract = "An abstract long enough that it cannot be a title. " * 10
    text = f"Mar 11\n\nT1\n\nA1\n\nMay 2\n\n{abstract}\n\nMar 10\n\nT2\n\nA2"
    drafts, [warning] = parse(text, "x.txt", year=2025)
    assert [(d.title, d.date) for d in drafts] == [("T1", "2025-03-11"), ("May 2", "2025-03-11"), ("T2", "2025-03-10")]
    assert (warning.line, warning.severity) == (7, "warning")
    assert warning.message == "'May 2' is read as a title, not a day: an abstract follows it"


def test_lines_that_only_start_like_chrome_are_text():
    text = ("Mar 11\n\nMarch 3, 2024 Solar Eclipse Observations\n\nWe observed it.\n\n"
            "Short title\n\n· 5 authors\n\nAbstracts submitted by\nreviewers are scored.")
    drafts, _ = parse(text, "x.txt", year=2025)
    assert [(d.title, d.abstract) for d in drafts] == [
        ("March 3, 2024 Solar Eclipse Observations", "We observed it."),
        ("Short title", "Abstracts submitted by reviewers are scored.")]
