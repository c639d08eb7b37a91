import pytest

from site_gen.yamlio import YamlError, decode, key_lines, split_front_matter


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
