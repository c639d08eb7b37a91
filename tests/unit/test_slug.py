import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from site_gen.slug import MAX_LENGTH, author_slug, fallback_slug, is_slug, slugify, unique_slug


def test_readable_ascii_slugs():
    assert slugify("MossFormer2: Combining Transformer and RNN-Free Recurrent Network") == \
        "mossformer2-combining-transformer-and-rnn-free-recurrent-network"
    assert slugify("Ünïcödé Straße & Œuvre") == "unicode-strasse-and-oeuvre"
    assert slugify("It's never too late") == "its-never-too-late"


def test_long_titles_are_cut_at_a_word_boundary():
    slug = slugify("word " * 40)
    assert len(slug) <= MAX_LENGTH and slug.endswith("word")
    assert slugify("a" * 40 + " " + "b" * 39 + " cc") == "a" * 40 + "-" + "b" * 39  # the words end at the limit
    assert slugify("x" * 200) == "x" * MAX_LENGTH  # one word longer than the limit


def test_fallbacks_when_title_has_no_ascii_letters():
    assert fallback_slug("深度学习", arxiv="2401.01234") == "arxiv-2401-01234"
    assert fallback_slug("深度学习", doi="10.1000/XYZ") == "doi-10-1000-xyz"
    assert fallback_slug("深度学习").startswith("paper-")
    assert fallback_slug("深度学习") == fallback_slug("深度学习")
    assert fallback_slug("1984", arxiv="2401.01234") == "arxiv-2401-01234"  # digits alone say nothing


def test_an_author_without_latin_letters_has_one_page_however_the_name_is_encoded():
    composed = "김민수"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert author_slug(decomposed) == author_slug(composed) and author_slug(composed).startswith("author-")


def test_unique_slug_adds_a_suffix():
    assert unique_slug("a", {"a", "a-2"}) == "a-3"
    assert unique_slug("b", {"a"}) == "b"


@given(st.text())
def test_slugs_are_always_safe_and_stable(title):
    slug = fallback_slug(title)
    assert is_slug(slug) and "/" not in slug and ".." not in slug
    assert slug == fallback_slug(title)


@given(st.lists(st.text(), min_size=1, max_size=20))
def test_unique_slugs_never_collide(titles):
    taken: set[str] = set()
    for title in titles:
        taken.add(unique_slug(fallback_slug(title), taken))
    assert len(taken) == len(titles)
