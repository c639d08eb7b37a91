"""Reading YAML safely: strict UTF-8, front-matter split, line numbers for keys.

Dates stay strings (the schema checks them), aliases are refused, and every
problem becomes a Diagnostic pointing at the line of the file where it is. Front matter of
one-line ``key: value`` pairs, as the importers write it, is read without the YAML parser
(three times faster), with the same result; anything else goes through the parser.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import Diagnostic

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc]
    """The safe loader (libyaml when present), with dates kept as plain strings."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()  # type: ignore[attr-defined]
}

MAX_YAML_BYTES = 1_000_000
_KEY_LINE = re.compile(r"""^(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#'"\-?:][^:\n#]*?))[ \t]*:(?:[ \t]|$)""", re.M)
FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)  # a line that closes front matter


@dataclass(frozen=True, slots=True)
class YamlDoc:
    data: Any
    key_lines: dict[str, int]  # top-level key -> 1-based line in the file
    body: str = ""
    body_line: int = 1


class YamlError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def decode(raw: bytes, path: str) -> str:
    """Strict UTF-8 (a BOM is dropped), CRLF and CR become LF."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise YamlError(
            Diagnostic(path, line, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                       "the file is UTF-16: save it as UTF-8" if utf16 else "save the file as UTF-8")
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise YamlError(Diagnostic(path, line, "the file contains a NUL byte (binary data?)"))
    return text


def key_lines(text: str, first_line: int = 1) -> dict[str, int]:
    """Line of each top-level key of a block mapping (cheap, no YAML parse)."""
    lines: dict[str, int] = {}
    for m in _KEY_LINE.finditer(text):
        key = m.group(1) or m.group(2) or m.group(3) or ""
        lines.setdefault(key.strip(), text.count("\n", 0, m.start()) + first_line)
    return lines


def _alias_line(text: str) -> int | None:
    """The 0-based line of the first alias (``*name``), if any."""
    if "*" not in text:
        return None
    events = yaml.parse(text, Loader=_Base)
    return next((ev.start_mark.line for ev in events if isinstance(ev, yaml.AliasEvent) and ev.start_mark), None)


_PLAIN_PAIR = re.compile(r"^\s*([^\s#'\"\[{&*!|>%@`-][^:#]*?):\s+([^\s'\"\[{&*!|>%@`].*?)\s*$")


def _quote_hint(line: str) -> str:
    """For ``title: Mamba: Linear-Time ...``, where a value holds ': ' and YAML reads a second key:
    the line as it should be written, the value in quotes."""
    pair = _PLAIN_PAIR.match(line)
    if not pair:
        return ""
    key, value = pair.groups()
    quoted = ('"' + value + '"' if '"' not in value and "\\" not in value
              else "'" + value.replace("'", "''") + "'")
    return f"a value that holds ': ' must be quoted: {key}: {quoted}"


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str, first_line: int) -> Diagnostic:
    """Where the parser stopped, what it found, and where the construct it was reading began."""
    mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
    line = mark.line if mark else 0
    problem = exc.problem or exc.context or "invalid YAML"
    hint = ""
    if exc.context and context and context.line != line:
        hint = f"{exc.context} at line {first_line + context.line}"
    if mark and text.split("\n")[line][mark.column : mark.column + 1] == "\t":
        hint = "YAML does not allow tabs for indentation: use spaces"
    elif problem == "mapping values are not allowed in this context" and mark:
        hint = _quote_hint(text.split("\n")[line]) or hint
    kind = "YAML error" if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error"
    return Diagnostic(path, first_line + line, f"{kind}: {problem}", hint)


def _reader_error(exc: yaml.reader.ReaderError, text: str, path: str, first_line: int) -> Diagnostic:
    """A character YAML does not allow (a control character, U+FFFE), at its line: without the
    parser's ``in "<unicode string>", position 14``."""
    if not isinstance(exc.character, int):
        return Diagnostic(path, first_line, f"YAML error: {exc.reason}")
    char = chr(exc.character)
    at = text.find(char)
    line = first_line + (text.count("\n", 0, at) if at >= 0 else 0)
    kind = "control character" if unicodedata.category(char) == "Cc" else "character"
    return Diagnostic(path, line, f"YAML error: the {kind} U+{exc.character:04X} is not allowed", "remove it")


def _top_keys(node: yaml.Node | None, path: str, first_line: int) -> dict[str, int]:
    """Line of each top-level key, from the parser's marks; a repeated key is an error."""
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        line = first_line + key_node.start_mark.line
        if key_node.value in lines:
            raise YamlError(Diagnostic(path, line, f"duplicate key '{key_node.value}' "
                                                   f"(first at line {lines[key_node.value]})",
                                       "keep one of them"))
        lines[key_node.value] = line
    return lines


class WrittenFloat(float):
    """A number YAML read from the text ``written``: ``2401.10010`` is 2401.1001, and a message
    about it shows what the file says."""

    written: str

    def __new__(cls, value: float, written: str) -> WrittenFloat:
        number = super().__new__(cls, value)
        number.written = written
        return number


_FLOAT = "tag:yaml.org,2002:float"


def _parse(text: str, path: str, first_line: int) -> YamlDoc:
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        lines = _top_keys(node, path, first_line)
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
        for key_node, value_node in node.value:
            if value_node.tag == _FLOAT and isinstance(number := data.get(key_node.value), float):
                data[key_node.value] = WrittenFloat(number, value_node.value)
    return YamlDoc(data, lines)


# The lines of front matter as the importers write it and most people type it: ``key: value``,
# where the value is a one-line quoted string, a plain word or phrase, or a flow list of those.
_DOUBLE = r'"((?:[^"\\]|\\["\\])*)"'  # no escapes but \" and \\
_SINGLE = r"'([^']*)'"  # no '' inside
_PLAIN = r"""([^-?:,\[\]{}#&*!|>'"%@`\s](?:\S|[ ](?![ ]*(?:#|$)))*?)"""  # no comment after it
_WORD = r"[A-Za-z0-9_.()/+'&-]"
_SIMPLE_LINE = re.compile(rf"([A-Za-z_][A-Za-z0-9_-]*):[ ]+(?:{_DOUBLE}|{_SINGLE}|\[(.*)\]|{_PLAIN})[ ]*")
_SIMPLE_ITEM = re.compile(rf"[ ]*(?:{_DOUBLE}|{_SINGLE}|([A-Za-z0-9_.]{_WORD}*(?:[ ]+{_WORD}+)*))[ ]*")
# The characters YAML holds as they are (tab, LF and CR apart): its printable set without U+0085,
# U+2028 and U+2029, which YAML 1.1 reads as line breaks, and the byte-order mark.
YAML_TEXT = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_NOT_SIMPLE = re.compile(f"[^\n{YAML_TEXT}]")  # what the simple reader leaves to the parser


@functools.lru_cache(maxsize=1 << 14)  # keys, tags and names come back paper after paper
def _plain_string(value: str) -> bool:
    """Whether YAML reads the plain scalar ``value`` as a string (not a number, boolean or null)."""
    resolvers = Loader.yaml_implicit_resolvers
    return not any(rx.match(value) for _, rx in resolvers.get(value[0], ()))


_ESCAPED = re.compile(r'\\(["\\])')


def _unescaped(quoted: str) -> str:
    """The string a double-quoted scalar whose only escapes are ``\\"`` and ``\\\\`` holds."""
    return _ESCAPED.sub(r"\1", quoted) if "\\" in quoted else quoted


def _simple_items(inside: str) -> list[str] | None:
    """The strings of a one-line flow list (between its brackets), if it is a simple one."""
    if not inside.strip(" "):
        return []
    items: list[str] = []
    for part in inside.split(","):
        m = _SIMPLE_ITEM.fullmatch(part)
        if m is None:
            return None  # a comma inside quotes, a nested list, a trailing comma...
        double, single, plain = m.groups()
        if plain is not None and not _plain_string(plain):
            return None
        items.append(_unescaped(double) if double is not None else single if single is not None else plain)
    return items


def _simple(text: str, first_line: int) -> YamlDoc | None:
    """``text`` read without a YAML parser when every line is a simple ``key: value`` (or blank,
    or a comment); None otherwise, and the parser reads it. Both read such text alike: a test
    holds them to it."""
    if _NOT_SIMPLE.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), first_line):
        if not line.strip(" ") or line.startswith("#"):
            continue
        m = _SIMPLE_LINE.fullmatch(line)
        if m is None:
            return None
        key, double, single, flow, plain = m.groups()
        if key in lines or not _plain_string(key):
            return None  # the parser says what is wrong with a repeated key
        if flow is not None:
            value: Any = _simple_items(flow)
            if value is None:
                return None
        elif plain is not None:
            if ": " in plain or plain.endswith(":") or not _plain_string(plain):
                return None
            value = plain
        else:
            value = _unescaped(double) if double is not None else single
        data[key] = value
        lines[key] = number
    return YamlDoc(data or None, lines)


def load_yaml(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; ``first_line`` is the file line where ``text`` starts."""
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(Diagnostic(path, first_line, f"YAML block too large ({len(text)} characters)"))
    if (simple := _simple(text, first_line)) is not None:
        return simple
    try:
        if (alias := _alias_line(text)) is not None:
            raise YamlError(Diagnostic(path, first_line + alias, "YAML aliases (*name) are not allowed here",
                                       "write the value out in full"))
        return _parse(text, path, first_line)
    except yaml.MarkedYAMLError as exc:
        raise YamlError(_syntax_error(exc, text, path, first_line)) from None
    except yaml.reader.ReaderError as exc:
        raise YamlError(_reader_error(exc, text, path, first_line)) from None
    except yaml.YAMLError as exc:
        raise YamlError(Diagnostic(path, first_line, f"YAML error: {' '.join(str(exc).split())}")) from None
    except (RecursionError, ValueError, OverflowError) as exc:
        raise YamlError(Diagnostic(path, first_line, f"YAML error: {type(exc).__name__}: {exc}"[:300])) from None


def split_front_matter(text: str, path: str) -> YamlDoc:
    """Split ``---`` front matter from the Markdown body and parse it."""
    if not text.strip():
        raise YamlError(Diagnostic(path, 1, "empty file", "a paper file starts with '---' front matter"))
    if not text.startswith("---") or text.split("\n", 1)[0].rstrip() != "---":
        raise YamlError(Diagnostic(path, 1, "no front matter: the file must start with a '---' line"))
    start = text.index("\n") + 1 if "\n" in text else len(text)
    close = FENCE.search(text, start)
    if close is None:
        raise YamlError(Diagnostic(path, 1, "front matter starts here but is never closed by a '---' line"))
    fm_text = text[start : close.start()]
    doc = load_yaml(fm_text, path, first_line=2)
    if doc.data is None:
        doc = YamlDoc({}, {})
    body_start = text.find("\n", close.end())
    body = "" if body_start < 0 else text[body_start + 1 :]
    body_line = text.count("\n", 0, close.start()) + 2
    return YamlDoc(doc.data, doc.key_lines, body, body_line)
