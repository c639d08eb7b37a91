"""Front-matter values from hostile hands: link schemes, control characters, list items."""

from __future__ import annotations

import pytest

from site_gen import schema as s
from site_gen.content import parse_paper

P = "content/papers/a-paper.md"


def messages(front: str) -> list[str]:
    paper, problems = parse_paper(f'---\ntitle: "T"\n{front}\n---\nBody\n'.encode(), P, "a-paper")
    assert paper is None
    return [str(d) for d in problems]


SCHEME = "only http and https URLs are allowed"


@pytest.mark.parametrize("value, message", [
    ('"javascript:alert(1)"', "has the scheme 'javascript'; " + SCHEME),
    ('" javascript:alert(1)"', "has the scheme 'javascript'; " + SCHEME),
    ('"JaVaScRiPt:alert(1)"', "has the scheme 'javascript'; " + SCHEME),
    ('"vbscript:msgbox(1)"', "has the scheme 'vbscript'; " + SCHEME),
    ('"data:text/html;base64,PHNjcmlwdD4="', "has the scheme 'data'; " + SCHEME),
    ('"file:///etc/passwd"', "has the scheme 'file'; " + SCHEME),
    ('"java\\tscript:alert(1)"', "is not a valid URL: 'java\\tscript:alert(1)' (U+0009 must be percent-encoded)"),
    ('"java\\nscript:alert(1)"', "is not a valid URL: 'java\\nscript:alert(1)' (U+000A must be percent-encoded)"),
    ('"\\u200bjavascript:alert(1)"', "is not a valid URL: '\\u200bjavascript:alert(1)' "
                                     "(U+200B must be percent-encoded)"),
    ('"&#106;avascript:alert(1)"', "is not a valid URL: '&#106;avascript:alert(1)' "
                                   "(write the URL itself, not HTML character references)"),
    ('"javascript&colon;alert(1)"', "is not a valid URL: 'javascript&colon;alert(1)' "
                                    "(write the URL itself, not HTML character references)"),
    ('"\\x01javascript:alert(1)"', "contains the control character U+0001 (remove it)"),
    ('"//evil.example/x"', "is not a valid URL: '//evil.example/x'"),
    ('"https:evil.example"', "is not a valid URL: 'https:evil.example'"),
    ('"https://x.org/\\" onmouseover=\\"alert(1)"', "is not a valid URL: 'https://x.org/\" onmouseover=\"alert(1)' "
                                                   "('\"', ' ' must be percent-encoded)"),
    ("www.example.org", "has no scheme: 'www.example.org' would be a link relative to the page "
                        "(write https://www.example.org)"),
    ("arxiv.org/abs/2312.11825", "has no scheme: 'arxiv.org/abs/2312.11825' would be a link relative to the page "
                                 "(write https://arxiv.org/abs/2312.11825)"),
    ('"https://x.org/<script>"', "is not a valid URL: 'https://x.org/<script>' ('<', '>' must be percent-encoded)"),
    ("'https://x.org/a\\b`c''d'", "is not a valid URL: \"https://x.org/a\\\\b`c'd\" "
                                 "('\\', '`', \"'\" must be percent-encoded)"),
])
@pytest.mark.parametrize("key", ["url", "pdf", "code", "project"])
def test_links_accept_only_http_and_relative_urls(key, value, message):
    assert messages(f"{key}: {value}") == [f"{P}:3: '{key}' {message}"]


@pytest.mark.parametrize("url", ["https://x.org/p?a=1&b=2#s", "HTTP://X.ORG/", "papers/other/", "/abs/path",
                                 "#section", "https://例え.jp/論文", "x.pdf", "../files/www.x.pdf", "v1.2/notes"])
def test_ordinary_links_pass(url):
    assert s.web_url(url) == url


@pytest.mark.parametrize("front, expected", [
    ('title2: x\ntags: ["speech", ""]', [
        f"{P}:3: unknown key 'title2' (did you mean 'title'?)", f"{P}:4: 'tags' item 2 must not be empty"]),
    ("authors: [Ada, null]", [f"{P}:3: 'authors' item 2 is empty"]),
    ("authors: [Ada, [x]]", [f"{P}:3: 'authors' item 2 must be a string, not a list (put the value in quotes)"]),
    ('venue: "a\\0b"', [f"{P}:3: 'venue' contains the control character U+0000 (remove it)"]),
    ('tags: ["a\\0b"]', [f"{P}:3: 'tags' item 1 contains the control character U+0000 (remove it)"]),
    ('authors: ["\\e[31mred"]', [f"{P}:3: 'authors' item 1 contains the control character U+001B (remove it)"]),
])
def test_list_items_and_control_characters(front, expected):
    assert messages(front) == expected


def test_title_with_control_character():
    paper, problems = parse_paper(b'---\ntitle: "bell\\a"\n---\n', P, "a-paper")
    assert [str(d) for d in problems] == [f"{P}:2: 'title' contains the control character U+0007 (remove it)"]


@pytest.mark.parametrize("value, code", [
    ("\\x85", "U+0085"), ("\\x9b", "U+009B"), ("\\uFDD0", "U+FDD0"), ("\\uFFFE", "U+FFFE"),
    ("\\U0001FFFF", "U+1FFFF"), ("\\U0010FFFE", "U+10FFFE"),
])
def test_c1_controls_and_noncharacters_are_control_characters(value, code):
    """HTML parses each of them as an error, and XML forbids some."""
    paper, problems = parse_paper(f'---\ntitle: "a{value}b"\n---\n'.encode(), P, "a-paper")
    assert [str(d) for d in problems] == [f"{P}:2: 'title' contains the control character {code} (remove it)"]


def test_a_control_character_in_the_abstract_is_named_at_its_line():
    paper, problems = parse_paper('---\ntitle: "T"\n---\nFirst line.\nA \x1b[31mred\ufffe line.\n'.encode(),
                                  P, "a-paper")
    assert [str(d) for d in problems] == [f"{P}:5: the abstract contains the control character U+001B (remove it)"]


def test_tabs_line_ends_and_ordinary_unicode_are_not_control_characters():
    body = "Tab\there,\r\nCRLF, \u2028 a line separator, \ufffd, 🧪 and \U0002a6d6.\n"
    paper, problems = parse_paper(f'---\ntitle: "T \U0001F9EA"\n---\n{body}'.encode(), P, "a-paper")
    assert problems == [] and paper is not None


def test_an_empty_title_says_so():
    paper, problems = parse_paper(b"---\ntitle:\n---\n", P, "a-paper")
    assert [str(d) for d in problems] == [f"{P}:2: 'title' must not be empty"]


def test_a_file_name_with_no_letters_gets_a_useful_hint():
    paper, problems = parse_paper(b'---\ntitle: "T"\n---\n', "content/papers/---.md", "---")
    assert [str(d) for d in problems] == [
        "content/papers/---.md:1: file name '---.md' is not a valid slug (lowercase ASCII letters, digits and "
        "single hyphens) (name it after its title, as in a-title.md)"]
