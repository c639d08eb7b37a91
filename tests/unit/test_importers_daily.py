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
