"""Slugs: stable, readable, ASCII, safe as a single path segment."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Container

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_LENGTH = 80
MAX_TAG_LENGTH = 100  # a tag is a folder of the built site; file systems refuse names over 255 bytes
_FOLD = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i", "&": " and ", "'": "", "’": "",
})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def is_slug(text: str) -> bool:
    return SLUG_RE.fullmatch(text) is not None


def too_long(slug: str, limit: int = MAX_TAG_LENGTH) -> str:
    """What a problem says of a slug longer than ``limit``; "" when it is not."""
    return f"is {len(slug)} characters long; at most {limit} are allowed" if len(slug) > limit else ""


def ascii_text(text: str) -> str:
    """ASCII transliteration: accents dropped (Zoë Müller -> Zoe Muller), ß as ss, and so on;
    letters without one (CJK) are left out."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return folded.encode("ascii", "ignore").decode("ascii")


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    """ASCII transliteration, lowercase, hyphens; cut at a word boundary. May return ''."""
    slug = _NON_ALNUM.sub("-", ascii_text(text).lower()).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    return cut[: cut.rfind("-")] if "-" in cut else cut[:max_length]


def fallback_slug(title: str, arxiv: str | None = None, doi: str | None = None) -> str:
    """The slug for a paper: from the title; the arXiv id or DOI when it has no ASCII letters."""
    slug = slugify(title)
    if slug and re.search(r"[a-z]", slug):
        return slug
    for ident, prefix in ((arxiv, "arxiv-"), (doi, "doi-")):
        if ident and slugify(ident):
            return prefix + slugify(ident)
    return "paper-" + hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def author_slug(name: str) -> str:
    """The slug of an author's page: from the name; for a name without ASCII letters or digits
    (张伟), a short hash of it in Unicode's composed form, so that each such author has a page too."""
    return slugify(name) or "author-" + hashlib.sha256(
        unicodedata.normalize("NFC", name).encode("utf-8", "surrogatepass")).hexdigest()[:10]


def unique_slug(slug: str, taken: Container[str]) -> str:
    """``slug`` itself or the first free ``slug-2``, ``slug-3``, ..."""
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"
