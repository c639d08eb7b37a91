"""YAML from hostile hands: repeated keys, key lines from the parser, odd tags, site.yaml values."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_gen import config
from site_gen.errors import BuildFailed
from site_gen.yamlio import YamlError, decode, split_front_matter


def problem(text: str) -> str:
    with pytest.raises(YamlError) as err:
        split_front_matter(text, "p.md")
    return str(err.value.diagnostic)


def test_a_repeated_key_is_an_error_at_its_second_line():
    assert problem('---\ntitle: "A"\ndate: 2025-01-01\ntitle: "B"\n---\n') == \
        "p.md:4: duplicate key 'title' (first at line 2) (keep one of them)"


@pytest.mark.parametrize("text, message", [
    ('---\ntitle: "T"\ntags: [speech\nauthors: [A]\n---\n', "p.md:4: YAML syntax error: did not find expected ',' "
     "or ']' (while parsing a flow sequence at line 3)"),
    ('---\ntitle: "T"\n\ttags: []\n---\n', "p.md:3: YAML syntax error: found character that cannot start any "
     "token (YAML does not allow tabs for indentation: use spaces)"),
    ("---\ntitle: Mamba: Linear-Time Sequence Modeling\n---\n", "p.md:2: YAML syntax error: mapping values are not "
     "allowed in this context (a value that holds ': ' must be quoted: "
     "title: \"Mamba: Linear-Time Sequence Modeling\")"),
    ('---\ntitle: "T"\nvenue: ICML: the "Proc." of 2024\n---\n', "p.md:3: YAML syntax error: mapping values are not "
     "allowed in this context (a value that holds ': ' must be quoted: venue: 'ICML: the \"Proc.\" of 2024')"),
    ("---\ntitle: T\na: &a [x, x]\nb: [*a, *a]\n---\n", "p.md:4: YAML aliases (*name) are not allowed here "
     "(write the value out in full)"),
    # one line at the character's own line, without the parser's 'in "<unicode string>", position 14'
    ('---\ntitle: "A\x01 title"\n---\n', "p.md:2: YAML error: the control character U+0001 is not allowed "
     "(remove it)"),
    ('---\ndate: 2025-01-01\ntags: [a]\ntitle: A\x1b title\n---\n', "p.md:4: YAML error: the control "
     "character U+001B is not allowed (remove it)"),
    ('---\ntags: [a]\ntitle: "A\ufffe title"\n---\n', "p.md:3: YAML error: the character U+FFFE is not allowed "
     "(remove it)"),
])
def test_syntax_errors_say_where_and_why(text, message):
    assert problem(text) == message


def test_utf16_is_named():
    with pytest.raises(YamlError) as err:
        decode('---\ntitle: "T"\n---\n'.encode("utf-16"), "p.md")
    assert str(err.value.diagnostic) == \
        "p.md:1: not valid UTF-8: byte 0xff at offset 0 (the file is UTF-16: save it as UTF-8)"


def test_key_lines_come_from_the_parser():
    doc = split_front_matter('---\n{title: "A",\n tags: [x]}\n---\n', "p.md")
    assert doc.key_lines == {"title": 2, "tags": 3}
    doc = split_front_matter("---\ntitle: |\n  text: not a key\n\"date\": 2025\n---\n", "p.md")
    assert doc.key_lines == {"title": 2, "date": 4}


@pytest.mark.parametrize("text, message", [
    ("---\ntitle: !!python/object/apply:os.system [echo hi]\n---\n", "p.md:2: YAML error: could not "
     "determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("---\n[a]: x\n---\n", "p.md:2: YAML error: found unhashable key"),
    ("---\ntitle: x\n\ttags: []\n---\n", "p.md:3: YAML syntax error: found a tab character that violates "
     "indentation"),
])
def test_unsafe_or_odd_yaml(text, message):
    assert problem(text).startswith(message)


def load_config(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed) as err:
        config.load(tmp_path)
    return [str(d) for d in err.value.diagnostics]


@pytest.mark.parametrize("text, expected", [
    ('language: "en\\" onload=\\"x"', "site.yaml:1: 'language' must be a language tag such as en or pt-BR, "
                                      "not 'en\" onload=\"x'"),
    ("language: en'x", "site.yaml:1: 'language' must be a language tag such as en or pt-BR, not \"en'x\""),
    ("theme: ../../elsewhere", "site.yaml:1: 'theme' must be the name of a folder under themes/, "
                               "not '../../elsewhere' (use theme_dir for a folder elsewhere)"),
    ("theme: /etc", "site.yaml:1: 'theme' must be the name of a folder under themes/, not '/etc' "
                    "(use theme_dir for a folder elsewhere)"),
    ('title: "x"\ntitle: "y"', "site.yaml:2: duplicate key 'title' (first at line 1) (keep one of them)"),
    ("site_url: javascript:alert(1)", "site.yaml:1: 'site_url' has the scheme 'javascript'; only http and https "
                                      "URLs are allowed"),
    ('description: "a\\0b"', "site.yaml:1: 'description' contains the control character U+0000 (remove it)"),
    ("title: Ada's papers\ndescription: Papers: what I read", "site.yaml:2: YAML syntax error: mapping values are not "
     "allowed in this context (a value that holds ': ' must be quoted: description: \"Papers: what I read\")"),
])
def test_site_yaml_values(tmp_path: Path, text, expected):
    assert load_config(tmp_path, text) == [expected]


def test_site_yaml_language_tags_that_pass(tmp_path: Path):
    (tmp_path / "site.yaml").write_text("language: pt-BR\ntheme: default\n", encoding="utf-8")
    assert config.load(tmp_path).language == "pt-BR"
