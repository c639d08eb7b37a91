import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate
from site_gen import yamlio
from site_gen.yamlio import YamlError, decode, key_lines, split_front_matter
from tests.conftest import REPO


def test_front_matter_split_keeps_dates_as_strings_and_lines():
    doc = split_front_matter('---\ntitle: "T"\ndate: 2025-03-11\n---\nBody\n', "p.md")
    assert doc.data == {"title": "T", "date": "2025-03-11"}
    assert doc.key_lines == {"title": 2, "date": 3}
    assert doc.body == "Body\n" and doc.body_line == 5


def test_bom_and_crlf_are_fine():
    text = decode(b'\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nBody\r\n', "p.md")
    assert split_front_matter(text, "p.md").data == {"title": "T"}


def test_not_utf8_names_line_and_byte_offset():
    with pytest.raises(YamlError) as err:
        decode(b"---\ntitle: caf\xe9\n---\n", "p.md")
    assert str(err.value.diagnostic) == "p.md:2: not valid UTF-8: byte 0xe9 at offset 14 (save the file as UTF-8)"


@pytest.mark.parametrize("text, message", [
    ("", "p.md:1: empty file"),
    ("title: x\n", "p.md:1: no front matter"),
    ("---\ntitle: x\nbody\n", "p.md:1: front matter starts here but is never closed"),
    ("---\ntitle: x\n  bad: [\n---\n", "p.md:3: YAML syntax error"),
    ("---\na: &a [1]\nb: *a\n---\n", "p.md:3: YAML aliases"),
])
def test_broken_front_matter(text, message):
    with pytest.raises(YamlError) as err:
        split_front_matter(text, "p.md")
    assert str(err.value.diagnostic).startswith(message)


def test_alias_bomb_is_refused_quickly():
    bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(20)) + "---\n"
    with pytest.raises(YamlError, match="aliases"):
        split_front_matter(bomb, "p.md")


def test_deep_nesting_fails_cleanly():
    with pytest.raises(YamlError):
        split_front_matter("---\ntitle: " + "[" * 100000 + "\n---\n", "p.md")


def test_key_lines_quoted_keys():
    assert key_lines('"title": x\n  nested: y\n\'tags\': []\n', 2) == {"title": 2, "tags": 4}


# The reader of simple front matter (no YAML parser) must read what it accepts exactly as the
# parser does, and leave to the parser everything else.

def _parsed(text: str):
    """What the YAML parser makes of ``text``, or the error it raises."""
    try:
        doc = yamlio._parse(text, "p.md", 2)
    except (yaml.YAMLError, ValueError) as exc:
        return type(exc)
    return doc.data, doc.key_lines


SIMPLE = [
    'title: "ElquaNav: Trajectory-Relayed On-Policy Distillation"\ndate: 2023-05-27\n'
    'tags: [language-models, speech]\nauthors: ["Alexandre Zamir", "Xiaofei Chen"]\n'
    'arxiv: "2305.22554"\nsource: daily\n',
    "title: 'It is # not a comment'\nvenue: NeurIPS 2023 [oral]\nurl: https://example.org/a#b\n",
    "tags: []\nauthors: [ Ada Lovelace , 'Grace Hopper', \"O\\\"Neil \\\\ Co\" ]\n",
    'title: "Rethinking \\"Contamination-Free\'\' Evaluation \\\\ a\\\\\\\\"\n',
    "# a comment\n\ntitle: Café, naïve résumé — “quotes”\n",
    "",
]

NOT_SIMPLE = [
    "title: x\ntitle: y\n",  # repeated key: the parser's error says where
    "title: >\n  folded\n",
    "authors:\n  - Ada\n",
    "title: \"a \\nline\"\n",  # escapes other than \\" and \\\\
    "title: 'it''s'\n",
    "title: x # comment\n",
    "year: 2023\n",
    "draft: yes\n",
    "on: x\n",
    "tags: [a, 1.5]\n",
    "tags: [a, [b]]\n",
    "tags: [a,]\n",
    "authors: [\"Zhao, Shengkui\"]\n",
    "title: a: b\n",
    "title: \ttab\n",
    "title: x\u2028y\n",
    "title: \u00a0x\n",
    "title: *alias\n",
    "title: &anchor x\n",
    "title: !tag x\n",
    "title: ~\n",
    "empty:\n",
    "  indented: x\n",
    "%YAML 1.1\n",
]


@pytest.mark.parametrize("text", SIMPLE)
def test_simple_front_matter_is_read_without_the_parser_and_as_the_parser_reads_it(text):
    simple = yamlio._simple(text, 2)
    assert simple is not None
    assert (simple.data, simple.key_lines) == _parsed(text)


@pytest.mark.parametrize("text", NOT_SIMPLE)
def test_anything_else_is_left_to_the_parser(text):
    assert yamlio._simple(text, 2) is None


def test_the_catalogue_and_generated_papers_read_alike(tmp_path):
    generate(tmp_path, 300, seed=5)
    files = [*sorted((REPO / "content").rglob("*.md")), *sorted(tmp_path.rglob("*.md"))]
    texts = [p.read_text(encoding="utf-8") for p in files]
    simple = 0
    for text in texts:
        if not text.startswith("---\n") or (close := yamlio.FENCE.search(text, 4)) is None:
            continue
        front = text[4:close.start()]
        if (doc := yamlio._simple(front, 2)) is not None:
            simple += 1
            assert (doc.data, doc.key_lines) == _parsed(front), front
    assert simple == len(texts) == 357  # as the importers and the generator write them


_PIECES = ["title", "y", "on", "Null", "x-y", "_k", "tags", ": ", ":  ", ":", " ", "  ", "\n", "#", " #",
           "[", "]", ", ", ",", "'", "''", '"', "\\", "-", "?", "&", "*", "!", "|", ">", "%", "@", "`",
           "{", "}", "\t", "~", "yes", "no", "2023", "2023-05-27", "1.5", ".5", "0x1f", "1_000", "12:30",
           ".inf", "<<", "=", "a", "Ada Lovelace", "é", "\u00a0", "\u2028", "\x85", "\ufeff", "ok"]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=24))
def test_simple_reading_never_differs_from_the_parser(pieces):
    text = "".join(pieces)
    simple = yamlio._simple(text, 2)
    if simple is not None:
        assert (simple.data, simple.key_lines) == _parsed(text)


_KEYS = st.sampled_from(["title", "tags", "y", "x-y", "_k", "authors", "on", "Null", "1a", "a b", "é"])
_VALUE_CHARS = st.text(st.sampled_from(list("ab AZ09:#,'\"[]{}-.\\é\t~?&*!|>%@`=<+/()\u00a0")), max_size=10)
_VALUES = st.text("abAZ09 é-.'", max_size=10) | _VALUE_CHARS | st.sampled_from(_PIECES)
_SHAPES = st.sampled_from(['"{}"', "'{}'", "{}", "[{}]", "[{}, {}]", "[ '{}' , \"{}\" ]", "{} {}", "[{}, [{}]]"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.tuples(_KEYS, st.sampled_from([": ", ":  ", ": ", ":"]), _SHAPES, _VALUES, _VALUES),
                min_size=1, max_size=2))
def test_simple_key_value_lines_never_differ_from_the_parser(lines):
    text = "".join(f"{key}{colon}{shape.format(one, two)}\n" for key, colon, shape, one, two in lines)
    simple = yamlio._simple(text, 2)
    if simple is not None:
        assert (simple.data, simple.key_lines) == _parsed(text)
