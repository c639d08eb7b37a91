"""The taxonomy: ``content/tags.yaml`` read into Tags, and the rules that tag papers.

``load`` reads the file with YAML node marks, so every problem is a Diagnostic at
the line of the key or list item at fault, all of them at once. ``match`` applies
each tag's rules to a title and an abstract.

A tag's rules are lists named ``[exclude_][title_](keywords|patterns)``: keywords
or regular expressions, looked for in the title and abstract or in the title only,
that give the tag or keep it off. A keyword (``keyword_pattern``) ignores case,
matches whole words, lets a space or hyphen match a space, a hyphen or nothing,
lets each word match its simple plural, and a trailing ``*`` any word ending. Rules and text are
compared in Unicode's composed form (NFC), whichever form each is written in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import yaml

from .errors import Diagnostic
from .model import Rule, Tag
from .schema import QUOTE, QUOTE_BOOLEAN, control_message, did_you_mean
from .slug import too_long
from .textutil import find_control, unescaped
from .yamlio import MAX_YAML_BYTES, Loader, YamlError, decode

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FLAGS = re.IGNORECASE  # for regular expressions; keywords are matched in lowercased text


class RuleKey(NamedTuple):
    field: str  # "any" (title or abstract) or "title"
    regex: bool  # a list of regular expressions, not of keywords
    veto: bool  # a match keeps the tag off the paper


RULE_KEYS: dict[str, RuleKey] = {
    f"{'exclude_' if veto else ''}{'title_' if field == 'title' else ''}{kind}":
        RuleKey(field, kind == "patterns", veto)
    for veto in (False, True) for field in ("any", "title") for kind in ("keywords", "patterns")
}
TAG_KEYS = dict.fromkeys(["slug", "name", "description", *RULE_KEYS])
TOP_KEYS = dict.fromkeys(["tags"])

# Words of a keyword are separated by spaces or hyphens (ASCII or Unicode), which match
# any run of spaces and hyphens, or nothing: "pre-training" finds "pretraining".
_SEPARATORS = r"\s\-\u2010-\u2015"
_SPLIT = re.compile(f"[{_SEPARATORS}]+")
_JOIN = f"[{_SEPARATORS}]*"
_CONSONANT_Y = re.compile(r"[^aeiou\W\d_]y\Z")
_LEAD = re.compile(r"\w{0,4}")
_HEAD = re.compile(r"(?<!\w)\w{1,4}")  # the first four characters of a word
_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_Entry = tuple[yaml.Node, yaml.Node]  # a key's node and its value's node
_KINDS = {_NULL: "empty", _STR: "a string", "tag:yaml.org,2002:bool": "a boolean",
          "tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number"}


def _words(keyword: str) -> list[tuple[str, str]]:
    """Each word of a keyword, lowercased, as (literal stem, pattern of its endings)."""
    words = []
    for word in _SPLIT.split(_composed(keyword).strip().lower()):
        if word.endswith("*"):
            words.append((word.rstrip("*"), r"\w*"))
        elif _CONSONANT_Y.search(word):
            words.append((word[:-1], "(?:y|ies)"))
        elif word:
            words.append((word, "(?:s|es)?" if word[-1].isalpha() else ""))
    return words


def keyword_pattern(keyword: str) -> str:
    """The regular expression a keyword stands for, in lowercased text."""
    return r"(?<!\w)" + _JOIN.join(re.escape(s) + e for s, e in _words(keyword)) + r"(?!\w)"


def _keyed(keyword: str) -> tuple[str, str]:
    """A keyword's pattern as (key, rest): the key, up to four leading word characters,
    begins a word wherever the keyword matches; it is "" when there is none."""
    (stem, ending), *others = _words(keyword)
    key = stem[: _LEAD.match(stem).end()]  # type: ignore[union-attr]  # \w{0,4} always matches
    rest = "".join(_JOIN + re.escape(s) + e for s, e in others)
    return key, re.escape(stem[len(key) :]) + ending + rest + r"(?!\w)"


# --- matching -------------------------------------------------------------------------------
# A paper's title and abstract are each lowercased and cut into words once. A keyword can
# only match where a word begins with its key, so a tag searches only for the keywords whose
# key begins a word of the text, with one expression per key that starts with the key as a
# literal (which the re module scans for fast). Regular expressions are searched as written.


class _Text(NamedTuple):
    text: str
    lower: str
    prefixes: set[str]  # the first 1 to 4 characters of each word of ``lower``


def _composed(text: str) -> str:
    """``text`` in Unicode's composed form (NFC): a keyword written with an accented letter
    finds it in text that writes it as a letter and a combining accent (NFD), as macOS and
    text copied from PDFs often do."""
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _text(text: str) -> _Text:
    text = _composed(text)
    lower = text.lower()
    return _Text(text, lower, {h[:n] for h in set(_HEAD.findall(lower)) for n in (1, 2, 3, 4)})


class _Side(NamedTuple):
    """The rules of one kind (giving the tag or keeping it off) that look at one field."""

    keyed: dict[str, re.Pattern[str]]  # key -> the keywords it begins, for lowercased text
    other: tuple[re.Pattern[str], ...]  # the regular expressions, ignoring case

    def found(self, text: _Text) -> bool:
        for key in text.prefixes.intersection(self.keyed):
            if self.keyed[key].search(text.lower):
                return True
        return any(rx.search(text.text) for rx in self.other)


def _side(rules: Sequence[Rule], field: str) -> _Side:
    groups: dict[str, list[str]] = {}
    others: list[str] = []
    for rule in rules:
        if rule.field in (field, "any"):
            key, rest = _keyed(rule.keyword) if rule.keyword else ("", "")
            if key:
                groups.setdefault(key, []).append(rest)
            else:
                others.append(rule.pattern)
    # After the key, (?<!\w.{n}) checks that no letter or digit comes before it.
    keyed = {key: re.compile(re.escape(key) + rf"(?<!\w.{{{len(key)}}})(?:{'|'.join(rests)})")
             for key, rests in groups.items()}
    return _Side(keyed, tuple(re.compile(p, FLAGS) for p in others))


class _Matcher(NamedTuple):
    title: _Side
    abstract: _Side
    veto_title: _Side
    veto_abstract: _Side

    def matches(self, title: _Text, abstract: _Text) -> bool:
        if not (self.title.found(title) or self.abstract.found(abstract)):
            return False
        return not (self.veto_title.found(title) or self.veto_abstract.found(abstract))


_CACHE: dict[int, tuple[Tag, _Matcher]] = {}
_CACHE_LIMIT = 4096


def _matcher(tag: Tag) -> _Matcher:
    """A tag's compiled rules, cached by identity: hashing a Tag would cost more than matching."""
    entry = _CACHE.get(id(tag))
    if entry is None or entry[0] is not tag:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        compiled = _Matcher(_side(tag.rules, "title"), _side(tag.rules, "abstract"),
                            _side(tag.exclude, "title"), _side(tag.exclude, "abstract"))
        entry = _CACHE[id(tag)] = (tag, compiled)
    return entry[1]


def match(tags: Sequence[Tag], title: str, abstract: str) -> tuple[str, ...]:
    """The slugs of the tags whose rules match the paper, in taxonomy order. The abstract is
    Markdown: rules see its characters as a reader does (``A\\* search`` as ``A* search``)."""
    title_text, abstract_text = _text(title), _text(unescaped(abstract))
    return tuple(tag.slug for tag in tags if _matcher(tag).matches(title_text, abstract_text))


# --- loading --------------------------------------------------------------------------------


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.CollectionNode):
        return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
    return _KINDS.get(node.tag, f"a value of type {node.tag.rsplit(':', 1)[-1]}")


def _quote(node: yaml.Node) -> str:
    """How to write a value that YAML read as something other than a string."""
    return QUOTE_BOOLEAN if _is(node, "tag:yaml.org,2002:bool") else QUOTE


def _is(node: yaml.Node, tag: str) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == tag


class _Reader:
    """Walks the nodes of tags.yaml into Tags, collecting every problem on the way."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Diagnostic] = []

    def error(self, node: yaml.Node | yaml.Event, message: str, hint: str = "") -> None:
        line = node.start_mark.line + 1 if node.start_mark else 0
        self.problems.append(Diagnostic(self.path, line, message, hint))

    def compose(self, text: str) -> yaml.Node | None:
        """The document's nodes; anchors and aliases are refused, syntax errors reported."""
        try:
            shared = [e for e in yaml.parse(text, Loader=Loader) if getattr(e, "anchor", None)]
            for event in shared:
                self.error(event, "YAML anchors and aliases (&name, *name) are not allowed",
                           "write the value out in full")
            return None if shared else yaml.compose(text, Loader=Loader)
        except yaml.MarkedYAMLError as exc:
            mark, where = exc.problem_mark or exc.context_mark, exc.context_mark
            hint = f"{exc.context} at line {where.line + 1}" if exc.context and where else ""
            message = f"YAML syntax error: {exc.problem or exc.context}"
            self.problems.append(Diagnostic(self.path, mark.line + 1 if mark else 0, message, hint))
        except (yaml.YAMLError, RecursionError) as exc:
            self.problems.append(Diagnostic(self.path, 0, f"YAML error: {exc}"[:300]))
        return None

    def mapping(self, node: yaml.MappingNode, known: dict[str, None]) -> dict[str, _Entry]:
        """Key -> (key node, value node); unknown, repeated and non-string keys are reported."""
        found: dict[str, _Entry] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not _is(key_node, _STR):
                self.error(key_node, f"a key must be a word, not {_kind(key_node)}")
            elif key not in known:
                self.error(key_node, f"unknown key '{key}'", did_you_mean(key, known))
            elif key in found:
                first = found[key][0].start_mark.line + 1
                self.error(key_node, f"duplicate key '{key}' (first at line {first})")
            else:
                found[key] = (key_node, value_node)
        return found

    def tags(self, root: yaml.Node | None) -> list[Tag]:
        """The tags of the document; a repeated slug is reported with both of its lines."""
        if root is None or _is(root, _NULL):
            return []
        if not isinstance(root, yaml.MappingNode):
            self.error(root, f"expected a mapping with the key 'tags', not {_kind(root)}")
            return []
        key_node, items = self.mapping(root, TOP_KEYS).get("tags", (root, None))
        if items is None or _is(items, _NULL):
            return []
        if not isinstance(items, yaml.SequenceNode):
            self.error(key_node, f"'tags' must be a list of tags, not {_kind(items)}")
            return []
        tags: list[Tag] = []
        slug_lines: dict[str, int] = {}
        for node in items.value:
            tag, slug, slug_node = self.tag(node)
            if slug is not None and slug in slug_lines:
                first = slug_lines[slug]
                self.error(slug_node, f"duplicate slug '{slug}' (first defined at line {first})")
            elif slug is not None:
                slug_lines[slug] = slug_node.start_mark.line + 1
                tags.extend([tag] if tag else [])
        return tags

    def tag(self, node: yaml.Node) -> tuple[Tag | None, str | None, yaml.Node]:
        """The Tag (None when it has a problem), its slug (None when unusable), the slug key."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"a tag must be a mapping with 'slug' and 'name', not {_kind(node)}")
            return None, None, node
        before = len(self.problems)
        keys = self.mapping(node, TAG_KEYS)
        text = {"description": ""}
        for key in ("slug", "name", "description"):
            if key in keys and not (key == "description" and _is(keys[key][1], _NULL)):
                text[key] = self.string(key, *keys[key])
            elif key != "description":
                self.error(node, f"missing required key '{key}'")
        slug_node, slug = keys.get("slug", (node,))[0], text.get("slug") or None
        if slug is not None and not SLUG.fullmatch(slug):
            hint = "use lowercase letters, digits and single hyphens, as in 'speech-recognition'"
            self.error(slug_node, f"invalid slug {slug!r}", hint)
            slug = None
        elif slug is not None and (long := too_long(slug)):
            self.error(slug_node, f"slug '{slug}' {long}", "shorten it")
            slug = None
        rules: dict[bool, list[Rule]] = {False: [], True: []}
        for key, spec in RULE_KEYS.items():
            if key in keys:
                rules[spec.veto].extend(self.rules(key, *keys[key], spec))
        if slug is None or len(self.problems) > before:
            return None, slug, slug_node
        tag = Tag(slug, text["name"], text["description"], tuple(rules[False]), tuple(rules[True]))
        return tag, slug, slug_node

    def string(self, key: str, key_node: yaml.Node, node: yaml.Node) -> str:
        """The text of a string value, on one line; "" (and a problem) when it is not one."""
        if not _is(node, _STR):
            self.error(key_node, f"'{key}' must be a string, not {_kind(node)}", _quote(node))
            return ""
        value = " ".join(node.value.split())
        if not value and key != "description":
            self.error(key_node, f"'{key}' must not be empty")
        if key != "slug" and (bad := find_control(value)):  # a slug has a check of its own
            self.error(key_node, f"'{key}' {control_message(bad.group())}", "remove it")
        return value

    def rules(self, key: str, key_node: yaml.Node, node: yaml.Node, spec: RuleKey
              ) -> Iterator[Rule]:
        if _is(node, _NULL):
            return
        if not isinstance(node, yaml.SequenceNode):
            hint = f"write [{node.value}]" if isinstance(node, yaml.ScalarNode) else ""
            self.error(key_node, f"'{key}' must be a list, not {_kind(node)}", hint)
            return
        for item in node.value:
            if not _is(item, _STR):
                self.error(item, f"an item of '{key}' must be a string, not {_kind(item)}", _quote(item))
            elif not item.value.strip():
                self.error(item, f"an item of '{key}' is empty")
            elif not spec.regex and not re.search(r"\w", item.value):
                self.error(item, f"keyword {item.value!r} has no letters or digits")
            elif not spec.regex:
                yield Rule(keyword_pattern(item.value), spec.field, item.value)
            elif self.regex(item):
                yield Rule(_composed(item.value), spec.field)

    def regex(self, item: yaml.ScalarNode) -> bool:
        try:
            compiled = re.compile(item.value, FLAGS)
        except re.error as exc:
            self.error(item, f"invalid regular expression {item.value!r}: {exc}")
            return False
        if any((m := compiled.search(text)) and not m.group() for text in ("", " ", "a b")):
            self.error(item, f"regular expression {item.value!r} matches empty text",
                       "as it is, it would tag every paper")
            return False
        return True


def load(path: Path, display_path: str | None = None) -> tuple[tuple[Tag, ...], list[Diagnostic]]:
    """Read tags.yaml: the tags in file order and every problem found. No file is no tags."""
    shown = display_path or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return (), []
    except OSError as exc:
        return (), [Diagnostic(shown, 0, f"cannot read: {exc.strerror}")]
    if len(raw) > MAX_YAML_BYTES:
        return (), [Diagnostic(shown, 0, f"file too large ({len(raw)} bytes)")]
    try:
        text = decode(raw, shown)
    except YamlError as exc:
        return (), [exc.diagnostic]
    reader = _Reader(shown)
    tags = reader.tags(reader.compose(text))
    return tuple(tags), reader.problems
