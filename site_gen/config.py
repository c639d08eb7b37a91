"""site.yaml: a documented schema that rejects what it does not know."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import schema as s
from .errors import BuildFailed, Diagnostic
from .yamlio import YamlError, decode, load_yaml

CONFIG_FILE = "site.yaml"
BUNDLED_THEMES = Path(__file__).resolve().parent.parent / "themes"  # the generator's own themes


def base_path(value: Any) -> str:
    """A URL path that starts and ends with '/': '/', '/paper-catalogue/'. No white space or
    control character: a browser drops a tab from a link, and a line or bidi control garbles it."""
    text = s.string(value)
    if ("://" in text or any(c in text for c in "?#\\\"'<>") or ".." in text.split("/")
            or any(c.isspace() or not c.isprintable() for c in text)):
        raise s.Invalid(f"must be a path such as / or /my-repo/, not {text!r}")
    return "/" + "/".join(part for part in text.split("/") if part) + "/" if text.strip("/") else "/"


def absolute_url(value: Any) -> str:
    """The site's address, to which every absolute URL adds a path: no query, fragment or
    password, which each such URL would carry (or publish)."""
    text = s.web_url(value)
    if text and not text.lower().startswith(("http://", "https://")):
        raise s.Invalid("must be an absolute http(s) URL such as https://example.github.io/catalogue/")
    parts = urlsplit(text)
    if "?" in text or "#" in text:
        raise s.Invalid("must not have a query (?) or a fragment (#)", f"write {parts.scheme}://{parts.netloc}{parts.path}")
    if "@" in parts.netloc:
        raise s.Invalid("must not hold a user name or password: every page would publish them")
    try:
        parts.port  # noqa: B018  # raises for a port that is not a number from 0 to 65535
    except ValueError:
        raise s.Invalid("has a port that is not a number from 0 to 65535") from None
    return text.rstrip("/") + "/" if text else ""


def language(value: Any) -> str:
    """A BCP 47 language tag, as HTML's lang takes it: a language of two or three letters (every
    language the IANA registry lists has one), then subtags such as a region (pt-BR)."""
    text = s.string(value)
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", text):
        raise s.Invalid(f"must be a language tag such as en or pt-BR, not {text!r}")
    return text


def theme_name(value: Any) -> str:
    text = s.string(value)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", text):
        raise s.Invalid(f"must be the name of a folder under themes/, not {text!r}",
                        "use theme_dir for a folder elsewhere")
    return text


FIELDS: dict[str, s.Field] = {
    "title": s.Field(s.text, "the site's name, shown in the header and the feed", default="Paper catalogue"),
    "description": s.Field(s.string, "one sentence about the catalogue (home page, meta description)", default=""),
    "author": s.Field(s.string, "who keeps the catalogue (feed author)", default=""),
    "language": s.Field(language, "the HTML lang of every page", default="en"),
    "base_url": s.Field(base_path, "the path the site is served under: / or /<repo>/ (BASE_URL overrides)",
                        default="/"),
    "site_url": s.Field(absolute_url, "the absolute URL of the site, for the feed, sitemap and canonical links",
                        default=""),
    "theme": s.Field(theme_name, "a folder under themes/", default="default"),
    "theme_dir": s.Field(s.string, "a folder of templates and static files that override the theme's", default=""),
    "content_dir": s.Field(s.string, "where papers/ and tags.yaml live", default="content"),
    "page_size": s.Field(s.integer(1, 1000), "papers per listing page", default=25),
    "feed_size": s.Field(s.integer(1, 10000), "papers in the Atom feeds", default=50),
    "author_pages": s.Field(s.integer(0, 1_000_000), "give authors with at least this many papers a page "
                            "(0 turns author pages off)", default=2),
    "related": s.Field(s.integer(0, 20), "related papers shown on each paper page (0 turns it off)", default=5),
    "strict": s.Field(s.boolean, "treat warnings (such as tags missing from tags.yaml) as errors",
                      default=False),
}


@dataclass(frozen=True, slots=True)
class SiteConfig:
    root: Path
    title: str = "Paper catalogue"
    description: str = ""
    author: str = ""
    language: str = "en"
    base_url: str = "/"
    site_url: str = ""
    theme: str = "default"
    theme_dir: str = ""
    content_dir: str = "content"
    page_size: int = 25
    feed_size: int = 50
    author_pages: int = 2
    related: int = 5
    strict: bool = False
    config_path: str = CONFIG_FILE

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    def absolute(self, path: str) -> str:
        """An absolute URL for ``path`` (relative to the base): site_url when known, else the base path."""
        return (self.site_url or self.base_url) + path

    def with_overrides(self, **changes: Any) -> SiteConfig:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _missing_folders(root: Path, values: dict[str, Any], key_lines: dict[str, int], display: str,
                     keys: tuple[str, ...]) -> list[Diagnostic]:
    """A content_dir or theme_dir written in site.yaml that is not a folder: with a typo in
    content_dir a build would otherwise replace the site with an empty one."""
    return [Diagnostic(display, key_lines[key], f"'{key}' is not a folder: {values[key]!r}",
                       "create it, or correct the path, which is relative to site.yaml's folder")
            for key in keys
            if key in key_lines and values.get(key) and not (root / values[key]).is_dir()]


def theme_folder(root: Path, name: str) -> Path | None:
    """The folder of the theme ``name``: the project's themes/ first, then the generator's."""
    for base in (root / "themes", BUNDLED_THEMES):
        if (base / name).is_dir():
            return base / name
    return None


def _missing_theme(root: Path, values: dict[str, Any], key_lines: dict[str, int], display: str) -> list[Diagnostic]:
    """A theme written in site.yaml that is in neither themes/ folder."""
    if "theme" not in key_lines or "theme" not in values or theme_folder(root, values["theme"]) is not None:
        return []
    return [Diagnostic(display, key_lines["theme"], f"theme '{values['theme']}' not found in themes/")]


def load(root: Path, overrides: dict[str, Any] | None = None) -> SiteConfig:
    """Read ``root/site.yaml`` (optional) and apply overrides (``--base-url``/``BASE_URL``, ``SITE_URL``)."""
    config, problems = load_lenient(root, overrides)
    if problems:
        raise BuildFailed(problems)
    return config


def load_lenient(root: Path, overrides: dict[str, Any] | None = None,
                 new_content: bool = False) -> tuple[SiteConfig, list[Diagnostic]]:
    """Like ``load``, but a bad setting is left at its default and reported, so that a build can
    report the problems of the configuration and of the content at once. A folder with neither
    site.yaml nor content/ is not a catalogue (site-gen run in the wrong folder would build an
    empty site there), nor is it for an import (which would write content/ there).
    ``new_content``: the content folder that site.yaml names may be missing (an import creates it)."""
    path = root / CONFIG_FILE
    display = CONFIG_FILE
    values: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    if path.exists():
        try:
            doc = load_yaml(decode(path.read_bytes(), display), display)
            data = {} if doc.data is None else doc.data
            values, problems = s.check(data, FIELDS, display, doc.key_lines, what="setting")
            folders = ("theme_dir",) if new_content else ("content_dir", "theme_dir")
            problems += _missing_folders(root, values, doc.key_lines, display, folders)
            problems += _missing_theme(root, values, doc.key_lines, display)
        except YamlError as exc:
            problems = [exc.diagnostic]
        except OSError as exc:
            problems = [Diagnostic(display, 0, f"cannot read: {exc.strerror}")]
    elif not (root / FIELDS["content_dir"].default).is_dir():
        hint = "run site-gen in the catalogue's folder, or name it with --root"
        if new_content:
            hint += f"; to start a new catalogue here, write its {CONFIG_FILE} first"
        problems = [Diagnostic(str(root.absolute()), 0, f"not a catalogue: no {CONFIG_FILE} and no "
                               f"{FIELDS['content_dir'].default}/ folder here", hint)]
    overrides = dict(overrides or {})
    for key, env in (("base_url", "BASE_URL"), ("site_url", "SITE_URL")):
        if overrides.get(key) is None and os.environ.get(env):
            overrides[key] = os.environ[env]
    for key, value in overrides.items():
        if value is None:
            continue
        try:
            values[key] = FIELDS[key].kind(value)
        except s.Invalid as exc:
            problems.append(Diagnostic(f"--{key.replace('_', '-')}", 0, f"{value!r} {exc}"))
    known = {f.name for f in fields(SiteConfig)}
    return SiteConfig(root=root, **{k: v for k, v in values.items() if k in known}), problems
