"""Real text the generator recombines: titles, abstract sentences and author names.

The sources are the repository's own fixtures: the daily-papers dump of 11 March 2025
(57 papers) and a saved Hugging Face daily-papers response (20 papers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed" / "daily-2025-03-11.txt"
HF_JSON = REPO / "tests" / "fixtures" / "samples" / "hf_daily.json"

_DATE_LINE = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])")
_MAX_SENTENCE_WORDS = 70


@dataclass(frozen=True, slots=True)
class Corpus:
    """Sentences by their position in the abstract they came from, and title material."""

    openings: tuple[str, ...]  # first sentences
    middles: tuple[str, ...]
    closings: tuple[str, ...]  # last sentences
    titles: tuple[str, ...]  # descriptive title phrases (the part after any "Name:")
    short_titles: tuple[str, ...]  # those of at most 45 characters
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    words: tuple[str, ...]  # lowercase alphabetic words of 6+ letters, for rare variants


def seed_papers(path: Path = SEED) -> list[tuple[str, str]]:
    """(title, abstract) pairs of a daily dump: after the first date line, title/blank/abstract."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if _DATE_LINE.fullmatch(line.strip()))
    rest = [line.strip() for line in lines[start + 1 :] if line.strip() and not _DATE_LINE.fullmatch(line.strip())]
    return list(zip(rest[0::2], rest[1::2], strict=False))


def hf_papers(path: Path = HF_JSON) -> tuple[list[tuple[str, str]], list[str]]:
    """(title, abstract) pairs and the visible author names of a saved daily-papers response."""
    items = json.loads(path.read_text(encoding="utf-8"))
    papers: list[tuple[str, str]] = []
    authors: list[str] = []
    for item in items:
        paper = item["paper"]
        papers.append((" ".join(paper["title"].split()), " ".join(paper["summary"].split())))
        authors.extend(a["name"] for a in paper["authors"] if not a.get("hidden"))
    return papers, authors


def split_sentences(abstract: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(abstract) if s.strip()]


def _title_phrase(title: str) -> str:
    head, sep, tail = title.partition(": ")
    return tail if sep and len(tail.split()) >= 3 else title


def _person_names(authors: list[str]) -> tuple[list[str], list[str]]:
    firsts: list[str] = []
    lasts: list[str] = []
    for name in authors:
        parts = name.split()
        if len(parts) < 2 or not all(p.istitle() and p.isalpha() for p in parts):
            continue
        if parts[0] not in firsts:
            firsts.append(parts[0])
        if parts[-1] not in lasts:
            lasts.append(parts[-1])
    return firsts, lasts


def load() -> Corpus:
    papers = seed_papers()
    hf, authors = hf_papers()
    papers.extend(hf)
    openings: list[str] = []
    middles: list[str] = []
    closings: list[str] = []
    for _, abstract in papers:
        sentences = [s for s in split_sentences(abstract) if len(s.split()) <= _MAX_SENTENCE_WORDS]
        if len(sentences) < 3:
            middles.extend(sentences)
            continue
        openings.append(sentences[0])
        middles.extend(sentences[1:-1])
        closings.append(sentences[-1])
    firsts, lasts = _person_names(authors)
    text = " ".join(a for _, a in papers)
    words = sorted({w for w in re.findall(r"\b[a-z]{6,}\b", text)})
    titles = tuple(_title_phrase(t) for t, _ in papers)
    return Corpus(
        openings=tuple(openings),
        middles=tuple(middles),
        closings=tuple(closings),
        titles=titles,
        short_titles=tuple(t for t in titles if len(t) <= 45),
        first_names=tuple(firsts),
        last_names=tuple(lasts),
        words=tuple(words),
    )
